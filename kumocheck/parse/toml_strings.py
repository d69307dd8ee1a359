"""TOML strings: basic, literal and multi-line, with escapes (TOML 1.1's `\\e` and `\\xHH` too).

A mixin of `kumocheck.parse.toml.TomlReader`: it reads `self.src` and reports through
`self.error`, `self._toml11` and `self._unexpected`.
"""

from __future__ import annotations

import re

_PLAIN_BASIC = re.compile(r'"([^"\\\x00-\x08\x0a-\x1f\x7f]*)"')
_PLAIN_LITERAL = re.compile(r"'([^'\x00-\x08\x0a-\x1f\x7f]*)'")
_BASIC_RUN = re.compile(r'[^"\\\x00-\x08\x0a-\x1f\x7f]+')
_ML_BASIC_RUN = re.compile(r'[^"\\\x00-\x08\x0b-\x1f\x7f]+')
_ML_LITERAL_RUN = re.compile(r"[^'\x00-\x08\x0b-\x1f\x7f]+")
_HEX = re.compile(r"[0-9A-Fa-f]+")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}
_WS = re.compile(r"[ \t]*")
_BLANKS_AND_NEWLINES = re.compile(r"[ \t\n]*")


def describe_char(char: str) -> str:
    """How a message names a character: quoted, or as the control character it is."""
    if char == "":
        return "the end of the file"
    if char == "\n":
        return "the end of the line"
    if ord(char) < 32 or ord(char) == 127:
        return f"the control character U+{ord(char):04X}"
    return repr(char)


class TomlStrings:
    """String reading for the TOML reader."""

    src: str

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
        return self.error(pos, f"{describe_char(char)} is not allowed in a string (write it as an escape)")

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
        return self._multiline(pos, '"', _ML_BASIC_RUN)

    def _multiline_literal(self, pos: int) -> tuple[int, str]:
        return self._multiline(pos, "'", _ML_LITERAL_RUN)

    def _multiline(self, pos: int, quote: str, plain_run: re.Pattern) -> tuple[int, str]:
        """A multi-line string opened at `pos` by three `quote`s; escapes only in basic strings."""
        src = self.src
        opened, closer = pos, quote * 3
        pos += 3
        if src.startswith("\n", pos):
            pos += 1
        pieces = []
        while True:
            match = plain_run.match(src, pos)
            if match:
                pieces.append(match.group())
                pos = match.end()
            char = src[pos : pos + 1]
            if char == quote:
                if src.startswith(closer, pos):
                    extra = 0  # up to two quotes right before the closing ones belong to the text
                    while extra < 2 and src.startswith(quote, pos + 3 + extra):
                        extra += 1
                    pieces.append(quote * extra)
                    return pos + 3 + extra, "".join(pieces)
                pieces.append(quote)
                pos += 1
            elif char == "\\":  # only reached in basic strings: literal runs include backslashes
                after = _WS.match(src, pos + 1).end()
                if src.startswith("\n", after):
                    pos = _BLANKS_AND_NEWLINES.match(src, after).end()
                elif after == len(src) and after > pos + 1:
                    pos = after
                else:
                    pos = self._escape(pos, pieces)
            elif char == "":
                raise self.error(opened, f"unterminated multi-line string: missing closing {closer}", opened + 3)
            else:
                raise self._bad_string_char(pos, opened, closer)
