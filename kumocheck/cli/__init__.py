"""The `kumocheck` command line.

Exit codes: 0 no findings, 1 findings, 2 usage error or unreadable input,
3 internal error (a bug in kumocheck: please report it).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from kumocheck.cli import registry
from kumocheck.cli.fix import add_fix_options, check_fix_options, run_fixes, wants_fixing

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
OUTPUT_FORMATS = ("full", "concise", "json", "sarif", "github", "junit", "plain")


class UsageError(Exception):
    """A bad option or input, reported in one line with exit code 2."""


def _split_rules(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for value in values or ():
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


def _version() -> str:
    from kumocheck import __version__

    return __version__


def build_parser(command: str | None | bool = True) -> argparse.ArgumentParser:
    """The whole command line; `command` a subcommand's name: import only the module
    that adds it (the others are listed by name and help, see `registry`)."""
    parser = argparse.ArgumentParser(
        prog="kumocheck",
        description="Static checker and ahead-of-time compiler for KumoMTA Lua policies.",
        epilog="Exit codes: 0 no findings, 1 findings, 2 usage error or unreadable input, 3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"kumocheck {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser("check", help="check policy files for mistakes kumod would only find at run time")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin")
    check.add_argument("--output-format", choices=OUTPUT_FORMATS, default=None, help="report format (default: full)")
    check.add_argument("--select", action="append", metavar="RULES", help="only these rules (names or codes, comma-separated; code prefixes like KC1 work)")
    check.add_argument("--ignore", action="append", metavar="RULES", help="skip these rules (names or codes, comma-separated)")
    check.add_argument("--config", metavar="FILE", help="read settings from this kumocheck.toml or pyproject.toml")
    check.add_argument("--isolated", action="store_true", help="ignore configuration files")
    check.add_argument("--policy-root", metavar="DIR", help="folder that require() names are relative to")
    check.add_argument("--target-version", metavar="RELEASE", help="the oldest KumoMTA release the policy must run on, e.g. 2024.11.08")
    check.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin (for messages and per-file settings)")
    check.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even when there are findings")
    check.add_argument("--statistics", action="store_true", help="print a count of findings per rule instead of the findings")
    check.add_argument("--ranges", action="store_true", help="with --output-format plain: luacheck's path:line:col-endcol: form")
    check.add_argument("-j", "--jobs", type=int, metavar="N", default=None, help="check with N processes (default: the number of cores)")
    check.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    check.add_argument("--cache-dir", metavar="DIR", help="where the result cache lives (default: .kumocheck_cache; env KUMOCHECK_CACHE_DIR)")
    check.add_argument("--data-kind", choices=("shaping", "sources", "queues", "listener-domains", "dkim"), help="the kind of the TOML/JSON data files named on the command line")
    check.add_argument("--skip-unknown-data", action="store_true", help="skip TOML/JSON files of no known data kind silently, also when named (for pre-commit)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour in full output (default: auto; NO_COLOR is honoured)")
    check.add_argument("--force-exclude", action="store_true", help="apply exclude/extend-exclude to files named on the command line too (for pre-commit)")
    add_fix_options(check)

    rule = commands.add_parser("rule", help="explain a rule")
    rule.add_argument("name", nargs="?", metavar="NAME|CODE")
    rule.add_argument("--all", action="store_true", help="list every rule")
    rule.add_argument("--markdown", action="store_true", help="with --all: the full documentation as Markdown")
    registry.add_commands(commands, command)
    return parser


def _settings(args):
    from kumocheck.config import Settings, find_config, load_settings

    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise UsageError(f"--config {args.config}: no such file")
        settings = load_settings(path)
    elif args.isolated:
        settings = Settings()
    else:
        found = find_config(_config_start(args))
        settings = load_settings(found) if found else Settings()
    import attrs

    if settings.config_file is not None:  # name the file and key that hold a bad rule name
        where = f"{settings.config_file}: `{{}}`"
        _validate_rule_names(settings.select, where.format("select"))
        _validate_rule_names(settings.ignore, where.format("ignore"))
        for glob, rules in settings.per_file_ignores:
            _validate_rule_names(rules, where.format(f'per-file-ignores."{glob}"'))
    changes = {}
    if args.select:
        changes["select"] = _split_rules(args.select)
    if args.ignore:
        changes["ignore"] = settings.ignore + _split_rules(args.ignore)
    if args.target_version:
        from kumocheck.config import valid_release

        if not valid_release(args.target_version):
            raise UsageError(f"--target-version {args.target_version}: expected a release such as 2024.11.08")
        changes["target_version"] = args.target_version
    if getattr(args, "data_kind", None):
        changes["data_kind"] = args.data_kind
    if getattr(args, "force_exclude", False):
        changes["force_exclude"] = True
    if args.policy_root:
        root = Path(args.policy_root)
        if not root.is_dir():
            raise UsageError(f"--policy-root {args.policy_root}: not a directory")
        changes["policy_root"] = root.resolve()
    return attrs.evolve(settings, **changes) if changes else settings


def _config_start(args) -> Path:
    """Where the configuration search starts: the stdin file's or first path's folder."""
    if args.stdin_filename:
        start = Path(args.stdin_filename).parent
    else:
        first = next((Path(p) for p in getattr(args, "paths", None) or [] if p != "-"), None)
        start = (first if first.is_dir() else first.parent) if first is not None else Path.cwd()
    return start if start.exists() else Path.cwd()


def _validate_rule_names(names: tuple[str, ...], option: str) -> None:
    if not names:
        return  # nothing to validate: do not load the schema on the (cached) fast path
    from kumocheck.schema.model import load_schema
    from kumocheck.schema.validate import nearest

    schema = load_schema()
    codes = [r.code for r in schema.rules.values()]
    for name in names:
        if name.upper() == "ALL" or schema.rule(name) or any(c.lower().startswith(name.lower()) for c in codes):
            continue
        guess = nearest(name, sorted(schema.rules))
        raise UsageError(
            f"{option}: unknown rule '{name}'" + (f" (did you mean '{guess}'?)" if guess else "")
        )


def run_check(args) -> int:
    from kumocheck.reports import RenderOptions, renderer

    settings = _settings(args)
    _validate_rule_names(_split_rules(args.select), "--select")
    _validate_rule_names(_split_rules(args.ignore), "--ignore")
    if args.ranges and (args.output_format or "full") != "plain":
        raise UsageError("--ranges needs --output-format plain (luacheck's path:line:col-endcol: form)")
    jobs = args.jobs if args.jobs is not None else (os.cpu_count() or 1)
    if jobs < 1:
        raise UsageError("--jobs must be at least 1")
    paths = [Path(p) for p in (args.paths or ["."])]
    check_fix_options(args, UsageError)
    if wants_fixing(args):
        report, diff_exit = run_fixes(args, settings, paths, jobs)
        if args.diff:
            for error in report.errors:
                print(f"kumocheck: {error}", file=sys.stderr)
            return EXIT_USAGE if report.errors else diff_exit
    elif any(str(p) == "-" for p in paths):
        report = _check_stdin(args, settings, paths)
    elif args.stdin_filename:
        raise UsageError("--stdin-filename needs - as the path")
    else:
        report = _check_with_cache(args, settings, paths, jobs)
    for error in report.errors:
        print(f"kumocheck: {error}", file=sys.stderr)
    if report.files_checked == 0 and not report.errors:
        print("kumocheck: warning: no Lua files (nor helper data files) found under the given path(s)", file=sys.stderr)
    output_format = args.output_format or "full"
    render = renderer(output_format)
    if render is None:
        raise UsageError(f"--output-format {output_format}: not available in this installation")
    color = _want_color(args.color) and not args.output_file and output_format == "full"
    options = RenderOptions(color=color, statistics=args.statistics, ranges=args.ranges)
    if args.statistics:
        from kumocheck.reports.statistics import render as render_statistics, render_json

        text = (render_json if output_format == "json" else render_statistics)(report, options)
    else:
        text = render(report, options)
    from kumocheck.cli.output import write_output

    write_output(text, args.output_file)
    if report.errors:
        return EXIT_USAGE
    if report.diagnostics and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_CLEAN


def _check_stdin(args, settings, paths):
    from kumocheck.project import check_sources
    from kumocheck.source import decode_source

    if len(paths) != 1:
        raise UsageError("- (stdin) cannot be combined with other paths")
    name = args.stdin_filename or "stdin.lua"
    target = Path(name)
    overlays = {target: decode_source(name, sys.stdin.buffer.read())}
    return check_sources([target], settings, overlays, {target: name})


def _check_with_cache(args, settings, paths, jobs):
    """Answer unchanged files from the cache; check the others (in parallel when many)."""
    from kumocheck.diagnostics import Report, unique_sorted
    from kumocheck.files import discover, display, maybe_data_file, real_path
    from kumocheck.source import decode_source

    real_path.cache_clear()  # paths are resolved afresh for each run (in-process callers)
    files, errors = discover(paths, settings, lambda p: maybe_data_file(p, settings))
    cache = None
    if not args.no_cache:
        from kumocheck.cache import DEFAULT_DIR, ResultCache

        directory = args.cache_dir or os.environ.get("KUMOCHECK_CACHE_DIR") or DEFAULT_DIR
        cache = ResultCache(Path(directory), settings)
    report = Report(errors=list(errors))
    misses: list[Path] = []
    keys: dict[Path, str] = {}
    for path in files:
        found = None
        if cache is not None and cache.enabled:
            keys[path] = cache.key(path)
            found = cache.get(keys[path])
        if found is None:
            misses.append(path)
            continue
        shown = display(path)
        report.diagnostics.extend(found)
        report.sources[shown] = decode_source(shown, cache.contents.get(real_path(path), b"")).text
        for other in {d.path for d in found} - {shown} - set(report.sources):  # modules it loads
            report.sources[other] = _read_text(other)
        report.cached += 1
    if misses:
        from kumocheck.project import check_sources

        named = set() if args.skip_unknown_data else {p.resolve() for p in paths if not p.is_dir()}
        fresh = check_sources(misses, settings, jobs=jobs, named=named)
        report.errors.extend(fresh.errors)
        report.sources.update(fresh.sources)
        report.diagnostics.extend(fresh.diagnostics)
        if cache is not None:
            by_path: dict[str, list] = {}
            for diagnostic in fresh.diagnostics:
                by_path.setdefault(diagnostic.path, []).append(diagnostic)
            for path in misses:
                shown = display(path)
                if shown in fresh.sources and path in keys:
                    reported = [shown] + fresh.loaded.get(shown, [])  # with the modules it loads
                    cache.put(keys[path], [d for name in reported for d in by_path.get(name, [])])
    report.diagnostics = unique_sorted(report.diagnostics)
    report.files_checked = len(report.sources)  # each file once, named or loaded, cached or not
    return report


def _read_text(shown: str) -> str:
    """A file's text for excerpts ("" when it cannot be read any more)."""
    from kumocheck.source import SourceError, read_source

    try:
        return read_source(shown).text
    except SourceError:
        return ""


