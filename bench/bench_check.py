"""Benchmark kumocheck against luacheck on the same machine, in one run.

    python3 bench/bench_check.py [FOLDER ...] [--runs N] [--profile]

Measures, per corpus (each FOLDER given, the project's own test policies, and a
generated tree of 200 files / 100k lines from bench/gen_policies.py):

* kumocheck cold   -- a fresh process each run, `--no-cache` when the CLI has it;
* kumocheck warm   -- a fresh process each run, reusing a result cache filled once
                      beforehand (`--cache-dir`), when the CLI has a cache;
* luacheck         -- `luacheck --no-config --codes -q` (Debian's lua-check; installed
                      with apt-get when missing);

and the language server's latency from a didChange to the publishDiagnostics for the
new version on a 1,000-line policy (when `kumocheck server` exists).

Timing uses hyperfine when it is on PATH (installed with apt-get when possible),
otherwise the median of N runs timed here.  The results are printed (bench/run_all.py
writes docs/performance.md, from one sitting of all the benchmarks).
`--profile` adds a cProfile breakdown per stage (parsing,
evaluation, checks) of one cold in-process run per corpus.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import pstats
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from gen_policies import generate_tree  # noqa: E402

DOC = ROOT / "docs" / "performance.md"
SECTION = "## Checker: speed"
PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), "NO_COLOR": "1"}
# an installed package has its bytecode compiled; a sandbox that forbids writing it would
# make every run recompile kumocheck's sources and measure that instead
ENV.pop("PYTHONDONTWRITEBYTECODE", None)


# --------------------------------------------------------------------------- set-up


def ensure_tool(command: str, package: str, updated: list[bool]) -> str | None:
    """Path of `command`, installing Debian's `package` with apt-get if needed."""
    found = shutil.which(command)
    if found or not shutil.which("apt-get"):
        return found
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        return None
    if not updated[0]:
        print("apt-get update ...", flush=True)
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=False)
        updated[0] = True
    print(f"apt-get install -y {package} ...", flush=True)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", package], check=False)
    return shutil.which(command)


def check_help() -> str:
    return subprocess.run(
        [PY, "-m", "kumocheck", "check", "--help"], capture_output=True, text=True, env=ENV, cwd=ROOT
    ).stdout


def has_server() -> bool:
    proc = subprocess.run(
        [PY, "-m", "kumocheck", "server", "--help"], capture_output=True, text=True, env=ENV, cwd=ROOT
    )
    return proc.returncode == 0 and "usage" in proc.stdout.lower()


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return {"nproc": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), "load": load}


def corpus_stats(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*.lua") if p.is_file()] if path.is_dir() else [path]
    lines = 0
    for p in files:
        with open(p, "rb") as handle:
            lines += handle.read().count(b"\n")
    return len(files), lines


# --------------------------------------------------------------------------- timing


FAILURES: list[str] = []


def time_commands(
    named: dict[str, list[str]], runs: int, prepare: dict[str, list[str]], hyperfine: str | None, cwd: Path
) -> dict[str, float]:
    """Median wall seconds per command; `prepare[name]` runs once before timing it."""
    out: dict[str, float] = {}
    for name, cmd in named.items():
        if name in prepare:
            subprocess.run(prepare[name], cwd=cwd, env=ENV, capture_output=True, check=False)
        # one sanity run: timing a crashing checker would be meaningless
        probe = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, check=False)
        if probe.returncode not in ((0, 1, 2) if name == "luacheck" else (0, 1)):  # luacheck: 2 = syntax errors
            print(f"  WARNING: {name} exits {probe.returncode}: {probe.stderr.decode(errors='replace')[-400:]}", flush=True)
            FAILURES.append(f"{name} exited {probe.returncode}")
        if hyperfine:
            with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
                export = handle.name
            subprocess.run(
                [
                    hyperfine, "--runs", str(runs), "--ignore-failure", "--style", "none",
                    "--shell", "none", "--export-json", export, "--command-name", name, shlex.join(cmd),
                ],
                cwd=cwd, env=ENV, capture_output=True, check=False,
            )
            try:
                result = json.loads(Path(export).read_text())["results"][0]
                out[name] = float(result["median"])
                os.unlink(export)
                continue
            except (OSError, ValueError, KeyError, IndexError):
                pass  # fall back to timing it ourselves
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, check=False)
            samples.append(time.perf_counter() - start)
            if proc.returncode not in (0, 1):
                print(f"  warning: {name} exited {proc.returncode}: {proc.stderr[-300:]!r}", flush=True)
        out[name] = statistics.median(samples)
    return out


