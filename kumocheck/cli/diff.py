"""`kumocheck diff OLD NEW` and `kumocheck diff --git REV [POLICY]`: what a change to a
policy moves, queue by queue, like a plan.

`--git REV` exports the revision's copy of the policy's folder with `git archive` into a
temporary folder (the user's checkout, index and HEAD are never touched) and compares it
with the working tree.

Exit codes: 0 nothing changes; 1 something does (or a policy is refused); 2 usage errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kumocheck.compiler.helpers_cli import add_dns_option

# json, subprocess, tarfile, tempfile and textwrap are imported where used: building the
# parser imports this module, and `kumocheck check` should not pay for them at start-up

__all__ = ["add_command", "run_diff", "render_diff", "export_revision"]


def add_command(subparsers) -> None:
    parser = subparsers.add_parser("diff", help="show which queues' configs change between two versions of a policy")
    parser.add_argument("paths", nargs="*", metavar="OLD NEW", help="two policy entry files or folders (with --git: at most one, the policy)")
    parser.add_argument("--git", metavar="REV", help="compare the working tree's POLICY (default: .) with its copy at git revision REV")
    parser.add_argument("--queues", metavar="FILE", help="more queue names to resolve, one per line")
    parser.add_argument("--output-format", choices=("full", "json"), default="full")
    add_dns_option(parser)
    parser.set_defaults(run=run_diff)


def _git(args: list[str], cwd: Path):
    import subprocess

    from kumocheck.cli import UsageError

    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise UsageError(f"--git: cannot run git: {exc.strerror or exc}") from None


def export_revision(rev: str, policy: Path, into: Path) -> Path:
    """Write REV's copy of `policy`'s folder under `into`; the old policy's path there."""
    import tarfile
    import tempfile

    from kumocheck.cli import UsageError
    from kumocheck.compiler.resolution import PolicyLoadError, entry_file

    target = policy.resolve()
    folder = target if target.is_dir() else target.parent
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise UsageError(f"--git: {policy} is not inside a git repository")
    toplevel = Path(top.stdout.decode().strip()).resolve()
    commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], toplevel)
    if commit.returncode != 0:
        raise UsageError(f"--git {rev}: not a revision of {toplevel}")
    relative = folder.relative_to(toplevel).as_posix()
    archive = _git(["archive", "--format=tar", commit.stdout.decode().strip(), *([relative] if relative != "." else [])], toplevel)
    if archive.returncode != 0:
        raise UsageError(f"--git {rev}: {relative} does not exist at that revision")
    with tempfile.TemporaryFile() as handle:
        handle.write(archive.stdout)
        handle.seek(0)
        with tarfile.open(fileobj=handle) as tar:
            tar.extractall(into, filter="data")
    old_folder = into / relative
    if target.is_dir():
        try:
            return entry_file(old_folder)
        except PolicyLoadError as exc:
            raise UsageError(f"--git {rev}: {exc.message}") from None
    old = old_folder / target.name
    if not old.is_file():
        raise UsageError(f"--git {rev}: {policy} does not exist at that revision")
    return old


def _groups(items: dict) -> list[tuple[list[str], object]]:
    """Queue names grouped by identical changes, in first-seen order."""
    import json

    groups: dict[str, tuple[list[str], object]] = {}
    for name, change in items.items():
        key = json.dumps(change, sort_keys=True, default=str)
        groups.setdefault(key, ([], change))[0].append(name)
    return list(groups.values())


def _names(names: list[str]) -> list[str]:
    """`name`, or `N queues: a, b, ...` wrapped to lines of about 88 characters."""
    import textwrap

    if len(names) == 1:
        return [names[0]]
    text = f"{len(names)} queues: " + ", ".join(names)
    return textwrap.wrap(text, 84, subsequent_indent="    ", break_long_words=False, break_on_hyphens=False)


def render_diff(diff) -> str:
    """The plan: queues whose config changes (grouped when the change is the same),
    field by field, then the ones that start or stop raising errors, then a summary."""
    from kumocheck.compiler.resolution import value_text

    lines = []
    for names, fields in _groups(diff.changed):
        head = _names(names)
        lines.append(f"~ {head[0]}")
        lines.extend(f"  {line}" for line in head[1:])
        width = max(len(field) for field in fields)
        for field, (old, new) in fields.items():
            lines.append(f"    {field:<{width}}  {value_text(old)} -> {value_text(new)}")
    for names, (old, new) in _groups(diff.errors):
        head = _names(names)
        verb = "starts raising an error" if old is None else "stops raising an error" if new is None else "raises another error"
        if len(names) > 1:
            verb = verb.replace("starts", "start").replace("stops", "stop").replace("raises", "raise")
        lines.append(f"{'+' if new is None else '!'} {head[0]}" + ("" if len(head) > 1 else f": {verb}"))
        lines.extend(f"  {line}" for line in head[1:])
        if len(head) > 1:
            lines.append(f"    {verb}")
        if old is not None:
            lines.append(f"    - {old}")
        if new is not None:
            lines.append(f"    + {new}")
    changed, starts, stops, other = diff.counts()
    if lines:
        lines.append("")
    summary = f"diff: {diff.queues} queue name(s): {changed} changed, {starts} start raising errors, {stops} stop raising errors"
    if other:
        summary += f", {other} raise another error"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def run_diff(args) -> int:
    import json
    import tempfile

    from kumocheck.cli import UsageError
    from kumocheck.cli.explain import dns_option, load_or_report
    from kumocheck.compiler.differ import diff_policies
    from kumocheck.compiler.resolution import read_queue_file

    extra: list[str] = []
    if args.queues:
        try:
            extra = read_queue_file(Path(args.queues))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--queues {args.queues}: cannot read: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="kumocheck-diff-") as scratch:
        if args.git is not None:
            if len(args.paths) > 1:
                raise UsageError("diff --git REV takes at most one POLICY")
            new_path = args.paths[0] if args.paths else "."
            if not Path(new_path).exists():
                raise UsageError(f"{new_path}: no such file or directory")
            old_path = str(export_revision(args.git, Path(new_path), Path(scratch)))
        else:
            if len(args.paths) != 2:
                raise UsageError("diff needs OLD and NEW (or --git REV [POLICY])")
            old_path, new_path = args.paths
        dns = dns_option(args)
        old = load_or_report(old_path, None, dns)
        new = load_or_report(new_path, None, dns)
        if old is None or new is None:
            return 1
        diff = diff_policies(old, new, extra)
    if args.output_format == "json":
        sys.stdout.write(json.dumps(diff.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_diff(diff))
    return 0 if diff.empty else 1
