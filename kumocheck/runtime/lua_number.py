"""Lua 5.4 number semantics for compiled policies.

Value conventions: ``None`` is nil, ``bool`` booleans, ``int`` Lua integers
(always kept in the signed 64-bit range), ``float`` Lua floats, ``bytes`` Lua
strings; anything callable is a function, any other object with a ``get``
method is a table.

Operators (``add`` ... ``le``, ``concat``) take Lua values and return a single
Lua value.  Library functions (``math_*`` and ``tonumber_lua``) follow the Lua
calling convention: positional Lua values in, a tuple of results out.  An
argument the caller did not pass at all may be given as :data:`NOVALUE`
(Lua's "no value", which some error messages distinguish from nil); extra
positional arguments are ignored like Lua ignores them.

Behaviour is modelled on the reference implementation (Lua 5.4.8: lvm.c,
lobject.c, lstrlib.c's string arithmetic metamethods and lmathlib.c) and
checked differentially against it.  NaN results carry the sign the C library
produces on Linux x86-64 (``tostring(0/0)`` is ``-nan``).
"""

from __future__ import annotations

import math as _m
import os as _os
import re as _re
import time as _time
from typing import Any, Callable

from kumocheck.runtime.errors import LuaError

__all__ = [
    "NOVALUE", "MAXINTEGER", "MININTEGER", "LuaError",
    "add", "sub", "mul", "div", "idiv", "mod", "pow", "unm",
    "band", "bor", "bxor", "shl", "shr", "bnot",
    "eq", "lt", "le", "concat",
    "type_name", "tostring_number", "str_to_number", "tonumber", "tonumber_lua",
    "float_to_int_exact", "int_floor_div", "wrap_int",
    "check_integer", "opt_integer", "check_number", "arg_error", "type_error",
    "MATH",
]

LuaValue = Any

MAXINTEGER = 2**63 - 1
MININTEGER = -(2**63)
_MASK64 = 2**64 - 1
_TWO63 = 2**63
_TWO64 = 2**64

_INF = float("inf")
#: The "default NaN" this CPU produces for invalid operations such as 0/0
#: (sign bit set on x86-64, hence Lua's ``-nan``); computed, not folded.
_HW_NAN = _INF - _INF
#: glibc returns a positive NaN for log/asin/acos domain errors.
_POS_NAN = _m.copysign(_HW_NAN, 1.0)


class _NoValue:
    """Type of :data:`NOVALUE`, Lua's "no value" for an absent argument."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOVALUE"

    def __bool__(self) -> bool:
        return False


#: Marker for an argument that was not passed at all (distinct from nil).
NOVALUE: Any = _NoValue()


# ---------------------------------------------------------------------------
# Types and errors
# ---------------------------------------------------------------------------

def type_name(v: LuaValue) -> str:
    """Lua's ``type()`` name of a value (``"no value"`` for NOVALUE)."""
    if v is None:
        return "nil"
    t = type(v)
    if t is bool:
        return "boolean"
    if t is int or t is float:
        return "number"
    if t is bytes:
        return "string"
    if v is NOVALUE:
        return "no value"
    if callable(v):
        return "function"
    if hasattr(v, "get"):
        return "table"
    return "userdata"


def _is_number(v: LuaValue) -> bool:
    t = type(v)
    return t is int or t is float


def arg_error(arg: int, fname: str, msg: str) -> LuaError:
    """Build luaL_argerror's "bad argument #n to 'f' (msg)" error."""
    return LuaError(f"bad argument #{arg} to '{fname}' ({msg})")


def type_error(arg: int, fname: str, expected: str, v: LuaValue) -> LuaError:
    """Build luaL_typeerror's "<expected> expected, got <type>" error."""
    return arg_error(arg, fname, f"{expected} expected, got {type_name(v)}")


def wrap_int(i: int) -> int:
    """Wrap an arbitrary Python int into the signed 64-bit range."""
    if MININTEGER <= i <= MAXINTEGER:
        return i
    return ((i + _TWO63) & _MASK64) - _TWO63


