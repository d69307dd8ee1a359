"""Benchmark: `resolve` throughput of compiled policies against the same policies in lupa.

    python bench/bench_resolve.py [--seconds 1.0] [--json] [POLICY.lua ...]

Both sides do the same work per queue name: parse the name, run the get_queue_config
chain, and validate + decode the returned table with kumocheck's make_queue_config (lupa
calls it from Lua through the stub `kumo`). Every name is resolved once first to check
both sides agree; timing loops then cycle over the names. `--json` prints the figures as
one JSON object instead of the table (bench/run_all.py reads it).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import platform
import sys
import time
from pathlib import Path

import lupa.lua54

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kumocheck.compiler.driver import compile_policy, load_module  # noqa: E402
from kumocheck.compiler.oracle import LupaPolicy  # noqa: E402
from kumocheck.compiler.verify import compare, policy_texts, queue_names_from_text  # noqa: E402

CORPUS = ROOT / "tests" / "compiler" / "policies"
DEFAULT = ["p01_domain_map.lua", "p02_tenant_pools.lua", "p08_patterns.lua", "p10_string_methods.lua",
           "p20_bitops_numbers.lua", "p25_require_module.lua", "p26_method_objects.lua"]


ROUNDS = 5  # alternating rounds per side (each `seconds / ROUNDS` long)


def rate(resolve, names, seconds: float) -> float:
    count = 0
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while True:
        for name in names:
            try:
                resolve(name)
            except Exception:
                pass
        count += len(names)
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def measure(path: Path, seconds: float) -> dict:
    """Resolves per second of one policy, compiled and in lupa (ValueError when they differ)."""
    root = path.resolve().parent
    compiled = compile_policy(path, root, check=False)
    module = load_module(compiled)
    lupa = LupaPolicy(path, root)
    names = queue_names_from_text(policy_texts(path, compiled.modules, root))
    if compare(module.resolve, lupa.resolve, names):
        raise ValueError(f"{path.name}: compiled and Lua differ; run kumocheck verify")
    # alternate short rounds and keep each side's best, so a load change on a shared
    # machine during the measurement hits both sides alike
    ours_rounds, theirs_rounds = [], []
    for _ in range(ROUNDS):
        ours_rounds.append(rate(module.resolve, names, seconds / ROUNDS))
        theirs_rounds.append(rate(lupa.resolve, names, seconds / ROUNDS))
    ours, theirs = max(ours_rounds), max(theirs_rounds)
    return {"policy": path.name, "names": len(names), "compiled": ours, "lupa": theirs, "ratio": ours / theirs}


def lupa_version() -> str:
    """lupa's version and the Lua it runs (the oracle uses lupa.lua54)."""
    lua = ".".join(str(part) for part in getattr(lupa.lua54, "LUA_VERSION", ()))
    return f"{importlib.metadata.version('lupa')}" + (f" with Lua {lua}" if lua else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("policies", nargs="*")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.policies] or [CORPUS / name for name in DEFAULT]
    if not args.json:
        print(f"python {platform.python_version()} on {platform.machine()}, {args.seconds:.1f}s per measurement")
        print(f"{'policy':32} {'names':>5} {'compiled/s':>11} {'lupa/s':>9} {'speedup':>8}")
    rows = []
    for path in paths:
        try:
            row = measure(path, args.seconds)
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 1
        rows.append(row)
        if not args.json:
            print(f"{row['policy']:32} {row['names']:5} {row['compiled']:11.0f} {row['lupa']:9.0f} {row['ratio']:7.2f}x")
    if args.json:
        print(json.dumps({"seconds": args.seconds, "python": platform.python_version(), "lupa": lupa_version(), "policies": rows}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
