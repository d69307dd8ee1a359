"""Compile a policy (and the modules it requires) into one Python module."""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import attrs

from kumocheck.compiler.codegen import (
    BASE_FUNCTIONS,
    LIBRARIES,
    Analysis,
    CodeGenerator,
    CompileError,
    Hoisted,
    analyse,
)
from kumocheck.parse.lua import LuaSyntaxError, parse_lua, run_deep
from kumocheck.runtime.extras import MODULES, OFFLINE_MODULES, ExtrasSettings, current_settings, use_settings

__all__ = ["CompileError", "PolicyRefused", "Compiled", "compile_policy", "compile_text", "load_module"]


class PolicyRefused(Exception):
    """The checker found errors in the policy: `diagnostics` lists them."""

    def __init__(self, diagnostics: list) -> None:
        self.diagnostics = diagnostics
        super().__init__(f"{len(diagnostics)} checker error(s)")


@attrs.frozen
class Compiled:
    """The generated Python source and what went into it."""

    source: str
    chunk_name: str
    modules: tuple[str, ...]
    line_map: tuple[tuple[int, str, int], ...]  # (python line, chunk, lua line) at each statement


@attrs.define
class _Unit:
    name: str  # require name ('' for the main chunk)
    chunk_name: str
    text: str
    chunk: Any
    info: Analysis
    func: str
    counters: dict


def _library_members() -> dict[str, list[str]]:
    from kumocheck.runtime import base
    from kumocheck.runtime import lua_number as N
    from kumocheck.runtime import lua_string as S

    return {
        "string": sorted(S.STRING),
        "math": sorted(N.MATH),
        "table": sorted(base.LIB_TABLE),
        "os": sorted(base.LIB_OS),
    }


def _parse(text: str, chunk_name: str):
    try:
        return parse_lua(text).chunk
    except LuaSyntaxError as exc:
        raise CompileError(f"syntax error: {exc.problem.message}", exc.problem.line, chunk_name) from None
    except ValueError as exc:  # luaparser chokes on some numerals (hex floats)
        raise CompileError(f"unsupported numeral: {exc}", None, chunk_name) from None


def _find_module(root: Path, name: str) -> Path | None:
    relative = name.replace(".", "/")
    for candidate in (root / f"{relative}.lua", root / relative / "init.lua"):
        if candidate.is_file():
            return candidate
    return None


#: modules the runtime provides (KumoMTA's policy-extras helpers)
HELPER_MODULES = frozenset(MODULES) | frozenset(OFFLINE_MODULES)


def _missing_module(name: str, root: Path) -> str:
    relative = name.replace(".", "/")
    if name.startswith("policy-extras."):
        supported = ", ".join(sorted(m.split(".", 1)[1] for m in HELPER_MODULES))
        return (f"module '{name}' cannot be imported: kumocheck provides the policy-extras helpers "
                f"{supported}, not '{name.split('.', 1)[1]}'")
    return f"module '{name}' cannot be imported: no {relative}.lua or {relative}/init.lua under {root}"


def compile_text(text: str, chunk_name: str = "policy.lua", root: Path | None = None, version: str | None = None) -> Compiled:
    """Compile Lua source text (modules it requires are looked up under `root`)."""
    return run_deep(lambda: _compile(text, chunk_name, root, version))


