"""`kumocheck server`: a language server (LSP over stdio, built on pygls 2).

Features: diagnostics on open, change (debounced) and save with the CLI's rules and
messages; hover documentation for make_queue_config keys and event names (from
rules/); quick-fix code actions for the checker's suggested fixes.

kumocheck spans count characters (code points, 1-based, end exclusive); LSP positions
count code units of the negotiated encoding (UTF-16 unless the client offers another),
0-based. `to_lsp_position` and `from_lsp_position` convert between the two.

This is the only module that imports pygls; `kumocheck.server.cli` imports it lazily.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from kumocheck import __version__
from kumocheck.config import ConfigError, Settings, find_config, load_settings
from kumocheck.diagnostics import Diagnostic, Severity
from kumocheck.schema.model import TypeRef
from kumocheck.source import SourceFile, Span

log = logging.getLogger(__name__)

#: Seconds to wait after the last keystroke before checking a changed document.
CHANGE_DELAY = 0.03  # coalesces the burst of events of one edit; editors debounce typing themselves

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


# ---------------------------------------------------------------- positions


def split_lines(text: str) -> list[str]:
    """Lines as the Lua lexer and LSP count them (\\n or \\r\\n), without terminators."""
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def _units(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == types.PositionEncodingKind.Utf8:
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if point > 0xFFFF else 1


def to_lsp_position(
    lines: Sequence[str], line: int, column: int, encoding: str = types.PositionEncodingKind.Utf16
) -> types.Position:
    """A 1-based (line, character column) as a 0-based LSP position in code units."""
    index = max(line - 1, 0)
    if index >= len(lines):
        return types.Position(line=index, character=0)
    text = lines[index]
    chars = max(column - 1, 0)
    units = sum(_units(c, encoding) for c in text[:chars]) + max(chars - len(text), 0)
    return types.Position(line=index, character=units)


def from_lsp_position(
    lines: Sequence[str], position: types.Position, encoding: str = types.PositionEncodingKind.Utf16
) -> tuple[int, int]:
    """A 0-based LSP position in code units as a 1-based (line, character column)."""
    if position.line >= len(lines):
        return position.line + 1, 1
    count = 0
    for index, char in enumerate(lines[position.line]):
        if count >= position.character:
            return position.line + 1, index + 1
        count += _units(char, encoding)
    return position.line + 1, len(lines[position.line]) + 1


def to_lsp_range(lines: Sequence[str], span: Span, encoding: str = types.PositionEncodingKind.Utf16) -> types.Range:
    return types.Range(
        start=to_lsp_position(lines, span.line, span.column, encoding),
        end=to_lsp_position(lines, span.end_line, span.end_column, encoding),
    )


# ---------------------------------------------------------------- checking


def settings_for(path: Path) -> Settings:
    """The settings the CLI would use for `path` (nearest kumocheck.toml / pyproject.toml)."""
    found = find_config(path.parent if path.parent.exists() else Path.cwd())
    return load_settings(found) if found else Settings()


def shown_name(path: Path, roots: Sequence[Path]) -> str:
    """How the file is named in messages and matched by per-file-ignores: relative to the
    workspace folder holding it, else to its configuration file's folder, else absolute."""
    resolved = path.resolve()
    for root in roots:
        try:
            return resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return str(resolved)


def check_document(
    path: Path, text: str, roots: Sequence[Path], others: dict[Path, str] | None = None
) -> list[Diagnostic]:
    """Check one document's (possibly unsaved) text; `others` are other open documents."""
    from kumocheck.project import check_sources

    settings = settings_for(path)
    config_root = [settings.config_file.parent] if settings.config_file else []
    shown = shown_name(path, [*roots, *config_root])
    overlays = {other: SourceFile(str(other), body) for other, body in (others or {}).items()}
    overlays[path] = SourceFile(shown, text)
    report = check_sources([path], settings, overlays, {path: shown})
    return [d for d in report.diagnostics if d.path == shown]


