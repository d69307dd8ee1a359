"""CIDRs as kumod's cidr-map (cidr crate 0.3) accepts or rejects them."""

from __future__ import annotations

import pytest

from kumocheck.values.cidr import CidrError, ip_address_kind, parse_cidr


@pytest.mark.parametrize(
    "text",
    ["0.0.0.0/0", "10.0.0.0/8", "192.168.1.0/24", "10.0.0.1", "10.0.0.1/32", "::1", "::/0",
     "2001:db8::/32", "fe80::/10", "any", "10.0.0.0/+8", "::ffff:10.0.0.0/104"],
)
def test_accepted(text: str) -> None:
    parse_cidr(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("0/0", "address"),  # no short IPv4 forms
        ("10/8", "address"),
        ("10.1.2.3/16", "Did you mean 10.1.0.0/16?"),  # host bits set
        ("fe80::1/10", "Did you mean fe80::/10?"),
        ("10.0.0.0/33", "invalid length"),
        ("::/129", "invalid length"),
        ("10.0.0.0/", "length"),
        ("10.0.0.0/-1", "length"),
        ("10.0.0.0/256", "length"),
        ("Any", "address"),
        ("10.0.0.0 /8", "address"),
        ("localhost", "address"),
    ],
)
def test_rejected(text: str, why: str) -> None:
    with pytest.raises(CidrError, match=why.replace("?", r"\?")):
        parse_cidr(text)


def test_ip_address_kind_is_rusts_ipaddr() -> None:
    assert ip_address_kind("10.0.0.1") == "v4"
    assert ip_address_kind("2001:db8::1") == "v6"
    assert ip_address_kind("10.0.0.300") is None
    assert ip_address_kind("010.0.0.1") is None  # Rust rejects leading zeros
    assert ip_address_kind("10.0.0.1:25") is None
