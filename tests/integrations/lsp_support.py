"""Helpers for the language-server tests: opening, editing and waiting for diagnostics."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from integration_support import kumocheck_env

#: `python -m kumocheck server` from this source tree, for `pytest_lsp.fixture(config=...)`.
SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "kumocheck", "server"], server_env=kumocheck_env())


def initialize_params(workspace: Path, **text_document) -> types.InitializeParams:
    """What an editor sends: UTF-16 positions, versioned diagnostics, the workspace folder;
    `text_document` adds capabilities (hover=..., completion=...)."""
    return types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
            text_document=types.TextDocumentClientCapabilities(
                publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True), **text_document
            ),
        ),
        root_uri=workspace.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="repo")],
    )


async def diagnostics_for(client: LanguageClient, uri: str, timeout: float = 60.0) -> list[types.Diagnostic]:
    """Wait until diagnostics for `uri` arrive (the caller pops stale ones first)."""
    async with asyncio.timeout(timeout):
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return list(client.diagnostics[uri])


async def codes_become(client: LanguageClient, uri: str, expected: list[str], timeout: float = 60.0) -> list[str]:
    """Wait until the latest diagnostics for `uri` carry `expected` codes (a publish of the
    state before the change may still arrive first); the codes last seen."""
    codes: list[str] = []
    try:
        async with asyncio.timeout(timeout):
            while True:
                if uri in client.diagnostics:
                    codes = [d.code for d in client.diagnostics[uri]]
                    if codes == expected:
                        return codes
                await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    except TimeoutError:
        return codes


async def open_document(
    client: LanguageClient, path: Path, text: str | None = None, version: int = 1, language: str = "lua"
) -> list[types.Diagnostic]:
    """Open a document and wait for its diagnostics."""
    uri = path.as_uri()
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=version, text=path.read_text("utf-8") if text is None else text
            )
        )
    )
    return await diagnostics_for(client, uri)


async def change(client: LanguageClient, path: Path, version: int, where: types.Range, text: str) -> None:
    """Send one ranged edit (diagnostics of `path` are popped so the next wait sees fresh ones)."""
    client.diagnostics.pop(path.as_uri(), None)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=where, text=text)],
        )
    )


async def settle(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """Wait until the server has published for the latest text of `uri` (a round trip
    after the debounce: a hover request is answered in order, then diagnostics follow)."""
    client.diagnostics.pop(uri, None)
    return await diagnostics_for(client, uri)


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions, \\n lines) to `text`, last first."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        line = lines[position.line] if position.line < len(lines) else ""
        units, index = 0, 0
        while index < len(line) and units < position.character:
            units += 2 if ord(line[index]) > 0xFFFF else 1
            index += 1
        return starts[min(position.line, len(lines))] + index

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text
