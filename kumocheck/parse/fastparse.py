"""A hand-written Lua 5.4 lexer and parser that builds luaparser's AST.

`fast_parse(text)` returns the same `luaparser.astnodes` tree (node classes, fields and
`_first_token` / `_last_token` positions) that the ANTLR front end in `kumocheck.parse`
builds with luaparser's `BuilderVisitor`, plus the comments, many times faster.

Acceptance follows Lua 5.4's own lexer and parser (`lparser.c`), including the checks Lua
makes while compiling: `goto` to a visible label, `break` inside a loop, local attributes,
assignment to `<const>` locals, `...` outside a vararg function, the 200-locals limit and
the C-stack bound on syntactic nesting (LUAI_MAXCCALLS).

Token positions mirror the ANTLR parse tree luaparser builds on (rule contexts span the
tokens they matched; `Name`s made from bare identifiers carry no tokens; a call statement
spans only its last `tail* args` part, and so on).  Node comments (`node.comments`) are
left empty: nothing in kumocheck reads them; the comment tokens are returned separately.

Known, deliberate differences from the ANTLR front end: calls that follow a method call on
a parenthesised expression, `("x"):rep(2)(y)`, are kept (luaparser drops them); lines are
counted like Lua (a lone `\r` or `\n\r` is one line break; ANTLR counts only `\n`); a
Token's `tokenIndex` counts default-channel tokens only.

While it runs, `fast_parse` disables the cyclic GC and raises the recursion limit to at
least `_RECURSION_NEEDED` (both restored on return): process-wide settings.
"""

from __future__ import annotations

import gc
import re
import sys

from luaparser import astnodes as A

from kumocheck.parse.literals import decode_string_token, number_value
from kumocheck.parse.lua import Comment, LuaSyntaxError, SyntaxProblem

__all__ = ["fast_parse", "FallbackToAntlr", "Token"]

#: lparser.c's limit on nested C calls while parsing (statement / subexpr levels).
#: Calibrated against lupa's Lua 5.4 `load` (the calling context uses a few levels).
MAX_LEVELS = 198
MAX_VARS = 200
_RECURSION_NEEDED = 8 * MAX_LEVELS + 1000


class FallbackToAntlr(Exception):
    """Raised for input this parser does not handle (none known)."""


class Token:
    """A token shaped like ANTLR's CommonToken (line 1-based, column 0-based)."""

    __slots__ = ("type", "text", "line", "column", "start", "stop", "channel", "tokenIndex")

    def __init__(self, type_, text, line, column, start, stop, index):
        self.type = type_
        self.text = text
        self.line = line
        self.column = column
        self.start = start
        self.stop = stop
        self.channel = 0
        self.tokenIndex = index

    def clone(self):
        t = Token(self.type, self.text, self.line, self.column, self.start, self.stop, self.tokenIndex)
        t.channel = self.channel
        return t

    def getText(self):  # noqa: N802
        return self.text

    def __repr__(self):
        return f"[@{self.tokenIndex},{self.start}:{self.stop}={self.text!r},<{self.type}>,{self.line}:{self.column}]"


# ANTLR token types of luaparser's LuaLexer
_LITERALS = (";", "=", "break", "goto", "do", "end", "while", "repeat", "until", "if", "then", "elseif",
             "else", "for", ",", "in", "function", "local", "<", ">", "return", "::", "nil", "false",
             "true", ".", "~", "-", "#", "(", ")", "not", "<<", ">>", "&", "//", "%", ":", "<=", ">=",
             "and", "or", "+", "*", "{", "}", "[", "]", "==", "..", "|", "^", "/", "...", "~=")
_TYPE = {text: i + 1 for i, text in enumerate(_LITERALS)}
NAME, NORMALSTRING, CHARSTRING, LONGSTRING, INT, HEX, FLOAT, HEX_FLOAT = range(56, 64)
EOF_TYPE = -1
ERROR_TYPE = 0

_KEYWORDS = frozenset(("and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
                       "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while"))

# kinds used by the parser: the token text for keywords and symbols, else one of these
K_NAME, K_NUMBER, K_STRING, K_EOF, K_ERROR = "<name>", "<number>", "<string>", "<eof>", "<error>"

