"""Which data files the helpers' set-up calls load, as the model records them."""

from __future__ import annotations

from pathlib import Path

from kumocheck.config import Settings
from kumocheck.parse.lua import parse_lua
from kumocheck.project import Workspace, build_model

BUNDLED = "/opt/kumomta/share/policy-extras/shaping.toml"


def _model(tmp_path: Path, text: str):
    path = tmp_path / "init.lua"
    path.write_text(text, encoding="utf-8")
    return build_model(Workspace(Settings()), path, "init.lua", parse_lua(text).chunk)


def test_shaping_loads_the_bundled_file_first(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        "local shaping = require 'policy-extras.shaping'\n"
        "local s = shaping:setup_with_automation { extra_files = { '/opt/kumomta/etc/policy/a.toml', 'https://x/b.toml' } }\n",
    )
    assert [(d.named, d.bundled) for d in model.data_files] == [
        (BUNDLED, True),
        ("/opt/kumomta/etc/policy/a.toml", False),
        ("https://x/b.toml", False),
    ]
    assert model.data_files[1].path == tmp_path / "a.toml"
    assert model.data_files[1].missing  # the folder holds init.lua: a policy tree
    assert model.data_files[2].path is None and not model.data_files[2].missing
    assert model.data_files_complete


def test_no_default_files_and_inline_tables(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        "local shaping = require 'policy-extras.shaping'\n"
        "local sources = require 'policy-extras.sources'\n"
        "shaping:setup_with_automation { no_default_files = true, extra_files = {} }\n"
        "sources:setup { { source = { a = {} } } }\n",
    )
    assert [(d.kind, d.inline is not None) for d in model.data_files] == [("sources", True)]


def test_unknown_file_list_is_incomplete(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        "local sources = require 'policy-extras.sources'\nlocal files = dofile('x')\nsources:setup(files)\n",
    )
    assert model.data_files == [] and not model.data_files_complete


def test_helper_calls_and_uses_are_recorded(tmp_path: Path) -> None:
    model = _model(
        tmp_path,
        "local kumo = require 'kumo'\nlocal shaping = require 'policy-extras.shaping'\n"
        "local shaper = shaping:setup { '/opt/kumomta/etc/policy/shaping.toml' }\n"
        "kumo.on('get_egress_path_config', shaper.get_egress_path_config)\n",
    )
    assert [(c.helper, c.function) for c in model.helper_calls] == [("policy-extras.shaping", "setup")]
    assert [(u.helper, u.name, u.span.line) for u in model.helper_uses] == [
        ("policy-extras.shaping", "setup", 3),
        ("shaping.configured", "get_egress_path_config", 4),
    ]
