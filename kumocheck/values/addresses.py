"""Address and URL checks for ``protocol.smtp.mx_list`` and ``protocol.xfer``.

* ``parse_resolved_addr`` re-implements ``HostOrSocketAddress::from_str``
  (kumomta ``crates/kumo-address``), which decodes the ``addr`` of a
  ``{name=, addr=}`` mx_list entry, on top of a port of Rust's
  ``core::net`` address parser.
* ``mx_string_problem`` follows what kumod does with a string entry at
  delivery time (``MxListEntry::resolve_into``, ``has_colon_port`` and
  ``resolve_a_or_aaaa`` in ``crates/dns-resolver``).
* ``url_problem`` approximates the ``url`` crate (WHATWG) for ``xfer.target``, and
  ``normalize_url`` its serialization.
"""

from __future__ import annotations

import ipaddress

__all__ = ["AddressError", "parse_resolved_addr", "resolved_addr_form", "mx_string_problem", "url_problem", "normalize_url"]

_SUN_PATH_LEN = 108  # Linux sockaddr_un.sun_path


class AddressError(ValueError):
    """An address string kumod rejects."""


# ---------------------------------------------------------------------------
# Rust core::net parser (IPv4 / IPv6 / socket addresses), on UTF-8 bytes.
# Each reader takes (bytes, position) and returns (value, new position) or
# None, leaving the caller's position untouched on failure.


def _digit(byte: int, radix: int) -> int | None:
    if 0x30 <= byte <= 0x39:
        return byte - 0x30
    if radix == 16:
        if 0x61 <= byte <= 0x66:
            return byte - 0x61 + 10
        if 0x41 <= byte <= 0x46:
            return byte - 0x41 + 10
    return None


def _read_number(
    b: bytes, pos: int, radix: int, max_digits: int | None, allow_zero_prefix: bool, limit: int
) -> tuple[int, int] | None:
    has_leading_zero = pos < len(b) and b[pos] == 0x30
    result = count = 0
    while pos < len(b):
        d = _digit(b[pos], radix)
        if d is None:
            break
        pos += 1
        result = result * radix + d
        count += 1
        if max_digits is not None:
            if count > max_digits:
                return None
        elif result > limit:
            return None
    if count == 0 or (not allow_zero_prefix and has_leading_zero and count > 1):
        return None
    if result > limit:
        return None
    return result, pos


def _read_char(b: bytes, pos: int, ch: str) -> int | None:
    if pos < len(b) and b[pos] == ord(ch):
        return pos + 1
    return None


def _read_ipv4(b: bytes, pos: int) -> tuple[list[int], int] | None:
    octets: list[int] = []
    for i in range(4):
        if i > 0:
            p = _read_char(b, pos, ".")
            if p is None:
                return None
            pos = p
        r = _read_number(b, pos, 10, 3, False, 255)  # no octal-looking octets
        if r is None:
            return None
        octets.append(r[0])
        pos = r[1]
    return octets, pos


def _read_groups(b: bytes, pos: int, limit: int) -> tuple[list[int], int, bool]:
    groups: list[int] = []
    for i in range(limit):
        if i < limit - 1:  # an embedded IPv4 needs two group slots
            p: int | None = pos
            if i > 0:
                p = _read_char(b, pos, ":")
            if p is not None:
                v4 = _read_ipv4(b, p)
                if v4 is not None:
                    o = v4[0]
                    groups += [(o[0] << 8) | o[1], (o[2] << 8) | o[3]]
                    return groups, v4[1], True
        p = pos
        if i > 0:
            p = _read_char(b, pos, ":")
            if p is None:
                return groups, pos, False
        r = _read_number(b, p, 16, 4, True, 0xFFFF)
        if r is None:
            return groups, pos, False
        groups.append(r[0])
        pos = r[1]
    return groups, pos, False


def _read_ipv6(b: bytes, pos: int) -> tuple[list[int], int] | None:
    head, pos, head_ipv4 = _read_groups(b, pos, 8)
    if len(head) == 8:
        return head, pos
    if head_ipv4:  # IPv4 part is not allowed before "::"
        return None
    p = _read_char(b, pos, ":")
    p = None if p is None else _read_char(b, p, ":")
    if p is None:
        return None
    tail, pos, _ = _read_groups(b, p, 8 - (len(head) + 1))
    return head + [0] * (8 - len(head) - len(tail)) + tail, pos


