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

import gc
import re
from bisect import bisect_right
from datetime import date, datetime, time, timedelta, timezone

from kumocheck.parse.common import Comment, SyntaxProblem
from kumocheck.schema.values import Const, Entry, Opaque, TableValue
from kumocheck.source import Span

#: Nested arrays / inline tables allowed; the Rust `toml` reader stops at about this depth.
MAX_NESTING = 80
_I64 = (-(2**63), 2**63 - 1)

_WS = re.compile(r"[ \t]*")
_SIMPLE_KEY = re.compile(r"[ \t]*([A-Za-z0-9_-]+)[ \t]*=[ \t]*")
_LINE_END = re.compile(r"[ \t]*(#[^\x00-\x08\x0a-\x1f\x7f]*)?(?:\n|\Z)")
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_PLAIN_BASIC = re.compile(r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"')
_PLAIN_LITERAL = re.compile(r"'([^'\x00-\x08\x0a-\x1f\x7f]*)'")
_BASIC_RUN = re.compile(r'[^"\\\x00-\x08\x0a-\x1f\x7f]+')
_ML_BASIC_RUN = re.compile(r'[^"\\\x00-\x08\x0b-\x1f\x7f]+')
_ML_LITERAL_RUN = re.compile(r"[^'\x00-\x08\x0b-\x1f\x7f]+")
_COMMENT = re.compile(r"#[^\x00-\x08\x0a-\x1f\x7f]*")
_ARRAY_GAP = re.compile(r"[ \t\n]*")
_HEX = re.compile(r"[0-9A-Fa-f]+")
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
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_VALUE_END = frozenset(" \t\n,]}#")


class TomlSyntaxError(Exception):
    """The text is not TOML; `problem` says where and why."""

    def __init__(self, problem: SyntaxProblem):
        super().__init__(f"{problem.line}:{problem.column}: {problem.message}")
        self.problem = problem


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


def _describe(char: str) -> str:
    if char == "":
        return "the end of the file"
    if char == "\n":
        return "the end of the line"
    if ord(char) < 32 or ord(char) == 127:
        return f"the control character U+{ord(char):04X}"
    return repr(char)


class TomlReader:
    """Reads one document; use `read_toml`."""

    def __init__(self, text: str, path: str | None):
        self.src = text.replace("\r\n", "\n")
        self.path = path
        self.comments: list[Comment] = []
        self.toml11: list[tuple[Span, str]] = []
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.src)]
        self._line = 0  # index into _starts of the last position looked up
        self._pending: list[_Table] = []

    # -- positions -------------------------------------------------------------------

    def _where(self, pos: int) -> tuple[int, int]:
        starts, i = self._starts, self._line
        if not (starts[i] <= pos and (i + 1 == len(starts) or pos < starts[i + 1])):
            i = self._line = bisect_right(starts, pos) - 1
        return i + 1, pos - starts[i] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self._where(start)
        starts = self._starts
        if line == len(starts) or end <= starts[line]:
            return Span(line, column, line, column + end - start, self.path)
        end_line, end_column = self._where(end)
        return Span(line, column, end_line, end_column, self.path)

    def error(self, pos: int, message: str, end: int | None = None) -> TomlSyntaxError:
        pos = min(pos, len(self.src))
        line, column = self._where(pos)
        end_column = column + max(1, (end or pos + 1) - pos) if pos < len(self.src) else None
        if end is not None and self.src.count("\n", pos, end):
            end_column = None
        return TomlSyntaxError(SyntaxProblem(message, line, column, end_column))

    def _unexpected(self, pos: int, expected: str) -> TomlSyntaxError:
        return self.error(pos, f"expected {expected}, found {_describe(self.src[pos:pos + 1])}")

    def _toml11(self, start: int, end: int, what: str) -> None:
        self.toml11.append((self.span(start, end), what))

    # -- document --------------------------------------------------------------------

    def read(self) -> TableValue:
        """The document's root table (the cyclic GC is paused meanwhile: no cycles are built)."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            return self._statements()
        finally:
            if collecting:
                gc.enable()

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
            raise self.error(end, f"{_describe(src[end])} is not allowed in a comment")
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
            first = table.entries.get(name)
            if first is not None:
                raise self.error(start, f"key '{name}' is already a value (line {first.key.origin.line}), not a table", end)
            kid = self._new_table(table, name, start, end, self.span(start, end))
            if top:
                self._pending.append(kid)
            return kid
        if kid is _FROZEN:
            line = table.entries[name].key.origin.line
            raise self.error(start, f"'{name}' was defined on line {line} as an inline value and cannot be extended", end)
        if isinstance(kid, _TableArray) or kid.explicit:
            line = table.entries[name].value.origin.line
            raise self.error(start, f"dotted key '{name}' redefines the table defined on line {line}", end)
        if top:
            self._pending.append(kid)
        return kid

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
                first = table.entries.get(name)
                if first is not None:
                    raise self.error(start, f"'{name}' is already a value (line {first.key.origin.line}), not a table", end)
                kid = self._new_table(table, name, start, end, header)
            elif kid is _FROZEN:
                line = table.entries[name].key.origin.line
                raise self.error(start, f"'{name}' was defined on line {line} as an inline value and cannot be extended", end)
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
            first = parent.entries.get(name)
            if first is not None:
                raise self.error(start, f"'{name}' is already a value (line {first.key.origin.line}), not a table", end)
            kid = self._new_table(parent, name, start, end, header)
        elif kid is _FROZEN:
            line = parent.entries[name].key.origin.line
            raise self.error(start, f"'{name}' was defined on line {line} as an inline value and cannot be extended", end)
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
            first = parent.entries.get(name)
            if first is not None:
                raise self.error(start, f"'{name}' is already a value (line {first.key.origin.line}), not an array of tables", end)
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
                raise self.error(pos + offset, f"{_describe(char)} is not allowed here")
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
        src = self.src
        pos = _WS.match(src, pos).end()
        if src.startswith("\n", pos) or src.startswith("#", pos):
            gap_start = pos
            pos = self._gap(pos)
            self._toml11(gap_start, gap_start + 1, "newline or comment inside an inline table (TOML 1.1)")
        return pos

    # -- strings ---------------------------------------------------------------------

    def _literal(self, pos: int) -> tuple[int, str]:
        match = _PLAIN_LITERAL.match(self.src, pos)
        if match:
            return match.end(), match.group(1)
        end = pos + 1
        while end < len(self.src) and self.src[end] not in "'\n" and self._allowed(self.src[end], False):
            end += 1
        raise self._bad_string_char(end, pos, "'")

    def _allowed(self, char: str, multiline: bool) -> bool:
        code = ord(char)
        return not (code < 32 and char != "\t" and not (multiline and char == "\n") or code == 127)

    def _bad_string_char(self, pos: int, opened: int, quote: str) -> TomlSyntaxError:
        char = self.src[pos : pos + 1]
        if char in ("", "\n"):
            return self.error(opened, f"unterminated string: missing closing {quote}", None)
        return self.error(pos, f"{_describe(char)} is not allowed in a string (write it as an escape)")

    def _basic(self, pos: int) -> tuple[int, str]:
        src = self.src
        match = _PLAIN_BASIC.match(src, pos)
        if match:
            return match.end(), match.group(1)
        opened = pos
        pos += 1
        pieces = []
        while True:
            match = _BASIC_RUN.match(src, pos)
            if match:
                pieces.append(match.group())
                pos = match.end()
            char = src[pos : pos + 1]
            if char == '"':
                return pos + 1, "".join(pieces)
            if char == "\\":
                pos = self._escape(pos, pieces)
            else:
                raise self._bad_string_char(pos, opened, '"')

    def _escape(self, pos: int, pieces: list[str]) -> int:
        src = self.src
        code = src[pos + 1 : pos + 2]
        if code in _ESCAPES:
            pieces.append(_ESCAPES[code])
            return pos + 2
        if code in ("u", "U", "x"):
            width = {"u": 4, "U": 8, "x": 2}[code]
            digits = src[pos + 2 : pos + 2 + width]
            if len(digits) != width or not _HEX.fullmatch(digits):
                raise self.error(pos, f"escape \\{code} needs {width} hexadecimal digits", pos + 2 + len(digits))
            value = int(digits, 16)
            if 0xD800 <= value <= 0xDFFF or value > 0x10FFFF:
                raise self.error(pos, f"\\{code}{digits} is not a Unicode scalar value", pos + 2 + width)
            if code == "x":
                self._toml11(pos, pos + 4, "\\x escape (TOML 1.1)")
            pieces.append(chr(value))
            return pos + 2 + width
        if code == "e":
            self._toml11(pos, pos + 2, "\\e escape (TOML 1.1)")
            pieces.append("\x1b")
            return pos + 2
        if code in ("", "\n"):
            raise self.error(pos, "a backslash at the end of a line is only allowed in a multi-line string")
        raise self.error(pos, f"invalid escape '\\{code}' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", pos + 2)

    def _multiline_basic(self, pos: int) -> tuple[int, str]:
        src = self.src
        opened = pos
        pos += 3
        if src.startswith("\n", pos):
            pos += 1
        pieces = []
        while True:
            match = _ML_BASIC_RUN.match(src, pos)
            if match:
                pieces.append(match.group())
                pos = match.end()
            char = src[pos : pos + 1]
            if char == '"':
                if src.startswith('"""', pos):
                    extra = 0
                    while extra < 2 and src.startswith('"', pos + 3 + extra):
                        extra += 1
                    pieces.append('"' * extra)
                    return pos + 3 + extra, "".join(pieces)
                pieces.append('"')
                pos += 1
            elif char == "\\":
                after = _WS.match(src, pos + 1).end()
                if src.startswith("\n", after):
                    pos = _ARRAY_GAP.match(src, after).end()
                elif after == len(src) and after > pos + 1:
                    pos = after
                else:
                    pos = self._escape(pos, pieces)
            elif char == "":
                raise self.error(opened, 'unterminated multi-line string: missing closing """', opened + 3)
            else:
                raise self._bad_string_char(pos, opened, '"""')

    def _multiline_literal(self, pos: int) -> tuple[int, str]:
        src = self.src
        opened = pos
        pos += 3
        if src.startswith("\n", pos):
            pos += 1
        pieces = []
        while True:
            match = _ML_LITERAL_RUN.match(src, pos)
            if match:
                pieces.append(match.group())
                pos = match.end()
            char = src[pos : pos + 1]
            if char == "'":
                if src.startswith("'''", pos):
                    extra = 0
                    while extra < 2 and src.startswith("'", pos + 3 + extra):
                        extra += 1
                    pieces.append("'" * extra)
                    return pos + 3 + extra, "".join(pieces)
                pieces.append("'")
                pos += 1
            elif char == "":
                raise self.error(opened, "unterminated multi-line string: missing closing '''", opened + 3)
            else:
                raise self._bad_string_char(pos, opened, "'''")


def read_toml(text: str, path: str | None = None) -> TomlReader:
    """Read `text`; returns the reader (`.root`, `.comments`, `.toml11`) or raises TomlSyntaxError."""
    reader = TomlReader(text, path)
    reader.root = reader.read()  # type: ignore[attr-defined]
    return reader
