"""`kumocheck explain POLICY QUEUE_NAME`: each field of the resolved queue config, its
value and where it came from, and which get_queue_config handlers passed or answered.

Exit codes: 0 resolved; 1 the policy is refused or the queue name raises an error;
2 usage errors and unreadable input.
"""

from __future__ import annotations

import sys
from pathlib import Path

from kumocheck.compiler.helpers_cli import add_dns_option

__all__ = ["add_command", "run_explain", "render_resolution", "load_or_report", "dns_option"]


def add_command(subparsers) -> None:
    parser = subparsers.add_parser("explain", help="show every field of a queue's config and where its value comes from")
    parser.add_argument("policy", metavar="POLICY", help="the policy's entry file, or its folder")
    parser.add_argument("queue", metavar="QUEUE_NAME", help="[campaign:]tenant@domain[!routing_domain]")
    parser.add_argument("--output-format", choices=("full", "json"), default="full")
    parser.add_argument("--policy-root", metavar="DIR", help="folder require() names are relative to (default: the policy's folder)")
    add_dns_option(parser)
    parser.set_defaults(run=run_explain)


def policy_root_option(args) -> Path | None:
    """--policy-root as a Path (a usage error when it is not a folder)."""
    from kumocheck.cli import UsageError

    if not getattr(args, "policy_root", None):
        return None
    root = Path(args.policy_root)
    if not root.is_dir():
        raise UsageError(f"--policy-root {args.policy_root}: not a directory")
    return root


def dns_option(args):
    """The --dns fixture (a usage error when it cannot be read)."""
    from kumocheck.cli import UsageError
    from kumocheck.extras.dns import DnsFixtureError, load_fixture

    try:
        return load_fixture(getattr(args, "dns", None))
    except DnsFixtureError as exc:
        raise UsageError(f"--dns {exc}") from None


def load_or_report(path: str, root: Path | None, dns=None):
    """The loaded policy, or None after printing why it cannot be (exit 1 or 2 follows)."""
    from kumocheck.cli import UsageError
    from kumocheck.compiler.resolution import PolicyLoadError, load_policy
    from kumocheck.extras.dns import NO_DNS

    target = Path(path)
    if not target.exists():
        raise UsageError(f"{path}: no such file or directory")
    try:
        return load_policy(target, root, dns if dns is not None else NO_DNS)
    except PolicyLoadError as exc:
        if exc.usage:
            raise UsageError(exc.message) from None
        print(f"kumocheck: {exc.message}", file=sys.stderr)
        for line in exc.lines:
            print(line, file=sys.stderr)
        return None


def render_resolution(resolution) -> str:
    """The human form: the handler chain, then an aligned FIELD / VALUE / ORIGIN table."""
    from kumocheck.compiler.resolution import describe_origin, value_text

    lines = [f"# {resolution.queue_name}"]
    if not resolution.steps:
        lines.append("no get_queue_config handler: KumoMTA's default config")
    for number, step in enumerate(resolution.steps, start=1):
        lines.append(f"handler {number} of {len(resolution.steps)} ({step.where}): {step.result}")
    if resolution.steps and all(step.result == "passed" for step in resolution.steps):
        lines.append("every handler passed: KumoMTA's default config")
    if resolution.error is not None:
        lines.append(f"error: {resolution.error}")
        return "\n".join(lines) + "\n"
    rows = [("FIELD", "VALUE", "ORIGIN")]
    rows += [(f.name, value_text(f.value), describe_origin(f.origin)) for f in resolution.fields]
    name_width = max(len(r[0]) for r in rows)
    value_width = min(max(len(r[1]) for r in rows), 60)
    lines.append("")
    for name, value, origin in rows:
        lines.append(f"{name:<{name_width}}  {value:<{value_width}}  {origin}".rstrip())
    return "\n".join(lines) + "\n"


def run_explain(args) -> int:
    import json  # here, not at the top: the parser imports this module for every command

    policy = load_or_report(args.policy, policy_root_option(args), dns_option(args))
    if policy is None:
        return 1
    resolution = policy.explain(args.queue)
    if args.output_format == "json":
        sys.stdout.write(json.dumps(resolution.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_resolution(resolution))
    return 1 if resolution.error is not None else 0
