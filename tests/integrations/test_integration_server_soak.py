"""Soak test of `kumocheck server`: seeded random edits, opens and closes across several
files (invalid, odd and huge content included). After every burst the server must be
alive, hold a bounded number of objects, and have published for every open document
exactly what a fresh `check_sources` of the same texts reports.

The default run is short (~10 s). The long run, for hours of editing:

    KUMOCHECK_SOAK_SECONDS=1800 KUMOCHECK_SOAK_SEED=7 python -m pytest tests/integrations/test_integration_server_soak.py
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (pip install kumocheck[server])")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install kumocheck[test])")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402

from lsp_support import SERVER, initialize_params  # noqa: E402
from integration_support import REPO  # noqa: E402
from kumocheck.config import Settings, find_config, load_settings  # noqa: E402
from kumocheck.project import check_sources  # noqa: E402
from kumocheck.server.diagnostics import data_files_checked  # noqa: E402
from kumocheck.source import SourceFile  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECONDS = float(os.environ.get("KUMOCHECK_SOAK_SECONDS", "8"))
SEED = int(os.environ.get("KUMOCHECK_SOAK_SEED", "12"))
LONG = SECONDS > 60

_LSP_BREAK = re.compile(r"\r\n|\r|\n")
_LUA_BREAK = re.compile(r"\r\n|\n\r|\r|\n")  # how the checker's spans count lines
SNIPPETS = [
    "retry_intervall = '1m', ",
    "max_age = '3 Days', ",
    "max_age = '1h 30m', ",
    "strategy = 'Bogus', ",
    "kumo.on('get_queue_config', function(d, t, c, r) return kumo.make_queue_config { retry_interval = '10m' } end)\n",
    "kumo.on('get_egress_path_config', function(d, s, site) return kumo.make_egress_path { connection_limit = 10 } end)\n",
    "kumo.on('smtp_server_mesage_received', function(msg) end)\n",
    "local x = 1\n",
    "-- kumocheck: ignore[unknown-key]\n",
    "\f", "\v", "\x1c", "\x85", "\u2028", "\u2029", "\r\n", "\r", "\n", "🚀", "é", "\x00", "\ufffd",
    "{", "}", "(", ")", "end", "'", '"', "--[[", "]]", "[[", "function(", "return ",
    "[queue.'gmail.com']\n", "max_age = \"3 days\"\n", "= = =",
]


def _lsp_position(text: str, offset: int) -> types.Position:
    """Independent of the server's code: LSP lines (\\n, \\r\\n, \\r) and UTF-16 units."""
    starts = [0, *(m.end() for m in _LSP_BREAK.finditer(text))]
    line = max(i for i, s in enumerate(starts) if s <= offset)
    prefix = text[starts[line]:offset]
    return types.Position(line=line, character=len(prefix.encode("utf-16-le")) // 2)


def _safe_offset(text: str, offset: int) -> int:
    """Not between the \\r and \\n of one line break."""
    if 0 < offset < len(text) and text[offset - 1] == "\r" and text[offset] == "\n":
        return offset - 1
    return offset


def _huge(entries: int) -> str:
    rows = "".join(f"  ['d{i}.example'] = {{ max_age = '{i % 9 + 1}d', retry_interval = '{i % 50 + 1}m' }},\n" for i in range(entries))
    return (
        "local kumo = require 'kumo'\nlocal DOMAINS = {\n" + rows + "}\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  local conf = DOMAINS[domain] or { max_age = '3 Days' }\n"
        "  return kumo.make_queue_config(conf)\nend)\n"
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("soak") / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(REPO / "tests" / "policies" / "mf_config_in_module", root / "policy")
    for name in ("durations_invalid.lua", "enums_and_types.lua", "egress_path_values.lua"):
        shutil.copy(REPO / "tests" / "policies" / name, root / "policy" / name)
    (root / "policy" / "shaping.toml").write_text('["gmail.com"]\nmax_connection_rate = "10/s"\n', encoding="utf-8")
    (root / "kumocheck.toml").write_text("", encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path):
    params = initialize_params(workspace)
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


class Editor:
    """The client's side: the open texts, edited at random and sent to the server."""

    def __init__(self, client: LanguageClient, root: Path, rng: random.Random):
        self.client, self.root, self.rng = client, root, rng
        self.files = sorted(p for p in (root / "policy").rglob("*") if p.suffix in (".lua", ".toml"))
        self.open: dict[Path, str] = {}
        self.versions: dict[Path, int] = {}
        self.sent = 0

    def do_open(self, path: Path, text: str | None = None) -> None:
        text = path.read_text("utf-8") if text is None else text
        self.open[path] = text
        self.versions[path] = self.versions.get(path, 0) + 1
        language = "toml" if path.suffix == ".toml" else "lua"
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=path.as_uri(), language_id=language, version=self.versions[path], text=text)
            )
        )
        self.sent += 1

    def do_close(self, path: Path) -> None:
        del self.open[path]
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))
        self.sent += 1

    def do_edit(self, path: Path) -> None:
        text, rng = self.open[path], self.rng
        start = _safe_offset(text, rng.randint(0, len(text)))
        end = _safe_offset(text, min(len(text), start + (rng.randint(0, 40) if rng.random() < 0.4 else 0)))
        new = rng.choice(SNIPPETS) if rng.random() < 0.8 else "".join(rng.choice(SNIPPETS) for _ in range(5))
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=_lsp_position(text, start), end=_lsp_position(text, end)), text=new
        )
        self.open[path] = text[:start] + new + text[end:]
        self._send(path, change)

    def do_replace(self, path: Path, text: str) -> None:
        self.open[path] = text
        self._send(path, types.TextDocumentContentChangeWholeDocument(text=text))

    def _send(self, path: Path, change) -> None:
        self.versions[path] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=self.versions[path]),
                content_changes=[change],
            )
        )
        self.sent += 1

    def step(self) -> None:
        rng = self.rng
        roll = rng.random()
        closed = [p for p in self.files if p not in self.open]
        if roll < 0.04 and closed:
            self.do_open(rng.choice(closed))
        elif roll < 0.06 and len(self.open) > 1:
            self.do_close(rng.choice(sorted(self.open)))
        elif not self.open:
            self.do_open(rng.choice(self.files))
        elif roll < 0.065:
            self.do_replace(rng.choice(sorted(self.open)), _huge(10_000 if LONG else 2_000))
        elif roll < 0.075:
            path = rng.choice(sorted(self.open))
            self.do_replace(path, path.read_text("utf-8"))
        elif roll < 0.08:
            self.do_replace(rng.choice(sorted(self.open)), "(" * 400 + "{" * 400 + "\x00\xff")
        else:
            self.do_edit(rng.choice(sorted(self.open)))


