"""`check --fix`, `--unsafe-fixes`, `--diff`, `--show-fixes`.

`--fix` writes the fixed files and reports what remains; `--diff` prints the changes as a
unified diff and writes nothing (exit 1 when there would be changes, 0 otherwise, as
ruff does). The list of fixes (`--show-fixes`) and the fix summary go to stderr so that
machine-readable reports on stdout stay valid.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_fix_options(check: argparse.ArgumentParser) -> None:
    check.add_argument("--fix", action="store_true", help="apply safe fixes in place, then report what remains")
    check.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff: also apply fixes that may change behaviour")
    check.add_argument("--diff", action="store_true", help="print the fixes as a unified diff and write nothing (exit 1 if there are any)")
    check.add_argument("--show-fixes", action="store_true", help="with --fix: list every fix applied (on stderr)")


def wants_fixing(args) -> bool:
    return bool(getattr(args, "fix", False) or getattr(args, "diff", False))


def check_fix_options(args, usage_error: type[Exception]) -> None:
    """Reject combinations that cannot mean anything."""
    if args.unsafe_fixes and not wants_fixing(args):
        raise usage_error("--unsafe-fixes needs --fix or --diff")
    if args.show_fixes and not args.fix:
        raise usage_error("--show-fixes needs --fix")
    if wants_fixing(args) and any(str(p) == "-" for p in args.paths or ()):
        raise usage_error("--fix and --diff need files: stdin cannot be rewritten (editors: use the language server)")


def run_fixes(args, settings, paths: list[Path], jobs: int):
    """Fix (or diff) `paths`; returns (report of what remains, exit code override or None)."""
    from kumocheck.fixes.engine import fix_until_stable

    outcome = fix_until_stable(paths, settings, unsafe=args.unsafe_fixes, jobs=jobs)
    changed = outcome.changed
    if not outcome.settled:
        print(f"kumocheck: warning: fixes still changing the files after {outcome.passes} passes", file=sys.stderr)
    if args.diff:
        for file_fix in changed:
            sys.stdout.write(file_fix.diff())
        count = len(outcome.applied)
        print(f"Would fix {count} problem{'s' if count != 1 else ''} in {len(changed)} file{'s' if len(changed) != 1 else ''}.", file=sys.stderr)
        return outcome.report, 1 if changed else 0
    for file_fix in changed:
        try:
            file_fix.write()
        except OSError as exc:
            outcome.report.errors.append(f"{file_fix.shown}: cannot write the fixed file: {exc.strerror or exc}")
    if args.show_fixes:
        _show_fixes(outcome)
    count = len(outcome.applied)
    if count:
        print(f"Fixed {count} problem{'s' if count != 1 else ''} in {len(changed)} file{'s' if len(changed) != 1 else ''}.", file=sys.stderr)
    return outcome.report, None


def _show_fixes(outcome) -> None:
    """Every fix applied, per file, at the position of the finding it fixed."""
    if not outcome.applied:
        print("No fixes applied.", file=sys.stderr)
        return
    for file_fix in outcome.changed:
        print(f"{file_fix.shown}:", file=sys.stderr)
        for edit in file_fix.applied:
            rule = f" {edit.diagnostic.code} [{edit.diagnostic.rule}]" if edit.diagnostic else ""
            print(f"  {edit.fix.span.line}:{edit.fix.span.column}:{rule} {edit.fix.title}", file=sys.stderr)
