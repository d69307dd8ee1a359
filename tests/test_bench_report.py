"""The pure parts of bench/run_all.py (bench/perf_report.py): fits, targets, the document."""

from __future__ import annotations

import json
import math
import resource
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import bench_scaling  # noqa: E402
import perf_report as R  # noqa: E402

SIZES = [5_000, 20_000, 80_000]


def _m(seconds: float, mib: float, cpu: float | None = None) -> list:
    return [seconds, int(mib * 1024), seconds if cpu is None else cpu]


def test_fit_exponent_of_power_laws():
    assert R.fit_exponent(SIZES, [3e-5 * n for n in SIZES]) == pytest.approx(1.0)
    assert R.fit_exponent(SIZES, [1e-9 * n * n for n in SIZES]) == pytest.approx(2.0)
    assert R.fit_exponent(SIZES, [7.0, 7.0, 7.0]) == pytest.approx(0.0)


def test_fixed_cost_lowers_the_raw_exponent_and_subtracting_it_restores_it():
    costs = [0.3 + 1e-4 * n for n in SIZES]
    assert R.fit_exponent(SIZES, costs) < 0.95
    assert R.exponent_above(SIZES, costs, 0.3) == pytest.approx(1.0)


def test_fit_is_nan_when_it_cannot_be_taken():
    assert math.isnan(R.fit_exponent([1000], [1.0]))
    assert math.isnan(R.fit_exponent([1000, 1000], [1.0, 2.0]))
    assert math.isnan(R.exponent_above([10, 100], [0.2, 0.5], 0.3))  # a cost below the fixed cost


def _results(**changes) -> dict:
    tables = {"label": "One table literal (entries)", "unit": "entries", "rows": [
        {"size": n, R.COLD: _m(0.3 + 4e-4 * n, 30 + n / 100), R.WARM: _m(0.1, 20), R.LUACHECK: _m(0.05 + 3e-4 * n, 8 + n / 200)}
        for n in SIZES
    ]}
    trees = {"label": "Tree of files", "unit": "files", "rows": [
        {"size": n, R.COLD: _m(0.3 + 0.01 * n, 40), R.LUACHECK: _m(0.01 * n, 10)} for n in (250, 1000)
    ]}
    results = {
        "meta": {"date": "2026-12-02 07:00 UTC", "end": "07:15 UTC", "nproc": 2, "cpu": "Test CPU", "python": "3.11.7",
                 "load_start": "0.10 / 0.20 / 0.30", "load_end": "1.00 / 0.50 / 0.40", "luacheck": "Luacheck: 1.1.0",
                 "lupa": "2.8 with Lua 5.4", "command": "python3 bench/run_all.py /tmp/kumo", "quick": False},
        "baseline": {R.COLD: _m(0.3, 30), R.LUACHECK: _m(0.05, 8)},
        "series": [tables, trees],
        "corpora": [{"name": "kumo", "files": 101, "lines": 10970,
                     "found": {R.COLD: _m(1.4, 60), R.WARM: _m(0.25, 20), R.LUACHECK: _m(1.0, 9)}}],
        "lsp": {"changes": 10, "change_median": 0.064, "change_min": 0.05, "change_max": 0.09, "open": 0.9, "debounce": 0.03},
        "data": {"toml": {"reference": "tomllib", "rows": [[n, n / 6000, 7e-5 * n, 6e-5 * n, 5e3 * n, 2e3 * n] for n in (1000, 5000)]}},
        "resolve": {"seconds": 2.0, "lupa": "2.8 with Lua 5.4", "policies": [
            {"policy": "p01_domain_map.lua", "names": 91, "compiled": 90000.0, "lupa": 30000.0, "ratio": 3.0},
            {"policy": "p20_bitops_numbers.lua", "names": 39, "compiled": 18000.0, "lupa": 20000.0, "ratio": 0.9},
        ]},
    }
    results.update(changes)
    return results


def _by_target(rows: list[R.Target]) -> dict[str, R.Target]:
    return {row.target: row for row in rows}


