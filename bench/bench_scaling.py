"""Scaling benchmark: how kumocheck's time and memory grow with its input, against luacheck.

    python3 bench/bench_scaling.py [FOLDER ...] [--sizes 5000,20000,80000] [--files 250,1000] [--runs 3]
    python3 bench/bench_scaling.py /tmp/kumo          # what docs/performance.md shows

Inputs, all generated deterministically by bench/gen_policies.py (and any FOLDER given,
e.g. KumoMTA's own policy files, checked as a corpus):

* one policy whose `get_queue_config` looks the domain up in a single table literal of
  N entries (`domain_map_policy`), for each N of `--sizes`;
* a tree of N files (`generate_tree`, ~100 lines a file), for each N of `--files`;
* each FOLDER: kumocheck cold (`--no-cache`), warm (`--cache-dir` filled beforehand) and
  luacheck, with kumocheck's default `-j` (one worker per core).

Every command is a new process, run `--runs` times with kumocheck and luacheck
alternating (A B A B ...), after one warm-up run of each; the median wall-clock time and
the median peak resident memory (the process's own, from GNU time when installed, else
`ru_maxrss` from `os.wait4`) are kept.
The growth exponent of a series is the least-squares slope of log(cost) over log(size):
1 is linear, 2 quadratic. It prints its tables; bench/run_all.py runs these inputs with
the other benchmarks in one sitting and writes docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from bench_check import ENV, PY, ensure_tool, machine  # noqa: E402
from gen_policies import domain_map_policy, generate_tree  # noqa: E402

SECTION = "## Checker: scaling"
KUMOCHECK = [PY, "-m", "kumocheck", "check", "--isolated", "--output-format", "concise"]
LUACHECK = ["luacheck", "--no-config", "--codes", "-q"]


#: GNU time reports its child's own peak RSS. The `ru_maxrss` that `os.wait4` returns for a
#: child of this process never reads below this process's resident set when it forked
#: (Linux keeps the high-water mark across fork and exec), which hid small peaks.
GNU_TIME = "/usr/bin/time" if Path("/usr/bin/time").is_file() else None


def run_once(command: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall-clock seconds, peak RSS (KiB) and CPU seconds (user + system, with the
    workers it waited for) of one run of `command`."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss", dir=cwd) as peak:
        wrapped = [GNU_TIME, "-f", "%M", "-o", peak.name, *command] if GNU_TIME else command
        start = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        lines = Path(peak.name).read_text().split() if GNU_TIME else []
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)}: exit code {process.returncode}")
    rss = int(lines[-1]) if lines and lines[-1].isdigit() else usage.ru_maxrss
    return elapsed, rss, usage.ru_utime + usage.ru_stime


def compare(commands: dict[str, list[str]], cwd: Path, runs: int) -> dict[str, tuple[float, int, float]]:
    """Median (seconds, KiB, CPU seconds) per command, the commands alternating run by run."""
    for command in commands.values():
        run_once(command, cwd)  # warm-up: page cache, bytecode
    samples: dict[str, list[tuple[float, int, float]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(run_once(command, cwd))
    return {
        name: (
            statistics.median(s for s, _, _ in found),
            int(statistics.median(m for _, m, _ in found)),
            statistics.median(c for _, _, c in found),
        )
        for name, found in samples.items()
    }


def exponent(sizes: list[int], costs: list[float]) -> float:
    """Least-squares slope of log(cost) against log(size)."""
    xs, ys = [math.log(s) for s in sizes], [math.log(c) for c in costs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def series(label: str, inputs: list[tuple[int, Path]], cwd: Path, runs: int, luacheck: bool) -> dict:
    rows = []
    for size, path in inputs:
        commands = {"kumocheck": [*KUMOCHECK, "--no-cache", str(path)]}
        if luacheck:
            commands["luacheck"] = [*LUACHECK, str(path)]
        found = compare(commands, cwd, runs)
        rows.append((size, found))
        print(f"{label} {size}: " + ", ".join(f"{n} {s:.3f} s {m / 1024:.0f} MiB cpu {c:.3f} s" for n, (s, m, c) in found.items()), flush=True)
    fits = {}
    for name in rows[0][1]:
        sizes = [size for size, _ in rows]
        fits[name] = (exponent(sizes, [f[name][0] for _, f in rows]), exponent(sizes, [f[name][1] for _, f in rows]))
    return {"label": label, "rows": rows, "fits": fits}


def corpus(path: Path, cwd: Path, runs: int, luacheck: bool) -> dict:
    cache = cwd / "warm-cache"
    run_once([*KUMOCHECK, "--cache-dir", str(cache), str(path)], cwd)  # fill the cache
    commands = {
        "kumocheck cold": [*KUMOCHECK, "--no-cache", str(path)],
        "kumocheck warm": [*KUMOCHECK, "--cache-dir", str(cache), str(path)],
    }
    if luacheck:
        commands["luacheck"] = [*LUACHECK, str(path)]
    found = compare(commands, cwd, runs)
    files = [p for p in path.rglob("*.lua") if p.is_file()]
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"corpus {path}: " + ", ".join(f"{n} {s:.3f} s cpu {c:.3f} s" for n, (s, _, c) in found.items()), flush=True)
    return {"path": path, "files": len(files), "lines": lines, "found": found}


def render(results: list[dict], corpora: list[dict], meta: dict, command: str) -> str:
    out = [
        SECTION,
        "",
        f"Measured {meta['date']} on {meta['nproc']} cores ({meta['cpu']}), Python {meta['python']}, "
        f"load average at start {meta['load']}; {meta['luacheck']}.",
        "",
        "Command:",
        "",
        f"    {command}",
        "",
        "Each figure is the median of the runs of a whole command (a new process each run, kumocheck and "
        "luacheck alternating); memory is the peak resident set of the process; CPU is user + system "
        "seconds (including the worker processes kumocheck forks and waits for), the figure a busy "
        "shared machine disturbs least. kumocheck runs "
        "`check --isolated --no-cache --output-format concise` (cold), luacheck `--no-config --codes -q`. "
        "The growth exponent is the least-squares slope of log(cost) over log(size): 1 is linear.",
        "",
    ]
    for result in results:
        names = list(result["rows"][0][1])
        out.append(f"### {result['label']}")
        out.append("")
        head = "| size |" + "".join(f" {n} s | {n} MiB |" for n in names)
        if "luacheck" in names:
            head += " time ratio | CPU ratio |"
        out.append(head)
        out.append("|---:|" + "---:|---:|" * len(names) + ("---:|---:|" if "luacheck" in names else ""))
        for size, found in result["rows"]:
            row = f"| {size:,} |" + "".join(f" {found[n][0]:.2f} | {found[n][1] / 1024:.0f} |" for n in names)
            if "luacheck" in names:
                row += f" {found['kumocheck'][0] / found['luacheck'][0]:.2f}x | {found['kumocheck'][2] / found['luacheck'][2]:.2f}x |"
            out.append(row)
        fit = "; ".join(f"{n}: time {t:.2f}, memory {m:.2f}" for n, (t, m) in result["fits"].items())
        out += ["", f"Growth exponent: {fit}.", ""]
    if corpora:
        out += ["### Corpora (default `-j`, one worker per core)", ""]
        out.append("| corpus | files | lines | luacheck s | cold s | cold ratio | warm s | warm ratio | CPU s: luacheck / cold / warm | CPU ratio cold / warm |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for c in corpora:
            found = c["found"]
            lua, _, lua_cpu = found.get("luacheck", (float("nan"), 0, float("nan")))
            (cold, _, cold_cpu), (warm, _, warm_cpu) = found["kumocheck cold"], found["kumocheck warm"]
            out.append(
                f"| {c['path'].name} | {c['files']} | {c['lines']} | {lua:.3f} | {cold:.3f} | {cold / lua:.2f}x | "
                f"{warm:.3f} | {warm / lua:.2f}x | {lua_cpu:.3f} / {cold_cpu:.3f} / {warm_cpu:.3f} | "
                f"{cold_cpu / lua_cpu:.2f}x / {warm_cpu / lua_cpu:.2f}x |"
            )
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="policy corpora, e.g. KumoMTA's *.lua files")
    parser.add_argument("--sizes", default="5000,20000,80000", help="entries of the one table (default 5000,20000,80000)")
    parser.add_argument("--files", default="250,1000", help="files of the generated tree (default 250,1000)")
    parser.add_argument("--runs", type=int, default=3, help="counted runs per command (default 3)")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get")
    args = parser.parse_args(argv)
    luacheck = shutil_which_luacheck(args.no_install)
    meta = machine()
    meta["date"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta["luacheck"] = _luacheck_version() if luacheck else "luacheck not available"
    with tempfile.TemporaryDirectory(prefix="kumocheck-scaling-") as temp:
        work = Path(temp)
        tables = []
        for size in [int(s) for s in args.sizes.split(",")]:
            folder = work / f"table-{size}"
            folder.mkdir()
            (folder / "init.lua").write_text(domain_map_policy(size), encoding="utf-8")
            tables.append((size, folder / "init.lua"))
        trees = []
        for count in [int(s) for s in args.files.split(",")]:
            trees.append((count, work / f"tree-{count}"))
            generate_tree(trees[-1][1], files=count, lines=count * 100)
        results = [
            series("One table literal (entries)", tables, work, args.runs, luacheck),
            series("Tree of files (files, ~100 lines each)", trees, work, args.runs, luacheck),
        ]
        corpora = [corpus(folder.resolve(), work, args.runs, luacheck) for folder in args.folders]
    command = "python3 bench/bench_scaling.py " + " ".join(
        [str(f) for f in args.folders] + [f"--sizes {args.sizes}", f"--files {args.files}", f"--runs {args.runs}"]
    )
    text = render(results, corpora, meta, command)
    print(text)
    return 0


def shutil_which_luacheck(no_install: bool) -> bool:
    if no_install:
        import shutil

        return shutil.which("luacheck") is not None
    return ensure_tool("luacheck", "lua-check", [False]) is not None


def _luacheck_version() -> str:
    done = subprocess.run(["luacheck", "--version"], capture_output=True, text=True)
    return done.stdout.strip().splitlines()[0] if done.stdout.strip() else "luacheck"


if __name__ == "__main__":
    raise SystemExit(main())
