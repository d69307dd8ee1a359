"""Run a Lua snippet compiled and in lupa's Lua 5.4; both sides serialise the results in Lua."""

from __future__ import annotations

import re

from kumocheck.compiler.driver import compile_text, load_module

_POSITION = re.compile(rb"snippet\.lua:\d+: ")
_ADDRESS = re.compile(rb"(table|function|userdata): 0x[0-9a-f]+")
_QUALIFIED = re.compile(rb"to '(?:string|table|math|os)[.]")
_VARIABLE = re.compile(rb" \((?:local|global|field|upvalue|constant|method) '[^']*'\)")


def normalise(result: bytes) -> bytes:
    """Error messages without positions and variable names (the compiler keeps neither)."""
    result = _VARIABLE.sub(b"", _POSITION.sub(b"", result))
    # Lua names a library function reached without a call-site name (pcall(f)) 'string.rep'
    result = _ADDRESS.sub(rb"\1: ADDRESS", result)
    return _QUALIFIED.sub(b"to '", result)

SERIALISER = r"""
local function __ser(v, depth)
  local t = type(v)
  if t == 'number' then return math.type(v) .. ':' .. tostring(v) end
  if t == 'string' then return 's:' .. string.format('%q', v) end
  if t == 'table' then
    if depth > 4 then return 'table:deep' end
    local keys = {}
    for k in pairs(v) do keys[#keys + 1] = k end
    local parts = {}
    for i, k in ipairs(keys) do parts[i] = __ser(k, depth + 1) .. '=' .. __ser(v[k], depth + 1) end
    table.sort(parts)
    return '{' .. table.concat(parts, ',') .. '}#' .. #v
  end
  if t == 'function' then return 'function' end
  return t .. ':' .. tostring(v)
end
local __r = table.pack(pcall(__body))
if not __r[1] then return 'ERR' end
local __out = {}
for i = 2, __r.n do __out[#__out + 1] = __ser(__r[i], 0) end
return table.concat(__out, ' | ')
"""


def wrap(snippet: str) -> str:
    return "local function __body()\n" + snippet + "\nend\n" + SERIALISER


def run_compiled(snippet: str) -> bytes:
    module = load_module(compile_text(wrap(snippet), "snippet.lua"))
    return normalise(module.chunk_main()[0])


_RUNTIME = None


def run_lua(snippet: str) -> bytes:
    global _RUNTIME
    from lupa.lua54 import LuaRuntime

    if _RUNTIME is None:
        _RUNTIME = LuaRuntime(encoding=None, unpack_returned_tuples=True)
    loader = _RUNTIME.globals().load
    chunk = loader(wrap(snippet).encode(), b"=snippet.lua")
    if isinstance(chunk, tuple):
        raise SyntaxError(chunk[1])
    return normalise(chunk())


def both(snippet: str) -> tuple[bytes, bytes]:
    return run_compiled(snippet), run_lua(snippet)
