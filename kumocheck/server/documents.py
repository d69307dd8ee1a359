"""Open documents as the editor holds them, and LSP positions.

LSP lines end only at `\\n`, `\\r\\n` or `\\r`. Python's `str.splitlines` (which pygls'
own TextDocument uses to apply changes) also breaks at form feed, vertical tab,
`\\x1c`-`\\x1e`, `\\x85` and U+2028/U+2029, so a form feed in a comment would make every
later edit land on the wrong line. Everything here counts lines the LSP way.

kumocheck spans count characters (code points, 1-based, end exclusive); LSP positions
count code units of the negotiated encoding (UTF-16 unless the client offers another),
0-based. `to_lsp_position` and `from_lsp_position` convert between the two.
"""

from __future__ import annotations

import bisect
import re
from typing import Sequence

import attrs
from lsprotocol import types

from kumocheck.source import Span

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LUA_LINE_BREAK = re.compile(r"\r\n|\n\r|\r|\n")  # how the checker's spans count lines
UTF16 = types.PositionEncodingKind.Utf16


def split_lines(text: str) -> list[str]:
    """Lines as LSP counts them (ended by \\n, \\r\\n or \\r), without terminators."""
    return _LINE_BREAK.split(text)


def line_starts(text: str) -> list[int]:
    """The offset of the first character of every LSP line."""
    return [0, *(match.end() for match in _LINE_BREAK.finditer(text))]


def _units(char: str, encoding: str) -> int:
    point = ord(char)
    if encoding == types.PositionEncodingKind.Utf8:
        return 1 if point < 0x80 else 2 if point < 0x800 else 3 if point < 0x10000 else 4
    if encoding == types.PositionEncodingKind.Utf32:
        return 1
    return 2 if point > 0xFFFF else 1


def column_of(line_text: str, units: int, encoding: str = UTF16) -> int:
    """The 0-based character index that `units` code units into the line reach (clamped)."""
    count = 0
    for index, char in enumerate(line_text):
        if count >= units:
            return index
        count += _units(char, encoding)
    return len(line_text)


def units_of(line_text: str, chars: int, encoding: str = UTF16) -> int:
    """How many code units the first `chars` characters of the line take."""
    if encoding == types.PositionEncodingKind.Utf32:
        return chars
    return sum(_units(c, encoding) for c in line_text[:chars]) + max(chars - len(line_text), 0)


def to_lsp_position(lines: Sequence[str], line: int, column: int, encoding: str = UTF16) -> types.Position:
    """A 1-based (line, character column) as a 0-based LSP position in code units."""
    index = max(line - 1, 0)
    if index >= len(lines):
        return types.Position(line=index, character=0)
    return types.Position(line=index, character=units_of(lines[index], max(column - 1, 0), encoding))


def from_lsp_position(lines: Sequence[str], position: types.Position, encoding: str = UTF16) -> tuple[int, int]:
    """A 0-based LSP position in code units as a 1-based (line, character column)."""
    if position.line >= len(lines):
        return position.line + 1, 1
    return position.line + 1, column_of(lines[position.line], position.character, encoding) + 1


def to_lsp_range(lines: Sequence[str], span: Span, encoding: str = UTF16) -> types.Range:
    return types.Range(
        start=to_lsp_position(lines, span.line, span.column, encoding),
        end=to_lsp_position(lines, span.end_line, span.end_column, encoding),
    )


@attrs.define
class Document:
    """One open document: its text, version and language, with LSP line bookkeeping."""

    uri: str
    text: str
    version: int | None = None
    language_id: str = "lua"
    _lines: list[str] | None = attrs.field(default=None, repr=False)
    _starts: list[int] | None = attrs.field(default=None, repr=False)

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = split_lines(self.text)
        return self._lines

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            self._starts = line_starts(self.text)
        return self._starts

    def offset_at(self, position: types.Position, encoding: str = UTF16) -> int:
        """The character offset of an LSP position (clamped to the text)."""
        if position.line >= len(self.starts):
            return len(self.text)
        line_text = self.lines[position.line]
        return self.starts[position.line] + column_of(line_text, position.character, encoding)

    def position_at(self, offset: int, encoding: str = UTF16) -> types.Position:
        """The LSP position of a character offset."""
        index = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return types.Position(line=index, character=units_of(self.lines[index], offset - self.starts[index], encoding))

    def span_range(self, span: Span, encoding: str = UTF16) -> types.Range:
        """The LSP range of a checker span. The checker counts lines as Lua does, where
        `\\n\\r` is one line break (LSP: two); otherwise the two counts agree."""
        if "\n\r" not in self.text:
            return to_lsp_range(self.lines, span, encoding)
        starts = [0, *(m.end() for m in _LUA_LINE_BREAK.finditer(self.text))]

        def position(line: int, column: int) -> types.Position:
            if line - 1 >= len(starts):
                return self.position_at(len(self.text), encoding)
            start = starts[line - 1]
            base = self.position_at(start, encoding)
            line_text = self.lines[base.line]
            return types.Position(line=base.line, character=units_of(line_text, column - 1, encoding))

        return types.Range(start=position(span.line, span.column), end=position(span.end_line, span.end_column))

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: str = UTF16) -> None:
        """Apply one change from didChange (a ranged edit or the whole text)."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            start = self.offset_at(change.range.start, encoding)
            end = max(self.offset_at(change.range.end, encoding), start)
            self.text = self.text[:start] + change.text + self.text[end:]
        else:
            self.text = change.text
        self._lines = self._starts = None
