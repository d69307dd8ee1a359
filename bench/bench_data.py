"""Data-file reader benchmark: kumocheck's positional TOML/JSON readers vs tomllib/json.

    python3 bench/bench_data.py [--sizes 1000,5000,20000] [--runs 5]

For each size, a generated shaping-like file (one table per domain with a few options,
automation rules as arrays of tables, provider match lists as inline tables) is read by
kumocheck's reader and by the standard library's reader (tomllib for TOML, json for JSON).
It reports the median time and the peak traced memory (tracemalloc) of each, their
ratio, and the growth exponent (the slope of log(cost) against log(size), least squares)
for time and memory. It prints the tables; bench/run_all.py runs it with the other
benchmarks in one sitting and writes docs/performance.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import sys
import time
import tomllib
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kumocheck.parse.json import read_json  # noqa: E402
from kumocheck.parse.toml import read_toml  # noqa: E402



def shaping_toml(domains: int) -> str:
    """A deterministic shaping-like TOML document with `domains` domain tables."""
    out = ['["default"]', 'connection_limit = 10', 'max_connection_rate = "100/min"', 'idle_timeout = "60s"', ""]
    for i in range(domains):
        name = f"example{i}.com"
        out.append(f'["{name}"]')
        out.append(f"connection_limit = {1 + i % 20}")
        out.append(f'max_message_rate = "{100 + i % 7}/h"  # tuned {i}')
        out.append("enable_tls = 'Required'")
        if i % 3 == 0:
            out.append('mx_rollup = false')
        if i % 5 == 0:
            out.append(f'[["{name}".automation]]')
            out.append(r'regex = "^4\\d\\d .*(?:too many|rate limit)"')
            out.append(f'action = [{{SetConfig = {{name = "max_message_rate", value = "{i % 50 + 1}/min"}}}}, "Suspend"]')
            out.append('duration = "90m"')
        if i % 7 == 0:
            out.append(f'["provider{i}"]')
            out.append(f'match = [{{MXSuffix = ".mx{i}.example.net"}}, {{DomainSuffix = ".p{i}.example"}}]')
            out.append("provider_connection_limit = 25")
        out.append("")
    return "\n".join(out)


def shaping_json(domains: int) -> str:
    return json.dumps(tomllib.loads(shaping_toml(domains)), indent=2)


def _median_time(function, text: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        function(text)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _peak_memory(function, text: str) -> int:
    gc.collect()
    tracemalloc.start()
    result = function(text)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def slope(sizes: list[int], costs: list[float]) -> float:
    """Least-squares slope of log(cost) against log(size)."""
    xs = [math.log(s) for s in sizes]
    ys = [math.log(c) for c in costs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


READERS = {
    "toml": (shaping_toml, lambda text: read_toml(text, "shaping.toml").root, "tomllib", tomllib.loads),
    "json": (shaping_json, lambda text: read_json(text, "shaping.json"), "json", json.loads),
}


def measure(sizes: list[int], runs: int) -> dict[str, dict]:
    """Per format: the reference reader's name and, per size, (size, MB, our time, its time,
    our peak memory, its peak memory)."""
    results = {}
    for fmt, (generate, ours, ref_name, reference) in READERS.items():
        rows = []
        for size in sizes:
            text = generate(size)
            t_ours, t_ref = _median_time(ours, text, runs), _median_time(reference, text, runs)
            m_ours, m_ref = _peak_memory(ours, text), _peak_memory(reference, text)
            rows.append((size, len(text) / 1e6, t_ours, t_ref, m_ours, m_ref))
            print(f"{fmt} {size}: {t_ours * 1000:.0f} ms vs {t_ref * 1000:.0f} ms", flush=True)
        results[fmt] = {"reference": ref_name, "rows": rows}
    return results


def render(results: dict[str, dict]) -> list[str]:
    """Markdown subsections (### TOML, ### JSON) of `measure`'s results."""
    lines = []
    for fmt, found in results.items():
        ref_name, rows = found["reference"], found["rows"]
        sizes = [r[0] for r in rows]
        lines += [
            f"### {fmt.upper()}: kumocheck.parse.{fmt} vs {ref_name}",
            "",
            f"| domains | file | kumocheck time | {ref_name} time | ratio | kumocheck peak memory | {ref_name} peak memory | ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for size, mb, t_ours, t_ref, m_ours, m_ref in rows:
            lines.append(
                f"| {size:,} | {mb:.2f} MB | {t_ours * 1000:.0f} ms | {t_ref * 1000:.0f} ms | "
                f"{t_ours / t_ref:.2f}x | {m_ours / 1e6:.1f} MB | {m_ref / 1e6:.1f} MB | {m_ours / m_ref:.2f}x |"
            )
        lines += [""]
        if len(sizes) > 1:
            lines += [
                f"Growth exponents (log-log slope over {', '.join(f'{s:,}' for s in sizes)} domains): "
                f"time {slope(sizes, [r[2] for r in rows]):.2f} (kumocheck) / {slope(sizes, [r[3] for r in rows]):.2f} ({ref_name}), "
                f"peak memory {slope(sizes, [r[4] for r in rows]):.2f} / {slope(sizes, [r[5] for r in rows]):.2f}.",
                "",
            ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000,20000", help="comma-separated domain counts")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per reader and size (median)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    print("\n".join(render(measure(sizes, args.runs))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
