"""The Lua-facing tables of `policy-extras.*` (each function mirrors the helper's Lua API)."""

from __future__ import annotations

import json
from typing import Any, Callable

from kumocheck.extras import listener_domains as listener_data
from kumocheck.extras import queue as queue_data
from kumocheck.extras import sources as sources_data
from kumocheck.extras.origins import HelperError
from kumocheck.runtime import lua_number as N
from kumocheck.runtime import lua_string as S
from kumocheck.runtime import provenance
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import (
    DEFAULT_SHAPING_FILE, MODULES, OFFLINE_MODULES, HelperState, _fn, _module, _offline, _text, make_object, to_lua, to_plain,
)
from kumocheck.runtime.base import lua_type
from kumocheck.runtime.kumo import to_python
from kumocheck.runtime.queue_config import make_queue_config
from kumocheck.runtime.table import LuaTable

__all__ = ["build_modules", "build"]


def _on(state: HelperState, event: str, handler: Callable) -> None:
    wrapped = _fn(handler)
    builder = getattr(handler, "__qualname__", "").split(".", 1)[0]  # e.g. _shaping.<locals>...
    helper = getattr(handler, "kumocheck_helper", None) or (
        f"policy-extras.{builder[1:]}" if builder.startswith("_") and builder != "_no_handler" else None)
    if helper:
        wrapped.kumocheck_helper = helper  # type: ignore[attr-defined]
    state.policy._on(event.encode(), wrapped)


def _no_handler(*_args: Any) -> tuple:
    return ()


def _str_arg(value: Any) -> str | None:
    return _text(value) if value is not None else None


def _options(value: Any) -> dict:
    if type(value) is not LuaTable:
        raise HelperError(f"expected an options table, got {type(value).__name__}")
    plain = {}
    for key, item in value.items():
        plain[_text(key) if type(key) is bytes else key] = item
    return plain


# -- policy_utils --------------------------------------------------------------------------------


def _pairs(table: Any):
    if type(table) is not LuaTable:
        raise LuaError(b"bad argument #1 to 'for iterator' (table expected, got " + lua_type(table) + b")")
    return list(table.items())


def _merge_into(src=None, dest=None, *_):
    if src is not None and src is not False:
        for key, value in _pairs(src):
            dest.set(key, value)
    return ()


def _recursive_merge_into(src=None, dest=None, *_):
    if src is not None and src is not False:
        for key, value in _pairs(src):
            if type(value) is LuaTable:
                existing = dest.get(key) if type(dest) is LuaTable else None
                if existing is None or existing is False:
                    dest.set(key, value)
                elif type(existing) is LuaTable:
                    _recursive_merge_into(value, existing)
                else:
                    raise LuaError(b"attempt to index a non-table value")
            else:
                dest.set(key, value)
    return ()


def _equals(a: Any, b: Any) -> bool:
    if type(a) is LuaTable and type(b) is LuaTable:
        if len(list(a.items())) != len(list(b.items())):
            return False
        return all(_equals(value, b.get(key)) for key, value in a.items())
    return N.eq(a, b) if (type(a) in (int, float) and type(b) in (int, float)) else a == b and type(a) is type(b)


def _policy_utils(state: HelperState) -> LuaTable:
    def load_json_or_toml_file(name=None, *_):
        if type(name) is LuaTable:
            return (name,)
        return (to_lua(state.files.load_json_or_toml(_text(name))),)

    def table_contains(table=None, needle=None, *_):
        if needle is None:
            return (False,)
        return (any(value == needle and type(value) is type(needle) for _k, value in _pairs(table)),)

    def split_ip_port(text=None, *_):
        ip, port = listener_data.split_ip_port(_text(text))
        return (ip.encode(), port.encode())

    def assert_eq(a=None, b=None, message=None, *_):
        if not _equals(a, b):
            raise LuaError(b"assertion failed: values are not equal" + (b": " + message if type(message) is bytes else b""))
        return ()

    def assert_ne(a=None, b=None, message=None, *_):
        if _equals(a, b):
            raise LuaError(b"assertion failed: values are equal")
        return ()

    def dumps(value=None, *_):
        return (json.dumps(to_python(value), indent=2, sort_keys=True).encode(),)

    return _module({
        "merge_into": _merge_into,
        "recursive_merge_into": _recursive_merge_into,
        "equals": lambda a=None, b=None, *_: (_equals(a, b),),
        "assert_eq": assert_eq,
        "assert_ne": assert_ne,
        "assert_matches": _offline("policy_utils.assert_matches"),
        "table_contains": table_contains,
        "table_keys": lambda t=None, *_: (LuaTable.from_list([k for k, _v in _pairs(t)]),),
        "table_is_empty": lambda t=None, *_: (not _pairs(t),),
        "load_json_or_toml_file": load_json_or_toml_file,
        "starts_with": lambda s=None, text=None, *_: (S.sub(s, 1, len(text))[0] == text,),
        "ends_with": lambda s=None, text=None, *_: (S.sub(s, -len(text))[0] == text,),
        "split_ip_port": split_ip_port,
        "dumps": dumps,
    })


