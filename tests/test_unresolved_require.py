"""unresolved-require on small policies: only near misses of modules that exist."""

from __future__ import annotations

from pathlib import Path

from kumocheck.checks.unresolved_require import edit_distance, near_module, policy_extras_modules
from kumocheck.config import Settings
from kumocheck.project import check_sources


def _check(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, int, str]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    report = check_sources([tmp_path], Settings(policy_root=tmp_path))
    return sorted((Path(d.path).name, d.span.line, d.help or "") for d in report.diagnostics if d.rule == "unresolved-require")


LIB = {"lib/tuning.lua": "return {}\n", "lib/dkim/init.lua": "return {}\n", "lib/Shaping_Rules.lua": "return {}\n"}


def test_near_misses_are_reported_with_the_module_meant(tmp_path):
    found = _check(tmp_path, {**LIB, "init.lua": (
        "local a = require 'lib.tunning'\n"
        "local b = require 'lib.dkmi'\n"
        "local c = require 'lib.shaping_rules'\n"
        "local d = require 'lib.tuning.lua'\n"
        "local e = require 'policy-extras.listener_domain'\n"
        "local f = require 'policy-extras.queues'\n"
    )})
    assert found == [
        ("init.lua", 1, "did you mean 'lib.tuning'?"),
        ("init.lua", 2, "did you mean 'lib.dkim'?"),
        ("init.lua", 3, "did you mean 'lib.Shaping_Rules'?"),
        ("init.lua", 4, "write require 'lib.tuning'"),
        ("init.lua", 5, "did you mean 'policy-extras.listener_domains'?"),
        ("init.lua", 6, "did you mean 'policy-extras.queue'?"),
    ]


def test_modules_that_may_come_from_package_path_are_not_reported(tmp_path):
    found = _check(tmp_path, {**LIB, "init.lua": (
        "local json = require 'dkjson'\n"  # system module; lib/dkjson.lua would be 'lib.dkjson'
        "local http = require 'resty.http'\n"
        "local t = require 'tuning'\n"  # another shape: may be on package.path
        "local x = require 'lib.something_else'\n"
        "local ok = require 'lib.tuning'\n"
        "local d = require 'lib.dkim'\n"
        "local u = require 'policy-extras.policy_utils'\n"
        "local v = require 'policy-extras.totally_new'\n"
        "local name = os.getenv('MOD') or 'lib.tunning'\n"
        "local dyn = require(name)\n"
    ), "lib/dkjson.lua": "return {}\n"})
    assert found == []


def test_module_files_are_judged_with_the_policy_root(tmp_path):
    found = _check(tmp_path, {**LIB, "init.lua": "local r = require 'lib.route'\n", "lib/route.lua": "local t = require 'lib.tuninng'\nreturn {}\n"})
    assert found == [("route.lua", 1, "did you mean 'lib.tuning'?")]


def test_policy_extras_list_comes_from_rules_data():
    modules = policy_extras_modules()
    assert {"shaping", "sources", "queue", "dkim_sign", "listener_domains", "log_hooks", "policy_utils"} <= set(modules)
    assert all(since[:4].isdigit() for since in modules.values())


def test_near_module_needs_the_same_shape_and_a_small_edit():
    known = {"lib.tuning", "lib.queues", "shaping"}
    assert near_module("lib.tunign", known) == "lib.tuning"
    assert near_module("lib.queue", known) == "lib.queues"
    assert near_module("lib.tuning_extra", known) is None
    assert near_module("shaping.tuning", known) is None
    assert near_module("lib.tun", known) is None
    assert edit_distance("tunning", "tuning", 2) == 1 and edit_distance("abcd", "badc", 2) == 2
