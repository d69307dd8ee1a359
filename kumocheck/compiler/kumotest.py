"""Declarative policy tests (`*.kumotest.toml`) and their runner (`kumocheck test`).

    policy = "../policy.lua"          # entry file or folder, relative to this file
    policy_root = ".."                # optional: the folder require() names start from
    dns = "dns.toml"                  # optional: DNS fixture for the helpers' MX look-ups

    [[case]]
    name = "bulk mail at gmail"       # optional (default: the queue name)
    queue = "bulk@gmail.com"
    expect = { egress_pool = "pool-bulk", retry_interval = "10m" }
    unset = ["max_message_rate"]      # optional: fields expected to be null

    [[case]]
    queue = "x@broken.example"
    error = "no route"                # the resolution must raise; substring of the message
    # error_regex = "^policy.lua:\\d+: no route"   # or a regular expression (re.search)

`expect` names a subset of the config's fields (the keys of `to_dict()`); nested
tables match as subsets (`expect.protocol.smtp.mx_list = [...]`); durations compare by
value (`"600s"` matches `"10m"`), throttles after normalising (`"1_000/h"` is `1000/h`).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Callable

import attrs

from kumocheck.compiler.resolution import PolicyLoadError, ResolvedPolicy, value_text
from kumocheck.extras.dns import NO_DNS, DnsFixture, DnsFixtureError, load_fixture
from kumocheck.runtime.queue_config import CONFIG_FIELDS
from kumocheck.schema.validate import nearest
from kumocheck.values import humantime, throttle

__all__ = ["TestFileError", "TestCase", "TestFile", "CaseResult", "load_test_file", "run_file", "discover"]

SUFFIX = ".kumotest.toml"
_FILE_KEYS = ("policy", "policy_root", "dns", "case")
_CASE_KEYS = ("name", "queue", "expect", "unset", "error", "error_regex")
_DURATIONS = frozenset({
    "retry_interval", "max_retry_interval", "max_age", "reap_interval", "refresh_interval", "timerwheel_tick_interval",
})


class TestFileError(Exception):
    """A test file that cannot be run: `where` is `file:line`."""

    __test__ = False  # not a pytest test class

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


@attrs.frozen
class TestCase:
    __test__ = False

    name: str
    queue: str
    line: int
    expect: dict
    unset: tuple[str, ...]
    error: str | None
    error_regex: re.Pattern | None


@attrs.frozen
class TestFile:
    __test__ = False

    path: Path
    policy: Path
    policy_root: Path | None
    cases: tuple[TestCase, ...]
    dns: DnsFixture = NO_DNS


@attrs.frozen
class CaseResult:
    """One case's verdict; `problems` are (what, expected, actual) lines when it failed."""

    file: TestFile
    case: TestCase
    problems: tuple[tuple[str, str, str], ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems


def _case_lines(text: str) -> list[int]:
    """Line numbers of the `[[case]]` headers, in order."""
    return [number for number, line in enumerate(text.splitlines(), start=1) if re.match(r"^\s*\[\[\s*case\s*\]\]", line)]


def _key_line(text: str, key: str, start: int, end: int | None) -> int:
    """The line of `key =` (or `[case.key...]`) between lines start and end; else start."""
    pattern = re.compile(rf"(^|[\s{{,.\[])[\"']?{re.escape(key)}[\"']?\s*(=|\.|\])")
    for number, line in enumerate(text.splitlines(), start=1):
        if number < start or (end is not None and number >= end):
            continue
        if pattern.search(line.split("#", 1)[0]):
            return number
    return start


def _check_keys(found: dict, allowed: tuple[str, ...], where: Callable[[str], str], what: str) -> None:
    for key in found:
        if key not in allowed:
            guess = nearest(key, list(allowed))
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise TestFileError(where(key), f"unknown key '{key}' in {what}{hint}")


def _expect_value(field: str, value: Any, where: str) -> None:
    if field in _DURATIONS and isinstance(value, str):
        try:
            humantime.parse_duration(value)
        except humantime.DurationError as exc:
            raise TestFileError(where, f"expect.{field}: {exc}") from None
    if field == "max_message_rate" and isinstance(value, str):
        try:
            throttle.parse_throttle(value)
        except throttle.ThrottleError as exc:
            raise TestFileError(where, f"expect.{field}: {exc}") from None


def _case(raw: Any, text: str, shown: str, header: int, end: int | None) -> TestCase:
    def where(key: str | None = None) -> str:
        return f"{shown}:{_key_line(text, key, header, end) if key else header}"

    if not isinstance(raw, dict):
        raise TestFileError(where(), "each [[case]] must be a table")
    _check_keys(raw, _CASE_KEYS, where, "[[case]]")
    queue = raw.get("queue")
    if not isinstance(queue, str) or not queue:
        raise TestFileError(where("queue" if "queue" in raw else None), "a case needs queue = \"[campaign:]tenant@domain[!routing_domain]\"")
    expect = raw.get("expect", {})
    if not isinstance(expect, dict):
        raise TestFileError(where("expect"), "expect must be a table of field = value")
    unset = raw.get("unset", [])
    if not isinstance(unset, list) or not all(isinstance(u, str) for u in unset):
        raise TestFileError(where("unset"), "unset must be a list of field names")
    for field in list(expect) + list(unset):
        if field not in CONFIG_FIELDS:
            guess = nearest(field, list(CONFIG_FIELDS))
            hint = f" (did you mean '{guess}'?)" if guess else ""
            raise TestFileError(where(field), f"'{field}' is not a queue config field{hint}")
    for field, value in expect.items():
        _expect_value(field, value, where(field))
    error, regex = raw.get("error"), raw.get("error_regex")
    if error is not None and not isinstance(error, str):
        raise TestFileError(where("error"), "error must be a string (a part of the expected message)")
    compiled = None
    if regex is not None:
        if not isinstance(regex, str):
            raise TestFileError(where("error_regex"), "error_regex must be a string")
        try:
            compiled = re.compile(regex)
        except re.error as exc:
            raise TestFileError(where("error_regex"), f"error_regex: {exc}") from None
    if (error is not None or compiled is not None) and (expect or unset):
        raise TestFileError(where(), "a case expects either fields (expect/unset) or an error, not both")
    if error is None and compiled is None and not expect and not unset:
        raise TestFileError(where(), "a case needs expect, unset, error or error_regex")
    name = raw.get("name", queue)
    if not isinstance(name, str):
        raise TestFileError(where("name"), "name must be a string")
    return TestCase(name, queue, header, expect, tuple(unset), error, compiled)


def load_test_file(path: Path) -> TestFile:
    """Parse and validate a test file (raises TestFileError with file:line)."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TestFileError(shown, f"cannot read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        raise TestFileError(f"{shown}:{found.group(1)}" if found else shown, f"not valid TOML: {exc}") from None
    _check_keys(data, _FILE_KEYS, lambda key: f"{shown}:{_key_line(text, key, 1, None)}", "the test file")
    policy = data.get("policy")
    if not isinstance(policy, str):
        raise TestFileError(f"{shown}:1", "the test file needs policy = \"path/to/policy.lua\" (relative to the test file)")
    base = path.parent
    policy_path = base / policy
    if not policy_path.exists():
        raise TestFileError(f"{shown}:{_key_line(text, 'policy', 1, None)}", f"policy {policy}: no such file or directory")
    root = data.get("policy_root")
    root_path = None
    if root is not None:
        root_path = base / root if isinstance(root, str) else None
        if root_path is None or not root_path.is_dir():
            raise TestFileError(f"{shown}:{_key_line(text, 'policy_root', 1, None)}", f"policy_root {root}: not a directory")
    dns = NO_DNS
    if "dns" in data:
        dns_line = f"{shown}:{_key_line(text, 'dns', 1, None)}"
        if not isinstance(data["dns"], str) or not (base / data["dns"]).is_file():
            raise TestFileError(dns_line, f"dns {data['dns']}: no such file (a TOML DNS fixture, relative to the test file)")
        try:
            dns = load_fixture(base / data["dns"])
        except DnsFixtureError as exc:
            raise TestFileError(dns_line, f"dns: {exc}") from None
    raw_cases = data.get("case", [])
    if not isinstance(raw_cases, list) or not raw_cases:
        raise TestFileError(f"{shown}:1", "no [[case]] tables")
    headers = _case_lines(text)
    cases = []
    for index, raw in enumerate(raw_cases):
        header = headers[index] if index < len(headers) else 1
        end = headers[index + 1] if index + 1 < len(headers) else None
        cases.append(_case(raw, text, shown, header, end))
    return TestFile(path, policy_path, root_path, tuple(cases), dns)


def discover(paths: list[Path]) -> list[Path]:
    """Test files: the files named, and every *.kumotest.toml under the folders named."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{SUFFIX}") if p.is_file()))
        else:
            found.append(path)
    return found


