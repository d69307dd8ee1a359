"""Parse Lua 5.4 source into luaparser's AST, turning every failure into a `SyntaxProblem`.

`parse_lua` uses the hand-written parser in fastparse.py. `parse_lua_antlr` is the
reference it is tested against: luaparser's own `ast.parse` prints lexer errors to
stderr, loses the position of many parser errors and recurses without bound, so this
module drives the same ANTLR lexer, parser and AST builder itself:

* two-stage prediction: the fast SLL mode first, the full LL mode only when SLL
  fails (the standard ANTLR lever; both accept exactly the same language);
* the first syntax error is kept with its line and column;
* nesting is bounded like Lua's own parser (LUAI_MAXCCALLS = 200 levels), checked
  on the token stream before the recursive parser runs, and the recursive stages run
  on a thread with a large stack so that accepted input can never overflow it.
"""

from __future__ import annotations

import queue
import sys
import threading
from typing import Callable, TypeVar

import attrs
from antlr4 import CommonTokenStream, InputStream, Token
from antlr4.atn.PredictionMode import PredictionMode
from antlr4.error.ErrorListener import ErrorListener
from antlr4.error.ErrorStrategy import BailErrorStrategy, DefaultErrorStrategy
from antlr4.error.Errors import ParseCancellationException
from luaparser import astnodes
from luaparser.builder import BuilderVisitor

from kumocheck.parse.common import Comment, SyntaxProblem
from kumocheck.parse.literals import LiteralError, decode_string_token, number_value
from luaparser.parser.LuaLexer import LuaLexer
from luaparser.parser.LuaParser import LuaParser

#: Lua's own limit on nested syntactic levels ("chunk has too many syntax levels").
MAX_NESTING = 200
_STACK_BYTES = 512 * 1024 * 1024
_RECURSION_LIMIT = 1_000_000
_COMMENT_CHANNEL = 2
_OPENERS = {"(", "{", "[", "function", "do", "then", "repeat"}
_CLOSERS = {")", "}", "]", "end", "until"}
_RIGHT_ASSOCIATIVE = {"..", "^"}
_EXPRESSION_ENDS = {",", ";", "=", "then", "do", "else", "elseif", "return", "local", "in", "if", "while", "for"}

T = TypeVar("T")


class LuaSyntaxError(Exception):
    """Raised by `parse_lua` with the problem found."""

    def __init__(self, problem: SyntaxProblem):
        super().__init__(f"{problem.line}:{problem.column}: {problem.message}")
        self.problem = problem


@attrs.frozen
class ParsedChunk:
    """The AST of one chunk and the comments the lexer set aside."""

    chunk: astnodes.Chunk
    comments: tuple[Comment, ...]


class _Builder(BuilderVisitor):
    """luaparser's AST builder with literals decoded the way Lua decodes them."""

    def visitNumber(self, ctx):  # noqa: N802
        text = ctx.getText()
        try:
            return astnodes.Number(number_value(text))
        except ValueError:
            raise LuaSyntaxError(_at(ctx.start, f"malformed number near '{text}'")) from None

    def visitString(self, ctx):  # noqa: N802
        try:
            node = super().visitString(ctx)
        except Exception:  # luaparser's own unescaping is stricter in places
            node = astnodes.String(b"", ctx.getText(), astnodes.StringDelimiter.SINGLE_QUOTE)
        try:
            node.s = decode_string_token(ctx.getText())
        except (LiteralError, ValueError, IndexError) as exc:
            raise LuaSyntaxError(_at(ctx.start, str(exc) if isinstance(exc, LiteralError) else "malformed string")) from None
        return node


def _at(token, message: str) -> SyntaxProblem:
    return SyntaxProblem(message, token.line, token.column + 1, token.column + 1 + len(token.text or " "))


class _FirstError(ErrorListener):
    def __init__(self) -> None:
        self.problem: SyntaxProblem | None = None

    def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802
        if self.problem is None:
            end = None
            if offendingSymbol is not None and offendingSymbol.type != Token.EOF:
                end = column + 1 + max(len(offendingSymbol.text or ""), 1)
            self.problem = SyntaxProblem(_tidy_message(msg), line, column + 1, end)


def _tidy_message(msg: str) -> str:
    msg = msg.replace("'<EOF>'", "end of file").replace("<EOF>", "end of file")
    if " expecting {" in msg:  # a long alternatives set says nothing useful
        msg = msg[: msg.index(" expecting {")]
    if "failed predicate" in msg and "IsFunctionCall" in msg:
        return "syntax error: only a function call can stand as a statement"
    prefix = "token recognition error at: '"
    if msg.startswith(prefix) and msg[len(prefix):][:1] in ("'", '"'):
        return "unfinished string"
    if msg.startswith("token recognition error at: "):
        return "unexpected character " + msg[len("token recognition error at: "):]
    if msg.startswith("no viable alternative at input"):
        return "unexpected symbol near " + _last_word(msg)
    if msg.startswith("mismatched input") or msg.startswith("extraneous input"):
        return msg.replace("mismatched input", "unexpected").replace("extraneous input", "unexpected")
    return msg


def _last_word(msg: str) -> str:
    text = msg[len("no viable alternative at input "):].strip("'")
    for escape in ("\\n", "\\r", "\\t"):
        text = text.replace(escape, " ")
    parts = text.split()
    return repr(parts[-1]) if parts else "end of file"


