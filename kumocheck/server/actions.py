"""Code actions: the findings' own fixes as quick fixes, "fix all", "ignore this finding".

The edits come from `kumocheck.fixes` (the code `check --fix` uses): the same quoting
rules, the same choice among overlapping fixes. "Fix all" (`source.fixAll.kumocheck`)
applies the safe fixes, as `--fix` does; a fix that is not safe is offered as a quick
fix the user picks, never preferred.
"""

from __future__ import annotations

from typing import Sequence

from lsprotocol import types

from kumocheck.diagnostics import SAFE, Diagnostic
from kumocheck.fixes import Edit, edits_for, fixes_for
from kumocheck.server.diagnostics import to_lsp_diagnostic
from kumocheck.server.documents import Document

FIX_ALL = "source.fixAll.kumocheck"
KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.SourceFixAll, FIX_ALL]


def _touches(d: Diagnostic, start: tuple[int, int], end: tuple[int, int]) -> bool:
    span = d.span
    return not ((span.end_line, span.end_column) < start or (span.line, span.column) > end)


def _text_edit(doc: Document, edit: Edit, encoding: str) -> types.TextEdit:
    return types.TextEdit(
        range=types.Range(start=doc.position_at(edit.start, encoding), end=doc.position_at(edit.end, encoding)),
        new_text=edit.text,
    )


def _edit_for(doc: Document, d: Diagnostic, encoding: str) -> types.TextEdit | None:
    """The finding's fix as an edit of the document (None when it cannot be placed safely)."""
    assert d.fix is not None
    located = edits_for(doc.text, [d])
    if located:
        return _text_edit(doc, located[0], encoding)
    if d.fix.applicability == "display-only":  # never automatic, but the user may pick it
        return types.TextEdit(range=doc.span_range(d.fix.span, encoding), new_text=d.fix.replacement)
    return None


def quick_fixes(doc: Document, found: Sequence[Diagnostic], start, end, encoding: str) -> list[types.CodeAction]:
    """One action per finding with a fix that touches the requested range."""
    actions = []
    for d in found:
        if d.fix is None or not _touches(d, start, end):
            continue
        edit = _edit_for(doc, d, encoding)
        if edit is None:
            continue
        actions.append(
            types.CodeAction(
                title=d.fix.title,
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[to_lsp_diagnostic(d, doc, encoding)],
                edit=types.WorkspaceEdit(changes={doc.uri: [edit]}),
                is_preferred=d.fix.applicability == SAFE,
            )
        )
    return actions


def fix_all(doc: Document, found: Sequence[Diagnostic], encoding: str) -> types.CodeAction | None:
    """Every safe fix in the document as one edit (overlapping ones wait for the next round)."""
    edits = [e for e in edits_for(doc.text, fixes_for(found)) if doc.text[e.start : e.end] != e.text]
    if not edits:
        return None
    return types.CodeAction(
        title=f"kumocheck: fix all ({len(edits)} fix{'es' if len(edits) != 1 else ''})",
        kind=FIX_ALL,
        edit=types.WorkspaceEdit(changes={doc.uri: [_text_edit(doc, e, encoding) for e in edits]}),
    )


def ignore_finding(doc: Document, d: Diagnostic, kind: str, encoding: str) -> types.CodeAction:
    """Insert a suppression comment for the finding's rule on the line above it."""
    lines = doc.lines
    index = min(max(d.span.line - 1, 0), len(lines) - 1)
    line = lines[index]
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    marker = "#" if kind == "toml" else "--"
    position = types.Position(line=index, character=0)
    comment = f"{indent}{marker} kumocheck: ignore[{d.rule}]\n"
    return types.CodeAction(
        title=f"Ignore {d.rule} ({d.code}) on this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[to_lsp_diagnostic(d, doc, encoding)],
        edit=types.WorkspaceEdit(
            changes={doc.uri: [types.TextEdit(range=types.Range(start=position, end=position), new_text=comment)]}
        ),
    )


def code_actions(
    doc: Document, found: Sequence[Diagnostic], start, end, only: Sequence[str] | None, kind: str, encoding: str
) -> list[types.CodeAction]:
    """The actions for a request's range, filtered by the client's `only` kinds."""

    def wanted(action_kind: str) -> bool:
        return not only or any(action_kind == k or action_kind.startswith(k + ".") for k in only)

    actions: list[types.CodeAction] = []
    if wanted(types.CodeActionKind.QuickFix):
        actions.extend(quick_fixes(doc, found, start, end, encoding))
        if kind != "json":  # JSON has no comments to hold a suppression
            actions.extend(ignore_finding(doc, d, kind, encoding) for d in found if _touches(d, start, end))
    if wanted(FIX_ALL):
        everything = fix_all(doc, found, encoding)
        if everything is not None:
            actions.append(everything)
    return actions
