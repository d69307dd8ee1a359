"""Lua 5.4 AST (luaparser) -> readable Python source, in the manner of jinja2's compiler.

`analyse` resolves every name first (scopes, upvalues, loop-declared captured locals);
`CodeGenerator` then visits the tree and writes Python with one `# lua:N` comment per
statement naming the Lua line it came from.

Naming (no Lua text can reach Python source except through `repr()` of bytes or an
identifier prefix, so nothing can inject code):

* a Lua local `x` becomes `l_x`; a later local of the same name anywhere in the unit
  becomes `l2_x`, `l3_x`... (unique per compiled file, so Python closures never see a
  shadowing name);
* functions become `f<N>_<name>`; temporaries `_t<N>`; varargs `VA`;
* globals live in the Lua globals table `G` and are reached with `G.get(b'name')`;
* everything the runtime provides is imported under names starting with an upper-case
  letter or `_`, which no mangled Lua name does.

Lua locals declared inside a loop and captured by a closure live in a `Cell` bound to
the closure at creation (keyword-only default), giving each iteration its own variable
as Lua does; other captured locals are ordinary Python closure variables (`nonlocal`
where a closure assigns them).
"""

from __future__ import annotations

import re
from typing import Any

from luaparser import astnodes as A

from kumocheck.compiler import string_paths, table_paths
from kumocheck.compiler.integer_paths import IntegerPaths
from kumocheck.compiler.numeric import IntegerFacts, child_nodes
from kumocheck.runtime.queue_config import CONFIG_FIELDS

#: keys whose position a table constructor records for `kumocheck explain`
_CONFIG_KEYS = frozenset(CONFIG_FIELDS)

__all__ = ["CompileError", "CodeGenerator", "analyse", "lua_number"]


class CompileError(Exception):
    """A construct outside the supported subset; `line` is the Lua line."""

    def __init__(self, message: str, line: int | None, chunk: str = "policy.lua") -> None:
        self.message = message
        self.line = line
        self.chunk = chunk
        super().__init__(f"{chunk}:{line or '?'}: {message}")


#: the globals the runtime provides, resolved statically when the policy never assigns them
LIBRARIES = ("string", "math", "table", "os")
BASE_FUNCTIONS = (
    "type", "tostring", "tonumber", "select", "pairs", "ipairs", "next", "error", "assert",
    "pcall", "xpcall", "rawget", "rawset", "rawequal", "rawlen", "print", "require",
)
#: string functions whose first result is always a string
_STRING_RESULTS = frozenset(("lower", "upper", "rep", "reverse", "format", "sub", "char"))
#: longest argument code `s:name(args)` repeats in its string fast path and generic path
_MAX_DUPLICATED_ARGS = 240
UNSUPPORTED_GLOBALS = {
    "setmetatable": "metatables", "getmetatable": "metatables", "load": "load()", "loadstring": "loadstring()",
    "dofile": "dofile()", "loadfile": "loadfile()", "collectgarbage": "collectgarbage()",
    "coroutine": "coroutines", "debug": "the debug library", "io": "the io library",
    "utf8": "the utf8 library", "package": "the package library", "_ENV": "_ENV",
}
UNSUPPORTED_MEMBERS = {("string", "dump"), ("os", "exit"), ("os", "remove"), ("os", "rename"),
                       ("os", "execute"), ("os", "tmpname"), ("os", "setlocale"), ("os", "difftime")}


def string_value(node: A.String) -> bytes:
    """The literal's bytes, as decoded by the front end (kumocheck.parse.literals)."""
    return node.s


def lua_number(node: A.Number) -> int | float:
    """The numeral's value, as decoded by the front end (kumocheck.parse.literals)."""
    return node.n


# -- analysis -----------------------------------------------------------------------------------


class Var:
    """One Lua local variable (a declaration)."""

    __slots__ = ("name", "pyname", "func", "captured", "in_loop", "cell", "assigned", "decl_line", "kumo_decl")

    def __init__(self, name: str, pyname: str, func: "FuncInfo", in_loop: bool, line: int | None) -> None:
        self.name = name
        self.pyname = pyname
        self.func = func
        self.captured = False
        self.in_loop = in_loop
        self.cell = False
        self.assigned = False  # assigned after its declaration
        self.decl_line = line
        self.kumo_decl = False  # `local kumo = require 'kumo'`

    @property
    def is_kumo(self) -> bool:
        return self.kumo_decl and not self.assigned


class FuncInfo:
    """One Lua function (or chunk) being compiled."""

    def __init__(self, parent: "FuncInfo | None", vararg: bool) -> None:
        self.parent = parent
        self.vararg = vararg
        self.nonlocals: dict[str, Var] = {}  # captured vars this function assigns
        self.cells_used: list[Var] = []  # cell vars of outer functions it references
        self.temp = 0


class Analysis:
    """Per-node facts the generator needs."""

    def __init__(self) -> None:
        self.var_of: dict[int, Var] = {}  # id(Name node) -> Var (None key => global)
        self.decls: dict[int, list[Var]] = {}  # id(declaring node) -> vars declared
        self.params: dict[int, list[Var]] = {}  # id(function node) -> its parameters
        self.func_of: dict[int, FuncInfo] = {}  # id(function node) -> FuncInfo
        self.assigned_globals: set[str] = set()
        self.lib_misuse: set[str] = set()  # libraries used other than as lib.member
        self.dynamic_env = False  # _G / _ENV used: no static resolution
        self.requires: list[tuple[str, int | None]] = []
        self.keep: list[Any] = []  # nodes whose ids are used as keys


