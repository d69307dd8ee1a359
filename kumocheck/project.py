"""Checking a set of policy files: discovery, modules, models, checks, suppressions.

`check_sources` is the one entry point used by the CLI, the language server and the
tests; it never raises for bad input in a file (that becomes a diagnostic).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, Iterator

import attrs

from kumocheck.checks import CheckContext, Finding, all_checks, unused_suppression
from kumocheck.config import Settings
from kumocheck.data_policy import DataReader, attach_data, is_data_name, kind_of, standalone
from kumocheck.diagnostics import Diagnostic, Report, Severity, unique_sorted
from kumocheck.files import MAX_SCAN_FILES, discover, display as _display, lua_files_under, policy_root, real_path
from kumocheck.gctuning import bulk_allocation
from kumocheck.model import Interpreter, PolicyModel
from kumocheck.parse.lua import LuaSyntaxError, ParsedChunk, SyntaxProblem, parse_lua, run_deep
from kumocheck.schema.model import Schema, load_schema
from kumocheck.schema.validate import Validator, nearest
from kumocheck.source import SourceError, SourceFile, Span, read_source
from kumocheck.suppress import ALL, Suppressions, collect
from kumocheck.workers import can_fork, run_pieces

_REQUIRE = re.compile(r"""\brequire\s*\(?\s*(?:'([^'\n]+)'|"([^"\n]+)"|\[\[([^\]\n]+)\]\])""")


class Workspace:
    """Parsed files (from disk or from memory), module resolution and importer lookup."""

    def __init__(self, settings: Settings, overlays: dict[Path, SourceFile] | None = None):
        self.settings = settings
        self.overlays = {p.resolve(): s for p, s in (overlays or {}).items()}
        # shown name -> real path: `require` resolves from the file, whatever it is called
        self._real_paths = {s.path: p for p, s in self.overlays.items()}
        self._parsed: dict[Path, tuple[SourceFile, ParsedChunk | None, SyntaxProblem | None]] = {}
        self._importers: dict[Path, set[str]] = {}
        self._importers_by_root: dict[Path, dict[Path, set[Path]]] = {}
        self.data = DataReader(self.source)

    def source(self, path: Path, shown: str | None = None) -> SourceFile:
        key = real_path(path)
        if key in self.overlays:
            return self.overlays[key]
        source = read_source(path)
        return attrs.evolve(source, path=shown) if shown else source

    def parsed(self, path: Path, shown: str | None = None):
        key = real_path(path)
        if key not in self._parsed:
            source = self.source(path, shown)
            self._real_paths.setdefault(source.path, key)
            if source.too_large:
                problem = SyntaxProblem("file is larger than 8 MiB: not checked", 1, 1)
                self._parsed[key] = (source, None, problem)
            else:
                try:
                    self._parsed[key] = (source, parse_lua(source.text), None)
                except LuaSyntaxError as exc:
                    self._parsed[key] = (source, None, exc.problem)
        return self._parsed[key]

    def lines_of(self, shown: str) -> list[str] | None:
        """The lines of a file already parsed under its shown name (None when not)."""
        parsed = self._parsed.get(self._real_paths.get(shown) or real_path(Path(shown)))
        return parsed[0].lines if parsed is not None else None

    def parses(self, path: Path) -> bool:
        """True when the file can be read and parsed."""
        try:
            return self.parsed(path, _display(path))[1] is not None
        except SourceError:
            return False

    def resolve(self, module: str, from_file: str) -> Path | None:
        """A module name as kumod's package.path would find it, relative to the policy root."""
        if not module or module.startswith("policy-extras.") or module == "kumo":
            return None
        relative = Path(*module.split("."))
        origin = self._real_paths.get(from_file) or Path(from_file)
        bases = [policy_root(origin, self.settings), real_path(origin).parent]
        for base in bases:
            for candidate in (base / relative.with_suffix(".lua"), base / relative / "init.lua"):
                if real_path(candidate) in self.overlays or candidate.is_file():
                    return real_path(candidate)
        return None

    def load(self, module: str, from_file: str):
        path = self.resolve(module, from_file)
        if path is None:
            return None
        try:
            source, parsed, _ = self.parsed(path, _display(path))
        except SourceError:
            return None
        if parsed is None:
            return None
        return source.path, parsed.chunk

    def _import_graph(self, root: Path) -> dict[Path, set[Path]]:
        """For every Lua file under `root`: the files that require it."""
        if root not in self._importers_by_root:
            graph: dict[Path, set[Path]] = {}
            for other in lua_files_under(root, self.settings, MAX_SCAN_FILES):
                source = real_path(other)
                for name in self._required_names(other):
                    target = self.resolve(name, str(other))
                    if target is not None and target != source:
                        graph.setdefault(target, set()).add(source)
            self._importers_by_root[root] = graph
        return self._importers_by_root[root]

    def is_module(self, path: Path) -> bool:
        """True when another Lua file under the policy root requires this file."""
        return bool(self._import_graph(policy_root(path, self.settings)).get(real_path(path)))

    def entry_points(self, path: Path) -> list[Path]:
        """The entry files (required by nobody) that load `path`, directly or not."""
        graph = self._import_graph(policy_root(path, self.settings))
        seen: set[Path] = set()
        pending = [real_path(path)]
        entries: list[Path] = []
        while pending:
            current = pending.pop()
            for importer in sorted(graph.get(current, ())):
                if importer in seen:
                    continue
                seen.add(importer)
                if graph.get(importer):
                    pending.append(importer)
                else:
                    entries.append(importer)
        return sorted(entries)

    def _required_names(self, path: Path) -> set[str]:
        key = real_path(path)
        if key not in self._importers:
            try:
                text = self.source(path).text
            except SourceError:
                text = ""
            self._importers[key] = {next(g for g in m.groups() if g) for m in _REQUIRE.finditer(text)}
        return self._importers[key]


