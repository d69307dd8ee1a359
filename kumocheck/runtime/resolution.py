"""What a policy decides per destination, with where each field came from.

    resolve_queue(policy, "spring:bulk@gmail.com")       -> Resolved (QueueConfig shape)
    resolve_egress_source(policy, "ip-1")                -> Resolved (make_egress_source table)
    resolve_egress_pool(policy, "pool-bulk")             -> Resolved
    resolve_egress_path(policy, "ip-1", "gmail.com")     -> Resolved (site name from the DNS fixture)
    resolve_listener_domain(policy, "example.com", "*")  -> Resolved (value None: no entry)

`policy` is a compiled module's `POLICY` (a runtime.policy.Policy). Errors are LuaErrors.
`Resolved.origins[field]` is an `extras.origins.Origin` (data file, line, table), or
None when the field was not set by helper data (a Lua handler, or KumoMTA's default).
"""

from __future__ import annotations

from typing import Any

import attrs

from kumocheck.extras.origins import HelperError
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import to_lua
from kumocheck.runtime.kumo import to_python
from kumocheck.runtime.policy import MULTIPLE_EVENTS, queue_config_result
from kumocheck.runtime.queue_name import parse_queue_name

__all__ = [
    "Resolved", "resolve_queue", "resolve_egress_source", "resolve_egress_pool", "resolve_egress_path",
    "resolve_listener_domain", "handler_label",
]


@attrs.frozen
class Resolved:
    """A resolved object: its printed shape, per-field origins, and the handler chain."""

    value: Any  # dict (JSON shape) or None
    origins: dict = attrs.Factory(dict)  # field -> Origin | None
    answered_by: str | None = None  # the handler that returned the value
    passed: tuple[str, ...] = ()  # handlers that ran before it and returned nothing
    site_name: str | None = None
    warnings: tuple[str, ...] = ()

    def origin_json(self, field: str) -> Any:
        origin = self.origins.get(field)
        if origin is None:
            return "default"
        return origin.to_json() if origin.file else origin.label()


def handler_label(handler: Any) -> str:
    """`policy-extras.queue` for a helper's handler, else the compiled function's name."""
    helper = getattr(handler, "kumocheck_helper", None)
    if helper:
        return helper
    code = getattr(handler, "__code__", None)
    name = getattr(handler, "__name__", "handler")
    return f"{name} (python line {code.co_firstlineno})" if code else name


def _chain(policy: Any, event: str, *args: Any) -> tuple[tuple, str | None, tuple[str, ...]]:
    """Fire `event` like kumod, recording which handler answered."""
    handlers = policy.handlers.get(event, [])
    passed: list[str] = []
    policy.extras.traces.pop(event, None)
    for index, handler in enumerate(handlers):
        previous = policy.current_event
        policy.current_event = event
        try:
            results = policy.fire_one(handler, *args)
        finally:
            policy.current_event = previous
        if results or event not in MULTIPLE_EVENTS:
            return tuple(results), handler_label(handler), tuple(passed)
        passed.append(handler_label(handler))
        if index == 0 and event not in MULTIPLE_EVENTS:
            break
    return (), None, tuple(passed)


def _origins(policy: Any, event: str, answered_by: str | None, fields: Any) -> dict:
    trace = policy.extras.traces.get(event)
    if trace is None or answered_by is None or not answered_by.startswith("policy-extras."):
        return {field: None for field in fields}
    return {field: trace.origins.get(field) for field in fields}


def resolve_queue(policy: Any, queue_name: str) -> Resolved:
    parts = parse_queue_name(queue_name)
    results, by, passed = _chain(policy, "get_queue_config", parts.domain, parts.tenant, parts.campaign, parts.routing_domain)
    config = queue_config_result(results, lambda v: type(v).__name__)
    shape = config.to_dict()
    return Resolved(shape, _origins(policy, "get_queue_config", by, shape), by, passed)


def _shape(value: Any) -> Any:
    return to_python(value) if value is not None else None


def _single(policy: Any, event: str, *args: Any) -> Resolved:
    results, by, passed = _chain(policy, event, *args)
    if by is None:
        raise LuaError(f"no {event} handler is registered".encode())
    value = results[0] if results else None
    shape = _shape(value)
    fields = shape if isinstance(shape, dict) else {}
    return Resolved(shape, _origins_from_tables(policy, event, by, value, fields), by, passed)


def _origins_from_tables(policy: Any, event: str, by: str, value: Any, fields: Any) -> dict:
    if event in ("get_egress_source", "get_egress_pool") and by.startswith("policy-extras."):
        return {field: None for field in fields}
    return _origins(policy, event, by, fields)


def resolve_egress_source(policy: Any, name: str) -> Resolved:
    resolved = _single(policy, "get_egress_source", name)
    return _with_sources_origins(policy, resolved, "sources", name)


def resolve_egress_pool(policy: Any, name: str) -> Resolved:
    resolved = _single(policy, "get_egress_pool", name)
    return _with_sources_origins(policy, resolved, "pools", name)


def _with_sources_origins(policy: Any, resolved: Resolved, kind: str, name: str) -> Resolved:
    if resolved.answered_by != "policy-extras.sources" or policy.extras.sources_files is None:
        return resolved
    try:
        table = getattr(policy.extras.sources(), kind).get(name)
    except HelperError:
        return resolved
    origins = {field: table.origins.get(field) for field in (resolved.value or {})} if table is not None else {}
    return attrs.evolve(resolved, origins=origins)


def resolve_egress_path(policy: Any, source: str, domain: str, site_name: str | None = None) -> Resolved:
    """get_egress_path_config(domain, source, site); the site from the DNS fixture when not given."""
    if site_name is None:
        try:
            site_name = policy.extras.settings.dns.lookup_mx(domain).site_name
        except HelperError as exc:
            raise LuaError(str(exc).encode()) from None
    resolved = _single(policy, "get_egress_path_config", domain, source, site_name)
    warnings: tuple[str, ...] = ()
    if policy.extras.shaping_files is not None:
        try:
            warnings = tuple(policy.extras.shaping().warnings)
        except HelperError:
            pass
    return attrs.evolve(resolved, site_name=site_name, warnings=warnings)


def resolve_listener_domain(policy: Any, domain: str, listener: str = "*", authz_id: str | None = None,
                            received_from: str | None = None) -> Resolved:
    """The session is unauthenticated unless `authz_id` (and `received_from`) are given."""
    meta = to_lua({k: v for k, v in (("authz_id", authz_id), ("received_from", received_from)) if v is not None})
    resolved = _single(policy, "get_listener_domain", domain, listener, meta)
    trace = policy.extras.traces.get("get_listener_domain")
    if trace is not None and isinstance(resolved.value, dict):
        resolved = attrs.evolve(resolved, origins={f: trace.origins.get(f) for f in resolved.value})
    return resolved