def float_to_int_exact(f: float) -> int | None:
    """The int equal to ``f`` if it has an exact 64-bit representation."""
    if f.is_integer() and -9223372036854775808.0 <= f < 9223372036854775808.0:
        return int(f)
    return None


# ---------------------------------------------------------------------------
# String <-> number conversion (luaO_str2num / tostringbuff)
# ---------------------------------------------------------------------------

_WS = b" \t\n\v\f\r"
_DEC_INT_RE = _re.compile(rb"([+-]?)([0-9]+)")
_HEX_INT_RE = _re.compile(rb"([+-]?)0[xX]([0-9a-fA-F]+)")
_DEC_FLT_RE = _re.compile(rb"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_HEX_FLT_RE = _re.compile(
    rb"([+-]?)0[xX]((?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?)"
)


def str_to_number(s: bytes) -> int | float | None:
    """Convert a Lua string to a number exactly like ``lua_stringtonumber``.

    Accepts decimal and hex integers (hex wraps around, decimal overflow
    becomes a float), decimal and hexadecimal floats, surrounding C-locale
    whitespace; rejects ``inf``/``nan``, embedded zeros and anything else.
    """
    t = s.strip(_WS)
    m = _DEC_INT_RE.fullmatch(t)
    if m is not None:
        a = int(m.group(2))
        if m.group(1) == b"-":
            if a <= _TWO63:
                return -a
        elif a < _TWO63:
            return a
        return float(t)  # decimal overflow: read it as a float
    m = _HEX_INT_RE.fullmatch(t)
    if m is not None:
        a = int(m.group(2), 16) & _MASK64
        if m.group(1) == b"-":
            a = (-a) & _MASK64
        return a - _TWO64 if a >= _TWO63 else a
    if _DEC_FLT_RE.fullmatch(t) is not None:
        return float(t)
    m = _HEX_FLT_RE.fullmatch(t)
    if m is not None:
        try:
            v = float.fromhex(m.group(2).decode("ascii"))
        except OverflowError:
            v = _INF
        return -v if m.group(1) == b"-" else v
    return None


def tostring_number(x: int | float) -> bytes:
    """Lua's string form of a number (``%d``; ``%.14g`` plus ``.0`` for floats)."""
    if type(x) is int:
        return b"%d" % x
    if x != x:
        return b"-nan" if _m.copysign(1.0, x) < 0 else b"nan"
    s = b"%.14g" % x
    if s.lstrip(b"-").isdigit():
        return s + b".0"
    return s


def _b_str2int(s: bytes, base: int) -> int | None:
    """``tonumber(s, base)``: optional sign, alphanumeric digits, wraps around."""
    t = s.strip(_WS)
    neg = False
    if t[:1] == b"-":
        neg = True
        t = t[1:]
    elif t[:1] == b"+":
        t = t[1:]
    if not t or not t.isalnum():
        return None
    n = 0
    for c in t:
        d = c - 48 if c <= 57 else (c & 0xDF) - 55
        if d >= base:
            return None
        n = n * base + d
    n &= _MASK64
    if neg:
        n = (-n) & _MASK64
    return n - _TWO64 if n >= _TWO63 else n


def tonumber(value: LuaValue = NOVALUE, base: LuaValue = None) -> int | float | None:
    """Lua's ``tonumber(value [, base])`` returning the number or None."""
    if base is None or base is NOVALUE:
        t = type(value)
        if t is int or t is float:
            return value
        if t is bytes:
            return str_to_number(value)
        if value is NOVALUE:
            raise arg_error(1, "tonumber", "value expected")
        return None
    b = check_integer(base, 2, "tonumber")
    if type(value) is not bytes:
        raise type_error(1, "tonumber", "string", value)
    if not 2 <= b <= 36:
        raise arg_error(2, "tonumber", "base out of range")
    return _b_str2int(value, b)


def tonumber_lua(value: LuaValue = NOVALUE, base: LuaValue = None, *_: Any) -> tuple:
    """The global ``tonumber`` with the Lua calling convention."""
    return (tonumber(value, base),)


