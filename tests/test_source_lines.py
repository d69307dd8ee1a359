"""Lines are counted as Lua counts them, also for suppression comments."""

from __future__ import annotations

import pytest

from kumocheck.source import SourceFile

POLICY = """-- routing {breaker} page two
local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  -- kumocheck: ignore[unknown-key]
  return kumo.make_queue_config {{ retry_intervall = '1m' }}
end)
"""


@pytest.mark.parametrize("breaker", ["\f", "\v", "\x1c", "\x85", "\u2028", "\u2029"])
def test_a_suppression_after_an_odd_character_still_applies(check, breaker):
    assert SourceFile("x.lua", POLICY.format(breaker=breaker)).lines[3] == "  -- kumocheck: ignore[unknown-key]"
    assert check(POLICY.format(breaker=breaker)).diagnostics == []
    other = check(POLICY.format(breaker=breaker).replace("unknown-key", "unknown-event")).diagnostics
    assert [d.rule for d in other if d.rule != "unused-suppression"] == ["unknown-key"]


def test_line_breaks_lua_counts():
    assert SourceFile("x.lua", "a\r\nb\n\rc\rd\n").lines == ["a", "b", "c", "d"]
    assert SourceFile("x.lua", "").lines == [] and SourceFile("x.lua", "a").lines == ["a"]
