"""Calls of the Interpreter: Lua functions, require, and the kumo API."""

from __future__ import annotations

import re
from typing import Any

from luaparser import astnodes as ast

from kumocheck.extras.setup import HelperCall, snapshot
from kumocheck.model.folding import (
    CALL_MODULES,
    LOAD_DATA_FUNCTIONS,
    MAX_CALL_DEPTH,
    MAX_EVALUATIONS_PER_FUNCTION,
    _const_str,
    _escape,
    _fold_conversion,
    _lua_type_of,
    _origin_span,
    _typed_unknown,
)
from kumocheck.model.records import ApiCall, Binding, ConfigCall, EventReference, FunctionInfo, MethodCall, RequireUse
from kumocheck.model.scopes import _NOTHING, _Break, _Return, Frame, Scope
from kumocheck.schema.values import UNKNOWN, Const, Opaque, TableValue, Unknown, Value, one_of, options
from kumocheck.source import Span


class CallsMixin:
    """Function calls, `require` and kumo.* calls; mixed into `Interpreter`."""

    def _expr_Invoke(self, node: ast.Invoke, scope: Scope) -> Value:  # noqa: N802
        source = self._expr(node.source, scope)
        args = [source] + [self._expr(arg, scope) for arg in node.args]
        method = node.func.id if isinstance(node.func, ast.Name) else None
        if method and isinstance(source, Unknown) and source.object_kind and isinstance(node.source, ast.Name):
            self._note_method_call(source.object_kind, method, node)
        results = []
        for option in options(source):
            callee = self._index(option, Const(method.encode()) if method else UNKNOWN, node) if option is not UNKNOWN else UNKNOWN
            results.append(self._call(callee, args, node, scope))
        return one_of(results) if results else UNKNOWN

    def _note_method_call(self, receiver: str, method: str, node: ast.Invoke) -> None:
        """Record `name:method(...)` with the exact span of `method` (none when not found)."""
        span = self._method_name_span(node, method)
        if span is not None:
            call = MethodCall(self.frame.file, span, receiver, method, node.source.id)
            self._record(self.model.method_calls, call, ("method", self.frame.file, span))

    def _method_name_span(self, node: ast.Invoke, method: str) -> Span | None:
        """Where `method` is written in `receiver:method`, on the receiver's line."""
        span = self._span(node)
        lines = self.source_lines(self.frame.file) if self.source_lines is not None and span else None
        if span is None or not lines or span.line > len(lines) or node.source.wrapped:
            return None
        found = re.compile(re.escape(node.source.id) + r"\s*:\s*(" + re.escape(method) + r")\b").match(
            lines[span.line - 1], span.column - 1
        )
        if found is None:
            return None
        return Span(span.line, found.start(1) + 1, span.line, found.end(1) + 1, self.frame.file)

    def _expr_Call(self, node: ast.Call, scope: Scope) -> Value:  # noqa: N802
        callee = self._expr(node.func, scope)
        args = [self._expr(arg, scope) for arg in node.args]
        results = [self._call(option, args, node, scope) for option in options(callee)]
        return one_of(results) if results else UNKNOWN

    def _helper_registers(self, module: str, function: str, span: Span | None) -> None:
        """Bindings a policy-extras helper makes on the policy's behalf."""
        for event in self.helper_registrations.get(module, {}).get(function, ()):
            binding = Binding(
                self.frame.file,
                span,
                Const(event.encode()),
                span,
                None,
                self.current_event,
                tuple(self._branch_path),
                self._loops_total > 0,
                helper=f"{module} {function}()",
                facts=frozenset().union(*self._facts),
            )
            self._record(self.model.bindings, binding, ("helper-on", self.frame.file, span, event))

    def _call(self, callee: Value, args: list[Value], node: Any, scope: Scope) -> Value:
        if self.frame.event is not None and isinstance(callee, Opaque) and callee.kind == "function":
            self._handler_calls.append((self._span(node), len(self._branch_path)))
            try:
                return self._call_function(callee.detail, args, event=None)
            finally:
                self._handler_calls.pop()
        if isinstance(callee, Opaque) and callee.kind == "helper_fn":
            module, function = callee.detail
            self._helper_registers(module, function, self._span(node))
            span = self._span(node)
            passed = args[1:] if args and isinstance(args[0], Opaque) and args[0].kind == "helper" else args
            call = HelperCall(self.frame.file, span, module, function, [snapshot(a) for a in passed], callee.origin)
            self._record(self.model.helper_calls, call, ("helper-call", self.frame.file, span, module, function))
            for arg in args:
                _escape(arg)
            returned = self.helper_returns.get((module, function))
            return Opaque("helper", span, returned) if returned else UNKNOWN
        if isinstance(callee, Opaque) and callee.kind == "module":
            return self._call_api(callee.detail, args, node)
        if isinstance(callee, Opaque) and callee.kind == "function":
            return self._call_function(callee.detail, args, event=None)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "require":
            return self._require(args, node)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("tostring", "tonumber"):
            return _fold_conversion(node.func.id, args, self._span(node))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "type" and args:
            kinds = {_lua_type_of(option) for option in options(args[0])}
            if len(kinds) == 1 and None not in kinds:
                return Const(kinds.pop().encode(), self._span(node))
            if isinstance(node.args[0], ast.Name):
                variable = scope.lookup(node.args[0].id)
                if variable is not None:
                    return Opaque("typeof", self._span(node), variable)
            return UNKNOWN
        for arg in args:
            _escape(arg)
        return UNKNOWN

    def _call_function(self, info: FunctionInfo, args: list[Value] | None, event: str | None) -> Value:
        key = id(info.node)
        self._evaluated.add(key)
        count = self._evaluations.get(key, 0)
        if count >= MAX_EVALUATIONS_PER_FUNCTION or self._call_depth >= MAX_CALL_DEPTH:
            for arg in args or ():
                _escape(arg)
            return UNKNOWN
        if any(frame.function is not None and frame.function.node is info.node for frame in self._stack):
            return UNKNOWN  # recursion
        self._evaluations[key] = count + 1
        frame = Frame(info, info.file, event)
        scope = Scope(frame, info.scope)
        params = list(info.params)
        given = list(args) if args is not None else []
        if info.is_method:
            params.insert(0, "self")
        typed = self.event_param_types.get(event or "", ()) if args is None else ()
        for index, name in enumerate(params):
            if index < len(given):
                value = given[index]
            elif args is not None:
                value = Const(None)
            elif index < len(typed):
                value = _typed_unknown(typed[index])
            else:
                value = UNKNOWN
            scope.declare(name, value)
        frame.varargs = UNKNOWN
        saved = (self._conditional, self._loop, self._journals)
        self._conditional, self._loop, self._journals = 0, 0, []
        self._stack.append(frame)
        self._call_depth += 1
        try:
            self._block(info.node.body, scope)
        except (_Return, _Break):
            pass
        finally:
            self._call_depth -= 1
            self._stack.pop()
            self._conditional, self._loop, self._journals = saved
        values = [v for v in frame.returns if v is not _NOTHING]
        if not frame.returns or len(values) < len(frame.returns):
            values.append(Const(None))
        return one_of(values)

    def _require(self, args: list[Value], node: Any) -> Value:
        name = _const_str(args[0]) if args else None
        span = self._span(node)
        file = self.frame.file
        if name in CALL_MODULES:
            self._record(self.model.requires, RequireUse(file, span, name, None), ("req", file, span))
            return Opaque("module", span, (name,))
        resolved = self._resolve_module(name, file) if name else None
        self._record(self.model.requires, RequireUse(file, span, name, resolved), ("req", file, span))
        if name and name.startswith("policy-extras."):
            self.model.helper_modules.add(name)
            if name not in ("policy-extras.policy_utils", "policy-extras.typing"):
                self.model.loads_data = True  # helpers configured from data files
            if name in self.helper_registrations:
                if self.current_event is None and name not in self._required_helpers:
                    self._required_helpers.add(name)  # package.loaded: its top level runs once
                    self._helper_registers(name, "on_require", span)
                return Opaque("helper", span, name)
        if resolved is None:
            return UNKNOWN
        if resolved in self._modules:
            return self._modules[resolved]
        self._modules[resolved] = UNKNOWN  # a require cycle sees an unknown module
        loaded = self._load_module(name, file)
        if loaded is None:
            return UNKNOWN
        module_file, chunk = loaded
        if module_file not in self.model.files:
            self.model.files.append(module_file)
        saved = (self._conditional, self._loop, self._journals)
        self._conditional, self._loop, self._journals = 0, 0, []
        lazy = self.frame.event is not None  # a require run by a handler body
        if lazy:
            self._handler_calls.append((span, len(self._branch_path)))
        try:
            value = self._run_chunk(module_file, chunk)
        finally:
            if lazy:
                self._handler_calls.pop()
            self._conditional, self._loop, self._journals = saved
        self._modules[resolved] = value
        return value

    def _call_api(self, path: tuple[str, ...], args: list[Value], node: Any) -> Value:
        span = self._span(node)
        file = self.frame.file
        name = ".".join(path[1:])
        first = args[0] if args else Const(None)
        if path[0] != "kumo":  # tsa.start_http_listener, proxy.start_proxy_listener: tables only
            self._record(self.model.api_calls, ApiCall(file, span, path, first, tuple(args)), ("call", file, span, id(first)))
            return UNKNOWN
        if name == "on":
            handler_value = args[1] if len(args) > 1 else UNKNOWN
            handler = handler_value.detail if isinstance(handler_value, Opaque) and handler_value.kind == "function" else None
            name_node = node.args[0] if node.args else node
            binding = Binding(
                file,
                span,
                first,
                self._span(name_node) or span,
                handler,
                self.current_event,
                tuple(self._branch_path),
                self._loops_total > 0,
                call_site=self._handler_calls[-1][0] if self._handler_calls and self.frame.event is None else None,
                facts=frozenset().union(*self._facts),
                guarded_in_callee=bool(self._handler_calls) and len(self._branch_path) > self._handler_calls[-1][1],
            )
            key = ("on", file, span, id(handler.node) if handler else None, binding.branch_path, self.current_event)
            self._record(self.model.bindings, binding, key)
            if key not in self._pending_keys:
                self._pending_keys.add(key)
                self._pending_handlers.append(binding)
            return Const(None)
        if name == "make_queue_config":
            self._record(
                self.model.config_calls,
                ConfigCall(file, span, first, self.current_event),
                ("cfg", file, span, id(first)),
            )
            self._collect_constructors(first, file)
            return Opaque("config", span)
        if name == "spawn_task":
            self._reference_field(first, "event_name", "spawn_task", file)
        elif name == "configure_local_logs":
            self._reference_field(first, "filter_event", "filter_event", file)
        elif name == "configure_log_disposition_hook":
            for option in options(first):
                if isinstance(option, TableValue):
                    entry = option.get(b"name")
                    if entry is not None:
                        value = entry.value
                        text = _const_str(value)
                        ref_name = Const(f"log_disposition_{text}".encode()) if text is not None else UNKNOWN
                        self._add_reference("log_disposition", file, entry.origin or span, ref_name)
        elif path[-1] in LOAD_DATA_FUNCTIONS or path[1:2] == ("secrets",):
            self.model.loads_data = True
        self._record(self.model.api_calls, ApiCall(file, span, path, first, tuple(args)), ("call", file, span, id(first)))
        if name != "spawn_task":
            for arg in args:
                self._collect_keysource(arg, file)
        if path[-1] in ("json_parse", "json_load", "toml_load", "toml_parse", "yaml_load", "yaml_parse"):
            return UNKNOWN
        return UNKNOWN

    def _reference_field(self, value: Value, field: str, kind: str, file: str) -> None:
        for option in options(value):
            if isinstance(option, TableValue):
                entry = option.get(field.encode())
                if entry is not None:
                    for name in options(entry.value):
                        self._add_reference(kind, file, _origin_span(name) or entry.origin, name)
            elif not isinstance(option, Const):
                self._add_reference(kind, file, None, UNKNOWN)

    def _collect_keysource(self, value: Value, file: str, depth: int = 0) -> None:
        """`event_name = ...` anywhere in a table handed to kumo (keysources nest)."""
        if depth > 4:
            return
        for option in options(value):
            if not isinstance(option, TableValue):
                continue
            entry = option.get(b"event_name")
            if entry is not None:
                for name in options(entry.value):
                    self._add_reference("keysource", file, _origin_span(name) or entry.origin, name)
            for child in option.entries:
                if child is not entry:
                    self._collect_keysource(child.value, file, depth + 1)

    def _collect_constructors(self, config: Value, file: str) -> None:
        for option in options(config):
            if not isinstance(option, TableValue):
                continue
            protocol = option.get(b"protocol")
            if protocol is None:
                continue
            for proto in options(protocol.value):
                if not isinstance(proto, TableValue):
                    continue
                if proto.get(b"smtp") is not None or proto.get(b"maildir_path") is not None:
                    continue  # an earlier variant is tried first: custom_lua may never be used
                custom = proto.get(b"custom_lua")
                if custom is None:
                    continue
                for lua in options(custom.value):
                    if isinstance(lua, TableValue):
                        entry = lua.get(b"constructor")
                        if entry is None and lua.positional():
                            entry = lua.positional()[0]
                        if entry is not None:
                            for name in options(entry.value):
                                self._add_reference("constructor", file, _origin_span(name) or entry.origin, name)
                    elif isinstance(lua, Unknown):
                        self._add_reference("constructor", file, None, UNKNOWN)

    def _add_reference(self, kind: str, file: str, span: Span | None, name: Value) -> None:
        if isinstance(name, Const) and name.value is None:
            return
        if not isinstance(name, Const):
            name = UNKNOWN
        key = ("ref", kind, file, span, _const_str(name))
        self._record(self.model.references, EventReference(kind, file, span, name), key)
