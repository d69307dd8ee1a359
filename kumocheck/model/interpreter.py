"""The Interpreter: evaluates a policy abstractly; its state, set-up and expressions.

Statements live in `statements.StatementsMixin`, calls in `calls.CallsMixin`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from luaparser import astnodes as ast

from kumocheck.extras.setup import HelperUse
from kumocheck.model.calls import CallsMixin
from kumocheck.model.folding import (
    BUILTIN_MODULES,
    MATH_CONSTANTS,
    _const_str,
    _fold_binary,
    _fold_unary,
    _key_span,
    _logical,
    _truthy,
)
from kumocheck.model.records import ApiUse, Binding, FunctionInfo, PolicyModel
from kumocheck.model.scopes import _Journal, _Return, Frame, Scope, Variable
from kumocheck.model.statements import StatementsMixin
from kumocheck.schema.values import UNKNOWN, Const, Entry, Opaque, TableValue, Value, one_of, options
from kumocheck.source import Span, span_of



class Interpreter(StatementsMixin, CallsMixin):
    """Evaluates one policy: an entry file plus the modules it requires."""

    def __init__(
        self,
        model: PolicyModel,
        load_module: Callable[[str, str], tuple[str, ast.Chunk] | None],
        resolve_module: Callable[[str, str], Path | None],
        tainted: set[tuple] | None = None,
    ):
        self.model = model
        self.tainted = tainted if tainted is not None else set()
        self._load_module = load_module
        self._resolve_module = resolve_module
        self.globals: dict[str, Variable] = {}
        self._global_frame = Frame(None, model.root_file, None)
        self._modules: dict[Path, Value] = {}
        self._journals: list[_Journal] = []
        self._conditional = 0
        self._loop = 0
        self._stack: list[Frame] = []
        self._call_depth = 0
        self._evaluations: dict[int, int] = {}
        self._pending_handlers: list[Binding] = []
        self._pending_keys: set[tuple] = set()
        self._branch_path: list[tuple[int, int]] = []  # (if statement, branch), across calls too
        self._facts: list[frozenset] = []  # the conditions of those branches
        self._loops_total = 0  # enclosing loops, across calls too
        self._handler_calls: list[tuple[Span | None, int]] = []  # (call, branch depth at the call)
        self._required_helpers: set[str] = set()  # calls made directly by a handler body
        self.helper_registrations: dict[str, dict] = {}
        self.helper_returns: dict[tuple[str, str], str] = {}  # (helper, function) -> object it returns
        self.inert_events: set[str] = set()
        self.source_lines: Callable[[str], list[str] | None] | None = None  # shown name -> its lines
        self.event_param_types: dict[str, tuple[str, ...]] = {}  # event -> "string" / "string?"  # known events the loading program never fires
        self._functions: dict[int, FunctionInfo] = {}
        self._evaluated: set[int] = set()
        self._seen: set[tuple] = set()
        self.recording = True

    # -- driving ------------------------------------------------------------------

    def run(self, file: str, chunk: ast.Chunk) -> None:
        """Load the policy, then run every handler and every function not yet run."""
        self.model.files.append(file)
        self._run_chunk(file, chunk)
        done = 0
        while done < len(self._pending_handlers):
            binding = self._pending_handlers[done]
            done += 1
            if binding.event in self.inert_events:
                continue  # never fired by this program: its body is still checked, as a plain function
            if binding.handler is not None:
                self._call_function(binding.handler, None, event=binding.event or "?")
        for key, info in list(self._functions.items()):
            if key not in self._evaluated:
                self._call_function(info, None, event=None)

    def _run_chunk(self, file: str, chunk: ast.Chunk) -> Value:
        frame = Frame(None, file, None)
        scope = Scope(frame)
        self._stack.append(frame)
        try:
            self._block(chunk.body, scope)
        except _Return:
            pass
        finally:
            self._stack.pop()
        return one_of(frame.returns) if frame.returns else Const(None)

    def _span(self, node: Any) -> Span | None:
        return span_of(node, None, self._stack[-1].file)

    @property
    def frame(self) -> Frame:
        return self._stack[-1]

    @property
    def current_event(self) -> str | None:
        for frame in reversed(self._stack):
            if frame.event is not None:
                return frame.event
        return None

    def _record(self, bucket: list, item: Any, key: tuple) -> None:
        if not self.recording or key in self._seen:
            return
        self._seen.add(key)
        bucket.append(item)

    # -- expressions --------------------------------------------------------------

    def _expr_list(self, nodes: list, scope: Scope, want: int) -> list[Value]:
        values = [self._expr(node, scope) for node in nodes]
        while len(values) < want:
            last_is_multi = nodes and isinstance(nodes[-1], (ast.Call, ast.Invoke, ast.Varargs, ast.Dots))
            values.append(UNKNOWN if last_is_multi else Const(None))
        return values

    def _expr(self, node: Any, scope: Scope) -> Value:
        method = getattr(self, "_expr_" + type(node).__name__, None)
        if method is not None:
            return method(node, scope)
        if isinstance(node, ast.BinaryOp):
            return self._binary(node, scope)
        if isinstance(node, ast.UnaryOp):
            operand = self._expr(node.operand, scope)
            return _fold_unary(node, operand, self._span(node))
        return UNKNOWN

    def _expr_Nil(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return Const(None, self._span(node))

    def _expr_TrueExpr(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return Const(True, self._span(node))

    def _expr_FalseExpr(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return Const(False, self._span(node))

    def _expr_Number(self, node: ast.Number, scope: Scope) -> Value:  # noqa: N802
        return Const(node.n, self._span(node))  # decoded by the front end (kumocheck.parse.literals)

    def _expr_String(self, node: ast.String, scope: Scope) -> Value:  # noqa: N802
        raw = node.s if isinstance(node.s, bytes) else str(node.s).encode()
        return Const(raw, self._span(node))

    def _expr_Varargs(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return self.frame.varargs

    _expr_Dots = _expr_Varargs

    def _expr_Name(self, node: ast.Name, scope: Scope) -> Value:  # noqa: N802
        variable = scope.lookup(node.id)
        if variable is not None:
            return self._read(variable)
        variable = self.globals.get(node.id)
        if variable is not None:
            return self._read(variable)
        if node.id == "kumo":
            return Opaque("module", self._span(node), ("kumo",))
        if node.id in BUILTIN_MODULES:
            return Opaque("stdlib", self._span(node), (node.id,))
        return UNKNOWN

    def _expr_Table(self, node: ast.Table, scope: Scope) -> Value:  # noqa: N802
        table = TableValue(origin=self._span(node))
        position = 0
        for index, field in enumerate(node.fields):
            value = self._expr(field.value, scope)
            field_span = self._span(field)
            if field.key is None:
                is_last = index == len(node.fields) - 1
                if is_last and isinstance(field.value, (ast.Call, ast.Invoke, ast.Varargs, ast.Dots)):
                    table.open = True
                position += 1
                table.entries.append(Entry(Const(position), value, field_span))
                continue
            if isinstance(field.key, ast.Name) and not field.between_brackets:
                key: Value = Const(field.key.id.encode())
            else:
                key = self._expr(field.key, scope)
            if not isinstance(key, Const):
                table.open = True
                continue
            if isinstance(key.value, float) and key.value.is_integer():
                key = Const(int(key.value))
            key_span = _key_span(field, field_span)
            table.entries.append(Entry(key, value, key_span.in_file(self.frame.file) if key_span else None))
        return table

    def _expr_AnonymousFunction(self, node: Any, scope: Scope) -> Value:  # noqa: N802
        return self._function_value(node, scope, None)

    def _function_value(self, node: Any, scope: Scope, name: str | None) -> Value:
        info = self._functions.get(id(node))
        if info is None or info.scope is not scope:
            info = FunctionInfo(node, scope, self.frame.file, name)
            self._functions.setdefault(id(node), info)
        return Opaque("function", self._span(node), info)

    def _index_key(self, node: ast.Index, scope: Scope) -> Value:
        if node.notation == ast.IndexNotation.DOT and isinstance(node.idx, ast.Name):
            return Const(node.idx.id.encode(), self._span(node.idx))
        return self._expr(node.idx, scope)

    def _expr_Index(self, node: ast.Index, scope: Scope) -> Value:  # noqa: N802
        base = self._expr(node.value, scope)
        key = self._index_key(node, scope)
        results: list[Value] = []
        for option in options(base):
            results.append(self._index(option, key, node))
        return one_of(results)

    def _index(self, base: Value, key: Value, node: Any) -> Value:
        if isinstance(base, TableValue):
            if isinstance(key, Const):
                entry = base.get(key.value)
                if entry is not None and not base.open:
                    return entry.value
                if entry is not None:
                    return one_of([entry.value, UNKNOWN])
                return UNKNOWN
            values = [entry.value for entry in base.entries]
            return one_of(values + [UNKNOWN]) if values else UNKNOWN
        if isinstance(base, Opaque) and base.kind == "stdlib" and base.detail == ("math",):
            constant = MATH_CONSTANTS.get(_const_str(key) or "")
            return Const(constant, self._span(node)) if constant is not None else UNKNOWN
        if isinstance(base, Opaque) and base.kind == "helper":
            name = _const_str(key)
            span = self._span(node)
            if name and span is not None:
                use = HelperUse(self.frame.file, span, base.detail, name)
                self._record(self.model.helper_uses, use, ("helper-use", self.frame.file, span, name))
            return Opaque("helper_fn", span, (base.detail, name)) if name else UNKNOWN
        if isinstance(base, Opaque) and base.kind == "module":
            name = _const_str(key)
            if name is None:
                return UNKNOWN
            path = base.detail + (name,)
            if path[0] == "kumo":
                span = self._span(node)
                if span is not None:
                    self._record(
                        self.model.api_uses, ApiUse(self.frame.file, span, path[1:]), ("api", self.frame.file, span)
                    )
            return Opaque("module", self._span(node), path)
        return UNKNOWN

    def _binary(self, node: Any, scope: Scope) -> Value:
        if isinstance(node, ast.AndLoOp):
            left = self._expr(node.left, scope)
            right = self._narrowed(node.left, True, scope, lambda: self._expr(node.right, scope))
            return _logical(node, left, right)
        if isinstance(node, ast.OrLoOp):
            left = self._expr(node.left, scope)
            guard = node.left
            if isinstance(guard, ast.AndLoOp) and _truthy(left) is None:
                # `c and x or y`: with x never false, y is evaluated exactly when c is false
                guard = guard.left
                then = self._narrowed(guard, True, scope, lambda: self._expr(node.left.right, scope))
                if any(_truthy(o) is not True for o in options(then)):
                    guard = node.left
            right = self._narrowed(guard, False, scope, lambda: self._expr(node.right, scope))
            return _logical(node, left, right)
        left = self._expr(node.left, scope)
        right = self._expr(node.right, scope)
        return _fold_binary(node, left, right, self._span(node))
