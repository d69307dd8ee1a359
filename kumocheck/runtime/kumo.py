"""The `kumo` module as compiled policies see it offline.

* `kumo.on` registers handlers with the owning `Policy`;
* `kumo.make_queue_config` validates and decodes for real (queue_config.py);
* `kumo.json_load` / `toml_load` / `json_parse` / `toml_parse` (and the `kumo.serde`
  versions) read and parse for real; JSON arrays carry mlua's array marker;
* `kumo.make_egress_path`, `make_egress_source`, `make_egress_pool` and
  `make_listener_domain` check their table against rules/egress.toml (keys, and the
  types recorded there) and return it;
* `kumo.memoize` returns the function, `kumo.domain_map.new` is KumoMTA's DomainMap,
  `kumo.dns.lookup_mx` answers from the DNS fixture and
  `kumo.invoke_get_egress_path_config` fires the policy's handler;
* every other name of the KumoMTA API (rules/kumo_api.toml) is a function that raises
  `LuaError("kumo.dns.lookup_mx: not available offline ...")` when called.

The verify command's Lua stub (kumocheck/compiler/oracle.py) mirrors these rules.
"""

from __future__ import annotations

import functools
import json
import tomllib
from typing import Any, Callable

from kumocheck.files import rules_dir
from kumocheck.runtime import lua_number as N
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.queue_config import make_queue_config
from kumocheck.runtime.table import LuaTable, from_python
from kumocheck.runtime.extras import LuaDomainMap, make_object
from kumocheck.extras.origins import HelperError

__all__ = ["OFFLINE_MESSAGE", "PASSTHROUGH", "PARSERS", "api_names", "build_kumo", "from_python", "offline"]

OFFLINE_MESSAGE = "{name}: not available offline (kumocheck runs the policy without kumod)"
PASSTHROUGH = ("make_egress_path", "make_egress_source", "make_egress_pool", "make_listener_domain")
#: names handled for real: (module path, name)
PARSERS = ("json_load", "json_parse", "toml_load", "toml_parse", "json_encode", "json_encode_pretty")


@functools.lru_cache(maxsize=1)
def api_names() -> tuple[tuple[str, ...], dict[str, tuple[str, ...]]]:
    """(functions of `kumo`, {submodule path: its functions}) from rules/kumo_api.toml."""
    path = rules_dir() / "kumo_api.toml"
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError:
        return (), {}
    kumo = data.get("kumo", {})
    functions = tuple(sorted(name for name, spec in kumo.get("functions", {}).items() if spec.get("kind", "function") == "function"))
    modules = {name: tuple(spec.get("functions", ())) for name, spec in sorted(kumo.get("modules", {}).items())}
    return functions, modules


def offline(name: str) -> Callable:
    message = OFFLINE_MESSAGE.format(name=name).encode()

    def unavailable(*_args):
        raise LuaError(message)

    unavailable.__name__ = name.replace(".", "_")
    return unavailable


def to_python(value: Any, depth: int = 0) -> Any:
    """A Lua value as JSON data, the way mlua's serde sees it."""
    if depth > 128:
        raise LuaError(b"recursive table")
    if isinstance(value, LuaTable):
        if value.arr or value.array_meta:
            return [to_python(v, depth + 1) for v in value.arr]
        if not value.hash:
            return {}
        out = {}
        for key, item in value.items():
            name = key.decode("utf-8", "replace") if isinstance(key, bytes) else N.tostring_number(key).decode() if isinstance(key, (int, float)) else str(key)
            out[name] = to_python(item, depth + 1)
        return out
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def _text_arg(value: Any, name: str) -> str:
    if type(value) is not bytes:
        raise N.type_error(1, name, "string", value)
    return value.decode("utf-8", "surrogateescape")


def _json_parse(text=None, *_):
    try:
        return (from_python(json.loads(_text_arg(text, "json_parse"))),)
    except json.JSONDecodeError as exc:
        raise LuaError(f"json_parse: {exc}".encode()) from None


def _json_load(path=None, *_):
    name = _text_arg(path, "json_load")
    try:
        with open(name, encoding="utf-8") as handle:
            return (from_python(json.load(handle)),)
    except OSError as exc:
        raise LuaError(f"json_load: {name}: {exc.strerror}".encode()) from None
    except json.JSONDecodeError as exc:
        raise LuaError(f"json_load: {name}: {exc}".encode()) from None