async def _stats(client: LanguageClient) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kumocheck.serverStats"))


async def _quiet(client: LanguageClient) -> dict:
    """Wait until no check is pending (diagnostics sent before the answer have arrived)."""
    while True:
        stats = await _stats(client)
        if stats["pending_checks"] == 0:
            return stats
        await asyncio.sleep(0.02)


def _expected(editor: Editor) -> dict[str, list[tuple]]:
    """A fresh check of the open texts, as the LSP client should see it."""
    root = editor.root
    found = find_config(root / "policy")
    settings = load_settings(found) if found else Settings()
    names = {p: p.relative_to(root).as_posix() for p in editor.open}
    overlays = {p: SourceFile(names[p], t) for p, t in editor.open.items()}
    out: dict[str, list[tuple]] = {}
    for path, text in editor.open.items():
        if path.suffix == ".toml" and not data_files_checked("toml"):
            out[path.as_uri()] = []
            continue
        report = check_sources([path], settings, overlays, names)
        lua_starts = [0, *(m.end() for m in _LUA_BREAK.finditer(text))]

        def position(line: int, column: int) -> tuple[int, int]:
            """A checker span end (lines as Lua counts them) as an LSP (line, UTF-16 unit)."""
            if line - 1 >= len(lua_starts):
                where = _lsp_position(text, len(text))
                return (where.line, where.character)
            start = lua_starts[line - 1]
            where = _lsp_position(text, start)
            end = next((m.start() for m in _LSP_BREAK.finditer(text, start)), len(text))
            chars = text[start : min(start + column - 1, end)]
            return (where.line, len(chars.encode("utf-16-le")) // 2 + max(start + column - 1 - end, 0))

        out[path.as_uri()] = [
            (d.code, position(d.span.line, d.span.column), position(d.span.end_line, d.span.end_column), d.message + (f"\nhelp: {d.help}" if d.help else ""))
            for d in report.diagnostics
            if d.path == names[path]
        ]
    return out


def _published(client: LanguageClient, editor: Editor) -> dict[str, list[tuple]]:
    return {
        path.as_uri(): [
            (d.code, (d.range.start.line, d.range.start.character), (d.range.end.line, d.range.end.character), d.message)
            for d in client.diagnostics.get(path.as_uri(), [])
        ]
        for path in editor.open
    }


async def _reset(client: LanguageClient, editor: Editor) -> dict:
    """Close everything, reopen the first files as on disk: the state the baseline was taken in."""
    for path in sorted(editor.open):
        editor.do_close(path)
    for path in editor.files[:3]:
        editor.do_open(path)
    return await _quiet(client)


async def test_soak(client: LanguageClient, workspace: Path) -> None:
    rng = random.Random(SEED)
    editor = Editor(client, workspace, rng)
    await _reset(client, editor)
    baseline = await _reset(client, editor)
    deadline = time.monotonic() + SECONDS
    rounds = 0
    while time.monotonic() < deadline or rounds < 3:
        for _ in range(rng.randint(5, 60)):
            editor.step()
        stats = await _quiet(client)
        assert _published(client, editor) == _expected(editor), f"seed {SEED}, round {rounds}"
        assert stats["documents"] == len(editor.open)
        assert stats["request_futures"] <= baseline["request_futures"] + 2, stats
        assert stats["asyncio_tasks"] <= baseline["asyncio_tasks"] + 5, stats
        assert stats["findings"] <= len(editor.files)
        rounds += 1
    final = await _reset(client, editor)
    # back in the baseline's state, the server holds what it held then: nothing per notification
    # (pygls' kept futures alone were several objects per notification)
    assert final["gc_objects"] - baseline["gc_objects"] < 2_000 + editor.sent // 10, (baseline, final, editor.sent)
    print(f"soak: seed {SEED}, {editor.sent} notifications, {rounds} rounds, baseline {baseline}, final {final}")