# -- queue -----------------------------------------------------------------------------------------


def _queue(state: HelperState) -> LuaTable:
    def get_queue_config(domain=None, tenant=None, campaign=None, routing_domain=None, *_):
        params = state.queue_params(_text(domain), _str_arg(tenant), _str_arg(campaign), _str_arg(routing_domain))
        table = to_lua(params)
        if provenance.STATE.active:  # for explain: each field's data file and line, or helper default
            provenance.note_all(table, {k.encode(): o for k, o in params.origins.items() if isinstance(k, str)})
        return (make_queue_config(table),)

    get_queue_config.kumocheck_helper = "policy-extras.queue"  # type: ignore[attr-defined]

    def setup_with_options(_self=None, options=None, *_):
        plain = _options(options)
        queue_data.check_setup_options({k: to_plain(v) for k, v in plain.items()})
        if state.queue_options is not None:
            raise HelperError("queues module has already been configured")
        state.queue_options = plain
        if not plain.get("skip_queue_config_hook"):
            _on(state, "get_queue_config", get_queue_config)
        _on(state, "throttle_insert_ready_queue", _no_handler)
        helper = _module({
            "resolve_config": lambda _s=None, d=None, t=None, c=None, *_: (
                to_lua(queue_data.resolve(state.queue(), _text(d), _str_arg(t), _str_arg(c), state.is_option)),),
            "apply": _offline("queue_helper:apply (needs a message)"),
        })
        helper.set(b"file_names", plain["file_names"])
        return (helper,)

    def setup(self=None, file_names=None, *_):
        options = LuaTable()
        options.set(b"skip_queue_config_hook", False)
        if file_names is not None:
            options.set(b"file_names", file_names)
        return setup_with_options(self, options)

    def resolve_provider(_self=None, domain=None, routing_domain=None, *_):
        provider = state.resolve_provider(_text(domain), _str_arg(routing_domain))
        return (provider.encode() if provider else None,)

    def is_queue_config_option(name=None, value=None, *_):
        return (state.is_option(to_plain(name), to_plain(value)),)

    _on(state, "validate_config", _no_handler)
    return _module({
        "setup": setup, "setup_with_options": setup_with_options,
        "resolve_provider": resolve_provider, "is_queue_config_option": is_queue_config_option,
    })


# -- sources -------------------------------------------------------------------------------------


def _sources(state: HelperState) -> LuaTable:
    def get_egress_source(name=None, *_):
        return (make_object("egress_source", to_lua(sources_data.egress_source(state.sources(), _text(name)))),)

    def get_egress_pool(name=None, *_):
        return (make_object("egress_pool", to_lua(sources_data.egress_pool(state.sources(), _text(name)))),)

    def setup(_self=None, data_files=None, *_):
        if state.sources_files is not None:
            raise HelperError("sources module has already been configured")
        state.sources_files = data_files
        _on(state, "get_egress_source", get_egress_source)
        _on(state, "get_egress_pool", get_egress_pool)
        return ()

    _on(state, "validate_config", _no_handler)
    return _module({"setup": setup})


# -- shaping ---------------------------------------------------------------------------------------


