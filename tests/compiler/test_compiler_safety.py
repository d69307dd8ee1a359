"""Generated code is safe: no Lua identifier or string can inject Python; unsupported
constructs are compile errors naming the construct and line."""

from __future__ import annotations

import ast

import pytest

from kumocheck.compiler.driver import CompileError, compile_text, load_module

PYTHON_NAMES = [
    "class", "def", "lambda", "None", "True", "False", "import", "global", "nonlocal", "yield", "await",
    "async", "pass", "del", "is", "in", "with", "as", "try", "except", "finally", "raise", "assert",
    "print", "exec", "eval", "open", "__import__", "__builtins__", "self", "cls", "len", "type", "id",
    "G", "POLICY", "Index", "Setindex", "Invoke", "Cell", "Build", "Forin", "Fornum", "NIL1", "POS", "VA",
    "LuaTable", "Policy", "Add", "Concat", "INF", "NAN", "l_x", "l2_x", "_t1", "f1_anonymous", "chunk_main",
    "Base_error", "Lib_string_format", "_CONFIG1", "_p_l_x", "get_queue_config", "resolve", "fire",
]

NASTY_STRINGS = [
    "'", '"', '"""', "'''", "\\", "\\'", "\n", "\r\n", "\r", "{{ x }}", "{% for %}", "{#", "\0", "a\0b",
    "); import os; os.system('echo pwned') #", "\"; __import__('os')", "\u2028", "é", "\xff", "#", "\t",
]


def _run_both(source: str):
    lupa = pytest.importorskip("lupa.lua54")
    module = load_module(compile_text(source, "safety.lua"))
    compiled = module.chunk_main()
    runtime = lupa.LuaRuntime(encoding=None, unpack_returned_tuples=True)
    lua = runtime.execute(source.encode("utf-8", "surrogateescape"))
    lua = lua if isinstance(lua, tuple) else (lua,)
    return compiled, lua, module


LUA_KEYWORDS = {"and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if", "in",
                "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"}


def test_python_keywords_builtins_and_runtime_names_as_lua_identifiers():
    lines = []
    for index, name in enumerate(PYTHON_NAMES):
        lua_name = name if name not in LUA_KEYWORDS else f"x{index}"
        lines.append(f"local {lua_name} = {index}")
        lines.append(f"local function {lua_name}_fn({lua_name}, ...) return {lua_name} + select('#', ...) end")
        lines.append(f"{lua_name}_global = {lua_name}_fn({lua_name}, 1, 2)")
    lines.append("local t = {}")
    lines.append("t.class, t.def, t['None'] = 1, 2, 3")
    lines.append("local r = {}")
    for index, name in enumerate(PYTHON_NAMES[:20]):
        lua_name = name if name not in LUA_KEYWORDS else f"x{index}"
        lines.append(f"r[#r + 1] = {lua_name}_global")
    lines.append("return table.concat(r, ','), t.class + t.def + t['None'], G_global, POLICY_global")
    source = "\n".join(lines)
    compiled, lua, module = _run_both(source)
    assert compiled == lua
    assert module.POLICY.G.get(b"POLICY_global") is not None
    assert "POLICY_global" not in vars(module)  # Lua globals never become Python globals


def test_string_literals_cannot_escape():
    parts = []
    for text in NASTY_STRINGS:
        data = text.encode("utf-8")
        escaped = "".join(f"\\{byte}" for byte in data)
        parts.append(f'"{escaped}"')
    source = "local t = {" + ", ".join(parts) + "}\n"
    source += "local r = {} for i, s in ipairs(t) do r[i] = #s .. ':' .. s end return table.concat(r, '|'), #t\n"
    source += "-- trailing comment with \\ and {{ jinja }} and \"\"\" quotes\n"
    source += "--[[ long comment\n''' \"\"\" {% raw %} ]]\n"
    compiled, lua, _module = _run_both(source)
    assert compiled == lua


def test_generated_code_contains_no_dangerous_calls():
    source = "local eval, exec, open = 1, 2, 3\nlocal __import__ = 'os'\nreturn eval + exec + open, __import__\n"
    generated = compile_text(source, "x.lua").source
    tree = ast.parse(generated)
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "open", "__import__", "compile", "getattr", "setattr"}
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    assert "eval" not in names and "__import__" not in names


