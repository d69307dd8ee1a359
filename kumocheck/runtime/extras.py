"""`require 'policy-extras.*'` in compiled policies: thin Lua adapters over kumocheck.extras.

Each helper module is a Lua table of Python functions with the helper's API
(`queue:setup_with_options{...}`, `sources:setup{...}`, `shaping:setup{...}`, ...). They
register the same handlers as KumoMTA's Lua helpers, read the same data files (found
through `extras.paths.map_data_path` under the policy root) lazily, and resolve through
kumocheck.extras. Values cross as plain Python (OTable/OList with origins) and come
back as Lua tables. DNS answers come from the fixture in `ExtrasSettings.dns`.

The last resolution of each helper is kept in `HelperState.traces` (origins per field)
for `explain`.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
from pathlib import Path
from typing import Any, Callable, Iterator

import attrs

from kumocheck.extras import dkim as dkim_data
from kumocheck.extras import listener_domains as listener_data
from kumocheck.extras import queue as queue_data
from kumocheck.extras import shaping as shaping_data
from kumocheck.extras import sources as sources_data
from kumocheck.extras.dns import NO_DNS, DnsFixture
from kumocheck.extras.domain_map import DomainMap
from kumocheck.extras.files import DataFiles
from kumocheck.extras.objects import object_problem
from kumocheck.extras.origins import HelperError, OList, OTable, Origin

from kumocheck.runtime import lua_number as N
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.queue_config import make_queue_config
from kumocheck.runtime.table import LuaTable, Userdata

__all__ = [
    "ExtrasSettings", "HelperState", "MODULES", "OFFLINE_MODULES", "use_settings", "current_settings",
    "to_lua", "to_plain", "make_object",
]

#: the helper modules a compiled policy may require
MODULES = (
    "policy-extras.policy_utils", "policy-extras.queue", "policy-extras.sources", "policy-extras.shaping",
    "policy-extras.listener_domains", "policy-extras.dkim_sign", "policy-extras.log_hooks",
)
#: helpers whose every function needs the network or a message: importable, calls raise
OFFLINE_MODULES = {
    "policy-extras.rollup": ("reroute_based_on_mx_host_suffix", "reroute_using_ip_rollup", "apply_ip_rollup_to_queue_config"),
    "policy-extras.mail_auth": ("check", "iprev", "iprev_msg"),
    "policy-extras.docker_utils": ("resolve_docker_name", "resolve_docker_network", "resolve_tsa_endpoints"),
}
DEFAULT_SHAPING_FILE = "/opt/kumomta/share/policy-extras/shaping.toml"


@attrs.frozen
class ExtrasSettings:
    """Where data files are found and what DNS answers (None root: the current folder)."""

    policy_root: Path | None = None
    dns: DnsFixture = NO_DNS
    data_paths: dict = attrs.Factory(dict)


_SETTINGS: contextvars.ContextVar[ExtrasSettings] = contextvars.ContextVar("kumocheck_extras", default=ExtrasSettings())


def current_settings() -> ExtrasSettings:
    return _SETTINGS.get()


@contextlib.contextmanager
def use_settings(settings: ExtrasSettings) -> Iterator[None]:
    """Policies created (modules imported) inside see these settings."""
    token = _SETTINGS.set(settings)
    try:
        yield
    finally:
        _SETTINGS.reset(token)


# -- values across the boundary --------------------------------------------------------------


def to_plain(value: Any, depth: int = 0) -> Any:
    """A Lua value as plain Python (strings as str, tables as OTable/OList)."""
    if depth > 100:
        raise LuaError(b"table too deep (recursive?)")
    if type(value) is bytes:
        return value.decode("utf-8", "surrogateescape")
    if type(value) is LuaTable:
        if not value.hash and (value.arr or value.array_meta):
            return OList(to_plain(item, depth + 1) for item in value.arr)
        table = OTable(origin=Origin(None, None, "", "inline table"))
        for key, item in value.items():
            table.put(to_plain(key, depth + 1), to_plain(item, depth + 1), table.origin)
        return table
    return value


def to_lua(value: Any) -> Any:
    """Plain Python as a Lua value (lists get no array marker unless empty)."""
    if isinstance(value, dict):
        table = LuaTable()
        for key, item in value.items():
            converted = to_lua(item)
            if converted is not None:
                table.set(key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key, converted)
        return table
    if isinstance(value, list):
        table = LuaTable.from_list([to_lua(item) for item in value])
        table.array_meta = True
        return table
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    if isinstance(value, int) and not isinstance(value, bool):
        return N.wrap_int(value)
    return value


def make_object(kind: str, value: Any) -> Any:
    """kumo.make_<kind>: reject what kumod's serde rejects (as far as rules/ knows), else the table."""
    problem = object_problem(kind, to_plain(value))
    if problem:
        raise LuaError(f"make_{kind}: {problem}".encode())
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if type(value) is bytes:
        return value.decode("utf-8", "surrogateescape")
    if type(value) is int or type(value) is float:
        return N.tostring_number(value).decode()
    raise LuaError(f"expected a string, got {type(value).__name__}".encode())