def _want_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def run_rule(args) -> int:
    from kumocheck.docs import rule_markdown, rule_text
    from kumocheck.schema.model import load_schema
    from kumocheck.schema.validate import nearest

    schema = load_schema()
    if args.all and args.name:
        raise UsageError(f"rule: give a rule name ({args.name}) or --all, not both")
    if args.markdown and not args.all:
        raise UsageError("rule: --markdown needs --all")
    if args.all:
        if args.markdown:
            sys.stdout.write(rule_markdown(schema))
        else:
            for spec in sorted(schema.rules.values(), key=lambda r: r.code):
                print(f"{spec.code}  {spec.name:<28} {spec.severity:<8} {spec.summary}")
        return EXIT_CLEAN
    if not args.name:
        raise UsageError("rule: give a rule name or code, or --all")
    spec = schema.rule(args.name)
    if spec is None:
        guess = nearest(args.name, sorted(schema.rules))
        raise UsageError(f"unknown rule '{args.name}'" + (f" (did you mean '{guess}'?)" if guess else ""))
    sys.stdout.write(rule_text(spec))
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(registry.requested_command(argv))
    try:
        args = parser.parse_args(argv)
        if getattr(args, registry.PLACEHOLDER, None):  # named where the first word did not tell
            parser = build_parser()
            args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help, --version (0) or a usage error (2)
        return int(exc.code or 0)
    try:
        if args.command == "check":
            return run_check(args)
        if args.command == "rule":
            return run_rule(args)
        if args.command is not None and hasattr(args, "run"):
            return args.run(args)
        parser.print_help()
        return EXIT_USAGE
    except UsageError as exc:
        print(f"kumocheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_CLEAN
    except Exception as exc:  # the ConfigError of config.py lands here too
        from kumocheck.config import ConfigError

        if isinstance(exc, ConfigError):
            print(f"kumocheck: {exc}", file=sys.stderr)
            return EXIT_USAGE
        print(
            f"kumocheck: internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in kumocheck; please report it with the input that caused it.",
            file=sys.stderr,
        )
        if os.environ.get("KUMOCHECK_DEBUG"):
            raise
        return EXIT_INTERNAL