def _ip_kind(text: str) -> str | None:
    """``IpAddr::from_str``: 'v4', 'v6' or None."""
    b = text.encode("utf-8", "surrogatepass")
    r4 = _read_ipv4(b, 0)
    if r4 is not None:
        return "v4" if r4[1] == len(b) else None
    r6 = _read_ipv6(b, 0)
    return "v6" if r6 is not None and r6[1] == len(b) else None


def _is_ipv6(text: str) -> bool:
    """``Ipv6Addr::from_str``."""
    b = text.encode("utf-8", "surrogatepass")
    r6 = _read_ipv6(b, 0)
    return r6 is not None and r6[1] == len(b)


def _is_socket_addr(text: str) -> bool:
    """``SocketAddr::from_str``: ``v4:port`` or ``[v6%scope]:port``."""
    b = text.encode("utf-8", "surrogatepass")
    r4 = _read_ipv4(b, 0)
    if r4 is not None:
        p = _read_char(b, r4[1], ":")
        port = None if p is None else _read_number(b, p, 10, None, True, 0xFFFF)
        if port is not None:
            return port[1] == len(b)
    p = _read_char(b, 0, "[")
    r6 = None if p is None else _read_ipv6(b, p)
    if r6 is None:
        return False
    pos = r6[1]
    q = _read_char(b, pos, "%")
    scope = None if q is None else _read_number(b, q, 10, None, True, 0xFFFF_FFFF)
    if scope is not None:
        pos = scope[1]
    p = _read_char(b, pos, "]")
    p = None if p is None else _read_char(b, p, ":")
    port = None if p is None else _read_number(b, p, 10, None, True, 0xFFFF)
    return port is not None and port[1] == len(b)


def _rust_parse_u16(text: str) -> int | None:
    """Rust ``u16::from_str`` (a leading '+' is accepted)."""
    if text in ("", "+", "-"):
        return None
    digits = text[1:] if text[0] == "+" else text
    if not all("0" <= c <= "9" for c in digits):
        return None
    value = int(digits)
    return value if value <= 0xFFFF else None


def _unix_path_error(text: str) -> str | None:
    """Why ``text`` is not accepted as a unix socket path (std ``from_pathname``)."""
    if not text.startswith("/"):
        return "unix domain path must be absolute"
    raw = text.encode("utf-8", "surrogatepass")
    if b"\0" in raw:
        return "paths must not contain interior null bytes"
    if len(raw) >= _SUN_PATH_LEN:
        return "path must be shorter than SUN_LEN"
    return None


def _host_address(text: str) -> str | None:
    """kumo ``HostAddress::from_str``: 'v4', 'v6', 'unix', or None when rejected."""
    kind = _ip_kind(text)
    if kind:
        return kind
    if text.startswith("[") and text.endswith("]"):
        kind = _ip_kind(text[1:-1])
        if kind:
            return kind
    return "unix" if _unix_path_error(text) is None else None


def _socket_address_error(text: str) -> str | None:
    """kumo ``SocketAddress::from_str``: None when accepted, else the unix error text."""
    if text.startswith("["):
        end = text.find("]")
        if end >= 0 and text.startswith("]:", end):
            if _rust_parse_u16(text[end + 2:]) is not None and _host_address(text[1:end]) in ("v4", "v6"):
                return None
    if _is_socket_addr(text):
        return None
    return _unix_path_error(text)


def parse_resolved_addr(text: str) -> None:
    """Check the ``addr`` of an ``{name=, addr=}`` mx_list entry as kumod does.

    Accepts an IPv4/IPv6 address, optionally in brackets, optionally with a
    port (``10.0.0.1:25``, ``[10.0.0.1]:25``, ``[::1]:25``) and absolute unix
    socket paths. Raises :class:`AddressError` (kumod's message) otherwise,
    e.g. for hostnames.
    """
    unix_err = _socket_address_error(text)
    if unix_err is None or _host_address(text) is not None:
        return
    raise AddressError(
        f"Failed to parse '{text}' as an address. Got 'invalid socket address syntax'"
        f" when considering it as an IP address and '{unix_err}' when considering it"
        " as a unix domain socket path."
    )


