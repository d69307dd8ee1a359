"""CIDRs as KumoMTA's cidr crate 0.3 reads them."""

from __future__ import annotations

import pytest

from kumocheck.values.cidr import CidrError, parse_cidr


@pytest.mark.parametrize("text", ["0.0.0.0/0", "::/0", "10.0.0.0/8", "192.168.1.0/24", "127.0.0.1", "::1", "2001:db8::/32", "any"])
def test_accepted(text: str) -> None:
    parse_cidr(text)


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [("0/0", "0.0.0.0/0"), ("10/8", "10.0.0.0/8"), ("10.1.2.3/16", "10.1.0.0/16"), ("10.0.0.0/33", None),
     ("10.0.0.0/255.0.0.0", None), ("fe80::1%eth0", None), ("01.2.3.4", None), ("", None), ("10.0.0.0/", None)],
)
def test_rejected(text: str, suggestion: str | None) -> None:
    with pytest.raises(CidrError) as caught:
        parse_cidr(text)
    assert caught.value.suggestion == suggestion
