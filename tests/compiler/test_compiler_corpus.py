"""Differential tests: every corpus policy, compiled and in Lua 5.4, on many queue names."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kumocheck.compiler.driver import PolicyRefused, compile_policy, load_module
from kumocheck.compiler.verify import compare, outcome, policy_texts, queue_names_from_text

pytest.importorskip("lupa.lua54")
from kumocheck.compiler.oracle import LupaPolicy  # noqa: E402

POLICIES = Path(__file__).parent / "policies"
CORPUS = sorted(POLICIES.glob("p*.lua"))
#: refused by the checker on purpose (explicit nil / plain table returns)
CHECKER_REFUSES = {"p30_explicit_nil.lua"}
#: compiled without the checker: it cannot see the type() guards (a false positive, reported)
UNCHECKED = CHECKER_REFUSES | {"p22_type_dispatch.lua"}
EXTRA_NAMES = [
    "example.com", "t1@example.com", "welcome:t1@example.com", "welcome:@example.com",
    "t1@example.com!relay.example.net", "foo.com!routing.com:2025", "GMAIL.COM", "x",
    "a.b.c.d.e.example", "tenant@sub.example.co.uk", "@", ":@", "relayed@relay.example.org",
    "mit.edu", "mail12.example.com", "bigbank.example", "www.Example.COM", "sink.foo", "x.test",
    "acme@gmail.com", "globex:acme@yahoo.com", "newsletter-may:bulk@example.com", "site.de", "site.fr",
    "site.it", "foo.gov", "relayed@x.example!relay.example.net", "fast@example.com", "slow@example.com",
    "testing.example", "shop.co.uk", "bad@example.com", "campaign12345:@example.com",
]


def test_corpus_size():
    assert len(CORPUS) >= 30


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_compiled_matches_lua(path: Path, monkeypatch):
    monkeypatch.setenv("KUMOCHECK_TEST_POOL_PREFIX", "envpool")
    monkeypatch.delenv("KUMOCHECK_TEST_MODE_UNSET", raising=False)
    check = path.name not in UNCHECKED
    compiled = compile_policy(path, POLICIES, check=check)
    module = load_module(compiled)
    reference = LupaPolicy(path, POLICIES)
    names = queue_names_from_text(policy_texts(path, compiled.modules, POLICIES)) + EXTRA_NAMES
    assert len(names) >= 25
    differences = compare(module.resolve, reference.resolve, names)
    assert not differences, "\n".join(
        f"{d.queue_name}:\n  compiled {d.compiled.describe()}\n  lua      {d.lua.describe()}" for d in differences[:5]
    )
    # the corpus must exercise real configs, not only defaults or errors
    shapes = {json.dumps(outcome(module.resolve, n).shape, sort_keys=True) for n in names}
    assert len(shapes) >= 2


@pytest.mark.parametrize("name", sorted(CHECKER_REFUSES))
def test_checker_errors_refuse_compilation(name):
    with pytest.raises(PolicyRefused) as info:
        compile_policy(POLICIES / name, POLICIES)
    assert info.value.diagnostics


def test_compile_is_deterministic():
    for path in CORPUS[:8] + [POLICIES / "p25_require_module.lua"]:
        first = compile_policy(path, POLICIES, check=False).source
        second = compile_policy(path, POLICIES, check=False).source
        assert first == second


def test_generated_module_imports_only_runtime():
    import ast

    for path in CORPUS:
        source = compile_policy(path, POLICIES, check=False).source
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                raise AssertionError(f"{path.name}: plain import {ast.unparse(node)}")
            if isinstance(node, ast.ImportFrom):
                assert node.module.startswith("kumocheck.runtime"), node.module


def test_explicit_nil_and_plain_table_are_errors():
    module = load_module(compile_policy(POLICIES / "p30_explicit_nil.lua", POLICIES, check=False))
    from kumocheck.runtime.errors import LuaError

    with pytest.raises(LuaError, match="nil to QueueConfig"):
        module.resolve("nil.example")
    with pytest.raises(LuaError, match="table to QueueConfig"):
        module.resolve("table.example")
    with pytest.raises(LuaError, match=r"p30_explicit_nil.lua:\d+: refusing error.example"):
        module.resolve("error.example")
    # no handler value: the default config
    assert module.resolve("other.example").to_dict()["retry_interval"] == "20m"


def test_chain_rule_and_api():
    module = load_module(compile_policy(POLICIES / "p06_chain.lua", POLICIES))
    assert module.get_queue_config("a.internal").to_dict()["protocol"] == {
        "maildir_path": "/tmp/internal", "dir_mode": None, "file_mode": None,
    }
    assert module.get_queue_config("x.com", "t1").egress_pool == "pool-t1"
    assert module.get_queue_config("x.com", None, "camp").to_dict()["max_age"] == "2days"
    assert module.resolve("x.com").to_dict()["max_age"] == "7days"
    from datetime import timedelta

    assert module.resolve("c:@x.com").max_age == timedelta(days=2)


def test_custom_lua_constructor_can_be_fired():
    module = load_module(compile_policy(POLICIES / "p05_custom_lua.lua", POLICIES))
    (connection,) = module.fire("make.webhook", "d", None, None)
    from kumocheck.runtime.policy import invoke

    assert invoke(connection, b"send", b"msg") == (b"sent",)