# ---------------------------------------------------------------------------
# Argument checking (luaL_check* family)
# ---------------------------------------------------------------------------

def _tointeger(v: LuaValue) -> int | None:
    """``lua_tointegerx``: ints, integral floats and numeric strings."""
    t = type(v)
    if t is int:
        return v
    if t is float:
        return float_to_int_exact(v)
    if t is bytes:
        n = str_to_number(v)
        if n is None:
            return None
        return n if type(n) is int else float_to_int_exact(n)  # type: ignore[arg-type]
    return None


def check_integer(v: LuaValue, arg: int, fname: str) -> int:
    """``luaL_checkinteger``: an integer or raise Lua's argument error."""
    if type(v) is int:
        return v
    n = _tointeger(v)
    if n is not None:
        return n
    if type(v) is float or (type(v) is bytes and str_to_number(v) is not None):
        raise arg_error(arg, fname, "number has no integer representation")
    raise type_error(arg, fname, "number", v)


def opt_integer(v: LuaValue, arg: int, fname: str, default: int) -> int:
    """``luaL_optinteger``: ``default`` for nil/absent, else check_integer."""
    if v is None or v is NOVALUE:
        return default
    if type(v) is int:
        return v
    return check_integer(v, arg, fname)


def check_number(v: LuaValue, arg: int, fname: str) -> float:
    """``luaL_checknumber``: the argument converted to a float."""
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    if t is bytes:
        n = str_to_number(v)
        if n is not None:
            return float(n)
    raise type_error(arg, fname, "number", v)


# ---------------------------------------------------------------------------
# Float helpers reproducing C results where Python raises
# ---------------------------------------------------------------------------

# When both operands are NaNs the one the CPU propagates depends on how the C
# compiler ordered the operands, and CPython's specialised float opcodes do not
# agree with Lua's build; these helpers pin down what Lua 5.4 produces.

def _fadd(a: float, b: float) -> float:
    """Float ``a + b`` (a NaN ``b`` wins, as in Lua's build)."""
    r = a + b
    return b if r != r and b != b else r


def _fsub(a: float, b: float) -> float:
    """Float ``a - b`` (a NaN ``a`` wins)."""
    r = a - b
    return a if r != r and a != a else r


def _fmul(a: float, b: float) -> float:
    """Float ``a * b`` (a NaN ``a`` wins)."""
    r = a * b
    return a if r != r and a != a else r


def _fdiv(a: float, b: float) -> float:
    """IEEE division ``a / b`` (never raises; a NaN ``a`` wins)."""
    if a != a:
        return a
    if b:
        return a / b
    if b != b:
        return b
    if a == 0.0:
        return _HW_NAN
    if (_m.copysign(1.0, a) > 0) == (_m.copysign(1.0, b) > 0):
        return _INF
    return -_INF


def _ffloor(x: float) -> float:
    """C ``floor`` on floats (keeps -0.0, inf and nan)."""
    if -4503599627370496.0 < x < 4503599627370496.0 and x != 0.0:
        r = float(_m.floor(x))
        return -0.0 if r == 0.0 and x < 0.0 else r
    return x


def _fceil(x: float) -> float:
    """C ``ceil`` on floats (keeps -0.0, inf and nan)."""
    if -4503599627370496.0 < x < 4503599627370496.0 and x != 0.0:
        r = float(_m.ceil(x))
        return -0.0 if r == 0.0 and x < 0.0 else r
    return x


def _cfmod(a: float, b: float) -> float:
    """C ``fmod`` (a fresh NaN for fmod(inf, y) and fmod(x, 0))."""
    if a != a or b != b:
        if a != a and b != b and _m.copysign(1.0, a) != _m.copysign(1.0, b):
            return _m.copysign(a, 1.0)
        return a if a != a else b
    try:
        return _m.fmod(a, b)
    except ValueError:
        return _HW_NAN