def _shaping(state: HelperState) -> LuaTable:
    if "policy-extras.sources" not in state.policy.loaded:
        state.policy.require(b"policy-extras.sources")

    def get_egress_path_config(domain=None, source=None, site_name=None, skip_make=None, *_):
        params = to_lua(state.egress_path_params(_text(domain), _text(source), _text(site_name)))
        if skip_make is not None and skip_make is not False:
            return (params,)
        return (make_object("egress_path", params),)

    get_egress_path_config.kumocheck_helper = "policy-extras.shaping"  # type: ignore[attr-defined]

    def setup_with_automation(_self=None, options=None, *_):
        if state.shaping_files is not None:
            raise HelperError("shaping module has already been configured")
        plain = _options(options)
        names = [] if plain.get("no_default_files") not in (None, False) else [DEFAULT_SHAPING_FILE]
        for key, suffix in (("extra_files", ""), ("subscribe", "/get_config_v1/shaping.toml")):
            listed = plain.get(key)
            if type(listed) is LuaTable:
                names.extend(_text(item) + suffix for item in listed.arr)
        state.shaping_files = names
        publish = {}
        listed = plain.get("publish")
        for destination in (listed.arr if type(listed) is LuaTable else []):
            hook = f"{_text(destination)}.tsa.kumomta"
            publish[hook] = f"make.{hook}"
            _on(state, f"make.{hook}", _offline(f"shaping TSA publisher {hook}"))

        def tsa_queue_config(domain=None, *_):
            if _text(domain) not in publish:
                return ()
            config = LuaTable()
            config.set(b"retry_interval", b"1m")
            config.set(b"max_retry_interval", b"20m")
            extra = plain.get("tsa_queue_config")
            if type(extra) is LuaTable:
                for key, value in extra.items():
                    config.set(key, value)
            protocol = to_lua({"custom_lua": {"constructor": publish[_text(domain)]}})
            config.set(b"protocol", protocol)
            return (make_queue_config(config),)

        def should_enqueue(_msg=None, hook=None, *_):
            if type(hook) is bytes and _text(hook) in publish:
                raise LuaError(b"shaping: should_enqueue_log_record: not available offline (needs a log record)")
            return ()

        _on(state, "get_queue_config", tsa_queue_config)
        _on(state, "should_enqueue_log_record", should_enqueue)
        configured = _module({
            "get_egress_path_config": get_egress_path_config,
            "setup_publish": (lambda *_: ()) if not publish else _offline("shaping.setup_publish"),
            "load_shaping_data": _offline("shaping.load_shaping_data (use kumocheck resolve --egress-path)"),
        })
        return (configured,)

    def setup(self=None, extra_files=None, *_):
        options = LuaTable()
        if extra_files is not None:
            options.set(b"extra_files", extra_files)
        configured = setup_with_automation(self, options)[0]
        return (configured.get(b"get_egress_path_config"),)

    for event in ("validate_config",):
        _on(state, event, _no_handler)
    for event in ("kumo.tsa.config.monitor", "kumo.tsa.suspension.subscriber"):
        _on(state, event, _offline(f"shaping {event}"))
    return _module({"setup": setup, "setup_with_automation": setup_with_automation})


# -- listener_domains, dkim_sign, log_hooks -------------------------------------------------------


def _conn_meta(conn_meta: Any) -> dict | None:
    """A connection's metadata offline: a Lua table of authz_id / received_from (or nil)."""
    if conn_meta is None:
        return None
    if type(conn_meta) is not LuaTable:
        raise LuaError(b"get_listener_domain: connection metadata is not available offline")
    return {key: _text(conn_meta.get(key.encode())) for key in ("authz_id", "received_from")
            if type(conn_meta.get(key.encode())) is bytes}


def _listener_domains(state: HelperState) -> LuaTable:
    def get_listener_domain(domain=None, listener=None, conn_meta=None, *_):
        found = listener_data.get_listener_domain(state.listeners(), _text(domain), _text(listener), _conn_meta(conn_meta))
        state.traces["get_listener_domain"] = found
        if found is None:
            return (None,)
        return (make_object("listener_domain", to_lua(found)),)

    get_listener_domain.kumocheck_helper = "policy-extras.listener_domains"  # type: ignore[attr-defined]

    def setup(_self=None, data_files=None, *_):
        if state.listener_files is not None:
            raise HelperError("listener_domains module has already been configured")
        state.listener_files = data_files
        return (_fn(get_listener_domain),)

    _on(state, "validate_config", _no_handler)
    return _module({"setup": setup})


def _dkim_sign(state: HelperState) -> LuaTable:
    def setup(_self=None, files=None, *_):
        if state.dkim_files is not None:
            raise HelperError("dkim_sign module has already been configured")
        state.dkim_files = files
        return (_offline("dkim_sign signer (signing needs keys and a message)"),)

    _on(state, "validate_config", _no_handler)
    return _module({"setup": setup})


_LOG_HOOK_KEYS = ("name", "log_parameters", "queue_config", "constructor", "batch_size", "min_batch_size",
                  "max_batch_latency", "filter")