def resolved_addr_form(text: str) -> str | None:
    """Which syntax an ``{name=, addr=}`` entry's ``addr`` uses, for since-versions:
    'ip' (a bare IP address, every release), 'bracketed' ('[10.0.0.1]', '[::1]'),
    'unix' (an absolute path), 'port' (an IP socket address), or None when rejected."""
    if _ip_kind(text):
        return "ip"
    host = _host_address(text)
    if host == "unix":
        return "unix"
    if host:
        return "bracketed"
    return "port" if _socket_address_error(text) is None else None


# ---------------------------------------------------------------------------
# String mx_list entries (resolved when a dispatcher starts)


def _has_colon_port(text: str) -> tuple[str, int] | None:
    """dns-resolver ``has_colon_port``: split a trailing ``:<u16>``."""
    label, sep, maybe_port = text.rpartition(":")
    if not sep or ":" in label:
        return None
    port = _rust_parse_u16(maybe_port)
    return None if port is None else (label, port)


def _ascii_lower(text: str) -> str:
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in text)


def mx_string_problem(text: str) -> str | None:
    """Warning for a string mx_list entry that will fail at delivery, else None.

    Any string passes ``make_queue_config``; the entry is interpreted only
    when a dispatcher starts. Only certain failures are reported: empty
    names, bracketed literals kumod cannot parse (such as ``'[::1]:25'``),
    over-long socket paths. Hostnames, ``host:port``, IPs, bracketed IPs,
    ``[IPv6:...]`` and absolute paths pass.
    """
    split = _has_colon_port(text)
    label = split[0] if split else text
    if label == "":
        if text == "":
            return "empty mx_list entry: there is no host to deliver to"
        return f"mx_list entry '{text}' has an empty host name before the port"
    if label.startswith("["):
        if not label.endswith("]"):
            hint = ""
            inner, _, port = label.rpartition(":")
            if inner.endswith("]"):
                if _rust_parse_u16(port) is None:
                    hint = f"; '{port}' is not a port number (0..65535)"
                else:
                    hint = (
                        "; a port after an IPv6 literal is not split off in the string form,"
                        " use the table form {name=..., addr='[v6]:port'}"
                    )
            return f"'{label}' is a malformed literal domain with no trailing ']' (fails at delivery){hint}"
        literal = _ascii_lower(label)[1:-1]
        if literal.startswith("ipv6:"):
            if not _is_ipv6(literal[5:]):
                return f"invalid ipv6 address '{literal[5:]}' in mx_list entry '{text}' (fails at delivery)"
            return None
        kind = _host_address(literal)
        if kind is None:
            return f"invalid address literal '{literal}' in mx_list entry '{text}' (fails at delivery)"
        if kind == "unix" and literal != label[1:-1]:
            return (
                f"kumod lowercases bracketed literals, so the socket path becomes '{literal}'"
                f" (mx_list entry '{text}')"
            )
        return None
    if label.startswith("/"):
        err = _unix_path_error(label)
        if err is not None:
            return (
                f"'{label}' is not usable as a unix socket path ({err}); kumod would look it up"
                " as a hostname, which fails"
            )
    return None


# ---------------------------------------------------------------------------
# xfer.target (url crate, WHATWG URL Standard)

_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})  # "file" has no host rule
_C0_AND_SPACE = "".join(chr(i) for i in range(0x21))
_FORBIDDEN_DOMAIN = frozenset(_C0_AND_SPACE + "#%/:<>?@[\\]^|\x7f")


def _is_alpha(c: str) -> bool:
    return "a" <= c <= "z" or "A" <= c <= "Z"