def _fmod_lua(a: float, b: float) -> float:
    """Lua float modulo: ``fmod`` corrected towards the divisor's sign."""
    m = _cfmod(a, b)
    if (b < 0.0) if m > 0.0 else (m < 0.0 and b > 0.0):
        m += b
    return m


def _is_odd_integer(y: float) -> bool:
    return y.is_integer() and abs(y) < 9007199254740992.0 and int(y) % 2 == 1


def _fpow(a: float, b: float) -> float:
    """Lua float exponentiation (``a*a`` for ``b == 2``, else C ``pow``)."""
    if b == 2.0:
        return a * a
    if a != a and b == b and b != 0.0:
        # glibc clears the sign of a NaN base raised to an odd integer power
        return _m.copysign(a, 1.0) if _is_odd_integer(b) else a
    try:
        return _m.pow(a, b)
    except OverflowError:
        return -_INF if a < 0.0 and _is_odd_integer(b) else _INF
    except ValueError:
        if a == 0.0:  # pole: zero to a negative power
            return _m.copysign(_INF, a) if _is_odd_integer(b) else _INF
        return _HW_NAN  # negative base, non-integral exponent


# ---------------------------------------------------------------------------
# Arithmetic
# ---------------------------------------------------------------------------

def _raw_add(a: int | float, b: int | float) -> int | float:
    if type(a) is int and type(b) is int:
        return wrap_int(a + b)
    return _fadd(float(a), float(b))


def _raw_sub(a: int | float, b: int | float) -> int | float:
    if type(a) is int and type(b) is int:
        return wrap_int(a - b)
    return _fsub(float(a), float(b))


def _raw_mul(a: int | float, b: int | float) -> int | float:
    if type(a) is int and type(b) is int:
        return wrap_int(a * b)
    return _fmul(float(a), float(b))


def _raw_div(a: int | float, b: int | float) -> float:
    return _fdiv(float(a), float(b))


def _raw_pow(a: int | float, b: int | float) -> float:
    return _fpow(float(a), float(b))


def int_floor_div(a: int, b: int) -> int:
    """Integer ``//`` of two Lua integers (floor, wraps, errors on zero)."""
    if b == 0:
        raise LuaError("attempt to divide by zero")
    return wrap_int(a // b)


def _raw_idiv(a: int | float, b: int | float) -> int | float:
    if type(a) is int and type(b) is int:
        return int_floor_div(a, b)
    return _ffloor(_fdiv(float(a), float(b)))


def _raw_mod(a: int | float, b: int | float) -> int | float:
    if type(a) is int and type(b) is int:
        if b == 0:
            raise LuaError("attempt to perform 'n%0'")
        return a % b
    return _fmod_lua(float(a), float(b))


def _raw_unm(a: int | float, _b: Any = None) -> int | float:
    if type(a) is int:
        return wrap_int(-a)
    return -a


def _arith_operand(v: LuaValue) -> int | float | None:
    t = type(v)
    if t is int or t is float:
        return v
    if t is bytes:
        return str_to_number(v)
    return None


def _arith_slow(event: str, raw: Callable[[Any, Any], Any], a: LuaValue, b: LuaValue) -> Any:
    """Mixed/string operands: coerce numeric strings, else raise Lua's error."""
    x = _arith_operand(a)
    y = _arith_operand(b)
    if x is not None and y is not None:
        return raw(x, y)
    if type(a) is bytes or type(b) is bytes:
        # the string metamethods (lstrlib.c 'trymt') report both operand types
        raise LuaError(f"attempt to {event} a '{type_name(a)}' with a '{type_name(b)}'")
    bad = b if _is_number(a) else a
    raise LuaError(f"attempt to perform arithmetic on a {type_name(bad)} value")


def add(a: LuaValue, b: LuaValue) -> int | float:
    """Lua ``a + b``."""
    if type(a) is int and type(b) is int:
        r = a + b
        return r if MININTEGER <= r <= MAXINTEGER else wrap_int(r)
    if type(a) is float and type(b) is float:
        r = a + b
        return b if r != r and b != b else r
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):  # int with float
        return _fadd(float(a), float(b))
    return _arith_slow("add", _raw_add, a, b)


