"""String-valued types whose syntax kumod checks when it decodes a table: why a string is
rejected, how the message names the type, and what to write instead.

One entry per type name of rules/*.toml (`limit`, `cidr`, `ip_addr`, `host_port`,
`socket_addr`, `url`); the validator turns a rejection into an `invalid-value` problem.
"""

from __future__ import annotations

from typing import Callable

import attrs

from kumocheck.values import addresses, cidr


@attrs.frozen
class StringKind:
    noun: str  # "invalid {noun} 'x' for `key`"
    problem: Callable[[str], str | None]  # None when kumod accepts the text
    help: str


def limit_problem(text: str) -> str | None:
    """Why `LimitSpec::try_from(&str)` (crates/throttle) rejects `text`, or None."""
    digits = text.removeprefix("local:").replace("_", "").replace(",", "")
    body = digits[1:] if digits.startswith("+") else digits
    if not body:
        return f"invalid limit '{digits}': cannot parse integer from empty string"
    if not body.isascii() or not body.isdigit():
        return f"invalid limit '{digits}': invalid digit found in string"
    if int(body) >= 2**64:
        return f"invalid limit '{digits}': number too large to fit in target type"
    return "limit must be greater than 0" if int(body) == 0 else None


def _raised(parse: Callable[[str], object], error: type[Exception]) -> Callable[[str], str | None]:
    def problem(text: str) -> str | None:
        try:
            parse(text)
        except error as exc:
            return str(exc)
        return None

    return problem


def _ip_problem(text: str) -> str | None:
    return None if cidr.ip_address_kind(text) else "not an IPv4 or IPv6 address"


STRING_KINDS: dict[str, StringKind] = {
    "limit": StringKind(
        "limit",
        limit_problem,
        "write a positive number such as 10, or a string '10' / 'local:10' ('_' and ',' may group digits)",
    ),
    "cidr": StringKind(
        "CIDR",
        _raised(cidr.parse_cidr, cidr.CidrError),
        "write an IP address or ADDRESS/LENGTH with the host bits zero, such as '10.0.0.0/8' "
        "or '2001:db8::/32' (no short forms like '10/8')",
    ),
    "ip_addr": StringKind(
        "IP address",
        _ip_problem,
        "write an IPv4 or IPv6 address such as '10.0.0.1' or '2001:db8::1', without a port",
    ),
    "host_port": StringKind(
        "address",
        addresses.host_port_problem,
        "write HOST:PORT such as '10.0.0.5:5000', '[2001:db8::1]:1080' or 'proxy.example.com:1080'",
    ),
    "socket_addr": StringKind(
        "address",
        _raised(addresses.parse_resolved_addr, addresses.AddressError),
        "addr takes an IP address, optionally with a port ('10.0.0.1:2525', '[2001:db8::1]:25'), "
        "or an absolute unix socket path; put host names in mx_list as plain strings instead",
    ),
    "url": StringKind("URL", addresses.url_problem, "write an absolute URL such as 'http://10.0.0.5:8000'"),
}
