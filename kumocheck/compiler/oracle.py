"""Run a policy in a real Lua 5.4 VM (lupa) with a stub `kumo`, as the reference for verify.

The stub mirrors kumocheck.runtime.kumo: `kumo.on` collects handlers (single events
refuse a second handler), `kumo.make_queue_config` calls the same Python validator and
decoder (so only the Lua semantics differ between the two sides) and its result answers
`cfg.field` and `pairs(cfg)` as kumod's userdata does (unset options are mlua's NULL), the file loaders
parse for real, and every other KumoMTA function raises "not available offline".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kumocheck.compiler.oracle_helpers import helpers_dir
from kumocheck.compiler.oracle_helpers import install as install_helpers
from kumocheck.extras.files import DataFiles
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import ExtrasSettings
from kumocheck.runtime.kumo import PASSTHROUGH, _REAL, api_names
from kumocheck.runtime.policy import MULTIPLE_EVENTS, queue_config_result
from kumocheck.runtime.queue_config import QueueConfig, lua_index, make_queue_config
from kumocheck.runtime.queue_name import parse_queue_name
from kumocheck.runtime.table import LuaTable

__all__ = ["LupaPolicy", "lupa_available", "to_luatable"]

_STUB = r"""
local py, functions, modules, multiple, passthrough, real = ...
local handlers = {}
local kumo = {}
local function offline(name)
  return function() error(name .. ': not available offline (kumocheck runs the policy without kumod)', 0) end
end
for _, name in ipairs(functions) do kumo[name] = offline('kumo.' .. name) end
for _, entry in ipairs(modules) do
  local path, members = entry[1], entry[2]
  local t = kumo
  local dotted = 'kumo'
  for part in string.gmatch(path, '[^.]+') do
    dotted = dotted .. '.' .. part
    if type(t[part]) ~= 'table' then t[part] = {} end
    t = t[part]
  end
  for _, member in ipairs(members) do
    if path == 'serde' and real[member] then t[member] = real[member] else t[member] = offline(dotted .. '.' .. member) end
  end
