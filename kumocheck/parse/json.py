"""A JSON reader that keeps the line and column of every key and value.

It accepts what KumoMTA's reader (serde_json) accepts and words its errors the same way:
no comments, no trailing commas, no NaN/Infinity, no control characters in strings,
nesting up to serde_json's recursion limit. A key given twice is kept twice, in document
order (the later one wins when serde_json builds a map).
"""

from __future__ import annotations

import re

from kumocheck.parse.common import LineIndex, SourceSyntaxError, without_cyclic_gc
from kumocheck.schema.values import Const, Entry, TableValue

#: serde_json refuses the 128th nested array/object ("recursion limit exceeded").
MAX_NESTING = 127
_I64 = (-(2**63), 2**63 - 1)

_WS = re.compile(r"[ \t\n\r]*")
_PLAIN_STRING = re.compile(r'"([^"\\\x00-\x1f]*)"')
_STRING_RUN = re.compile(r'[^"\\\x00-\x1f]+')
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_WORDS = {"true": True, "false": False, "null": None}


class JsonSyntaxError(SourceSyntaxError):
    """The text is not JSON; `problem` says where and why."""


class JsonReader:
    """Reads one document; use `read_json`."""

    def __init__(self, text: str, path: str | None):
        self.src = text
        self.path = path
        self._index = LineIndex(text, path)
        self.span = self._index.span

    def error(self, pos: int, message: str) -> JsonSyntaxError:
        return JsonSyntaxError(self._index.problem(pos, message))

    def read(self) -> TableValue:
        """The top-level table (the cyclic GC is paused meanwhile: no cycles are built)."""
        with without_cyclic_gc():
            return self._document()

    def _document(self) -> TableValue:
        src = self.src
        pos = _WS.match(src, 0).end()
        if pos == len(src):
            raise self.error(pos, "EOF while parsing a value")
        if src[pos] not in "{[":
            raise self.error(pos, "expected a JSON object: a data file holds a table of settings")
        pos, root = self._value(pos, 0)
        pos = _WS.match(src, pos).end()
        if pos < len(src):
            raise self.error(pos, "trailing characters")
        return root

    def _value(self, pos: int, depth: int):
        src = self.src
        char = src[pos : pos + 1]
        if char == '"':
            end, text = self._string(pos)
            return end, Const(text.encode("utf-8", "surrogatepass"), self.span(pos, end))
        if char == "{":
            return self._object(pos, depth + 1)
        if char == "[":
            return self._array(pos, depth + 1)
        if char == "":
            raise self.error(pos, "EOF while parsing a value")
        match = _NUMBER.match(src, pos)
        if match:
            return self._number(pos, match)
        for word, value in _WORDS.items():
            if char == word[0]:
                for offset, expected in enumerate(word):
                    if src[pos + offset : pos + offset + 1] != expected:
                        at = pos + offset
                        raise self.error(at, "EOF while parsing a value" if at >= len(src) else "expected ident")
                return pos + len(word), Const(value, self.span(pos, pos + len(word)))
        if char == "-":
            raise self.error(pos + 1, "invalid number")
        raise self.error(pos, "expected value")

    def _number(self, pos: int, match: re.Match):
        end = match.end()
        text = match.group()
        src = self.src
        if src[end : end + 1] in (".", "e", "E") or (text.lstrip("-") == "0" and src[end : end + 1].isdigit()):
            raise self.error(end, "invalid number")
        if match.group(1) or match.group(2):
            value: int | float = float(text)
            if value in (float("inf"), float("-inf")):
                raise self.error(pos, "number out of range")
        else:
            value = int(text)
            if not _I64[0] <= value <= 2**64 - 1:
                value = float(text)
            elif value > _I64[1]:
                value = float(value)  # a u64 beyond i64: Lua sees a float
        return end, Const(value, self.span(pos, end))

    def _string(self, pos: int) -> tuple[int, str]:
        src = self.src
        match = _PLAIN_STRING.match(src, pos)
        if match:
            return match.end(), match.group(1)
        pos += 1
        pieces = []
        while True:
            match = _STRING_RUN.match(src, pos)
            if match:
                pieces.append(match.group())
                pos = match.end()
            char = src[pos : pos + 1]
            if char == '"':
                return pos + 1, "".join(pieces)
            if char == "":
                raise self.error(pos, "EOF while parsing a string")
            if char != "\\":
                raise self.error(pos, "control character (\\u0000-\\u001F) found while parsing a string")
            code = src[pos + 1 : pos + 2]
            if code in _ESCAPES:
                pieces.append(_ESCAPES[code])
                pos += 2
            elif code == "u":
                pos = self._unicode_escape(pos, pieces)
            elif code == "":
                raise self.error(pos + 1, "EOF while parsing a string")
            else:
                raise self.error(pos + 1, "invalid escape")

    def _hex4(self, pos: int) -> int:
        digits = self.src[pos : pos + 4]
        for offset, digit in enumerate(digits):
            if digit not in "0123456789abcdefABCDEF":
                raise self.error(pos + offset, "invalid escape")
        if len(digits) < 4:
            raise self.error(len(self.src), "EOF while parsing a string")
        return int(digits, 16)

    def _unicode_escape(self, pos: int, pieces: list[str]) -> int:
        code = self._hex4(pos + 2)
        pos += 6
        if 0xDC00 <= code <= 0xDFFF:
            raise self.error(pos, "lone leading surrogate in hex escape")
        if 0xD800 <= code <= 0xDBFF:
            if not self.src.startswith("\\u", pos):
                raise self.error(pos, "unexpected end of hex escape")
            low = self._hex4(pos + 2)
            if not 0xDC00 <= low <= 0xDFFF:
                raise self.error(pos + 6, "lone leading surrogate in hex escape")
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            pos += 6
        pieces.append(chr(code))
        return pos

    def _array(self, pos: int, depth: int):
        if depth > MAX_NESTING:
            raise self.error(pos, "recursion limit exceeded")
        src = self.src
        start = pos
        array = TableValue(array_meta=True)
        pos = _WS.match(src, pos + 1).end()
        if src.startswith("]", pos):
            array.origin = self.span(start, pos + 1)
            return pos + 1, array
        index = 0
        while True:
            value_start = pos
            pos, value = self._value(pos, depth)
            index += 1
            value_span = value.origin if isinstance(value, Const) else self.span(value_start, pos)
            array.entries.append(Entry(Const(index, value_span), value, value_span))
            pos = _WS.match(src, pos).end()
            char = src[pos : pos + 1]
            if char == "]":
                array.origin = self.span(start, pos + 1)
                return pos + 1, array
            if char != ",":
                raise self.error(pos, "EOF while parsing a list" if char == "" else "expected `,` or `]`")
            pos = _WS.match(src, pos + 1).end()
            if src.startswith("]", pos):
                raise self.error(pos, "trailing comma")

    def _object(self, pos: int, depth: int):
        if depth > MAX_NESTING:
            raise self.error(pos, "recursion limit exceeded")
        src = self.src
        table = TableValue(origin=self.span(pos, pos + 1))
        pos = _WS.match(src, pos + 1).end()
        if src.startswith("}", pos):
            return pos + 1, table
        while True:
            char = src[pos : pos + 1]
            if char != '"':
                raise self.error(pos, "EOF while parsing an object" if char == "" else "key must be a string")
            key_start = pos
            pos, name = self._string(pos)
            key_span = self.span(key_start, pos)
            pos = _WS.match(src, pos).end()
            if not src.startswith(":", pos):
                raise self.error(pos, "EOF while parsing an object" if pos >= len(src) else "expected `:`")
            pos = _WS.match(src, pos + 1).end()
            pos, value = self._value(pos, depth)
            table.entries.append(Entry(Const(name.encode("utf-8", "surrogatepass"), key_span), value, key_span))
            pos = _WS.match(src, pos).end()
            char = src[pos : pos + 1]
            if char == "}":
                return pos + 1, table
            if char != ",":
                raise self.error(pos, "EOF while parsing an object" if char == "" else "expected `,` or `}`")
            pos = _WS.match(src, pos + 1).end()
            if src.startswith("}", pos):
                raise self.error(pos, "trailing comma")


def read_json(text: str, path: str | None = None) -> TableValue:
    """The document's top-level object or array; raises JsonSyntaxError."""
    return JsonReader(text, path).read()
