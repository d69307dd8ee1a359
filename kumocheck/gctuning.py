"""Garbage-collector settings for checking runs.

A check allocates many small, long-lived objects (tokens, AST nodes, spans, values) and
frees few of them until it ends; CPython's default thresholds then spend up to half of a
large file's check in collections that find nothing to free. `bulk_allocation` raises
the thresholds for the duration of a check and restores them after; reference cycles are
still collected, only less often.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

#: Young-generation threshold while checking (CPython's default is 700).
BULK_THRESHOLD = 50_000


@contextmanager
def bulk_allocation() -> Iterator[None]:
    """Run the body with collections rare enough not to dominate allocation-heavy work."""
    previous = gc.get_threshold()
    gc.set_threshold(max(previous[0], BULK_THRESHOLD), max(previous[1], 20), max(previous[2], 20))
    try:
        yield
    finally:
        gc.set_threshold(*previous)