def bench_corpus(label: str, path: Path, args, tools: dict, help_text: str, cwd: Path) -> dict:
    kc = [PY, "-m", "kumocheck", "check", "--isolated", "--output-format", "concise"]
    jobs = []
    if "--jobs" in help_text and args.jobs:
        jobs = ["-j", str(args.jobs)]
    commands: dict[str, list[str]] = {}
    prepare: dict[str, list[str]] = {}
    cold = [*kc, *jobs, *(["--no-cache"] if "--no-cache" in help_text else []), str(path)]
    commands["kumocheck cold"] = cold
    if "--cache-dir" in help_text:
        cache = cwd / f"cache-{re.sub(r'[^A-Za-z0-9]+', '-', label)}"
        shutil.rmtree(cache, ignore_errors=True)
        warm = [*kc, *jobs, "--cache-dir", str(cache), str(path)]
        commands["kumocheck warm"] = warm
        prepare["kumocheck warm"] = warm
    if "--jobs" in help_text and args.serial:
        commands["kumocheck cold -j1"] = [*kc, "-j", "1", *(["--no-cache"] if "--no-cache" in help_text else []), str(path)]
    if tools.get("luacheck"):
        commands["luacheck"] = [tools["luacheck"], "--no-config", "--codes", "-q", str(path)]
    files, lines = corpus_stats(path)
    runs = args.runs if lines < 20_000 else max(1, args.slow_runs)
    print(f"\n== {label}: {path} ({files} files, {lines} lines), {runs} run(s) each", flush=True)
    times = time_commands(commands, runs, prepare, tools.get("hyperfine"), cwd)
    for name, seconds in times.items():
        print(f"  {name:<20} {seconds:8.3f} s", flush=True)
    return {"label": label, "path": str(path), "files": files, "lines": lines, "runs": runs, "times": times}


# --------------------------------------------------------------------------- LSP


