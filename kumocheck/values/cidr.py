"""CIDR strings as KumoMTA's `cidr-map` crate parses them (`parse_cidr`, cidr crate 0.3).

`AnyIpCidr::from_str` (stbuehler/rust-cidr 0.3, `parsers::parse_any_cidr`): `any`, a bare
IP address (a host network), or `ADDR/LEN` where ADDR is what Rust's `IpAddr::from_str`
accepts (no short forms: `10/8` and `0/0` are rejected), LEN a `u8` no longer than the
address and every host bit of ADDR zero (`10.1.2.3/16` is rejected).
"""

from __future__ import annotations

import ipaddress

from kumocheck.values.addresses import _read_ipv4, _read_ipv6

__all__ = ["CidrError", "parse_cidr", "ip_address_kind"]


class CidrError(ValueError):
    """A string kumod rejects as a CIDR (worded like cidr-map's message)."""


def _address(text: str) -> tuple[str, int] | None:
    """(`v4`|`v6`, the address as an integer) for what `IpAddr::from_str` accepts."""
    raw = text.encode("utf-8", "surrogatepass")
    four = _read_ipv4(raw, 0)
    if four is not None:
        if four[1] != len(raw):
            return None
        return "v4", int.from_bytes(bytes(four[0]), "big")
    six = _read_ipv6(raw, 0)
    if six is None or six[1] != len(raw):
        return None
    value = 0
    for group in six[0]:
        value = (value << 16) | group
    return "v6", value


def ip_address_kind(text: str) -> str | None:
    """'v4' or 'v6' when Rust's `IpAddr::from_str` accepts `text`, else None."""
    found = _address(text)
    return found[0] if found else None


def _prefix_len(text: str) -> int | None:
    """Rust `u8::from_str` (a leading '+' is accepted)."""
    digits = text[1:] if text.startswith("+") else text
    if not digits or not all("0" <= c <= "9" for c in digits):
        return None
    value = int(digits)
    return value if value <= 255 else None


def parse_cidr(text: str) -> None:
    """Raise `CidrError` when kumod's `parse_cidr` rejects `text`."""
    if text == "any":
        return
    slash = text.rfind("/")
    if slash < 0:
        if _address(text) is None:
            raise CidrError(f"{text} is not a valid CIDR: couldn't parse address in network: invalid IP address syntax")
        return
    found = _address(text[:slash])
    if found is None:
        raise CidrError(f"{text} is not a valid CIDR: couldn't parse address in network: invalid IP address syntax")
    length = _prefix_len(text[slash + 1:])
    if length is None:
        raise CidrError(f"{text} is not a valid CIDR: couldn't parse length in network")
    kind, value = found
    bits = 32 if kind == "v4" else 128
    if length > bits:
        raise CidrError(f"{text} is not a valid CIDR: invalid length for network")
    host_mask = (1 << (bits - length)) - 1
    if value & host_mask:
        network = value & ~host_mask
        raise CidrError(
            f"{text} is not a valid CIDR: host part of address was not zero. "
            f"Did you mean {_format(kind, network)}/{length}?"
        )


def _format(kind: str, value: int) -> str:
    if kind == "v4":
        return ".".join(str((value >> shift) & 0xFF) for shift in (24, 16, 8, 0))
    return str(ipaddress.IPv6Address(value))