def build_model(workspace: Workspace, path: Path, shown: str, chunk, schema: Schema | None = None) -> PolicyModel:
    """Evaluate one entry file.

    Variables that functions assign from outside their own scope are only known once every
    function has run, so when the first pass finds any, a second pass (seeing them as
    Unknown everywhere) produces the model."""
    tainted: set[tuple] = set()
    schema = schema or load_schema()
    for attempt in range(2):
        model = PolicyModel(root_file=shown)
        interpreter = Interpreter(model, workspace.load, workspace.resolve, tainted)
        interpreter.helper_registrations = schema.helper_registrations
        interpreter.helper_returns = {
            (name, method): spec.returns
            for name, helper in schema.extras.helpers.items()
            for method, spec in helper.methods.items()
            if spec.returns
        }
        model.binary = schema.program_for(path.as_posix())  # by name, or tsa/init.lua by folder
        interpreter.source_lines = workspace.lines_of  # to place method names exactly
        interpreter.event_param_types = {name: e.param_types for name, e in schema.events.items() if e.param_types}
        interpreter.inert_events = {
            name for name, event in schema.events.items() if event.binary not in ("all", model.binary)
        }
        interpreter.run(shown, chunk)
        if not tainted:
            break
    model.is_module = workspace.is_module(path)
    attach_data(model, path, workspace.data, workspace.settings, schema)
    return model


_ESCAPED_NEAR = re.compile(r"near '<\\\d+>'")


def readable_near(message: str, source: SourceFile, line: int, column: int) -> str:
    """Lua's `near '<\\195>'` (the first byte of the character's UTF-8 form) as what the
    file holds: `near byte 0xFF` in a file read as Latin-1, else `near 'é' (U+00E9)`."""
    lines = source.text.split("\n")
    if not _ESCAPED_NEAR.search(message) or not 1 <= line <= len(lines) or not 1 <= column <= len(lines[line - 1]):
        return message
    char = lines[line - 1][column - 1]
    if source.encoding_problem and ord(char) <= 0xFF:
        shown = f"near byte 0x{ord(char):02X}"
    elif char.isprintable():
        shown = f"near '{char}' (U+{ord(char):04X})"
    else:
        shown = f"near U+{ord(char):04X}"
    return _ESCAPED_NEAR.sub(lambda _: shown, message, count=1)


