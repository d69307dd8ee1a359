"""The pure half of bench/run_all.py: growth-exponent fits, the targets table and
docs/performance.md, all computed from one sitting's results (plain dicts, JSON-safe).

A measurement of a command is `[wall seconds, peak RSS KiB, CPU seconds]`. `results`:

* `meta`: date, end, nproc, cpu, load_start, load_end, python, luacheck, lupa, command, quick;
* `baseline`: measurement per tool of an empty policy (the fixed start-up cost);
* `series`: `{label, unit, rows: [{size, <tool>: measurement}]}` (tools: kumocheck,
  kumocheck warm, luacheck);
* `corpora`: `{name, files, lines, found: {tool: measurement}}`;
* `lsp`: bench_check.lsp_latency's dict, or None; `data`: bench_data.measure's dict;
* `resolve`: bench_resolve.py --json's object.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

import attrs

#: "Close to 1": a fitted growth exponent at most this counts as linear.
GROWTH_LIMIT = 1.2
COLD_LIMIT = 1.5  # kumocheck cold / luacheck
WARM_LIMIT = 0.3  # kumocheck warm / luacheck
LSP_LIMIT_MS = 150.0
TABLE_TARGET_SIZE = 20_000
COLD, WARM, LUACHECK = "kumocheck", "kumocheck warm", "luacheck"


def fit_exponent(sizes: list[float], costs: list[float]) -> float:
    """Least-squares slope of log(cost) over log(size); NaN when it cannot be fitted
    (fewer than two sizes, or a cost that is not positive)."""
    if len(sizes) < 2 or len(set(sizes)) < 2 or any(c <= 0 for c in costs):
        return math.nan
    xs, ys = [math.log(s) for s in sizes], [math.log(c) for c in costs]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)


def exponent_above(sizes: list[float], costs: list[float], fixed: float) -> float:
    """The exponent of the cost above a fixed cost (e.g. an empty policy's run)."""
    return fit_exponent(sizes, [c - fixed for c in costs])


def growth(series: dict, baseline: dict, tool: str) -> dict[str, float]:
    """Raw and above-baseline exponents of one tool's time and memory over a series."""
    rows = [r for r in series["rows"] if tool in r]
    sizes = [r["size"] for r in rows]
    times, memory = [r[tool][0] for r in rows], [r[tool][1] for r in rows]
    base = baseline.get(tool)
    return {
        "time": fit_exponent(sizes, times),
        "memory": fit_exponent(sizes, memory),
        "time_above": exponent_above(sizes, times, base[0]) if base else math.nan,
        "memory_above": exponent_above(sizes, memory, base[1]) if base else math.nan,
    }


@attrs.frozen
class Target:
    """One row of the targets table."""

    target: str
    measured: str
    met: bool | None  # None: not measured in this run


def _ratio(found: dict, tool: str) -> float:
    if tool not in found or LUACHECK not in found or not found[LUACHECK][0]:
        return math.nan
    return found[tool][0] / found[LUACHECK][0]


def _at_most(value: float, limit: float, strict: bool = False) -> bool | None:
    if math.isnan(value):
        return None
    return value < limit if strict else value <= limit


def targets(results: dict) -> list[Target]:
    """Issue 12's targets, each judged from this run's numbers."""
    out: list[Target] = []
    baseline = results.get("baseline", {})
    for series in results.get("series", []):
        fit = growth(series, baseline, COLD)
        for what in ("time", "memory"):
            above, raw = fit[f"{what}_above"], fit[what]
            out.append(Target(
                f"{series['label']}: {what} growth exponent above fixed cost <= {GROWTH_LIMIT}",
                f"{_f(above)} (raw {_f(raw)})", _at_most(above, GROWTH_LIMIT),
            ))
    tables = next((s for s in results.get("series", []) if s.get("unit") == "entries"), None)
    if tables and tables["rows"]:
        row = min(tables["rows"], key=lambda r: abs(r["size"] - TABLE_TARGET_SIZE))
        out += _against_luacheck(f"{row['size']:,}-entry table", row)
    for corpus in results.get("corpora", []):
        out += _against_luacheck(f"{corpus['name']} ({corpus['files']} files)", corpus["found"])
    lsp = results.get("lsp")
    if lsp:
        median = lsp["change_median"] * 1000
        out.append(Target(f"language server: change -> diagnostics < {LSP_LIMIT_MS:.0f} ms", f"{median:.0f} ms",
                          _at_most(median, LSP_LIMIT_MS, strict=True)))
    for fmt, found in (results.get("data") or {}).items():
        sizes = [r[0] for r in found["rows"]]
        for what, index in (("time", 2), ("memory", 4)):
            value = fit_exponent(sizes, [r[index] for r in found["rows"]])
            out.append(Target(f"{fmt.upper()} reader: {what} growth exponent <= {GROWTH_LIMIT}", _f(value),
                              _at_most(value, GROWTH_LIMIT)))
    policies = (results.get("resolve") or {}).get("policies") or []
    if policies:
        mean = statistics.geometric_mean([p["ratio"] for p in policies])
        slowest = min(policies, key=lambda p: p["ratio"])
        out.append(Target(
            "resolve: compiled at least as fast as lupa (geometric mean over the policies)",
            f"{mean:.2f}x (slowest: {slowest['policy']} {slowest['ratio']:.2f}x)", mean >= 1.0,
        ))
    return out


def _against_luacheck(name: str, found: dict) -> list[Target]:
    cold, warm = _ratio(found, COLD), _ratio(found, WARM)
    return [
        Target(f"{name}: cold within {COLD_LIMIT}x of luacheck", _x(cold), _at_most(cold, COLD_LIMIT)),
        Target(f"{name}: warm below {WARM_LIMIT}x of luacheck", _x(warm), _at_most(warm, WARM_LIMIT, strict=True)),
    ]


def render_targets(rows: list[Target]) -> list[str]:
    out = ["## Targets", "", "| target | measured | met? |", "|---|---:|:---:|"]
    for row in rows:
        met = "n/a" if row.met is None else ("yes" if row.met else "**no**")
        out.append(f"| {row.target} | {row.measured} | {met} |")
    return out + [""]


# --------------------------------------------------------------------------- document


def _s(m: list | None) -> str:
    return f"{m[0]:.2f}" if m else "n/a"


def _mib(m: list | None) -> str:
    return f"{m[1] / 1024:.0f}" if m else "n/a"


def _x(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}x"


def _f(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{value:.2f}"


def render_header(meta: dict) -> list[str]:
    return [
        "# Performance",
        "",
        "Every figure below comes from one sitting of `bench/run_all.py` on one machine"
        + (" (**`--quick`: small sizes and one run each, for trying the script; not the figures to quote**)" if meta.get("quick") else "")
        + ".",
        "",
        f"* Date: {meta['date']} to {meta['end']}",
        f"* Machine: {meta['nproc']} cores ({meta['cpu']}); load average {meta['load_start']} at the start, {meta['load_end']} at the end",
        f"* Python {meta['python']}; {meta['luacheck']}; lupa {meta['lupa']}",
        "",
        "Command:",
        "",
        f"    {meta['command']}",
        "",
        "Timings are wall-clock on a machine that may be shared: look at the load averages, "
        "and compare ratios (taken within this run) rather than absolute figures.",
        "",
    ]


def render_growth(results: dict) -> list[str]:
    baseline = results.get("baseline", {})
    out = [
        "## Checker: growth with the input, against luacheck",
        "",
        "Each figure is the median of the runs of a whole command (a new process per run, the tools "
        "alternating, after one warm-up run each); memory is the peak resident set of the largest of the "
        f"process and the workers it waited for ({results['meta'].get('rss', 'GNU time')}). kumocheck runs "
        "`check --isolated --output-format concise` cold (`--no-cache`) and warm (`--cache-dir` filled "
        "by one run beforehand), with its default `-j`; luacheck runs `--no-config --codes -q`.",
        "",
        "Growth exponent: the least-squares slope of log(cost) over log(size); 1 is linear. The **raw** fit "
        "uses the whole cost; Python's start-up and kumocheck's imports are a fixed cost that makes it "
        "read below 1. The **above fixed cost** fit first subtracts the cost of the same command on an "
        "empty policy (" + ", ".join(f"{tool}: {_s(m)} s, {_mib(m)} MiB" for tool, m in baseline.items())
        + " in this run), so it shows how the work itself grows.",
        "",
    ]
    for series in results.get("series", []):
        tools = [t for t in (COLD, WARM, LUACHECK) if any(t in r for r in series["rows"])]
        out += [f"### {series['label']}", ""]
        out.append("| size | kumocheck cold s | MiB | luacheck s | MiB | cold ratio | warm s | warm ratio |")
        out.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in series["rows"]:
            out.append(
                f"| {row['size']:,} | {_s(row.get(COLD))} | {_mib(row.get(COLD))} | {_s(row.get(LUACHECK))} | "
                f"{_mib(row.get(LUACHECK))} | {_x(_ratio(row, COLD))} | {_s(row.get(WARM))} | {_x(_ratio(row, WARM))} |"
            )
        out += ["", "| growth exponent | time, raw | time, above fixed cost | memory, raw | memory, above fixed cost |",
                "|---|---:|---:|---:|---:|"]
        for tool in tools:
            if tool == WARM:
                continue
            fit = growth(series, baseline, tool)
            cells = " | ".join(_f(fit[k]) for k in ("time", "time_above", "memory", "memory_above"))
            out.append(f"| {tool} | {cells} |")
        out.append("")
    return out


def render_corpora(results: dict) -> list[str]:
    corpora = results.get("corpora") or []
    if not corpora:
        return []
    out = [
        "## Checker: policy corpora",
        "",
        "Same commands as above; CPU is user + system seconds of the process and the workers it waited for, "
        "the figure a busy machine disturbs least.",
        "",
        "| corpus | files | lines | luacheck s | cold s | cold ratio | warm s | warm ratio | CPU s: luacheck / cold / warm |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for c in corpora:
        f = c["found"]
        cpu = " / ".join(f"{f[t][2]:.2f}" if t in f else "n/a" for t in (LUACHECK, COLD, WARM))
        out.append(
            f"| {c['name']} | {c['files']} | {c['lines']:,} | {_s(f.get(LUACHECK))} | {_s(f.get(COLD))} | "
            f"{_x(_ratio(f, COLD))} | {_s(f.get(WARM))} | {_x(_ratio(f, WARM))} | {cpu} |"
        )
    return out + [""]


def render_lsp(lsp: dict | None, note: str = "") -> list[str]:
    out = ["## Language server", ""]
    if not lsp:
        return out + [f"Not measured in this run{': ' + note if note else ''}.", ""]
    text = (
        f"`kumocheck server` on a 1,000-line policy, {lsp['changes']} incremental didChange notifications of one "
        f"line: change -> publishDiagnostics for that version, median **{lsp['change_median'] * 1000:.0f} ms** "
        f"(min {lsp['change_min'] * 1000:.0f}, max {lsp['change_max'] * 1000:.0f})"
    )
    if lsp.get("debounce"):
        text += f", of which {lsp['debounce'] * 1000:.0f} ms is the server's debounce (`CHANGE_DELAY`)"
    text += f"; didOpen -> first diagnostics {lsp['open'] * 1000:.0f} ms (includes imports and loading the schema)."
    return out + [text, ""]


def render_data(data: dict | None, lines: list[str]) -> list[str]:
    if not data:
        return []
    return [
        "## Data files",
        "",
        "`bench/bench_data.py`: generated shaping-like files read in-process by kumocheck's positional readers "
        "and by the standard library. Median time of the runs; peak traced memory (tracemalloc) of one read, "
        "which counts the Python objects built (the positional tree holds a span for every key and value). "
        "tomllib is pure Python like kumocheck's readers; json is C-accelerated, so the JSON ratio shows the "
        "price of positions in pure Python rather than a target. No fixed cost is involved (in-process), so "
        "the raw exponents are the ones to read.",
        "",
        *lines,
    ]


def render_resolve(resolve: dict | None, note: str = "") -> list[str]:
    out = [
        "## Compiler: resolve throughput",
        "",
        "`bench/bench_resolve.py` compares `resolve(queue_name)` of a compiled policy (`kumocheck compile`) with "
        "the same policy in a real Lua 5.4 VM through lupa (the reference `kumocheck verify` uses). Both sides "
        "parse the name, run the `get_queue_config` chain, and validate and decode the returned table with "
        "kumocheck's `make_queue_config`. Every name is resolved once on both sides first and the results must "
        "agree; the names are the ones `kumocheck verify` builds from each policy's string constants.",
        "",
    ]
    if not resolve or not resolve.get("policies"):
        return out + [f"Not measured in this run{': ' + note if note else ''}.", ""]
    out += [
        f"{resolve['seconds']:g} s per measurement.",
        "",
        "| policy (tests/compiler/policies/) | names | compiled resolves/s | lupa resolves/s | compiled vs lupa |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for p in resolve["policies"]:
        out.append(f"| {p['policy']} | {p['names']} | {p['compiled']:,.0f} | {p['lupa']:,.0f} | {p['ratio']:.2f}x |")
    out += [
        "",
        "kumod caches queue configs per queue and refreshes them about once a minute, so neither side is a "
        "bottleneck for checking or testing policies; see \"Fast paths\" in docs/compiler.md for what the "
        "compiled side does to keep up with Lua.",
        "",
    ]
    return out


def render_document(results: dict, data_lines: list[str] | None = None) -> str:
    """The whole of docs/performance.md from one sitting's results."""
    parts = (
        render_header(results["meta"])
        + render_growth(results)
        + render_corpora(results)
        + render_lsp(results.get("lsp"), results.get("lsp_note", ""))
        + render_data(results.get("data"), data_lines or [])
        + render_resolve(results.get("resolve"), results.get("resolve_note", ""))
        + render_targets(targets(results))
    )
    return "\n".join(parts).rstrip("\n") + "\n"


def write_document(path: Path, text: str) -> None:
    """Replace the document whole (nothing from older runs is kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
