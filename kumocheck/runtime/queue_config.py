"""`kumo.make_queue_config` for compiled policies.

`make_queue_config(params)` judges a Lua table with the same `rules/` schema and
validator as the checker (kumocheck.schema), raises `ConfigError` for anything kumod's
serde decode would reject, and otherwise decodes it into a frozen `QueueConfig`.

`QueueConfig.to_dict()` is the shape kumod's `assets/resolve-queue-config` prints
(`lua.to_value(&queue_config)` then `json_encode_pretty`): every field, defaults filled
in, durations in humantime's format (`20m`, `7days`, `1h 30m`), absent options as None.
"""

from __future__ import annotations

import copy
import functools
import ipaddress
import json
from datetime import timedelta
from typing import Any

import attrs

from kumocheck.schema.model import load_schema
from kumocheck.schema.validate import Validator, path_text
from kumocheck.schema.values import Const, Entry, Opaque, TableValue
from kumocheck.values import addresses, humantime, throttle
from kumocheck.runtime import provenance
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.table import NULL, LuaTable, from_python

__all__ = ["ConfigError", "QueueConfig", "make_queue_config", "default_config", "to_json", "CONFIG_FIELDS"]


class ConfigError(LuaError):
    """make_queue_config rejected its argument; `key` is the dotted path, `reason` why."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"make_queue_config: {key}: {reason}")


def _td(exact: tuple[int, int]) -> timedelta:
    secs, nanos = exact
    try:
        return timedelta(seconds=secs, microseconds=nanos // 1000)
    except OverflowError:
        return timedelta.max


@attrs.frozen(eq=False)
class QueueConfig:
    """A decoded queue config (kumod's QueueConfig). Identity equality, like userdata."""

    retry_interval: timedelta
    max_retry_interval: timedelta | None
    max_age: timedelta
    egress_pool: str | None
    max_message_rate: str | None
    protocol: Any  # the serialized protocol dict (read-only by convention)
    reap_interval: timedelta
    refresh_interval: timedelta
    timerwheel_tick_interval: timedelta | None
    strategy: str
    refresh_strategy: str
    provider_name: str | None
    shrink_policy: tuple
    _shape: dict = attrs.field(repr=False, alias="shape")
    #: per field of to_dict(): its provenance.Origin or "default"; None unless traced
    origins: dict | None = attrs.field(default=None, repr=False)

    def to_dict(self) -> dict:
        """The resolve-queue-config shape (a fresh deep copy)."""
        return copy.deepcopy(self._shape)

    def same_as(self, other: "QueueConfig") -> bool:
        return isinstance(other, QueueConfig) and self._shape == other._shape

    def lua_pairs(self) -> tuple:
        """kumod's __pairs: the fields of `serde_json::to_value` (a BTreeMap, so sorted by
        name), every one of them, unset options as NULL."""
        items = iter(sorted((key.encode(), _materialize(value, NULL)) for key, value in self._shape.items()))

        def step(*_: Any) -> tuple:
            return next(items, (None, None))

        return (step, None, None)


def to_json(shape: dict) -> str:
    """`kumo.serde.json_encode_pretty` of the shape: sorted keys (serde_json's BTreeMap)."""
    return json.dumps(shape, indent=2, sort_keys=True, ensure_ascii=False)


# -- Lua value -> schema value ---------------------------------------------------------


def _to_schema_value(value: Any, depth: int = 0):
    if isinstance(value, LuaTable):
        if depth > 64:
            raise ConfigError("make_queue_config", "recursive table")
        entries = []
        for key, item in value.items():
            entries.append(Entry(Const(key) if not isinstance(key, LuaTable) else Opaque("table"),
                                 _to_schema_value(item, depth + 1)))
        return TableValue(entries, array_meta=value.array_meta)
    if value is None or value is NULL or isinstance(value, (bool, int, float, bytes)):
        return Const(None if value is NULL else value)  # serde reads mlua's NULL as a unit/None
    if isinstance(value, QueueConfig):
        return _to_schema_value(_materialize(value._shape), depth)
    if callable(value):
        return Opaque("function")
    return Opaque(type(value).__name__)


def _materialize(shape: Any, null: Any = None) -> Any:
    """A serialized config field as a Lua value: None becomes `null` (kumod's mlua
    serializer gives NULL; passed back into make_queue_config it is the same as absent)."""
    if shape is None:
        return null
    if isinstance(shape, dict):
        table = LuaTable()
        for key, value in shape.items():
            item = _materialize(value, null)
            if item is not None:
                table.set(key.encode(), item)
        return table
    if isinstance(shape, list):
        return LuaTable.from_list([_materialize(v, null) for v in shape])
    if isinstance(shape, str):
        return shape.encode()
    return shape


@functools.lru_cache(maxsize=1)
def _validator():
    schema = load_schema()
    return Validator(schema), schema


def _raise_first(problems) -> None:
    for problem in problems:
        if problem.is_error:
            raise ConfigError(path_text(problem.path), problem.message)


# -- decoding ------------------------------------------------------------------------------


def _text(value) -> str:
    return value.value.decode("utf-8")


def _duration(value) -> tuple[int, int]:
    raw = value.value
    if isinstance(raw, bytes):
        return humantime.parse_duration(raw.decode("utf-8"))
    return humantime.duration_from_seconds(raw)


def _field(table, name: str):
    entry = table.get(name.encode())
    if entry is None:
        return None
    value = entry.value
    if isinstance(value, Const) and value.value is None:
        return None
    return value


def _canonical_addr(text: str) -> str:
    """HostOrSocketAddress's Display form of a parsed `addr`."""
    if text.startswith("/"):
        return text
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if text.startswith("[") and text.endswith("]"):
        try:
            return str(ipaddress.ip_address(text[1:-1]))
        except ValueError:
            pass
    host, _, port = text.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        ip = ipaddress.ip_address(host[1:-1])
        return f"[{ip}]:{int(port)}" if ip.version == 6 else f"{ip}:{int(port)}"
    return f"{ipaddress.ip_address(host)}:{int(port)}"


def _struct_items(table, spec):
    """(field name, value) of a struct table, positional entries in field order."""
    positional = table.positional()
    if positional and spec.decode == "buffered":
        return {field: entry.value for field, entry in zip(spec.fields, positional)}
    out = {}
    for key, entry in table.string_keys():
        if key in spec.fields:
            out[key] = entry.value
    return out


def _nonnil(items: dict, name: str):
    value = items.get(name)
    if value is None or (isinstance(value, Const) and value.value is None):
        return None
    return value


def _protocol(value, schema, validator) -> dict:
    union = schema.unions["DeliveryProto"]
    for ref in union.variants:
        spec = schema.structs[ref.name]
        problems = list(validator._struct(value, spec, ("protocol",)))
        if any(p.is_error for p in problems):
            continue
        items = _struct_items(value, spec)
        variant = spec.variant
        if variant == "Smtp":
            smtp_spec = schema.structs["SmtpProtocol"]
            smtp = _struct_items(_nonnil(items, "smtp"), smtp_spec)
            mx_list = []
            mx = _nonnil(smtp, "mx_list")
            if mx is not None:
                for entry in mx.positional():
                    item = entry.value
                    if hasattr(item, "entries"):
                        fields = _struct_items(item, schema.structs["ResolvedAddress"])
                        resolved = {
                            "name": _text(fields["name"]),
                            "addr": _canonical_addr(_text(fields["addr"])),
                        }
                        secure = _nonnil(fields, "is_secure")
                        if secure is not None and secure.value:
                            resolved["is_secure"] = True
                        mx_list.append(resolved)
                    else:
                        mx_list.append(_text(item))
            secure = _nonnil(smtp, "treat_mx_list_as_secure")
            return {"smtp": {"mx_list": mx_list,
                             "treat_mx_list_as_secure": bool(secure.value) if secure is not None else False}}
        if variant == "Maildir":
            modes = {}
            for name in ("dir_mode", "file_mode"):
                mode = _nonnil(items, name)
                modes[name] = mode.value if mode is not None else None
            return {"maildir_path": _text(items["maildir_path"]), **modes}
        if variant == "Lua":
            lua = _struct_items(_nonnil(items, "custom_lua"), schema.structs["LuaDeliveryProtocol"])
            out = {"constructor": _text(lua["constructor"])}
            for name in ("batch_size", "min_batch_size"):
                item = _nonnil(lua, name)
                out[name] = item.value if item is not None else 1
            latency = _nonnil(lua, "max_batch_latency")
            out["max_batch_latency"] = humantime.format_duration(*(_duration(latency) if latency is not None else (0, 0)))
            return {"custom_lua": out}
        if variant == "Xfer":
            xfer = _struct_items(_nonnil(items, "xfer"), schema.structs["XferProtocol"])
            return {"xfer": {"target": addresses.normalize_url(_text(xfer["target"]))}}
    raise ConfigError("protocol", "data did not match any variant of untagged enum DeliveryProto")


_DURATIONS = {"retry_interval": (1200, 0), "max_age": (604800, 0), "reap_interval": (600, 0), "refresh_interval": (60, 0)}
_OPTIONAL_DURATIONS = ("max_retry_interval", "timerwheel_tick_interval")


def _decode(value) -> QueueConfig:
    validator, schema = _validator()
    exact: dict[str, Any] = {}
    for name, default in _DURATIONS.items():
        item = _field(value, name)
        exact[name] = _duration(item) if item is not None else default
    for name in _OPTIONAL_DURATIONS:
        item = _field(value, name)
        exact[name] = _duration(item) if item is not None else None
    strings = {}
    for name in ("egress_pool", "provider_name"):
        item = _field(value, name)
        strings[name] = _text(item) if item is not None else None
    rate = _field(value, "max_message_rate")
    rate_text = throttle.format_throttle(throttle.parse_throttle(_text(rate))) if rate is not None else None
    enums = {}
    for name, default in (("strategy", "SingletonTimerWheel"), ("refresh_strategy", "Ttl")):
        item = _field(value, name)
        enums[name] = _text(item) if item is not None else default
    proto = _field(value, "protocol")
    protocol = (
        _protocol(proto, schema, validator)
        if proto is not None
        else {"smtp": {"mx_list": [], "treat_mx_list_as_secure": False}}
    )
    shrink = []
    policy = _field(value, "shrink_policy")
    if policy is not None:
        for entry in policy.positional():
            fields = entry.value
            interval = _field(fields, "interval")
            shrink.append({"interval": humantime.format_duration(*_duration(interval)),
                           "policy": _text(_field(fields, "policy"))})

    def fmt(pair):
        return humantime.format_duration(*pair) if pair is not None else None

    shape = {
        "retry_interval": fmt(exact["retry_interval"]),
        "max_retry_interval": fmt(exact["max_retry_interval"]),
        "max_age": fmt(exact["max_age"]),
        "egress_pool": strings["egress_pool"],
        "max_message_rate": rate_text,
        "protocol": protocol,
        "reap_interval": fmt(exact["reap_interval"]),
        "refresh_interval": fmt(exact["refresh_interval"]),
        "timerwheel_tick_interval": fmt(exact["timerwheel_tick_interval"]),
        "strategy": enums["strategy"],
        "refresh_strategy": enums["refresh_strategy"],
        "provider_name": strings["provider_name"],
        "shrink_policy": shrink,
    }
    return QueueConfig(
        retry_interval=_td(exact["retry_interval"]),
        max_retry_interval=_td(exact["max_retry_interval"]) if exact["max_retry_interval"] else None,
        max_age=_td(exact["max_age"]),
        egress_pool=strings["egress_pool"],
        max_message_rate=rate_text,
        protocol=protocol,
        reap_interval=_td(exact["reap_interval"]),
        refresh_interval=_td(exact["refresh_interval"]),
        timerwheel_tick_interval=_td(exact["timerwheel_tick_interval"]) if exact["timerwheel_tick_interval"] else None,
        strategy=enums["strategy"],
        refresh_strategy=enums["refresh_strategy"],
        provider_name=strings["provider_name"],
        shrink_policy=tuple(shrink),
        shape=shape,
    )


_CACHE: dict = {}
_CACHE_LIMIT = 4096


def _freeze(value: Any, depth: int = 0) -> Any:
    """A hashable key for a table of plain data (None when it holds anything else)."""
    kind = type(value)
    if kind is LuaTable:
        if depth > 16:
            return None
        items = []
        for key, item in value.items():
            frozen = _freeze(item, depth + 1)
            if frozen is None or isinstance(key, LuaTable):
                return None
            items.append((type(key), key, frozen))
        return (LuaTable, value.array_meta, tuple(items))
    if kind is bytes or kind is int or kind is float or kind is bool:
        return (kind, value)
    return None


_SLOTS = tuple(field.name for field in attrs.fields(QueueConfig))
_SET = object.__setattr__


def _copy(config: QueueConfig) -> QueueConfig:
    """A new config object with the same contents (each call gives a distinct userdata):
    slot by slot, several times cheaper than copy.copy's reduce protocol."""
    new = object.__new__(QueueConfig)
    for name in _SLOTS:
        _SET(new, name, getattr(config, name))
    return new


def make_queue_config(params: Any = None) -> QueueConfig:
    """Validate and decode a Lua value; raise ConfigError (a LuaError) when kumod would.

    From Python, `params` may also be a dict (str keys; str, int, list, dict and
    timedelta values): `make_queue_config({"egress_pool": "pool-a", "max_age": "3d"})`.

    Decoded configs of plain-data tables are memoised by content; every call still
    returns a distinct object, as every kumod call returns a distinct userdata.
    """
    if isinstance(params, dict):
        params = from_python(params)
    key = _freeze(params) if type(params) is LuaTable else None
    cached = _CACHE.get(key) if key is not None else None
    if cached is not None:
        config = _copy(cached)
    else:
        config = _make_queue_config(params)
        if key is not None:
            if len(_CACHE) >= _CACHE_LIMIT:
                _CACHE.clear()
            _CACHE[key] = config
    if provenance.STATE.active:
        config = attrs.evolve(config, origins=provenance.field_origins(params, CONFIG_FIELDS, _present))
    return config


CONFIG_FIELDS = tuple(attrs.fields_dict(QueueConfig))[:-2]  # the to_dict() fields, in kumod's order


def _present(params: Any, key: bytes) -> bool:
    return type(params) is LuaTable and params.get(key) is not None


def _make_queue_config(params: Any = None) -> QueueConfig:
    value = _to_schema_value(params)
    if not isinstance(value, TableValue):
        kind = "nil" if params is None else type(params).__name__
        raise ConfigError("make_queue_config", f"invalid type: {kind}, expected table")
    validator, _ = _validator()
    _raise_first(validator.validate_config(value))
    try:
        return _decode(value)
    except (humantime.DurationError, throttle.ThrottleError, ValueError) as exc:
        raise ConfigError("make_queue_config", str(exc)) from None


@functools.lru_cache(maxsize=1)
def default_config() -> QueueConfig:
    """The built-in default QueueConfig (no handler, or every handler passed)."""
    return make_queue_config(LuaTable())


def lua_index(config: QueueConfig, key: Any) -> Any:
    """`cfg[key]` on the config userdata (kumod's __index: `lua.to_value(this)[key]`):
    the field re-serialized, an unset option as NULL (truthy), an unknown key as nil."""
    if not isinstance(key, bytes):
        return None
    name = key.decode("utf-8", "replace")
    if name not in config._shape:
        return None
    return _materialize(config._shape[name], NULL)