_QUOTED = r"""(?:[^{q}\\\r\n]++|\\z[ \t\f\v\r\n]*+|\\\r\n?+|\\\n\r?+|\\[^\r\n])*+{q}"""
_SCAN = re.compile(
    r"""[ \t\f\v\r\n]*+(?:
      (?P<name>[A-Za-z_][A-Za-z0-9_]*+)
    | (?P<num>0[xX](?:[pP][-+]?|[0-9a-fA-F.])*+[A-Za-z_]?|(?:[0-9]|\.[0-9])(?:[eE][-+]?|[0-9a-fA-F.])*+[A-Za-z_]?)
    | (?P<comment>--(?:\[(?P<ceq>=*)\[.*?\](?P=ceq)\]|[^\r\n]*+))
    | (?P<op>\.\.\.|\.\.|==|~=|<=|>=|<<|>>|//|::|[-+*/%^#&~|<>=(){};:,.\]])
    | (?P<str>"(?:DQ)|'(?:SQ))
    | (?P<long>\[(?P<leq>=*)\[.*?\](?P=leq)\])
    | (?P<lbr>\[=*+)
    | (?P<badstr>["'])
    | (?P<eof>\Z)
    | (?P<bad>.)
    )""".replace("DQ", _QUOTED.format(q='"')).replace("SQ", _QUOTED.format(q="'")),
    re.X | re.S,
)
_VALID_NUMBER = re.compile(
    r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][-+]?[0-9]+)?"
)
_LINE_BREAK = re.compile(r"\r\n|\n\r|\r|\n")
_STRING_BODY = {
    '"': re.compile(r'(?:[^"\\\r\n]+|\\z[ \t\f\v\r\n]*|\\\r\n?|\\\n\r?|\\[^\r\n])*'),
    "'": re.compile(r"(?:[^'\\\r\n]+|\\z[ \t\f\v\r\n]*|\\\r\n?|\\\n\r?|\\[^\r\n])*"),
}
_LINE_COMMENT_BODY = re.compile(r"[^\r\n]*")
_LONG_OPEN = re.compile(r"\[=*\[")
_ESCAPE = re.compile(r"\\(.)", re.S)


class _LexError(Exception):
    def __init__(self, message, pos, near):
        self.message = message
        self.pos = pos
        self.near = near


def _char_repr(ch: str) -> str:
    if " " <= ch <= "~":
        return ch
    return "<\\%d>" % ch.encode("utf-8", "surrogateescape")[0]


def _check_escapes(text: str, start: int) -> None:
    """Lua's escape sequence errors in a quoted string `text` (with its quotes)."""
    for m in _ESCAPE.finditer(text, 1, len(text) - 1):
        c = m.group(1)
        i = m.start()
        if c in "abfnrtv\\\"'\r\nz":
            continue
        if c == "x":
            j = i + 2
            for _ in range(2):
                if j >= len(text) - 1 or text[j] not in "0123456789abcdefABCDEF":
                    raise _LexError("hexadecimal digit expected", start + j, text[: j + 1])
                j += 1
            continue
        if c == "u":
            j = i + 2
            if j >= len(text) - 1 or text[j] != "{":
                raise _LexError("missing '{' in \\u{xxxx}", start + j, text[: j + 1])
            j += 1
            value = 0
            digits = 0
            while j < len(text) - 1 and text[j] in "0123456789abcdefABCDEF":
                value = value * 16 + int(text[j], 16)
                digits += 1
                if value > 0x7FFFFFFF:
                    raise _LexError("UTF-8 value too large", start + j, text[: j + 1])
                j += 1
            if digits == 0:
                raise _LexError("hexadecimal digit expected", start + j, text[: j + 1])
            if j >= len(text) - 1 or text[j] != "}":
                raise _LexError("missing '}' in \\u{xxxx}", start + j, text[: j + 1])
            continue
        if c.isdigit() and c.isascii():
            j = i + 1
            while j < i + 4 and j < len(text) - 1 and text[j] in "0123456789":
                j += 1
            if int(text[i + 1 : j]) > 255:
                raise _LexError("decimal escape too large", start + j, text[: j + 1])
            continue
        raise _LexError("invalid escape sequence", start + i + 1, text[: i + 2])