def sub(a: LuaValue, b: LuaValue) -> int | float:
    """Lua ``a - b``."""
    if type(a) is int and type(b) is int:
        r = a - b
        return r if MININTEGER <= r <= MAXINTEGER else wrap_int(r)
    if type(a) is float and type(b) is float:
        r = a - b
        return a if r != r and a != a else r
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):  # int with float
        return _fsub(float(a), float(b))
    return _arith_slow("sub", _raw_sub, a, b)


def mul(a: LuaValue, b: LuaValue) -> int | float:
    """Lua ``a * b``."""
    if type(a) is int and type(b) is int:
        r = a * b
        return r if MININTEGER <= r <= MAXINTEGER else wrap_int(r)
    if type(a) is float and type(b) is float:
        r = a * b
        return a if r != r and a != a else r
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):  # int with float
        return _fmul(float(a), float(b))
    return _arith_slow("mul", _raw_mul, a, b)


def div(a: LuaValue, b: LuaValue) -> float:
    """Lua ``a / b`` (always a float)."""
    if type(a) is float and type(b) is float and b and a == a:
        return a / b
    ta, tb = type(a), type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return _fdiv(float(a), float(b))
    return _arith_slow("div", _raw_div, a, b)


def idiv(a: LuaValue, b: LuaValue) -> int | float:
    """Lua ``a // b`` (floor division)."""
    if type(a) is int and type(b) is int and b:
        r = a // b
        return r if r <= MAXINTEGER else wrap_int(r)
    return _arith_slow("idiv", _raw_idiv, a, b)


def mod(a: LuaValue, b: LuaValue) -> int | float:
    """Lua ``a % b`` (result has the sign of the divisor)."""
    if type(a) is int and type(b) is int and b:
        return a % b
    return _arith_slow("mod", _raw_mod, a, b)


def pow(a: LuaValue, b: LuaValue) -> float:  # noqa: A001 - Lua operator name
    """Lua ``a ^ b`` (always a float)."""
    ta = type(a)
    tb = type(b)
    if (ta is float or ta is int) and (tb is float or tb is int):
        return _fpow(float(a), float(b))
    return _arith_slow("pow", _raw_pow, a, b)


def unm(a: LuaValue) -> int | float:
    """Lua unary ``-a``."""
    if type(a) is int:
        return -a if a != MININTEGER else a
    if type(a) is float:
        return -a
    return _arith_slow("unm", _raw_unm, a, a)


# ---------------------------------------------------------------------------
# Bitwise operators (no string coercion in Lua 5.4)
# ---------------------------------------------------------------------------

def _bit_operand(v: LuaValue) -> int | None:
    t = type(v)
    if t is int:
        return v
    if t is float:
        return float_to_int_exact(v)
    return None


def _bit_slow(a: LuaValue, b: LuaValue) -> tuple[int, int]:
    x = _bit_operand(a)
    y = _bit_operand(b)
    if x is not None and y is not None:
        return x, y
    if _is_number(a) and _is_number(b):
        raise LuaError("number has no integer representation")
    bad = b if _is_number(a) else a
    raise LuaError(f"attempt to perform bitwise operation on a {type_name(bad)} value")


def band(a: LuaValue, b: LuaValue) -> int:
    """Lua ``a & b``."""
    if type(a) is not int or type(b) is not int:
        a, b = _bit_slow(a, b)
    return a & b


def bor(a: LuaValue, b: LuaValue) -> int:
    """Lua ``a | b``."""
    if type(a) is not int or type(b) is not int:
        a, b = _bit_slow(a, b)
    return a | b


def bxor(a: LuaValue, b: LuaValue) -> int:
    """Lua ``a ~ b``."""
    if type(a) is not int or type(b) is not int:
        a, b = _bit_slow(a, b)
    return a ^ b


