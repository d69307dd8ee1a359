"""policy_utils' table merges on OTable/OList trees (origins travel with the values)."""

from __future__ import annotations

from typing import Any, Iterator

from kumocheck.extras.origins import HelperError, OList, OTable, Origin

__all__ = ["items", "get", "put", "merge_into", "recursive_merge_into", "lua_type_name", "require_table"]


def items(table: Any) -> Iterator[tuple[Any, Any, Origin | None]]:
    """(key, value, origin) of a table; list keys are Lua's 1-based indexes."""
    origins = getattr(table, "origins", {}) or {}
    if isinstance(table, list):
        for index, value in enumerate(table):
            yield index + 1, value, origins.get(index)
    else:
        for key, value in table.items():
            yield key, value, origins.get(key)


def get(table: Any, key: Any) -> Any:
    if isinstance(table, list):
        return table[key - 1] if isinstance(key, int) and 1 <= key <= len(table) else None
    return table.get(key)


def put(table: Any, key: Any, value: Any, origin: Origin | None) -> None:
    if isinstance(table, OList):
        if isinstance(key, int) and 1 <= key <= len(table) + 1:
            table.put(key - 1, value, origin)
            return
        raise HelperError("cannot merge a keyed table into a list")
    if isinstance(table, list):
        if isinstance(key, int) and 1 <= key <= len(table) + 1:
            if key <= len(table):
                table[key - 1] = value
            else:
                table.append(value)
            return
        raise HelperError("cannot merge a keyed table into a list")
    if isinstance(table, OTable):
        table.put(key, value, origin)
    else:
        table[key] = value


def lua_type_name(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (dict, list)):
        return "table"
    return "userdata"


def require_table(value: Any) -> None:
    """`pairs(value)` on a non-table: Lua's error."""
    if not isinstance(value, (dict, list)):
        raise HelperError(f"bad argument #1 to 'for iterator' (table expected, got {lua_type_name(value)})")


def merge_into(src: Any, dest: Any) -> None:
    """policy_utils.merge_into: shallow copy, `src` keys win; nil `src` is a no-op."""
    if src is None or src is False:
        return
    require_table(src)
    for key, value, origin in items(src):
        put(dest, key, value, origin)


def recursive_merge_into(src: Any, dest: Any) -> None:
    """policy_utils.recursive_merge_into: tables merge key by key (lists by index)."""
    if src is None or src is False:
        return
    require_table(src)
    for key, value, origin in items(src):
        if isinstance(value, (dict, list)):
            existing = get(dest, key)
            if existing is None or existing is False:
                put(dest, key, value, origin)
            elif isinstance(existing, (dict, list)):
                recursive_merge_into(value, existing)
            elif value:  # Lua indexes the scalar only when there is a key to copy
                raise HelperError(f"attempt to index a {lua_type_name(existing)} value")
        else:
            put(dest, key, value, origin)
