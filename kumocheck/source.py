"""Reading policy files and locating AST nodes in them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import attrs

#: Larger files are refused with a diagnostic instead of being parsed.
MAX_SOURCE_BYTES = 8 * 1024 * 1024
_LINE_BREAK = re.compile(r"\r\n|\n\r|\r|\n")


class SourceError(Exception):
    """A path that cannot be read at all (exit code 2)."""


@attrs.frozen
class Span:
    """A 1-based region; `end_column` is exclusive. Columns count characters."""

    line: int
    column: int
    end_line: int
    end_column: int
    file: str | None = None  # set where a value may come from another file than its use

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)

    def in_file(self, file: str) -> Span:
        return Span(self.line, self.column, self.end_line, self.end_column, file)  # not attrs.evolve: a hot path


@attrs.frozen
class SourceFile:
    """A policy file's text and where it came from."""

    path: str  # as shown to the user
    text: str
    encoding_problem: str | None = None  # set when the bytes were not UTF-8
    encoding_line: int = 1
    too_large: bool = False

    @property
    def lines(self) -> list[str]:
        """The lines as Lua counts them (\\n, \\r, \\r\\n, \\n\\r), not as `str.splitlines`,
        which also breaks at form feeds, \\x1c-\\x1e, \\x85 and U+2028/9 (a form feed in a
        comment would move every later suppression comment to the wrong line)."""
        lines = _LINE_BREAK.split(self.text)
        if lines[-1] == "":
            lines.pop()  # like splitlines: no empty line after a final line break
        return lines


def decode_source(path: str, data: bytes) -> SourceFile:
    """Decode bytes as UTF-8; other bytes are kept (as Latin-1) and flagged."""
    if len(data) > MAX_SOURCE_BYTES:
        return SourceFile(path, "", too_large=True)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return SourceFile(path, data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problem = f"byte 0x{data[exc.start]:02x} on line {line} is not UTF-8"
        return SourceFile(path, data.decode("latin-1"), encoding_problem=problem, encoding_line=line)


def read_source(path: str | os.PathLike) -> SourceFile:
    """Read a file from disk; raise SourceError with a readable reason."""
    shown = str(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except IsADirectoryError:
        raise SourceError(f"{shown}: is a directory") from None
    except FileNotFoundError:
        raise SourceError(f"{shown}: no such file") from None
    except PermissionError:
        raise SourceError(f"{shown}: permission denied") from None
    except OSError as exc:
        raise SourceError(f"{shown}: {exc.strerror or exc}") from None
    return decode_source(shown, data)


def span_of(node: Any, fallback: Span | None = None, file: str | None = None) -> Span | None:
    """The span of a luaparser node, from its first and last tokens (in `file` when given)."""
    first = getattr(node, "_first_token", None)
    last = getattr(node, "_last_token", None) or first
    if first is None:
        return fallback
    text = last.text or ""
    newlines = text.count("\n")
    if newlines:
        end_line = last.line + newlines
        end_column = len(text) - text.rindex("\n")
    else:
        end_line = last.line
        end_column = last.column + 1 + max(len(text), 1)
    return Span(first.line, first.column + 1, end_line, end_column, file)


def token_span(token: Any) -> Span:
    """The span of a single ANTLR token."""
    text = token.text or ""
    return Span(token.line, token.column + 1, token.line, token.column + 1 + max(len(text), 1))


def display_path(path: Path, root: Path | None = None) -> str:
    """A path relative to `root` (or the working directory) when it lies below it."""
    base = root or Path.cwd()
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
