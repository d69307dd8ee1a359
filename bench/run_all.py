"""All the benchmarks in one sitting on one machine; rewrites docs/performance.md whole.

    python3 bench/run_all.py /tmp/kumo                 # the real run (~15 min, a quiet machine)
    python3 bench/run_all.py /tmp/kumo --quick         # small sizes, one run each: trying it

In order: an empty policy (the fixed start-up cost), one table literal of each `--sizes`
entries and a generated tree of each `--files` files (bench_scaling's inputs; kumocheck
cold, warm and luacheck), each FOLDER as a corpus (e.g. KumoMTA's 101 policy files), the
language server's change -> diagnostics latency (bench_check.lsp_latency), the data-file
readers (bench_data) and compiled `resolve` against lupa (bench_resolve.py --json, in its
own process). The fits, the targets table and the document come from bench/perf_report.py.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import importlib.metadata
import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
import bench_data  # noqa: E402
import perf_report  # noqa: E402
from bench_check import DOC, ENV, PY, ensure_tool, lsp_latency, machine, thousand_line_policy  # noqa: E402
from bench_scaling import GNU_TIME, KUMOCHECK, LUACHECK, compare, run_once  # noqa: E402
from gen_policies import domain_map_policy, generate_tree  # noqa: E402

try:  # the server's debounce, reported with its latency (the server is an optional part)
    from kumocheck.server.lsp import CHANGE_DELAY
except ImportError:
    CHANGE_DELAY = 0.0

QUICK = {"sizes": "500,2000", "files": "20,80", "runs": 1, "data_sizes": "200,800", "seconds": 0.2}
FULL = {"sizes": "5000,20000,80000", "files": "250,1000", "runs": 3, "data_sizes": "1000,5000,20000", "seconds": 2.0}


def commands(path: Path, cache: Path, luacheck: bool) -> dict[str, list[str]]:
    """kumocheck cold and warm (and luacheck) on one input."""
    out = {
        perf_report.COLD: [*KUMOCHECK, "--no-cache", str(path)],
        perf_report.WARM: [*KUMOCHECK, "--cache-dir", str(cache), str(path)],
    }
    if luacheck:
        out[perf_report.LUACHECK] = [*LUACHECK, str(path)]
    return out


def measure(path: Path, work: Path, runs: int, luacheck: bool) -> dict[str, list]:
    """Median [seconds, KiB, CPU seconds] per tool; the warm cache is filled first."""
    cache = work / f"cache-{path.parent.name}-{path.name}"
    run_once([*KUMOCHECK, "--cache-dir", str(cache), str(path)], work)
    found = compare(commands(path, cache, luacheck), work, runs)
    print(f"  {path}: " + ", ".join(f"{n} {s:.3f} s {m / 1024:.0f} MiB" for n, (s, m, _) in found.items()), flush=True)
    return {name: list(m) for name, m in found.items()}


def single_file(work: Path, name: str, text: str) -> Path:
    folder = work / name
    folder.mkdir()
    (folder / "init.lua").write_text(text, encoding="utf-8")
    return folder / "init.lua"


def checker(args, work: Path, luacheck: bool) -> dict:
    """Baseline, the two growth series and the corpora."""
    print("== empty policy (fixed cost)", flush=True)
    empty = single_file(work, "empty", "")
    runs = max(5, 2 * args.runs)  # cheap, and every fit above fixed cost leans on it
    baseline = {k: v for k, v in measure(empty, work, runs, luacheck).items() if k != perf_report.WARM}
    tables = {"label": "One table literal (entries)", "unit": "entries", "rows": []}
    print("== one table literal", flush=True)
    for size in [int(s) for s in args.sizes.split(",")]:
        path = single_file(work, f"table-{size}", domain_map_policy(size))
        tables["rows"].append({"size": size, **measure(path, work, args.runs, luacheck)})
    trees = {"label": "Tree of files (files, ~100 lines each)", "unit": "files", "rows": []}
    print("== generated trees", flush=True)
    for count in [int(s) for s in args.files.split(",")]:
        folder = work / f"tree-{count}"
        generate_tree(folder, files=count, lines=count * 100)
        trees["rows"].append({"size": count, **measure(folder, work, args.runs, luacheck)})
    corpora = []
    for folder in args.folders:
        print(f"== corpus {folder}", flush=True)
        files = [p for p in folder.rglob("*.lua") if p.is_file()]
        lines = sum(p.read_bytes().count(b"\n") for p in files)
        corpora.append({"name": folder.name, "files": len(files), "lines": lines,
                        "found": measure(folder.resolve(), work, args.runs, luacheck)})
    return {"baseline": baseline, "series": [tables, trees], "corpora": corpora}


def language_server(work: Path) -> tuple[dict | None, str]:
    print("== language server", flush=True)
    try:
        found = lsp_latency(thousand_line_policy(), 10, work)
    except Exception as exc:  # report it in the document, do not lose the other figures
        return None, f"the client failed: {exc!r}"
    found["debounce"] = CHANGE_DELAY
    return found, ""


def resolve(seconds: float) -> tuple[dict | None, str]:
    print("== resolve vs lupa", flush=True)
    done = subprocess.run([PY, str(ROOT / "bench" / "bench_resolve.py"), "--json", "--seconds", str(seconds)],
                          capture_output=True, text=True, env=ENV, cwd=ROOT, check=False)
    if done.returncode != 0:
        return None, (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    return json.loads(done.stdout.strip().splitlines()[-1]), ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="policy corpora, e.g. /tmp/kumo (KumoMTA's *.lua files)")
    parser.add_argument("--quick", action="store_true", help=f"small sizes, one run each ({QUICK})")
    parser.add_argument("--sizes", help=f"entries of the one table (default {FULL['sizes']})")
    parser.add_argument("--files", help=f"files of the generated trees (default {FULL['files']})")
    parser.add_argument("--runs", type=int, help=f"counted runs per command (default {FULL['runs']})")
    parser.add_argument("--data-sizes", help=f"domains of the data files (default {FULL['data_sizes']})")
    parser.add_argument("--seconds", type=float, help=f"seconds per resolve measurement (default {FULL['seconds']})")
    parser.add_argument("--no-lsp", action="store_true", help="skip the language server's latency")
    parser.add_argument("--no-docs", action="store_true", help="print only; leave docs/performance.md alone")
    parser.add_argument("--results", type=Path, help="also write the raw results here (JSON)")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get")
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(raw)
    for key, value in (QUICK if args.quick else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    for folder in args.folders:
        if not folder.is_dir():
            parser.error(f"{folder}: not a folder")
    luacheck = (shutil.which("luacheck") if args.no_install else ensure_tool("luacheck", "lua-check", [False])) is not None
    start = machine()
    meta = {
        "date": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": start["nproc"], "cpu": start["cpu"], "python": start["python"], "load_start": start["load"],
        "luacheck": _first_line(["luacheck", "--version"]) if luacheck else "luacheck not available",
        "lupa": _lupa(), "command": "python3 bench/run_all.py " + shlex.join(raw), "quick": args.quick,
        "rss": "GNU time's `%M`" if GNU_TIME else "`ru_maxrss` from `os.wait4`, which reads no lower than the benchmark's own process",
    }
    print(f"machine: {meta}", flush=True)
    results: dict = {"meta": meta}
    with tempfile.TemporaryDirectory(prefix="kumocheck-bench-") as temp:
        work = Path(temp)
        results.update(checker(args, work, luacheck))
        if not args.no_lsp:
            results["lsp"], results["lsp_note"] = language_server(work)
        else:
            results["lsp"], results["lsp_note"] = None, "--no-lsp"
    print("== data files", flush=True)
    results["data"] = bench_data.measure([int(s) for s in args.data_sizes.split(",")], args.runs)
    results["resolve"], results["resolve_note"] = resolve(args.seconds)
    if results["resolve"]:
        meta["lupa"] = results["resolve"].get("lupa", meta["lupa"])
    meta["end"] = _dt.datetime.now(_dt.timezone.utc).strftime("%H:%M UTC")
    meta["load_end"] = machine()["load"]
    text = perf_report.render_document(results, bench_data.render(results["data"]))
    print("\n" + text)
    if args.results:
        args.results.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if not args.no_docs:
        perf_report.write_document(DOC, text)
        print(f"written to {DOC.relative_to(ROOT)}")
    return 0


def _first_line(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    return (done.stdout.strip().splitlines() or [command[0]])[0]


def _lupa() -> str:
    try:
        return importlib.metadata.version("lupa")
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    raise SystemExit(main())
