"""Error type raised by the kumocheck Lua run-time library."""

from __future__ import annotations

from typing import Any


class LuaError(Exception):
    """A Lua error; ``value`` is the Lua error value (``bytes`` for messages)."""

    def __init__(self, value: Any = None) -> None:
        if isinstance(value, str):
            value = value.encode("utf-8", "surrogateescape")
        self.value = value
        super().__init__(value)

    def __str__(self) -> str:
        value = self.value
        if isinstance(value, bytes):
            return value.decode("utf-8", "replace")
        return repr(value)