def _same(expected: Any, actual: Any) -> bool:
    """`expected` matches `actual`: tables as subsets, lists item by item, scalars equal."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and _same(v, actual[k]) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(map(_same, expected, actual))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return expected == actual


def _field_matches(field: str, expected: Any, actual: Any) -> bool:
    if actual is not None and field in _DURATIONS and isinstance(expected, (str, int)) and not isinstance(expected, bool):
        wanted = humantime.parse_duration(expected) if isinstance(expected, str) else humantime.duration_from_seconds(expected)
        return wanted == humantime.parse_duration(actual)
    if actual is not None and field == "max_message_rate" and isinstance(expected, str):
        return throttle.format_throttle(throttle.parse_throttle(expected)) == actual
    return _same(expected, actual)


def check_case(case: TestCase, outcome) -> tuple[tuple[str, str, str], ...]:
    """What is wrong with an outcome (verify.Outcome) for a case; empty when it passes."""
    if case.error is not None or case.error_regex is not None:
        wanted = f"an error matching /{case.error_regex.pattern}/" if case.error_regex is not None else f"an error containing {case.error!r}"
        if outcome.error is None:
            return (("error", wanted, "no error (a config)"),)
        message = outcome.error
        if (case.error is not None and case.error not in message) or (case.error_regex is not None and not case.error_regex.search(message)):
            return (("error", wanted, message),)
        return ()
    if outcome.error is not None:
        return (("result", "a config", f"error: {outcome.error}"),)
    problems = []
    for field, expected in case.expect.items():
        actual = outcome.shape.get(field)
        if not _field_matches(field, expected, actual):
            problems.append((field, value_text(expected), value_text(actual)))
    for field in case.unset:
        if outcome.shape.get(field) is not None:
            problems.append((field, "null (unset)", value_text(outcome.shape.get(field))))
    return tuple(problems)


def run_file(test_file: TestFile, load: Callable[[Path, Path | None, DnsFixture], ResolvedPolicy]) -> list[CaseResult]:
    """Run every case of a file; a policy that cannot be loaded fails each case."""
    try:
        policy = load(test_file.policy, test_file.policy_root, test_file.dns)
    except PolicyLoadError as exc:
        reason = exc.message + "".join(f"\n{line}" for line in exc.lines)
        return [CaseResult(test_file, case, (("policy", "a policy that compiles and loads", reason),)) for case in test_file.cases]
    return [CaseResult(test_file, case, check_case(case, policy.outcome(case.queue))) for case in test_file.cases]
