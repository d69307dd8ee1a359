"""policy-extras.listener_domains: per-(listener, domain) entries merged; get_listener_domain.

Top-level domain tables belong to listener `*`; `[listener.'ip:port'.'domain']` to that
listener. Files overwrite individual keys per (listener, domain). Lookup: the listener's
DomainMap with the domain, then `*`'s with the domain, then `*`'s with the literal `*`;
no merging between the levels.
"""

from __future__ import annotations

from typing import Any

import attrs

from kumocheck.extras.domain_map import DomainMap
from kumocheck.extras.merge import items, lua_type_name, require_table
from kumocheck.extras.objects import is_object_option
from kumocheck.extras.origins import HelperError, OTable, copy_tree

__all__ = ["ListenerData", "load", "get_listener_domain", "split_ip_port"]


@attrs.define
class ListenerData:
    by_listener: dict  # listener -> DomainMap of OTable entries
    raw: OTable


def _check_key(key: Any, value: Any) -> None:
    if key == "relay_from_authz":
        if not isinstance(value, (list, dict)) or any(not isinstance(v, str) for k, v, _o in items(value) if isinstance(k, int)):
            raise HelperError("ListenerConfig: invalid value for field 'relay_from_authz'")
        return
    ok, message = is_object_option("listener_domain", key, value)
    if not ok:
        kind = "invalid value for" if message and "invalid" in message else "unknown"
        raise HelperError(f"ListenerConfig: {kind} field '{key}'")


def _process(data: Any, target: OTable) -> None:
    if not isinstance(data, dict):
        raise HelperError(f"listener_domains: expected a table, got {lua_type_name(data)}")
    by_listener: dict[str, OTable] = {}
    per_listener = data.get("listener") or {}
    require_table(per_listener)
    for listener, entries, origin in items(per_listener):
        if not isinstance(entries, dict):
            raise HelperError(f"map<string,map<string,ListenerConfig>>: invalid value for key '{listener}'")
        by_listener[listener] = OTable(entries, origin=getattr(entries, "origin", None))
        by_listener[listener].origins.update(getattr(entries, "origins", {}))
    for domain, params, origin in items(data):
        if domain == "listener":
            continue
        star = by_listener.setdefault("*", OTable())
        star.put(domain, params, origin)
    for listener, entries in by_listener.items():
        for domain, params, origin in items(entries):
            if not isinstance(params, dict):
                raise HelperError(f"map<string,ListenerConfig>: invalid value for key '{domain}'")
            for key, value, _o in items(params):
                _check_key(key, value)
            mapping = target.get(listener)
            if mapping is None:
                mapping = OTable()
                target.put(listener, mapping, None)
            entry = mapping.get(domain)
            if entry is None:
                entry = OTable(origin=getattr(params, "origin", origin))
                mapping.put(domain, entry, origin)
            for key, value, key_origin in items(params):
                entry.put(key, value, key_origin)


def load(documents: list[Any]) -> ListenerData:
    """Merge the listener-domain files in load order and compile the domain maps."""
    target = OTable()
    for document in documents:
        _process(document, target)
    compiled = {listener: DomainMap((str(d), e) for d, e in mapping.items()) for listener, mapping in target.items()}
    return ListenerData(compiled, target)


def split_ip_port(text: str) -> tuple[str, str]:
    """policy_utils.split_ip_port: `ip:port` (brackets stripped); an error without a port."""
    import re

    found = re.match(r"^(.*):(\d+)$", text, re.DOTALL)
    if not found:
        raise HelperError("bad argument #1 to 'match' (string expected, got nil)")
    ip = found.group(1)
    bracket = re.match(r"^\[(.*)\]$", ip, re.DOTALL)
    return (bracket.group(1) if bracket else ip), found.group(2)


def _lookup(data: ListenerData, domain: str, listener: str, conn_meta: dict | None) -> OTable | None:
    mapping = data.by_listener.get(listener)
    if mapping is None:
        return None
    found = mapping.get(domain)
    if found is None:
        return None
    entry = copy_tree(found)
    authz = entry.get("relay_from_authz")
    entry.drop("relay_from_authz")
    if authz is not None:
        if conn_meta is None:
            raise HelperError("attempt to index a nil value (local 'conn_meta')")
        authz_id = conn_meta.get("authz_id")
        if authz_id is None or authz_id not in [v for _k, v, _o in items(authz)]:
            return entry
        received_from = conn_meta.get("received_from")
        if received_from is None:
            raise HelperError("bad argument #1 to 'match' (string expected, got nil)")
        peer, _port = split_ip_port(received_from)
        entry.put("relay_from", [peer], None)
    return entry


def get_listener_domain(data: ListenerData, domain: str, listener: str, conn_meta: dict | None = None) -> OTable | None:
    """The table passed to make_listener_domain, or None (no entry: kumod's defaults).

    `conn_meta` holds the session's `authz_id` and `received_from` metadata (None: no
    connection object, which the helper indexes only for `relay_from_authz` entries)."""
    for name, where in ((domain, listener), (domain, "*"), ("*", "*")):
        result = _lookup(data, name, where, conn_meta)
        if result is not None:
            return result
    return None
