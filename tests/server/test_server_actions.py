"""Code actions from the findings' fixes: quick fixes, fix all, ignore this finding."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("lsprotocol", reason="lsprotocol is not installed (pip install kumocheck[server])")

from lsprotocol import types  # noqa: E402

from kumocheck.server.actions import FIX_ALL, code_actions  # noqa: E402
from kumocheck.server.diagnostics import SettingsCache, Snapshot, check_snapshots  # noqa: E402
from kumocheck.server.documents import Document  # noqa: E402

POLICY = """local kumo = require 'kumo'

kumo.on('smtp_server_mesage_received', function(msg)
  msg:set_meta('queue', 'bulk')
end)

kumo.on('make.webhook', function(domain, tenant, campaign)
  return { send = function(self, message) return 'ok' end }
end)

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    protocol = { custom_lua = { constructor = "make.webhok" } },
    ["retry_intervall"] = '10m',
  }
end)
"""


def _findings(root: Path, text: str, name: str = "init.lua"):
    path = root / name
    snap = Snapshot(path.as_uri(), path, text, 1, "toml" if name.endswith(".toml") else "lua")
    return check_snapshots([snap], [snap], SettingsCache().for_path(path), [root])[path.as_uri()]


def _apply(doc: Document, edits: list[types.TextEdit]) -> str:
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = doc.offset_at(edit.range.start), doc.offset_at(edit.range.end)
        doc = Document(doc.uri, doc.text[:start] + edit.new_text + doc.text[end:])
    return doc.text


def test_quick_fixes_for_events_constructors_and_keys_and_fix_all(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    found = _findings(tmp_path, POLICY)
    assert sorted(d.rule for d in found) == ["unbound-constructor", "unknown-event", "unknown-key"]
    doc = Document((tmp_path / "init.lua").as_uri(), POLICY)
    actions = code_actions(doc, found, (1, 1), (99, 1), None, "lua", types.PositionEncodingKind.Utf16)
    titles = [a.title for a in actions]
    assert "Replace with 'smtp_server_message_received'" in titles
    assert "Replace with 'make.webhook'" in titles
    everything = next(a for a in actions if a.kind == FIX_ALL)
    fixed = _apply(doc, everything.edit.changes[doc.uri])
    assert 'constructor = "make.webhook"' in fixed  # the quoting of what was replaced is kept
    assert '["retry_interval"]' in fixed
    assert _findings(tmp_path, fixed) == []
    only = code_actions(doc, found, (1, 1), (99, 1), [types.CodeActionKind.SourceFixAll], "lua", "utf-16")
    assert [a.kind for a in only] == [FIX_ALL]


def test_ignore_this_finding_silences_exactly_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    found = _findings(tmp_path, POLICY)
    event = next(d for d in found if d.rule == "unknown-event")
    doc = Document((tmp_path / "init.lua").as_uri(), POLICY)
    line = (event.span.line, event.span.column)
    actions = code_actions(doc, [event], line, line, [types.CodeActionKind.QuickFix], "lua", "utf-16")
    ignore = next(a for a in actions if a.title.startswith("Ignore"))
    silenced = _apply(doc, ignore.edit.changes[doc.uri])
    assert silenced.splitlines()[2] == "-- kumocheck: ignore[unknown-event]"
    assert sorted(d.rule for d in _findings(tmp_path, silenced)) == ["unbound-constructor", "unknown-key"]
    toml = code_actions(Document("file:///q.toml", "[a]\n  x = 1\n"), [event], line, line, None, "toml", "utf-16")
    comment = next(a for a in toml if a.title.startswith("Ignore")).edit.changes["file:///q.toml"][0].new_text
    assert comment.startswith("# kumocheck: ignore[unknown-event]")