class Checker:
    """Runs every selected check over files and turns findings into diagnostics."""

    def __init__(self, settings: Settings, schema: Schema | None = None):
        self.settings = settings
        self.schema = schema or load_schema()
        self.validator = Validator(self.schema, settings.target_version)
        self.checks = all_checks()
        self._findings: dict[Path, list[Finding]] = {}
        self._models_data: dict[Path, list] = {}  # entry file -> the data files its helpers load
        self._loaded: dict[Path, list[str]] = {}  # entry file -> the other files its policy reads
        self._known_rules = set(self.schema.rules) | {r.code.lower() for r in self.schema.rules.values()}

    def rule_enabled(self, rule: str, path: str) -> bool:
        spec = self.schema.rules.get(rule)
        names = {rule, spec.code if spec else rule}
        lowered = {n.lower() for n in names}

        def matches(selectors: Iterable[str]) -> bool:
            return any(s.lower() in lowered or (spec and spec.code.lower().startswith(s.lower())) or s.upper() == "ALL" for s in selectors)

        if self.settings.select and not matches(self.settings.select):
            return False
        if matches(self.settings.ignore) or matches(self.settings.ignored_for(path)):
            return False
        return True

    def check_file(self, workspace: Workspace, path: Path, shown: str) -> list[Diagnostic]:
        if is_data_name(path):
            return self.check_data_file(workspace, path, shown)
        source, parsed, problem = workspace.parsed(path, shown)
        findings: list[Finding] = []
        if source.encoding_problem:
            findings.append(
                Finding(
                    "source-encoding",
                    shown,
                    Span.point(source.encoding_line, 1),
                    f"file is not valid UTF-8 ({source.encoding_problem}); it was read as Latin-1",
                    "save the file as UTF-8: KumoMTA's configuration values must be UTF-8",
                )
            )
        if problem is not None:
            end = problem.end_column or problem.column + 1
            findings.append(
                Finding(
                    "syntax-error",
                    shown,
                    Span(problem.line, problem.column, problem.line, end),
                    readable_near(problem.message, source, problem.line, problem.column),
                    None,
                )
            )
            return self._finish(findings, shown, None, source)
        entries = [entry for entry in workspace.entry_points(path) if workspace.parses(entry)]
        if not entries:  # a module is judged through the entry files that load it
            findings.extend(f for f in self._policy_findings(workspace, path, shown, parsed) if f.file == shown)
        for entry in entries:
            findings.extend(f for f in self._policy_findings(workspace, entry, _display(entry)) if f.file == shown)
        suppressions = collect(parsed.comments, source.lines)
        findings.extend(self._bad_directives(suppressions, shown))
        return self._finish(findings, shown, suppressions, source)

    def check_data_file(self, workspace: Workspace, path: Path, shown: str) -> list[Diagnostic]:
        """A data file: judged through the policies that load it, else alone by its kind."""
        source, document, problem = workspace.data.read(path, shown)
        if problem is not None:
            span = Span(problem.line, problem.column, problem.line, problem.end_column or problem.column + 1)
            return self._finish([Finding("syntax-error", shown, span, problem.message)], shown, None, source)
        findings: list[Finding] = []
        loaders = self.loaders_of(workspace, path)
        for entry in loaders:
            findings.extend(f for f in self._policy_findings(workspace, entry, _display(entry)) if f.file == shown)
        kind = kind_of(path, self.settings, self.schema)
        if not loaders and kind is not None:
            model = standalone(path, shown, kind, document, self.schema)
            context = CheckContext(model, self.schema, self.validator, self.settings.target_version)
            for check in self.checks:
                findings.extend(f for f in check(context) if f.file == shown)
        suppressions = collect(document.comments, source.lines)
        findings.extend(self._bad_directives(suppressions, shown))
        return self._finish(findings, shown, suppressions, source)

    def loaders_of(self, workspace: Workspace, path: Path) -> list[Path]:
        """The entry files under the policy root whose helpers load this data file."""
        root = policy_root(path, self.settings)
        target = path.resolve()
        found = []
        for lua in lua_files_under(root, self.settings, MAX_SCAN_FILES):
            if workspace.is_module(lua) or not workspace.parses(lua):
                continue
            if any(d.path is not None and d.path.resolve() == target for d in self._data_of(workspace, lua)):
                found.append(lua)
        return found

    def _data_of(self, workspace: Workspace, entry: Path) -> list:
        key = entry.resolve()
        if key not in self._models_data:
            self._policy_findings(workspace, entry, _display(entry))
        return self._models_data.get(key, [])

    def _policy_findings(
        self, workspace: Workspace, path: Path, shown: str, parsed: ParsedChunk | None = None
    ) -> list[Finding]:
        """Findings of the policy whose entry file is `path`, in any of its files (cached)."""
        key = real_path(path)
        if key not in self._findings:
            if parsed is None:
                try:
                    _, parsed, _ = workspace.parsed(path, shown)
                except SourceError:
                    parsed = None
            found: list[Finding] = []
            if parsed is not None:
                try:
                    model = build_model(workspace, path, shown, parsed.chunk, self.schema)
                    self._models_data[key] = model.data_files
                    context = CheckContext(
                        model, self.schema, self.validator, self.settings.target_version, policy_root(path, self.settings)
                    )
                    self._loaded[key] = [name for name in model.files if name != shown]
                    for check in self.checks:
                        found.extend(check(context))
                except RecursionError:
                    found = [
                        Finding(
                            "syntax-error",
                            shown,
                            Span.point(1, 1),
                            "code nested too deeply to analyse",
                            "split deeply nested expressions into locals",
                        )
                    ]
            self._findings[key] = found
        return self._findings[key]

    def loaded_files(self, workspace: Workspace, path: Path, shown: str) -> list[str]:
        """The other files (shown names) that the policy with entry file `path` loads and
        has findings in; empty when `path` is itself a module (judged through its entries)."""
        key = path.resolve()
        if key not in self._findings or workspace.entry_points(path):
            return []
        names = list(self._loaded.get(key, []))
        names += [f.file for f in self._findings[key] if f.file != shown and f.file not in names]
        return [name for name in names if not self.settings.excluded(Path(name))]

    def _bad_directives(self, suppressions: Suppressions, shown: str) -> Iterator[Finding]:
        for directive in suppressions.directives:
            for name in directive.rules:
                if name == ALL or name in self._known_rules:
                    continue
                guess = nearest(name, sorted(self.schema.rules))
                yield Finding(
                    "unknown-suppression",
                    shown,
                    directive.span,
                    f"unknown rule '{name}' in a kumocheck suppression comment",
                    f"did you mean '{guess}'?" if guess else "run `kumocheck rule --all` for the rule names",
                )

    def _finish(
        self, findings: list[Finding], shown: str, suppressions: Suppressions | None, source: SourceFile
    ) -> list[Diagnostic]:
        out: dict[tuple, Diagnostic] = {}
        used: set[tuple[int, str]] = set()  # (directive index, name) that silenced something
        self._add(findings, shown, suppressions, out, used)
        if suppressions is not None and suppressions.directives:
            unused = unused_suppression.check(
                suppressions,
                used,
                self._rule_of,
                lambda rule: self.rule_enabled(rule, shown),
                not self.settings.select,
                shown,
                source.text.split("\n"),
            )
            self._add(list(unused), shown, suppressions, out, set())
        return sorted(out.values(), key=lambda d: d.sort_key)

    def _add(
        self,
        findings: list[Finding],
        shown: str,
        suppressions: Suppressions | None,
        out: dict[tuple, Diagnostic],
        used: set[tuple[int, str]],
    ) -> None:
        for finding in findings:
            spec = self.schema.rules.get(finding.rule)
            if spec is None:
                raise KeyError(f"rule {finding.rule!r} has no entry in rules/rules.toml")
            if not self.rule_enabled(finding.rule, shown):
                continue
            if finding.rule == "unused-suppression":  # only when named: a bare `ignore` cannot hide itself
                if suppressions is not None and any(
                    name != ALL for d in suppressions.directives for name in d.covers(finding.span.line, finding.rule, spec.code)
                ):
                    continue
            elif (
                suppressions is not None
                and finding.rule != "unknown-suppression"
                and suppressions.silenced(finding.span.line, finding.rule, spec.code)
            ):
                for index, directive in enumerate(suppressions.directives):
                    used.update((index, name) for name in directive.covers(finding.span.line, finding.rule, spec.code))
                continue
            severity = Severity(finding.severity or spec.severity)
            diagnostic = Diagnostic(
                shown, finding.span, severity, spec.code, spec.name, finding.message, finding.help, finding.fix
            )
            out.setdefault((finding.rule, finding.span, finding.message), diagnostic)

    def _rule_of(self, name: str) -> str | None:
        """The rule a suppression names (by name or code), or None."""
        if name in self.schema.rules:
            return name
        return next((r.name for r in self.schema.rules.values() if r.code.lower() == name), None)


