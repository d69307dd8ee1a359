"""`Problem`, what the schema validator yields, and the helpers its parts phrase them with.

Shared by `kumocheck.schema.validate` and its mixins (`scalars`, `structs`, `data_values`);
everything here is also importable from `kumocheck.schema.validate`.
"""

from __future__ import annotations

import difflib
from typing import Any

import attrs

from kumocheck.diagnostics import SAFE, UNSAFE
from kumocheck.schema.values import Const, Value

Path = tuple[str | int, ...]


@attrs.frozen
class Problem:
    """One reason kumod would refuse (or silently ignore) part of a config."""

    rule: str
    message: str
    origin: Any
    path: Path
    help: str | None = None
    severity: str | None = None  # None: the rule's own severity
    replacement: str | None = None  # text that fixes the span at `origin`
    fix_applicability: str = UNSAFE  # of `replacement`: safe / unsafe / display-only

    @property
    def is_error(self) -> bool:
        return self.severity in (None, "error")


def nearest(word: str, candidates: list[str] | tuple[str, ...]) -> str | None:
    """The closest candidate to a misspelling, or None."""
    for candidate in candidates:
        if candidate.lower() == word.lower():
            return candidate
    squashed = word.replace("_", "").replace("-", "").lower()
    for candidate in candidates:
        if candidate.replace("_", "").lower() == squashed:
            return candidate
    found = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.7)
    if found:
        return found[0]
    if len(squashed) >= 6:
        for candidate in candidates:
            if squashed in candidate.replace("_", "").lower():
                return candidate
    return None


def clear_nearest(word: str, candidates: list[str] | tuple[str, ...]) -> bool:
    """True when `nearest(word, candidates)` is the one clear candidate (safe to apply).

    A match ignoring case, `_` and `-` is clear; a fuzzy match is clear when no other
    candidate comes close, or when it is a near miss well ahead of the runner-up; a
    substring match never is."""
    guess = nearest(word, candidates)
    if guess is None:
        return False
    squashed = word.replace("_", "").replace("-", "").lower()
    if guess.lower() == word.lower() or guess.replace("_", "").lower() == squashed:
        return True
    close = difflib.get_close_matches(word, list(candidates), n=2, cutoff=0.7)
    if close[:1] != [guess]:
        return False
    if len(close) == 1:
        return True
    best, second = (difflib.SequenceMatcher(None, word, c).ratio() for c in close)
    return best >= 0.9 and best - second >= 0.1  # one near miss, far ahead of the runner-up


def fix_level(word: str, candidates: list[str] | tuple[str, ...]) -> str:
    """The applicability of replacing `word` with its nearest candidate."""
    return SAFE if clear_nearest(word, candidates) else UNSAFE


def path_text(path: Path) -> str:
    """`protocol.smtp.mx_list[2]` from a key path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "make_queue_config"


def is_nil(value: Value) -> bool:
    """`nil`: the key is absent."""
    return isinstance(value, Const) and value.value is None


def value_origin(value: Value) -> Any:
    """The source position of a value, when it has one."""
    return getattr(value, "origin", None)