def url_problem(text: str) -> str | None:
    """None when the WHATWG parser accepts ``text`` as an absolute URL, else a message.

    Checks the scheme (``ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"``)
    and, for http(s)/ws(s)/ftp, the authority: non-empty host, numeric port
    <= 65535, forbidden ASCII host characters, hosts ending in a number that
    are not valid IPv4. Not modelled (reported as fine): percent-decoding,
    IDNA, IPv6 literal contents, non-special authorities. Note
    ``'localhost:8000'`` is accepted: its scheme is ``localhost``.
    """
    # WHATWG: strip leading/trailing C0 controls and spaces, drop tabs and newlines
    s = text.strip(_C0_AND_SPACE)
    s = s.replace("\t", "").replace("\n", "").replace("\r", "")
    colon = s.find(":")
    scheme = s[:colon] if colon > 0 else ""
    if not scheme or not _is_alpha(scheme[0]) or not all(
        _is_alpha(c) or "0" <= c <= "9" or c in "+-." for c in scheme
    ):
        return "relative URL without a base"
    if _ascii_lower(scheme) not in _SPECIAL_SCHEMES:
        return None
    rest = s[colon + 1:].lstrip("/\\")
    end = len(rest)
    for stop in "/\\?#":
        i = rest.find(stop)
        if 0 <= i < end:
            end = i
    authority = rest[:end]
    host_port = authority.rpartition("@")[2]
    if host_port.startswith("["):
        close = host_port.find("]")
        if close < 0:
            return "invalid IPv6 address"
        host, port = host_port[: close + 1], host_port[close + 1:]
        if port and not port.startswith(":"):
            return "invalid IPv6 address"
        port = port[1:]
    else:
        host, _, port = host_port.partition(":")
    if host == "":
        return "empty host"
    if port and (not all("0" <= c <= "9" for c in port) or int(port) > 0xFFFF):
        return "invalid port number"
    if host.startswith("[") or "%" in host or not host.isascii():
        return None  # IPv6 contents, percent-decoding and IDNA are not modelled
    host = _ascii_lower(host)
    if any(c in _FORBIDDEN_DOMAIN for c in host):
        return "invalid domain character"
    if _ends_in_number(host) and not _whatwg_ipv4_ok(host):
        return "invalid IPv4 address"
    return None


def _ipv4_number(part: str) -> int | None:
    """WHATWG "IPv4 number parser" (decimal, 0x-hex or 0-prefixed octal)."""
    if part == "":
        return None
    radix = 10
    if part[:2] in ("0x", "0X"):
        radix, part = 16, part[2:]
    elif len(part) >= 2 and part[0] == "0":
        radix, part = 8, part[1:]
    if part == "":
        return 0
    digits = "0123456789abcdef"[:radix]
    if not all(c in digits for c in part.lower()):
        return None
    return int(part, radix)


def _ends_in_number(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "":
        if len(parts) == 1:
            return False
        parts.pop()
    last = parts[-1]
    if last and all("0" <= c <= "9" for c in last):
        return True
    return _ipv4_number(last) is not None


def _whatwg_ipv4_ok(host: str) -> bool:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    if len(parts) > 4:
        return False
    numbers = [_ipv4_number(p) for p in parts]
    if any(n is None for n in numbers):
        return False
    if any(n > 255 for n in numbers[:-1]):  # type: ignore[operator]
        return False
    return numbers[-1] < 256 ** (5 - len(numbers))  # type: ignore[operator]


_DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443, "ftp": 21}
_PATH_ENCODE = frozenset(' "<>`#?{}')
_QUERY_ENCODE = frozenset(' "#<>\'')
_FRAGMENT_ENCODE = frozenset(' "<>`')
_USERINFO_ENCODE = _PATH_ENCODE | frozenset("/:;=@[\\]^|")


def _percent_encode(text: str, encode: frozenset) -> str:
    return "".join(
        "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
        if c in encode or ord(c) < 0x21 or ord(c) > 0x7E else c
        for c in text
    )


def _ipv6_text(pieces: list[int]) -> str:
    """WHATWG IPv6 serializer: lower-case hex, the first longest run (2+) of zeros as '::'."""
    best, best_len, run_start = -1, 1, -1
    for i, piece in enumerate(pieces + [1]):
        if piece == 0 and i < 8:
            run_start = i if run_start < 0 else run_start
        elif run_start >= 0:
            if i - run_start > best_len:
                best, best_len = run_start, i - run_start
            run_start = -1
    if best < 0:
        return ":".join(f"{p:x}" for p in pieces)
    head = ":".join(f"{p:x}" for p in pieces[:best])
    tail = ":".join(f"{p:x}" for p in pieces[best + best_len:])
    return f"{head}::{tail}"