def _log_hooks(state: HelperState) -> LuaTable:
    if "policy-extras.queue" not in state.policy.loaded:
        state.policy.require(b"policy-extras.queue")

    def claim(name: str) -> None:
        if name in state.log_hooks:
            raise HelperError(f"log_hook with name '{name}' has already been configured")

    def new(_self=None, options=None, *_):
        plain = _options(options)
        for key in plain:
            if key not in _LOG_HOOK_KEYS:
                raise HelperError(f"LogHookOptions: unknown field '{key}'")
        name = plain.get("name")
        if type(name) is not bytes:
            raise HelperError("LogHookOptions: missing value for field 'name' of type 'string'")
        if not callable(plain.get("constructor")) or type(plain.get("constructor")) is LuaTable:
            raise HelperError("LogHookOptions: missing value for field 'constructor' of type 'function'")
        if plain.get("max_batch_latency") is not None and type(plain["max_batch_latency"]) is not bytes:
            raise HelperError("LogHookOptions: invalid value for field 'max_batch_latency'")
        for key in ("batch_size", "min_batch_size"):
            if plain.get(key) is not None and type(plain[key]) not in (int, float):
                raise HelperError(f"LogHookOptions: invalid value for field '{key}'")
        text = _text(name)
        claim(text)
        config = LuaTable()
        config.set(b"retry_interval", b"1m")
        config.set(b"max_retry_interval", b"20m")
        extra = plain.get("queue_config")
        if type(extra) is LuaTable:
            for key, value in extra.items():
                if not state.is_option(to_plain(key), to_plain(value)):
                    raise HelperError(f"QueueConfig: unknown field '{_text(key) if type(key) is bytes else key}'")
                config.set(key, value)
        domain_name = f"{text}.log_hook"
        constructor = f"make.{domain_name}"
        custom = LuaTable()
        custom.set(b"constructor", constructor.encode())
        custom.set(b"batch_size", plain.get("batch_size") if plain.get("batch_size") is not None else 1)
        for key in ("min_batch_size", "max_batch_latency"):
            if plain.get(key) is not None:
                custom.set(key.encode(), plain[key])
        protocol = LuaTable()
        protocol.set(b"custom_lua", custom)
        config.set(b"protocol", protocol)
        state.log_hooks[text] = plain

        def get_queue_config(domain=None, *_):
            if type(domain) is not bytes or _text(domain) != domain_name:
                return ()
            return (make_queue_config(config),)

        def should_enqueue(_msg=None, hook=None, *_):
            if type(hook) is not bytes or _text(hook) != text:
                return ()
            raise LuaError(b"log_hooks: should_enqueue_log_record: not available offline (needs a log record)")

        get_queue_config.kumocheck_helper = "policy-extras.log_hooks"  # type: ignore[attr-defined]
        _on(state, "pre_init", _no_handler)
        _on(state, "should_enqueue_log_record", should_enqueue)
        _on(state, "get_queue_config", get_queue_config)
        _on(state, constructor, plain["constructor"])
        return ()

    def new_json(self=None, options=None, *_):
        plain = _options(options)
        for key in plain:
            if key not in ("name", "log_parameters", "queue_config", "url"):
                raise HelperError(f"JsonLogHookOptions: unknown field '{key}'")
        if type(plain.get("url")) is not bytes:
            raise HelperError("JsonLogHookOptions: missing value for field 'url' of type 'string'")
        options.set(b"url", None)
        options.set(b"constructor", _offline("log_hooks JSON webhook (needs the network)"))
        return new(self, options)

    def new_disposition_hook(_self=None, options=None, *_):
        plain = _options(options)
        for key in plain:
            if key not in ("name", "hook"):
                raise HelperError(f"DispHookOptions: unknown field '{key}'")
        if type(plain.get("name")) is not bytes or not callable(plain.get("hook")):
            raise HelperError("DispHookOptions: 'name' (string) and 'hook' (function) are required")
        text = _text(plain["name"])
        claim(text)
        state.log_hooks[text] = plain
        _on(state, "pre_init", _no_handler)
        _on(state, f"log_disposition_{text}", plain["hook"])
        return ()

    return _module({"new": new, "new_json": new_json, "new_disposition_hook": new_disposition_hook})


_BUILDERS = {
    "policy-extras.policy_utils": _policy_utils,
    "policy-extras.queue": _queue,
    "policy-extras.sources": _sources,
    "policy-extras.shaping": _shaping,
    "policy-extras.listener_domains": _listener_domains,
    "policy-extras.dkim_sign": _dkim_sign,
    "policy-extras.log_hooks": _log_hooks,
}


def build(name: str, state: HelperState) -> LuaTable:
    return _BUILDERS[name](state)


def build_modules(state: HelperState) -> dict[str, Callable[[Any], tuple]]:
    """require name -> loader (called once, at the first require, like package.loaders)."""
    loaders: dict[str, Callable[[Any], tuple]] = {}
    for name in MODULES:
        loaders[name] = lambda _n=None, name=name: (build(name, state),)
    for name, functions in OFFLINE_MODULES.items():
        loaders[name] = lambda _n=None, name=name, functions=functions: (
            _module({f: _offline(f"{name.split('.')[-1]}.{f}") for f in functions}),)
    return loaders

