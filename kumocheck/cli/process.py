"""Running kumocheck as a whole process: the console script and `python -m kumocheck`.

At interpreter shutdown CPython clears every module and runs the garbage collector over
all objects a check built (tokens, syntax trees, values): on KumoMTA's 101 policy files
that teardown cost about as much CPU time as the check itself. A command-line run has
nothing left to release once `main` returns (output written, cache entries renamed into
place, worker processes joined), so `run` flushes the standard streams and ends the
process at once with `main`'s exit code.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn, Sequence

from kumocheck.cli import main


def run(argv: Sequence[str] | None = None) -> NoReturn:
    """`main(argv)`, then exit the process without the interpreter's teardown."""
    code = main(argv)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # the reader went away, or the stream is closed
            pass
    os._exit(code)