class LspClient:
    """A minimal JSON-RPC client over a server's stdio."""

    def __init__(self, cmd: list[str], cwd: Path):
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV
        )
        self.next_id = 0
        self.messages: list[tuple[float, dict]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = json.loads(stream.read(length))
            with self.cond:
                self.messages.append((time.perf_counter(), body))
                self.cond.notify_all()

    def send(self, method: str, params: dict, request: bool = False) -> int | None:
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        ident = None
        if request:
            self.next_id += 1
            ident = message["id"] = self.next_id
        data = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        self.proc.stdin.flush()
        return ident

    def wait_for(self, predicate, timeout: float = 60.0) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for i, (stamp, message) in enumerate(self.messages):
                    if predicate(message):
                        del self.messages[: i + 1]
                        return stamp, message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("no matching message from the server")
                self.cond.wait(remaining)

    def close(self) -> None:
        try:
            ident = self.send("shutdown", {}, request=True)
            self.wait_for(lambda m: m.get("id") == ident, timeout=10)
            self.send("exit", {})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def lsp_latency(policy_text: str, changes: int, cwd: Path) -> dict:
    """Seconds from didChange to publishDiagnostics for that version (median over `changes`)."""
    folder = cwd / "lsp"
    folder.mkdir(exist_ok=True)
    path = folder / "init.lua"
    path.write_text(policy_text, encoding="utf-8")
    uri = path.as_uri()
    client = LspClient([PY, "-m", "kumocheck", "server"], cwd)
    try:
        ident = client.send(
            "initialize",
            {"processId": os.getpid(), "rootUri": folder.as_uri(), "capabilities": {}, "workspaceFolders": None},
            request=True,
        )
        client.wait_for(lambda m: m.get("id") == ident, timeout=60)
        client.send("initialized", {})

        def published(version):
            return lambda m: (
                m.get("method") == "textDocument/publishDiagnostics"
                and m["params"].get("uri") == uri
                and m["params"].get("version", version) == version
            )

        start = time.perf_counter()
        client.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "lua", "version": 1, "text": policy_text}})
        stamp, first = client.wait_for(published(1))
        open_latency = stamp - start
        samples = []
        counts = [len(first["params"]["diagnostics"])]
        lines = policy_text.split("\n")
        # alternate between introducing and fixing a bad duration
        line_no = max(i for i, line in enumerate(lines) if "make_queue_config {" in line and "retry_interval = '" in line)
        good = lines[line_no]
        bad = re.sub(r"retry_interval = '[^']*'", "retry_interval = '3 Days'", good)
        for version in range(2, changes + 2):
            old = lines[line_no]
            new = bad if version % 2 == 0 else good
            edit = {
                "range": {"start": {"line": line_no, "character": 0}, "end": {"line": line_no, "character": len(old)}},
                "text": new,
            }
            start = time.perf_counter()
            client.send("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [edit]})
            stamp, message = client.wait_for(published(version))
            samples.append(stamp - start)
            counts.append(len(message["params"]["diagnostics"]))
            lines[line_no] = new
        return {"open": open_latency, "change_median": statistics.median(samples), "change_min": min(samples),
                "change_max": max(samples), "changes": changes, "diagnostics": counts[:3]}
    finally:
        client.close()


def thousand_line_policy() -> str:
    """A 1,000-line single-file policy: a per-domain table, helpers and handlers."""
    import random

    from gen_policies import init_text, module_text

    target = 1000
    while True:
        rng = random.Random(1000)
        handlers = init_text(rng, "lsp", [])
        body = module_text(rng, "lsp", 0, target - handlers.count("\n")).replace("return M\n", "")
        lines = body.rstrip("\n").split("\n") + handlers.rstrip("\n").split("\n")
        if len(lines) <= 1000:
            break
        target -= 10
    while len(lines) < 1000:
        lines.insert(lines.index(handlers.split("\n")[0]), "-- (padding)")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- profile

STAGES = [
    ("read + decode (source.read_source)", "read"),
    ("lexing + parsing + AST building (fastparse.fast_parse)", "parse"),
    ("evaluation (project.build_model, model.py)", "evaluate"),
    ("checks, suppressions, rest of Checker.check_file", "checks"),
    ("other (discovery, import graph, sorting)", "other"),
]

_TIMER_CODE = """
import sys, time, collections
from pathlib import Path
from kumocheck.config import Settings
from kumocheck import project, source
from kumocheck.parse import fastparse

acc = collections.defaultdict(float)
stack = []

def wrap(name, fn):
    def timed(*args, **kwargs):
        if stack and stack[-1][0] == name:
            return fn(*args, **kwargs)  # recursion inside the same stage
        start = time.perf_counter()
        stack.append([name, 0.0])
        try:
            return fn(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - start
            _, children = stack.pop()
            acc[name] += elapsed - children
            if stack:
                stack[-1][1] += elapsed
    return timed

project.read_source = wrap("read", project.read_source)
fastparse.fast_parse = wrap("parse", fastparse.fast_parse)
project.build_model = wrap("evaluate", project.build_model)
project.Checker.check_file = wrap("checks", project.Checker.check_file)
kwargs = {"jobs": 1} if "jobs" in project.check_sources.__code__.co_varnames else {}
t = time.perf_counter()
r = project.check_sources([Path(sys.argv[1])], Settings(), **kwargs)
total = time.perf_counter() - t
acc["other"] = total - sum(acc.values())
import json
print(json.dumps({"total": total, "stages": dict(acc), "files": r.files_checked}))
"""


def stage_times(path: Path) -> dict:
    """Exclusive wall seconds per stage of one cold in-process run (jobs=1), no profiler."""
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run([PY, "-c", _TIMER_CODE, str(path)], capture_output=True, text=True, env=ENV, cwd=tmp)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def profile_corpus(path: Path) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]]]:
    """Stage times (exclusive, unprofiled) and cProfile self time by module."""
    timed = stage_times(path)
    stages = [(label, timed["stages"].get(key, 0.0)) for label, key in STAGES]
    code = (
        "import cProfile, sys\n"
        "from pathlib import Path\n"
        "from kumocheck.config import Settings\n"
        "from kumocheck import project\n"
        "import kumocheck.parse.lua as kp\n"
        "prof = cProfile.Profile()\n"
        "_orig = kp.run_deep\n"
        "depth = [0]\n"
        "def run_deep(func):\n"
        "    def wrapped():\n"
        "        depth[0] += 1\n"
        "        if depth[0] == 1:\n"
        "            prof.enable()\n"
        "        try:\n"
        "            return func()\n"
        "        finally:\n"
        "            depth[0] -= 1\n"
        "            if depth[0] == 0:\n"
        "                prof.disable()\n"
        "    return _orig(wrapped)\n"
        "kp.run_deep = run_deep\n"
        "project.run_deep = run_deep\n"
        "kwargs = {'jobs': 1} if 'jobs' in project.check_sources.__code__.co_varnames else {}\n"
        "project.check_sources([Path(sys.argv[1])], Settings(), **kwargs)\n"
        "prof.dump_stats(sys.argv[2])\n"
    )
    with tempfile.TemporaryDirectory() as tmp:
        stats_file = Path(tmp) / "prof.out"
        proc = subprocess.run([PY, "-c", code, str(path), str(stats_file)], capture_output=True, text=True, env=ENV, cwd=tmp)
        if proc.returncode != 0:
            raise RuntimeError(proc.stderr[-2000:])
        raw = pstats.Stats(str(stats_file)).stats
    by_file: dict[str, float] = {}
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in raw.items():
        key = _bucket(filename)
        by_file[key] = by_file.get(key, 0.0) + tt
    profiled_total = sum(by_file.values())
    top = sorted(((k, v / profiled_total * 100) for k, v in by_file.items()), key=lambda kv: -kv[1])[:10]
    return timed["total"], stages, top


