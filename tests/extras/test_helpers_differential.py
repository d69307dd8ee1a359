"""Differential tests: each policy under tests/extras/policies runs compiled (kumocheck's
extras) and in Lua 5.4 with KumoMTA's real policy-extras code (from the mirror); every
queue name, egress source, pool, egress path and listener domain resolves the same.

Skips cleanly without lupa or without KumoMTA's source (see compiler/oracle_helpers.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

lupa = pytest.importorskip("lupa.lua54")

from kumocheck.compiler.driver import compile_policy, load_module  # noqa: E402
from kumocheck.compiler.oracle import LupaPolicy  # noqa: E402
from kumocheck.compiler.oracle_helpers import helpers_dir  # noqa: E402
from kumocheck.compiler.verify import outcome, policy_texts, queue_names_from_text  # noqa: E402
from kumocheck.extras.dns import load_fixture  # noqa: E402
from kumocheck.runtime.errors import LuaError  # noqa: E402
from kumocheck.runtime.extras import ExtrasSettings, to_plain  # noqa: E402
from kumocheck.runtime.kumo import to_python  # noqa: E402

POLICIES = sorted(p for p in (Path(__file__).parent / "policies").iterdir() if (p / "init.lua").is_file())
EXTRA_NAMES = (
    "spring:bulk@gmail.com", "bulk@gmail.com", "launch:acme@outlook.com", "vip@outlook.com", "com@example",
    "protocl@hotmail.com", "newsletters@aol.com", "x@mail.yahoo.com", "webhook.log_hook", "archive.log_hook",
    "sink.invalid", "bulk@corp.example!relay.example.net", "transactional@EXAMPLE.NET",
)

pytestmark = pytest.mark.skipif(helpers_dir() is None, reason="KumoMTA's policy-extras source is not available")


def _pair(policy: Path):
    settings = ExtrasSettings(policy, load_fixture(policy / "dns.toml"))
    compiled = compile_policy(policy / "init.lua")
    return load_module(compiled, settings=settings), LupaPolicy(policy / "init.lua", policy, settings), compiled


def _shape(value):
    if value is None or isinstance(value, (str, bytes, int, float, bool)):
        return value.decode() if isinstance(value, bytes) else value
    if lupa.lua_type(value) == "table":
        items = {(k.decode() if isinstance(k, bytes) else k): _shape(v) for k, v in value.items()}
        if items and all(isinstance(k, int) for k in items):
            return [items[i] for i in sorted(items)]
        return items
    return to_python(value)


def _fire(side, event, *args):
    try:
        results = side.fire(event, *args)
    except LuaError as exc:
        return ("error", None)  # texts differ (Lua adds positions), the outcome must not
    value = results[0] if results else None
    shape = _shape(value) if not hasattr(side, "POLICY") else to_python(value) if value is not None else None
    if isinstance(shape, dict) and isinstance(shape.get("entries"), list):  # pool entries: Lua pairs order
        shape["entries"] = sorted(shape["entries"], key=lambda e: e["name"])
    return ("ok", shape)


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_queue_names_resolve_the_same(policy):
    module, reference, compiled = _pair(policy)
    names = queue_names_from_text(policy_texts(policy / "init.lua", compiled.modules, policy)) + list(EXTRA_NAMES)
    ok = 0
    for name in names:
        ours, theirs = outcome(module.resolve, name), outcome(reference.resolve, name)
        assert ours.same_as(theirs), (name, ours.describe(), theirs.describe())
        ok += ours.error is None
    assert ok >= len(names) * 0.8  # mostly real configs, not matching errors


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_sources_paths_and_listeners_resolve_the_same(policy):
    module, reference, _compiled = _pair(policy)
    extras = module.POLICY.extras
    data = extras.sources()
    sources = list(data.sources) + ["unknown-source"]
    checked = 0
    for name in sources:
        assert _fire(module, "get_egress_source", name) == _fire(reference, "get_egress_source", name), name
    for name in list(data.pools) + ["unknown-pool"]:
        assert _fire(module, "get_egress_pool", name) == _fire(reference, "get_egress_pool", name), name
    fixture = extras.settings.dns
    domains = list(fixture.mx) + ["nowhere.invalid"]
    for domain in domains:
        try:
            site = fixture.lookup_mx(domain).site_name
        except Exception:  # noqa: BLE001 - no answer: use the domain as the site
            site = domain
        for source in sources[:3] + ["unspecified"]:
            ours = _fire(module, "get_egress_path_config", domain, source, site)
            assert ours == _fire(reference, "get_egress_path_config", domain, source, site), (domain, source)
            checked += ours[0] == "ok"
    assert checked >= len(domains)
    if extras.listener_files is not None:
        for domain in ("agency.example", "a.agency.example", "partner.example", "example.com", "x.bounces.example.com", "z.test"):
            for listener in ("*", "192.0.2.1:25", "127.0.0.1:2525"):
                assert _fire(module, "get_listener_domain", domain, listener) == \
                    _fire(reference, "get_listener_domain", domain, listener), (domain, listener)
    _ = to_plain