PARALLEL_MIN_FILES = 8
PARALLEL_MIN_BYTES = 1 << 20  # below this, starting worker processes costs more than it saves
PARALLEL_MIN_BYTES_FORKED = 64 << 10  # forked workers start in milliseconds (kumocheck/workers.py)


def policy_files(path: Path, settings: Settings) -> list[Path]:
    """The entry file and every module of the policy it loads (for `compile`)."""
    workspace = Workspace(settings)
    try:
        _, parsed, _ = workspace.parsed(path, _display(path))
    except SourceError:
        return [path]
    if parsed is None:
        return [path]
    model = build_model(workspace, path, _display(path), parsed.chunk)
    return [path] + [Path(name) for name in model.files[1:]]


def check_sources(
    paths: list[Path],
    settings: Settings,
    overlays: dict[Path, SourceFile] | None = None,
    shown_names: dict[Path, str] | None = None,
    jobs: int = 1,
    named: set[Path] | None = None,
) -> Report:
    """Check files (and directories); `overlays` supplies unsaved or stdin text."""
    real_path.cache_clear()
    with bulk_allocation():
        return _check_sources(paths, settings, overlays, shown_names, jobs, named)


def _check_sources(
    paths: list[Path],
    settings: Settings,
    overlays: dict[Path, SourceFile] | None,
    shown_names: dict[Path, str] | None,
    jobs: int,
    named: set[Path] | None,
) -> Report:
    report = Report()
    workspace = Workspace(settings, overlays)
    schema = load_schema()
    walked = attrs.evolve(settings, data_kind=None)  # --data-kind is for files named explicitly
    finder = Checker(settings, schema)  # its models are reused below when checking serially
    files, report.errors = discover(
        [p for p in paths if p.resolve() not in workspace.overlays],
        settings,
        lambda p: kind_of(p, walked, schema) is not None or bool(finder.loaders_of(workspace, p)),
    )
    files += [p for p in paths if p.resolve() in workspace.overlays]
    files = _known_data_files(files, settings, schema, finder, workspace, report, named)
    min_bytes = PARALLEL_MIN_BYTES_FORKED if can_fork() else PARALLEL_MIN_BYTES
    if jobs > 1 and not overlays and len(files) >= PARALLEL_MIN_FILES and sum(map(_size, files)) >= min_bytes:
        _check_parallel(files, settings, shown_names or {}, jobs, report)
    else:
        checker = finder
        checked = {path.resolve() for path in files}
        for path in files:
            shown = (shown_names or {}).get(path) or _display(path)
            try:
                report.diagnostics.extend(run_deep(lambda: checker.check_file(workspace, path, shown)))
                read = workspace.data.read if is_data_name(path) else workspace.parsed
                report.sources[shown] = read(path, shown)[0].text
                report.files_checked += 1
            except SourceError as exc:
                report.errors.append(str(exc))
            else:
                _check_loaded(checker, workspace, path, shown, checked, report)
    report.diagnostics = unique_sorted(report.diagnostics)  # a module twice
    return report


