"""Consistency checks for the declarative catalogue in rules/*.toml.

These tests only read the TOML data (stdlib tomllib); they do not import the
checker, so they stay valid whatever the loader code looks like.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parent.parent / "rules"

RETURN_TOKENS = {
    "nothing", "queue_config", "egress_path", "egress_source", "egress_pool",
    "listener_domain", "acl", "bool", "auth", "table", "string", "status",
    "extensions", "batches", "shaping", "any",
}
BINARIES = {"kumod", "tsa-daemon", "proxy-server", "all"}
# The events declared `Multiple(...)` in the KumoMTA source.
KNOWN_MULTIPLE = {
    "pre_init", "validate_config", "get_queue_config",
    "should_enqueue_log_record", "requeue_message",
    "throttle_insert_ready_queue", "get_acl_definition",
}


def _load(name: str) -> dict:
    with open(RULES / name, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def events() -> dict:
    return _load("events.toml")


@pytest.fixture(scope="module")
def api() -> dict:
    return _load("kumo_api.toml")


@pytest.fixture(scope="module")
def egress() -> dict:
    return _load("egress.toml")


@pytest.fixture(scope="module")
def typed() -> dict:
    return _load("config_calls.toml")


@pytest.fixture(scope="module")
def versions(api) -> list[str]:
    return list(api["meta"]["release_tags"]) + ["dev"]


def _no_dupes(seq, what):
    seen = set()
    dupes = [x for x in seq if x in seen or seen.add(x)]
    assert not dupes, f"duplicate entries in {what}: {dupes}"


# --------------------------------------------------------------- resolution


def resolve(api: dict, dotted: str) -> bool:
    """True if `dotted` (e.g. "kumo.serde.json_parse") names a real member.

    Resolution stops at the first function/constant: anything after it is a
    field or method of the returned value, which this catalogue does not cover.
    """
    parts = dotted.split(".")
    if parts[0] != "kumo":
        mod = api["require"]["modules"].get(parts[0])
        return mod is not None and (len(parts) == 1 or parts[1] in mod["exports"])
    functions = api["kumo"]["functions"]
    modules = api["kumo"]["modules"]
    path = ""
    for part in parts[1:]:
        if not path and part in functions:
            return True
        candidate = f"{path}.{part}" if path else part
        if candidate in modules:
            path = candidate
            continue
        return bool(path) and part in modules[path]["functions"]
    return True  # a module table itself


KUMO_REF = re.compile(r"(?<![\w.])kumo((?:\.[A-Za-z_]\w*)+)")


def kumo_refs(lua_source: str) -> set[str]:
    # drop comments and string literals so event names such as
    # 'kumo.tsa.config.monitor' are not mistaken for API references
    text = re.sub(r"--\[(=*)\[.*?\]\1\]", "", lua_source, flags=re.S)
    text = re.sub(r"--[^\n]*", "", text)
    text = re.sub(r"'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"", '""', text)
    return {"kumo" + m.group(1) for m in KUMO_REF.finditer(text)}


SAMPLE_POLICY = r"""
local kumo = require 'kumo'
local utils = require 'policy-extras.policy_utils'
local sources = require 'policy-extras.sources'

kumo.on('init', function()
  kumo.define_spool { name = 'data', path = '/var/spool/kumomta/data' }
  kumo.configure_local_logs { log_dir = '/var/log/kumomta', filter_event = 'keep_log' }
  kumo.start_esmtp_listener { listen = '0.0.0.0:25', hostname = kumo.version }
  kumo.start_http_listener { listen = '127.0.0.1:8000' }
  kumo.set_max_lua_context_age(300)
end)

kumo.on('keep_log', function(msg) return true end)
sources:setup { '/opt/kumomta/etc/policy/egress_sources.toml' }

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local mx = kumo.dns.lookup_mx(domain)
  kumo.log_info('mx for', domain, kumo.serde.json_encode(mx))
  return kumo.make_queue_config { egress_pool = tenant, retry_interval = '10m' }
end)

kumo.on('get_egress_path_config', function(routing_domain, source, site)
  return kumo.make_egress_path { enable_tls = 'OpportunisticInsecure' }
end)

