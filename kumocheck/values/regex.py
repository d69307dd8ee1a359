"""Is a regular expression accepted by the Rust engine KumoMTA compiles it with?

Two dialects, judged by their own grammar (never by Python's `re`):

* `fancy` - fancy-regex 0.16 (shaping automation and match rules, `kumo.regex`):
  look-around, backreferences, atomic groups, possessive quantifiers, `\\K`, `\\G`,
  conditionals; look-behinds must have a fixed length; the parts it hands to the
  `regex` crate (character classes) follow that crate's rules.
* `rust` - the `regex` crate 1.x (regex_set_map, bounce classifier): no look-around, no
  backreferences; `{` always starts a counted repetition; only ASCII punctuation may be
  escaped.

`regex_problem(pattern, dialect)` returns None or a `RegexProblem` (a message and the
character offset in the pattern). When the grammar leaves room for doubt the pattern is
accepted: a finding must mean that kumod refuses it.
"""

from __future__ import annotations

import attrs

DIALECTS = ("fancy", "rust")
_FANCY_MAX_DEPTH = 64  # fancy-regex's MAX_RECURSION (nested groups)
_RUST_MAX_DEPTH = 250  # the regex crate's default nest limit
_ASCII_CLASSES = frozenset(
    "alnum alpha ascii blank cntrl digit graph lower print punct space upper word xdigit".split()
)
_RUST_FLAGS = frozenset("imsUuxR")
_FANCY_FLAGS = frozenset("imsUxu")
_VARIABLE = None  # width of something that matches a variable number of characters


@attrs.frozen
class RegexProblem:
    """Why the engine refuses a pattern; `offset` counts characters from 0."""

    message: str
    offset: int


class _Refused(Exception):
    def __init__(self, offset: int, message: str):
        super().__init__(message)
        self.problem = RegexProblem(message, offset)


