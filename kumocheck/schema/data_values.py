"""The value kinds of helpers' data and option tables: maps, CIDRs, IP addresses, LimitSpec...

A mixin of `kumocheck.schema.validate.Validator` (which supplies `validate`, `_problem`,
`_wrong_type` and `_where`), so data files are judged by the one Validator.
"""

from __future__ import annotations

import ipaddress
from typing import Any, Iterator

from kumocheck.schema.model import TypeRef
from kumocheck.schema.values import Const, Opaque, TableValue, Value, lua_repr
from kumocheck.values import cidr


class DataValueChecks:
    """Value kinds beyond make_queue_config's: see DATA_KINDS in validate.py."""

    def _data_value(self, value: Value, typ: TypeRef, path: tuple) -> Iterator[Any]:
        kind = typ.kind
        if kind == "any" or (isinstance(value, Const) and value.value is None):
            return
        if kind == "map":
            yield from self._map(value, typ, path)
        elif kind == "one_or_list":
            if isinstance(value, TableValue) and (value.array_meta or value.positional()):
                yield from self.validate(value, TypeRef("list", item=typ.item), path)
            else:
                yield from self.validate(value, typ.item, path)
        elif kind == "number":
            if not isinstance(value, Const) or isinstance(value.value, bool) or not isinstance(value.value, (int, float)):
                yield self._wrong_type(value, typ, path)
        elif kind == "function":
            if not (isinstance(value, Opaque) and value.kind in ("function", "helper_fn")):
                yield self._wrong_type(value, typ, path)
        elif kind == "limit":
            yield from self._limit(value, typ, path)
        elif kind in ("cidr", "ip_addr"):
            yield from self._network(value, typ, path)

    def _map(self, value: Value, typ: TypeRef, path: tuple) -> Iterator[Any]:
        if not isinstance(value, TableValue) or (value.array_meta and value.positional()):
            yield self._wrong_type(value, typ, path, "write a table of name = value")
            return
        for key, entry in value.string_keys():
            yield from self.validate(entry.value, typ.item, path + (key,))

    def _limit(self, value: Value, typ: TypeRef, path: tuple) -> Iterator[Any]:
        """LimitSpec (crates/throttle): an integer >= 1, or '[local:]N' with `_`/`,` separators."""
        if not isinstance(value, Const) or isinstance(value.value, bool) or isinstance(value.value, float):
            yield self._wrong_type(value, typ, path, "write a whole number such as 10, or 'local:10'")
            return
        raw = value.value
        if isinstance(raw, int):
            if raw < 1:
                yield self._problem("invalid-value", f"`{self._where(path)}` must be 1 or larger, got {raw}", value.origin, path)
            return
        text = raw.decode("utf-8", "replace")
        digits = text.removeprefix("local:").replace("_", "").replace(",", "")
        if not digits.isascii() or not digits.isdigit() or int(digits) == 0:
            yield self._problem(
                "invalid-value",
                f"invalid limit {lua_repr(raw)} for `{self._where(path)}`: expected a number greater than 0, "
                "optionally prefixed with 'local:'",
                value.origin,
                path,
                help="write 10, '1,000' or 'local:5'",
            )

    def _network(self, value: Value, typ: TypeRef, path: tuple) -> Iterator[Any]:
        if not isinstance(value, Const):
            return
        if not isinstance(value.value, bytes):
            yield self._wrong_type(value, typ, path, "write it as a string")
            return
        text = value.value.decode("utf-8", "replace")
        if typ.kind == "ip_addr":
            try:
                ipaddress.ip_address(text)
                if "%" in text:
                    raise ValueError(text)
            except ValueError:
                yield self._problem(
                    "invalid-value",
                    f"`{self._where(path)}` expects an IP address, got {lua_repr(value.value)}",
                    value.origin,
                    path,
                    help="write an IPv4 or IPv6 address without a port, such as '10.0.0.1'",
                )
            return
        try:
            cidr.parse_cidr(text)
        except cidr.CidrError as exc:
            hint = f"did you mean '{exc.suggestion}'?" if exc.suggestion else "write ADDRESS/LENGTH such as '10.0.0.0/8', or an address"
            yield self._problem(
                "invalid-value",
                f"invalid CIDR {lua_repr(value.value)} for `{self._where(path)}`: {exc}",
                value.origin,
                path,
                help=hint,
                replacement=f"'{exc.suggestion}'" if exc.suggestion else None,
            )
