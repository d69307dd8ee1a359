"""CIDR strings as KumoMTA's `cidr` crate 0.3 (`AnyIpCidr::from_str`, via crates/cidr-map) reads them.

Accepted: `any`, a bare IPv4/IPv6 address (a single-host network), `ADDR/LEN` with LEN
within the family's width and no host bits set. Rejected: the short IPv4 forms removed in
cidr 0.3.0 (`10/8`, `0/0`), netmask forms, IPv6 zone ids, host bits (`10.1.2.3/16`).
"""

from __future__ import annotations

import ipaddress


class CidrError(ValueError):
    """Why a string is not a CIDR; `suggestion` is the network meant, when there is one."""

    def __init__(self, message: str, suggestion: str | None = None):
        super().__init__(message)
        self.suggestion = suggestion


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    if "%" in text or not text or text.strip() != text:
        raise CidrError(f"'{text}' is not an IP address")
    try:
        return ipaddress.ip_address(text)  # like Rust's std parser: no leading zeros, 4 octets
    except ValueError:
        raise CidrError(f"'{text}' is not an IP address") from None


def parse_cidr(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network `text` names (None for `any`); raises CidrError like the crate would."""
    if text == "any":
        return None
    address_text, slash, length_text = text.partition("/")
    if not slash:
        address = _address(text)
        return ipaddress.ip_network(address)
    if "." not in address_text and ":" not in address_text and address_text.isdigit():
        raise CidrError(
            f"'{text}' is a short IPv4 form, which cidr 0.3 rejects",
            _short_form(address_text, length_text),
        )
    address = _address(address_text)
    if not length_text.isdigit() or not length_text.isascii():
        raise CidrError(f"'{length_text}' is not a prefix length")
    length = int(length_text)
    width = address.max_prefixlen
    if length > width:
        raise CidrError(f"prefix length {length} is longer than {width} bits")
    network = ipaddress.ip_network(f"{address}/{length}", strict=False)
    if network.network_address != address:
        raise CidrError(f"'{text}' has host bits set", str(network))
    return network


def _short_form(head: str, length: str) -> str | None:
    """`10/8` -> `10.0.0.0/8` (what the short form meant), when that is a valid network."""
    try:
        network = ipaddress.ip_network(f"{head}.0.0.0/{length}")
    except ValueError:
        return None
    return str(network)
