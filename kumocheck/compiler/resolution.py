"""Resolve queue names through a compiled policy, with where every value came from.

The layer `explain`, `diff` and `test` share: `load_policy` compiles and imports a
policy (tracing origins from its first line on), `ResolvedPolicy.explain(name)` gives a
`Resolution` (each field's value and `Origin`, which handler answered and which passed)
and `ResolvedPolicy.outcome(name)` the plain shape-or-error that verify compares.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any, Callable

import attrs

from kumocheck.compiler.driver import Compiled, CompileError, PolicyRefused, compile_policy, load_module
from kumocheck.compiler.verify import Outcome, outcome, policy_texts, queue_names_from_text
from kumocheck.extras.dns import NO_DNS, DnsFixture
from kumocheck.extras.origins import HelperError
from kumocheck.runtime import provenance
from kumocheck.runtime.base import lua_type
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import ExtrasSettings
from kumocheck.runtime.policy import queue_config_result
from kumocheck.runtime.provenance import DEFAULT, Origin
from kumocheck.runtime.queue_config import CONFIG_FIELDS, QueueConfig
from kumocheck.runtime.queue_name import parse_queue_name

__all__ = [
    "PolicyLoadError", "SourceMap", "HandlerStep", "FieldValue", "Resolution", "ResolvedPolicy",
    "load_policy", "helper_queue_names", "entry_file", "origin_json", "describe_origin", "read_queue_file", "value_text",
]

_STATEMENT = re.compile(r"^\s*# lua:(\d+):")
_INLINE = re.compile(r"# lua:(\d+)(?::|$)")
_CHUNK_DOC = re.compile(r'^\s*"""The top level of (.*)\."""$')
_NUMBERS = itertools.count(1)


class PolicyLoadError(Exception):
    """The policy could not be compiled or imported: `message` says why, `lines` the
    checker's findings (when it refused the policy); `usage` for a missing or unreadable
    path (exit code 2 rather than 1)."""

    def __init__(self, message: str, lines: tuple[str, ...] = (), usage: bool = False) -> None:
        self.message = message
        self.lines = lines
        self.usage = usage
        super().__init__(message)


class SourceMap:
    """Python line of a compiled module -> (Lua chunk, Lua line) of the statement it runs."""

    def __init__(self, source: str, main_chunk: str) -> None:
        self.positions: list[tuple[str, int] | None] = [None]
        chunk, lua = main_chunk, None
        lines = source.split("\n")
        for number, text in enumerate(lines, start=1):
            doc = _CHUNK_DOC.match(text)
            if doc and number > 1 and lines[number - 2].lstrip().startswith("def chunk_"):
                chunk, lua = doc.group(1), None
            statement = _STATEMENT.match(text)
            if statement:
                lua = int(statement.group(1))
                self.positions.append((chunk, lua))
                continue
            inline = _INLINE.search(text) if "# lua:" in text else None
            if inline:
                self.positions.append((chunk, int(inline.group(1))))
            else:
                self.positions.append((chunk, lua) if lua is not None else None)

    def at(self, py_line: int) -> tuple[str, int] | None:
        if 0 < py_line < len(self.positions):
            return self.positions[py_line]
        return None


#: compiled module file name -> its SourceMap (for make_queue_config call sites)
_MAPS: dict[str, SourceMap] = {}


def _locate(frame: Any) -> Origin | None:
    found = _MAPS.get(frame.f_code.co_filename)
    if found is None:
        return None
    position = found.at(frame.f_lineno)
    return Origin(position[0], position[1]) if position else None


@attrs.frozen
class HandlerStep:
    """One get_queue_config handler of the chain and what it did."""

    where: str  # "policy.lua:12", or the helper's name
    file: str | None
    line: int | None
    result: str  # "passed" | "answered" | "raised"
    helper: str | None = None  # "policy-extras.queue" for a handler a helper registered

    def to_json(self) -> dict:
        out = {"file": self.file, "line": self.line, "result": self.result}
        if self.helper:
            out["helper"] = self.helper
        return out


@attrs.frozen
class FieldValue:
    name: str
    value: Any  # the to_dict() value
    origin: Origin | str  # an Origin or DEFAULT


@attrs.frozen
class Resolution:
    """What a queue name resolves to, field by field, and the handler chain's steps."""

    queue_name: str
    fields: tuple[FieldValue, ...]
    steps: tuple[HandlerStep, ...]
    error: str | None = None

    def to_json(self) -> dict:
        out: dict[str, Any] = {"queue": self.queue_name}
        if self.error is not None:
            out["error"] = self.error
        else:
            out["fields"] = {f.name: {"value": f.value, "origin": origin_json(f.origin)} for f in self.fields}
        out["handlers"] = [step.to_json() for step in self.steps]
        return out