class _Analyser:
    def __init__(self, chunk_name: str, counters: dict[str, int]) -> None:
        self.info = Analysis()
        self.scopes: list[dict[str, Var]] = []
        self.func: FuncInfo | None = None
        self.loop_depth: list[int] = []
        self.counters = counters
        self.chunk_name = chunk_name
        self.line: int | None = None  # line of the statement being analysed

    def error(self, message: str, node: Any) -> CompileError:
        return CompileError(message, getattr(node, "line", None) or self.line, self.chunk_name)

    def pyname(self, name: str) -> str:
        count = self.counters.get(name, 0) + 1
        self.counters[name] = count
        return f"l_{name}" if count == 1 else f"l{count}_{name}"

    def declare(self, name_node: A.Name, owner: Any, params: bool = False) -> Var:
        name = name_node.id
        attribute = getattr(name_node, "attribute", None)
        if attribute is not None and attribute.name.id == "close":
            raise self.error("to-be-closed variables (<close>) are not supported", name_node)
        if attribute is not None and attribute.name.id != "const":
            raise self.error(f"unknown attribute '{attribute.name.id}'", name_node)
        var = Var(name, self.pyname(name), self.func, bool(self.loop_depth and self.loop_depth[-1]), getattr(name_node, "line", None))
        self.scopes[-1][name] = var
        self.info.var_of[id(name_node)] = var
        self.info.keep.append(name_node)
        (self.info.params if params else self.info.decls).setdefault(id(owner), []).append(var)
        self.info.keep.append(owner)
        return var

    def lookup(self, name_node: A.Name, assigning: bool) -> Var | None:
        for scope in reversed(self.scopes):
            var = scope.get(name_node.id)
            if var is not None:
                self.info.var_of[id(name_node)] = var
                self.info.keep.append(name_node)
                if assigning:
                    var.assigned = True
                if var.func is not self.func:
                    var.captured = True
                    func = self.func
                    while func is not None and func is not var.func:
                        if assigning:
                            func.nonlocals[var.pyname] = var
                        if var not in func.cells_used:
                            func.cells_used.append(var)
                        func = func.parent
                return var
        if name_node.id in ("_G", "_ENV"):
            self.info.dynamic_env = True
        if assigning:
            self.info.assigned_globals.add(name_node.id)
        return None

    # -- traversal ------------------------------------------------------------------

    def chunk(self, chunk: A.Chunk) -> Analysis:
        self.func = FuncInfo(None, True)
        self.info.func_of[id(chunk)] = self.func
        self.info.keep.append(chunk)
        self.scopes.append({})
        self.loop_depth.append(0)
        self.block(chunk.body)
        self.loop_depth.pop()
        self.scopes.pop()
        for group in (self.info.decls, self.info.params):
            for func_vars in group.values():
                for var in func_vars:
                    var.cell = var.captured and var.in_loop
        return self.info

    def block(self, block: A.Block, new_scope: bool = True) -> None:
        if new_scope:
            self.scopes.append({})
        for statement in block.body:
            self.statement(statement)
        if new_scope:
            self.scopes.pop()

    def function(self, node: Any, args: list, body: A.Block, method: bool = False) -> None:
        vararg = any(isinstance(arg, (A.Varargs, A.Dots)) for arg in args)
        parent = self.func
        self.func = FuncInfo(parent, vararg)
        self.info.func_of[id(node)] = self.func
        self.info.keep.append(node)
        self.scopes.append({})
        self.loop_depth.append(0)
        self.info.params[id(node)] = []
        if method:
            self.declare(A.Name("self"), node, params=True)
        for arg in args:
            if isinstance(arg, A.Name):
                self.declare(arg, node, params=True)
        self.block(body, new_scope=False)
        self.loop_depth.pop()
        self.scopes.pop()
        self.func = parent

    def loop_body(self, block: A.Block, extra: list | None = None, owner: Any = None, until: Any = None) -> None:
        self.loop_depth[-1] += 1
        self.scopes.append({})
        for name in extra or ():
            self.declare(name, owner)
        for statement in block.body:
            self.statement(statement)
        if until is not None:
            self.expr(until)
        self.scopes.pop()
        self.loop_depth[-1] -= 1

    def statement(self, node: Any) -> None:
        self.line = getattr(node, "line", None) or self.line
        kind = type(node)
        if kind is A.LocalAssign:
            for value in node.values or ():
                self.expr(value)
            declared = [self.declare(target, node) for target in node.targets]
            values = node.values or []
            if (
                len(declared) == 1 and len(values) == 1 and isinstance(values[0], A.Call)
                and isinstance(values[0].func, A.Name) and values[0].func.id == "require"
                and len(values[0].args) == 1 and isinstance(values[0].args[0], A.String)
                and string_value(values[0].args[0]) == b"kumo" and self._is_global(values[0].func)
            ):
                declared[0].kumo_decl = True
        elif kind is A.Assign:
            for value in node.values:
                self.expr(value)
            for target in node.targets:
                if isinstance(target, A.Name):
                    self.lookup(target, assigning=True)
                else:
                    self.expr(target, store=True)
        elif kind is A.LocalFunction:
            self.declare(node.name, node)
            self.function(node, node.args, node.body)
        elif kind is A.Function:
            if isinstance(node.name, A.Name):
                self.lookup(node.name, assigning=True)
            else:
                self.expr(node.name, store=True)
            self.function(node, node.args, node.body)
        elif kind is A.Method:
            self.expr(node.source)
            self.function(node, node.args, node.body, method=True)
        elif kind in (A.Call, A.Invoke):
            self.expr(node)
        elif kind is A.Return:
            for value in _values(node.values):
                self.expr(value)
        elif kind is A.If:
            self.expr(node.test)
            self.block(node.body)
            orelse = node.orelse
            while orelse is not None:
                if isinstance(orelse, A.ElseIf):
                    self.expr(orelse.test)
                    self.block(orelse.body)
                    orelse = orelse.orelse
                else:
                    self.block(orelse)
                    orelse = None
        elif kind is A.While:
            self.expr(node.test)
            self.loop_body(node.body)
        elif kind is A.Repeat:
            self.loop_body(node.body, until=node.test)
        elif kind is A.Fornum:
            self.expr(node.start)
            self.expr(node.stop)
            if not isinstance(node.step, int):
                self.expr(node.step)
            self.loop_body(node.body, [node.target], node)
        elif kind is A.Forin:
            for value in node.iter:
                self.expr(value)
            self.loop_body(node.body, node.targets, node)
        elif kind is A.Do:
            self.block(node.body)
        elif kind in (A.Break, A.SemiColon):
            pass
        elif kind in (A.Goto, A.Label):
            raise self.error("goto and labels are not supported", node)
        else:
            raise self.error(f"unsupported statement {type(node).__name__}", node)

    def expr(self, node: Any, store: bool = False) -> None:
        kind = type(node)
        if kind is A.Name:
            var = self.lookup(node, assigning=False)
            if var is None:
                if node.id in UNSUPPORTED_GLOBALS and node.id not in self.info.assigned_globals:
                    raise self.error(f"{UNSUPPORTED_GLOBALS[node.id]} ({node.id}) not supported by the compiler", node)
                if node.id in LIBRARIES:
                    self.info.lib_misuse.add(node.id)
        elif kind is A.Index:
            if (
                isinstance(node.value, A.Name)
                and node.value.id in LIBRARIES
                and isinstance(node.idx, A.Name)
                and node.notation == A.IndexNotation.DOT
                and self._is_global(node.value)
            ):
                if (node.value.id, node.idx.id) in UNSUPPORTED_MEMBERS:
                    raise self.error(f"{node.value.id}.{node.idx.id} is not supported by the compiler", node)
                if store:
                    self.info.lib_misuse.add(node.value.id)
                self.lookup(node.value, assigning=False)
            else:
                self.expr(node.value)
                if node.notation != A.IndexNotation.DOT or not isinstance(node.idx, A.Name):
                    self.expr(node.idx)
        elif kind is A.Call:
            if isinstance(node.func, A.Name) and node.func.id == "require" and node.args and isinstance(node.args[0], A.String):
                self.info.requires.append((string_value(node.args[0]).decode("utf-8", "replace"), getattr(node, "line", None)))
            self.expr(node.func)
            for arg in node.args:
                self.expr(arg)
        elif kind is A.Invoke:
            self.expr(node.source)
            for arg in node.args:
                self.expr(arg)
        elif kind is A.AnonymousFunction:
            self.function(node, node.args, node.body)
        elif kind is A.Table:
            for field in node.fields:
                if field.key is not None and (field.between_brackets or not isinstance(field.key, A.Name)):
                    self.expr(field.key)
                self.expr(field.value)
        elif isinstance(node, A.BinaryOp):
            self.expr(node.left)
            self.expr(node.right)
        elif isinstance(node, A.UnaryOp):
            self.expr(node.operand)
        elif kind in (A.Varargs, A.Dots):
            if not self.func.vararg:
                raise self.error("cannot use '...' outside a vararg function", node)
        elif kind in (A.Nil, A.TrueExpr, A.FalseExpr, A.Number, A.String):
            pass
        else:
            raise self.error(f"unsupported expression {type(node).__name__}", node)

    def _is_global(self, name: A.Name) -> bool:
        return all(name.id not in scope for scope in self.scopes)


