"""What a compiled policy module instantiates: globals, handlers, and the Lua operators.

A compiled module creates one `Policy`, runs the policy's top level once (which calls
`kumo.on` and so fills the handler registry), and exposes `get_queue_config`,
`resolve` and `fire` bound to it.

The helpers below (`index`, `setindex`, `invoke`, `length`, `fornum`, `forin`...) are
the parts of Lua's semantics the generated code calls; arithmetic, comparison and
concatenation come from `lua_number`, strings from `lua_string`.
"""

from __future__ import annotations

import math
import sys
from typing import Any, Callable, Iterator

from kumocheck.runtime import base, provenance
from kumocheck.runtime import lua_number as N
from kumocheck.runtime import lua_string as S
from kumocheck.runtime.base import lua_type, truth
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import HelperState
from kumocheck.runtime.extras_modules import build_modules
from kumocheck.runtime.kumo import build_kumo
from kumocheck.runtime.queue_config import ConfigError, QueueConfig, default_config, lua_index, make_queue_config
from kumocheck.runtime.queue_name import parse_queue_name
from kumocheck.runtime.table import NULL, LuaTable, Userdata

__all__ = [
    "Policy", "MULTIPLE_EVENTS", "NIL1", "POS", "LuaError", "LuaTable", "ConfigError", "QueueConfig",
    "truth", "index", "setindex", "invoke", "length", "fornum", "forin", "build_table",
    "not_", "lua_error", "STRING_TABLE", "make_string_table", "lib_table",
    "Cell", "gt", "ge", "concat_n", "ConstConfig", "call", "later", "build_at", "setindex_at",
    "index_named", "setindex_named", "invoke_named", "ipairs_loop", "pairs_loop",
]

#: events whose handlers form a chain (declare_event! Multiple); every other name is single
MULTIPLE_EVENTS = frozenset({
    "pre_init", "validate_config", "get_queue_config", "get_acl_definition",
    "should_enqueue_log_record", "requeue_message", "throttle_insert_ready_queue",
})

NIL1 = (None,)