def _url_host(host: str) -> str:
    if host.startswith("[") and host.endswith("]"):
        number = int(ipaddress.IPv6Address(host[1:-1]))
        return "[" + _ipv6_text([(number >> (112 - 16 * i)) & 0xFFFF for i in range(8)]) + "]"
    if "%" in host or not host.isascii():
        return _ascii_lower(host)  # percent-decoding and IDNA are not modelled
    host = _ascii_lower(host)
    if _ends_in_number(host):
        parts = host.split(".")
        if parts[-1] == "":
            parts.pop()
        numbers = [_ipv4_number(p) or 0 for p in parts]
        value = numbers[-1] + sum(n << (8 * (3 - i)) for i, n in enumerate(numbers[:-1]))
        return str(ipaddress.IPv4Address(value))
    return host


def _url_path(path: str) -> str:
    """A special URL's path: '\\' as '/', dot segments resolved, never empty."""
    out: list[str] = []
    segments = path.replace("\\", "/").split("/")[1:] if path else [""]
    for position, segment in enumerate(segments):
        last = position == len(segments) - 1
        lowered = segment.lower()
        if lowered in ("..", ".%2e", "%2e.", "%2e%2e"):
            if out:
                out.pop()
            if last:
                out.append("")
        elif lowered in (".", "%2e"):
            if last:
                out.append("")
        else:
            out.append(_percent_encode(segment, _PATH_ENCODE))
    return "/" + "/".join(out)


def normalize_url(text: str) -> str:
    """The ``url`` crate's serialization of an accepted absolute URL (``Url::as_str``):
    scheme and special hosts lower-cased, userinfo kept as written (an empty password
    dropped), the scheme's default port dropped, an empty path as '/'."""
    s = text.strip(_C0_AND_SPACE).replace("\t", "").replace("\n", "").replace("\r", "")
    scheme, _, rest = s.partition(":")
    scheme = _ascii_lower(scheme)
    if scheme not in _SPECIAL_SCHEMES:
        return f"{scheme}:{rest}"
    rest = rest.lstrip("/\\")
    end = min((i for i in (rest.find(c) for c in "/\\?#") if i >= 0), default=len(rest))
    authority, tail = rest[:end], rest[end:]
    userinfo, at, host_port = authority.rpartition("@")
    user, _, password = userinfo.partition(":")
    credentials = (_percent_encode(user, _USERINFO_ENCODE) + (":" + _percent_encode(password, _USERINFO_ENCODE)
                   if password else "") + "@") if at and (user or password) else ""
    close = host_port.find("]") if host_port.startswith("[") else -1
    host, _, port = (host_port[: close + 1], "", host_port[close + 2:]) if close >= 0 else host_port.partition(":")
    port_text = f":{int(port)}" if port and int(port) != _DEFAULT_PORTS[scheme] else ""
    path, hash_mark, fragment = tail.partition("#")
    path, question, query = path.partition("?")
    return (
        f"{scheme}://{credentials}{_url_host(host)}{port_text}{_url_path(path)}"
        + (question + _percent_encode(query, _QUERY_ENCODE))
        + (hash_mark + _percent_encode(fragment, _FRAGMENT_ENCODE))
    )


# ---------------------------------------------------------------------------
# HOST:PORT (kumo-address ResolvableSocketAddr: ha_proxy_server, socks5_proxy_server)


def host_port_form(text: str) -> str | None:
    """How ``ResolvableSocketAddr::from_str`` reads ``text``: 'socket' (an IP socket address
    or unix path), 'hostname' (a DNS name and a port), or None when it is rejected."""
    if _socket_address_error(text) is None:
        return "socket"
    host, sep, port = text.rpartition(":")
    if not sep or _rust_parse_u16(port) is None or not host:
        return None
    raw = host.encode("utf-8", "surrogatepass")
    labels = raw[:-1].split(b".") if raw.endswith(b".") else raw.split(b".")
    if len(raw) > 255 or any(not label or len(label) > 63 for label in labels):
        return None
    return "hostname"


def host_port_problem(text: str) -> str | None:
    """Why kumod rejects ``text`` as HOST:PORT, or None."""
    if host_port_form(text) is not None:
        return None
    host, sep, port = text.rpartition(":")
    if not sep:
        return "the port is missing"
    if _rust_parse_u16(port) is None:
        return f"invalid port '{port}'"
    if not host:
        return "the host name is empty"
    return f"'{host}' is neither an IP address nor a valid host name"
