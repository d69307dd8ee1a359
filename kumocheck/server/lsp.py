"""`kumocheck server`: a language server (LSP over stdio, built on pygls 2).

Features: diagnostics for Lua policies (and TOML/JSON data files once the checker judges
them) on open, change (debounced), save and on-disk changes, re-published for every open
document whose findings change; completion and hover from rules/; quick fixes, "fix all"
and "ignore this finding" code actions.

The pieces: `documents` (the editor's text and LSP positions), `diagnostics` (checking
and publishing), `context` (what the cursor is in), `completion`, `hover`, `actions`.
This module wires them to pygls; `kumocheck.server.cli` imports it lazily.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import to_fs_path

from kumocheck import __version__
from kumocheck.config import ConfigError
from kumocheck.diagnostics import Diagnostic
from kumocheck.schema.model import load_schema
from kumocheck.server.actions import KINDS, code_actions
from kumocheck.server.completion import complete, to_lsp_items
from kumocheck.server.data_context import complete_json, complete_toml, hover_toml
from kumocheck.server.diagnostics import (
    CONFIG_NAMES,
    SettingsCache,
    Snapshot,
    check_snapshots,
    document_kind,
    related,
    to_lsp_diagnostic,
)
from kumocheck.server.documents import Document, from_lsp_position
from kumocheck.server.hover import hover_at

log = logging.getLogger(__name__)

#: Seconds to wait after the last keystroke before checking a changed document.
CHANGE_DELAY = 0.03  # coalesces the burst of events of one edit; editors debounce typing themselves
#: The command that reports the server's retained objects (for soak tests and bug reports).
STATS_COMMAND = "kumocheck.serverStats"


class KumocheckProtocol(LanguageServerProtocol):
    """pygls' protocol with two repairs.

    * pygls files the future of every notification (and of every step of its built-in
      generator handlers) under a fresh id in `_request_futures` and never removes it:
      2-3.5 KB per notification, for ever. Here each future leaves the table when done.
    * Opening, changing and closing documents goes to the server's own document store,
      which counts lines as LSP does (pygls' TextDocument splits at form feeds too).
    """

    _server: "KumocheckServer"

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        futures = self._request_futures

        def finished(future, callback=callback):
            if futures.get(msg_id) is future:
                del futures[msg_id]
            callback(future)

        super()._execute_handler(msg_id, handler, finished, args, kwargs)

    def _user(self, method: str, params: Any):
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams):
        item = params.text_document
        self._server.documents[item.uri] = Document(item.uri, item.text, item.version, item.language_id)
        yield from self._user(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        doc = self._server.documents.get(params.text_document.uri)
        if doc is not None:
            for change in params.content_changes:
                doc.apply(change, self._server.encoding)
            doc.version = params.text_document.version
        yield from self._user(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams):
        self._server.documents.pop(params.text_document.uri, None)
        yield from self._user(types.TEXT_DOCUMENT_DID_CLOSE, params)


class KumocheckServer(LanguageServer):
    """Open documents, the latest findings per document, and the checks scheduled."""

    def __init__(self) -> None:
        super().__init__(
            "kumocheck",
            __version__,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=KumocheckProtocol,
        )
        self.documents: dict[str, Document] = {}
        self.findings: dict[str, tuple[str, list[Diagnostic]]] = {}  # uri -> (checked text, findings)
        self.published: dict[str, tuple[int | None, list[Diagnostic]]] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.settings = SettingsCache()
        self.generation = 0  # bumped when settings change: older results are not published
        self.config_errors: set[str] = set()
        # one worker: checks run off the event loop, one at a time (the parser's caches are shared)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kumocheck")

    @property
    def encoding(self) -> str:
        try:
            return self.workspace.position_encoding or types.PositionEncodingKind.Utf16
        except RuntimeError:  # not initialised yet
            return types.PositionEncodingKind.Utf16

    def roots(self) -> list[Path]:
        """Workspace folders (and the root URI) as paths."""
        uris = [folder.uri for folder in self.workspace.folders.values()]
        if self.workspace.root_uri:
            uris.append(self.workspace.root_uri)
        return [Path(p) for p in (to_fs_path(u) for u in uris) if p]

    def snapshot(self, uri: str) -> Snapshot | None:
        doc = self.documents.get(uri)
        if doc is None or not uri.startswith(("file:", "untitled:")):
            return None
        path = Path(to_fs_path(uri) or "untitled.lua")
        if not path.is_absolute():
            path = Path.cwd() / path.name
        return Snapshot(uri, path, doc.text, doc.version, document_kind(uri, doc.language_id))

    def _check(self, uri: str) -> tuple[list[Snapshot], dict[str, list[Diagnostic]]]:
        """Check `uri` and the open documents whose findings may depend on it (worker thread)."""
        target = self.snapshot(uri)
        if target is None:
            return [], {}
        everything = [s for s in map(self.snapshot, list(self.documents)) if s is not None]
        settings = self.settings.for_path(target.path)
        group = [target, *(s for s in related(target.path, everything, settings) if s.uri != uri)]
        group = [s for s in group if self.settings.for_path(s.path) == settings]
        return group, check_snapshots(group, everything, settings, self.roots())

    async def check(self, uri: str, delay: float = 0.0) -> None:
        """Check the document as it is now and publish what changed (unless edited meanwhile)."""
        if delay:
            await asyncio.sleep(delay)
        if uri not in self.documents:
            return
        generation = self.generation
        try:
            loop = asyncio.get_running_loop()
            group, found = await loop.run_in_executor(self.executor, self._check, uri)
        except ConfigError as exc:
            if str(exc) not in self.config_errors:
                self.config_errors.add(str(exc))
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"kumocheck: {exc}"))
            group, found = ([s] if (s := self.snapshot(uri)) else []), {uri: []}
        except Exception as exc:  # a bug in a check must not take the editor's server down
            log.exception("checking %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=f"kumocheck: internal error: {exc!r}")
            )
            group, found = ([s] if (s := self.snapshot(uri)) else []), {uri: []}
        if generation != self.generation:
            return  # checked with settings that have changed since: a newer check follows
        for snap in group:
            self.publish(snap, found.get(snap.uri, []), force=snap.uri == uri)

    def publish(self, snap: Snapshot, found: list[Diagnostic], force: bool) -> None:
        """Publish `found` for the document if it still holds the checked text and the
        findings are new (always when `force`: the client waits for this document)."""
        current = self.documents.get(snap.uri)
        if current is None or current.text != snap.text:
            return  # edited or closed while being checked: a newer check follows
        self.findings[snap.uri] = (snap.text, found)
        if not force and self.published.get(snap.uri, (None, None))[1] == found:
            return
        self.published[snap.uri] = (snap.version, found)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=snap.uri,
                version=snap.version,
                diagnostics=[to_lsp_diagnostic(d, current, self.encoding) for d in found],
            )
        )

    def schedule(self, uri: str, delay: float) -> None:
        """Check `uri` after `delay` seconds, replacing a check already waiting."""
        previous = self.pending.pop(uri, None)
        if previous is not None and not previous.done():
            previous.cancel()
        task = asyncio.ensure_future(self.check(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda done, uri=uri: self.pending.pop(uri, None) if self.pending.get(uri) is done else None)

    def reload_settings(self) -> None:
        """Forget the settings read so far (a configuration file changed) and re-check."""
        self.settings.clear()
        self.config_errors.clear()
        self.generation += 1
        self.recheck_all()

    def recheck_all(self, delay: float = CHANGE_DELAY) -> None:
        for uri in list(self.documents):
            self.schedule(uri, delay)

    def cursor(self, uri: str, position: types.Position) -> tuple[Document | None, str, int]:
        """The open document, its kind and the cursor's offset, for completion and hover."""
        doc = self.documents.get(uri)
        kind = document_kind(uri, doc.language_id) if doc is not None else ""
        if doc is None:
            return None, kind, 0
        return doc, kind, doc.offset_at(position, self.encoding)

    def stats(self) -> dict[str, int]:
        """Counts of what the server retains (bounded by the open documents).

        Cyclic garbage is collected first: checks run with rare collections
        (kumocheck.gctuning), so unreachable cycles may wait for the next one, and only
        what is still reachable is retained."""
        gc.collect()
        return {
            "documents": len(self.documents),
            "findings": len(self.findings),
            "pending_checks": len(self.pending),
            "request_futures": len(self.protocol._request_futures),
            "asyncio_tasks": len(asyncio.all_tasks()),
            "gc_objects": len(gc.get_objects()),
        }


def _register_watchers(ls: KumocheckServer) -> None:
    """Ask the client to report changes of configuration and policy files on disk."""
    caps = ls.client_capabilities.workspace
    watched = caps.did_change_watched_files if caps else None
    if not (watched and watched.dynamic_registration):
        return
    globs = [f"**/{name}" for name in CONFIG_NAMES] + ["**/*.lua", "**/*.toml", "**/*.json"]
    ls.client_register_capability(
        types.RegistrationParams(
            registrations=[
                types.Registration(
                    id="kumocheck-watch",
                    method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(
                        watchers=[types.FileSystemWatcher(glob_pattern=g) for g in globs]
                    ),
                )
            ]
        )
    )


def create_server() -> KumocheckServer:
    """A server with every feature registered."""
    server = KumocheckServer()

    @server.feature(types.INITIALIZED)
    def initialized(ls: KumocheckServer, params: types.InitializedParams) -> None:
        _register_watchers(ls)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: KumocheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0.0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: KumocheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, CHANGE_DELAY)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: KumocheckServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        if Path(to_fs_path(uri) or "").name in CONFIG_NAMES:
            ls.reload_settings()
            return
        ls.schedule(uri, 0.0)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: KumocheckServer, params: types.DidChangeWatchedFilesParams) -> None:
        if any(Path(to_fs_path(change.uri) or "").name in CONFIG_NAMES for change in params.changes):
            ls.reload_settings()
        else:
            ls.recheck_all()

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: KumocheckServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.findings.pop(uri, None)
        ls.published.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        ls.recheck_all()  # what the closed text did to other documents is gone with it

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: KumocheckServer, params: types.HoverParams) -> types.Hover | None:
        doc, kind, offset = ls.cursor(params.text_document.uri, params.position)
        if doc is None or kind == "json":
            return None
        if kind == "toml":
            found = hover_toml(load_schema(), doc.uri, doc.text, offset)
        else:
            found = hover_at(load_schema(), doc.text, offset)
        if found is None:
            return None
        markdown, start, end = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
            range=types.Range(start=doc.position_at(start, ls.encoding), end=doc.position_at(end, ls.encoding)),
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[".", ":", "'", '"', "{", ",", " ", "="]),
    )
    def completion(ls: KumocheckServer, params: types.CompletionParams) -> types.CompletionList | None:
        doc, kind, offset = ls.cursor(params.text_document.uri, params.position)
        if doc is None:
            return None
        if kind == "toml":
            suggestions = complete_toml(load_schema(), doc.uri, doc.text, offset)
        elif kind == "json":
            suggestions = complete_json(load_schema(), doc.uri, doc.text, offset)
        else:
            suggestions = complete(load_schema(), doc.text, offset)
        cursor = doc.position_at(offset, ls.encoding)

        def edit_range(start: int) -> types.Range:
            return types.Range(start=doc.position_at(start, ls.encoding), end=cursor)

        return types.CompletionList(is_incomplete=False, items=to_lsp_items(suggestions, edit_range))

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=KINDS))
    def code_action(ls: KumocheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        text, found = ls.findings.get(uri, (None, []))
        doc = ls.documents.get(uri)
        if doc is None or doc.text != text:
            return []  # the findings are for older text: their positions would be wrong
        start = from_lsp_position(doc.lines, params.range.start, ls.encoding)
        end = from_lsp_position(doc.lines, params.range.end, ls.encoding)
        kind = document_kind(uri, doc.language_id)
        return code_actions(doc, found, start, end, params.context.only, kind, ls.encoding)

    @server.command(STATS_COMMAND)
    def server_stats(ls: KumocheckServer, *args: Any) -> dict[str, int]:
        return ls.stats()

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client disconnects."""
    logging.basicConfig(level=logging.WARNING, format="kumocheck-server: %(levelname)s %(message)s")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the LSP stream
    create_server().start_io(stdin, stdout)


__all__ = ["create_server", "serve", "KumocheckServer", "KumocheckProtocol", "STATS_COMMAND"]
