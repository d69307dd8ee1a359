"""`resolve` for what the policy-extras helpers decide: egress sources, pools, egress paths
and listener domains; and the `--dns FILE` fixture shared by resolve and verify."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kumocheck.extras.dns import DnsFixtureError, load_fixture
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import ExtrasSettings

__all__ = ["add_dns_option", "add_resolve_options", "intermixed", "settings_from_args", "wants_helper_resolve", "run_helper_resolve"]


def add_dns_option(parser) -> None:
    parser.add_argument("--dns", metavar="FILE", help="DNS fixture (TOML [mx] table) for MX look-ups; see docs/compiler.md")


def add_resolve_options(parser) -> None:
    parser.add_argument("--egress-source", metavar="NAME", action="append", default=[], help="print get_egress_source(NAME)")
    parser.add_argument("--egress-pool", metavar="NAME", action="append", default=[], help="print get_egress_pool(NAME)")
    parser.add_argument("--egress-path", metavar=("SOURCE", "DOMAIN"), nargs=2, action="append", default=[],
                        help="print get_egress_path_config for SOURCE sending to DOMAIN")
    parser.add_argument("--site", metavar="SITE", help="site name for --egress-path (default: from the DNS fixture)")
    parser.add_argument("--listener-domain", metavar="DOMAIN", action="append", default=[],
                        help="print get_listener_domain(DOMAIN, LISTENER)")
    parser.add_argument("--listener", metavar="IP:PORT", default="*", help="listener for --listener-domain (default *)")
    add_dns_option(parser)


def settings_from_args(args, root: Path) -> ExtrasSettings:
    from kumocheck.cli import UsageError

    try:
        dns = load_fixture(getattr(args, "dns", None))
    except DnsFixtureError as exc:
        raise UsageError(f"--dns {exc}") from None
    return ExtrasSettings(root, dns)


def wants_helper_resolve(args) -> bool:
    return bool(args.egress_source or args.egress_pool or args.egress_path or args.listener_domain)


def _requests(args):
    from kumocheck.runtime import resolution as R

    for name in args.egress_source:
        yield f"egress source {name}", lambda policy, name=name: R.resolve_egress_source(policy, name)
    for name in args.egress_pool:
        yield f"egress pool {name}", lambda policy, name=name: R.resolve_egress_pool(policy, name)
    for source, domain in args.egress_path:
        yield (f"egress path {source} -> {domain}",
               lambda policy, s=source, d=domain: R.resolve_egress_path(policy, s, d, args.site))
    for domain in args.listener_domain:
        yield (f"listener domain {domain} on {args.listener}",
               lambda policy, d=domain: R.resolve_listener_domain(policy, d, args.listener))


def run_helper_resolve(module, args) -> int:
    """Print each requested object as JSON (full: one block each; json: one object)."""
    policy = module.POLICY
    status = 0
    results = {}
    for title, request in _requests(args):
        try:
            resolved = request(policy)
        except LuaError as exc:
            status = 1
            results[title] = {"error": str(exc)}
            if args.output_format == "full":
                print(f"kumocheck: {title}: {exc}", file=sys.stderr)
            continue
        entry = {"value": resolved.value}
        if resolved.site_name is not None:
            entry["site_name"] = resolved.site_name
        results[title] = entry
        if args.output_format == "full":
            site = f" (site {resolved.site_name})" if resolved.site_name is not None else ""
            print(f"# {title}{site}")
            print(json.dumps(resolved.value, indent=2, sort_keys=True))
            for warning in resolved.warnings:
                print(f"# warning: {warning}")
    if args.output_format == "json":
        sys.stdout.write(json.dumps(results, indent=2, sort_keys=True) + "\n")
    return status


class _IntermixedParser(argparse.ArgumentParser):
    """A sub-command parser that takes positionals after options too
    (`resolve POLICY --dns F NAME`), as `resolve POLICY NAME --dns F` does."""

    _intermixing = False

    def parse_known_args(self, args=None, namespace=None):
        if self._intermixing:
            return super().parse_known_args(args, namespace)
        self._intermixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._intermixing = False


def intermixed(parser) -> None:
    """Let `parser` (an argparse sub-command parser) accept positionals after options."""
    parser.__class__ = _IntermixedParser