def test_targets_are_judged_from_the_numbers():
    rows = _by_target(R.targets(_results()))
    growth = rows["One table literal (entries): time growth exponent above fixed cost <= 1.2"]
    assert growth.met is True and growth.measured.startswith("1.00 (raw 0.")
    table = rows["20,000-entry table: cold within 1.5x of luacheck"]  # the size nearest 20k
    assert table.measured == f"{(0.3 + 8.0) / (0.05 + 6.0):.2f}x" and table.met is True
    assert rows["20,000-entry table: warm below 0.3x of luacheck"].met is True
    assert rows["kumo (101 files): cold within 1.5x of luacheck"].measured == "1.40x"
    assert rows["kumo (101 files): warm below 0.3x of luacheck"].met is True
    assert rows["language server: change -> diagnostics < 150 ms"].measured == "64 ms"
    assert rows["TOML reader: time growth exponent <= 1.2"].measured == "1.00"
    resolve = rows["resolve: compiled at least as fast as lupa (geometric mean over the policies)"]
    assert resolve.measured == f"{math.sqrt(3.0 * 0.9):.2f}x (slowest: p20_bitops_numbers.lua 0.90x)" and resolve.met


def test_a_missed_target_and_an_unmeasured_one():
    results = _results()
    results["corpora"][0]["found"][R.COLD] = _m(1.6, 60)
    del results["corpora"][0]["found"][R.LUACHECK]
    results["series"][0]["rows"][1][R.COLD] = _m(50.0, 80)
    rows = _by_target(R.targets(results))
    assert rows["20,000-entry table: cold within 1.5x of luacheck"].met is False
    assert rows["kumo (101 files): cold within 1.5x of luacheck"].met is None
    lines = R.render_targets(list(rows.values()))
    assert "| 20,000-entry table: cold within 1.5x of luacheck | 8.26x | **no** |" in lines
    assert "| kumo (101 files): cold within 1.5x of luacheck | n/a | n/a |" in lines


def test_the_document_is_one_run_with_its_machine_and_command(tmp_path):
    text = R.render_document(_results(), ["### TOML: kumocheck.parse.toml vs tomllib", "", "(table)", ""])
    head = text.split("\n## ")[0]
    for expected in ("2026-12-02 07:00 UTC to 07:15 UTC", "2 cores (Test CPU)", "0.10 / 0.20 / 0.30", "1.00 / 0.50 / 0.40",
                     "Python 3.11.7", "Luacheck: 1.1.0", "lupa 2.8 with Lua 5.4", "    python3 bench/run_all.py /tmp/kumo"):
        assert expected in head
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Checker: growth with the input, against luacheck", "## Checker: policy corpora",
                        "## Language server", "## Data files", "## Compiler: resolve throughput", "## Targets"]
    assert "| kumocheck | " in text and "time, above fixed cost" in text
    assert "(table)" in text and "of which 30 ms is the server's debounce" in text
    doc = tmp_path / "performance.md"
    doc.write_text("# Performance\n\n### Where the time goes\n\nmodel.py 45%\n", encoding="utf-8")
    R.write_document(doc, text)
    assert doc.read_text(encoding="utf-8") == text and "Where the time goes" not in text


def test_a_quick_run_says_so_and_missing_parts_say_why():
    results = _results(lsp=None, lsp_note="--no-lsp", resolve=None, resolve_note="lupa missing")
    results["meta"]["quick"] = True
    text = R.render_document(results)
    assert "`--quick`" in text.split("\n## ")[0]
    assert "Not measured in this run: --no-lsp." in text and "Not measured in this run: lupa missing." in text
    assert not any(line.startswith("| language server") for line in text.splitlines())  # no target row


def test_bench_resolve_json_mode(capsys):
    pytest.importorskip("lupa")
    import bench_resolve

    policy = ROOT / "tests" / "compiler" / "policies" / "p01_domain_map.lua"
    assert bench_resolve.main(["--json", "--seconds", "0.01", str(policy)]) == 0
    found = json.loads(capsys.readouterr().out)
    (row,) = found["policies"]
    assert row["policy"] == "p01_domain_map.lua" and row["names"] > 0
    assert row["ratio"] == pytest.approx(row["compiled"] / row["lupa"])
    assert "Lua 5.4" in found["lupa"]


def test_a_child_s_peak_memory_is_its_own_not_the_benchmark_s(tmp_path):
    if bench_scaling.GNU_TIME is None:
        pytest.skip("GNU time (/usr/bin/time) is not installed")
    ballast = bytearray(64 * 1024 * 1024)
    ballast[:: 4096] = b"x" * len(ballast[:: 4096])  # touch every page: this process's RSS grows by 64 MiB
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 64 * 1024
    _, peak_kib, _ = bench_scaling.run_once(["/bin/sh", "-c", "exit 0"], tmp_path)
    assert 0 < peak_kib < 32 * 1024
    del ballast
