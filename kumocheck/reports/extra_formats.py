"""Output formats for CI systems and other tools: SARIF, GitHub annotations, JUnit XML
and luacheck's `plain` line format.

Every renderer takes the `Report` of one run and returns the whole text. Paths in
SARIF and GitHub annotations are relative to the repository root (the nearest
folder holding `.git` above the working directory, else the working directory).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable
from urllib.parse import quote

from kumocheck.diagnostics import Diagnostic, Severity
from kumocheck.diagnostics import Report
from kumocheck.schema.model import RuleSpec
from kumocheck.source import Span

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kumocheck/kumocheck"


# ---------------------------------------------------------------- paths


def repository_root(start: Path | None = None) -> Path:
    """The nearest folder at or above `start` (default: cwd) holding `.git`, else `start`."""
    base = (start or Path.cwd()).resolve()
    for directory in (base, *base.parents):
        if (directory / ".git").exists():
            return directory
    return base


def relative_path(shown: str, root: Path) -> str | None:
    """`shown` relative to `root` with forward slashes, or None when it lies outside."""
    path = Path(shown)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root).as_posix()
    except ValueError:
        return None


# ---------------------------------------------------------------- SARIF 2.1.0

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _sarif_rule(spec: RuleSpec) -> dict:
    from kumocheck.docs import rule_body_markdown, rule_text, rule_url

    markdown = [f"**{spec.code} {spec.name}**: {spec.summary}", "", *rule_body_markdown(spec)]
    return {
        "id": spec.code,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.why},
        "help": {"text": rule_text(spec), "markdown": "\n".join(markdown)},
        "helpUri": rule_url(spec),
        "defaultConfiguration": {"level": _LEVELS[Severity(spec.severity)]},
        "properties": {"tags": ["kumomta", "lua"]},
    }


def _sarif_region(span: Span) -> dict:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def _artifact_location(shown: str, root: Path) -> dict:
    relative = relative_path(shown, root)
    if relative is not None:
        return {"uri": quote(relative), "uriBaseId": "SRCROOT"}
    path = Path(shown)
    return {"uri": (path if path.is_absolute() else Path.cwd() / path).resolve().as_uri()}


def render_sarif(report: Report, options: object = None) -> str:
    """A SARIF 2.1.0 log with one run: every rule's metadata and one result per finding."""
    from kumocheck import __version__
    from kumocheck.schema.model import load_schema

    schema = load_schema()
    root = repository_root()
    specs = sorted(schema.rules.values(), key=lambda r: r.code)
    index = {spec.code: i for i, spec in enumerate(specs)}
    results = []
    for d in report.diagnostics:
        location = _artifact_location(d.path, root)
        result: dict = {
            "ruleId": d.code,
            "level": _LEVELS[d.severity],
            "message": {"text": d.message + (f"\nhelp: {d.help}" if d.help else "")},
            "locations": [{"physicalLocation": {"artifactLocation": location, "region": _sarif_region(d.span)}}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        if d.fix is not None:
            result["fixes"] = [
                {
                    "description": {"text": d.fix.title},
                    "properties": {"applicability": d.fix.applicability},
                    "artifactChanges": [
                        {
                            "artifactLocation": location,
                            "replacements": [
                                {
                                    "deletedRegion": _sarif_region(d.fix.span),
                                    "insertedContent": {"text": d.fix.replacement},
                                }
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
    invocation: dict = {"executionSuccessful": not report.errors}
    if report.errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": error}} for error in report.errors
        ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "kumocheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_sarif_rule(spec) for spec in specs],
                    }
                },
                "originalUriBaseIds": {"SRCROOT": {"uri": root.as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "invocations": [invocation],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------- GitHub workflow commands

_GITHUB_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a `key=value` property of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report, options: object = None) -> str:
    """`::error file=...,line=...::message` annotations for GitHub Actions logs."""
    root = repository_root()
    lines = []
    for d in report.diagnostics:
        path = relative_path(d.path, root) or d.path
        props = [("file", path), ("line", str(d.span.line))]
        if d.span.end_line == d.span.line:  # GitHub ignores columns on multi-line annotations
            props += [("col", str(d.span.column)), ("endLine", str(d.span.end_line)), ("endColumn", str(d.span.end_column))]
        else:
            props.append(("endLine", str(d.span.end_line)))
        props.append(("title", f"{d.code} {d.rule}"))
        prop_text = ",".join(f"{key}={escape_property(value)}" for key, value in props)
        message = d.message + (f"\nhelp: {d.help}" if d.help else "")
        lines.append(f"::{_GITHUB_COMMANDS[d.severity]} {prop_text}::{escape_data(message)}")
    return "\n".join(lines) + ("\n" if lines else "")


# ---------------------------------------------------------------- JUnit XML

_XML_INVALID = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """Drop characters XML 1.0 cannot carry (control characters, lone surrogates)."""
    return _XML_INVALID.sub("\ufffd", text)


def _failure_text(d: Diagnostic) -> str:
    text = f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.rule}] {d.message}"
    return text + (f"\nhelp: {d.help}" if d.help else "")


def render_junit(report: Report, options: object = None) -> str:
    """One testsuite; a testcase per checked file; a failure per finding."""
    by_file: dict[str, list[Diagnostic]] = {path: [] for path in report.sources}
    for d in report.diagnostics:
        by_file.setdefault(d.path, []).append(d)
    cases = len(by_file) + len(report.errors)
    suites = ET.Element("testsuites", name="kumocheck")
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="kumocheck",
        tests=str(cases),
        failures=str(len(report.diagnostics)),
        errors=str(len(report.errors)),
        skipped="0",
    )
    suites.set("tests", str(cases))
    suites.set("failures", str(len(report.diagnostics)))
    suites.set("errors", str(len(report.errors)))
    for path, found in by_file.items():
        case = ET.SubElement(suite, "testcase", name=_xml_text(path), classname="kumocheck", file=_xml_text(path))
        for d in found:
            failure = ET.SubElement(
                case,
                "failure",
                message=_xml_text(f"{d.code} [{d.rule}] line {d.span.line}: {d.message}"),
                type=d.code,
            )
            failure.text = _xml_text(_failure_text(d))
    for error in report.errors:
        case = ET.SubElement(suite, "testcase", name=_xml_text(error), classname="kumocheck")
        ET.SubElement(case, "error", message=_xml_text(error), type="input-error").text = _xml_text(error)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


# ---------------------------------------------------------------- luacheck plain


def luacheck_code(d: Diagnostic) -> str:
    """`E101`/`W101`: luacheck's letter (E for errors) and the digits of the kumocheck code."""
    digits = "".join(ch for ch in d.code if ch.isdigit()) or "000"
    return ("E" if d.severity is Severity.ERROR else "W") + digits


def render_plain(report: Report, options: object = None) -> str:
    """luacheck's `--formatter plain --codes` lines; with `options.ranges`, `--ranges` style.

    luacheck's range end column is inclusive and on the start line; a span over
    several lines therefore gets the plain `line:col:` form.
    """
    ranges = bool(getattr(options, "ranges", False))
    lines = []
    for d in report.diagnostics:
        where = f"{d.path}:{d.span.line}:{d.span.column}"
        if ranges and d.span.end_line == d.span.line:
            where += f"-{max(d.span.end_column - 1, d.span.column)}"
        lines.append(f"{where}: ({luacheck_code(d)}) {d.message}")
    return "\n".join(lines) + ("\n" if lines else "")


RENDERERS: dict[str, Callable[[Report, object], str]] = {
    "sarif": render_sarif,
    "github": render_github,
    "junit": render_junit,
    "plain": render_plain,
}