def _lex(text: str):
    """Tokens (without comments) and comments; a lexical error ends the token list with an
    ERROR token whose text is the message (Lua reports it when the parser reaches it)."""
    tokens: list[Token] = []
    kinds: list[str] = []
    comments: list[Comment] = []
    # line starts (Lua counts \r\n, \n\r, \r and \n as one line break each)
    if "\r" in text:
        line_starts = [m.end() for m in _LINE_BREAK.finditer(text)]
    else:
        line_starts = []
        find = text.find
        i = find("\n")
        while i >= 0:
            line_starts.append(i + 1)
            i = find("\n", i + 1)
    line_starts.append(len(text) + 2)  # sentinel
    li = 0  # index of next line start
    next_ls = line_starts[0]
    line = 1
    line_start = 0
    n = len(text)
    append = tokens.append
    kappend = kinds.append
    TYPE = _TYPE
    KW = _KEYWORDS
    try:
        for m in _SCAN.finditer(text):
            group = m.lastgroup
            s = m.start(group)
            if next_ls <= s:
                while next_ls <= s:
                    line_start = next_ls
                    li += 1
                    line += 1
                    next_ls = line_starts[li]
            if group == "name":
                word = m.group(group)
                if word in KW:
                    append(Token(TYPE[word], word, line, s - line_start, s, m.end() - 1, len(tokens)))
                    kappend(word)
                else:
                    append(Token(NAME, word, line, s - line_start, s, m.end() - 1, len(tokens)))
                    kappend(K_NAME)
            elif group == "op":
                word = m.group(group)
                append(Token(TYPE[word], word, line, s - line_start, s, m.end() - 1, len(tokens)))
                kappend(word)
            elif group == "str":
                word = m.group(group)
                if "\\" in word:
                    _check_escapes(word, s)
                append(Token(NORMALSTRING if word[0] == '"' else CHARSTRING, word, line, s - line_start, s,
                             m.end() - 1, len(tokens)))
                kappend(K_STRING)
            elif group == "comment":
                word = m.group(group)
                if m.group("ceq") is None and word.startswith("--[") and _LONG_OPEN.match(word, 2):
                    raise _LexError(f"unfinished long comment (starting at line {line})", n, "<eof>")
                comments.append(Comment(word, line, s - line_start + 1))
            elif group == "num":
                word = m.group(group)
                end = m.end()
                if _VALID_NUMBER.fullmatch(word) is None:
                    raise _LexError("malformed number", end, word)
                low = word.lower()
                if low.startswith("0x"):
                    ttype = HEX_FLOAT if ("." in low or "p" in low) else HEX
                else:
                    ttype = FLOAT if ("." in low or "e" in low) else INT
                append(Token(ttype, word, line, s - line_start, s, end - 1, len(tokens)))
                kappend(K_NUMBER)
            elif group == "long":
                word = m.group(group)
                append(Token(LONGSTRING, word, line, s - line_start, s, m.end() - 1, len(tokens)))
                kappend(K_STRING)
            elif group == "lbr":
                word = m.group(group)
                if text.startswith("[", m.end()):
                    raise _LexError(f"unfinished long string (starting at line {line})", n, "<eof>")
                if word != "[":
                    raise _LexError("invalid long string delimiter", m.end(), word)
                append(Token(TYPE["["], "[", line, s - line_start, s, s, len(tokens)))
                kappend("[")
            elif group == "badstr":
                body = _STRING_BODY[m.group(group)].match(text, s + 1)
                stop = body.end()
                word = text[s:stop]
                if "\\" in word:
                    _check_escapes(word + word[0], s)
                raise _LexError("unfinished string", stop, "<eof>" if stop >= n else word)
            elif group == "eof":
                append(Token(EOF_TYPE, "<EOF>", line, s - line_start, s, s - 1, len(tokens)))
                kappend(K_EOF)
                break
            else:  # a character that starts no token: Lua's lexer returns it as a symbol
                ch = m.group(group)
                append(Token(ERROR_TYPE, ch, line, s - line_start, s, s, len(tokens)))
                kappend("<bad>")
    except _LexError as exc:
        while next_ls <= exc.pos and li < len(line_starts) - 1:
            line_start = next_ls
            li += 1
            line += 1
            next_ls = line_starts[li]
        tok = Token(ERROR_TYPE, exc.message, line, max(exc.pos - line_start, 0), exc.pos, exc.pos, len(tokens))
        append(tok)
        kappend(K_ERROR)
        return tokens, kinds, comments, exc.near  # the text Lua shows after "near"
    return tokens, kinds, comments, None


# -- node construction ------------------------------------------------------------------------
# luaparser's constructors chain through three __init__s with keyword arguments; the hot
# nodes are made here from a prototype's attribute dict instead (same keys, same order).
_new = object.__new__
_DQ = A.StringDelimiter.DOUBLE_QUOTE
_SQ = A.StringDelimiter.SINGLE_QUOTE
_LONG = A.StringDelimiter.DOUBLE_SQUARE
_DOT = A.IndexNotation.DOT
_SQUARE = A.IndexNotation.SQUARE
_PAREN_CALL = A.CallStyle.DEFAULT
_BARE_CALL = A.CallStyle.NO_PARENTHESIS


def _template(node) -> dict:
    return dict(node.__dict__)


_NAME_T = _template(A.Name("x"))
_STRING_T = _template(A.String(b"", "", _SQ))
_NUMBER_T = _template(A.Number(0))
_INDEX_T = _template(A.Index(None, None, _DOT))
_CALL_T = _template(A.Call(None, [], _PAREN_CALL))
_INVOKE_T = _template(A.Invoke(None, None, [], _PAREN_CALL))
_FIELD_T = _template(A.Field(None, None))
_NIL_T = _template(A.Nil())
_TRUE_T = _template(A.TrueExpr())
_FALSE_T = _template(A.FalseExpr())


def _name(ident):
    node = _new(A.Name)
    d = _NAME_T.copy()
    d["comments"] = []
    d["id"] = ident
    node.__dict__ = d
    return node


def _string(value, raw, delimiter):
    node = _new(A.String)
    d = _STRING_T.copy()
    d["comments"] = []
    d["s"] = value
    d["raw"] = raw
    d["delimiter"] = delimiter
    node.__dict__ = d
    return node


def _number(value):
    node = _new(A.Number)
    d = _NUMBER_T.copy()
    d["comments"] = []
    d["n"] = value
    node.__dict__ = d
    return node


def _index(idx, value, notation, first, last):
    node = _new(A.Index)
    d = _INDEX_T.copy()
    d["comments"] = []
    d["_first_token"] = first
    d["_last_token"] = last
    d["idx"] = idx
    d["value"] = value
    d["notation"] = notation
    node.__dict__ = d
    return node


def _call(func, args, style):
    node = _new(A.Call)
    d = _CALL_T.copy()
    d["comments"] = []
    d["func"] = func
    d["args"] = args
    d["style"] = style
    node.__dict__ = d
    return node


def _invoke(source, func, args, style):
    node = _new(A.Invoke)
    d = _INVOKE_T.copy()
    d["comments"] = []
    d["source"] = source
    d["func"] = func
    d["args"] = args
    d["style"] = style
    node.__dict__ = d
    return node