class _Pos:
    """Marks a positional field in `build_table` pairs."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "POS"


POS = _Pos()
S.set_tostring_hook(base.tostr)


def queue_config_result(results: tuple, describe: Callable[[Any], str]) -> QueueConfig:
    """What kumod makes of the get_queue_config chain's result: nothing -> the default
    config; a config -> itself; anything else, explicit nil included -> an error."""
    if not results:
        return default_config()
    value = results[0]
    if isinstance(value, QueueConfig):
        return value
    raise LuaError(f"error converting Lua {describe(value)} to QueueConfig".encode())


def lib_table(functions: dict) -> LuaTable:
    table = LuaTable()
    for name, function in sorted(functions.items()):
        table.set(name.encode(), function)
    return table


def make_string_table() -> LuaTable:
    return lib_table(S.STRING)


#: the table strings index through (their metatable's __index): the original `string`
STRING_TABLE = make_string_table()


def _describe(value: Any) -> str:
    return lua_type(value).decode()


def index(obj: Any, key: Any) -> Any:
    """`obj[key]` (tables raw: kumocheck supports no metatables; strings: the string library)."""
    kind = type(obj)
    if kind is LuaTable:
        return obj.get(key)
    if kind is bytes:
        return STRING_TABLE.get(key)
    if kind is QueueConfig:
        return lua_index(obj, key)
    if isinstance(obj, Userdata):
        return obj.lua_index(key)
    raise LuaError(f"attempt to index a {_describe(obj)} value".encode())


def index_named(obj: Any, key: Any, variable: str) -> Any:
    """`obj[key]` where Lua names `obj` in errors (`local 'src'`, `field 'a'`...)."""
    if type(obj) is LuaTable:
        return obj.hash.get(key) if type(key) is bytes else obj.get(key)  # string keys live in the hash
    if type(obj) is bytes or type(obj) is QueueConfig or (isinstance(obj, Userdata) and obj is not NULL):
        return index(obj, key)
    raise LuaError(f"attempt to index a {_describe(obj)} value ({variable})".encode())


def setindex(obj: Any, key: Any, value: Any) -> None:
    """`obj[key] = value`."""
    if type(obj) is LuaTable:
        obj.set(key, value)
        return
    if type(obj) is QueueConfig:
        raise LuaError(b"attempt to assign to a field of a QueueConfig userdata")
    raise LuaError(f"attempt to index a {_describe(obj)} value".encode())


def setindex_named(obj: Any, key: Any, value: Any, variable: str) -> None:
    """`obj[key] = value` where Lua names `obj` in errors."""
    if type(obj) is LuaTable:
        obj.set(key, value)
        return
    if type(obj) is QueueConfig or type(obj) is bytes or isinstance(obj, Userdata):
        setindex(obj, key, value)
        return
    raise LuaError(f"attempt to index a {_describe(obj)} value ({variable})".encode())


def call(func: Any, *args: Any) -> tuple:
    """Call a value that may not be a function (error like Lua's)."""
    if type(func) is LuaTable or type(func) is bytes or not callable(func):
        raise LuaError(f"attempt to call a {_describe(func)} value".encode())
    return func(*args)


def invoke(obj: Any, name: bytes, *args: Any) -> tuple:
    """`obj:name(args)`."""
    method = STRING_TABLE.get(name) if type(obj) is bytes else index(obj, name)
    if method is None or type(method) is LuaTable or type(method) is bytes:
        raise LuaError(
            f"attempt to call a {_describe(method)} value (method '{name.decode('utf-8', 'replace')}')".encode()
        )
    return method(obj, *args)


def invoke_named(variable: str, obj: Any, name: bytes, *args: Any) -> tuple:
    """`obj:name(args)` where Lua names `obj` when it cannot be indexed."""
    kind = type(obj)
    if kind is bytes:
        method = STRING_TABLE.get(name)
    elif kind is LuaTable:
        method = obj.get(name)
    elif kind is QueueConfig or (isinstance(obj, Userdata) and obj is not NULL):
        method = index(obj, name)
    else:
        raise LuaError(f"attempt to index a {_describe(obj)} value ({variable})".encode())
    if method is None or type(method) is LuaTable or type(method) is bytes:
        raise LuaError(
            f"attempt to call a {_describe(method)} value (method '{name.decode('utf-8', 'replace')}')".encode()
        )
    return method(obj, *args)


def length(value: Any) -> int:
    """`#value`."""
    kind = type(value)
    if kind is bytes:
        return len(value)
    if kind is LuaTable:
        return len(value.arr)
    if kind is QueueConfig:
        return 0
    raise LuaError(f"attempt to get length of a {_describe(value)} value".encode())


def not_(value: Any) -> bool:
    return value is None or value is False


def lua_error(where: bytes, message: Any = None, level: Any = 1, *_: Any):
    """`error(message [, level])` called at `where` ("chunk:line:")."""
    if type(message) is bytes and level == 1:
        message = where + b" " + message
    raise LuaError(message)


def build_table(pairs: tuple, tail: tuple = ()) -> LuaTable:
    """A table constructor: (key, value) pairs in source order, POS for positional items;
    `tail` holds the expansion of a last positional multi-value expression."""
    table = LuaTable()
    positional = []
    for key, value in pairs:
        if key is POS:
            positional.append(value)
        else:
            if key is None:
                raise LuaError(b"table index is nil")
            if type(key) is float and key != key:
                raise LuaError(b"table index is NaN")
            if value is not None:
                table.set(key, value)
    positional.extend(tail)
    if positional:
        if not table.hash and not table.arr:
            arr = table.arr
            count = 0
            for value in positional:
                if value is None:
                    break
                arr.append(value)
                count += 1
            for position in range(count, len(positional)):
                if positional[position] is not None:
                    table.set(position + 1, positional[position])
        else:
            for position, value in enumerate(positional, start=1):
                table.set(position, value)
    return table


def build_at(pairs: tuple, origins: dict, tail: tuple = ()) -> LuaTable:
    """`build_table` of a constructor that names queue-config keys; `origins` is the
    compiler's static {key: (chunk, line)} map, kept for explain while tracing."""
    table = build_table(pairs, tail)
    if provenance.STATE.active:
        provenance.attach(table, origins)
    return table


def setindex_at(obj: Any, key: Any, value: Any, origin: tuple, variable: str | None = None) -> None:
    """`obj.key = value` for a queue-config key written at `origin` (chunk, line)."""
    if variable is None:
        setindex(obj, key, value)
    else:
        setindex_named(obj, key, value, variable)
    if provenance.STATE.active and type(obj) is LuaTable:
        provenance.note(obj, key, origin)


def _for_number(value: Any, what: str) -> Any:
    if type(value) is int or type(value) is float:
        return value
    if type(value) is bytes:
        converted = N.str_to_number(value)
        if converted is not None:
            return converted  # Lua 5.4 does not coerce: error below for strings
    raise LuaError(f"'for' {what} value must be a number".encode())


def fornum(start: Any, stop: Any, step: Any = 1) -> Iterator:
    """The values of `for v = start, stop, step` (Lua 5.4 forprep rules)."""
    for value, what in ((start, "initial"), (stop, "limit"), (step, "step")):
        if type(value) is not int and type(value) is not float:
            raise LuaError(f"'for' {what} value must be a number".encode())
    if type(start) is int and type(step) is int:
        if step == 0:
            raise LuaError(b"'for' step is zero")
        if type(stop) is float:
            if stop != stop:
                return iter(())
            if step > 0:
                limit = math.floor(stop) if not math.isinf(stop) else (N.MAXINTEGER if stop > 0 else None)
                if limit is None:
                    return iter(())
                limit = min(limit, N.MAXINTEGER)
            else:
                limit = math.ceil(stop) if not math.isinf(stop) else (N.MININTEGER if stop < 0 else None)
                if limit is None:
                    return iter(())
                limit = max(limit, N.MININTEGER)
        else:
            limit = stop
        if step > 0:
            return iter(range(start, limit + 1, step)) if start <= limit else iter(())
        return iter(range(start, limit - 1, step)) if start >= limit else iter(())
    return _float_loop(float(start), float(stop), float(step))


def _float_loop(start: float, stop: float, step: float) -> Iterator[float]:
    if step == 0:
        raise LuaError(b"'for' step is zero")
    value = start
    if step > 0:
        while value <= stop:
            yield value
            value += step
    else:
        while value >= stop:
            yield value
            value += step


def forin(explist: tuple, count: int = 2) -> Iterator[tuple]:
    """Tuples of exactly `count` loop variables for a generic `for` over `explist`."""
    func = explist[0] if explist else None
    state = explist[1] if len(explist) > 1 else None
    control = explist[2] if len(explist) > 2 else None
    if func is base.lua_next and type(state) is LuaTable and control is None:
        source = state.items()
    elif func is base.ipairs_iter and type(state) is LuaTable and control == 0:
        source = _ipairs(state)
    else:
        return _adjust(_generic(func, state, control), count)
    if count == 2:
        return source
    return _adjust(source, count)


def ipairs_loop(table: Any = None) -> Iterator[tuple]:
    """`for i, v in ipairs(t)` with `ipairs` never reassigned: a table is walked directly."""
    if type(table) is LuaTable:
        return _ipairs(table)
    return forin(base.b_ipairs(table), 2)


def pairs_loop(table: Any = None) -> Iterator[tuple]:
    """`for k, v in pairs(t)` with `pairs` never reassigned: a table is walked directly."""
    if type(table) is LuaTable:
        return table.items()
    return forin(base.b_pairs(table), 2)


def _adjust(source: Iterator[tuple], count: int) -> Iterator[tuple]:
    padding = (None,) * count
    for values in source:
        if len(values) == count:
            yield values
        else:
            yield (tuple(values) + padding)[:count]


def _ipairs(table: LuaTable) -> Iterator[tuple]:
    position = 1
    while True:
        arr = table.arr  # LuaTable.get for an int key, inlined
        value = arr[position - 1] if position <= len(arr) else table.hash.get(position)
        if value is None:
            return
        yield position, value
        position += 1


def _generic(func: Any, state: Any, control: Any) -> Iterator[tuple]:
    if type(func) is LuaTable or type(func) is bytes or not callable(func):
        raise LuaError(f"attempt to call a {_describe(func)} value".encode())
    while True:
        results = func(state, control)
        if not results or results[0] is None:
            return
        control = results[0]
        yield results


class Cell:
    """A Lua local shared by closures and declared in a loop (one per iteration)."""

    __slots__ = ("v",)

    def __init__(self, value: Any = None) -> None:
        self.v = value


def later(operation: Callable, b: Any, a: Any) -> Any:
    """`operation(a, b)` with `b` evaluated first (Lua reads a local operand last)."""
    return operation(a, b)


def gt(a: Any, b: Any) -> bool:
    """`a > b` (Lua evaluates a, then b, then b < a)."""
    return N.lt(b, a)


def ge(a: Any, b: Any) -> bool:
    return N.le(b, a)


def concat_n(*operands: Any) -> bytes:
    """`a .. b .. c ...`: operands evaluated left to right, concatenated from the right."""
    result = operands[-1]
    for operand in reversed(operands[:-1]):
        result = N.concat(operand, result)
    return result


class ConstConfig:
    """A `kumo.make_queue_config{...}` whose table holds only literals: built once, at import.

    Calling it returns what the real call returns, or raises the same error afresh (an
    invalid constant config fails where it is used, not at import).
    """

    __slots__ = ("result", "error")

    def __init__(self, build: Callable[[], LuaTable]) -> None:
        self.result: tuple = ()
        self.error: Any = None
        try:
            self.result = (make_queue_config(build()),)
        except LuaError as exc:
            self.error = exc

    def __call__(self) -> tuple:
        if self.error is not None:
            raise type(self.error)(*_error_args(self.error))
        return self.result


def _error_args(error: LuaError) -> tuple:
    if isinstance(error, ConfigError):
        return (error.key, error.reason)
    return (error.value,)


class Policy:
    """A running policy: its globals, its modules and its registered handlers."""

    def __init__(self, chunk_name: str = "policy.lua") -> None:
        self.chunk_name = chunk_name
        self.handlers: dict[str, list[Callable]] = {}
        self.current_event: str | None = None
        self.loaders: dict[str, Callable] = {}
        self.loaded: dict[str, Any] = {}
        self.extras = HelperState(self)
        self.kumo = build_kumo(self._on, self.extras)
        self.loaders.update(build_modules(self.extras))
        self.G = self._globals()

    # -- globals ------------------------------------------------------------------------

    def _globals(self) -> LuaTable:
        G = LuaTable()
        for name, function in sorted(base.LIB_BASE.items()):
            G.set(name.encode(), function)
        G.set(b"string", STRING_TABLE)
        G.set(b"math", lib_table(N.MATH))
        G.set(b"table", lib_table(base.LIB_TABLE))
        G.set(b"os", lib_table(base.LIB_OS))
        G.set(b"kumo", self.kumo)
        G.set(b"require", self.require)
        G.set(b"_G", G)
        G.set(b"_VERSION", b"Lua 5.4")
        return G

    def require(self, name: Any = None, *_: Any) -> tuple:
        if type(name) is not bytes:
            raise N.type_error(1, "require", "string", name)
        text = name.decode("utf-8", "replace")
        if text in self.loaded:
            return (self.loaded[text],)
        if text == "kumo":
            return (self.kumo,)
        if text in ("string", "math", "table", "os"):
            return (self.G.get(name),)
        loader = self.loaders.get(text)
        if loader is None:
            raise LuaError(
                f"module '{text}' not found: not part of the compiled policy (kumocheck runs it offline)".encode()
            )
        result = loader(name)
        value = result[0] if result else None
        if value is None:
            value = True
        self.loaded[text] = value
        return (value,)

    # -- handlers -----------------------------------------------------------------------

    def _on(self, name: Any = None, func: Any = None, *_: Any) -> tuple:
        if type(name) is int or type(name) is float:
            name = N.tostring_number(name)
        if type(name) is not bytes:
            raise N.type_error(1, "on", "string", name)
        if type(func) is LuaTable or type(func) is bytes or not callable(func):
            raise LuaError(b"kumo.on: the handler must be a function")
        if self.current_event is not None and self.current_event != "main":
            raise LuaError(
                b"attempt to register an event handler from within an event handler; "
                b"handlers must be set up when the policy is loaded"
            )
        event = name.decode("utf-8", "replace")
        existing = self.handlers.setdefault(event, [])
        if existing and event not in MULTIPLE_EVENTS:
            raise LuaError(f"{event} event already has a handler defined".encode())
        existing.append(func)
        return ()

    def run_main(self, chunk: Callable) -> None:
        """Run the policy's top level (registers the handlers)."""
        chunk()

    def fire(self, event: str, *args: Any) -> tuple:
        """Fire an event like kumod: the chain rule for multiple events; the values returned."""
        handlers = self.handlers.get(event, [])
        args = tuple([a.encode("utf-8", "surrogateescape") if isinstance(a, str) else a for a in args])  # _lua_arg
        previous = self.current_event
        self.current_event = event
        try:
            if event in MULTIPLE_EVENTS:
                for handler in handlers:
                    results = _protect(handler, args)
                    if results:
                        return tuple(results)
                return ()
            if not handlers:
                return ()
            return tuple(_protect(handlers[0], args))
        finally:
            self.current_event = previous

    def chain(self, event: str, *args: Any) -> tuple[list[tuple[Callable, tuple]], Any]:
        """Like `fire` for a Multiple event, but also says what each handler did:
        ([(handler, its results)...] up to the one that answered, the LuaError raised or None)."""
        steps: list[tuple[Callable, tuple]] = []
        args = tuple(_lua_arg(a) for a in args)
        previous = self.current_event
        self.current_event = event
        try:
            for handler in self.handlers.get(event, []):
                steps.append((handler, ()))
                results = tuple(_protect(handler, args))
                steps[-1] = (handler, results)
                if results:
                    break
        except LuaError as exc:
            return steps, exc
        finally:
            self.current_event = previous
        return steps, None

    def fire_one(self, handler: Callable, *args: Any) -> tuple:
        """Call one handler with Lua arguments (str becomes bytes); its results."""
        return tuple(_protect(handler, tuple(_lua_arg(a) for a in args)))

    def get_queue_config(self, domain, tenant=None, campaign=None, routing_domain=None) -> QueueConfig:
        """Run the get_queue_config handlers with kumod's chain rule."""
        results = self.fire("get_queue_config", domain, tenant, campaign, routing_domain)
        return queue_config_result(results, _describe)

    def resolve(self, queue_name: str | bytes) -> QueueConfig:
        """The config of a scheduled queue name ([campaign:]tenant@domain[!routing]), str or bytes."""
        if isinstance(queue_name, (bytes, bytearray)):
            queue_name = bytes(queue_name).decode("utf-8", "surrogateescape")
        parts = parse_queue_name(queue_name)
        return self.get_queue_config(parts.domain, parts.tenant, parts.campaign, parts.routing_domain)


def _lua_arg(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape")
    return value


def _protect(handler: Callable, args: tuple) -> tuple:
    try:
        return handler(*args)
    except LuaError:
        raise
    except RecursionError:
        raise LuaError(b"stack overflow") from None
    except TypeError as exc:  # calling a non-function value
        raise LuaError(base.call_error_message(exc)) from None


def main_guard(func: Callable) -> Callable:
    return func


_ = sys
