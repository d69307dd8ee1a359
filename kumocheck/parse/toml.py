"""A TOML reader that keeps the line and column of every key and value.

Hand-written because `tomllib` keeps no positions and the checker reports each key and
value of a data file at its own place. It accepts exactly what TOML 1.0 accepts (tested
against `tomllib`, the reference) and also TOML 1.1, which KumoMTA's Rust `toml` crate
reads: newlines, comments and a trailing comma inside inline tables, the `\\e` and `\\xHH`
escapes, times without seconds. Each use of 1.1-only syntax is recorded with its span.

The result is the positional tree of `kumocheck.schema.values` (see `kumocheck.parse.data`).
Nesting of arrays and inline tables is bounded (`MAX_NESTING`, like the Rust reader), so no
input can exhaust the Python stack; time and memory are linear in the size of the text.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from kumocheck.parse.common import Comment, LineIndex, SourceSyntaxError, without_cyclic_gc
from kumocheck.parse.toml_strings import TomlStrings, describe_char
from kumocheck.schema.values import Const, Entry, Opaque, TableValue
from kumocheck.source import Span

#: Nested arrays / inline tables allowed; the Rust `toml` reader stops at about this depth.
MAX_NESTING = 80
_I64 = (-(2**63), 2**63 - 1)

_WS = re.compile(r"[ \t]*")
_SIMPLE_KEY = re.compile(r"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
_LINE_END = re.compile(r"[ \t]*(#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\n|\Z)")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_COMMENT = re.compile(r"#[^\x00-\x08\x0a-\x1f\x7f]*")
_ARRAY_GAP = re.compile(r"[ \t\n]*")
_NUMBER = re.compile(
    r"0x[0-9A-Fa-f](?:_?[0-9A-Fa-f])*|0o[0-7](?:_?[0-7])*|0b[01](?:_?[01])*"
    r"|(?P<dec>[+-]?(?:0|[1-9](?:_?[0-9])*))"
    r"(?P<frac>\.[0-9](?:_?[0-9])*)?(?P<exp>[eE][+-]?[0-9](?:_?[0-9])*)?"
)
_TIME = r"([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\.([0-9]+))?)?"
_DATETIME = re.compile(
    r"([0-9]{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    rf"(?:[Tt ]{_TIME}(?:([Zz])|([+-])([01][0-9]|2[0-3]):([0-5][0-9]))?)?"
)
_LOCAL_TIME = re.compile(_TIME)
_VALUE_END = frozenset(" \t\n,]}#")


class TomlSyntaxError(SourceSyntaxError):
    """The text is not TOML; `problem` says where and why."""


class _Table:
    """A table under construction: its value, entries by name, and what may extend it."""

    __slots__ = ("value", "entries", "kids", "explicit")

    def __init__(self, value: TableValue):
        self.value = value
        self.entries: dict[str, Entry] = {}
        self.kids: dict[str, object] = {}  # name -> _Table | _TableArray | _FROZEN
        self.explicit = False  # defined by a [header] or dotted keys of an earlier section


class _TableArray:
    """An array of tables (`[[name]]`), extended by each header."""

    __slots__ = ("value", "tables")

    def __init__(self, value: TableValue):
        self.value = value
        self.tables: list[_Table] = []


_FROZEN = object()  # an inline table or array value: complete, cannot be extended


class TomlReader(TomlStrings):
    """Reads one document; use `read_toml`."""

    def __init__(self, text: str, path: str | None):
        self.src = text.replace("\r\n", "\n")
        self.path = path
        self.comments: list[Comment] = []
        self.toml11: list[tuple[Span, str]] = []
        self._index = LineIndex(self.src, path)
        self._where = self._index.where
        self.span = self._index.span
        self._pending: list[_Table] = []
        self._multiline_inline: set[int] = set()  # inline tables whose 1.1 line breaks are recorded

    def error(self, pos: int, message: str, end: int | None = None) -> TomlSyntaxError:
        return TomlSyntaxError(self._index.problem(pos, message, end))

    def _unexpected(self, pos: int, expected: str) -> TomlSyntaxError:
        return self.error(pos, f"expected {expected}, found {describe_char(self.src[pos:pos + 1])}")

    def _toml11(self, start: int, end: int, what: str) -> None:
        self.toml11.append((self.span(start, end), what))

    # -- document --------------------------------------------------------------------

    def read(self) -> TableValue:
        """The document's root table (the cyclic GC is paused meanwhile: no cycles are built)."""
        with without_cyclic_gc():
            return self._statements()

    def _statements(self) -> TableValue:
        src = self.src
        root = _Table(TableValue(origin=Span(1, 1, 1, 2, self.path)))
        current = root
        pos, size = 0, len(src)
        simple_key, line_end = _SIMPLE_KEY.match, _LINE_END.match
        while pos < size:
            match = simple_key(src, pos)
            if match:  # the common `name = value` line, in one regex step
                pos = self._simple_key_value(match, current)
            else:
                pos = _WS.match(src, pos).end()
                char = src[pos : pos + 1]
                if char == "[":
                    for table in self._pending:
                        table.explicit = True
                    self._pending.clear()
                    if src.startswith("[[", pos):
                        pos, current = self._array_header(pos, root)
                    else:
                        pos, current = self._table_header(pos, root)
                elif char == "=":
                    raise self.error(pos, "expected a key before '='")
                elif char not in ("#", "\n", ""):
                    pos = self._key_value(pos, current, top=True)
            match = line_end(src, pos)
            if match:
                if match.group(1):
                    line, column = self._where(match.start(1))
                    self.comments.append(Comment(match.group(1), line, column))
                pos = match.end()
                continue
            pos = self._comment(_WS.match(src, pos).end())
            if pos < size and src[pos] != "\n":
                raise self._unexpected(pos, "the end of the line")
        return root.value

    def _simple_key_value(self, match: re.Match, table: _Table) -> int:
        """`name = value` with a bare, undotted key (`match` is `_SIMPLE_KEY`'s)."""
        name = match.group(1)
        start, end = match.span(1)
        first = table.entries.get(name)
        if first is not None:
            raise self.error(start, f"duplicate key '{name}': already defined on line {first.key.origin.line}", end)
        pos, value = self._value(match.end(), 0)
        key_span = self.span(start, end)
        entry = Entry(Const(name.encode(), key_span), value, key_span)
        table.entries[name] = entry
        table.value.entries.append(entry)
        if type(value) is TableValue:
            table.kids[name] = _FROZEN
        return pos

    def _comment(self, pos: int) -> int:
        src = self.src
        if not src.startswith("#", pos):
            return pos
        end = _COMMENT.match(src, pos).end()
        if end < len(src) and src[end] != "\n":
            raise self.error(end, f"{describe_char(src[end])} is not allowed in a comment")
        line, column = self._where(pos)
        self.comments.append(Comment(src[pos:end], line, column))
        return end

    # -- keys ------------------------------------------------------------------------

    def _key(self, pos: int) -> tuple[int, list[tuple[str, int, int]]]:
        """A dotted key: (end, [(part, start, end), ...]); trailing blanks skipped."""
        src = self.src
        parts = []
        while True:
            char = src[pos : pos + 1]
            match = _BARE.match(src, pos)
            if match:
                start, pos = pos, match.end()
                parts.append((match.group(), start, pos))
            elif char == '"':
                start = pos
                if src.startswith('"""', pos):
                    raise self.error(pos, "a key cannot be a multi-line string")
                pos, text = self._basic(pos)
                parts.append((text, start, pos))
            elif char == "'":
                start = pos
                if src.startswith("'''", pos):
                    raise self.error(pos, "a key cannot be a multi-line string")
                pos, text = self._literal(pos)
                parts.append((text, start, pos))
            elif char and ord(char) > 127:
                raise self.error(pos, f"{char!r} cannot start a bare key (A-Z a-z 0-9 _ - only): quote the key")
            else:
                raise self._unexpected(pos, "a key")
            pos = _WS.match(src, pos).end()
            if not src.startswith(".", pos):
                return pos, parts
            pos = _WS.match(src, pos + 1).end()

    def _key_value(self, pos: int, table: _Table, top: bool, depth: int = 0) -> int:
        src = self.src
        pos, parts = self._key(pos)
        if not src.startswith("=", pos):
            raise self._unexpected(pos, "'=' after the key")
        pos = _WS.match(src, pos + 1).end()
        for name, start, end in parts[:-1]:
            table = self._descend_dotted(table, name, start, end, top)
        name, start, end = parts[-1]
        first = table.entries.get(name)
        if first is not None:
            line = first.key.origin.line
            raise self.error(start, f"duplicate key '{name}': already defined on line {line}", end)
        pos, value = self._value(pos, depth)
        key_span = self.span(start, end)
        entry = Entry(Const(name.encode(), key_span), value, key_span)
        table.entries[name] = entry
        table.value.entries.append(entry)
        if isinstance(value, TableValue):
            table.kids[name] = _FROZEN
        return pos

    def _descend_dotted(self, table: _Table, name: str, start: int, end: int, top: bool) -> _Table:
        """The sub-table a dotted key part names, created when new."""
        kid = table.kids.get(name)
        if kid is None:
            if name in table.entries:
                raise self._value_in_the_way(table, name, start, end)
            kid = self._new_table(table, name, start, end, self.span(start, end))
            if top:
                self._pending.append(kid)
            return kid
        if kid is _FROZEN:
            raise self._inline_in_the_way(table, name, start, end)
        if isinstance(kid, _TableArray) or kid.explicit:
            line = table.entries[name].value.origin.line
            raise self.error(start, f"dotted key '{name}' redefines the table defined on line {line}", end)
        if top:
            self._pending.append(kid)
        return kid

    def _value_in_the_way(self, table: _Table, name: str, start: int, end: int, wanted: str = "a table") -> TomlSyntaxError:
        line = table.entries[name].key.origin.line
        return self.error(start, f"'{name}' is already a value (line {line}), not {wanted}", end)

    def _inline_in_the_way(self, table: _Table, name: str, start: int, end: int) -> TomlSyntaxError:
        line = table.entries[name].key.origin.line
        return self.error(start, f"'{name}' was defined on line {line} as an inline value and cannot be extended", end)

    def _new_table(self, parent: _Table, name: str, start: int, end: int, origin: Span) -> _Table:
        key_span = self.span(start, end)
        kid = _Table(TableValue(origin=origin))
        entry = Entry(Const(name.encode(), key_span), kid.value, key_span)
        parent.entries[name] = entry
        parent.value.entries.append(entry)
        parent.kids[name] = kid
        return kid

    # -- headers ---------------------------------------------------------------------

    def _header_key(self, pos: int, width: int) -> tuple[int, list[tuple[str, int, int]], Span]:
        """`[a.b]` (width 1) or `[[a.b]]` (width 2): (end, key parts, span of the header)."""
        src = self.src
        start = pos
        pos = _WS.match(src, pos + width).end()
        pos, parts = self._key(pos)
        close = "]" * width
        if not src.startswith(close, pos):
            raise self._unexpected(pos, f"'{close}' to close the table header")
        return pos + width, parts, self.span(start, pos + width)

    def _walk_header(self, root: _Table, parts: list[tuple[str, int, int]], header: Span) -> _Table:
        table = root
        for name, start, end in parts:
            kid = table.kids.get(name)
            if kid is None:
                if name in table.entries:
                    raise self._value_in_the_way(table, name, start, end)
                kid = self._new_table(table, name, start, end, header)
            elif kid is _FROZEN:
                raise self._inline_in_the_way(table, name, start, end)
            elif isinstance(kid, _TableArray):
                kid = kid.tables[-1]
            table = kid
        return table

    def _table_header(self, pos: int, root: _Table) -> tuple[int, _Table]:
        pos, parts, header = self._header_key(pos, 1)
        parent = self._walk_header(root, parts[:-1], header)
        name, start, end = parts[-1]
        kid = parent.kids.get(name)
        if kid is None:
            if name in parent.entries:
                raise self._value_in_the_way(parent, name, start, end)
            kid = self._new_table(parent, name, start, end, header)
        elif kid is _FROZEN:
            raise self._inline_in_the_way(parent, name, start, end)
        elif isinstance(kid, _TableArray):
            line = parent.entries[name].value.origin.line
            raise self.error(start, f"'{name}' is an array of tables (line {line}): write [[...]] to add to it", end)
        elif kid.explicit:
            line = kid.value.origin.line
            dotted = ".".join(p[0] for p in parts)
            raise self.error(start, f"table [{dotted}] is defined twice: first on line {line}", end)
        else:
            kid.value.origin = header  # an implicit table now declared
        kid.explicit = True
        return pos, kid

    def _array_header(self, pos: int, root: _Table) -> tuple[int, _Table]:
        pos, parts, header = self._header_key(pos, 2)
        parent = self._walk_header(root, parts[:-1], header)
        name, start, end = parts[-1]
        kid = parent.kids.get(name)
        if kid is None:
            if name in parent.entries:
                raise self._value_in_the_way(parent, name, start, end, "an array of tables")
            key_span = self.span(start, end)
            kid = _TableArray(TableValue(origin=header, array_meta=True))
            entry = Entry(Const(name.encode(), key_span), kid.value, key_span)
            parent.entries[name] = entry
            parent.value.entries.append(entry)
            parent.kids[name] = kid
        elif not isinstance(kid, _TableArray):
            line = parent.entries[name].value.origin.line
            what = "an inline value" if kid is _FROZEN else "a table"
            raise self.error(start, f"'{name}' was defined on line {line} as {what}, not an array of tables", end)
        table = _Table(TableValue(origin=header))
        table.explicit = True
        kid.tables.append(table)
        kid.value.entries.append(Entry(Const(len(kid.tables), header), table.value, header))
        return pos, table

    # -- values ----------------------------------------------------------------------

    def _value(self, pos: int, depth: int):
        src = self.src
        char = src[pos : pos + 1]
        if char == '"':
            if src.startswith('"""', pos):
                end, text = self._multiline_basic(pos)
            else:
                end, text = self._basic(pos)
            return end, Const(text.encode("utf-8", "surrogatepass"), self.span(pos, end))
        if char == "'":
            if src.startswith("'''", pos):
                end, text = self._multiline_literal(pos)
            else:
                end, text = self._literal(pos)
            return end, Const(text.encode("utf-8", "surrogatepass"), self.span(pos, end))
        if char == "[":
            return self._array(pos, depth + 1)
        if char == "{":
            return self._inline_table(pos, depth + 1)
        if char == "t" and src.startswith("true", pos):
            return self._scalar_end(pos, pos + 4, True)
        if char == "f" and src.startswith("false", pos):
            return self._scalar_end(pos, pos + 5, False)
        if char.isdigit():
            match = _DATETIME.match(src, pos)
            if match:
                return self._datetime(pos, match)
            match = _LOCAL_TIME.match(src, pos)
            if match:
                return self._local_time(pos, match)
        match = _NUMBER.match(src, pos)
        if match:
            return self._number(pos, match)
        for word, number in (("inf", float("inf")), ("nan", float("nan"))):
            for sign, factor in (("", 1.0), ("+", 1.0), ("-", -1.0)):
                if src.startswith(sign + word, pos):
                    return self._scalar_end(pos, pos + len(sign) + 3, factor * number)
        if char in ("", "\n", "#", ",", "]", "}", "="):
            raise self._unexpected(pos, "a value")
        end = pos
        while end < len(src) and src[end] not in _VALUE_END:
            end += 1
        return self._bad_word(pos, max(end, pos + 1))

    def _bad_word(self, pos: int, end: int):
        word = self.src[pos:end]
        for offset, char in enumerate(word):
            if ord(char) < 32 or ord(char) == 127:
                raise self.error(pos + offset, f"{describe_char(char)} is not allowed here")
        if word.lower() in ("true", "false"):
            raise self.error(pos, f"invalid value '{word}': booleans are lowercase true/false", end)
        if word[:1] in ("+", "-", ".") or word[:1].isdigit():
            raise self.error(pos, f"invalid number or date '{word}'", end)
        raise self.error(pos, f"invalid value '{word}' (strings need quotes)", end)

    def _scalar_end(self, pos: int, end: int, value):
        src = self.src
        if end < len(src) and src[end] not in _VALUE_END:
            stop = end
            while stop < len(src) and src[stop] not in _VALUE_END:
                stop += 1
            return self._bad_word(pos, stop)
        return end, Const(value, self.span(pos, end))

    def _number(self, pos: int, match: re.Match):
        text = match.group()
        end = match.end()
        if end < len(self.src) and self.src[end] not in _VALUE_END:
            stop = end
            while stop < len(self.src) and self.src[stop] not in _VALUE_END:
                stop += 1
            return self._bad_word(pos, stop)
        digits = text.replace("_", "")
        if match.group("dec") is None:
            value: int | float = int(digits[2:], {"x": 16, "o": 8, "b": 2}[digits[1]])
        elif match.group("frac") or match.group("exp"):
            value = float(digits)
        else:
            value = int(digits)
        if type(value) is int and not _I64[0] <= value <= _I64[1]:
            raise self.error(pos, f"integer {text} does not fit in 64 bits", end)
        return end, Const(value, self.span(pos, end))

    def _datetime(self, pos: int, match: re.Match):
        year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m = match.groups()
        end = match.end()
        try:
            if hour is None:
                value: object = date(int(year), int(month), int(day))
            else:
                tz = None
                if zulu:
                    tz = timezone.utc
                elif sign:
                    delta = timedelta(hours=int(off_h), minutes=int(off_m))
                    tz = timezone(-delta if sign == "-" else delta)
                micros = int(fraction[:6].ljust(6, "0")) if fraction else 0
                value = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micros, tz)
        except ValueError:
            raise self.error(pos, f"invalid date '{match.group()}'", end) from None
        if hour is not None and second is None:
            self._toml11(pos, end, "time without seconds (TOML 1.1)")
        return self._opaque_end(pos, end, value)

    def _local_time(self, pos: int, match: re.Match):
        hour, minute, second, fraction = match.groups()
        end = match.end()
        micros = int(fraction[:6].ljust(6, "0")) if fraction else 0
        if second is None:
            self._toml11(pos, end, "time without seconds (TOML 1.1)")
        return self._opaque_end(pos, end, time(int(hour), int(minute), int(second or 0), micros))

    def _opaque_end(self, pos: int, end: int, value: object):
        src = self.src
        if end < len(src) and src[end] not in _VALUE_END:
            stop = end
            while stop < len(src) and src[stop] not in _VALUE_END:
                stop += 1
            return self._bad_word(pos, stop)
        return end, Opaque("datetime", self.span(pos, end), value)

    def _gap(self, pos: int) -> int:
        """Blanks, newlines and comments inside an array (or a TOML 1.1 inline table)."""
        src = self.src
        while True:
            pos = _ARRAY_GAP.match(src, pos).end()
            if not src.startswith("#", pos):
                return pos
            pos = self._comment(pos)

    def _array(self, pos: int, depth: int):
        if depth > MAX_NESTING:
            raise self.error(pos, f"arrays and inline tables nested more than {MAX_NESTING} deep")
        src = self.src
        start = pos
        array = TableValue(array_meta=True)
        pos = self._gap(pos + 1)
        index = 0
        while not src.startswith("]", pos):
            value_start = pos
            pos, value = self._value(pos, depth)
            index += 1
            value_span = value.origin if not isinstance(value, TableValue) else self.span(value_start, pos)
            array.entries.append(Entry(Const(index, value_span), value, value_span))
            pos = self._gap(pos)
            if src.startswith(",", pos):
                pos = self._gap(pos + 1)
            elif not src.startswith("]", pos):
                raise self._unexpected(pos, "',' or ']' in the array opened on line %d" % self._where(start)[0])
        pos += 1
        array.origin = self.span(start, pos)
        return pos, array

    def _inline_table(self, pos: int, depth: int):
        if depth > MAX_NESTING:
            raise self.error(pos, f"arrays and inline tables nested more than {MAX_NESTING} deep")
        src = self.src
        start = pos
        table = _Table(TableValue(origin=self.span(pos, pos + 1)))
        pos = self._inline_gap(pos + 1, start)
        if src.startswith("}", pos):
            return pos + 1, table.value
        while True:
            pos = self._key_value(pos, table, top=False, depth=depth)
            pos = self._inline_gap(pos, start)
            if src.startswith("}", pos):
                return pos + 1, table.value
            if not src.startswith(",", pos):
                raise self._unexpected(pos, "',' or '}' in the inline table opened on line %d" % self._where(start)[0])
            comma = pos
            pos = self._inline_gap(pos + 1, start)
            if src.startswith("}", pos):
                self._toml11(comma, comma + 1, "trailing comma in an inline table (TOML 1.1)")
                return pos + 1, table.value

    def _inline_gap(self, pos: int, opened: int) -> int:
        """Blanks; newlines and comments too (TOML 1.1), recorded once per inline table."""
        src = self.src
        pos = _WS.match(src, pos).end()
        if src.startswith("\n", pos) or src.startswith("#", pos):
            gap_start = pos
            pos = self._gap(pos)
            if opened not in self._multiline_inline:
                self._multiline_inline.add(opened)
                self._toml11(gap_start, gap_start + 1, "newline or comment inside an inline table (TOML 1.1)")
        return pos


def read_toml(text: str, path: str | None = None) -> TomlReader:
    """Read `text`; returns the reader (`.root`, `.comments`, `.toml11`) or raises TomlSyntaxError."""
    reader = TomlReader(text, path)
    reader.root = reader.read()  # type: ignore[attr-defined]
    return reader