def _shift_left(x: int, y: int) -> int:
    if y < 0:
        if y <= -64:
            return 0
        r = (x & _MASK64) >> -y
        return r - _TWO64 if r >= _TWO63 else r
    if y >= 64:
        return 0
    return wrap_int(x << y)


def shl(a: LuaValue, b: LuaValue) -> int:
    """Lua ``a << b`` (logical shift; shifts of 64 or more give 0)."""
    if type(a) is int and type(b) is int and 0 <= b < 64:
        r = a << b
        return r if MININTEGER <= r <= MAXINTEGER else wrap_int(r)
    if type(a) is not int or type(b) is not int:
        a, b = _bit_slow(a, b)
    return _shift_left(a, b)


def shr(a: LuaValue, b: LuaValue) -> int:
    """Lua ``a >> b`` (logical shift)."""
    if type(a) is not int or type(b) is not int:
        a, b = _bit_slow(a, b)
    return _shift_left(a, wrap_int(-b))


def bnot(a: LuaValue) -> int:
    """Lua ``~a``."""
    if type(a) is not int:
        a, _ = _bit_slow(a, a)
    return ~a


# ---------------------------------------------------------------------------
# Comparison and concatenation
# ---------------------------------------------------------------------------

_SCALARS = (bytes, int, float, bool)


def eq(a: LuaValue, b: LuaValue) -> bool:
    """Lua raw equality ``a == b`` (tables and functions by identity)."""
    ta = type(a)
    tb = type(b)
    if ta is tb:
        if ta in _SCALARS:
            return a == b
        return a is b
    if (ta is int and tb is float) or (ta is float and tb is int):
        return a == b
    return False


def _order_error(a: LuaValue, b: LuaValue) -> LuaError:
    t1 = type_name(a)
    t2 = type_name(b)
    if t1 == t2:
        return LuaError(f"attempt to compare two {t1} values")
    return LuaError(f"attempt to compare {t1} with {t2}")


def lt(a: LuaValue, b: LuaValue) -> bool:
    """Lua ``a < b`` for numbers (exact int/float) and strings (bytewise)."""
    ta = type(a)
    tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a < b
    if ta is bytes and tb is bytes:
        return a < b
    raise _order_error(a, b)


def le(a: LuaValue, b: LuaValue) -> bool:
    """Lua ``a <= b``."""
    ta = type(a)
    tb = type(b)
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a <= b
    if ta is bytes and tb is bytes:
        return a <= b
    raise _order_error(a, b)


def concat(a: LuaValue, b: LuaValue) -> bytes:
    """Lua ``a .. b`` (numbers are converted with tostring_number)."""
    ta = type(a)
    tb = type(b)
    if ta is bytes and tb is bytes:
        return a + b
    if ta is int or ta is float:
        sa = tostring_number(a)
    elif ta is bytes:
        sa = a
    else:
        raise LuaError(f"attempt to concatenate a {type_name(a)} value")
    if tb is int or tb is float:
        return sa + tostring_number(b)
    if tb is bytes:
        return sa + b
    raise LuaError(f"attempt to concatenate a {type_name(b)} value")


# ---------------------------------------------------------------------------
# The math library
# ---------------------------------------------------------------------------

def _pushnumint(d: float) -> int | float:
    """An int if the (integral) float fits in 64 bits, else the float."""
    if -9223372036854775808.0 <= d < 9223372036854775808.0:
        return int(d)
    return d