def _field(key, value, between_brackets=False):
    node = _new(A.Field)
    d = _FIELD_T.copy()
    d["comments"] = []
    d["key"] = key
    d["value"] = value
    d["between_brackets"] = between_brackets
    node.__dict__ = d
    return node


def _simple(cls, template):
    def make():
        node = _new(cls)
        d = template.copy()
        d["comments"] = []
        node.__dict__ = d
        return node
    return make


_nil = _simple(A.Nil, _NIL_T)
_true = _simple(A.TrueExpr, _TRUE_T)
_false = _simple(A.FalseExpr, _FALSE_T)


def _binary_maker(cls):
    template = _template(cls(None, None))

    def make(left, right):
        node = _new(cls)
        d = template.copy()
        d["comments"] = []
        d["left"] = left
        d["right"] = right
        node.__dict__ = d
        return node
    return make


# binary operators: (left priority, right priority, node class)
_BINARY = {
    "+": (10, 10, A.AddOp), "-": (10, 10, A.SubOp),
    "*": (11, 11, A.MultOp), "%": (11, 11, A.ModOp), "/": (11, 11, A.FloatDivOp), "//": (11, 11, A.FloorDivOp),
    "^": (14, 13, A.ExpoOp), "..": (9, 8, A.Concat),
    "<<": (7, 7, A.BShiftLOp), ">>": (7, 7, A.BShiftROp), "&": (6, 6, A.BAndOp), "~": (5, 5, A.BXorOp),
    "|": (4, 4, A.BOrOp),
    "==": (3, 3, A.EqToOp), "~=": (3, 3, A.NotEqToOp), "<": (3, 3, A.LessThanOp), "<=": (3, 3, A.LessOrEqThanOp),
    ">": (3, 3, A.GreaterThanOp), ">=": (3, 3, A.GreaterOrEqThanOp),
    "and": (2, 2, A.AndLoOp), "or": (1, 1, A.OrLoOp),
}
_UNARY = {"not": A.ULNotOp, "-": A.UMinusOp, "#": A.ULengthOP, "~": A.UBNotOp}
_BINARY = {op: (left, right, _binary_maker(cls)) for op, (left, right, cls) in _BINARY.items()}
UNARY_PRIORITY = 12
_BLOCK_FOLLOW = frozenset(("else", "elseif", "end", K_EOF, "until"))
_BLOCK_FOLLOW_NO_UNTIL = frozenset(("else", "elseif", "end", K_EOF))


class _Func:
    __slots__ = ("is_vararg", "actvar", "nactvar", "blocks", "labels", "gotos", "linedefined")

    def __init__(self, is_vararg, linedefined):
        self.is_vararg = is_vararg
        self.actvar = []  # [name, kind]: kind 0 regular, 1 const, 2 close
        self.nactvar = 0
        self.blocks = []  # [nactvar, firstlabel, firstgoto, isloop]
        self.labels = []  # [name, line, nactvar]
        self.gotos = []  # [name, line, nactvar]
        self.linedefined = linedefined


def _strip_str(text: str):
    """luaparser's String fields (raw, delimiter) for a string token."""
    c = text[0]
    if c == '"' or c == "'":
        raw = text[1:-1]
        delimiter = A.StringDelimiter.DOUBLE_QUOTE if c == '"' else A.StringDelimiter.SINGLE_QUOTE
        if "\\" in raw:
            from luaparser.utils.string_literals import unescape_lua_string
            try:
                unescape_lua_string(raw)
            except Exception:  # the ANTLR front end falls back to the raw token text
                return text, A.StringDelimiter.SINGLE_QUOTE
        return raw, delimiter
    level = text.index("[", 1) + 1
    return text[level : len(text) - level], _LONG


