"""`-- kumocheck: ignore[...]` comments.

* `x = 1 -- kumocheck: ignore[unknown-key]` silences that rule on its own line;
* a comment alone on a line silences the next line;
* `-- kumocheck: ignore-file[rule, ...]` anywhere silences the rules in the whole file;
* without brackets (`-- kumocheck: ignore`), every rule is silenced.
Rules are named by name or code; unknown names are reported as `unknown-suppression`.
"""

from __future__ import annotations

import re
from typing import Iterable

import attrs

from kumocheck.parse.common import Comment
from kumocheck.source import Span

_DIRECTIVE = re.compile(
    r"kumocheck:\s*(?P<kind>ignore-file|ignore)\b(?:\[(?P<rules>[^\]]*)\])?", re.IGNORECASE
)
ALL = "*"


@attrs.frozen
class Directive:
    span: Span
    rules: tuple[str, ...]  # ("*",) for all
    whole_file: bool
    target_line: int
    comment: Span | None = None  # the whole one-line comment holding it (None in block comments)
    comment_text: str = ""
    rule_spans: tuple[Span, ...] = ()  # of each name in `rules`, inside the brackets

    def covers(self, line: int, rule: str, code: str) -> list[str]:
        """The names of this directive that silence `rule` (or its code) on `line`."""
        if not self.whole_file and self.target_line != line:
            return []
        return [name for name in self.rules if name in (ALL, rule, code.lower())]


@attrs.define
class Suppressions:
    """Which rules are silenced where in one file."""

    by_line: dict[int, set[str]] = attrs.Factory(dict)
    whole_file: set[str] = attrs.Factory(set)
    directives: list[Directive] = attrs.Factory(list)

    def silenced(self, line: int, rule: str, code: str) -> bool:
        names = self.by_line.get(line, set()) | self.whole_file
        return ALL in names or rule in names or code.lower() in names


def collect(comments: Iterable[Comment], lines: list[str]) -> Suppressions:
    """Find the directives among a file's comments."""
    found = Suppressions()
    for comment in comments:
        newlines = comment.text.count("\n")
        before = lines[comment.line - 1][: comment.column - 1] if comment.line - 1 < len(lines) else ""
        own_line = before.strip() == ""
        line, scanned = comment.line, 0  # the line of each directive, counted incrementally
        for match in _DIRECTIVE.finditer(comment.text):
            line += comment.text.count("\n", scanned, match.start())
            scanned = match.start()
            rules = match.group("rules")
            names = tuple(r.strip().lower() for r in rules.split(",") if r.strip()) if rules is not None else (ALL,)
            if rules is not None and not names:
                names = (ALL,)
            target = comment.line + newlines + 1 if own_line else comment.line
            if newlines and line != comment.line:
                target = line  # inside a block comment: the directive's own line
                start = match.start() - comment.text.rfind("\n", 0, match.start())
            else:
                start = comment.column + match.start()
            span = Span(line, start, line, start + match.end() - match.start())
            whole = match.group("kind").lower() == "ignore-file"
            one_line = not newlines
            comment_span = Span(line, comment.column, line, comment.column + len(comment.text)) if one_line else None
            rule_spans: tuple[Span, ...] = ()
            if rules is not None and names != (ALL,):
                offset = start + match.start("rules") - match.start()
                rule_spans = tuple(
                    Span(line, offset + part.start(), line, offset + part.end())
                    for part in re.finditer(r"[^,\s]+", rules)
                )
            found.directives.append(
                Directive(span, names, whole, target, comment_span, comment.text if one_line else "", rule_spans)
            )
            if whole:
                found.whole_file.update(names)
            else:
                found.by_line.setdefault(target, set()).update(names)
    return found