def regex_problem(pattern: str, dialect: str) -> RegexProblem | None:
    """None when the `dialect` engine compiles `pattern`, else why not."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown regex dialect {dialect!r}")
    try:
        _Parser(pattern, dialect == "fancy").parse()
    except _Refused as refused:
        return refused.problem
    return None


class _Parser:
    """Recursive descent over the pattern; each parse step returns the width it matches."""

    def __init__(self, text: str, fancy: bool):
        self.text = text
        self.fancy = fancy
        self.pos = 0
        self.extended = False  # the x flag: blanks and # comments are ignored
        self.groups = 0
        self.names: dict[str, int] = {}
        self.numeric_backrefs: list[tuple[int, int]] = []  # (group, offset)
        self.unsure = False  # set by constructs whose width is not worked out here

    @property
    def engine(self) -> str:
        return "fancy-regex" if self.fancy else "Rust's regex crate"

    def refuse(self, offset: int, message: str) -> _Refused:
        return _Refused(offset, message)

    def peek(self, ahead: int = 0) -> str:
        return self.text[self.pos + ahead : self.pos + ahead + 1]

    def parse(self) -> None:
        self.alternation(0)
        if self.pos < len(self.text):  # only a ')' stops the top level early
            raise self.refuse(self.pos, "unbalanced ')': no group is open here")
        if self.fancy:
            for group, offset in self.numeric_backrefs:
                if group > self.groups:
                    raise self.refuse(offset, f"backreference \\{group} names a group that does not exist")
            if self.numeric_backrefs and self.names:
                raise self.refuse(self.numeric_backrefs[0][1], "fancy-regex refuses numbered backreferences when the pattern has named groups: use \\k<name>")

    # -- structure -------------------------------------------------------------------

    def alternation(self, depth: int) -> int | None:
        widths = [self.concatenation(depth)]
        while self.peek() == "|":
            self.pos += 1
            widths.append(self.concatenation(depth))
        return widths[0] if all(w == widths[0] for w in widths) else _VARIABLE

    def skip_blanks(self) -> None:
        if not self.extended:
            return
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char.isspace():
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end + 1
            else:
                return

    def concatenation(self, depth: int) -> int | None:
        total: int | None = 0
        while True:
            self.skip_blanks()
            char = self.peek()
            if char in ("", "|", ")"):
                return total
            width = self.piece(depth)
            total = None if total is None or width is None else total + width

    def piece(self, depth: int) -> int | None:
        start = self.pos
        width, repeatable = self.atom(depth)
        while True:
            self.skip_blanks()
            op_at = self.pos
            char = self.peek()
            if char in ("*", "+", "?"):
                low, high = (0, None) if char == "*" else (1, None) if char == "+" else (0, 1)
                self.pos += 1
            elif char == "{":
                bounds = self.counted(op_at)
                if bounds is None:  # fancy: not a repetition, a literal '{'
                    return width
                low, high = bounds
            else:
                return width
            if not repeatable:
                what = "nothing" if self.pos - 1 == start or op_at == start else "an assertion or empty group"
                raise self.refuse(op_at, f"'{self.text[op_at:self.pos]}' repeats {what}: escape it or put something before it")
            if self.peek() == "?":
                self.pos += 1
            if self.fancy and self.peek() == "+":
                self.pos += 1  # possessive
            width = width * low if (width is not None and low == high) else (0 if width == 0 else _VARIABLE)
            if self.fancy:
                repeatable = False  # fancy-regex does not repeat a repetition: `a**`
                nxt = self.peek()
                if nxt in ("*", "+", "?"):
                    raise self.refuse(self.pos, f"'{nxt}' after a repetition: fancy-regex cannot repeat a repetition (group it: (?:a*)*)")
                if nxt == "{":
                    saved = self.pos
                    if self.counted(saved) is not None:
                        raise self.refuse(saved, "a counted repetition after a repetition: fancy-regex cannot repeat a repetition")
                    self.pos = saved
                    return width

    def counted(self, start: int) -> tuple[int, int | None] | None:
        """`{n}`, `{n,}`, `{n,m}` at `start`; None (fancy) when it is a literal brace."""
        text = self.text
        pos = start + 1
        digits_start = pos
        while pos < len(text) and text[pos].isdigit() and text[pos].isascii():
            pos += 1
        low_text = text[digits_start:pos]
        high_text: str | None = low_text
        if text[pos : pos + 1] == ",":
            pos += 1
            high_start = pos
            while pos < len(text) and text[pos].isdigit() and text[pos].isascii():
                pos += 1
            high_text = text[high_start:pos] or None
        closed = text[pos : pos + 1] == "}"
        if self.fancy:
            if not closed or (low_text == "" and text[digits_start : digits_start + 1] != ","):
                return None
        else:
            if not closed:
                raise self.refuse(start, "'{' starts a counted repetition {n,m} that is not closed or not made of numbers (escape a literal brace: \\{)")
            if low_text == "":
                raise self.refuse(start, "a counted repetition needs a minimum: {0,n}, not {,n} (escape a literal brace: \\{)")
        low = int(low_text or "0")
        high = None if high_text is None else int(high_text)
        if high is not None and low > high:
            raise self.refuse(start, f"invalid repetition {text[start:pos + 1]}: the minimum is larger than the maximum")
        self.pos = pos + 1
        return low, high

    # -- atoms -----------------------------------------------------------------------

    def atom(self, depth: int) -> tuple[int | None, bool]:
        """(width, repeatable)."""
        char = self.peek()
        if char == "(":
            return self.group(depth + 1)
        if char == "[":
            self.char_class()
            return 1, True
        if char == "\\":
            return self.escape()
        if char in ("*", "+", "?"):
            raise self.refuse(self.pos, f"'{char}' has nothing to repeat: escape it (\\{char}) to match it literally")
        if char == "{" and not self.fancy:
            raise self.refuse(self.pos, "'{' has nothing to repeat: escape it (\\{) to match it literally")
        self.pos += 1
        if char in ("^", "$"):
            return 0, not self.fancy
        return 1, True

    def group(self, depth: int) -> tuple[int | None, bool]:
        opened = self.pos
        if depth >= (_FANCY_MAX_DEPTH if self.fancy else _RUST_MAX_DEPTH):
            raise self.refuse(opened, f"groups nested too deeply for {self.engine}")
        text = self.text
        self.pos += 1
        rest = text[self.pos : self.pos + 3]
        look = None
        if rest.startswith(("?=", "?!")):
            look, self.pos = "ahead", self.pos + 2
        elif rest.startswith(("?<=", "?<!")):
            look, self.pos = "behind", self.pos + 3
        if look and not self.fancy:
            raise self.refuse(opened, f"look-{look} `{text[opened:self.pos]}...)` is not supported by Rust's regex crate")
        if look:
            saved_unsure, self.unsure = self.unsure, False
            width = self.group_body(opened, depth)
            if look == "behind" and width is None and not self.unsure:
                raise self.refuse(opened, "fancy-regex needs a look-behind of fixed length (no *, +, {n,m} or alternatives of different lengths inside)")
            self.unsure = saved_unsure or self.unsure
            return 0, False
        if rest.startswith("?P=") or rest.startswith("?P>"):
            if not self.fancy:
                kind = "backreferences" if rest[2] == "=" else "subroutine calls"
                raise self.refuse(opened, f"(?P{rest[2]}name) {kind} are not supported by Rust's regex crate")
            end = text.find(")", self.pos)
            name = text[self.pos + 3 : end] if end >= 0 else ""
            if end < 0 or not name:
                raise self.refuse(opened, "invalid group name in (?P=name)")
            if rest[2] == "=" and name not in self.names and not name.isdigit():
                raise self.refuse(opened, f"backreference to group '{name}', which is not defined before it")
            self.pos = end + 1
            self.unsure = True
            return _VARIABLE, True
        if rest.startswith("?P<") or (rest.startswith("?<") and rest[2:3] not in ("=", "!")) or (self.fancy and rest.startswith("?'")):
            self.pos += 3 if rest.startswith("?P") else 2
            self.group_name(opened, "'" if rest.startswith("?'") else ">")
            return self.group_body(opened, depth), True
        if rest.startswith("?>"):
            if not self.fancy:
                raise self.refuse(opened, "atomic groups (?>...) are not supported by Rust's regex crate")
            self.pos += 2
            return self.group_body(opened, depth), True
        if rest.startswith("?("):
            if not self.fancy:
                raise self.refuse(opened, "conditionals (?(...)...) are not supported by Rust's regex crate")
            self.pos += 2
            self.unsure = True
            self.alternation(depth)  # the condition, loosely
            self.close(opened)
            self.alternation(depth)
            self.close(opened)
            return _VARIABLE, True
        if rest.startswith("?"):
            return self.flags(opened, depth)
        self.groups += 1
        return self.group_body(opened, depth), True

    def group_body(self, opened: int, depth: int) -> int | None:
        saved = self.extended
        width = self.alternation(depth)
        self.close(opened)
        self.extended = saved
        return width

    def close(self, opened: int) -> None:
        if self.peek() != ")":
            raise self.refuse(opened, "unclosed group: this '(' has no matching ')'")
        self.pos += 1

    def group_name(self, opened: int, closer: str) -> None:
        text = self.text
        start = self.pos
        end = text.find(closer, start)
        if end < 0:
            raise self.refuse(opened, f"unclosed group name: missing '{closer}'")
        name = text[start:end]
        if not name:
            raise self.refuse(start, "empty group name")
        if self.fancy:
            valid = all(c.isalnum() or c == "_" for c in name)
        else:
            valid = (name[0] == "_" or name[0].isalpha()) and all(c.isalnum() or c in "_.[]" for c in name[1:])
        if not valid:
            raise self.refuse(start, f"invalid group name '{name}'")
        if name in self.names and not self.fancy:
            raise self.refuse(start, f"duplicate group name '{name}'")
        self.groups += 1
        self.names[name] = self.groups
        self.pos = end + 1

    def flags(self, opened: int, depth: int) -> tuple[int | None, bool]:
        text = self.text
        self.pos += 1  # past '?'
        start = self.pos
        negated_at = -1
        seen: set[str] = set()
        known = _FANCY_FLAGS if self.fancy else _RUST_FLAGS
        while True:
            char = self.peek()
            if char == "":
                raise self.refuse(opened, "unclosed group: this '(' has no matching ')'")
            if char in (")", ":"):
                if self.pos == start and (char == ")" and self.fancy):
                    raise self.refuse(opened, "empty flag group (?)")
                if negated_at == self.pos - 1 and (not self.fancy or self.pos == start + 1):
                    raise self.refuse(negated_at, "'-' must be followed by a flag to turn off")
                self.pos += 1
                if char == ")":
                    if "x" in seen:
                        self.extended = negated_at < 0 or text.index("x", start) < negated_at
                    return 0, False
                saved = self.extended
                if "x" in seen:
                    self.extended = negated_at < 0 or text.index("x", start) < negated_at
                width = self.alternation(depth)
                self.close(opened)
                self.extended = saved
                return width, True
            if char == "-":
                if negated_at >= 0:
                    raise self.refuse(self.pos, "'-' given twice in a flag group")
                negated_at = self.pos
            elif char not in known:
                hint = ""
                if char == "#":
                    hint = " (comments (?#...) are not supported)"
                elif char in "<'P" and self.fancy is False:
                    hint = " (named groups are (?<name>...) or (?P<name>...))"
                raise self.refuse(self.pos, f"unknown group flag '{char}' in ({text[opened + 1:self.pos + 1]}...{hint}; {self.engine} knows {' '.join(sorted(known))}")
            elif char == "u" and negated_at >= 0 and self.fancy:
                raise self.refuse(self.pos, "fancy-regex does not support turning off Unicode mode (?-u)")
            elif char in seen and not self.fancy:
                raise self.refuse(self.pos, f"flag '{char}' given twice")
            seen.add(char)
            self.pos += 1

    # -- escapes ---------------------------------------------------------------------

    def escape_code(self) -> str:
        """The letter after the backslash at the current position (skipping both)."""
        code = self.peek(1)
        if code == "":
            raise self.refuse(self.pos, "trailing backslash: nothing to escape")
        self.pos += 2
        return code

    def escape(self) -> tuple[int | None, bool]:
        """An escape outside a class: (width, repeatable)."""
        start = self.pos
        text = self.text
        code = self.escape_code()
        if code in "xuU":
            self.hex_escape(start, code)
            return 1, True
        if code in "pP":
            self.unicode_class(start)
            return 1, True
        if code in "dswDSW":
            return 1, True
        if code.isascii() and code.isdigit():
            if not self.fancy:
                raise self.refuse(start, f"backreferences (\\{code}) are not supported by Rust's regex crate")
            digits_end = self.pos
            while digits_end < len(text) and text[digits_end].isdigit() and text[digits_end].isascii():
                digits_end += 1
            group = int(text[start + 1 : digits_end])
            self.pos = digits_end
            self.numeric_backrefs.append((group, start))
            self.unsure = True
            return _VARIABLE, True
        if self.fancy:
            return self.fancy_escape(start, code)
        if code in "afnrtv":
            return 1, True
        if code in "AzbB<>":
            if code in "bB" and self.peek() == "{":
                end = text.find("}", self.pos)
                name = text[self.pos + 1 : end] if end >= 0 else ""
                if name in ("start", "end", "start-half", "end-half"):
                    self.pos = end + 1
            return 0, True
        if code.isascii() and not code.isalnum() and code not in "<>":
            return 1, True
        raise self.refuse(start, f"unrecognized escape '\\{code}' for {self.engine}" + _escape_hint(code))

    def fancy_escape(self, start: int, code: str) -> tuple[int | None, bool]:
        text = self.text
        if code == "k":
            closer = {"<": ">", "'": "'"}.get(self.peek())
            end = text.find(closer, self.pos + 1) if closer else -1
            name = text[self.pos + 1 : end] if end >= 0 else ""
            if not name:
                raise self.refuse(start, "invalid backreference: write \\k<name>")
            bare = name.lstrip("+-")
            if not (bare.isdigit() or name in self.names or (name[0] in "+-" and bare.isdigit())):
                if not any(c in "+-" for c in name):
                    raise self.refuse(start, f"backreference to group '{name}', which is not defined before it")
            self.pos = end + 1
            self.unsure = True
            return _VARIABLE, True
        if code == "g":
            if self.pos >= len(text):
                raise self.refuse(start, "invalid escape '\\g'")
            closer = {"<": ">", "'": "'"}.get(self.peek())
            if closer:
                end = text.find(closer, self.pos + 1)
                if end < 0:
                    raise self.refuse(start, "invalid subroutine call: write \\g<name>")
                self.pos = end + 1
            else:
                while self.pos < len(text) and text[self.pos].isdigit():
                    self.pos += 1
            self.unsure = True
            return _VARIABLE, True
        if code in "bB" and self.peek() == "{":
            raise self.refuse(start, f"fancy-regex 0.16 does not know \\{code}{{...}} word boundaries")
        if code in "AzZbB<>KG":
            return 0, False
        if code in "hHO" or code in "abfnrtve " or not (code.isascii() and code.isalpha()):
            return 1, True
        raise self.refuse(start, f"invalid escape '\\{code}' for {self.engine}" + _escape_hint(code))

    def hex_escape(self, start: int, code: str) -> None:
        text = self.text
        width = {"x": 2, "u": 4, "U": 8}[code]
        if self.peek() == "{":
            end = text.find("}", self.pos)
            digits = text[self.pos + 1 : end] if end >= 0 else ""
            if end < 0 or not digits or not all(c in "0123456789abcdefABCDEF" for c in digits) or (self.fancy and len(digits) > 8):
                raise self.refuse(start, f"invalid hexadecimal escape '\\{code}{{...}}'")
            self.pos = end + 1
        else:
            digits = text[self.pos : self.pos + width]
            if len(digits) < width or not all(c in "0123456789abcdefABCDEF" for c in digits):
                raise self.refuse(start, f"'\\{code}' needs {width} hexadecimal digits (or braces: \\{code}{{...}})")
            self.pos += width
        value = int(digits, 16)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise self.refuse(start, f"'\\{code}{digits}' is not a Unicode scalar value")

    def unicode_class(self, start: int) -> None:
        if self.peek() == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise self.refuse(start, "unclosed Unicode class: missing '}'")
            self.pos = end + 1
        elif self.pos < len(self.text):
            self.pos += 1
        else:
            raise self.refuse(start, "incomplete Unicode class: write \\p{Name} or \\pL")

    # -- character classes (both engines judge them with the regex crate's grammar) ---

    def char_class(self) -> None:
        opened = self.pos
        self.pos += 1
        if self.peek() == "^":
            self.pos += 1
        first = True
        previous: str | None = None  # the last single character, a possible range start
        after_class = False  # the last item was a class such as \d: it cannot start a range
        while True:
            char = self.peek()
            if char == "":
                raise self.refuse(opened, "unclosed character class: this '[' has no matching ']'")
            if char == "]" and not first:
                self.pos += 1
                return
            first = False
            if char == "[":
                if self.text.startswith("[:", self.pos):
                    end = self.text.find(":]", self.pos + 2)
                    name = self.text[self.pos + 2 : end].lstrip("^") if end >= 0 else ""
                    if name in _ASCII_CLASSES:
                        self.pos = end + 2
                        previous = None
                        continue
                self.char_class()
                previous = None
                continue
            if self.text.startswith(("&&", "--", "~~"), self.pos):
                self.pos += 2
                previous = None
                continue
            if char == "-" and after_class and self.peek(1) not in ("]", ""):
                raise self.refuse(self.pos - 2, f"invalid range in a character class: {self.text[self.pos - 2:self.pos]} is a class, not a character (put '-' last or escape it: \\-)")
            if char == "-" and previous is not None and self.peek(1) not in ("]", ""):
                dash = self.pos
                self.pos += 1
                end_at = self.pos
                end_char = self.class_item()
                if end_char is None:
                    raise self.refuse(end_at, "invalid range in a character class: a range ends with a single character")
                if ord(end_char) < ord(previous):
                    raise self.refuse(dash - len(previous), f"invalid range '{previous}-{end_char}' in a character class: the start is after the end")
                previous = None
                continue
            item_start = self.pos
            previous = self.class_item()
            after_class = previous is None and self.text[item_start] == "\\"

    def class_item(self) -> str | None:
        """One class member: the character it is, or None for a class such as \\d."""
        start = self.pos
        char = self.peek()
        if char != "\\":
            self.pos += 1
            return char
        code = self.escape_code()
        if code in "xuU":
            self.hex_escape(start, code)
            body = self.text[start + 2 : self.pos].strip("{}")
            return chr(int(body, 16))
        if code in "pP":
            self.unicode_class(start)
            return None
        if code in "dswDSW":
            return None
        if self.fancy:
            if code.isascii() and code.isdigit():
                raise self.refuse(start, "a backreference cannot stand inside a character class")
            if code in "hH":
                return None
            mapped = {"a": "\x07", "b": "\x08", "f": "\x0c", "n": "\n", "r": "\r", "t": "\t", "v": "\x0b", "e": "\x1b"}
            if code in mapped:
                return mapped[code]
            if code.isascii() and code.isalpha() and code not in "kAzbB<>KG":
                raise self.refuse(start, f"invalid escape '\\{code}' in a character class" + _escape_hint(code))
            return code
        mapped = {"a": "\x07", "f": "\x0c", "n": "\n", "r": "\r", "t": "\t", "v": "\x0b"}
        if code in mapped:
            return mapped[code]
        if code.isascii() and not code.isalnum() and code not in "<>":
            return code
        raise self.refuse(start, f"invalid escape '\\{code}' in a character class for {self.engine}" + _escape_hint(code))


def _escape_hint(code: str) -> str:
    if code == "Z":
        return " (end of text is \\z)"
    if code.isalpha():
        return f" (to match '{code}' write it without the backslash)"
    return ""