kumo.on('smtp_server_message_received', function(msg, conn_meta)
  local signer = kumo.dkim.rsa_sha256_signer { domain = 'example.com',
    selector = 's1', key = { event_name = 'dkim_key', event_args = { 'example.com' } } }
  msg:dkim_sign(signer)
  local parts = kumo.string.split(msg:from_header().domain, '.')
  local h = kumo.digest.sha256(kumo.encode.base64_encode('x'))
  kumo.api.admin.suspend.suspend { domain = 'example.com', reason = 'test' }
  kumo.time.sleep(0.1)
  if utils.table_is_empty(parts) then kumo.reject(550, 'no') end
end)
"""


def test_sample_policy_references_resolve(api):
    refs = kumo_refs(SAMPLE_POLICY)
    assert "kumo.api.admin.suspend.suspend" in refs
    assert "kumo.version" in refs
    unknown = sorted(r for r in refs if not resolve(api, r))
    assert not unknown, f"unresolved kumo API names in sample: {unknown}"


@pytest.mark.parametrize("name", [
    "kumo.make_queue_confg",        # typo
    "kumo.serde.json_decode",       # not a member
    "kumo.api.admin.rebind",        # no such admin module
    "kumo.define_egress_source",    # removed in 2023.06.22
    "kumo.dmarc.verify",            # renamed to check_msg
    "kumo.configure_tsa_db_path",   # lives in the `tsa` module, not `kumo`
])
def test_bogus_names_do_not_resolve(api, name):
    assert not resolve(api, name)


def test_event_name_strings_are_not_api_refs():
    refs = kumo_refs("kumo.on('kumo.tsa.config.monitor', function(args) end)")
    assert refs == {"kumo.on"}


# --------------------------------------------------------------- events.toml


def test_events_shape(events, versions):
    evs = events["events"]
    assert len(evs) >= 30
    for name, ev in evs.items():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
        assert isinstance(ev["params"], list), name
        assert all(isinstance(p, str) and p for p in ev["params"]), name
        _no_dupes(ev["params"], f"{name}.params")
        assert isinstance(ev["variadic"], bool), name
        assert isinstance(ev["multiple"], bool), name
        assert isinstance(ev["return_required"], bool), name
        assert isinstance(ev["documented"], bool), name
        assert ev["returns"] in RETURN_TOKENS, (name, ev["returns"])
        assert ev["binary"] in BINARIES, name
        assert ev["since"] in versions, (name, ev["since"])
        assert isinstance(ev["summary"], str) and len(ev["summary"]) > 20, name
        for param, tag in ev.get("param_since", {}).items():
            assert param in ev["params"], (name, param)
            assert versions.index(tag) > versions.index(ev["since"]), (name, param)
        if "multiple_since" in ev:
            assert ev["multiple"], name
            assert versions.index(ev["multiple_since"]) >= versions.index(ev["since"])
        if "rust_params" in ev:
            assert len(ev["rust_params"]) == len(ev["params"]), name
        if ev["multiple"]:
            # handlers of Multiple events may pass by returning nothing
            assert not ev["return_required"], name
        if ev["returns"] == "nothing":
            assert not ev["return_required"], name
    assert evs["main"]["variadic"] and not evs["main"]["params"]
    assert sum(ev["variadic"] for ev in evs.values()) == 1


def test_multiple_events_are_the_known_set(events):
    evs = events["events"]
    multiple = {n for n, ev in evs.items() if ev["multiple"]}
    assert multiple == KNOWN_MULTIPLE
    assert set(events["meta"]["multiple_events"]) == KNOWN_MULTIPLE
    by_bin = events["meta"]["multiple_events_by_binary"]
    assert set(by_bin["kumod"]) == KNOWN_MULTIPLE
    for binary, names in by_bin.items():
        assert binary in BINARIES
        for n in names:
            assert evs[n]["binary"] in (binary, "all"), (binary, n)


def test_event_binaries(events):
    evs = events["events"]
    assert {n for n, e in evs.items() if e["binary"] == "tsa-daemon"} == {
        "tsa_init", "tsa_load_shaping_data"}
    assert {n for n, e in evs.items() if e["binary"] == "proxy-server"} == {
        "proxy_init", "proxy_server_auth_rfc1929"}
    assert {n for n, e in evs.items() if e["binary"] == "all"} == {
        "http_server_validate_auth_basic", "http_server_validate_auth_bearer",
        "get_acl_definition"}


def test_user_and_helper_events(events, api, versions):
    evs = events["events"]
    user = events["user_events"]
    assert set(user) == {"custom_lua_constructor", "spawn_task", "local_log_filter",
                         "log_disposition_hook", "keysource_event"}
    for name, ue in user.items():
        assert name not in evs
        assert isinstance(ue["key"], list) and ue["key"], name
        assert ue["returns"] in RETURN_TOKENS, name
        assert ue["since"] in versions, name
        assert isinstance(ue["params"], list), name
        if ue["api"] != "keysource":
            assert resolve(api, ue["api"]), ue["api"]
    assert user["keysource_event"]["variadic"] is True
    assert user["log_disposition_hook"]["event_template"].format(name="x") == "log_disposition_x"

    extras = _load("policy_extras.toml")  # the helpers' facts live with their API
    helper = extras["helper_events"]
    samples = {
        "log_hook_constructor": "make.webhook.log_hook",
        "log_disposition": "log_disposition_audit",
        "tsa_publisher_constructor": "make.http://127.0.0.1:8008.tsa.kumomta",
        "tsa_config_monitor": "kumo.tsa.config.monitor",
        "tsa_suspension_subscriber": "kumo.tsa.suspension.subscriber",
    }
    modules = api["require"]["modules"]
    for name, he in helper.items():
        rx = re.compile(he["pattern"])
        assert rx.search(samples[name]), name
        assert he["source"] in modules, he["source"]
        for fixed in evs:
            assert not rx.search(fixed), (name, fixed)

    for module, regs in extras["helper_registrations"].items():
        assert module in modules, module
        for when, names in regs.items():
            assert when == "on_require" or when in modules[module]["exports"], (module, when)
            for n in names:
                assert n in evs or any(re.search(h["pattern"], n) for h in helper.values()), n


# --------------------------------------------------------------- kumo_api.toml


def test_kumo_functions(api, versions):
    functions = api["kumo"]["functions"]
    modules = api["kumo"]["modules"]
    assert len(functions) >= 80
    for name, fn in functions.items():
        assert re.fullmatch(r"[a-z_][a-z0-9_]*", name), name
        assert name not in modules, f"{name} is both a function and a module"
        assert fn["kind"] in {"function", "constant"}, name
        assert fn["binary"] in BINARIES, name
        assert isinstance(fn["documented"], bool), name
        assert fn["deprecated"] is False or isinstance(fn["deprecated"], str), name
        if "since" in fn:
            assert fn["since"] in versions, (name, fn["since"])
    assert functions["version"]["kind"] == "constant"
    assert [n for n, f in functions.items() if f["kind"] == "constant"] == ["version"]
    for name in ("on", "make_queue_config", "make_egress_path", "make_egress_source",
                 "make_egress_pool", "make_listener_domain", "start_esmtp_listener",
                 "reject", "spawn_task", "configure_log_hook", "validation_failed"):
        assert name in functions, name
    # deprecated aliases point to something that exists
    for name, fn in functions.items():
        dep = fn["deprecated"]
        if dep and re.fullmatch(r"[\w.]+", dep):
            assert resolve(api, dep), (name, dep)


def test_kumo_modules(api, versions):
    modules = api["kumo"]["modules"]
    for path, mod in modules.items():
        _no_dupes(mod["functions"], path)
        _no_dupes(mod["modules"], path)
        assert mod["binary"] in BINARIES, path
        assert isinstance(mod["documented"], bool), path
        if "since" in mod:
            assert mod["since"] in versions, path
        for child in mod["modules"]:
            assert f"{path}.{child}" in modules, (path, child)
        if "." in path:
            parent, leaf = path.rsplit(".", 1)
            assert leaf in modules[parent]["modules"], path
        assert mod["functions"] or mod["modules"], path
        for member, tag in mod.get("member_since", {}).items():
            assert member in mod["functions"], (path, member)
            assert tag in versions, (path, member)
        assert set(mod.get("undocumented", [])) <= set(mod["functions"]), path
        assert set(mod.get("deprecated", {})) <= set(mod["functions"]), path
    assert modules["api"]["modules"] == ["admin", "inject"]
    assert set(modules["api.admin"]["modules"]) == {"bounce", "suspend", "suspend_ready_q"}
    assert "json_parse" in modules["serde"]["functions"]
    assert "hmac_sha256" in modules["digest"]["functions"]
    assert "base64url_nopad_decode" in modules["encode"]["functions"]


def test_require_modules(api):
    req = api["require"]["modules"]
    for name in ("kumo", "redis", "sqlite", "tsa", "proxy"):
        assert req[name]["builtin"] is True, name
    kumo_exports = set(req["kumo"]["exports"])
    top_modules = {p for p in api["kumo"]["modules"] if "." not in p}
    assert kumo_exports == set(api["kumo"]["functions"]) | top_modules
    assert req["tsa"]["binary"] == "tsa-daemon"
    assert req["proxy"]["binary"] == "proxy-server"
    assert "setup" in req["policy-extras.queue"]["exports"]
    for name, mod in req.items():
        _no_dupes(mod["exports"], name)
        if name.startswith("policy-extras."):
            assert mod["builtin"] is False
            if mod.get("shipped", True):
                assert mod["exports"], name
                assert mod["file"] == f"assets/policy-extras/{name.split('.', 1)[1]}.lua"
    # dotted kumo.* names are fields of `kumo`, never require-able modules
    assert not any(n.startswith("kumo.") for n in req)


def test_removed_names_do_not_resolve(api):
    for dotted, info in api["removed"].items():
        assert not resolve(api, dotted), dotted
        assert info["use_instead"]


# --------------------------------------------------------------- egress.toml


def test_egress_objects(egress, typed, api, events):
    objs = egress["objects"]
    typed_objects = {data["object"]: data for data in typed["structs"].values() if "object" in data}
    for name in ("egress_path", "egress_source", "egress_pool", "listener", "listener_domain"):
        assert name in objs or name in typed_objects, name
    assert not set(objs) & set(typed_objects), "an object is either untyped (egress.toml) or typed"
    for name, obj in objs.items():
        keys = obj["keys"]
        assert keys, name
        _no_dupes(keys, name)
        assert all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys), name
        assert set(obj["required"]) <= set(keys), name
        assert set(obj.get("undocumented_keys", [])) <= set(keys), name
        assert set(obj.get("deprecated_keys", {})) <= set(keys), name
        assert isinstance(obj["deny_unknown_fields"], bool), name
        assert obj["binary"] in BINARIES, name
        if "constructor" in obj:
            assert resolve(api, obj["constructor"]), obj["constructor"]
        if "event" in obj:
            assert obj["event"] in events["events"], obj["event"]
    for name, data in typed_objects.items():
        assert data.get("binary", "kumod") in BINARIES, name
        for function in [data.get("constructor"), *data.get("also_constructors", [])]:
            if function and function.startswith("kumo."):
                assert resolve(api, function), function
        if "event" in data:
            assert data["event"] in events["events"], data["event"]


def _typed_keys(typed: dict, struct: str) -> set[str]:
    data = typed["structs"][struct]
    keys = set(data.get("fields", {}))
    for flattened in data.get("flatten", []):
        keys |= _typed_keys(typed, flattened)
    return keys


def test_egress_key_placement(egress, typed):
    objs = egress["objects"]
    path = _typed_keys(typed, "EgressPathConfig")
    # flattened SmtpClientTimeouts keys are present
    assert {"connect_timeout", "data_dot_timeout", "auth_timeout"} <= path
    assert {"enable_tls", "max_deliveries_per_connection", "connection_limit"} <= path
    assert "enable_tls" not in objs["queue_config"]["keys"]
    assert "retry_interval" not in path
    assert len(objs["queue_config"]["keys"]) == 13
    listener = _typed_keys(typed, "EsmtpListenerParams")
    assert {"listen", "max_connections", "hostname", "relay_hosts"} <= listener
    assert _typed_keys(typed, "GenericEsmtpListenerParams") == listener - {"listen", "max_connections"}
    assert _typed_keys(typed, "EsmtpDomain") == {"log_oob", "log_arf", "relay_to", "relay_from", "ttl"}
    assert _typed_keys(typed, "EgressPool") == {"name", "entries", "ttl"}
    required = [k for k, f in typed["structs"]["EgressSource"]["fields"].items() if f.get("required")]
    assert required == ["name"]