end
for name, f in pairs(real) do kumo[name] = f end
for _, name in ipairs(passthrough) do kumo[name] = function(v) return v end end
function kumo.on(name, f)
  if type(name) == 'number' then name = tostring(name) end
  if type(name) ~= 'string' then error("bad argument #1 to 'on' (string expected)") end
  if type(f) ~= 'function' then error('kumo.on: the handler must be a function') end
  local list = handlers[name]
  if list == nil then list = {}; handlers[name] = list end
  if #list > 0 and not multiple[name] then error(name .. ' event already has a handler defined') end
  list[#list + 1] = f
end
kumo.make_queue_config = function(t) return py.make_queue_config(t) end
-- a QueueConfig is a Python object here; give Python objects kumod's __pairs for it
debug.getmetatable(py.make_queue_config).__pairs = function(o)
  local f, s, c = py.config_pairs(o)
  if f == nil then return next, o, nil end
  return f, s, c
end
package.loaded.kumo = kumo
_G.kumo = kumo
local function fire(name, ...)
  local list = handlers[name] or {}
  if multiple[name] then
    for _, h in ipairs(list) do
      local r = table.pack(h(...))
      if r.n > 0 then return table.unpack(r, 1, r.n) end
    end
    return
  end
  if list[1] then return list[1](...) end
end
local function count_fire(name, ...)
  return table.pack(fire(name, ...))
end
return count_fire
"""


def lupa_available() -> bool:
    try:
        import lupa.lua54  # noqa: F401
    except ImportError:
        return False
    return True


def to_luatable(value: Any, lua_type, depth: int = 0) -> Any:
    """A lupa value as a kumocheck runtime value (tables copied)."""
    if depth > 100:
        raise LuaError(b"table too deep (recursive?)")
    kind = lua_type(value)
    if kind == "table":
        table = LuaTable()
        for key, item in value.items():
            table.set(to_luatable(key, lua_type, depth + 1), to_luatable(item, lua_type, depth + 1))
        return table
    if kind is None:
        return value  # plain Python value: bytes, int, float, bool, None, QueueConfig
    if kind == "function":
        return value
    return value


class LupaPolicy:
    """A policy loaded in lupa's Lua 5.4, exposing resolve/get_queue_config like a compiled module."""

    def __init__(self, path: Path, root: Path | None = None, settings: ExtrasSettings | None = None) -> None:
        from lupa.lua54 import LuaRuntime

        path = Path(path)
        root = Path(root) if root is not None else path.resolve().parent
        self.settings = settings if settings is not None else ExtrasSettings(root)
        self.files = DataFiles(root, self.settings.data_paths)
        # cfg.field on a QueueConfig answers as kumod's __index does (unset options are NULL)
        self.lua = LuaRuntime(encoding=None, unpack_returned_tuples=True, attribute_handlers=(self._getattr, None))
        lua = self.lua
        lua_type = self._lua_type = __import__("lupa.lua54", fromlist=["lua_type"]).lua_type

        def make(table=None):
            return make_queue_config(to_luatable(table, lua_type))

        def wrap_real(function):
            def call(*args):
                result = function(*(to_luatable(a, lua_type) for a in args))
                return self._to_lua(result[0]) if result else None
            return call

        def config_pairs(value=None):
            if type(value) is not QueueConfig:
                return None
            step = value.lua_pairs()[0]
            return (lambda *_: tuple(self._to_lua(v) for v in step()), None, None)

        py = lua.table_from({b"make_queue_config": make, b"config_pairs": config_pairs})
        functions, modules = api_names()
        lua_functions = lua.table_from([name.encode() for name in functions if name not in _REAL])
        lua_modules = lua.table_from([
            lua.table_from([path.encode(), lua.table_from([m.encode() for m in members])])
            for path, members in modules.items()
        ])
        multiple = lua.table_from({name.encode(): True for name in sorted(MULTIPLE_EVENTS)})
        passthrough = lua.table_from([name.encode() for name in PASSTHROUGH])
        real = lua.table_from({name.encode(): wrap_real(function) for name, function in sorted(_REAL.items())})
        package = lua.globals().package
        search = f"{root.as_posix()}/?.lua;{root.as_posix()}/?/init.lua"
        helpers = helpers_dir()
        if helpers is not None:
            search += f";{helpers.as_posix()}/?.lua"
        package.path = search.encode()
        package.cpath = b""
        self._fire = lua.execute(_STUB.encode(), py, lua_functions, lua_modules, multiple, passthrough, real)
        install_helpers(self)
        loader = lua.globals().load
        text = path.read_bytes()
        loaded = loader(text, b"=" + path.name.encode())
        if isinstance(loaded, tuple) or loaded is None:
            raise LuaError(loaded[1] if isinstance(loaded, tuple) else b"cannot load the policy")
        chunk = loaded
        self._call(chunk)

    def to_runtime(self, value: Any) -> Any:
        """A lupa value as a kumocheck runtime value."""
        return to_luatable(value, self._lua_type)

    def plain_to_lua(self, value: Any) -> Any:
        """Plain Python (helper data) as a lupa value."""
        if isinstance(value, dict):
            out = self.lua.table()
            for key, item in value.items():
                out[key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key] = self.plain_to_lua(item)
            return out
        if isinstance(value, list):
            out = self.lua.table()
            for index, item in enumerate(value, start=1):
                out[index] = self.plain_to_lua(item)
            return out
        if isinstance(value, str):
            return value.encode("utf-8", "surrogateescape")
        return value

    def _to_lua(self, value: Any) -> Any:
        if isinstance(value, LuaTable):
            out = self.lua.table()
            for key, item in value.items():
                out[key] = self._to_lua(item)
            return out
        return value

    def _getattr(self, obj: Any, name: Any) -> Any:
        if type(obj) is QueueConfig:
            return self._to_lua(lua_index(obj, name))
        return getattr(obj, name.decode() if isinstance(name, bytes) else name)

    def _call(self, function, *args):
        from lupa.lua54 import LuaError as LupaError

        try:
            return function(*args)
        except LupaError as exc:
            raise LuaError(str(exc).encode()) from None

    def fire(self, event: str, *args: Any) -> tuple:
        args = tuple(a.encode() if isinstance(a, str) else a for a in args)
        packed = self._call(self._fire, event.encode(), *args)
        count = packed[b"n"]
        return tuple(packed[i] for i in range(1, count + 1))

    def get_queue_config(self, domain, tenant=None, campaign=None, routing_domain=None) -> QueueConfig:
        results = self.fire("get_queue_config", domain, tenant, campaign, routing_domain)
        return queue_config_result(
            results, lambda value: self._lua_type(value) or ("nil" if value is None else type(value).__name__)
        )

    def resolve(self, queue_name: str) -> QueueConfig:
        parts = parse_queue_name(queue_name)
        return self.get_queue_config(parts.domain, parts.tenant, parts.campaign, parts.routing_domain)