class _DeepWorker:
    """One long-lived thread with a large stack that runs recursive work on request."""

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _loop(self) -> None:
        while True:
            func, done = self._jobs.get()
            # the limit is process-wide: raised only while this thread (with its big
            # stack) works, so that other threads still stop at RecursionError
            old_limit = sys.getrecursionlimit()
            sys.setrecursionlimit(max(old_limit, _RECURSION_LIMIT))
            try:
                done.append((True, func()))
            except BaseException as exc:  # handed back to the caller's thread
                done.append((False, exc))
            finally:
                sys.setrecursionlimit(old_limit)
                self._jobs.task_done()
                _wake(done)
                del func, done  # the finished job (and what its closure holds) must not outlive it

    def run(self, func: Callable[[], T]) -> T:
        if threading.current_thread() is self._thread:
            return func()  # already deep
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                old_size = threading.stack_size()
                threading.stack_size(_STACK_BYTES)
                try:
                    self._thread = threading.Thread(target=self._loop, name="kumocheck-deep", daemon=True)
                    self._thread.start()
                finally:
                    threading.stack_size(old_size)
        done: list = []
        waiter = threading.Event()
        _WAITERS[id(done)] = waiter
        try:
            self._jobs.put((func, done))
            waiter.wait()
        finally:
            _WAITERS.pop(id(done), None)
        ok, value = done[0]
        if ok:
            return value
        raise value


_WAITERS: dict[int, threading.Event] = {}


def _wake(done: list) -> None:
    waiter = _WAITERS.get(id(done))
    if waiter is not None:
        waiter.set()


_WORKER = _DeepWorker()


def run_deep(func: Callable[[], T]) -> T:
    """Run `func` on a thread with a large stack and a high recursion limit."""
    return _WORKER.run(func)


def _tokens(text: str) -> tuple[CommonTokenStream, SyntaxProblem | None]:
    lexer = LuaLexer(InputStream(text))
    lexer.removeErrorListeners()
    listener = _FirstError()
    lexer.addErrorListener(listener)
    stream = CommonTokenStream(lexer)
    stream.fill()
    return stream, listener.problem


def _check_nesting(stream: CommonTokenStream) -> SyntaxProblem | None:
    """Lua's parser recursion bound: brackets and blocks nest, and so do the right-hand
    operands of the right-associative `..` and `^` (a long `a .. b .. c ...` chain)."""
    chains = [0]  # right-associative operators pending in the expression at each level
    for token in stream.tokens:
        if token.channel != Token.DEFAULT_CHANNEL:
            continue
        text = token.text
        if text in _OPENERS:
            chains.append(0)
        elif text in _CLOSERS:
            if len(chains) > 1:
                chains.pop()
            chains[-1] = 0 if text in ("end", "until") else chains[-1]
            continue
        elif text in _RIGHT_ASSOCIATIVE:
            chains[-1] += 1
        elif text in _EXPRESSION_ENDS:
            chains[-1] = 0
        else:
            continue
        if len(chains) - 1 + sum(chains) > MAX_NESTING:
            return SyntaxProblem(
                f"too many nested levels: Lua refuses more than about {MAX_NESTING} ('C stack overflow')",
                token.line,
                token.column + 1,
            )
    return None


def _parse_tree(stream: CommonTokenStream):
    parser = LuaParser(stream)
    parser.removeErrorListeners()
    parser._errHandler = BailErrorStrategy()
    parser._interp.predictionMode = PredictionMode.SLL
    try:
        return parser.start_()
    except ParseCancellationException:
        pass
    stream.seek(0)
    parser = LuaParser(stream)
    parser.removeErrorListeners()
    listener = _FirstError()
    parser.addErrorListener(listener)
    parser._errHandler = DefaultErrorStrategy()
    parser._interp.predictionMode = PredictionMode.LL
    tree = parser.start_()
    problem = listener.problem or (
        SyntaxProblem("syntax error", 1, 1) if parser.getNumberOfSyntaxErrors() else None
    )
    if problem is not None:
        raise LuaSyntaxError(problem)
    return tree


def _comments(stream: CommonTokenStream) -> tuple[Comment, ...]:
    return tuple(
        Comment(token.text, token.line, token.column + 1)
        for token in stream.tokens
        if token.channel == _COMMENT_CHANNEL and token.text.startswith("--")
    )


def _prepare(text: str) -> str:
    """What lua's loader does first: skip a `#` first line; and refuse binary text."""
    if text.startswith("#"):
        text = "--" + text[1:] if not text.startswith("#!") else "--" + text[2:]
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise LuaSyntaxError(SyntaxProblem("NUL byte in source: not a Lua text file", line, 1))
    return text


def parse_lua(text: str) -> ParsedChunk:
    """Parse `text`; raise `LuaSyntaxError` if it is not a Lua 5.4 chunk.

    Uses the hand-written parser (kumocheck/fastparse.py), which builds the same luaparser
    AST as `parse_lua_antlr` (shown identical by tests/test_fastparse.py) 17-30x faster and
    accepts exactly what Lua 5.4 accepts."""
    from kumocheck.parse.fastparse import FallbackToAntlr, fast_parse

    text = _prepare(text)
    try:
        chunk, comments = fast_parse(text)
    except FallbackToAntlr:
        return parse_lua_antlr(text)
    return ParsedChunk(chunk, comments)


def parse_lua_antlr(text: str) -> ParsedChunk:
    """The reference front end: luaparser's ANTLR lexer and parser and its AST builder."""
    text = _prepare(text)

    def work() -> ParsedChunk:
        stream, problem = _tokens(text)
        if problem is not None:
            raise LuaSyntaxError(problem)
        problem = _check_nesting(stream)
        if problem is not None:
            raise LuaSyntaxError(problem)
        tree = _parse_tree(stream)
        comments = _comments(stream)  # before the builder re-marks comment tokens
        chunk = _Builder(stream).visit(tree)
        return ParsedChunk(chunk, comments)

    try:
        return run_deep(work)
    except RecursionError:
        raise LuaSyntaxError(
            SyntaxProblem("expression too deeply nested to analyse", 1, 1)
        ) from None