def origin_json(origin: Origin | str) -> dict | str:
    return origin.to_json() if isinstance(origin, Origin) else origin


def describe_origin(origin: Origin | str) -> str:
    if isinstance(origin, Origin):
        text = origin.describe()
        return text if origin.kind == "lua" else f"{text} ({origin.kind})"
    return "default (KumoMTA)"


def _handler_position(handler: Callable) -> tuple[str, str | None, int | None]:
    helper = getattr(handler, "kumocheck_helper", None)
    if helper:
        return helper, None, None
    code = getattr(handler, "__code__", None)
    if code is not None:
        found = _MAPS.get(code.co_filename)
        position = found.at(code.co_firstlineno) if found else None
        if position:
            return f"{position[0]}:{position[1]}", position[0], position[1]
    name = getattr(handler, "__qualname__", None) or repr(handler)
    module = getattr(handler, "__module__", None)
    return (f"{module}.{name}" if module else name), None, None


@attrs.define
class ResolvedPolicy:
    """A compiled, imported policy ready to resolve queue names."""

    path: Path
    root: Path
    compiled: Compiled
    module: Any

    def outcome(self, name: str) -> Outcome:
        """The shape (or error) a queue name resolves to, as verify compares them."""
        with provenance.tracing(_locate):
            return outcome(self.module.resolve, name)

    def queue_names(self) -> list[str]:
        """Queue names built from the policy's own strings, as verify builds them, then
        the names the queue helper's data files mention (domains, tenants, campaigns)."""
        names = queue_names_from_text(policy_texts(self.path, self.compiled.modules, self.root))
        seen = set(names)
        return names + [name for name in helper_queue_names(self.module.POLICY) if name not in seen]

    def explain(self, name: str) -> Resolution:
        parts = parse_queue_name(name)
        policy = self.module.POLICY
        with provenance.tracing(_locate):
            chain, error = policy.chain("get_queue_config", parts.domain, parts.tenant, parts.campaign, parts.routing_domain)
            steps = []
            for position, (handler, results) in enumerate(chain):
                where, file, line = _handler_position(handler)
                last = position == len(chain) - 1
                result = "raised" if (last and error is not None) else ("answered" if results else "passed")
                steps.append(HandlerStep(where, file, line, result, getattr(handler, "kumocheck_helper", None)))
            if error is None:
                try:
                    config = queue_config_result(chain[-1][1] if chain else (), _lua_type)
                except LuaError as exc:
                    error = exc
            if error is not None:
                return Resolution(name, (), tuple(steps), str(error))
        helper = steps[-1].helper if steps else None
        return Resolution(name, _fields(config, helper), tuple(steps))


