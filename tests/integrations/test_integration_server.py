"""`kumocheck server` end to end: a real LSP client (pytest-lsp) talking to the server process."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (pip install kumocheck[server])")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install kumocheck[test])")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402

from lsp_support import SERVER, initialize_params  # noqa: E402
from integration_support import POLICIES, run_kumocheck  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

WORKSPACE_FILES = ("bad.lua", "nonascii.lua", "good.lua")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A policy folder with a kumocheck.toml that ignores invalid-duration in legacy/."""
    root = tmp_path_factory.mktemp("lsp") / "repo"
    (root / "legacy").mkdir(parents=True)
    (root / ".git").mkdir()
    for name in WORKSPACE_FILES:
        shutil.copy(POLICIES / name, root / name)
    shutil.copy(POLICIES / "bad.lua", root / "legacy" / "bad.lua")
    (root / "kumocheck.toml").write_text('[per-file-ignores]\n"legacy/*" = ["invalid-duration"]\n', encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path):
    params = initialize_params(
        workspace,
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
    )
    result = await lsp_client.initialize_session(params)
    assert result.server_info is not None and result.server_info.name == "kumocheck"
    yield
    await lsp_client.shutdown_session()


async def _open(client: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> list[types.Diagnostic]:
    """Open a document and wait for its diagnostics."""
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="lua", version=version, text=text if text is not None else path.read_text("utf-8")
            )
        )
    )
    return await _diagnostics(client, uri)


async def _diagnostics(client: LanguageClient, uri: str, timeout: float = 30.0) -> list[types.Diagnostic]:
    """Wait until diagnostics for `uri` arrive."""
    async with asyncio.timeout(timeout):
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


def _cli_findings(workspace: Path, name: str) -> list[dict]:
    result = run_kumocheck("check", "--output-format", "json", name, cwd=workspace)
    return json.loads(result.stdout)


async def test_diagnostics_match_the_cli(client: LanguageClient, workspace: Path) -> None:
    found = await _open(client, workspace / "bad.lua")
    expected = _cli_findings(workspace, "bad.lua")
    assert [d.code for d in found] == [e["code"] for e in expected] == ["KC101", "KC103"]
    for diagnostic, cli in zip(found, expected):
        assert diagnostic.message.split("\nhelp: ")[0] == cli["message"]
        assert diagnostic.source == "kumocheck"
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.range.start == types.Position(line=cli["line"] - 1, character=cli["column"] - 1)
        assert diagnostic.range.end == types.Position(line=cli["end_line"] - 1, character=cli["end_column"] - 1)
        assert diagnostic.code_description is not None and diagnostic.code_description.href.startswith("https://")
    good = await _open(client, workspace / "good.lua")
    assert good == []


async def test_per_file_ignores_apply(client: LanguageClient, workspace: Path) -> None:
    found = await _open(client, workspace / "legacy" / "bad.lua")
    assert [d.code for d in found] == ["KC101"]


async def test_positions_are_utf16(client: LanguageClient, workspace: Path) -> None:
    found = await _open(client, workspace / "nonascii.lua")
    assert len(found) == 1
    line = (workspace / "nonascii.lua").read_text("utf-8").splitlines()[4]
    start = line.index("'1:30:00'")
    utf16 = len(line[:start].encode("utf-16-le")) // 2
    assert utf16 == start + 1  # one astral character (🚀) before the span: two UTF-16 units
    assert found[0].range.start == types.Position(line=4, character=utf16)
    assert found[0].range.end == types.Position(line=4, character=utf16 + len("'1:30:00'"))


async def test_change_and_save_recheck(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "good.lua"
    uri = path.as_uri()
    await _open(client, path, version=1)
    text = path.read_text("utf-8")
    line = next(i for i, t in enumerate(text.splitlines()) if "retry_interval" in t)
    column = text.splitlines()[line].index("retry_interval")
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(
                        start=types.Position(line=line, character=column + len("retry_interval")),
                        end=types.Position(line=line, character=column + len("retry_interval")),
                    ),
                    text="l",
                )
            ],
        )
    )
    found = await _diagnostics(client, uri)
    assert [d.code for d in found] == ["KC101"]
    assert "retry_intervall" in found[0].message and "did you mean `retry_interval`?" in found[0].message

    # save: the server rechecks the text the editor holds (still the misspelt key)
    client.diagnostics.pop(uri, None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [d.code for d in await _diagnostics(client, uri)] == ["KC101"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))


async def test_code_action_applies_the_suggested_fix(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "nonascii.lua"
    found = await _open(client, path, version=3)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    assert actions is not None
    assert [a.title for a in actions] == [
        "Replace with '1h 30m'",
        "Ignore invalid-duration (KC103) on this line",
        "kumocheck: fix all (1 fix)",
    ]
    action = actions[0]
    assert isinstance(action, types.CodeAction)
    assert action.kind == types.CodeActionKind.QuickFix and action.title == "Replace with '1h 30m'"
    edits = action.edit.changes[path.as_uri()]
    assert list(edits) == [types.TextEdit(range=found[0].range, new_text="'1h 30m'")]

    # apply the edit as an editor would (UTF-16 offsets) and check the result is clean
    lines = path.read_text("utf-8").split("\n")
    target = lines[4].encode("utf-16-le")
    a, b = edits[0].range.start.character * 2, edits[0].range.end.character * 2
    lines[4] = (target[:a] + edits[0].new_text.encode("utf-16-le") + target[b:]).decode("utf-16-le")
    assert "retry_interval = '1h 30m' }" in lines[4]
    fixed = await _open(client, workspace / "fixed.lua", text="\n".join(lines))
    assert fixed == []


async def test_code_action_for_did_you_mean_key(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "bad.lua"
    found = await _open(client, path, version=4)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=20, character=0)),
            context=types.CodeActionContext(diagnostics=found),
        )
    )
    expected = [d for d in _cli_findings(workspace, "bad.lua") if d["fix"]]
    fixes = [a for a in actions or [] if a.kind == types.CodeActionKind.QuickFix and not a.title.startswith("Ignore")]
    assert [a.title for a in fixes] == [e["fix"]["title"] for e in expected]
    assert expected, "bad.lua should carry at least one suggested fix"


async def test_hover_on_queue_config_key(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "good.lua"
    await _open(client, path, version=5)
    lines = path.read_text("utf-8").splitlines()
    line = next(i for i, t in enumerate(lines) if "max_age" in t)
    column = lines[line].index("max_age") + 3
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=line, character=column))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**max_age** · `QueueConfig` · duration · default")
    assert hover.range.start.character == lines[line].index("max_age")


async def test_hover_on_event_name(client: LanguageClient, workspace: Path) -> None:
    from kumocheck.schema.model import load_schema

    path = workspace / "nonascii.lua"
    await _open(client, path, version=6)
    lines = path.read_text("utf-8").splitlines()
    line = next(i for i, t in enumerate(lines) if "get_queue_config" in t)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(line=line, character=lines[line].index("get_queue_config") + 4),
        )
    )
    assert hover is not None
    assert hover.contents.value.startswith("**get_queue_config(domain, tenant, campaign, routing_domain)**")
    assert load_schema().events["get_queue_config"].summary in hover.contents.value
    # nothing to explain on the first line's comment
    nothing = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=0, character=5))
    )
    assert nothing is None

