"""Checking open documents and turning findings into LSP diagnostics.

Documents are checked together, per settings (the kumocheck.toml that governs them), with
every open document as an overlay: a policy sees its modules' and data files' unsaved
text, and a module is judged through the open entry file that loads it. What a document
is (Lua policy, TOML or JSON data file) decides whether it goes to
`kumocheck.project.check_sources` at all: a data file is never checked as Lua.
"""

from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath
from typing import Iterable, Sequence

import attrs
from lsprotocol import types

from kumocheck.config import Settings, find_config, load_settings
from kumocheck.diagnostics import Diagnostic, Severity
from kumocheck.docs import rule_url
from kumocheck.files import policy_root
from kumocheck.project import check_sources
from kumocheck.schema.model import load_schema
from kumocheck.server.documents import Document
from kumocheck.source import SourceFile

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
CONFIG_NAMES = ("kumocheck.toml", "pyproject.toml")

#: Text that is a valid data file of each format and a syntax error as Lua.
_DATA_PROBES = {"toml": "[probe]\nkey = 1\n", "json": '{"probe": {"key": 1}}\n'}


def document_kind(uri: str, language_id: str | None) -> str:
    """"lua", "toml" or "json": by the editor's language id, else by the file's suffix."""
    language = (language_id or "").lower()
    if language in ("toml", "json", "jsonc", "lua"):
        return "json" if language == "jsonc" else language
    suffix = PurePosixPath(uri).suffix.lower()
    return {".toml": "toml", ".json": "json"}.get(suffix, "lua")


@functools.cache
def data_files_checked(fmt: str) -> bool:
    """Whether `check_sources` judges `fmt` files as data (rather than as Lua).

    Found by behaviour, once: a valid data file that is not Lua must come back without a
    syntax error. Until the data-file checks exist, data documents get no diagnostics."""
    probe = Path("/nonexistent-kumocheck-probe") / f"probe.{fmt}"
    report = check_sources([probe], Settings(), {probe: SourceFile(probe.name, _DATA_PROBES[fmt])}, {probe: probe.name})
    return not any(d.rule == "syntax-error" for d in report.diagnostics)


def checkable(doc: Document) -> bool:
    """Whether the document goes to the checker (Lua always; data files when supported)."""
    kind = document_kind(doc.uri, doc.language_id)
    return kind == "lua" or data_files_checked(kind)


class SettingsCache:
    """Settings per folder, read once until a configuration file changes."""

    def __init__(self) -> None:
        self._by_folder: dict[Path, Settings] = {}

    def clear(self) -> None:
        self._by_folder.clear()

    def for_path(self, path: Path) -> Settings:
        """The settings the CLI would use for `path` (nearest kumocheck.toml / pyproject.toml)."""
        folder = path.parent if path.parent.exists() else Path.cwd()
        if folder not in self._by_folder:
            found = find_config(folder)
            self._by_folder[folder] = load_settings(found) if found else Settings()
        return self._by_folder[folder]


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


@attrs.frozen
class Snapshot:
    """A document's text as it was handed to the checker."""

    uri: str
    path: Path
    text: str
    version: int | None
    kind: str


def related(changed: Path, others: Iterable[Snapshot], settings: Settings) -> list[Snapshot]:
    """The open documents whose findings may change when `changed` does (same policy root)."""
    root = policy_root(changed, settings)
    return [other for other in others if policy_root(other.path, settings) == root]


def check_snapshots(
    snapshots: Sequence[Snapshot], overlays: Sequence[Snapshot], settings: Settings, roots: Sequence[Path]
) -> dict[str, list[Diagnostic]]:
    """Findings per uri for `snapshots` (all governed by `settings`), with `overlays` as
    the unsaved text of every open document."""
    config_root = [settings.config_file.parent] if settings.config_file else []
    names = {snap.path: shown_name(snap.path, [*roots, *config_root]) for snap in overlays}
    for snap in snapshots:
        names.setdefault(snap.path, shown_name(snap.path, [*roots, *config_root]))
    sources = {snap.path: SourceFile(names[snap.path], snap.text) for snap in [*overlays, *snapshots]}
    wanted = [snap for snap in snapshots if snap.kind == "lua" or data_files_checked(snap.kind)]
    report = check_sources([snap.path for snap in wanted], settings, sources, names)
    found: dict[str, list[Diagnostic]] = {snap.uri: [] for snap in snapshots}
    by_shown = {names[snap.path]: snap.uri for snap in wanted}
    for diagnostic in report.diagnostics:
        uri = by_shown.get(diagnostic.path)
        if uri is not None:
            found[uri].append(diagnostic)
    return found


def to_lsp_diagnostic(d: Diagnostic, doc: Document, encoding: str) -> types.Diagnostic:
    """A kumocheck finding as an LSP diagnostic (the help text on a second line)."""
    spec = load_schema().rules.get(d.rule)
    return types.Diagnostic(
        range=doc.span_range(d.span, encoding),
        message=d.message + (f"\nhelp: {d.help}" if d.help else ""),
        severity=_SEVERITIES[d.severity],
        code=d.code,
        code_description=types.CodeDescription(href=rule_url(spec)) if spec else None,
        source="kumocheck",
        data={"rule": d.rule},
    )
