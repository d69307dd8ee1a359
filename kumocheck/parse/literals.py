"""Lua 5.4 literal values from their source text.

luaparser reads numerals with Python's rules (`007` becomes a float, hex floats fail) and
mangles some string escapes (decimal escapes above 127, backslash-newline, the newline
opening a long string). The front end decodes every literal here instead, so the checker
and the compiler see exactly the values Lua would.
"""

from __future__ import annotations

import re


class LiteralError(ValueError):
    """A literal Lua's lexer rejects (bad escape sequence)."""


def number_value(text: str) -> int | float:
    """The value of a numeral as Lua 5.4 reads it (decimal overflow -> float, hex wraps)."""
    lower = text.lower()
    if lower.startswith("0x"):
        if "." in lower or "p" in lower:
            return float.fromhex(text)
        value = int(lower, 16) & (2**64 - 1)
        return value - 2**64 if value >= 2**63 else value
    if any(c in lower for c in ".en") or lower in ("inf", "nan"):
        return float(text)
    value = int(text)
    if value >= 2**63:
        return float(text)
    return value


_SIMPLE_ESCAPES = {"a": b"\a", "b": b"\b", "f": b"\f", "n": b"\n", "r": b"\r", "t": b"\t", "v": b"\v",
                   "\\": b"\\", '"': b'"', "'": b"'"}


def _utf8_extended(code: int) -> bytes:
    """Lua's luaO_utf8esc: UTF-8 extended to 31 bits (up to 6 bytes)."""
    if code < 0x80:
        return bytes([code])
    out = []
    limit = 0x3F
    while code > limit:
        out.append(0x80 | (code & 0x3F))
        code >>= 6
        limit >>= 1
    out.append(((~limit << 1) & 0xFF) | code)
    return bytes(reversed(out))


def decode_string_token(text: str) -> bytes:
    """The value of a Lua string literal from its source text (luaparser mangles some escapes)."""
    if text.startswith("["):
        level = text.index("[", 1) - 1
        body = text[level + 2 : len(text) - level - 2]
        data = re.sub(r"\r\n|\n\r|\r", "\n", body).encode("utf-8", "surrogateescape")
        return data[1:] if data.startswith(b"\n") else data
    body = text[1:-1]
    out = bytearray()
    i = 0
    n = len(body)
    while i < n:
        ch = body[i]
        if ch != "\\":
            j = body.find("\\", i)
            if j < 0:
                j = n
            out += body[i:j].encode("utf-8", "surrogateescape")
            i = j
            continue
        i += 1
        ch = body[i]
        if ch in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[ch]
            i += 1
        elif ch in "\r\n":
            out += b"\n"
            i += 1
            if i < n and body[i] in "\r\n" and body[i] != ch:
                i += 1
        elif ch == "x":
            out.append(int(body[i + 1 : i + 3], 16))
            i += 3
        elif ch == "z":
            i += 1
            while i < n and body[i] in " \t\n\r\f\v":
                i += 1
        elif ch == "u":
            close = body.index("}", i)
            out += _utf8_extended(int(body[i + 2 : close], 16))
            i = close + 1
        elif ch.isdigit():
            j = i
            while j < n and j < i + 3 and body[j].isdigit():
                j += 1
            value = int(body[i:j])
            if value > 255:
                raise LiteralError("decimal escape too large")
            out.append(value)
            i = j
        else:
            raise LiteralError(f"invalid escape sequence '\\{ch}'")
    return bytes(out)
