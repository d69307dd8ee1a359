"""Coverage-guided fuzzing of the checker with atheris (libFuzzer for Python), on demand.

    pip install atheris
    python fuzz/atheris_check.py                      # runs until a crash or Ctrl-C
    python fuzz/atheris_check.py -max_total_time=300  # any libFuzzer flag works
    python fuzz/atheris_check.py -runs=1 CRASH_FILE   # replay one input

The seeds are the realistic policies under tests/policies/ (copied into a corpus folder,
$TMPDIR/kumocheck-atheris-corpus/ unless a corpus folder is given on the command line,
so nothing is written into the repository).  Each input is
checked in-process with `kumocheck.project.check_sources` (as bytes on disk, so the
UTF-8 decoding path is exercised too) and, for one input in 50, through
`kumocheck.cli.main` with the output captured: any exception, or an exit code other
than 0, 1 or 2, is a crash and libFuzzer writes the input to crash-<hash> under
$TMPDIR/kumocheck-atheris-crashes/ (override with -artifact_prefix=DIR/).

Importing this module is safe without atheris (tests and linters may import it): the
fuzzer only starts under `python fuzz/atheris_check.py`.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "policies"

try:  # atheris is optional: it may not install on every Python
    import atheris
except ImportError:  # pragma: no cover - depends on the environment
    atheris = None

_WORK: Path | None = None
_COUNT = 0


def _setup() -> None:
    global _WORK
    sys.path.insert(0, str(ROOT))
    _WORK = Path(tempfile.mkdtemp(prefix="kumocheck-atheris-"))
    (_WORK / "policy").mkdir()


def check_one(data: bytes) -> None:
    """The fuzz target: raise on any checker misbehaviour."""
    global _COUNT
    from kumocheck import cli
    from kumocheck.config import Settings
    from kumocheck.project import check_sources

    assert _WORK is not None
    path = _WORK / "policy" / "init.lua"
    path.write_bytes(data)
    report = check_sources([path], Settings())
    for d in report.diagnostics:
        if d.span.line < 1 or d.span.column < 1:
            raise AssertionError(f"diagnostic with a bad position: {d}")
    _COUNT += 1
    if _COUNT % 50 == 0:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["check", "--isolated", "--no-cache", "-j", "1", "--output-format", "json", str(path)])
        if code not in (0, 1, 2) or "internal error" in err.getvalue():
            raise AssertionError(f"exit {code}: {err.getvalue()[-1000:]}")


def _corpus_dir(argv: list[str]) -> list[str]:
    """Append a seeded corpus folder unless one (a non-flag argument) was given."""
    if any(not a.startswith("-") for a in argv[1:]):
        return argv
    corpus = Path(tempfile.gettempdir()) / "kumocheck-atheris-corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.rglob("*.lua"):
        target = corpus / ("seed-" + "-".join(seed.relative_to(SEEDS).parts))
        if not target.exists():
            shutil.copyfile(seed, target)
    return [*argv, str(corpus)]


def main() -> None:
    if atheris is None:
        sys.exit("atheris is not installed: pip install atheris (needs a CPython it has wheels for, or clang to build)")
    _setup()
    argv = _corpus_dir(sys.argv)
    if not any(a.startswith("-max_len") for a in argv):
        argv.append("-max_len=65536")
    if not any(a.startswith("-artifact_prefix") for a in argv):
        crashes = Path(tempfile.gettempdir()) / "kumocheck-atheris-crashes"
        crashes.mkdir(exist_ok=True)
        argv.append(f"-artifact_prefix={crashes}/")
    with atheris.instrument_imports(include=["kumocheck", "luaparser"]):
        import kumocheck.cli  # noqa: F401
        import kumocheck.project  # noqa: F401
    os.environ.setdefault("KUMOCHECK_CACHE_DIR", str(_WORK / "cache"))
    atheris.Setup(argv, check_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
