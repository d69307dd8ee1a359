"""Shared by the data readers' tests: TOML documents on the edges of the grammar, and a
comparison form of read values."""

import math


def norm(value):
    """Plain data with NaN made comparable (NaN != NaN)."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    if isinstance(value, list):
        return [norm(v) for v in value]
    return value


#: Documents whose accept/reject decision and values must equal tomllib's (TOML 1.0).
TOML10_CASES = [
    "", "\n", "# only a comment", "a = 1", "a = 1\n", "a=1", "a =1 # c", "a = 1\r\n", "a = 1\rb = 2",
    "a = ", "= 1", "a", "a = 1 2", "a = 1\na = 2", "a.b = 1\na.c = 2", "a.b = 1\na = 2", "a = 1\na.b = 2",
    "\"a\" = 1\na = 2", "'a' = 1\n\"a\" = 2", "'' = 1", '"" = 1', "a . b = 1", "a.\"b.c\" = 1", "a..b = 1", ".a = 1",
    "a. = 1", "1 = 2", "1.2 = 3", "-_ = 1", "ä = 1", "a-b_c = true",
    # strings
    'a = "x\\ty"', 'a = "\\q"', 'a = "\\u00e9\\U0001F600"', 'a = "\\ud800"', 'a = "\\U00110000"', 'a = "\\u12"',
    'a = "unterminated', "a = 'unterminated", 'a = "tab\there"', 'a = "nul\x00"', "a = 'x\x7fy'", 'a = "x\x1by"',
    'a = """\nline1\nline2"""', 'a = """\\\n   trimmed"""', 'a = """a\\   \n  b"""', 'a = """a\\ b"""',
    'a = """""""', 'a = """"""""', 'a = """x""""', "a = '''x''''", "a = '''x'''''", "a = ''''''", "a = '''\n'''",
    'a = """unterminated', "a = '''unterminated", 'a = """a\rb"""', "a = '''a\x01b'''", 'a = "\\e"', 'a = "\\x41"',
    'a = "\\', "a = 'lit\\eral'", 'a = "a" "b"', 'a = """\\\n"""', 'a = """\\  """',
    # numbers
    "a = 0", "a = +0", "a = -0", "a = 00", "a = 01", "a = 1_000", "a = 1__0", "a = _1", "a = 1_", "a = 0x1F",
    "a = 0X1F", "a = 0x", "a = 0x_1", "a = +0x1", "a = 0o17", "a = 0o8", "a = 0b101", "a = 0b2", "a = 1.5",
    "a = 1.", "a = .5", "a = 1e5", "a = 1E-5", "a = 1e+05", "a = 1.5e3", "a = 1e", "a = 1.e3", "a = 1_0.0_1",
    "a = 1.0_", "a = inf", "a = +inf", "a = -inf", "a = nan", "a = -nan", "a = Inf", "a = NaN", "a = infinity",
    "a = 9223372036854775807", "a = -9223372036854775808", "a = 3.14x", "a = 12a",
    # booleans and bare words
    "a = true", "a = false", "a = True", "a = tru", "a = truee", "a = null", "a = abc",
    # dates and times
    "a = 1979-05-27", "a = 1979-05-27T07:32:00", "a = 1979-05-27 07:32:00Z", "a = 1979-05-27t07:32:00z",
    "a = 1979-05-27T07:32:00.999999-07:00", "a = 1979-05-27T07:32:00.1234567", "a = 07:32:00", "a = 07:32:00.5",
    "a = 1979-02-29", "a = 1980-02-29", "a = 1979-13-01", "a = 1979-04-31", "a = 24:00:00", "a = 23:60:00",
    "a = 1979-05-27T07:32:60", "a = 1979-05-27 x", "a = 1979-05-27T07:32:00+25:00", "a = 1979-5-27",
    "a = 07:32", "a = 1979-05-27T07:32", "a = 1979-05-27T07:32Z",
    # arrays
    "a = []", "a = [ ]", "a = [1,]", "a = [,]", "a = [1,,2]", "a = [1 2]", "a = [\n1,\n2,\n]", "a = [ # c\n1 # c\n]",
    "a = [1, 'a', 2.0, [true], {x = 1}]", "a = [", "a = [1", "a = [[]]", "a = [[1],[2,[3]]]",
    # inline tables
    "a = {}", "a = { }", "a = {x = 1}", "a = {x = 1,}", "a = {x = 1, x = 2}", "a = {x.y = 1, x.z = 2}",
    "a = {x = {y = 1}, x.z = 2}", "a = {x = 1\n}", "a = {\nx = 1}", "a = {x = 1 # c\n}", "a = {,}", "a = {x}",
    "a = {x = 1}\na.y = 2", "a = {x = 1}\n[a]", "a = {x = 1}\n[a.b]", "a = [1]\n[[a]]", "a = {x = 1 y = 2}",
    "a = { x.y = 1, x = 2 }", "a = {x=[1], x.y=2}",
    # tables
    "[a]", "[a]\n[a]", "[a.b]\n[a]", "[a]\n[a.b]", "[a.b]\n[a.b]", "[ a . b ]", "[a]]", "[a", "[]", "[a] x",
    "[a]\nb = 1\n[a.b]", "[a]\nb.c = 1\n[a.b]", "[a]\nb.c = 1\n[a.b.d]", "[a.b.c]\n[a]\nb.c = 1", "[a.b.c]\n[a]\nb.d = 1",
    "a.b = 1\n[a]", "a.b = 1\n[a.c]", "[a]\nb = 1\n[a.b.c]", "[\"a\".'b']", "[a.\"\"]", "[a]\n\n[b]\n[a.c]",
    "[a.b]\nc = 1\n[a]\nb.d = 1", "[x]\na.b = 1\na.c = 2", "[x]\na.b = 1\n[x.a.c]",
    # arrays of tables
    "[[a]]", "[[a]]\n[[a]]", "[[a]]\n[a]", "[a]\n[[a]]", "[[a]]\n[a.b]\n[[a]]\n[a.b]", "[[a]]\nb = 1\n[[a.c]]\nd = 2",
    "[[a.b]]\n[a]", "[[a.b]]\n[[a]]", "[[a]\n", "[[a]]]", "[ [a]]", "[[a] ]", "a = []\n[[a]]",
    "[[a]]\nb.c = 1\n[a.b]", "[[a]]\n[a.b]\nc = 1\n[a.b]", "[[fruit]]\n[fruit.physical]\n[[fruit.variety]]\n[[fruit]]",
    "[a]\nx = 1\n[[a.y]]\n[a.y.z]", "[[a]]\nx.y = 1\n[a.x]",
    # comments and control characters
    "# \x01", "a = 1 # \x7f", "# tab\there", "a = 1 #", "#\r\na=1", "a = 1 # é",
    "\ufeffa = 1", "a = \"é\"", "\x0c", "a = 1\x0c",
]
