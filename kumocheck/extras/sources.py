"""policy-extras.sources: `[source.S]` and `[pool.P.S]` merged, and the two handlers' answers.

Sources are shallow-merged per name over `{name = S}` (a `name` key inside `[source.S]`
renames it); each file appends one entry per `[pool.P.S]` to pool P (files concatenate,
nothing is removed). `get_egress_source(name)` / `get_egress_pool(name)` return the
tables sources.lua passes to `kumo.make_egress_source` / `make_egress_pool`; an undefined
name is `make_*(nil)`, an error.
"""

from __future__ import annotations

from typing import Any

import attrs

from kumocheck.extras.merge import items, lua_type_name, merge_into, require_table
from kumocheck.extras.objects import is_object_option, object_problem
from kumocheck.extras.origins import HelperError, OList, OTable, Origin

__all__ = ["SourcesData", "load", "egress_source", "egress_pool", "source_key_problem"]


@attrs.define
class SourcesData:
    sources: OTable = attrs.Factory(OTable)
    pools: OTable = attrs.Factory(OTable)


def source_key_problem(key: Any, value: Any) -> str | None:
    """SourceConfig's `_dynamic` check: make_egress_source{[k]=v, name='dummy'}."""
    extra = {} if key == "name" else {"name": "dummy"}
    ok, message = is_object_option("egress_source", key, value, extra)
    if ok:
        return None
    if message and "invalid" in message:
        return f"SourceConfig: invalid value for field '{key}'"
    return f"SourceConfig: unknown field '{key}'"


def _load_one(data: Any, target: SourcesData) -> None:
    if not isinstance(data, dict):
        raise HelperError(f"SourcesHelperConfig: expected a table, got {lua_type_name(data)}")
    for key in data:
        if key not in ("source", "pool"):
            raise HelperError(f"SourcesHelperConfig: unknown field '{key}'")
    sources = data.get("source")
    if sources is not None:
        if not isinstance(sources, dict):
            raise HelperError("SourcesHelperConfig: invalid value for field 'source'")
        for name, params, origin in items(sources):
            require_table(params)
            for key, value, _o in items(params):
                problem = source_key_problem(key, value)
                if problem:
                    raise HelperError(problem)
            record = target.sources.get(name)
            if record is None:
                record = OTable(origin=getattr(params, "origin", origin))
                record.put("name", name, Origin(origin.file if origin else None, origin.line if origin else None,
                                                 origin.table if origin else "", "") if origin else None)
                target.sources.put(name, record, origin)
            merge_into(params, record)
    pools = data.get("pool")
    if pools is not None:
        if not isinstance(pools, dict):
            raise HelperError("SourcesHelperConfig: invalid value for field 'pool'")
        for name, definition, origin in items(pools):
            if not isinstance(definition, dict) and not (isinstance(definition, list) and not definition):
                raise HelperError(f"map<string,map<string,PoolSourceEntry>>: invalid value for key '{name}'")
            pool = target.pools.get(name)
            if pool is None:
                pool = OTable(origin=getattr(definition, "origin", origin))
                pool.put("name", name, origin)
                pool.put("entries", OList(), origin)
                target.pools.put(name, pool, origin)
            for source, params, entry_origin in items(definition):
                if not isinstance(params, dict):
                    raise HelperError(f"map<string,PoolSourceEntry>: invalid value for key '{source}'")
                for key, value, _o in items(params):
                    if key != "weight":
                        raise HelperError(f"PoolSourceEntry: unknown field '{key}'")
                    if not isinstance(value, (int, float)) or isinstance(value, bool):
                        raise HelperError("PoolSourceEntry: invalid value for field 'weight'")
                entry = OTable(origin=getattr(params, "origin", entry_origin))
                merge_into(params, entry)
                entry.put("name", source, entry_origin)
                entries = pool["entries"]
                entries.put(len(entries), entry, entry_origin)


def load(documents: list[Any]) -> SourcesData:
    """Merge the sources files in load order (sources.lua load_data)."""
    target = SourcesData()
    for document in documents:
        _load_one(document, target)
    return target


def _made(kind: str, params: Any, what: str, name: Any) -> OTable:
    problem = object_problem(kind, params)
    if problem:
        raise HelperError(f"{what} '{name}': make_{kind}: {problem}")
    return params


def egress_source(data: SourcesData, name: str) -> OTable:
    """get_egress_source(name): the table passed to make_egress_source (checked like it)."""
    return _made("egress_source", data.sources.get(name), "get_egress_source", name)


def egress_pool(data: SourcesData, name: str) -> OTable:
    """get_egress_pool(name): the table passed to make_egress_pool (checked like it)."""
    return _made("egress_pool", data.pools.get(name), "get_egress_pool", name)