def to_lsp_diagnostic(d: Diagnostic, lines: Sequence[str], encoding: str) -> types.Diagnostic:
    """A kumocheck finding as an LSP diagnostic (the help text on a second line)."""
    from kumocheck.docs import rule_url
    from kumocheck.schema.model import load_schema

    spec = load_schema().rules.get(d.rule)
    return types.Diagnostic(
        range=to_lsp_range(lines, d.span, encoding),
        message=d.message + (f"\nhelp: {d.help}" if d.help else ""),
        severity=_SEVERITIES[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=rule_url(spec)) if spec else None,
        source="kumocheck",
        data={"rule": d.rule},
    )


# ---------------------------------------------------------------- hover

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r"""(['"])([^'"\n]*)\1""")
_ON_CALL = re.compile(r"""\bkumo\s*\.\s*on\s*\(\s*$""")


def _type_text(ref: TypeRef) -> str:
    if ref.kind == "list":
        return f"list of {_type_text(ref.item)}"
    return ref.name or ref.kind


def field_markdown(name: str) -> str | None:
    """Documentation of a queue-config key, from rules/queue_config.toml."""
    from kumocheck.schema.model import load_schema

    schema = load_schema()
    owners = [s for s in schema.structs.values() if name in s.fields]
    if not owners:
        return None
    owners.sort(key=lambda s: (s.name != schema.entry_struct, s.name))
    parts = []
    for struct in owners[:3]:
        spec = struct.fields[name]
        facts = [f"`{struct.name}`", _type_text(spec.type)]
        if spec.required:
            facts.append("required")
        elif spec.default is not None:
            facts.append(f"default `{spec.default}`")
        elif spec.optional:
            facts.append("optional")
        if spec.since:
            facts.append(f"since {spec.since}")
        parts.append(f"**{name}** · " + " · ".join(facts) + ("\n\n" + spec.doc if spec.doc else ""))
    return "\n\n---\n\n".join(parts)


def event_markdown(name: str) -> str | None:
    """Documentation of a KumoMTA event, from rules/events.toml."""
    from kumocheck.schema.model import load_schema

    event = load_schema().events.get(name)
    if event is None:
        return None
    params = ", ".join(event.params) + (", ..." if event.variadic else "")
    facts = ["KumoMTA event", "several handlers allowed" if event.multiple else "one handler only"]
    if event.since:
        facts.append(f"since {event.since}")
    return f"**{name}({params})** · " + " · ".join(facts) + ("\n\n" + event.summary if event.summary else "")


def hover_at(lines: Sequence[str], line: int, column: int) -> tuple[str, Span] | None:
    """Markdown and span for the event name or config key at a 1-based position."""
    if line - 1 >= len(lines):
        return None
    text = lines[line - 1]
    index = column - 1
    for match in _STRING.finditer(text):
        if match.start() <= index < match.end() and _ON_CALL.search(text[: match.start()]):
            doc = event_markdown(match.group(2))
            if doc:
                return doc, Span(line, match.start() + 1, line, match.end() + 1)
    for match in _WORD.finditer(text):
        if match.start() <= index < match.end():
            rest = text[match.end():]
            if re.match(r"\s*=(?!=)", rest) or re.match(r"""\s*['"]\s*\]\s*=(?!=)""", rest):
                doc = field_markdown(match.group())
                if doc:
                    return doc, Span(line, match.start() + 1, line, match.end() + 1)
    return None


# ---------------------------------------------------------------- the server