def _known_data_files(
    files: list[Path],
    settings: Settings,
    schema: Schema,
    checker: Checker,
    workspace: Workspace,
    report: Report,
    named: set[Path] | None,
) -> list[Path]:
    """Drop data files of no known kind that no policy loads: with a message when the user
    named them (`named`: those paths; None: every path given), silently when walked."""
    kept = []
    for path in files:
        if is_data_name(path) and kind_of(path, settings, schema) is None:
            if not checker.loaders_of(workspace, path):
                if named is not None and path.resolve() not in named:
                    continue
                report.errors.append(
                    f"{_display(path)}: not a data file of a known kind; name its kind with "
                    "--data-kind or a [data-files] glob (kinds: shaping, sources, queues, listener-domains, dkim)"
                )
                continue
        kept.append(path)
    return kept


def _check_loaded(checker: Checker, workspace: Workspace, entry: Path, shown: str, checked: set[Path], report: Report) -> None:
    """Report the findings of the files an entry file loads, in those files (as compile
    refuses them), unless they are named themselves (then they are checked on their own)."""
    for name in checker.loaded_files(workspace, entry, shown):
        path = Path(name)
        report.loaded.setdefault(shown, []).append(name)
        if path.resolve() in checked:
            continue
        checked.add(path.resolve())
        try:
            report.diagnostics.extend(run_deep(lambda: checker.check_file(workspace, path, name)))
            read = workspace.data.read if is_data_name(path) else workspace.parsed
            report.sources[name] = read(path, name)[0].text
            report.files_checked += 1
        except SourceError:
            continue  # the entry's own findings already say what is wrong with loading it