def analyse(chunk: A.Chunk, chunk_name: str, counters: dict[str, int]) -> Analysis:
    return _Analyser(chunk_name, counters).chunk(chunk)


def _values(values: Any) -> list:
    if values is None:
        return []
    if isinstance(values, list):
        return values
    return [values]


# -- generation -----------------------------------------------------------------------------------

_ARITH = {
    A.AddOp: "Add", A.SubOp: "Sub", A.MultOp: "Mul", A.FloatDivOp: "Div", A.FloorDivOp: "Idiv",
    A.ModOp: "Mod", A.ExpoOp: "Pow", A.BAndOp: "Band", A.BOrOp: "Bor", A.BXorOp: "Bxor",
    A.BShiftLOp: "Shl", A.BShiftROp: "Shr",
}
_COMPARE = {A.LessThanOp: "Lt", A.LessOrEqThanOp: "Le", A.GreaterThanOp: "Gt", A.GreaterOrEqThanOp: "Ge"}
_MULTI = (A.Call, A.Invoke, A.Varargs, A.Dots)


def _is_multi(node: Any) -> bool:
    return isinstance(node, _MULTI) and not getattr(node, "wrapped", False)


class Hoisted:
    """A constant `kumo.make_queue_config{...}` built once at import."""

    def __init__(self, name: str, table_code: str, line: int | None) -> None:
        self.name = name
        self.table_code = table_code
        self.line = line


