"""Error messages name the variable as Lua 5.4 does (`(local 'src')`), checked against lupa."""

from __future__ import annotations

import re

import pytest

from kumocheck.compiler.driver import compile_text, load_module

lupa = pytest.importorskip("lupa.lua54")

CASES = {
    "local": "local src; return src.x",
    "parameter": "return (function(src) return src.x end)()",
    "global": "return x.y",
    "field": "local t = {}; return t.a.b",
    "upvalue": "local z; return (function() return z.q end)()",
    "field of an upvalue": "local t = {}; return (function() return t.a.b end)()",
    "dynamic key": "local t = {}; local k = 'a'; return t[k].b",
    "integer key": "local t = {}; return t[1].b",
    "string key": "local t = {}; return t['a'].b",
    "long string key": "local t = {}; return t['" + "k" * 41 + "'].b",
    "library field": "return string.nope.x",
    "call result": "local function f() end; return f().x",
    "string value": "return ('abc').x.y",
    "assign to a local": "local s; s.x = 1",
    "assign to a field": "local t = {}; t.a.b = 1",
    "assign to a global": "g.x = 1",
    "queue-config key": "local params; params.egress_pool = 'pool-a'",
    "multiple assignment": "local a, b; a.x, b = 1, 2",
    "function definition": "local m; function m.f() end",
    "method definition": "local m; function m:f() end",
    "method receiver": "local s; return s:find('a')",
    "boolean": "local flag = true; return flag.x",
    "number in a loop": "for i = 1, 2 do local v = i; return v.x end",
    "pairs value": "for k, v in pairs({a = 1}) do return v.x end",
}

_POSITION = re.compile(rb"^[^:]+:\d+: ")


def _reference(code: str) -> bytes:
    runtime = lupa.LuaRuntime(encoding=None)
    run = runtime.eval("function(c) local f = assert(load(c, '=p.lua')); local ok, e = pcall(f); return e end")
    return _POSITION.sub(b"", run(code.encode()))


def _compiled(code: str) -> bytes:
    text = "local function body()\n" + code + "\nend\nlocal ok, e = pcall(body)\nRESULT = e\n"
    module = load_module(compile_text(text, "p.lua"))
    return module.G.get(b"RESULT")


@pytest.mark.parametrize("code", CASES.values(), ids=CASES.keys())
def test_the_same_message_as_lua(code):
    assert _compiled(code) == _reference(code)


def test_the_generated_code_names_locals():
    source = compile_text("local src\nreturn src.x\n", "p.lua").source
    assert "Index_n(l_src, b'x', \"local 'src'\")" in source
