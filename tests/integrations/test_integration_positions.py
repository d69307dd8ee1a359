"""Position conversion between kumocheck spans (characters) and LSP positions (code units)."""

from __future__ import annotations

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (pip install kumocheck[server])")

from lsprotocol.types import Position, PositionEncodingKind  # noqa: E402

from kumocheck.schema.model import load_schema  # noqa: E402
from kumocheck.server.documents import from_lsp_position, split_lines, to_lsp_position  # noqa: E402
from kumocheck.server.hover import hover_at  # noqa: E402

LINES = split_lines("-- é\r\nx = '🚀é' .. y\n")


@pytest.mark.parametrize(
    ("encoding", "units"),
    [(PositionEncodingKind.Utf16, 10), (PositionEncodingKind.Utf8, 13), (PositionEncodingKind.Utf32, 9)],
)
def test_round_trip(encoding: str, units: int) -> None:
    column = LINES[1].index("..") + 1  # 1-based character column after '🚀é'
    position = to_lsp_position(LINES, 2, column, encoding)
    assert position == Position(line=1, character=units)
    assert from_lsp_position(LINES, position, encoding) == (2, column)


def test_lines_follow_lua_not_str_splitlines() -> None:
    assert split_lines("a\x0cb\r\nc\u2028d") == ["a\x0cb", "c\u2028d"]
    assert to_lsp_position(["ab"], 1, 5) == Position(line=0, character=4)  # past the end stays linear
    assert from_lsp_position(["ab"], Position(line=3, character=2)) == (4, 1)


def test_hover_targets() -> None:
    text = "kumo.on('get_queue_config', f)\nx = { retry_interval = '1m', ['max_age'] = 1 }\nif retry_interval == 1 then end\n"
    second, third = text.index("x = {"), text.index("if ")

    def hover(offset: int) -> str | None:
        found = hover_at(load_schema(), text, offset)
        return found[0] if found else None

    assert hover(11).startswith("**get_queue_config(")
    assert hover(second + 7).startswith("**retry_interval** · `QueueConfig`")
    assert hover(text.index("max_age") + 1).startswith("**max_age**")
    assert hover(third + 4) is None  # a comparison, not a key
    assert hover(len(text)) is None
