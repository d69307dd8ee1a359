"""Tests for kumocheck.values.addresses.

Expectations: kumomta's kumo-address tests, the queue-config fact sheet
(sections 3.2, 3.5, 8, 9), runs of the real Rust parsers, and the WHATWG
URL Standard.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given, strategies as st

from kumocheck.values.addresses import (
    AddressError, mx_string_problem, normalize_url, parse_resolved_addr, resolved_addr_form, url_problem,
)

# --- {name=, addr=} entries: HostOrSocketAddress ---------------------------------

ACCEPTED_ADDRS = [
    # fact sheet 3.2(b)
    "10.0.0.1",
    "[10.0.0.1]",
    "::1",
    "[::1]",
    "10.0.0.1:25",
    "[10.0.0.1]:25",
    "[::1]:25",
    "[::1]:2525",
    "/run/lmtp.sock",
    # kumo-address tests
    "[::1]:100",
    "/some/path",
    # Rust std parser details
    "255.255.255.255",
    "0.0.0.0:0",
    "10.0.0.1:65535",
    "10.0.0.1:00000000025",  # leading zeros in a port are fine
    "::",
    "::ffff:1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7::",
    "2001:DB8::1",
    "2001:0db8:0000:0000:0000:0000:0000:0001",
    "::1:25",  # the IPv6 address ::1:25, not ::1 port 25
    "[fe80::1%2]:25",  # scope id, SocketAddr syntax
    "[::1]:+25",  # kumo's bracket branch uses u16::from_str, which takes '+'
    "[10.0.0.1]:0025",
    "/",
    "/" + "a" * 106,  # 107 bytes: just fits sun_path
    "/relative/../is/fine",
]


@pytest.mark.parametrize("text", ACCEPTED_ADDRS)
def test_resolved_addr_accepted(text: str) -> None:
    assert parse_resolved_addr(text) is None


REJECTED_ADDRS = [
    "mx.example.com",
    "localhost",
    "relative/path",
    "./x.sock",
    ":25",
    "[IPv6:::1]",  # the ipv6: tag works only in the string form
    "",
    "hello there",
    "[10.0.0.1]:bogus",
    "[/some/path]",
    "[[10.0.0.1]]",
    "010.0.0.1",  # no octal-looking octets
    "1.2.3.256",
    "1.2.3",
    "1.2.3.4.5",
    "1234::1::2",
    "12345::1",
    "1:2:3:4:5:6:7:8:9",
    "1.2.3.4::",
    "10.0.0.1:65536",
    "10.0.0.1:+25",  # SocketAddr's port reader takes no sign
    "10.0.0.1:-1",
    "[10.0.0.1]:65536",
    "fe80::1%2",
    "[fe80::1%2]",
    "[::1]:",
    "[::1",
    " 10.0.0.1",
    "10.0.0.1 ",
    "\uff11.2.3.4",
    "/" + "a" * 107,  # 108 bytes: too long for sun_path
    "/a\0b",
]


@pytest.mark.parametrize("text", REJECTED_ADDRS)
def test_resolved_addr_rejected(text: str) -> None:
    with pytest.raises(AddressError):
        parse_resolved_addr(text)


@pytest.mark.parametrize(
    "text,unix_err",
    [
        ("hello there", "unix domain path must be absolute"),
        ("[10.0.0.1]:bogus", "unix domain path must be absolute"),
        ("/" + "x" * 200, "path must be shorter than SUN_LEN"),
        ("/a\0b", "paths must not contain interior null bytes"),
    ],
)
def test_resolved_addr_message(text: str, unix_err: str) -> None:
    with pytest.raises(AddressError) as info:
        parse_resolved_addr(text)
    assert str(info.value) == (
        f"Failed to parse '{text}' as an address. Got 'invalid socket address syntax'"
        f" when considering it as an IP address and '{unix_err}' when considering it"
        " as a unix domain socket path."
    )


@given(st.ip_addresses(), st.integers(0, 65535))
def test_every_ip_form_is_accepted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address, port: int) -> None:
    forms = {str(ip), ip.exploded}
    for form in forms:
        parse_resolved_addr(form)
        parse_resolved_addr(f"[{form}]")
        parse_resolved_addr(f"[{form}]:{port}")
        if ip.version == 4:
            parse_resolved_addr(f"{form}:{port}")
        assert mx_string_problem(form) is None
        assert mx_string_problem(f"[{form}]") is None
        if ip.version == 6:
            assert mx_string_problem(f"[IPv6:{form}]") is None
            assert mx_string_problem(f"[{form}]:{port}") is not None
        else:
            assert mx_string_problem(f"[{form}]:{port}") is None


hostnames = st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z][a-z0-9-]{0,10}){0,3}", fullmatch=True)


@given(hostnames, st.integers(0, 65535))
def test_hostnames_rejected_as_addr_but_fine_as_mx_string(name: str, port: int) -> None:
    with pytest.raises(AddressError):
        parse_resolved_addr(name)
    with pytest.raises(AddressError):
        parse_resolved_addr(f"{name}:{port}")
    assert mx_string_problem(name) is None
    assert mx_string_problem(f"{name}:{port}") is None


@given(st.text(max_size=30))
def test_arbitrary_text_never_crashes(text: str) -> None:
    try:
        parse_resolved_addr(text)
    except AddressError:
        pass
    problem = mx_string_problem(text)
    assert problem is None or isinstance(problem, str)
    problem = url_problem(text)
    assert problem is None or isinstance(problem, str)


# --- string mx_list entries ------------------------------------------------------

MX_FINE = [
    # fact sheet 9.20
    "mx.example.com",
    "[10.0.0.1]",
    "relay:2025",
    "/run/lmtp.sock",
    "10.0.0.2",
    "[IPv6:2001:db8::1]",
    # more
    "mx.example.com:2025",
    "[10.0.0.1]:2025",
    "::1",
    "[::1]",
    "[ipv6:::1]",
    "[IPV6:::1]",
    "host:notaport",  # looked up as a hostname: not certain to fail
    "relative/path",
    "/run/lmtp.sock:25",  # port split off, ignored for a unix path
    "[/run/sock]",
    "[[10.0.0.1]]",  # HostAddress strips a second pair of brackets
    "MX.Example.COM",
]


@pytest.mark.parametrize("text", MX_FINE)
def test_mx_string_fine(text: str) -> None:
    assert mx_string_problem(text) is None


MX_PROBLEMS = [
    ("[::1]:25", "malformed literal"),  # fact sheet 9.21
    ("[IPv6:::1]:25", "malformed literal"),
    ("[10.0.0.1]:99999", "not a port number"),
    ("[10.0.0.1", "malformed literal"),
    ("[300.1.1.1]", "invalid address literal"),
    ("[mx.example.com]", "invalid address literal"),
    ("[10.0.0.1:25]", "invalid address literal"),  # no port split inside the brackets here
    ("[]", "invalid address literal"),
    ("[IPv6:1.2.3.4]", "invalid ipv6 address"),
    ("[IPv6:]", "invalid ipv6 address"),
    ("", "empty"),
    (":25", "empty host name"),
    ("[/Run/Sock]", "lowercases"),
    ("/" + "a" * 107, "SUN_LEN"),
]


@pytest.mark.parametrize("text,fragment", MX_PROBLEMS)
def test_mx_string_problem(text: str, fragment: str) -> None:
    problem = mx_string_problem(text)
    assert problem is not None and fragment in problem


def test_mx_ipv6_with_port_points_to_table_form() -> None:
    problem = mx_string_problem("[::1]:25")
    assert problem is not None and "table form" in problem


# --- xfer.target -------------------------------------------------------------------

URL_OK = [
    "http://127.0.0.1:8000",
    "https://host.name:8008",
    "localhost:8000",  # scheme "localhost"
    "HTTP://Example.COM/path?q#f",
    "  http://x.example  ",  # leading/trailing C0 and spaces are stripped
    "h\ttt\np://x",  # tabs and newlines are removed
    "http:example.com",  # special schemes skip missing slashes
    "http:\\\\example.com",
    "http://example.com:",
    "http://example.com:0080",
    "http://[::1]:8000",
    "http://user:pw@host",
    "http://@host",
    "http://1.2.3.4",
    "http://0x7f.1",
    "http://4294967295",
    "mailto:someone@example.com",
    "x:",
    "a+b-c.d:rest",
    "file:///tmp/x",
    "file:",
    "redis://",
]


@pytest.mark.parametrize("text", URL_OK)
def test_url_ok(text: str) -> None:
    assert url_problem(text) is None


URL_BAD = [
    ("127.0.0.1:8000", "relative URL without a base"),  # fact sheet 8.39
    ("", "relative URL without a base"),
    ("/path", "relative URL without a base"),
    ("example.com", "relative URL without a base"),
    ("1http://x", "relative URL without a base"),
    ("ht tp://x", "relative URL without a base"),
    (":8000", "relative URL without a base"),
    ("http:", "empty host"),
    ("http://", "empty host"),
    ("https://:443", "empty host"),
    ("http://user@", "empty host"),
    ("http://x:65536", "invalid port number"),
    ("http://x:8o", "invalid port number"),
    ("http://x:+80", "invalid port number"),
    ("http://[::1", "invalid IPv6 address"),
    ("http://[::1]x", "invalid IPv6 address"),
    ("http://1.2.3.256", "invalid IPv4 address"),
    ("http://4294967296", "invalid IPv4 address"),
    ("http://08", "invalid IPv4 address"),
    ("http://a.1.2.3.4.5", "invalid IPv4 address"),
    ("http://exa mple.com", "invalid domain character"),
    ("http://a<b", "invalid domain character"),
]


@pytest.mark.parametrize("text,message", URL_BAD)
def test_url_bad(text: str, message: str) -> None:
    assert url_problem(text) == message


schemes = st.from_regex(r"[A-Za-z][A-Za-z0-9+.\-]{0,8}", fullmatch=True)


@given(schemes, st.text(max_size=20))
def test_any_valid_non_special_scheme_is_absolute(scheme: str, rest: str) -> None:
    if scheme.lower() in {"http", "https", "ws", "wss", "ftp"}:
        return
    assert url_problem(f"{scheme}:{rest}") is None


@given(st.from_regex(r"[0-9+.\-][A-Za-z0-9+.\-]{0,8}", fullmatch=True), st.text(max_size=10))
def test_scheme_must_start_with_a_letter(head: str, rest: str) -> None:
    assert url_problem(f"{head}:{rest}") == "relative URL without a base"


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("10.0.0.1", "ip"),
        ("::1", "ip"),
        ("[10.0.0.1]", "bracketed"),
        ("[2001:db8::1]", "bracketed"),
        ("/var/run/smtp.sock", "unix"),
        ("10.0.0.1:25", "port"),
        ("[10.0.0.1]:25", "port"),
        ("[::1]:2525", "port"),
        ("mx.example.com", None),
        ("10.0.0.1:99999", None),
    ],
)
def test_resolved_addr_form(text: str, form: str | None) -> None:
    assert resolved_addr_form(text) == form


# Expected serializations worked out by hand from the WHATWG URL standard (the url crate):
# scheme and special host lower-cased, userinfo as written, default port (http 80, https
# 443, ws 80, wss 443, ftp 21) dropped, an empty path serialized as "/".
@pytest.mark.parametrize(
    ("text", "serialized"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/"),
        ("https://host.name:8008", "https://host.name:8008/"),
        ("HTTP://User:PassWord@Example.COM:80", "http://User:PassWord@example.com/"),
        ("https://Relay.Example.NET:443/inject", "https://relay.example.net/inject"),
        ("http://relay.example.net:0080", "http://relay.example.net/"),
        ("https://relay.example.net:80", "https://relay.example.net:80/"),
        ("http://relay.example.net?via=kumo", "http://relay.example.net/?via=kumo"),
        ("http://h/a/./b/../c", "http://h/a/c"),
        ("http://h\\api\\inject", "http://h/api/inject"),
        ("http://0x7f.1:8000", "http://127.0.0.1:8000/"),
        ("http://[2001:DB8:0:0:1:0:0:1]:8000", "http://[2001:db8::1:0:0:1]:8000/"),
        ("http://user:@h", "http://user@h/"),
        ("http://@h", "http://h/"),
        ("http://h/a b?q=x y#f g", "http://h/a%20b?q=x%20y#f%20g"),
        ("wss://h:443", "wss://h/"),
        ("  http://h:8000\n", "http://h:8000/"),
    ],
)
def test_normalize_url_as_the_url_crate(text: str, serialized: str) -> None:
    assert url_problem(text) is None
    assert normalize_url(text) == serialized
