"""Benchmark: `resolve` throughput of compiled policies against the same policies in lupa.

    python bench/bench_resolve.py [--seconds 1.0] [POLICY.lua ...]

Both sides do the same work per queue name: parse the name, run the get_queue_config
chain, and validate + decode the returned table with kumocheck's make_queue_config (lupa
calls it from Lua through the stub `kumo`). Every name is resolved once first to check
both sides agree; timing loops then cycle over the names.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kumocheck.compiler.driver import compile_policy, load_module  # noqa: E402
from kumocheck.compiler.oracle import LupaPolicy  # noqa: E402
from kumocheck.compiler.verify import compare, policy_texts, queue_names_from_text  # noqa: E402

CORPUS = ROOT / "tests" / "compiler" / "policies"
DEFAULT = ["p01_domain_map.lua", "p02_tenant_pools.lua", "p08_patterns.lua", "p10_string_methods.lua",
           "p20_bitops_numbers.lua", "p25_require_module.lua", "p26_method_objects.lua"]


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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("policies", nargs="*")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    paths = [Path(p) for p in args.policies] or [CORPUS / name for name in DEFAULT]
    print(f"python {platform.python_version()} on {platform.machine()}, {args.seconds:.1f}s per measurement")
    print(f"{'policy':32} {'names':>5} {'compiled/s':>11} {'lupa/s':>9} {'speedup':>8}")
    for path in paths:
        root = path.resolve().parent
        compiled = compile_policy(path, root, check=False)
        module = load_module(compiled)
        lupa = LupaPolicy(path, root)
        names = queue_names_from_text(policy_texts(path, compiled.modules, root))
        if compare(module.resolve, lupa.resolve, names):
            print(f"{path.name}: compiled and Lua differ; run kumocheck verify", file=sys.stderr)
            return 1
        ours = rate(module.resolve, names, args.seconds)
        theirs = rate(lupa.resolve, names, args.seconds)
        print(f"{path.name:32} {len(names):5} {ours:11.0f} {theirs:9.0f} {ours / theirs:7.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