def _check_bucket(paths: list[Path], settings: Settings, shown_names: dict[Path, str]) -> Report:
    return check_sources(paths, settings, shown_names=shown_names, jobs=1)


def _check_parallel(
    files: list[Path], settings: Settings, shown_names: dict[Path, str], jobs: int, report: Report
) -> None:
    """Spread whole policies (files sharing a root) over worker processes."""
    groups: dict[Path, list[Path]] = {}
    for path in files:
        groups.setdefault(policy_root(path, settings), []).append(path)
    buckets: list[list[Path]] = [[] for _ in range(min(jobs, len(groups)))]
    weights = [0] * len(buckets)
    for group in sorted(groups.values(), key=lambda g: -sum(_size(p) for p in g)):
        lightest = weights.index(min(weights))
        buckets[lightest].extend(group)
        weights[lightest] += sum(_size(p) for p in group)
    if len(buckets) < 2:
        report_one = _check_bucket(files, settings, shown_names)
        _merge(report, report_one)
        return
    if can_fork():
        load_schema()  # once, before the workers fork: they share it
    for part in run_pieces(_check_bucket, [(bucket, settings, shown_names) for bucket in buckets]):
        _merge(report, part)


def _merge(report: Report, part: Report) -> None:
    report.diagnostics.extend(part.diagnostics)
    report.errors.extend(part.errors)
    report.sources.update(part.sources)
    report.files_checked += part.files_checked
    for entry, names in part.loaded.items():
        report.loaded.setdefault(entry, []).extend(names)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