def _compile(text: str, chunk_name: str, root: Path | None, version: str | None) -> Compiled:
    units: list[_Unit] = []
    counters: dict = {}
    chunk = _parse(text, chunk_name)
    main = _Unit("", chunk_name, text, chunk, analyse(chunk, chunk_name, counters), "chunk_main", counters)
    units.append(main)
    seen = {""}
    queue = [main]
    while queue:
        unit = queue.pop(0)
        for name, _line in unit.info.requires:
            if name in seen or name in ("kumo",) or root is None:
                continue
            seen.add(name)
            path = _find_module(root, name)
            if path is None:
                if name in HELPER_MODULES:
                    continue  # provided by kumocheck.runtime (policy-extras helpers)
                raise CompileError(_missing_module(name, root), _line, unit.chunk_name)
            try:
                module_text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CompileError(f"cannot read module '{name}': {exc}", _line, unit.chunk_name) from None
            module_chunk_name = path.relative_to(root).as_posix()
            module_chunk = _parse(module_text, module_chunk_name)
            module_counters: dict = {}
            module = _Unit(
                name, module_chunk_name, module_text, module_chunk,
                analyse(module_chunk, module_chunk_name, module_counters),
                f"chunk_module{len(units)}", module_counters,
            )
            units.append(module)
            queue.append(module)

    assigned: set[str] = set()
    misuse: set[str] = set()
    dynamic = False
    for unit in units:
        assigned |= unit.info.assigned_globals
        misuse |= unit.info.lib_misuse
        dynamic = dynamic or unit.info.dynamic_env
    static: dict[str, str] = {}
    aliases: list[tuple[str, str]] = []
    if not dynamic:
        for name in BASE_FUNCTIONS:
            if name not in assigned:
                alias = f"Base_{name}"
                static[name] = alias
                aliases.append((alias, f"G.get({name.encode()!r})"))
        members = _library_members()
        for library in LIBRARIES:
            if library in assigned or library in misuse:
                continue
            for member in members[library]:
                alias = f"Lib_{library}_{member}"
                static[f"{library}.{member}"] = alias
                aliases.append((alias, f"Index(G.get({library.encode()!r}), {member.encode()!r})"))

    hoisted: list[Hoisted] = []
    key_maps: dict[str, str] = {}
    constants: dict[str, str] = {}
    chunks = []
    for unit in units:
        generator = CodeGenerator(
            unit.chunk, unit.info, unit.chunk_name, unit.text.split("\n"), unit.func, unit.counters, hoisted, static,
            key_maps, constants,
        )
        chunks.append({"code": generator.generate().rstrip("\n")})
    # only keep the aliases the code uses, so the module stays readable
    body = "\n".join(c["code"] for c in chunks) + "\n".join(h.table_code for h in hoisted)
    aliases = [(name, code) for name, code in aliases if name in body]

    from kumocheck import __version__
    from kumocheck.compiler.render import render_module

    source = render_module(
        version=version or __version__,
        source_name=chunk_name,
        chunk_name=chunk_name,
        aliases=aliases,
        chunks=chunks,
        modules=[{"name": u.name, "func": u.func} for u in units[1:]],
        hoisted=hoisted,
        key_maps=[(name, code) for code, name in key_maps.items()],
        constants=[(name, code) for code, name in constants.items()],
        main="chunk_main",
    )
    try:
        compile(source, f"<compiled {chunk_name}>", "exec")
    except (SyntaxError, RecursionError, MemoryError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise CompileError(f"the policy is too complex to compile ({exc.__class__.__name__}: {exc})", _lua_line(source, line), chunk_name) from None
    return Compiled(source, chunk_name, tuple(u.name for u in units[1:]), _line_map(source))


def _line_map(source: str) -> tuple[tuple[int, str, int], ...]:
    entries = []
    for number, line in enumerate(source.split("\n"), start=1):
        stripped = line.lstrip()
        if stripped.startswith("# lua:"):
            head = stripped[len("# lua:"):].split(":", 1)[0]
            if head.isdigit():
                entries.append((number, int(head)))
    return tuple((number, "", lua) for number, lua in entries)


def _lua_line(source: str, py_line: int | None) -> int | None:
    if not py_line:
        return None
    found = None
    for number, _chunk, lua in _line_map(source):
        if number > py_line:
            break
        found = lua
    return found


def check_policy(path: Path, root: Path | None = None) -> list:
    """The checker's error diagnostics in the policy's Lua files (empty when it may be compiled).

    Findings in the data files its helpers load do not refuse the policy: the compiled
    module reads those files at run time as kumod does, so the queues they break raise
    there, which is what `resolve`, `explain`, `diff` and `test` then show."""
    from kumocheck.config import Settings
    from kumocheck.data_policy import is_data_name
    from kumocheck.project import check_sources, policy_files

    settings = Settings(policy_root=root) if root is not None else Settings()
    report = check_sources(policy_files(path, settings), settings)  # its modules too
    errors = [
        d
        for d in report.diagnostics
        if getattr(d.severity, "value", d.severity) == "error" and not is_data_name(Path(d.path))
    ]
    if report.errors and not errors:
        raise CompileError("; ".join(report.errors), None, path.name)
    return errors


def compile_policy(path: Path, root: Path | None = None, check: bool = True) -> Compiled:
    """Check then compile a policy file; raise PolicyRefused or CompileError."""
    path = Path(path)
    root = Path(root) if root is not None else path.resolve().parent
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise CompileError("the policy is not UTF-8 text", None, path.name) from None
    if check:
        errors = check_policy(path, root)
        if errors:
            raise PolicyRefused(errors)
    return compile_text(text, path.name, root)


def load_module(
    compiled: Compiled | str, name: str = "kumocheck_compiled_policy", settings: ExtrasSettings | None = None,
) -> types.ModuleType:
    """Execute generated source as a fresh module object (imports only kumocheck.runtime).

    `settings` (policy root, DNS fixture, data paths) is what the policy-extras helpers
    in the module read their data files and DNS answers from."""
    source = compiled.source if isinstance(compiled, Compiled) else compiled
    module = types.ModuleType(name)
    module.__file__ = f"<{name}>"
    code = compile(source, module.__file__, "exec")
    with use_settings(settings or current_settings()):
        exec(code, module.__dict__)
    return module