def _lua_error(exc: HelperError) -> LuaError:
    return LuaError(str(exc).encode("utf-8", "replace"))


def _fn(function: Callable) -> Callable:
    """A Python helper function as a Lua function: HelperError becomes a Lua error."""

    def call(*args: Any) -> tuple:
        try:
            return function(*args)
        except HelperError as exc:
            raise _lua_error(exc) from None

    call.__name__ = getattr(function, "__name__", "helper")
    helper = getattr(function, "kumocheck_helper", None)
    if helper:
        call.kumocheck_helper = helper  # type: ignore[attr-defined]
    return call


def _module(functions: dict) -> LuaTable:
    table = LuaTable()
    for name, function in functions.items():
        table.set(name.encode(), _fn(function) if callable(function) else function)
    return table


def _offline(name: str) -> Callable:
    def unavailable(*_args: Any) -> tuple:
        raise LuaError(f"{name}: not available offline (kumocheck runs the policy without kumod)".encode())

    return unavailable


class LuaDomainMap(Userdata):
    """kumo.domain_map.new(t): `map[name]` is DomainMap::get."""

    __slots__ = ("map",)

    def __init__(self, table: Any) -> None:
        plain = to_plain(table) if table is not None else {}
        if not isinstance(plain, dict):
            plain = {}
        self.map = DomainMap((str(k), v) for k, v in plain.items())

    def lua_index(self, key: Any) -> Any:
        if type(key) is not bytes:
            raise LuaError(b"error converting Lua value to String")
        return to_lua(self.map.get(key.decode("utf-8", "surrogateescape")))


# -- the helpers' state in one policy ------------------------------------------------------------