def _bucket(filename: str) -> str:
    if "antlr4" in filename:
        return "antlr4 runtime (" + filename.split("antlr4/")[-1].split("/")[0].replace(".py", "") + ")"
    if "luaparser" in filename:
        return "luaparser (" + Path(filename).name + ")"
    if "kumocheck" in filename:
        return "kumocheck/" + filename.split("kumocheck/")[-1]
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return Path(filename).name


# --------------------------------------------------------------------------- docs


def render_section(results: list[dict], lsp: dict | None, lsp_note: str, prof: dict, meta: dict) -> str:
    out = [SECTION, ""]
    out.append(
        f"Measured {meta['date']} on {meta['nproc']} cores ({meta['cpu']}), Python {meta['python']}, "
        f"load average at start {meta['load']}; {meta['luacheck']}; timing by {meta['timer']}."
    )
    out += ["", "Command:", "", f"    {meta['command']}", ""]
    out.append(f"kumocheck flags: `{meta['flags']}`.  Median wall-clock seconds per run, a new process each run;")
    out.append("ratio = kumocheck / luacheck (below 1 means kumocheck is faster).")
    out.append("")
    out.append("| corpus | files | lines | luacheck s | kumocheck cold s | cold ratio | kumocheck warm s | warm ratio |")
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        t = r["times"]
        lc = t.get("luacheck")
        cold = t.get("kumocheck cold")
        warm = t.get("kumocheck warm")

        def fmt(x):
            return f"{x:.3f}" if x is not None else "n/a"

        def ratio(x):
            return f"{x / lc:.2f}x" if x is not None and lc else "n/a"

        out.append(
            f"| {r['label']} | {r['files']} | {r['lines']} | {fmt(lc)} | {fmt(cold)} | {ratio(cold)} | {fmt(warm)} | {ratio(warm)} |"
        )
        if "kumocheck cold -j1" in t:
            out.append(f"| {r['label']} (cold, -j 1) | | | | {fmt(t['kumocheck cold -j1'])} | {ratio(t['kumocheck cold -j1'])} | | |")
    out.append("")
    if FAILURES:
        out.append("**Warning: some runs failed, their times are not meaningful:** " + "; ".join(FAILURES) + ".")
        out.append("")
    out.append("Targets: warm cache faster than luacheck on both corpora; cold within 4x of luacheck on 2 cores.")
    out.append("")
    if lsp:
        out.append(
            f"Language server, 1,000-line policy (`kumocheck server`, incremental didChange of one line, "
            f"{lsp['changes']} changes): change -> publishDiagnostics median **{lsp['change_median'] * 1000:.0f} ms** "
            f"(min {lsp['change_min'] * 1000:.0f}, max {lsp['change_max'] * 1000:.0f}); didOpen -> first diagnostics "
            f"{lsp['open'] * 1000:.0f} ms (includes imports and schema loading).  "
            + (f"This includes the server's debounce (`CHANGE_DELAY` = {lsp['debounce'] * 1000:.0f} ms), so the check "
               f"itself takes about {(lsp['change_median'] - lsp['debounce']) * 1000:.0f} ms.  " if lsp.get("debounce") else "")
            + "Target: < 150 ms."
        )
    else:
        out.append(f"Language server: not measured ({lsp_note}).")
    out.append("")
    if prof:
        out.append("### Where the time goes (one cold in-process run, `jobs=1`)")
        out.append("")
        out.append(
            "Exclusive wall-clock seconds per stage, measured with timers around each stage (no profiler; "
            "a stage's time excludes the stages it calls, e.g. evaluation excludes parsing the modules it loads)."
        )
        out.append("")
        names = list(prof)
        out.append("| stage | " + " | ".join(names) + " |")
        out.append("|---|" + "---:|" * len(names))
        out.append("| total | " + " | ".join(f"{prof[n]['total']:.2f} s" for n in names) + " |")
        for i, (label, _key) in enumerate(STAGES):
            cells = []
            for n in names:
                sec = prof[n]["stages"][i][1]
                cells.append(f"{sec:.2f} s ({sec / prof[n]['total'] * 100:.0f}%)" if prof[n]["total"] else "-")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")
        for n in names:
            out.append(f"cProfile self time by module, {n}: " + "; ".join(f"{k} {v:.0f}%" for k, v in prof[n]["top"][:8]) + ".")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kumocheck vs luacheck, cold and warm, plus LSP latency.")
    parser.add_argument("folders", nargs="*", type=Path, help="extra policy folders, e.g. a KumoMTA checkout")
    parser.add_argument("--runs", type=int, default=5, help="runs per command on small corpora (default 5)")
    parser.add_argument("--slow-runs", type=int, default=3, help="runs per command on corpora over 20k lines (default 3)")
    parser.add_argument("-j", "--jobs", type=int, default=0, help="pass -j N to kumocheck (default: its own default)")
    parser.add_argument("--serial", action="store_true", help="also time cold runs with -j 1")
    parser.add_argument("--lsp-changes", type=int, default=10)
    parser.add_argument("--profile", action="store_true", help="add a cProfile stage breakdown")
    parser.add_argument("--no-generated", action="store_true", help="skip the generated 100k-line tree")
    parser.add_argument("--no-install", action="store_true", help="never run apt-get")
    args = parser.parse_args(argv)

    meta = machine()
    meta["date"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    meta["command"] = "python3 bench/bench_check.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))
    updated = [False]
    tools = {}
    if args.no_install:
        tools["luacheck"], tools["hyperfine"] = shutil.which("luacheck"), shutil.which("hyperfine")
    else:
        tools["luacheck"] = ensure_tool("luacheck", "lua-check", updated)
        tools["hyperfine"] = ensure_tool("hyperfine", "hyperfine", updated)
    if tools["luacheck"]:
        version = subprocess.run([tools["luacheck"], "--version"], capture_output=True, text=True).stdout.split("\n")[0]
        meta["luacheck"] = version.strip() or "luacheck"
    else:
        meta["luacheck"] = "luacheck not available"
        print("luacheck not available: ratios will be n/a", flush=True)
    meta["timer"] = "hyperfine (median)" if tools["hyperfine"] else "median of N runs (time.perf_counter)"
    help_text = check_help()
    flags = ["--isolated", "--output-format concise"]
    if "--no-cache" in help_text:
        flags.append("--no-cache (cold) / --cache-dir DIR (warm)")
    else:
        flags.append("(no result cache in this version: warm not measured)")
    if "--jobs" in help_text:
        flags.append(f"-j {args.jobs}" if args.jobs else f"-j default ({os.cpu_count()})")
    meta["flags"] = " ".join(flags)
    print(f"machine: {meta}", flush=True)

    results = []
    with tempfile.TemporaryDirectory(prefix="kumobench-") as tmp_name:
        tmp = Path(tmp_name)
        corpora: list[tuple[str, Path]] = []
        for folder in args.folders:
            if not folder.exists():
                print(f"skip {folder}: no such folder", flush=True)
                continue
            corpora.append((f"{folder.name} (given)", folder.resolve()))
        project_dir = tmp / "project-policies"
        project_dir.mkdir()
        for sub in ("tests/policies", "tests/compiler/policies"):
            if (ROOT / sub).is_dir():
                shutil.copytree(ROOT / sub, project_dir / sub.replace("/", "_"))
        corpora.append(("project test policies", project_dir))
        if not args.no_generated:
            generated = tmp / "generated"
            generate_tree(generated)
            corpora.append(("generated 200 files", generated))
        for label, path in corpora:
            results.append(bench_corpus(label, path, args, tools, help_text, tmp))

        lsp = None
        note = ""
        if has_server():
            try:
                lsp = lsp_latency(thousand_line_policy(), args.lsp_changes, tmp)
                try:
                    sys.path.insert(0, str(ROOT))
                    from kumocheck.server import lsp as _server

                    lsp["debounce"] = float(getattr(_server, "CHANGE_DELAY", 0.0))
                except Exception:
                    pass
                print(f"\n== LSP: {json.dumps(lsp)}", flush=True)
            except Exception as exc:  # report, don't fail the whole benchmark
                note = f"the client failed: {exc!r}"
                print(f"\n== LSP: {note}", flush=True)
        else:
            note = "`kumocheck server` is not available in this version"
            print(f"\n== LSP: skipped ({note})", flush=True)

        prof = {}
        if args.profile:
            for label, path in corpora:
                if label == "project test policies":
                    continue
                print(f"\n== profile {label}", flush=True)
                total, stages, top = profile_corpus(path)
                prof[label] = {"total": total, "stages": stages, "top": top}
                print(f"  total {total:.2f} s (unprofiled, jobs=1)")
                for name, sec in stages:
                    print(f"  {name:<48} {sec:7.2f} s  {sec / total * 100 if total else 0:5.1f}%")
                print("  cProfile self time: " + "; ".join(f"{k} {v:.0f}%" for k, v in top))
    print("\n" + render_section(results, lsp, note, prof, meta))
    return 0


if __name__ == "__main__":
    sys.exit(main())