def math_abs(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.abs`` (integers wrap: abs(mininteger) == mininteger)."""
    if type(x) is int:
        return (x if x >= 0 else wrap_int(-x),)
    return (_m.fabs(check_number(x, 1, "abs")),)


def math_ceil(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.ceil``: an integer when the result fits, else a float."""
    if type(x) is int:
        return (x,)
    return (_pushnumint(_fceil(check_number(x, 1, "ceil"))),)


def math_floor(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.floor``: an integer when the result fits, else a float."""
    if type(x) is int:
        return (x,)
    return (_pushnumint(_ffloor(check_number(x, 1, "floor"))),)


def math_fmod(a: LuaValue = NOVALUE, b: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.fmod``: C remainder (truncated towards zero)."""
    if type(a) is int and type(b) is int:
        if b == 0:
            raise arg_error(2, "fmod", "zero")
        if b == -1:
            return (0,)
        r = abs(a) % abs(b)
        return (-r if a < 0 else r,)
    y = check_number(b, 2, "fmod")  # C evaluates the second argument first
    x = check_number(a, 1, "fmod")
    return (_cfmod(x, y),)


def math_modf(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.modf``: integral part (int when it fits) and fractional part."""
    if type(x) is int:
        return (x, 0.0)
    n = check_number(x, 1, "modf")
    ip = _fceil(n) if n < 0.0 else _ffloor(n)
    return (_pushnumint(ip), 0.0 if n == ip else n - ip)


def math_sqrt(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.sqrt``."""
    v = check_number(x, 1, "sqrt")
    try:
        return (_m.sqrt(v),)
    except ValueError:
        return (_HW_NAN,)


def math_exp(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.exp``."""
    v = check_number(x, 1, "exp")
    try:
        return (_m.exp(v),)
    except OverflowError:
        return (_INF,)


def _clog(fn: Callable[[float], float], x: float) -> float:
    try:
        return fn(x)
    except ValueError:
        return -_INF if x == 0.0 else _POS_NAN


def math_log(x: LuaValue = NOVALUE, base: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.log(x [, base])`` (log2/log10 for bases 2 and 10, as C Lua)."""
    v = check_number(x, 1, "log")
    if base is None or base is NOVALUE:
        return (_clog(_m.log, v),)
    b = check_number(base, 2, "log")
    if b == 2.0:
        return (_clog(_m.log2, v),)
    if b == 10.0:
        return (_clog(_m.log10, v),)
    return (_fdiv(_clog(_m.log, v), _clog(_m.log, b)),)


def _trig(fn: Callable[[float], float], name: str, nan: float) -> Callable[..., tuple]:
    def lua_fn(x: LuaValue = NOVALUE, *_: Any) -> tuple:
        v = check_number(x, 1, name)
        try:
            return (fn(v),)
        except ValueError:
            return (nan,)

    lua_fn.__name__ = f"math_{name}"
    lua_fn.__doc__ = f"``math.{name}``."
    return lua_fn


math_sin = _trig(_m.sin, "sin", _HW_NAN)
math_cos = _trig(_m.cos, "cos", _HW_NAN)
math_tan = _trig(_m.tan, "tan", _HW_NAN)
math_asin = _trig(_m.asin, "asin", _POS_NAN)
math_acos = _trig(_m.acos, "acos", _POS_NAN)


def math_atan(y: LuaValue = NOVALUE, x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.atan(y [, x])`` (two-argument arctangent)."""
    a = check_number(y, 1, "atan")
    b = 1.0 if x is None or x is NOVALUE else check_number(x, 2, "atan")
    if a != a or b != b:  # CPython returns a fresh NaN; C propagates one
        return (b if b != b else a,)
    return (_m.atan2(a, b),)


def math_deg(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.deg``."""
    return (check_number(x, 1, "deg") * (180.0 / _m.pi),)


def math_rad(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.rad``."""
    return (check_number(x, 1, "rad") * (_m.pi / 180.0),)


def math_tointeger(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.tointeger``: the integer value of ``x`` or nil (accepts strings)."""
    n = _tointeger(x)
    if n is None and x is NOVALUE:
        raise arg_error(1, "tointeger", "value expected")
    return (n,)


def math_type(x: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.type``: ``b"integer"``, ``b"float"`` or nil."""
    t = type(x)
    if t is int:
        return (b"integer",)
    if t is float:
        return (b"float",)
    if x is NOVALUE:
        raise arg_error(1, "type", "value expected")
    return (None,)


def math_ult(a: LuaValue = NOVALUE, b: LuaValue = NOVALUE, *_: Any) -> tuple:
    """``math.ult``: unsigned integer comparison."""
    x = check_integer(a, 1, "ult")
    y = check_integer(b, 2, "ult")
    return ((x & _MASK64) < (y & _MASK64),)


def math_max(*args: LuaValue) -> tuple:
    """``math.max`` (compares with Lua ``<``; returns the original value)."""
    if not args:
        raise arg_error(1, "max", "value expected")
    best = args[0]
    for v in args[1:]:
        if lt(best, v):
            best = v
    return (best,)


def math_min(*args: LuaValue) -> tuple:
    """``math.min`` (compares with Lua ``<``; returns the original value)."""
    if not args:
        raise arg_error(1, "min", "value expected")
    best = args[0]
    for v in args[1:]:
        if lt(v, best):
            best = v
    return (best,)


# --- xoshiro256** exactly as lmathlib.c -------------------------------------

_rand_state = [0, 0, 0, 0]


def _rotl(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _MASK64


def _nextrand() -> int:
    st = _rand_state
    s0, s1, s2, s3 = st
    s2 ^= s0
    s3 ^= s1
    res = (_rotl((s1 * 5) & _MASK64, 7) * 9) & _MASK64
    st[0] = s0 ^ s3
    st[1] = s1 ^ s2
    st[2] = s2 ^ ((s1 << 17) & _MASK64)
    st[3] = _rotl(s3, 45)
    return res


def _project(ran: int, n: int) -> int:
    """Project a random 64-bit value into [0, n] without bias."""
    if n & (n + 1) == 0:
        return ran & n
    lim = (1 << n.bit_length()) - 1
    ran &= lim
    while ran > n:
        ran = _nextrand() & lim
    return ran


def _setseed(n1: int, n2: int) -> tuple:
    _rand_state[:] = [n1 & _MASK64, 0xFF, n2 & _MASK64, 0]
    for _ in range(16):
        _nextrand()
    return (wrap_int(n1), wrap_int(n2))


def math_random(*args: LuaValue) -> tuple:
    """``math.random([m [, n]])`` with Lua 5.4's generator and projection."""
    rv = _nextrand()
    nargs = len(args)
    if nargs == 0:
        return ((rv >> 11) * (0.5 / (1 << 52)),)
    if nargs == 1:
        low = 1
        up = check_integer(args[0], 1, "random")
        if up == 0:
            return (rv - _TWO64 if rv >= _TWO63 else rv,)
    elif nargs == 2:
        low = check_integer(args[0], 1, "random")
        up = check_integer(args[1], 2, "random")
    else:
        raise LuaError("wrong number of arguments")
    if low > up:
        raise arg_error(1, "random", "interval is empty")
    p = _project(rv, (up - low) & _MASK64)
    return (wrap_int(p + low),)


def math_randomseed(*args: LuaValue) -> tuple:
    """``math.randomseed([x [, y]])``; returns the two seed components."""
    if not args:
        return _setseed(int(_time.time()), int.from_bytes(_os.urandom(8), "little"))
    n1 = check_integer(args[0], 1, "randomseed")
    n2 = opt_integer(args[1], 2, "randomseed", 0) if len(args) > 1 else 0
    return _setseed(n1, n2)


math_randomseed()

#: The ``math`` table: Lua name -> library function or constant.
MATH: dict[str, Any] = {
    "abs": math_abs,
    "acos": math_acos,
    "asin": math_asin,
    "atan": math_atan,
    "ceil": math_ceil,
    "cos": math_cos,
    "deg": math_deg,
    "exp": math_exp,
    "floor": math_floor,
    "fmod": math_fmod,
    "huge": _INF,
    "log": math_log,
    "max": math_max,
    "maxinteger": MAXINTEGER,
    "min": math_min,
    "mininteger": MININTEGER,
    "modf": math_modf,
    "pi": _m.pi,
    "rad": math_rad,
    "random": math_random,
    "randomseed": math_randomseed,
    "sin": math_sin,
    "sqrt": math_sqrt,
    "tan": math_tan,
    "tointeger": math_tointeger,
    "type": math_type,
    "ult": math_ult,
}
