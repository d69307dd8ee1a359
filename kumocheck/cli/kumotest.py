"""`kumocheck test [PATH ...]`: run declarative policy tests (`*.kumotest.toml`).

Output like pytest's: one character per case (`.` passed, `F` failed) per file, a
FAILURES section with expected against actual per field, and "N passed, M failed";
`--output-format junit` writes JUnit XML for CI instead.

Exit codes: 0 every case passed; 1 a case failed; 2 usage errors and bad test files
(reported as `file:line: message`).
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["add_command", "run_test", "render_text", "render_junit"]


def add_command(subparsers) -> None:
    parser = subparsers.add_parser("test", help="run declarative policy tests (*.kumotest.toml)")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="test files or folders searched for *.kumotest.toml (default: .)")
    parser.add_argument("--output-format", choices=("full", "junit"), default="full")
    parser.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    parser.set_defaults(run=run_test)


def _title(result) -> str:
    case = result.case
    label = case.name if case.name == case.queue else f"{case.name} ({case.queue})"
    return f"{result.file.path}:{case.line}: {label}"


def render_text(results: list) -> str:
    lines = []
    by_file: dict = {}
    for result in results:
        by_file.setdefault(str(result.file.path), []).append(result)
    for path, group in by_file.items():
        lines.append(f"{path} " + "".join("." if r.passed else "F" for r in group))
    failed = [r for r in results if not r.passed]
    if failed:
        lines.append("")
        lines.append(" FAILURES ".center(72, "="))
        for result in failed:
            lines.append(f" {_title(result)} ".center(72, "_"))
            for what, expected, actual in result.problems:
                lines.append(f"  {what}:")
                lines.append(f"    expected: {expected}")
                for number, text in enumerate(actual.split("\n")):
                    lines.append(("    actual:   " if number == 0 else "              ") + text)
    passed = len(results) - len(failed)
    summary = f" {passed} passed" + (f", {len(failed)} failed " if failed else " ")
    lines.append(summary.center(72, "="))
    return "\n".join(lines) + "\n"


def render_junit(results: list) -> str:
    """JUnit XML: one <testsuite> per test file, one <testcase> per case."""
    import xml.etree.ElementTree as ET  # deferred: only this output format needs it

    root = ET.Element("testsuites", name="kumocheck test", tests=str(len(results)),
                      failures=str(sum(1 for r in results if not r.passed)), errors="0")
    suites: dict = {}
    for result in results:
        path = str(result.file.path)
        suite = suites.get(path)
        if suite is None:
            suite = suites[path] = ET.SubElement(root, "testsuite", name=path, tests="0", failures="0", errors="0", skipped="0")
        suite.set("tests", str(int(suite.get("tests")) + 1))
        case = ET.SubElement(suite, "testcase", classname=path, name=result.case.name,
                             file=path, line=str(result.case.line))
        if not result.passed:
            suite.set("failures", str(int(suite.get("failures")) + 1))
            first = result.problems[0]
            failure = ET.SubElement(case, "failure", message=f"{first[0]}: expected {first[1]}, got {first[2]}".split("\n")[0])
            failure.text = "\n".join(f"{what}: expected {expected}, actual {actual}" for what, expected, actual in result.problems)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def run_test(args) -> int:
    from kumocheck.cli import UsageError
    from kumocheck.cli.output import write_output
    from kumocheck.compiler.kumotest import SUFFIX, TestFileError, discover, load_test_file, run_file
    from kumocheck.compiler.resolution import PolicyLoadError, load_policy

    paths = [Path(p) for p in (args.paths or ["."])]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
    files = discover(paths)
    if not files:
        raise UsageError(f"no *{SUFFIX} files under {', '.join(str(p) for p in paths)}")
    try:
        test_files = [load_test_file(path) for path in files]
    except TestFileError as exc:
        raise UsageError(f"{exc.where}: {exc.message}") from None
    loaded: dict = {}

    def load(policy: Path, root: Path | None, dns):
        key = (policy.resolve(), root.resolve() if root else None, id(dns))
        if key not in loaded:
            try:
                loaded[key] = load_policy(policy, root, dns)
            except PolicyLoadError as exc:  # remembered: every file using the policy fails alike
                loaded[key] = exc
        if isinstance(loaded[key], PolicyLoadError):
            raise loaded[key]
        return loaded[key]

    results = []
    for test_file in test_files:
        results.extend(run_file(test_file, load))
    text = render_junit(results) if args.output_format == "junit" else render_text(results)
    write_output(text, args.output_file)
    return 0 if all(r.passed for r in results) else 1