class CodeGenerator:
    """Writes the Python for one Lua chunk (the main file or a required module)."""

    def __init__(self, chunk: A.Chunk, info: Analysis, chunk_name: str, source_lines: list[str],
                 func_name: str, counters: dict[str, int], hoisted: list[Hoisted], static: dict[str, str],
                 key_maps: dict[str, str] | None = None, constants: dict[str, str] | None = None) -> None:
        self.chunk = chunk
        self.constants = constants if constants is not None else {}  # code -> module constant (string_paths)
        self.key_maps = key_maps if key_maps is not None else {}  # map code -> constant name
        self.info = info
        self.chunk_name = chunk_name
        self.source_lines = source_lines
        self.func_name = func_name
        self.counters = counters
        self.hoisted = hoisted
        self.static = static  # global path ("string.format", "tostring") -> python alias
        self.lines: list[str] = []
        self.indent = 0
        self.func: FuncInfo | None = None
        self.pending: list[list[str]] = []  # hoisted function definitions per statement
        self.last_line: int | None = None
        facts = IntegerFacts(chunk, info.var_of, list(info.func_of.values()),
                             [var for group in info.params.values() for var in group])
        self.ints = IntegerPaths(facts, self.expr, self.temp, self.string_byte_call)

    # -- output helpers -----------------------------------------------------------

    def error(self, message: str, node: Any) -> CompileError:
        return CompileError(message, getattr(node, "line", None) or self.last_line, self.chunk_name)

    def write(self, text: str) -> None:
        self.lines.append("    " * self.indent + text)

    def mark(self, node: Any) -> None:
        line = getattr(node, "line", None)
        if line is None:
            return
        source = self.source_lines[line - 1] if 0 < line <= len(self.source_lines) else ""
        self.write(f"# lua:{line}: {_comment_text(source)}")
        self.last_line = line

    def temp(self) -> str:
        self.func.temp += 1
        return f"_t{self.func.temp}"

    def counter(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    # -- entry ---------------------------------------------------------------------------

    def generate(self) -> str:
        self.func = self.info.func_of[id(self.chunk)]
        self.write(f"def {self.func_name}(*VA):")
        self.indent += 1
        self.write(f'"""The top level of {_comment_text(self.chunk_name)}."""')
        self.block(self.chunk.body)
        self.write("return ()")
        self.indent -= 1
        return "\n".join(self.lines) + "\n"

    # -- statements ------------------------------------------------------------------

    def block(self, block: A.Block) -> None:
        start = len(self.lines)
        for statement in block.body:
            self.statement(statement)
            if isinstance(statement, (A.Return, A.Break)):
                break  # Lua allows nothing after them in a block
        if len(self.lines) == start:
            self.write("pass")

    def statement(self, node: Any) -> None:
        method = getattr(self, "stmt_" + type(node).__name__, None)
        if method is None:
            raise self.error(f"unsupported statement {type(node).__name__}", node)
        self.mark(node)
        saved = self.lines
        self.lines = []
        self.pending.append([])
        try:
            method(node)
        finally:
            generated = self.lines
            self.lines = saved
            defs = self.pending.pop()
        self.lines.extend(defs)
        self.lines.extend(generated)

    def assign_var(self, var: Var, code: str, declare: bool) -> None:
        if var.cell:
            if declare:
                self.write(f"{var.pyname} = Cell({code})")
            else:
                self.write(f"{var.pyname}.v = {code}")
        else:
            self.write(f"{var.pyname} = {code}")

    def stmt_LocalAssign(self, node: A.LocalAssign) -> None:
        variables = self.info.decls[id(node)]
        values = node.values or []
        if len(variables) == 1 and len(values) == 1:
            self.assign_var(variables[0], self.expr(values[0]), declare=True)
            return
        codes = self.explist(values, len(variables))
        if all(not v.cell for v in variables):
            self.write(", ".join(v.pyname for v in variables) + " = " + codes)
            return
        temps = [self.temp() for _ in variables]
        self.write(", ".join(temps) + " = " + codes)
        for var, temp in zip(variables, temps):
            self.assign_var(var, temp, declare=True)

    def explist(self, values: list, count: int) -> str:
        """Python for exactly `count` values of a Lua expression list, as a tuple expression."""
        if not values:
            return "(" + "None, " * count + ")" if count != 1 else "None"
        if len(values) == count and (count == 1 or not _is_multi(values[-1])):
            parts = [self.expr(v) for v in values]
            return ", ".join(parts) if count > 1 else parts[0]
        parts = [self.expr(v) for v in values[:-1]]
        last = values[-1]
        if _is_multi(last):
            parts.append("*" + self.multi(last))
        else:
            parts.append(self.expr(last))
        padding = max(0, count - len(values) + (1 if _is_multi(last) else 0))
        parts.extend(["None"] * padding)
        text = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        if count == 1:
            return f"{text}[0]"
        return f"{text}[:{count}]"

    def stmt_Assign(self, node: A.Assign) -> None:
        targets = node.targets
        values = node.values
        if len(targets) == 1:
            target = targets[0]
            value = self.explist(values, 1)
            self.store(target, value)
            return
        # evaluate target prefixes and keys first, then the values, then assign
        prepared = []
        for position, target in enumerate(targets):
            if isinstance(target, A.Name):
                prepared.append((target, None, None))
            else:
                # locals are registers, read when the assignment happens, unless a later
                # target assigns that local (Lua's check_conflict copies it first); anything
                # else is evaluated, in order, before the values
                later = {
                    id(self.info.var_of.get(id(t))) for t in targets[position + 1:]
                    if isinstance(t, A.Name) and self.info.var_of.get(id(t)) is not None
                }

                def late(node: Any) -> bool:
                    return self.register_local(node) and id(self.info.var_of.get(id(node))) not in later

                if late(target.value):
                    obj = self.expr(target.value)
                else:
                    obj = self.temp()
                    self.write(f"{obj} = {self.expr(target.value)}")
                dotted = target.notation == A.IndexNotation.DOT and isinstance(target.idx, A.Name)
                if dotted or _constant(target.idx) or late(target.idx):
                    key = self.index_key(target)
                else:
                    key = self.temp()
                    self.write(f"{key} = {self.index_key(target)}")
                prepared.append((target, obj, key))
        temps = [self.temp() for _ in targets]
        self.write(", ".join(temps) + " = " + self.explist(values, len(targets)))
        # the reference VM assigns from the last target to the first: `a, a = 1, 2` leaves 1
        for (target, obj, key), temp in reversed(list(zip(prepared, temps))):
            if obj is None:
                self.store(target, temp)
            else:
                self.write(self.setindex(target, obj, key, temp))

    def store(self, target: Any, code: str) -> None:
        if isinstance(target, A.Name):
            var = self.info.var_of.get(id(target))
            if var is None:
                self.write(f"G.set({_bytes(target.id)}, {code})")
            else:
                self.assign_var(var, code, declare=False)
        elif isinstance(target, A.Index):
            if self.register_local(target.value) and (_has_call(target.idx) or "(" in code):
                key = self.temp()
                value = self.temp()
                self.write(f"{key} = {self.index_key(target)}")
                self.write(f"{value} = {code}")
                self.write(self.setindex(target, self.expr(target.value), key, value))
                return
            self.write(self.setindex(target, self.expr(target.value), self.index_key(target), code))
        else:
            raise self.error("cannot assign to this expression", target)

    def setindex(self, target: A.Index, obj: str, key: str, value: str) -> str:
        """`obj[key] = value`; a queue-config key written by name records its position."""
        name = _config_key(target)
        variable = self.variable_name(target.value)
        if name is None:
            return f"Setindex_n({obj}, {key}, {value}, {variable!r})" if variable else f"Setindex({obj}, {key}, {value})"
        line = getattr(target, "line", None) or self.last_line
        return f"Setindex_at({obj}, {key}, {value}, ({self.chunk_name!r}, {line!r}), {variable!r})"

    def variable_name(self, node: Any) -> str | None:
        """How Lua 5.4 names the value of `node` in an error: `local 'x'`, `upvalue 'x'`,
        `global 'x'`, `field 'k'` (None for values without a name, such as call results)."""
        if isinstance(node, A.Name):
            var = self.info.var_of.get(id(node))
            if var is None:
                return None if self.info.dynamic_env else f"global '{node.id}'"
            return f"local '{node.id}'" if var.func is self.func else f"upvalue '{node.id}'"
        if isinstance(node, A.Index):
            if node.notation == A.IndexNotation.DOT and isinstance(node.idx, A.Name):
                return f"field '{node.idx.id}'"
            if isinstance(node.idx, A.String):
                return f"field '{string_value(node.idx).decode('utf-8', 'replace')}'"
            if isinstance(node.idx, A.Number) and type(lua_number(node.idx)) is int and 0 <= lua_number(node.idx) <= 255:
                return "field 'integer index'"
            return "field '?'"
        return None

    def key_map(self, positions: list[tuple[str, int | None]]) -> str:
        """The module constant holding a constructor's {key: (chunk, line)} map."""
        code = "{" + ", ".join(f"{_bytes(k)}: ({self.chunk_name!r}, {line!r})" for k, line in positions) + "}"
        name = self.key_maps.get(code)
        if name is None:
            name = self.key_maps[code] = f"_KEYS{len(self.key_maps) + 1}"
        return name

    def index_key(self, node: A.Index) -> str:
        if node.notation == A.IndexNotation.DOT and isinstance(node.idx, A.Name):
            return _bytes(node.idx.id)
        return self.expr(node.idx)

    def stmt_Call(self, node: Any) -> None:
        self.write(self.call(node))

    stmt_Invoke = stmt_Call

    def stmt_Return(self, node: A.Return) -> None:
        self.write("return " + self.tuple_of(_values(node.values)))

    def tuple_of(self, values: list) -> str:
        """A Python tuple expression of all the values (the last one expanded)."""
        if not values:
            return "()"
        if len(values) == 1 and _is_multi(values[0]):
            return self.multi(values[0])
        parts = [self.expr(v) for v in values[:-1]]
        last = values[-1]
        parts.append("*" + self.multi(last) if _is_multi(last) else self.expr(last))
        return "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"

    def stmt_Break(self, node: Any) -> None:
        self.write("break")

    def stmt_SemiColon(self, node: Any) -> None:
        pass

    def stmt_Do(self, node: A.Do) -> None:
        self.write("if True:  # do")
        self.indent += 1
        self.block(node.body)
        self.indent -= 1

    def stmt_If(self, node: A.If) -> None:
        self.write(f"if {self.cond(node.test)}:")
        self.indent += 1
        self.block(node.body)
        self.indent -= 1
        orelse = node.orelse
        while orelse is not None:
            if isinstance(orelse, A.ElseIf):
                self.write(f"elif {self.cond(orelse.test)}:")
                self.indent += 1
                self.block(orelse.body)
                self.indent -= 1
                orelse = orelse.orelse
            else:
                if orelse.body:
                    self.write("else:")
                    self.indent += 1
                    self.block(orelse)
                    self.indent -= 1
                orelse = None

    def stmt_While(self, node: A.While) -> None:
        self.pending.append([])
        test = self.cond(node.test)
        defs = self.pending.pop()
        if defs:
            self.write("while True:")
            self.indent += 1
            self.lines.extend("    " + line for line in defs)  # functions made in the condition
            self.write(f"if not ({test}):")
            self.write("    break")
        else:
            self.write(f"while {test}:")
            self.indent += 1
        self.block(node.body)
        self.indent -= 1

    def stmt_Repeat(self, node: A.Repeat) -> None:
        self.write("while True:  # repeat")
        self.indent += 1
        for statement in node.body.body:
            self.statement(statement)
            if isinstance(statement, (A.Return, A.Break)):
                break
        else:
            self.mark(node.test)
            self.pending.append([])
            test = self.cond(node.test)
            self.lines.extend(self.pending.pop())
            self.write(f"if {test}:")
            self.write("    break")
        self.indent -= 1

    def loop_targets(self, variables: list[Var]) -> tuple[str, list[tuple[Var, str]]]:
        names = []
        rebinds = []
        for var in variables:
            if var.cell:
                temp = self.temp()
                names.append(temp)
                rebinds.append((var, temp))
            else:
                names.append(var.pyname)
        return ", ".join(names), rebinds

    def stmt_Fornum(self, node: A.Fornum) -> None:
        variables = self.info.decls[id(node)]
        start = self.expr(node.start)
        stop = self.expr(node.stop)
        step = "1" if isinstance(node.step, int) else self.expr(node.step)
        names, rebinds = self.loop_targets(variables)
        self.write(f"for {names} in Fornum({start}, {stop}, {step}):")
        self.indent += 1
        for var, temp in rebinds:
            self.write(f"{var.pyname} = Cell({temp})")
        self.block(node.body)
        self.indent -= 1

    def stmt_Forin(self, node: A.Forin) -> None:
        variables = self.info.decls[id(node)]
        fast = table_paths.loop(self, node)
        explist = self.tuple_of(node.iter) if fast is None else ""
        names, rebinds = self.loop_targets(variables)
        if fast is not None:
            self.write(f"for {names}{', ' + self.temp() if len(variables) == 1 else ''} in {fast}:")
        else:
            if len(variables) == 1:
                names += ","
            self.write(f"for {names} in Forin({explist}, {len(variables)}):")
        self.indent += 1
        for var, temp in rebinds:
            self.write(f"{var.pyname} = Cell({temp})")
        self.block(node.body)
        self.indent -= 1

    def stmt_LocalFunction(self, node: A.LocalFunction) -> None:
        var = self.info.decls[id(node)][0]
        if var.cell:
            self.write(f"{var.pyname} = Cell(None)")
        name = self.define_function(node, node.args, node.body, var.name, var.pyname if not var.cell else None)
        if var.cell:
            self.write(f"{var.pyname}.v = {name}")

    def stmt_Function(self, node: A.Function) -> None:
        label = _dotted(node.name)
        name = self.define_function(node, node.args, node.body, label)
        self.store(node.name, name)

    def stmt_Method(self, node: A.Method) -> None:
        label = _dotted(node.source) + "_" + node.name.id
        name = self.define_function(node, node.args, node.body, label, method=True)
        variable = self.variable_name(node.source)
        if variable is not None:
            self.write(f"Setindex_n({self.expr(node.source)}, {_bytes(node.name.id)}, {name}, {variable!r})")
        else:
            self.write(f"Setindex({self.expr(node.source)}, {_bytes(node.name.id)}, {name})")

    # -- functions --------------------------------------------------------------------

    def define_function(self, node: Any, args: list, body: A.Block, label: str, pyname: str | None = None,
                        method: bool = False) -> str:
        info = self.info.func_of[id(node)]
        declared = self.info.params.get(id(node), [])
        if pyname is None:
            pyname = f"f{self.counter('#function')}_{_ident(label)}"
        params = [f"{var.pyname if not var.cell else '_p_' + var.pyname}=None" for var in declared]
        params.append("*VA" if info.vararg else "*_")
        kwonly = [f"{var.pyname}={var.pyname}" for var in info.cells_used if var.cell]
        signature = ", ".join(params + kwonly)
        saved_lines, saved_indent, saved_func = self.lines, self.indent, self.func
        self.lines, self.indent, self.func = [], 1, info
        nonlocals = sorted(name for name, var in info.nonlocals.items() if not var.cell)
        if nonlocals:
            self.write("nonlocal " + ", ".join(nonlocals))
        for var in declared:
            if var.cell:
                self.write(f"{var.pyname} = Cell(_p_{var.pyname})")
        self.block(body)
        if not (body.body and isinstance(body.body[-1], A.Return)):
            self.write("return ()")
        inner = self.lines
        self.lines, self.indent, self.func = saved_lines, saved_indent, saved_func
        line = getattr(node, "line", None)
        definition = [f"def {pyname}({signature}):  # lua:{line}: function {_comment_text(label)}"] + inner
        indent = "    " * self.indent
        target = self.pending[-1] if self.pending else self.lines
        target.extend(indent + text for text in definition)
        return pyname

    # -- expressions ----------------------------------------------------------------------

    def expr(self, node: Any) -> str:
        """Python for exactly one value."""
        if self.ints.overrides:
            override = self.ints.overrides.get(id(node))
            if override is not None:
                return override
        if isinstance(node, (A.Call, A.Invoke)):
            fast = self.byte_at(node) if isinstance(node, A.Invoke) else None
            if fast is None:
                fast = string_paths.single(self, node)
            if fast is not None:
                return fast
        if _is_multi(node):
            return f"({self.multi(node)} or NIL1)[0]"
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            if isinstance(node, A.BinaryOp) or isinstance(node, A.UnaryOp):
                raise self.error(f"unsupported operator {type(node).__name__}", node)
            raise self.error(f"unsupported expression {type(node).__name__}", node)
        return method(node)

    def multi(self, node: Any) -> str:
        """Python for a tuple of all the values of a call or `...`."""
        if isinstance(node, (A.Varargs, A.Dots)):
            return "VA"
        return self.call(node)

    def expr_Nil(self, node: Any) -> str:
        return "None"

    def expr_TrueExpr(self, node: Any) -> str:
        return "True"

    def expr_FalseExpr(self, node: Any) -> str:
        return "False"

    def expr_Number(self, node: A.Number) -> str:
        return _number(lua_number(node))

    def expr_String(self, node: A.String) -> str:
        return repr(string_value(node))

    def expr_Varargs(self, node: Any) -> str:
        return "(VA or NIL1)[0]"

    expr_Dots = expr_Varargs

    def expr_Name(self, node: A.Name) -> str:
        var = self.info.var_of.get(id(node))
        if var is None:
            alias = self.static.get(node.id)
            if alias is not None:
                return alias
            return f"G.get({_bytes(node.id)})"
        return f"{var.pyname}.v" if var.cell else var.pyname

    def expr_Index(self, node: A.Index) -> str:
        if (
            isinstance(node.value, A.Name)
            and node.value.id in LIBRARIES
            and self.info.var_of.get(id(node.value)) is None
            and node.notation == A.IndexNotation.DOT
            and isinstance(node.idx, A.Name)
        ):
            alias = self.static.get(f"{node.value.id}.{node.idx.id}")
            if alias is not None:
                return alias
        if not (node.notation == A.IndexNotation.DOT and isinstance(node.idx, A.Name)) and self.reads_late(node.value, node.idx):
            key = self.index_key(node)
            return f"Later(Index, {key}, {self.expr(node.value)})"
        fast = table_paths.field(self, node)
        if fast is not None:
            return fast
        variable = self.variable_name(node.value)
        if variable is not None:
            return f"Index_n({self.expr(node.value)}, {self.index_key(node)}, {variable!r})"
        return f"Index({self.expr(node.value)}, {self.index_key(node)})"

    def expr_Table(self, node: A.Table) -> str:
        fields = node.fields
        if not fields:
            return "LuaTable()"
        pairs = []
        positions: list[tuple[str, int | None]] = []
        tail = None
        for position, field in enumerate(fields):
            last = position == len(fields) - 1
            if field.key is None:
                if last and _is_multi(field.value):
                    tail = self.multi(field.value)
                else:
                    pairs.append(f"(POS, {self.expr(field.value)})")
            else:
                if not field.between_brackets and isinstance(field.key, A.Name):
                    key = _bytes(field.key.id)
                    name = field.key.id
                else:
                    key = self.expr(field.key)
                    name = string_value(field.key).decode("utf-8", "replace") if isinstance(field.key, A.String) else None
                if name in _CONFIG_KEYS:
                    positions.append((name, getattr(field, "line", None) or self.last_line))
                pairs.append(f"({key}, {self.expr(field.value)})")
        pairs_code = "(" + ", ".join(pairs) + ("," if len(pairs) == 1 else "") + ")"
        if positions:
            keys = self.key_map(positions)
            return f"Build_at({pairs_code}, {keys}, {tail})" if tail is not None else f"Build_at({pairs_code}, {keys})"
        if tail is not None:
            return f"Build({pairs_code}, {tail})"
        return f"Build({pairs_code})"

    def expr_AnonymousFunction(self, node: A.AnonymousFunction) -> str:
        return self.define_function(node, node.args, node.body, "anonymous")

    def call(self, node: Any) -> str:
        """Python for a call: evaluates to the tuple of results."""
        fast = string_paths.multi(self, node)
        if fast is not None:
            return fast
        if isinstance(node, A.Invoke):
            receiver = self.expr(node.source)
            args = self.arglist(node.args)
            method = self.static.get(f"string.{node.func.id}")
            if method is not None and len(args) <= _MAX_DUPLICATED_ARGS:
                return self.string_method(node, receiver, method, args)
            variable = self.variable_name(node.source)
            if variable is not None:
                return f"Invoke_n({variable!r}, {receiver}, {_bytes(node.func.id)}{', ' + args if args else ''})"
            return f"Invoke({receiver}, {_bytes(node.func.id)}{', ' + args if args else ''})"
        func = node.func
        args = self.arglist(node.args)
        if isinstance(func, A.Name) and self.info.var_of.get(id(func)) is None:
            if func.id == "error" and "error" in self.static:
                where = f"{self.chunk_name}:{getattr(node, 'line', '?')}:"
                return f"Lua_error({_bytes(where)}{', ' + args if args else ''})"
        hoisted = self.hoist_config(node)
        if hoisted is not None:
            return hoisted
        return f"{self.callee(func)}({args})"

    def string_method(self, node: A.Invoke, receiver: str, method: str, args: str) -> str:
        """`s:name(args)` where `string.name` is never reassigned: a string receiver calls the
        library function directly (what Lua finds through the string metatable), any other
        receiver takes the generic path. The receiver is evaluated once, before the arguments
        (which appear in both branches, hence their length limit)."""
        rest = f", {args}" if args else ""
        if isinstance(node.source, A.String):
            return f"{method}({receiver}{rest})"
        if not receiver.isidentifier():
            value = self.temp()
            test, receiver = f"({value} := {receiver})", value
        else:
            test = receiver
        variable = self.variable_name(node.source)
        name = _bytes(node.func.id)
        generic = f"Invoke_n({variable!r}, {receiver}, {name}{rest})" if variable is not None else (
            f"Invoke({receiver}, {name}{rest})")
        return f"({method}({receiver}{rest}) if type({test}) is bytes else {generic})"

    def callee(self, func: Any) -> str:
        code = self.expr(func)
        if isinstance(func, (A.Name, A.Index)) or getattr(func, "wrapped", False):
            return code
        return f"({code})"

    def arglist(self, args: list) -> str:
        if not args:
            return ""
        parts = [self.expr(a) for a in args[:-1]]
        last = args[-1]
        parts.append("*" + self.multi(last) if _is_multi(last) else self.expr(last))
        return ", ".join(parts)

    def hoist_config(self, node: A.Call) -> str | None:
        func = node.func
        if not (
            isinstance(func, A.Index)
            and func.notation == A.IndexNotation.DOT
            and isinstance(func.idx, A.Name)
            and func.idx.id == "make_queue_config"
            and isinstance(func.value, A.Name)
            and len(node.args) == 1
            and isinstance(node.args[0], A.Table)
            and _literal(node.args[0])
        ):
            return None
        var = self.info.var_of.get(id(func.value))
        if var is None:
            if func.value.id != "kumo" or "kumo" in self.info.assigned_globals or self.info.dynamic_env:
                return None
        elif not var.is_kumo:
            return None
        name = f"_CONFIG{len(self.hoisted) + 1}"
        self.hoisted.append(Hoisted(name, self.expr_Table(node.args[0]), getattr(node, "line", None)))
        return f"{name}()"

    def expr_Call(self, node: Any) -> str:
        return f"({self.call(node)} or NIL1)[0]"

    expr_Invoke = expr_Call

    def byte_at(self, node: A.Invoke) -> str | None:
        """`s:byte(i)` with `s` a local and `i` a proven positive integer: an index into the bytes."""
        if not (node.func.id == "byte" and len(node.args) == 1 and isinstance(node.source, A.Name)
                and "string.byte" in self.static and not self.ints.overrides):
            return None
        index = self.ints.facts.range(node.args[0])
        if index is None or index[0] < 1 or not isinstance(node.args[0], (A.Name, A.Number)):
            return None
        s, i = self.expr(node.source), self.expr(node.args[0])
        return f"({s}[{i} - 1] if type({s}) is bytes and {i} <= len({s}) else ({self.call(node)} or NIL1)[0])"

    # operators

    def register_local(self, node: Any) -> bool:
        """A local of the current function: Lua reads its register when the operation runs."""
        if not isinstance(node, A.Name):
            return False
        var = self.info.var_of.get(id(node))
        return var is not None and var.func is self.func

    def reads_late(self, left: Any, right: Any) -> bool:
        """`local OP call()`: Lua evaluates the right operand before it reads the local."""
        return self.register_local(left) and _has_call(right)

    def binary(self, name: str, node: Any) -> str:
        fast = self.ints.compile(node, lambda: self.binary_exact(name, node))
        return fast if fast is not None else self.binary_exact(name, node)

    def binary_exact(self, name: str, node: Any) -> str:
        if self.reads_late(node.left, node.right):
            right = self.expr(node.right)
            return f"Later({name}, {right}, {self.expr(node.left)})"
        return f"{name}({self.expr(node.left)}, {self.expr(node.right)})"

    def expr_Concat(self, node: A.Concat) -> str:
        operands = []
        current = node
        while isinstance(current, A.Concat) and not (current is not node and getattr(current, "wrapped", False)):
            operands.append(current.left)
            current = current.right
        operands.append(current)
        if all(self.proven_string(o) for o in operands):  # bytes only: Python's own `+`
            return "(" + " + ".join(self.expr(o) for o in operands) + ")"
        fast = string_paths.concat(self, operands)
        if fast is not None:
            return fast
        if len(operands) == 2:
            return f"Concat({self.expr(operands[0])}, {self.expr(operands[1])})"
        return "Concat_n(" + ", ".join(self.expr(o) for o in operands) + ")"

    def proven_string(self, node: Any) -> bool:
        """`node` always evaluates to a Lua string (or raises): a literal, a `..`, or a
        string-returning `string.*` function never reassigned, called on a proven string."""
        if isinstance(node, (A.String, A.Concat)):
            return True
        if isinstance(node, A.Invoke):
            return (node.func.id in _STRING_RESULTS and f"string.{node.func.id}" in self.static
                    and self.proven_string(node.source))
        if isinstance(node, A.Call):
            func = node.func
            return isinstance(func, A.Index) and isinstance(func.idx, A.Name) and (
                func.idx.id in _STRING_RESULTS and self.proven_library_call(node, func.idx.id))
        return False

    def proven_library_call(self, node: A.Call, name: str) -> bool:
        """`string.<name>(...)` with the global `string` library's own, never reassigned function."""
        func = node.func
        return (
            isinstance(func, A.Index) and func.notation == A.IndexNotation.DOT
            and isinstance(func.value, A.Name) and func.value.id == "string"
            and self.info.var_of.get(id(func.value)) is None
            and isinstance(func.idx, A.Name) and func.idx.id == name
            and f"string.{name}" in self.static
        )

    def expr_EqToOp(self, node: Any) -> str:
        fast = self.ints.compile(node, lambda: self.equality(node.left, node.right, negate=False))
        return fast if fast is not None else self.equality(node.left, node.right, negate=False)

    def expr_NotEqToOp(self, node: Any) -> str:
        fast = self.ints.compile(node, lambda: self.equality(node.left, node.right, negate=True))
        return fast if fast is not None else self.equality(node.left, node.right, negate=True)

    def string_byte_call(self, node: Any) -> bool:
        """`s:byte()` / `s:byte(i)` / `string.byte(s [, i])` with the library's own `byte`:
        an integer in 0..255 whenever the result is an integer."""
        if getattr(node, "wrapped", False) or "string.byte" not in self.static or _contains_code(node):
            return False
        if isinstance(node, A.Invoke):
            return node.func.id == "byte" and len(node.args) <= 1
        return (isinstance(node, A.Call) and self.proven_library_call(node, "byte") and 1 <= len(node.args) <= 2)

    def equality(self, left: Any, right: Any, negate: bool) -> str:
        if _constant(left) and _constant(right):  # both literals: fold (no side effects)
            from kumocheck.runtime.lua_number import eq

            return "False" if eq(_constant_value(left), _constant_value(right)) == negate else "True"
        if self.reads_late(left, right):
            b = self.expr(right)
            code = f"Later(Eq, {b}, {self.expr(left)})"
            return f"(not {code})" if negate else code
        a, b = self.expr(left), self.expr(right)
        identity = "is not" if negate else "is"
        if isinstance(right, A.Nil):
            return f"({a} {identity} None)"
        if isinstance(left, A.Nil):
            return f"({b} {identity} None)"
        if self.proven_string(left) or self.proven_string(right):  # bytes equal only equal bytes
            return f"({a} {'!=' if negate else '=='} {b})"
        if isinstance(right, (A.TrueExpr, A.FalseExpr)):
            return f"({a} {identity} {b})"
        if isinstance(left, (A.TrueExpr, A.FalseExpr)):
            return f"({b} {identity} {a})"
        return f"(not Eq({a}, {b}))" if negate else f"Eq({a}, {b})"

    def expr_AndLoOp(self, node: Any) -> str:
        if _boolean(node.left) and _boolean(node.right):
            return f"({self.expr(node.left)} and {self.expr(node.right)})"
        left = self.expr(node.left)
        right = self.expr(node.right)
        if _boolean(node.left):
            return f"({left} and {right})"
        if self._plain_local(node.left):
            return f"({right} if ({left} is not None and {left} is not False) else {left})"
        temp = self.temp()
        return f"({right} if (({temp} := {left}) is not None and {temp} is not False) else {temp})"

    def _plain_local(self, node: Any) -> bool:
        """A local variable read: no side effect, cheap to read twice."""
        return isinstance(node, A.Name) and self.info.var_of.get(id(node)) is not None

    def expr_OrLoOp(self, node: Any) -> str:
        left = self.expr(node.left)
        right = self.expr(node.right)
        if _boolean(node.left) and _boolean(node.right):
            return f"({left} or {right})"
        if self._plain_local(node.left):
            return f"({left} if ({left} is not None and {left} is not False) else {right})"
        temp = self.temp()
        return f"({temp} if (({temp} := {left}) is not None and {temp} is not False) else {right})"

    def expr_ULNotOp(self, node: Any) -> str:
        return f"(not {self.cond(node.operand)})"

    def expr_UMinusOp(self, node: Any) -> str:
        if isinstance(node.operand, A.Number) and not getattr(node.operand, "wrapped", False):
            value = lua_number(node.operand)
            if type(value) is int:
                negated = -value if value != -(2**63) else value
                return _number(negated)
            return _number(-value)
        return f"Unm({self.expr(node.operand)})"

    def expr_UBNotOp(self, node: Any) -> str:
        return f"Bnot({self.expr(node.operand)})"

    def expr_ULengthOP(self, node: Any) -> str:
        return string_paths.length(self, node.operand) or f"Length({self.expr(node.operand)})"

    def cond(self, node: Any) -> str:
        """A Python expression that is true exactly when the Lua value is truthy."""
        if _boolean(node):
            return self.expr(node)
        if isinstance(node, A.AndLoOp):
            return f"({self.cond(node.left)} and {self.cond(node.right)})"
        if isinstance(node, A.OrLoOp):
            return f"({self.cond(node.left)} or {self.cond(node.right)})"
        if isinstance(node, (A.Nil, A.FalseExpr)):
            return "False"
        if isinstance(node, (A.Number, A.String, A.Table, A.AnonymousFunction)):
            return "True"
        if isinstance(node, A.Name):
            code = self.expr(node)
            return f"({code} is not None and {code} is not False)"
        if isinstance(node, (A.Call, A.Invoke)):
            fast = string_paths.cond(self, node)
            if fast is not None:
                return fast
        temp = self.temp()
        return f"(({temp} := {self.expr(node)}) is not None and {temp} is not False)"


for _op, _name in _ARITH.items():
    setattr(CodeGenerator, "expr_" + _op.__name__, lambda self, node, _n=_name: self.binary(_n, node))
for _op, _name in _COMPARE.items():
    setattr(CodeGenerator, "expr_" + _op.__name__, lambda self, node, _n=_name: self.binary(_n, node))


def _contains_code(node: Any) -> bool:
    """A function or table constructor inside: code the generator must write only once."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (A.AnonymousFunction, A.Table)):
            return True
        stack.extend(child_nodes(item))
    return False


def _boolean(node: Any) -> bool:
    """The expression always yields a Python bool."""
    if isinstance(node, (A.RelOp, A.ULNotOp, A.TrueExpr, A.FalseExpr)):
        return True
    if isinstance(node, (A.AndLoOp, A.OrLoOp)):
        return _boolean(node.left) and _boolean(node.right)
    return False


def _has_call(node: Any) -> bool:
    """The expression contains a call (outside nested function bodies)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, (A.Call, A.Invoke)):
            return True
        if isinstance(item, A.AnonymousFunction) or not isinstance(item, A.Node):
            continue
        for value in vars(item).values():
            if isinstance(value, A.Node):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, A.Node))
    return False


