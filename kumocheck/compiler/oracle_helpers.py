"""The reference side of verify for helper-based policies: KumoMTA's real policy-extras Lua.

`helpers_dir()` extracts `assets/policy-extras/*.lua` from a KumoMTA source tree (a
checkout or a bare git mirror, `$KUMOCHECK_KUMOMTA` or the default mirror path) into a
temporary folder that `require 'policy-extras.X'` then finds; nothing is copied into
kumocheck. `install(oracle)` completes the Lua `kumo` stub with what the helpers call:

* in Lua (independent of kumocheck's Python): `kumo.memoize` (the function itself),
  `kumo.traceback` (from `debug.getinfo`, as typing.lua reads it),
  `kumo.domain_map.new` (a port of crates/domain-map's lookup), `kumo.regex.compile`
  (only the `captures` that typing.lua uses, as a Lua pattern), `kumo.log_*` (no-ops);
* from kumocheck's Python, because kumod implements them in Rust:
  `kumo.make_egress_source/pool/path`, `make_listener_domain` (the same checks as the
  compiled runtime), the file readers (`/opt/kumomta/etc/policy/` mapped to the policy
  root), `kumo.dns.lookup_mx` (the DNS fixture) and **`kumo.shaping.load`**: shaping's
  merge and resolution are Rust, so both sides use kumocheck.extras.shaping there; its
  rules are checked separately against KumoMTA's own Rust tests' expectations.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from kumocheck.extras import shaping as shaping_data
from kumocheck.extras.origins import HelperError
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import make_object

__all__ = ["helpers_dir", "install", "DEFAULT_MIRROR"]

DEFAULT_MIRROR = "/work/.mirror/KumoCorp+kumomta/repo"
HELPER_FILES = ("policy_utils", "typing", "queue", "sources", "shaping", "listener_domains", "dkim_sign", "log_hooks")

_LUA = r"""
local kumo, py = ...
kumo.memoize = function(f, _options) return f end
local function split(text)
  local labels, start = {}, 1
  while true do
    local i = string.find(text, '.', start, true)
    if not i then labels[#labels + 1] = string.sub(text, start); break end
    labels[#labels + 1] = string.sub(text, start, i - 1)
    start = i + 1
  end
  return labels
end
local function copy(v)
  if type(v) ~= 'table' then return v end
  local out = {}
  for k, item in next, v do out[k] = copy(item) end
  return out
end
kumo.domain_map = kumo.domain_map or {}
kumo.domain_map.new = function(t)
  local top = {}
  for key, value in pairs(t or {}) do
    local labels, current = split(key), top
    for i = #labels, 1, -1 do
      local node = current[labels[i]]
      if not node then node = { children = {} }; current[labels[i]] = node end
      if i == 1 then node.has = true; node.value = copy(value) else current = node.children end
    end
  end
  local function get(name)
    local labels, current = split(name), top
    for i = #labels, 1, -1 do
      local node = current[labels[i]]
      if node then
        if i == 1 then if node.has then return copy(node.value) end return nil end
        current = node.children
      else
        local wild = current['*']
        if wild and wild.has then return copy(wild.value) end
        return nil
      end
    end
    return nil
  end
  return setmetatable({}, { __index = function(_, name)
    if type(name) ~= 'string' then error('error converting Lua ' .. type(name) .. ' to String') end
    return get(name)
  end })
end
kumo.regex = kumo.regex or {}
kumo.regex.compile = function(pattern)
  return { captures = function(self, text)
    local found = string.match(tostring(text), pattern)
    if found then return { found } end
    return nil
  end }
end
kumo.traceback = function(level)
  local out, l = {}, (level or 0) + 1
  while true do
    local info = debug.getinfo(l, 'Sl')
    if not info then break end
    out[#out + 1] = { source = info.source, short_src = info.short_src, what = info.what,
                      curr_line = info.currentline, line_defined = info.linedefined }
    l = l + 1
  end
  return out
end
for _, name in ipairs { 'log_error', 'log_warn', 'log_info', 'log_debug' } do kumo[name] = function() end end
kumo.dns = kumo.dns or {}
kumo.dns.lookup_mx = function(domain) return py.lookup_mx(domain) end
kumo.invoke_get_egress_path_config = function(d, s, site) return py.invoke_egress(d, s, site) end
kumo.toml_load = function(name) return py.toml_load(name) end
kumo.json_load = function(name) return py.json_load(name) end
for _, kind in ipairs { 'egress_source', 'egress_pool', 'egress_path', 'listener_domain' } do
  kumo['make_' .. kind] = function(t) return py.make(kind, t) end
end
kumo.shaping = kumo.shaping or {}
kumo.shaping.load = function(files, _options)
  local handle = py.shaping_load(files)
  return {
    get_errors = function() return {} end,
    get_warnings = function() return {} end,
    get_egress_path_config = function(_self, d, s, site) return py.shaping_resolve(handle, d, s, site) end,
  }
end
"""


def _source() -> str | None:
    return os.environ.get("KUMOCHECK_KUMOMTA") or (DEFAULT_MIRROR if Path(DEFAULT_MIRROR).exists() else None)


@functools.lru_cache(maxsize=1)
def helpers_dir() -> Path | None:
    """A folder holding policy-extras/*.lua from KumoMTA's source, or None when absent."""
    source = _source()
    if source is None:
        return None
    target = Path(tempfile.mkdtemp(prefix="kumocheck-policy-extras-"))
    (target / "policy-extras").mkdir()
    checkout = Path(source) / "assets" / "policy-extras"
    for name in HELPER_FILES:
        if checkout.is_dir():
            try:
                text = (checkout / f"{name}.lua").read_bytes()
            except OSError:
                return None
        else:
            done = subprocess.run(["git", "-C", source, "show", f"HEAD:assets/policy-extras/{name}.lua"],
                                  capture_output=True, check=False)
            if done.returncode != 0:
                return None
            text = done.stdout
        (target / "policy-extras" / f"{name}.lua").write_bytes(text)
    return target


def install(oracle: Any) -> None:
    """Complete `oracle`'s (a LupaPolicy) kumo stub for the helpers."""
    lua = oracle.lua
    settings = oracle.settings
    files = oracle.files

    def out(value):
        return oracle.plain_to_lua(value)

    def guarded(function):
        def call(*args):
            try:
                return function(*args)
            except HelperError as exc:
                raise LuaError(str(exc).encode()) from None
        return call

    def lookup_mx(domain):
        return out(settings.dns.lookup_mx(domain.decode("utf-8", "surrogateescape")).to_json())

    def invoke_egress(domain, source, site):
        packed = oracle._fire(b"get_egress_path_config", domain, source, site)
        return packed[1] if packed[b"n"] else None

    def make(kind, table):
        make_object(kind.decode(), oracle.to_runtime(table))  # raises what kumod's serde rejects
        return table

    shapings: list = []

    def shaping_load(names):
        warnings: list = []
        listed = [n.decode("utf-8", "surrogateescape") for n in plain_names(names)]
        documents = [(name, files.read_shaping_file(name, warnings)) for name in listed]
        shapings.append(shaping_data.load(documents, settings.dns.lookup_mx))
        return len(shapings) - 1

    def plain_names(names):
        result = []
        index = 1
        while names[index] is not None:
            result.append(names[index])
            index += 1
        return result

    def shaping_resolve(handle, domain, source, site):
        params = shaping_data.get_egress_path_config(
            shapings[handle], *(v.decode("utf-8", "surrogateescape") for v in (domain, source, site)), settings.dns.lookup_mx)
        return out(params)

    functions = {
        b"lookup_mx": guarded(lookup_mx),
        b"invoke_egress": invoke_egress,
        b"toml_load": guarded(lambda name: out(files.parse(files.locate(name.decode()), "toml"))),
        b"json_load": guarded(lambda name: out(files.parse(files.locate(name.decode()), "json", strip=True))),
        b"make": make,
        b"shaping_load": guarded(shaping_load),
        b"shaping_resolve": guarded(shaping_resolve),
    }
    py = lua.table_from(functions)
    kumo = lua.globals().package.loaded[b"kumo"]
    lua.execute(_LUA.encode(), kumo, py)
