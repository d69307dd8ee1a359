"""MX answers offline: the user's DNS fixture, and kumod's site-name rule.

Fixture format (TOML; `--dns FILE`):

    [mx]
    "gmail.com" = ["gmail-smtp-in.l.google.com.", "alt1.gmail-smtp-in.l.google.com."]
    "example.org" = [[10, "mx1.example.org."], [20, "mx2.example.org."]]
    "nodata.example" = []          # NODATA: the domain itself is the implicit MX
    "gone.example" = "NXDOMAIN"    # a resolution error

Plain host names all get preference 10. A domain the fixture does not list is "not
available offline": `lookup_mx` raises `DnsUnavailable`, a `HelperError`, exactly on the
paths that need the answer (as a failing resolver would in kumod).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import attrs

from kumocheck.extras.origins import HelperError

__all__ = ["DnsFixture", "DnsUnavailable", "MxAnswer", "factor_names", "load_fixture", "NO_DNS"]

_LITERAL = re.compile(r"^\[(?:IPv6:)?([^\]]+)\]$", re.IGNORECASE)
_PORT = re.compile(r"^(.*):(\d+)$")


class DnsUnavailable(HelperError):
    """The fixture has no answer for a lookup that the path needs."""


class DnsFixtureError(Exception):
    """The fixture file is unreadable or malformed (a usage error)."""


@attrs.frozen
class MxAnswer:
    """What kumo.dns.lookup_mx gives: kumod's MailExchanger."""

    domain_name: str
    hosts: tuple[str, ...]
    site_name: str
    by_pref: tuple[tuple[int, tuple[str, ...]], ...]
    is_domain_literal: bool = False
    is_mx: bool = True

    def to_json(self) -> dict:
        return {
            "domain_name": self.domain_name,
            "hosts": list(self.hosts),
            "site_name": self.site_name,
            "by_pref": {str(pref): list(hosts) for pref, hosts in self.by_pref},
            "is_domain_literal": self.is_domain_literal,
            "is_secure": False,
            "is_mx": self.is_mx,
        }


def _split_port(name: str) -> tuple[str, str | None]:
    found = _PORT.match(name)
    if found and not name.endswith("]"):
        return found.group(1), found.group(2)
    return name, None


def factor_names(names: list[str]) -> str:
    """kumod's site name for a list of MX hosts (mailexchanger factor_names)."""
    split_names: list[list[str]] = []
    max_count = 0
    for raw in names:
        name, port = _split_port(raw)
        name = name.lower()
        labels = [label for label in name.rstrip(".").split(".")] if name.strip(".") else []
        if any(label == "" for label in labels):
            continue  # not a valid name: skipped
        if port is not None and labels:
            labels[-1] += f":{port}"
        labels.reverse()
        max_count = max(max_count, len(labels))
        split_names.append(labels)
    elements: list[list[str]] = []

    def add(field: str, position: int) -> None:
        if position < len(elements):
            if field not in elements[position]:
                elements[position].append(field)
        else:
            elements.append([field])

    for labels in split_names:
        for position, label in enumerate(labels):
            add(label, position)
        for position in range(len(labels), max_count):
            add("?", position)
    result = []
    for element in elements:
        has_q = "?" in element
        kept = [e for e in element if e != "?"]
        text = kept[0] if len(kept) == 1 else "(" + "|".join(kept) + ")"
        if has_q:
            text += "?"
        result.append(text)
    result.reverse()
    return ".".join(result)


@attrs.frozen
class DnsFixture:
    """MX answers by lower-cased domain: a list of (pref, host), or an error text."""

    mx: dict = attrs.field(factory=dict)
    path: str | None = None

    def lookup_mx(self, domain: str) -> MxAnswer:
        """The MX answer for `domain` (kumod's lookup_mx), or raise HelperError."""
        literal = _LITERAL.match(domain)
        if literal:
            return MxAnswer(domain, (domain,), literal.group(1), ((1, (domain,)),), True, False)
        name, port = _split_port(domain)
        key = name.lower().rstrip(".")
        if key not in self.mx:
            raise DnsUnavailable(
                f"kumo.dns.lookup_mx: not available offline ({domain}: no answer in the DNS fixture"
                + (f" {self.path}" if self.path else "; give one with --dns FILE") + ")"
            )
        answer = self.mx[key]
        if isinstance(answer, str):
            raise HelperError(f"MX lookup for {domain} failed: {answer}")
        suffix = f":{port}" if port else ""
        if not answer:
            host = key + "." + suffix
            return MxAnswer(domain, (host,), factor_names([host]), ((1, (host,)),), False, False)
        groups: dict[int, list[str]] = {}
        for pref, host in answer:
            host = host.lower()
            if not host.endswith("."):
                host += "."
            groups.setdefault(pref, []).append(host + suffix)
        by_pref = tuple((pref, tuple(sorted(groups[pref]))) for pref in sorted(groups))
        hosts = tuple(host for _pref, group in by_pref for host in group)
        return MxAnswer(domain, hosts, factor_names(list(hosts)), by_pref)


NO_DNS = DnsFixture()


def _entries(domain: str, value: Any) -> Any:
    if isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise DnsFixtureError(f"[mx] {domain!r}: expected a list of hosts, [[pref, host], ...] or an error string")
    out = []
    for item in value:
        if isinstance(item, str):
            out.append((10, item))
        elif (isinstance(item, list) and len(item) == 2 and isinstance(item[0], int)
              and not isinstance(item[0], bool) and isinstance(item[1], str)):
            out.append((item[0], item[1]))
        else:
            raise DnsFixtureError(f"[mx] {domain!r}: bad entry {item!r} (a host name or [pref, host])")
    return out


def parse_fixture(data: dict, path: str | None = None) -> DnsFixture:
    unknown = sorted(set(data) - {"mx"})
    if unknown:
        raise DnsFixtureError(f"unknown table(s) {', '.join(unknown)} (only [mx] is supported)")
    mx = data.get("mx", {})
    if not isinstance(mx, dict):
        raise DnsFixtureError("[mx] must be a table of domain = answer")
    return DnsFixture({str(k).lower().rstrip("."): _entries(k, v) for k, v in mx.items()}, path)


def load_fixture(path: str | Path | None) -> DnsFixture:
    """Read a fixture file (None: no DNS at all); DnsFixtureError when it is bad."""
    if path is None:
        return NO_DNS
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise DnsFixtureError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise DnsFixtureError(f"{path}: not TOML: {exc}") from None
    return parse_fixture(data, str(path))