class KumocheckServer(LanguageServer):
    """Keeps the latest findings per document for code actions."""

    def __init__(self) -> None:
        super().__init__("kumocheck", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.findings: dict[str, tuple[str, list[Diagnostic], list[str]]] = {}  # uri -> (text, found, lines)
        self.pending: dict[str, asyncio.Task] = {}
        self.config_errors: set[str] = set()
        # one worker: checks run off the event loop, one at a time (the parser's caches are shared)
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kumocheck")

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def roots(self) -> list[Path]:
        """Workspace folders (and the root URI) as paths."""
        uris = [folder.uri for folder in self.workspace.folders.values()]
        if self.workspace.root_uri:
            uris.append(self.workspace.root_uri)
        return [Path(p) for p in (to_fs_path(u) for u in uris) if p]

    def open_documents(self, exclude: str) -> dict[Path, str]:
        return {
            Path(doc.path): doc.source
            for uri, doc in self.workspace.text_documents.items()
            if uri != exclude and uri.startswith("file:")
        }

    async def check(self, uri: str, delay: float = 0.0) -> None:
        """Check the document as it is now and publish the findings (unless it changed meanwhile)."""
        if delay:
            await asyncio.sleep(delay)
        doc = self.workspace.text_documents.get(uri)
        if doc is None:  # closed meanwhile
            return
        version, text = doc.version, doc.source
        path = Path(to_fs_path(uri) or doc.path or "untitled.lua")
        if not path.is_absolute():
            path = Path.cwd() / path.name
        others = self.open_documents(uri)
        try:
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(self.executor, check_document, path, text, self.roots(), others)
        except ConfigError as exc:
            if str(exc) not in self.config_errors:
                self.config_errors.add(str(exc))
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Error, message=f"kumocheck: {exc}"))
            found = []
        except Exception as exc:  # a bug in a check must not take the editor's server down
            log.exception("checking %s failed", uri)
            self.window_log_message(
                types.LogMessageParams(type=types.MessageType.Error, message=f"kumocheck: internal error: {exc!r}")
            )
            found = []
        current = self.workspace.text_documents.get(uri)
        if current is None or current.version != version or current.source != text:
            return  # changed (or closed) while it was being checked: a newer check follows
        lines = split_lines(text)
        self.findings[uri] = (text, found, lines)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=uri, version=version, diagnostics=[to_lsp_diagnostic(d, lines, self.encoding) for d in found]
            )
        )

    def schedule(self, uri: str, delay: float) -> None:
        """Check `uri` after `delay` seconds, replacing a check already waiting."""
        previous = self.pending.pop(uri, None)
        if previous is not None and not previous.done():
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.check(uri, delay))


def create_server() -> KumocheckServer:
    """A server with every feature registered."""
    server = KumocheckServer()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: KumocheckServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, 0.0)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: KumocheckServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule(params.text_document.uri, CHANGE_DELAY)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(ls: KumocheckServer, params: types.DidSaveTextDocumentParams) -> None:
        # a saved module can change what its importers see: recheck every open document
        ls.schedule(params.text_document.uri, 0.0)
        for uri in list(ls.workspace.text_documents):
            if uri != params.text_document.uri:
                ls.schedule(uri, CHANGE_DELAY)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: KumocheckServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.findings.pop(uri, None)
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: KumocheckServer, params: types.HoverParams) -> types.Hover | None:
        doc = ls.workspace.get_text_document(params.text_document.uri)
        lines = split_lines(doc.source)
        line, column = from_lsp_position(lines, params.position, ls.encoding)
        found = hover_at(lines, line, column)
        if found is None:
            return None
        markdown, span = found
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=markdown),
            range=to_lsp_range(lines, span, ls.encoding),
        )

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
    )
    def code_action(ls: KumocheckServer, params: types.CodeActionParams) -> list[types.CodeAction]:
        uri = params.text_document.uri
        text, found, lines = ls.findings.get(uri, (None, [], []))
        current = ls.workspace.text_documents.get(uri)
        if current is None or current.source != text:
            return []  # the findings are for older text: their positions would be wrong
        start = from_lsp_position(lines, params.range.start, ls.encoding)
        end = from_lsp_position(lines, params.range.end, ls.encoding)
        actions = []
        for d in found:
            if d.fix is None:
                continue
            span = d.span
            if (span.end_line, span.end_column) < start or (span.line, span.column) > end:
                continue
            edit = types.TextEdit(range=to_lsp_range(lines, d.fix.span, ls.encoding), new_text=d.fix.replacement)
            actions.append(
                types.CodeAction(
                    title=d.fix.title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[to_lsp_diagnostic(d, lines, ls.encoding)],
                    edit=types.WorkspaceEdit(changes={uri: [edit]}),
                    is_preferred=True,
                )
            )
        return actions

    return server


def serve() -> None:
    """Run the server on stdin/stdout until the client disconnects."""
    logging.basicConfig(level=logging.WARNING, format="kumocheck-server: %(levelname)s %(message)s")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() must not corrupt the LSP stream
    create_server().start_io(stdin, stdout)


__all__ = ["create_server", "serve", "check_document", "hover_at", "to_lsp_position", "from_lsp_position"]