def test_source_lines_in_comments_are_sanitised():
    source = "local s = 'x' -- \\\r\nlocal y = 'a\\\nb' return s, y\n"
    compiled, lua, _module = _run_both(source)
    assert compiled == lua
    generated = compile_text(source, "x.lua").source
    compile(generated, "x", "exec")


@pytest.mark.parametrize(
    "source, fragment",
    [
        ("goto done ::done::", "goto"),
        ("local t = setmetatable({}, {})", "setmetatable"),
        ("local x <close> = nil", "<close>"),
        ("local f = string.dump", "string.dump"),
        ("local co = coroutine.create(print)", "coroutine"),
        ("local f = load('return 1')", "load"),
        ("local x = debug.traceback()", "debug"),
        ("io.write('x')", "io"),
        ("local x = _ENV", "_ENV"),
        ("os.exit(1)", "os.exit"),
    ],
)
def test_unsupported_constructs_are_compile_errors(source, fragment):
    with pytest.raises(CompileError) as info:
        compile_text("local a = 1\n" + source, "bad.lua")
    assert fragment in str(info.value)
    assert info.value.line == 2
    assert "bad.lua:2" in str(info.value)


def test_offline_functions_raise_naming_themselves():
    module = load_module(compile_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  local mx = kumo.dns.lookup_mx(domain)\n"
        "  return kumo.make_queue_config {}\n"
        "end)\n", "offline.lua"))
    from kumocheck.runtime.errors import LuaError

    with pytest.raises(LuaError, match=r"kumo\.dns\.lookup_mx: not available offline"):
        module.resolve("example.com")


def test_config_errors_name_key_and_reason():
    from kumocheck.runtime.queue_config import ConfigError

    module = load_module(compile_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  return kumo.make_queue_config { retry_interval = domain }\n"
        "end)\n", "cfg.lua"))
    with pytest.raises(ConfigError) as info:
        module.resolve("ten minutes")
    assert info.value.key == "retry_interval"
    assert "invalid duration" in info.value.reason


def test_constant_configs_are_built_once_at_import(monkeypatch):
    from kumocheck.runtime import queue_config

    compiled = compile_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  if domain == 'bad.example' then return kumo.make_queue_config { retry_interval = 'soon' } end\n"
        "  return kumo.make_queue_config { retry_interval = '5m', protocol = { smtp = { mx_list = { 'a', 'b' } } } }\n"
        "end)\n", "const.lua")
    assert "ConstConfig(lambda:" in compiled.source
    module = load_module(compiled)
    calls = []
    real = queue_config.make_queue_config
    monkeypatch.setattr(queue_config, "make_queue_config", lambda *a: calls.append(a) or real(*a))
    first = module.resolve("a.example")
    second = module.resolve("b.example")
    assert first is second and not calls
    from kumocheck.runtime.queue_config import ConfigError

    with pytest.raises(ConfigError):  # an invalid constant fails where it is used, every time
        module.resolve("bad.example")
    with pytest.raises(ConfigError):
        module.resolve("bad.example")


def test_json_and_toml_files_are_read_for_real(tmp_path):
    (tmp_path / "domains.json").write_text('{"gmail.com": {"retry": "7m", "hosts": []}}')
    (tmp_path / "pools.toml").write_text('[tenants]\nacme = "pool-acme"\n')
    source = (
        "local kumo = require 'kumo'\n"
        f"local DOMAINS = kumo.json_load('{tmp_path}/domains.json')\n"
        f"local POOLS = kumo.serde.toml_load('{tmp_path}/pools.toml')\n"
        "kumo.on('get_queue_config', function(domain, tenant)\n"
        "  local d = DOMAINS[domain]\n"
        "  if d then return kumo.make_queue_config { retry_interval = d.retry, protocol = { smtp = { mx_list = d.hosts } } } end\n"
        "  return kumo.make_queue_config { egress_pool = POOLS.tenants[tenant or ''] }\n"
        "end)\n"
    )
    module = load_module(compile_text(source, "files.lua"))
    assert module.resolve("gmail.com").to_dict()["retry_interval"] == "7m"
    # an empty JSON array carries mlua's array marker: a valid empty mx_list
    assert module.resolve("gmail.com").to_dict()["protocol"]["smtp"]["mx_list"] == []
    assert module.resolve("acme@x.com").egress_pool == "pool-acme"
    assert module.resolve("x.com").egress_pool is None