_CONSTANTS = (A.Nil, A.TrueExpr, A.FalseExpr, A.Number, A.String)


def _constant(node: Any) -> bool:
    return isinstance(node, _CONSTANTS)


def _constant_value(node: Any) -> Any:
    if isinstance(node, A.Nil):
        return None
    if isinstance(node, A.TrueExpr):
        return True
    if isinstance(node, A.FalseExpr):
        return False
    if isinstance(node, A.Number):
        return lua_number(node)
    return string_value(node)


def _literal(node: Any) -> bool:
    if isinstance(node, (A.String, A.Number, A.TrueExpr, A.FalseExpr, A.Nil)):
        return True
    if isinstance(node, A.UMinusOp):
        return isinstance(node.operand, A.Number)
    if isinstance(node, A.Table):
        return all(
            (field.key is None or (not field.between_brackets and isinstance(field.key, A.Name)) or _literal(field.key))
            and _literal(field.value)
            for field in node.fields
        )
    return False


def _number(value: int | float) -> str:
    if type(value) is int:
        return str(value)
    if value != value:
        return "NAN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "(-INF)"
    return repr(value)


def _bytes(text: str) -> str:
    return repr(text.encode("utf-8"))


def _ident(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return cleaned[:40] or "f"


def _dotted(node: Any) -> str:
    if isinstance(node, A.Name):
        return node.id
    if isinstance(node, A.Index) and isinstance(node.idx, A.Name) and node.notation == A.IndexNotation.DOT:
        return _dotted(node.value) + "." + node.idx.id
    return "function"


def _config_key(target: A.Index) -> str | None:
    """The queue-config key `t.key` / `t['key']` names, or None."""
    if target.notation == A.IndexNotation.DOT and isinstance(target.idx, A.Name):
        name = target.idx.id
    elif isinstance(target.idx, A.String):
        name = string_value(target.idx).decode("utf-8", "replace")
    else:
        return None
    return name if name in _CONFIG_KEYS else None


def _comment_text(text: str) -> str:
    """Source text made safe for a one-line Python comment."""
    out = []
    for ch in text.rstrip("\r\n")[:120]:
        if ch == "\\":
            out.append("\\\\")
        elif ch.isprintable() and ch.isascii():
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape").decode("ascii"))
    return "".join(out)
