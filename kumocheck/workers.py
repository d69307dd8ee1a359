"""Running independent pieces of a check in worker processes.

On Linux, while the process has a single thread, workers are forked: they start in a few
milliseconds with every module (and the loaded schema) already in memory, so even a
corpus of a few hundred kilobytes gains from a second core. Elsewhere, or once a thread
runs (forking a multi-threaded process is unsafe), a pool of spawned processes does the
work; each of those starts a fresh interpreter and imports kumocheck (~0.2 s), which only
pays off for large inputs. A forked worker that dies or fails gives its piece back to the
caller, which runs it itself: a worker never loses or alters a result.
"""

from __future__ import annotations

import gc
import os
import pickle
import sys
import threading
from typing import Any, Callable, Sequence, TypeVar

R = TypeVar("R")


def can_fork() -> bool:
    """True when forking is both available and safe right now."""
    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


def run_pieces(func: Callable[..., R], pieces: Sequence[tuple[Any, ...]]) -> list[R]:
    """`[func(*piece) for piece in pieces]`, the pieces run in parallel, results in order."""
    if len(pieces) < 2:
        return [func(*piece) for piece in pieces]
    if can_fork():
        return _run_forked(func, pieces)
    return _run_spawned(func, pieces)


def _run_forked(func: Callable[..., R], pieces: Sequence[tuple[Any, ...]]) -> list[R]:
    gc.freeze()  # the workers' collections then skip (and do not copy) the inherited heap
    try:
        children = [_fork(func, piece) for piece in pieces[1:]]
    finally:
        gc.unfreeze()
    results: list[R] = [func(*pieces[0])]  # the first piece in this process meanwhile
    for piece, (pid, read_fd) in zip(pieces[1:], children):
        with os.fdopen(read_fd, "rb") as incoming:
            data = incoming.read()
        os.waitpid(pid, 0)
        try:
            ok, value = pickle.loads(data)
        except Exception:  # the worker died before it sent a whole answer
            ok, value = False, None
        results.append(value if ok else func(*piece))
    return results


def _fork(func: Callable[..., R], piece: tuple[Any, ...]) -> tuple[int, int]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_fd)
        return pid, read_fd
    code = 0  # the worker: compute, send, and leave without the interpreter's teardown
    try:
        os.close(read_fd)
        try:
            payload = pickle.dumps((True, func(*piece)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the caller reruns this piece and meets the error itself
            payload, code = pickle.dumps((False, None)), 1
        with os.fdopen(write_fd, "wb") as outgoing:
            outgoing.write(payload)
    finally:
        os._exit(code)


def _run_spawned(func: Callable[..., R], pieces: Sequence[tuple[Any, ...]]) -> list[R]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(pieces), mp_context=context) as pool:
        return list(pool.map(func, *zip(*pieces)))
