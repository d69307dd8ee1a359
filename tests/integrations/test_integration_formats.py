"""CI and tool output formats, driven through the real command line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from integration_support import SARIF_SCHEMA, kumocheck_env, project, run_kumocheck  # noqa: F401 (project: a fixture)

# ---------------------------------------------------------------- SARIF


@pytest.fixture(scope="module")
def sarif_validator():
    """A jsonschema validator for the official SARIF 2.1.0 schema (skips when absent)."""
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (pip install kumocheck[test])")
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not found at {SARIF_SCHEMA.resolve()}: cannot validate SARIF output")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _valid_sarif(validator, text: str) -> dict:
    log = json.loads(text)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return log


@pytest.mark.parametrize("target", ["policy/bad.lua", "policy/good.lua", "policy", "policy/nonascii.lua"])
def test_sarif_is_valid(project: Path, sarif_validator, target: str) -> None:
    result = run_kumocheck("check", "--output-format", "sarif", target, cwd=project)
    assert result.returncode == (0 if target.endswith("good.lua") else 1), result.stderr
    _valid_sarif(sarif_validator, result.stdout)


def test_sarif_of_the_bundled_example(sarif_validator) -> None:
    """Run inside this git checkout: URIs are relative to its root."""
    from integration_support import REPO

    result = run_kumocheck("check", "--output-format", "sarif", "examples/policy", cwd=REPO)
    log = _valid_sarif(sarif_validator, result.stdout)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert uris and all(uri.startswith("examples/policy/") for uri in uris), uris


def test_sarif_content(project: Path, sarif_validator) -> None:
    # run from a sub-folder: URIs are still relative to the repository root
    result = run_kumocheck("check", "--output-format", "sarif", "bad.lua", cwd=project / "policy")
    log = _valid_sarif(sarif_validator, result.stdout)
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == project.resolve().as_uri() + "/"
    rules = run["tool"]["driver"]["rules"]
    by_id = {rule["id"]: rule for rule in rules}
    assert by_id["KC101"]["name"] == "unknown-key"
    assert by_id["KC101"]["helpUri"].startswith("https://")
    assert "Why:" in by_id["KC101"]["help"]["text"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["KC101", "KC103"]
    for r in results:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"] == {"uri": "policy/bad.lua", "uriBaseId": "SRCROOT"}
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 10,
        "startColumn": 5,
        "endLine": 10,
        "endColumn": 20,
    }
    assert results[0]["level"] == "error"


def test_sarif_reports_unreadable_input(project: Path, sarif_validator) -> None:
    result = run_kumocheck("check", "--output-format", "sarif", "missing.lua", cwd=project)
    assert result.returncode == 2
    log = _valid_sarif(sarif_validator, result.stdout)
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is False


# ---------------------------------------------------------------- GitHub annotations


def test_github_annotations(project: Path) -> None:
    result = run_kumocheck("check", "--output-format", "github", "bad.lua", cwd=project / "policy")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(
        "::error file=policy/bad.lua,line=10,col=5,endLine=10,endColumn=20,title=KC101 unknown-key::"
    )
    # the message: `%` `\r` `\n` escaped, nothing else; properties also escape `:` and `,`
    assert "%0Ahelp: " in lines[0]
    pattern = re.compile(r"^::(error|warning|notice) ((?:[a-zA-Z]+=[^,:]*)(?:,[a-zA-Z]+=[^,:]*)*)::(.*)$")
    for line in lines:
        assert pattern.match(line), line
    assert "supported units%3A" not in lines[1] and "supported units: ns" in lines[1]


def test_github_escaping() -> None:
    from kumocheck.reports.extra_formats import escape_data, escape_property, render_github
    from kumocheck.diagnostics import Diagnostic, Severity
    from kumocheck.project import Report
    from kumocheck.source import Span

    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    span = Span(3, 1, 5, 2)
    report = Report([Diagnostic("dir,x/a:b.lua", span, Severity.WARNING, "KC999", "x", "50% done\nnext")])
    line = render_github(report).strip()
    assert line == "::warning file=dir%2Cx/a%3Ab.lua,line=3,endLine=5,title=KC999 x::50%25 done%0Anext"


# ---------------------------------------------------------------- JUnit


def test_junit(project: Path) -> None:
    result = run_kumocheck("check", "--output-format", "junit", "policy", cwd=project)
    assert result.returncode == 1
    root = ET.fromstring(result.stdout.encode("utf-8"))
    suites = root.findall("testsuite") if root.tag == "testsuites" else [root]
    assert len(suites) == 1
    suite = suites[0]
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert set(cases) == {"policy/bad.lua", "policy/good.lua", "policy/nonascii.lua"}
    assert suite.get("tests") == "3" and suite.get("failures") == "3"
    assert cases["policy/good.lua"].find("failure") is None
    failures = cases["policy/bad.lua"].findall("failure")
    assert [f.get("type") for f in failures] == ["KC101", "KC103"]
    assert "retry_intervall" in failures[0].text


def test_junit_escapes_awkward_text() -> None:
    from kumocheck.reports.extra_formats import render_junit
    from kumocheck.diagnostics import Diagnostic, Severity
    from kumocheck.project import Report
    from kumocheck.source import Span

    message = "<&> \"quoted\" ]]> \x00\x1b end"
    report = Report([Diagnostic("a&b.lua", Span.point(1, 1), Severity.ERROR, "KC101", "unknown-key", message)], 1)
    root = ET.fromstring(render_junit(report, None).encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and "<&> \"quoted\" ]]>" in failure.text
    assert root.find("testsuite/testcase").get("name") == "a&b.lua"


# ---------------------------------------------------------------- luacheck plain

LUACHECK_PLAIN = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): \((?P<kind>[EW])(?P<num>\d+)\) (?P<msg>.+)$")
LUACHECK_RANGES = re.compile(r"^([^:]+):(\d+):(\d+)-(\d+): \(([EW])(\d+)\) (.+)$")


def test_plain_matches_luacheck(project: Path) -> None:
    result = run_kumocheck("check", "--output-format", "plain", "policy", cwd=project)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "policy/bad.lua:10:5: (E101) unknown key `retry_intervall` in make_queue_config: kumod rejects this config"
    for line in lines:
        assert LUACHECK_PLAIN.match(line), line


def test_plain_ranges() -> None:
    from kumocheck.reports.extra_formats import render_plain
    from kumocheck.diagnostics import Diagnostic, Severity
    from kumocheck.project import Report
    from kumocheck.source import Span

    class Options:
        ranges = True

    report = Report(
        [
            Diagnostic("a.lua", Span(2, 5, 2, 9), Severity.WARNING, "KC204", "handler-arity", "too many"),
            Diagnostic("a.lua", Span(3, 1, 4, 2), Severity.ERROR, "KC001", "syntax-error", "bad"),
        ]
    )
    lines = render_plain(report, Options()).splitlines()
    assert lines[0] == "a.lua:2:5-8: (W204) too many"  # luacheck's range end is inclusive
    assert LUACHECK_RANGES.match(lines[0])
    assert lines[1] == "a.lua:3:1: (E001) bad"


# ---------------------------------------------------------------- CLI switches


def test_statistics_exit_zero_and_output_file(project: Path) -> None:
    result = run_kumocheck("check", "--statistics", "policy", cwd=project)
    assert result.returncode == 1
    assert re.search(r"^\s+2\s+KC103\s+invalid-duration$", result.stdout, re.M), result.stdout
    assert re.search(r"^\s+3\s+total in 3 files$", result.stdout, re.M), result.stdout

    result = run_kumocheck("check", "--exit-zero", "--output-format", "concise", "policy/bad.lua", cwd=project)
    assert result.returncode == 0 and "KC101" in result.stdout

    out = project / "report.sarif"
    result = run_kumocheck("check", "-o", str(out), "--output-format", "sarif", "policy/bad.lua", cwd=project)
    assert result.returncode == 1 and result.stdout == ""
    assert len(json.loads(out.read_text(encoding="utf-8"))["runs"][0]["results"]) == 2

    result = run_kumocheck("check", "--exit-zero", "policy/good.lua", cwd=project)
    assert result.returncode == 0


def test_rule_command(project: Path) -> None:
    by_name = run_kumocheck("rule", "unknown-key", cwd=project)
    by_code = run_kumocheck("rule", "kc101", cwd=project)
    assert by_name.returncode == 0 and by_name.stdout == by_code.stdout
    assert by_name.stdout.startswith("KC101 unknown-key (error)")
    assert "Why: " in by_name.stdout and "Fix: " in by_name.stdout
    listing = run_kumocheck("rule", "--all", cwd=project)
    assert listing.returncode == 0
    codes = re.findall(r"^(KC\d{3})\s", listing.stdout, re.M)
    assert codes == sorted(codes) and {"KC001", "KC101", "KC301"} <= set(codes)
    unknown = run_kumocheck("rule", "unknown-kee", cwd=project)
    assert unknown.returncode == 2 and "did you mean 'unknown-key'" in unknown.stderr


def test_stdin_uses_per_file_config(project: Path) -> None:
    (project / "kumocheck.toml").write_text(
        '[per-file-ignores]\n"policy/legacy/*.lua" = ["invalid-duration"]\n', encoding="utf-8"
    )
    text = (project / "policy" / "bad.lua").read_text(encoding="utf-8")
    args = ("check", "--output-format", "json", "-", "--stdin-filename")
    legacy = run_kumocheck(*args, "policy/legacy/bad.lua", cwd=project, stdin=text)
    current = run_kumocheck(*args, "policy/bad.lua", cwd=project, stdin=text)
    assert legacy.returncode == 1 and current.returncode == 1, legacy.stderr + current.stderr
    assert [d["rule"] for d in json.loads(current.stdout)] == ["unknown-key", "invalid-duration"]
    found = json.loads(legacy.stdout)
    assert [d["rule"] for d in found] == ["unknown-key"]
    assert found[0]["path"] == "policy/legacy/bad.lua"
    # the file does not need to exist on disk: stdin is checked, not the named path
    assert not (project / "policy" / "legacy").exists()


def test_server_without_pygls_explains_how_to_install(tmp_path: Path) -> None:
    """Without pygls, `kumocheck server` exits 2 and names the extra to install."""
    code = "import sys; sys.modules['pygls'] = None; from kumocheck.cli import main; sys.exit(main(['server']))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=kumocheck_env(), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "install kumocheck[server]" in result.stderr
    assert result.stdout == ""