def helper_queue_names(policy: Any) -> list[str]:
    """Queue names from the queue helper's merged data: each domain of `[queue.D]` (a
    wildcard `*.x` as `mail.x`), with the tenants of `[tenant.T]` and `[queue.D.T]` and
    the campaigns of `[queue.D.T.C]`. Empty when the policy does not set the helper up."""
    state = getattr(policy, "extras", None)
    if state is None or getattr(state, "queue_options", None) is None:
        return []
    try:
        data = state.queue()
    except (HelperError, LuaError):
        return []  # the data's own error: each resolution raises it, nothing to add here
    domains: list[str] = []
    per_domain: list[tuple[str, str, str | None]] = []
    for domain, entry in data.raw_queues.items():
        name = "mail." + domain[2:] if domain.startswith("*.") else ("example.com" if domain == "default" else domain)
        domains.append(name)
        for tenant, options in (entry.get("tenants") or {}).items():
            per_domain.append((name, tenant, None))
            for campaign in (options.get("campaigns") or {}) if isinstance(options, dict) else ():
                per_domain.append((name, tenant, campaign))
    names: dict[str, None] = {name: None for name in domains}
    for tenant in data.tenants:
        for domain in domains or ["example.com"]:
            names.setdefault(f"{tenant}@{domain}", None)
    for domain, tenant, campaign in per_domain:
        names.setdefault(f"{campaign}:{tenant}@{domain}" if campaign else f"{tenant}@{domain}", None)
    return list(names)


def _lua_type(value: Any) -> str:
    return lua_type(value).decode()


def _fields(config: QueueConfig, helper: str | None) -> tuple[FieldValue, ...]:
    """Each field's value and origin; keys a helper set without a recorded position
    are credited to the helper."""
    shape = config.to_dict()
    origins = dict(config.origins or {})
    for name, origin in origins.items():
        if helper and isinstance(origin, Origin) and origin.kind == "python" and origin.file is None:
            origins[name] = Origin(None, None, "helper", f"set by {helper}")
    return tuple(FieldValue(name, shape[name], origins.get(name, DEFAULT)) for name in CONFIG_FIELDS)


def entry_file(path: Path) -> Path:
    """A policy entry file, or the entry file of a policy folder: init.lua or policy.lua,
    else the one top-level .lua file that registers get_queue_config."""
    if path.is_file():
        return path
    if not path.is_dir():
        raise PolicyLoadError(f"{path}: no such file or directory", usage=True)
    for name in ("init.lua", "policy.lua"):
        if (path / name).is_file():
            return path / name
    candidates = []
    for candidate in sorted(path.glob("*.lua")):
        try:
            text = candidate.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if "get_queue_config" in text:
            candidates.append(candidate)
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise PolicyLoadError(f"{path}: no policy entry file (init.lua, policy.lua or a .lua file with get_queue_config)", usage=True)
    names = ", ".join(c.name for c in candidates)
    raise PolicyLoadError(f"{path}: several possible entry files ({names}): name one", usage=True)


def load_policy(path: Path, root: Path | None = None, dns: DnsFixture = NO_DNS) -> ResolvedPolicy:
    """Compile and import a policy (its top level runs with origins traced); the
    policy-extras helpers read data files under `root` and MX answers from `dns`."""
    path = entry_file(Path(path))
    root = Path(root) if root is not None else path.resolve().parent
    try:
        compiled = compile_policy(path, root)
    except PolicyRefused as exc:
        lines = tuple(
            f"{d.path}:{d.span.line}:{d.span.column}: {d.code} [{d.rule}] {d.message}" for d in exc.diagnostics
        )
        raise PolicyLoadError(f"{path}: not compiled: the checker found {len(exc.diagnostics)} error(s)", lines) from None
    except CompileError as exc:
        raise PolicyLoadError(f"{path}: {exc}") from None
    except OSError as exc:
        raise PolicyLoadError(f"{path}: cannot read: {exc.strerror or exc}", usage=True) from None
    name = f"kumocheck_resolved_{next(_NUMBERS)}"
    _MAPS[f"<{name}>"] = SourceMap(compiled.source, compiled.chunk_name)
    try:
        with provenance.tracing(_locate):
            module = load_module(compiled, name, settings=ExtrasSettings(root.resolve(), dns))
    except LuaError as exc:
        raise PolicyLoadError(f"{path}: the policy failed while loading: {exc}") from None
    return ResolvedPolicy(path, root, compiled, module)


def read_queue_file(path: Path) -> list[str]:
    """Queue names from a file: one per line, blank lines and `#` comments skipped."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def value_text(value: Any) -> str:
    """A field value as compact JSON (what explain and diff print)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)
