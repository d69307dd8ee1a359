"""unused-suppression: a `kumocheck: ignore[...]` comment that silences nothing (ruff's RUF100).

Unlike the model checks this one judges the outcome of the others, so `project.Checker`
runs it after suppressions are applied, with the names each directive actually used. A
name is only called unused when its rule ran: a rule that is not selected, ignored or
unknown (`unknown-suppression`) says nothing about the comment.
"""

from __future__ import annotations

import re
from typing import Callable, Iterator

from kumocheck.checks import Finding
from kumocheck.diagnostics import SAFE, UNSAFE, Fix
from kumocheck.suppress import ALL, Directive, Suppressions
from kumocheck.source import Span

_ONLY_DIRECTIVE = re.compile(r"(?:--|#)\s*kumocheck:\s*ignore(?:-file)?\s*(?:\[[^\]]*\])?\s*\Z", re.IGNORECASE)


def check(
    suppressions: Suppressions,
    used: set[tuple[int, str]],
    rule_of: Callable[[str], str | None],
    enabled: Callable[[str], bool],
    select_all: bool,
    shown: str,
    lines: list[str],
) -> Iterator[Finding]:
    """One finding per directive with names that silenced nothing.

    `used` holds (directive index, name) pairs that silenced a finding; `rule_of` maps a
    name or code to its rule name (None when unknown); `enabled` says whether a rule ran."""
    for index, directive in enumerate(suppressions.directives):
        unused = []
        for name in directive.rules:
            if (index, name) in used:
                continue
            if name == ALL:
                if select_all:
                    unused.append(name)
                continue
            rule = rule_of(name)
            if rule is None or rule == "unused-suppression" or not enabled(rule):
                continue
            unused.append(name)
        if not unused:
            continue
        everything = len(unused) == len(directive.rules)
        listed = ", ".join(f"`{n}`" for n in unused if n != ALL)
        message = (
            "this kumocheck suppression silences nothing: no finding to ignore here"
            if everything
            else f"unused rule name{'s' if len(unused) > 1 else ''} {listed} in a kumocheck suppression"
        )
        yield Finding(
            "unused-suppression",
            shown,
            directive.span,
            message,
            "remove it: a stale suppression would hide the next real finding on this line",
            fix=_removal(directive, unused, lines) if everything else _narrowing(directive, unused, lines),
        )


def _removal(directive: Directive, unused: list[str], lines: list[str]) -> Fix | None:
    """Remove the whole comment (the whole line when the comment is alone on it)."""
    comment = directive.comment
    if comment is None or not 1 <= comment.line <= len(lines):
        return None
    if not _ONLY_DIRECTIVE.match(directive.comment_text):
        # other words share the comment: remove the directive only, which may read oddly
        return Fix(directive.span, "", "Remove the unused suppression", UNSAFE)
    line = lines[comment.line - 1]
    before = line[: comment.column - 1]
    if before.strip() == "":
        if comment.line < len(lines):
            span = Span(comment.line, 1, comment.line + 1, 1)
        else:
            span = Span(comment.line, 1, comment.line, len(line.rstrip("\r")) + 1)
    else:
        span = Span(comment.line, len(before.rstrip()) + 1, comment.line, comment.end_column)
    return Fix(span, "", "Remove the unused suppression", SAFE)


def _narrowing(directive: Directive, unused: list[str], lines: list[str]) -> Fix | None:
    """Remove the unused names from the list, keeping the others as written."""
    spans = directive.rule_spans
    if len(spans) != len(directive.rules) or not 1 <= directive.span.line <= len(lines):
        return None
    text = lines[directive.span.line - 1]
    kept = [text[s.column - 1 : s.end_column - 1] for s, name in zip(spans, directive.rules) if name not in unused]
    span = Span(spans[0].line, spans[0].column, spans[-1].line, spans[-1].end_column)
    return Fix(span, ", ".join(kept), "Remove the unused rule names", SAFE)