class _Parser:
    def __init__(self, text: str):
        self.toks, self.kinds, self.comments, self.lex_near = _lex(text)
        self.p = 0
        self.k = self.kinds[0]
        self.level = 0
        self.fs: _Func | None = None
        self.funcs: list[_Func] = []
        if self.k is K_ERROR:
            self.lex_error()

    # -- tokens -------------------------------------------------------------------
    def next(self):
        p = self.p + 1
        self.p = p
        k = self.kinds[p]
        self.k = k
        if k is K_ERROR:
            self.lex_error()

    def lex_error(self):
        tok = self.toks[self.p]
        near = self.lex_near
        near = near if near == "<eof>" else f"'{near}'"
        raise LuaSyntaxError(SyntaxProblem(f"{tok.text} near {near}", tok.line, tok.column + 1, None))

    def near(self) -> str:
        tok = self.toks[self.p]
        k = self.k
        if k is K_EOF:
            return "<eof>"
        if k == "<bad>":
            return "'" + _char_repr(tok.text) + "'"
        return f"'{tok.text}'"

    def _cur_line(self) -> int:
        tok = self.toks[self.p]
        text = tok.text
        if self.k is K_STRING and ("\n" in text or "\r" in text):
            return tok.line + len(_LINE_BREAK.findall(text))
        return tok.line

    def error(self, message: str):
        if self.k is K_ERROR:
            self.lex_error()
        tok = self.toks[self.p]
        end = tok.column + 1 + max(len(tok.text), 1) if self.k is not K_EOF else None
        raise LuaSyntaxError(SyntaxProblem(f"{message} near {self.near()}", self._cur_line(), tok.column + 1, end))

    def semerror(self, message: str):
        tok = self.toks[self.p]
        raise LuaSyntaxError(SyntaxProblem(message, self._cur_line(), tok.column + 1, None))

    def error_expected(self, what: str):
        self.error(f"{what} expected" if what.startswith("<") else f"'{what}' expected")

    def check(self, what: str):
        if self.k != what:
            self.error_expected(what)

    def checknext(self, what: str):
        if self.k != what:
            self.error_expected(what)
        self.next()

    def check_match(self, what: str, who: str, line: int):
        if self.k != what:
            if line == self._cur_line():
                self.error_expected(what)
            self.error(f"'{what}' expected (to close '{who}' at line {line})")
        self.next()

    def str_checkname(self) -> Token:
        if self.k is not K_NAME:
            self.error_expected(K_NAME)
        tok = self.toks[self.p]
        self.next()
        return tok

    def enterlevel(self):
        self.level += 1
        if self.level > MAX_LEVELS:
            tok = self.toks[self.p]
            raise LuaSyntaxError(SyntaxProblem(
                f"too many nested levels: Lua refuses more than about {MAX_LEVELS + 2} ('C stack overflow')",
                tok.line, tok.column + 1, None))

    # -- functions, blocks, variables, labels ----------------------------------------------
    def open_func(self, is_vararg: bool, line: int) -> _Func:
        fs = _Func(is_vararg, line)
        self.funcs.append(fs)
        self.fs = fs
        fs.blocks.append([0, 0, 0, False])
        return fs

    def close_func(self):
        fs = self.fs
        self.leaveblock()
        self.funcs.pop()
        self.fs = self.funcs[-1] if self.funcs else None
        return fs

    def enterblock(self, isloop: bool):
        fs = self.fs
        fs.blocks.append([fs.nactvar, len(fs.labels), len(fs.gotos), isloop])

    def leaveblock(self):
        fs = self.fs
        bl = fs.blocks.pop()
        nact = bl[0]
        del fs.actvar[nact:]
        fs.nactvar = nact
        if bl[3] and len(fs.gotos) > bl[2]:
            self.createlabel("break", 0, False, bl)
        del fs.labels[bl[1]:]
        if fs.blocks:
            for gt in fs.gotos[bl[2]:]:
                gt[2] = nact
        elif len(fs.gotos) > bl[2]:
            gt = fs.gotos[bl[2]]
            if gt[0] == "break":
                self.semerror(f"break outside loop at line {gt[1]}")
            self.semerror(f"no visible label '{gt[0]}' for <goto> at line {gt[1]}")

    def createlabel(self, name: str, line: int, last: bool, bl=None):
        fs = self.fs
        bl = bl or fs.blocks[-1]
        nact = bl[0] if last else fs.nactvar
        fs.labels.append([name, line, nact])
        gotos = fs.gotos
        i = bl[2]
        while i < len(gotos):
            gt = gotos[i]
            if gt[0] == name:
                if gt[2] < nact:
                    var = fs.actvar[gt[2]][0]
                    self.semerror(f"<goto {name}> at line {gt[1]} jumps into the scope of local '{var}'")
                del gotos[i]
            else:
                i += 1

    def new_localvar(self, name: str, kind: int = 0):
        fs = self.fs
        if len(fs.actvar) + 1 > MAX_VARS:
            where = "main function" if fs.linedefined == 0 else f"function at line {fs.linedefined}"
            self.error(f"too many local variables (limit is {MAX_VARS}) in {where}")
        fs.actvar.append([name, kind])

    def adjustlocalvars(self, n: int):
        self.fs.nactvar += n

    def check_readonly(self, name: str):
        for fs in reversed(self.funcs):
            for i in range(fs.nactvar - 1, -1, -1):
                var = fs.actvar[i]
                if var[0] == name:
                    if var[1]:
                        self.semerror(f"attempt to assign to const variable '{name}'")
                    return

    # -- chunk ---------------------------------------------------------------------
    def chunk(self) -> A.Chunk:
        self.open_func(True, 0)
        first = self.toks[0]
        body = self.statlist()
        if self.k is not K_EOF:
            self.error_expected("<eof>")
        self.close_func()
        last = self.toks[self.p - 1] if self.p > 0 else None
        block = A.Block(body)
        block._first_token = first
        block._last_token = last
        chunk = A.Chunk(block)
        chunk._first_token = first
        chunk._last_token = last
        return chunk

    def statlist(self) -> list:
        body: list = []
        follow = _BLOCK_FOLLOW
        while self.k not in follow:
            if self.k == "return":
                self.statement(body)
                return body
            self.statement(body)
        return body

    def block(self) -> A.Block:
        """lparser's block(): a scope; the Block spans the tokens of its statements."""
        p = self.p
        self.enterblock(False)
        body = self.statlist()
        self.leaveblock()
        return self.make_block(body, p)

    def make_block(self, body, p) -> A.Block:
        node = A.Block(body)
        node._first_token = self.toks[p]
        node._last_token = self.toks[self.p - 1]
        return node

    # -- statements -------------------------------------------------------------------
    def statement(self, body: list):
        self.enterlevel()
        k = self.k
        p = self.p
        toks = self.toks
        if k == ";":
            self.next()
            body.append(A.SemiColon())
        elif k == "if":
            body.append(self.ifstat())
        elif k == "while":
            line = toks[p].line
            self.next()
            test = self.expr()
            self.enterblock(True)
            self.checknext("do")
            blk = self.block()
            self.check_match("end", "while", line)
            self.leaveblock()
            node = A.While(test, blk)
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
        elif k == "do":
            line = toks[p].line
            self.next()
            blk = self.block()
            self.check_match("end", "do", line)
            node = A.Do(blk)
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
        elif k == "for":
            body.append(self.forstat())
        elif k == "repeat":
            line = toks[p].line
            self.enterblock(True)
            self.enterblock(False)
            self.next()
            q = self.p
            stats = self.statlist()
            blk = self.make_block(stats, q)
            self.check_match("until", "repeat", line)
            test = self.expr()
            self.leaveblock()
            self.leaveblock()
            node = A.Repeat(blk, test)
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
        elif k == "function":
            body.append(self.funcstat())
        elif k == "local":
            self.next()
            if self.k == "function":
                self.next()
                name_tok = self.str_checkname()
                self.new_localvar(name_tok.text)
                self.adjustlocalvars(1)
                args, blk = self.body(False, toks[p].line)
                node = A.LocalFunction(A.Name(name_tok.text), args, blk)
            else:
                node = self.localstat()
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
        elif k == "::":
            self.next()
            name_tok = self.str_checkname()
            self.checknext("::")
            node = A.Label(A.Name(name_tok.text))
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
            while self.k == ";" or self.k == "::":
                self.statement(body)
            fs = self.fs
            name = name_tok.text
            for lb in fs.labels:
                if lb[0] == name:
                    self.semerror(f"label '{name}' already defined on line {lb[1]}")
            self.createlabel(name, toks[p].line, self.k in _BLOCK_FOLLOW_NO_UNTIL)
        elif k == "return":
            self.next()
            if self.k in _BLOCK_FOLLOW or self.k == ";":
                values = []
            else:
                values = self.explist()
            if self.k == ";":
                self.next()
            node = A.Return(values)
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
        elif k == "break":
            self.fs.gotos.append(["break", toks[p].line, self.fs.nactvar])
            self.next()
            node = A.Break()
            node._first_token = node._last_token = toks[p]
            body.append(node)
        elif k == "goto":
            self.next()
            line = self._cur_line()
            name_tok = self.str_checkname()
            name = name_tok.text
            fs = self.fs
            for lb in fs.labels:
                if lb[0] == name:
                    break
            else:
                fs.gotos.append([name, line, fs.nactvar])
            node = A.Goto(A.Name(name))
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            body.append(node)
        else:
            body.append(self.exprstat())
        self.level -= 1

    def ifstat(self):
        toks = self.toks
        p = self.p
        line = toks[p].line
        self.next()
        test = self.expr()
        self.checknext("then")
        blk = self.block()
        node = A.If(test, blk, None)
        node._first_token = toks[p]
        leaf = node
        while self.k == "elseif":
            q = self.p
            self.next()
            test = self.expr()
            self.checknext("then")
            blk = self.block()
            elif_ = A.ElseIf(test, blk, None)
            elif_._first_token = toks[q]
            elif_._last_token = blk._last_token
            leaf.orelse = elif_
            leaf = elif_
        if self.k == "else":
            self.next()
            leaf.orelse = self.block()
        self.check_match("end", "if", line)
        node._last_token = toks[self.p - 1]
        return node

    def forstat(self):
        toks = self.toks
        p = self.p
        line = toks[p].line
        self.enterblock(True)
        self.next()
        name_tok = self.str_checkname()
        k = self.k
        if k == "=":
            self.next()
            for _ in range(3):
                self.new_localvar("(for state)")
            self.new_localvar(name_tok.text)
            start = self.expr()
            self.checknext(",")
            stop = self.expr()
            step = 1
            if self.k == ",":
                self.next()
                step = self.expr()
            self.adjustlocalvars(3)
            blk = self.forbody(1)
            node = A.Fornum(A.Name(name_tok.text), start, stop, step, blk)
        elif k == "," or k == "in":
            names = [A.Name(name_tok.text)]
            for _ in range(4):
                self.new_localvar("(for state)")
            self.new_localvar(name_tok.text)
            while self.k == ",":
                self.next()
                tok = self.str_checkname()
                self.new_localvar(tok.text)
                names.append(A.Name(tok.text))
            self.checknext("in")
            values = self.explist()
            self.adjustlocalvars(4)
            blk = self.forbody(len(names))
            node = A.Forin(blk, values, names)
        else:
            self.error("'=' or 'in' expected")
        self.check_match("end", "for", line)
        self.leaveblock()
        node._first_token = toks[p]
        node._last_token = toks[self.p - 1]
        return node

    def forbody(self, nvars: int) -> A.Block:
        self.checknext("do")
        self.enterblock(False)
        self.adjustlocalvars(nvars)
        blk = self.block()
        self.leaveblock()
        return blk

    def funcstat(self):
        toks = self.toks
        p = self.p
        line = toks[p].line
        self.next()
        q = self.p
        name_tok = self.str_checkname()
        root = A.Name(name_tok.text)
        single = True
        method = None
        while self.k == ".":
            self.next()
            root = A.Index(A.Name(self.str_checkname().text), root, A.IndexNotation.DOT)
            single = False
        if self.k == ":":
            self.next()
            method = self.str_checkname().text
        if method is None:  # luaparser puts funcname's span on the name (or on the Method)
            root._first_token = toks[q]
            root._last_token = toks[self.p - 1]
        args, blk = self.body(method is not None, line)
        if single and method is None:
            self.check_readonly(name_tok.text)
        if method is not None:
            node = A.Method(root, A.Name(method), args, blk)
        else:
            node = A.Function(root, args, blk)
        node._first_token = toks[p]
        node._last_token = toks[self.p - 1]
        return node

    def localstat(self):
        targets = []
        toclose = False
        nvars = 0
        kinds = []
        while True:
            name_tok = self.str_checkname()
            name = A.Name(name_tok.text)
            kind = 0
            if self.k == "<":
                self.next()
                attr = self.str_checkname().text
                self.checknext(">")
                if attr == "const":
                    kind = 1
                elif attr == "close":
                    kind = 2
                else:
                    self.semerror(f"unknown attribute '{attr}'")
                name.attribute = A.Attribute(A.Name(attr))
            self.new_localvar(name_tok.text, kind)
            if kind == 2:
                if toclose:
                    self.semerror("multiple to-be-closed variables in local list")
                toclose = True
            kinds.append(kind)
            targets.append(name)
            nvars += 1
            if self.k != ",":
                break
            self.next()
        if self.k == "=":
            self.next()
            values = self.explist()
        else:
            values = []
        self.adjustlocalvars(nvars)
        return A.LocalAssign(targets, values)

    def exprstat(self):
        toks = self.toks
        p = self.p
        node, is_var, is_call = self.suffixedexp()
        if self.k == "=" or self.k == ",":
            targets = [node]
            self.check_assignable(node, is_var)
            while self.k == ",":
                self.next()
                target, is_var, _ = self.suffixedexp()
                self.check_assignable(target, is_var)
                targets.append(target)
            self.checknext("=")
            values = self.explist()
            node = A.Assign(targets, values)
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
            return node
        if not is_call:
            self.error("syntax error")
        return node

    def check_assignable(self, node, is_var):
        if not is_var:
            self.error("syntax error")
        if type(node) is A.Name:
            self.check_readonly(node.id)

    # -- expressions -----------------------------------------------------------------------
    def explist(self) -> list:
        values = [self.expr()]
        while self.k == ",":
            self.next()
            values.append(self.expr())
        return values

    def expr(self):
        return self.subexpr(0)

    def subexpr(self, limit: int):
        self.enterlevel()
        toks = self.toks
        p = self.p
        k = self.k
        unary = _UNARY.get(k)
        if unary is not None:
            self.next()
            node = unary(self.subexpr(UNARY_PRIORITY))
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
        else:
            node = self.simpleexp()
        binary = _BINARY
        while True:
            op = binary.get(self.k)
            if op is None or op[0] <= limit:
                break
            self.next()
            right = self.subexpr(op[1])
            node = op[2](node, right)
            node._first_token = toks[p]
            node._last_token = toks[self.p - 1]
        self.level -= 1
        return node

    def simpleexp(self):
        toks = self.toks
        p = self.p
        k = self.k
        tok = toks[p]
        if k is K_NUMBER:
            try:
                node = _number(number_value(tok.text))
            except ValueError:
                self.error("malformed number")
            self.next()
        elif k is K_STRING:
            node = self.string_node(tok)
            self.next()
        elif k == "nil":
            node = _nil()
            self.next()
        elif k == "true":
            node = _true()
            self.next()
        elif k == "false":
            node = _false()
            self.next()
        elif k == "...":
            if not self.fs.is_vararg:
                self.error("cannot use '...' outside a vararg function")
            node = A.Dots()
            self.next()
        elif k == "{":
            node = self.constructor()
        elif k == "function":
            self.next()
            args, blk = self.body(False, tok.line)
            node = A.AnonymousFunction(args, blk)
        else:
            node = self.suffixedexp()[0]
        node._first_token = tok
        node._last_token = toks[self.p - 1]
        return node

    def string_node(self, tok):
        text = tok.text
        if tok.type != LONGSTRING and "\\" not in text:
            raw = text[1:-1]
            return _string(raw.encode("utf-8", "surrogateescape"), raw,
                            _DQ if tok.type == NORMALSTRING else _SQ)
        raw, delimiter = _strip_str(text)
        try:
            value = decode_string_token(text)
        except Exception:
            self.error("malformed string")
        return _string(value, raw, delimiter)

    def body(self, is_method: bool, line: int):
        """`(` parlist `)` block `end` as a new function; returns (args, Block)."""
        self.checknext("(")
        fs = self.open_func(False, line)
        if is_method:
            self.new_localvar("self")
            self.adjustlocalvars(1)
        args = []
        nparams = 0
        if self.k != ")":
            while True:
                k = self.k
                if k is K_NAME:
                    name = self.toks[self.p].text
                    self.new_localvar(name)
                    args.append(A.Name(name))
                    nparams += 1
                    self.next()
                elif k == "...":
                    self.next()
                    fs.is_vararg = True
                    args.append(A.Varargs())
                    break
                else:
                    self.error("<name> or '...' expected")
                if self.k != ",":
                    break
                self.next()
        self.adjustlocalvars(nparams)
        self.checknext(")")
        p = self.p
        stats = self.statlist()
        blk = self.make_block(stats, p)
        self.check_match("end", "function", line)
        self.close_func()
        return args, blk

    def constructor(self):
        toks = self.toks
        p = self.p
        line = toks[p].line
        self.next()  # '{'
        fields = []
        index = 1
        while self.k != "}":
            q = self.p
            k = self.k
            if k is K_NAME and self.kinds[q + 1] == "=":
                key = _name(toks[q].text)
                self.next()
                self.next()
                field = _field(key, self.subexpr(0))
            elif k == "[":
                self.next()
                key = self.expr()
                self.checknext("]")
                self.checknext("=")
                field = _field(key, self.subexpr(0), True)
            else:
                field = _field(None, self.subexpr(0))
                field._index = index
                index += 1
            field._first_token = toks[q]
            field._last_token = toks[self.p - 1]
            fields.append(field)
            if self.k == "," or self.k == ";":
                self.next()
            else:
                break
        self.check_match("}", "{", line)
        node = A.Table(fields)
        node._first_token = toks[p]
        node._last_token = toks[self.p - 1]
        return node

    def funcargs(self):
        """Call arguments: (list, parenthesised)."""
        k = self.k
        toks = self.toks
        if k == "(":
            line = toks[self.p].line
            self.next()
            if self.k == ")":
                args = []
            else:
                args = self.explist()
            self.check_match(")", "(", line)
            return args, True
        if k == "{":
            return [self.constructor()], False
        if k is K_STRING:
            node = self.string_node(toks[self.p])
            self.next()
            return [node], False
        self.error("function arguments expected")

    def suffixedexp(self):
        """Lua's suffixedexp; returns (node, is_var, is_call) with luaparser's token spans."""
        toks = self.toks
        p = self.p
        k = self.k
        if k is K_NAME:
            node = _name(toks[p].text)
            self.next()
            is_var = True
        elif k == "(":
            line = toks[p].line
            self.next()
            node = self.expr()
            self.check_match(")", "(", line)
            node.wrapped = True
            is_var = False
        else:
            self.error("unexpected symbol")
        is_call = False
        unit_start = None  # first token of the pending `tail*` of a call unit
        invoke = None  # the last Invoke: its span grows over the calls that follow it
        while True:
            k = self.k
            q = self.p
            if k == ".":
                self.next()
                name = self.str_checkname()
                node = _index(_name(name.text), node, _DOT, toks[q], name)
                if unit_start is None:
                    unit_start = q
                is_var = True
                is_call = False
            elif k == "[":
                self.next()
                key = self.expr()
                self.checknext("]")
                node = _index(key, node, _SQUARE, toks[q], toks[self.p - 1])
                if unit_start is None:
                    unit_start = q
                is_var = True
                is_call = False
            elif k == ":":
                self.next()
                name = self.str_checkname()
                args, paren = self.funcargs()
                node = _invoke(node, _name(name.text), args, _PAREN_CALL if paren else _BARE_CALL)
                node._first_token = toks[p]
                node._last_token = toks[self.p - 1]
                invoke = node
                unit_start = None
                is_var = False
                is_call = True
            elif k == "(" or k == "{" or k is K_STRING:
                args, paren = self.funcargs()
                node = _call(node, args, _PAREN_CALL if paren else _BARE_CALL)
                node._first_token = toks[q if unit_start is None else unit_start]
                node._last_token = last = toks[self.p - 1]
                if invoke is not None:
                    invoke._last_token = last
                unit_start = None
                is_var = False
                is_call = True
            else:
                return node, is_var, is_call


def fast_parse(text: str):
    """Parse `text` (a Lua 5.4 chunk; a shebang line already turned into a comment).

    Returns (luaparser Chunk, comments); raises LuaSyntaxError like `kumocheck.parse`."""
    gc_was_enabled = gc.isenabled()
    gc.disable()  # the tree is acyclic: collections while building it are wasted work
    try:
        return _parse(text)
    finally:
        if gc_was_enabled:
            gc.enable()


def _parse(text: str):
    parser = _Parser(text)
    # at most ~6 Python frames per Lua nesting level (MAX_LEVELS): make room for them
    old_limit = sys.getrecursionlimit()
    if old_limit < _RECURSION_NEEDED:
        sys.setrecursionlimit(_RECURSION_NEEDED)
    try:
        chunk = parser.chunk()
    finally:
        if old_limit < _RECURSION_NEEDED:
            sys.setrecursionlimit(old_limit)
    return chunk, tuple(parser.comments)
