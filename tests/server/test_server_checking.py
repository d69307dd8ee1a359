"""Checking open documents together: names, modules, data documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("lsprotocol", reason="lsprotocol is not installed (pip install kumocheck[server])")

from kumocheck.server.diagnostics import SettingsCache, Snapshot, check_snapshots, document_kind  # noqa: E402

POLICY = Path(__file__).resolve().parents[1] / "policies" / "mf_config_in_module"


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(POLICY, root / "policy")
    return root


def _snap(path: Path, text: str | None = None, kind: str = "lua") -> Snapshot:
    return Snapshot(path.as_uri(), path, path.read_text("utf-8") if text is None else text, 1, kind)


def test_a_module_is_judged_through_its_open_entry_file(policy: Path, monkeypatch) -> None:
    # the server's working directory is not the workspace: names are relative to the
    # workspace, and `require` must still resolve from the entry file itself
    monkeypatch.chdir("/")
    init, module = policy / "policy" / "init.lua", policy / "policy" / "queues" / "webhooks.lua"
    renamed = init.read_text("utf-8").replace("'make.webhook'", "'make.webhooks'", 1)
    snaps = [_snap(init, renamed), _snap(module)]
    settings = SettingsCache().for_path(init)
    for order in (snaps, snaps[::-1]):
        found = check_snapshots(order, snaps, settings, [policy])
        assert found[init.as_uri()] == []
        assert [(d.path, d.code) for d in found[module.as_uri()]] == [("policy/queues/webhooks.lua", "KC201")]


def test_data_documents_are_not_checked_as_lua(policy: Path) -> None:
    data = policy / "policy" / "queues.toml"
    snap = Snapshot(data.as_uri(), data, '[tenant.bulk]\nmax_age = "3 days"\n', 1, "toml")
    found = check_snapshots([snap], [snap], SettingsCache().for_path(data), [policy])
    assert not any(d.code == "KC001" for d in found[data.as_uri()])


@pytest.mark.parametrize(
    ("uri", "language", "kind"),
    [
        ("file:///p/init.lua", "lua", "lua"),
        ("file:///p/queues.toml", "toml", "toml"),
        ("file:///p/queues.toml", None, "toml"),
        ("file:///p/sources.json", "jsonc", "json"),
        ("file:///p/sources.JSON", "", "json"),
        ("untitled:Untitled-1", "lua", "lua"),
    ],
)
def test_document_kind(uri: str, language: str | None, kind: str) -> None:
    assert document_kind(uri, language) == kind