class HelperState:
    """The helpers as one compiled policy set them up (one per Policy)."""

    def __init__(self, policy: Any, settings: ExtrasSettings | None = None) -> None:
        self.policy = policy
        self.settings = settings or current_settings()
        self.files = DataFiles(self.settings.policy_root or Path.cwd(), self.settings.data_paths)
        self.queue_options: dict | None = None
        self.sources_files: list | None = None
        self.shaping_files: list[str] | None = None
        self.listener_files: list | None = None
        self.dkim_files: list | None = None
        self.log_hooks: dict = {}
        self._cache: dict[str, Any] = {}
        self._option_cache: dict = {}
        self.traces: dict[str, Any] = {}

    def configure(self, policy_root: Path | str | None = None, dns: DnsFixture | None = None,
                  data_paths: dict | None = None) -> None:
        """Change where data files are found / what DNS answers (clears loaded data)."""
        self.settings = ExtrasSettings(Path(policy_root) if policy_root else self.settings.policy_root,
                                       dns or self.settings.dns,
                                       data_paths if data_paths is not None else self.settings.data_paths)
        self.files = DataFiles(self.settings.policy_root or Path.cwd(), self.settings.data_paths)
        self._cache.clear()

    # -- loading -------------------------------------------------------------------------

    def _documents(self, names: Any) -> list:
        documents = []
        if type(names) is not LuaTable and not isinstance(names, list):
            return documents  # ipairs over a string runs zero times
        entries = names.arr if type(names) is LuaTable else names
        for entry in entries:
            if type(entry) is bytes or isinstance(entry, str):
                documents.append(self.files.load_json_or_toml(_text(entry) if type(entry) is bytes else entry))
            elif type(entry) is LuaTable or isinstance(entry, dict):
                documents.append(to_plain(entry) if type(entry) is LuaTable else entry)
            else:
                raise HelperError(f"attempt to index a {type(entry).__name__} value")
        return documents

    def _cached(self, key: str, build: Callable[[], Any]) -> Any:
        if key not in self._cache:
            try:
                self._cache[key] = ("ok", build())
            except HelperError as exc:
                self._cache[key] = ("error", exc)
        kind, value = self._cache[key]
        if kind == "error":
            raise HelperError(str(value))
        return value

    def is_option(self, key: Any, value: Any) -> bool:
        """queue.lua is_queue_config_option: make_queue_config{[key] = value} succeeds."""
        try:
            marker = (key, json.dumps(value, sort_keys=True, default=str))
        except (TypeError, ValueError):
            marker = None
        if marker is not None and marker in self._option_cache:
            return self._option_cache[marker]
        table = LuaTable()
        lua_key = key.encode("utf-8", "surrogateescape") if isinstance(key, str) else key
        try:
            table.set(lua_key, to_lua(value))
            make_queue_config(table)
            result = True
        except LuaError:
            result = False
        if marker is not None:
            self._option_cache[marker] = result
        return result

    def queue(self) -> queue_data.QueueData:
        if self.queue_options is None:
            raise HelperError("the queue helper is not set up")
        return self._cached("queue", lambda: queue_data.load(self._documents(self.queue_options["file_names"]), self.is_option))

    def sources(self) -> sources_data.SourcesData:
        if self.sources_files is None:
            raise HelperError("the sources helper is not set up")
        return self._cached("sources", lambda: sources_data.load(self._documents(self.sources_files)))

    def shaping(self) -> shaping_data.Shaping:
        if self.shaping_files is None:
            raise HelperError("the shaping helper is not set up")

        def build() -> shaping_data.Shaping:
            warnings: list[str] = []
            documents = [(name, self.files.read_shaping_file(name, warnings)) for name in self.shaping_files]
            loaded = shaping_data.load(documents, self.settings.dns.lookup_mx)
            loaded.warnings[:0] = warnings
            return loaded

        return self._cached("shaping", build)

    def listeners(self) -> listener_data.ListenerData:
        if self.listener_files is None:
            raise HelperError("the listener_domains helper is not set up")
        return self._cached("listeners", lambda: listener_data.load(self._documents(self.listener_files)))

    def dkim(self) -> dkim_data.DkimData:
        if self.dkim_files is None:
            raise HelperError("the dkim_sign helper is not set up")
        names = [(_text(n) if type(n) is bytes else "(inline table)") for n in getattr(self.dkim_files, "arr", [])]
        return self._cached("dkim", lambda: dkim_data.load(self._documents(self.dkim_files), names))

    # -- resolution used by the handlers -----------------------------------------------------

    def resolve_provider(self, domain: str, routing_domain: str | None) -> str | None:
        """queue.lua resolve_provider: MX of the routing domain, then the egress path's
        provider_name for source 'unspecified'; any error gives None (pcall)."""
        try:
            target = routing_domain or domain
            mx = self.settings.dns.lookup_mx(target)
            results = self.policy.fire("get_egress_path_config", target, "unspecified", mx.site_name)
            path = results[0] if results else None
            if type(path) is LuaTable:
                name = path.get(b"provider_name")
            elif path is None:
                return None
            else:
                raise LuaError(b"attempt to index a non-table value")
            return _text(name) if type(name) is bytes else None
        except (LuaError, HelperError):
            return None

    def queue_params(self, domain: str, tenant: str | None, campaign: str | None, routing: str | None) -> OTable:
        params = queue_data.get_queue_config_params(
            self.queue(), domain, tenant, campaign, routing, self.is_option, self.resolve_provider
        )
        self.traces["get_queue_config"] = params
        return params

    def egress_path_params(self, domain: str, source: str, site_name: str) -> OTable:
        params = shaping_data.get_egress_path_config(self.shaping(), domain, source, site_name, self.settings.dns.lookup_mx)
        if not params.get("refresh_strategy"):
            params.put("refresh_strategy", "Epoch", Origin(None, None, "", "shaping helper default (refresh_strategy = 'Epoch')"))
        self.traces["get_egress_path_config"] = params
        return params
