"""Worker processes: results in order, and a worker that dies never loses or alters one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kumocheck import workers

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers are Linux-only")

ROOT = Path(__file__).resolve().parents[1]


def _run(code: str) -> str:
    """Run `code` in a fresh single-threaded interpreter (pytest's own may have threads)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_forked_pieces_return_in_order_from_other_processes():
    out = _run(
        """
        import os
        from kumocheck import workers
        assert workers.can_fork()
        parent = os.getpid()
        results = workers.run_pieces(lambda a, b: (a * b, os.getpid() != parent), [(1, 2), (3, 4), (5, 6)])
        print(results)
        """
    )
    assert out == "[(2, False), (12, True), (30, True)]"


def test_a_worker_that_dies_or_fails_has_its_piece_rerun_by_the_caller():
    out = _run(
        """
        import os
        from kumocheck import workers
        parent = os.getpid()
        def piece(n):
            if os.getpid() != parent and n == 2:
                os._exit(9)              # killed mid-way: no answer at all
            if os.getpid() != parent and n == 3:
                raise RuntimeError("x")  # fails in the worker only
            return n * 10
        print(workers.run_pieces(piece, [(1,), (2,), (3,), (4,)]))
        """
    )
    assert out == "[10, 20, 30, 40]"


def test_forked_and_serial_checks_report_the_same(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from gen_policies import generate_tree
    finally:
        sys.path.pop(0)
    generate_tree(tmp_path / "tree", files=40, lines=6_000)
    script = """
        import sys
        from pathlib import Path
        from kumocheck.config import Settings
        from kumocheck.project import check_sources
        report = check_sources([Path(sys.argv[1])], Settings(), jobs=int(sys.argv[2]))
        print(len(report.diagnostics), report.files_checked, sorted(d.sort_key for d in report.diagnostics) == [d.sort_key for d in report.diagnostics])
        for d in report.diagnostics:
            print(d.path, d.span.line, d.span.column, d.rule, d.message)
        """
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outs = [
        subprocess.run([sys.executable, "-c", textwrap.dedent(script), str(tmp_path / "tree"), jobs], capture_output=True, text=True, env=env, timeout=300).stdout
        for jobs in ("1", "2")
    ]
    assert outs[0] == outs[1]
    count, files, ordered = outs[0].splitlines()[0].split()
    assert int(count) > 0 and int(files) == 40 and ordered == "True"


def test_can_fork_is_false_once_a_thread_runs():
    import threading

    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not workers.can_fork()
    finally:
        stop.set()
        thread.join()