def _toml_parse(text=None, *_):
    try:
        return (from_python(tomllib.loads(_text_arg(text, "toml_parse"))),)
    except tomllib.TOMLDecodeError as exc:
        raise LuaError(f"toml_parse: {exc}".encode()) from None


def _toml_load(path=None, *_):
    name = _text_arg(path, "toml_load")
    try:
        with open(name, "rb") as handle:
            return (from_python(tomllib.load(handle)),)
    except OSError as exc:
        raise LuaError(f"toml_load: {name}: {exc.strerror}".encode()) from None
    except tomllib.TOMLDecodeError as exc:
        raise LuaError(f"toml_load: {name}: {exc}".encode()) from None


def _json_encode(value=None, *_):
    return (json.dumps(to_python(value), separators=(",", ":"), sort_keys=True).encode(),)


def _json_encode_pretty(value=None, *_):
    return (json.dumps(to_python(value), indent=2, sort_keys=True).encode(),)


_REAL = {
    "json_parse": _json_parse,
    "json_load": _json_load,
    "toml_parse": _toml_parse,
    "toml_load": _toml_load,
    "json_encode": _json_encode,
    "json_encode_pretty": _json_encode_pretty,
}


def _make_queue_config(params=None, *_):
    return (make_queue_config(params),)


def _constructor(kind: str) -> Callable:
    def make(value=None, *_):
        return (make_object(kind, value),)

    make.__name__ = f"make_{kind}"
    return make


def _memoize(function=None, *_):
    """kumo.memoize offline: the function itself (every call computes afresh)."""
    return (function,)


def _domain_map_new(table=None, *_):
    return (LuaDomainMap(table),)


def _install_extras(kumo: LuaTable, state: Any) -> None:
    """The kumo functions the policy-extras helpers use, answered offline."""

    def lookup_mx(domain=None, *_):
        if type(domain) is not bytes:
            raise N.type_error(1, "lookup_mx", "string", domain)
        try:
            answer = state.settings.dns.lookup_mx(domain.decode("utf-8", "surrogateescape"))
        except HelperError as exc:
            raise LuaError(str(exc).encode()) from None
        return (from_python(answer.to_json()),)

    def invoke_get_egress_path_config(domain=None, source=None, site_name=None, *_):
        results = state.policy.fire("get_egress_path_config", domain, source, site_name)
        return (results[0] if results else None,)

    dns = kumo.get(b"dns")
    if type(dns) is LuaTable:
        dns.set(b"lookup_mx", lookup_mx)
    kumo.set(b"invoke_get_egress_path_config", invoke_get_egress_path_config)


def build_kumo(on: Callable, extras: Any = None) -> LuaTable:
    """A fresh `kumo` table whose `on` is the given registration function; `extras` (a
    runtime.extras.HelperState) answers DNS and egress-path look-ups from its settings."""
    functions, modules = api_names()
    kumo = LuaTable()
    for name in functions:
        kumo.set(name.encode(), _REAL.get(name) or offline(f"kumo.{name}"))
    for path, members in modules.items():
        table = kumo
        parts = path.split(".")
        for depth, part in enumerate(parts):
            sub = table.get(part.encode())
            if sub is None:
                sub = LuaTable()
                table.set(part.encode(), sub)
            table = sub
        for member in members:
            real = _REAL.get(member) if path == "serde" else None
            table.set(member.encode(), real or offline(f"kumo.{path}.{member}"))
    for name, real in _REAL.items():
        kumo.set(name.encode(), real)
    for name in PASSTHROUGH:
        kumo.set(name.encode(), _constructor(name[len("make_"):]))
    kumo.set(b"memoize", _memoize)
    domain_map = kumo.get(b"domain_map")
    if type(domain_map) is not LuaTable:
        domain_map = LuaTable()
        kumo.set(b"domain_map", domain_map)
    domain_map.set(b"new", _domain_map_new)
    if extras is not None:
        _install_extras(kumo, extras)
    kumo.set(b"on", on)
    kumo.set(b"make_queue_config", _make_queue_config)
    return kumo
