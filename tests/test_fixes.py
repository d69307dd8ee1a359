"""`check --fix`, `--unsafe-fixes`, `--diff`, `--show-fixes` and the fixes module."""

from __future__ import annotations

import pytest

from kumocheck.cli import main
from kumocheck.config import Settings
from kumocheck.diagnostics import SAFE, UNSAFE, Fix
from kumocheck.fixes import apply_fixes, fixes_for
from kumocheck.fixes.engine import fix_until_stable
from kumocheck.source import Span

# An operator's policy with several mistakes of different kinds: the four marked SAFE
# have one clear meaning; `return nil` is a change of behaviour; '5 minuts' has no guess.
POLICY = """\
local kumo = require 'kumo'

-- Per-tenant queues; webhooks go through the custom_lua constructor below.
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if tenant == 'webhooks' then
    return kumo.make_queue_config {
      protocol = { custom_lua = { constructor = "make.webhok" } }, -- SAFE (constructor)
    }
  end
  if domain == 'skip.example' then return nil end -- UNSAFE
  return kumo.make_queue_config {
    max_ag = '5 days', -- SAFE (key); keep this comment
    ["retry_intervl"] = "20m", -- SAFE (quoted key keeps its quotes)
    max_retry_interval = '5 minuts', -- no fix
    max_message_rate = '100 / Hours', -- SAFE (same rate)
    egress_pool = 'pool-' .. tenant,
  }
end)

kumo.on('make.webhook', function(domain, tenant, campaign)
  local connection = {}
  function connection:send(message)
    print(message:get_data())
  end
  return connection
end)

kumo.on('get_egres_path_config', function(domain, egress_source, site_name) -- SAFE (event)
  return kumo.make_egress_path { connection_limit = 5 }
end)
"""


@pytest.fixture
def policy(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "init.lua"
    path.write_text(POLICY, encoding="utf-8")
    return path


def _rules(capsys, *args) -> list[str]:
    import json

    capsys.readouterr()
    main(["check", "--no-cache", "--output-format", "json", *args])
    return sorted(d["rule"] for d in json.loads(capsys.readouterr().out))


def test_fix_applies_safe_fixes_keeps_layout_and_reports_the_rest(policy, capsys):
    code = main(["check", "--no-cache", "--fix", "--output-format", "concise", str(policy)])
    out = capsys.readouterr()
    fixed = policy.read_text(encoding="utf-8")
    assert code == 1  # findings remain
    assert "max_age = '5 days', -- SAFE (key); keep this comment" in fixed
    assert '["retry_interval"] = "20m",' in fixed
    assert 'constructor = "make.webhook"' in fixed  # double quotes kept
    assert "max_message_rate = '100/hour'," in fixed
    assert "kumo.on('get_egress_path_config'," in fixed
    assert "return nil end -- UNSAFE" in fixed  # unsafe: not without --unsafe-fixes
    assert "'5 minuts'" in fixed
    # the rest of the text is byte-for-byte the same
    assert len(fixed.splitlines()) == len(POLICY.splitlines())
    changed = [a for a, b in zip(POLICY.splitlines(), fixed.splitlines()) if a != b]
    assert len(changed) == 5
    # the report shows what remains, at the lines of the fixed file
    assert "init.lua:10:" in out.out and "nil-return" in out.out
    assert "invalid-duration" in out.out and "unknown-key" not in out.out
    assert "Fixed 5 problems in 1 file." in out.err


def test_second_fix_changes_nothing(policy, capsys):
    main(["check", "--no-cache", "--fix", str(policy)])
    once = policy.read_bytes()
    capsys.readouterr()
    code = main(["check", "--no-cache", "--diff", str(policy)])
    assert code == 0 and capsys.readouterr().out == ""
    main(["check", "--no-cache", "--fix", str(policy)])
    assert policy.read_bytes() == once


def test_unsafe_fixes_apply_the_rest(policy, capsys):
    main(["check", "--no-cache", "--fix", "--unsafe-fixes", str(policy)])
    fixed = policy.read_text(encoding="utf-8")
    assert "then return end -- UNSAFE" in fixed
    assert _rules(capsys, str(policy)) == ["invalid-duration"]


def test_diff_writes_nothing_and_exits_1(policy, capsys):
    code = main(["check", "--no-cache", "--diff", str(policy)])
    out = capsys.readouterr()
    assert code == 1
    assert policy.read_text(encoding="utf-8") == POLICY
    assert out.out.startswith("--- a/init.lua\n+++ b/init.lua\n")
    assert "-    max_ag = '5 days', -- SAFE (key); keep this comment\n" in out.out
    assert "+    max_age = '5 days', -- SAFE (key); keep this comment\n" in out.out
    assert "return nil" not in out.out.replace(" return nil end -- UNSAFE", "")


def test_show_fixes_lists_each_fix(policy, capsys):
    main(["check", "--no-cache", "--fix", "--show-fixes", str(policy)])
    err = capsys.readouterr().err
    assert "init.lua:\n" in err
    assert "  12:5: KC101 [unknown-key] Replace with max_age" in err
    assert "KC201 [unbound-constructor]" in err and "KC203 [unknown-event]" in err


def test_fix_options_misused_are_usage_errors(policy, capsys):
    assert main(["check", "--unsafe-fixes", str(policy)]) == 2
    assert main(["check", "--show-fixes", str(policy)]) == 2
    assert main(["check", "--fix", "-"]) == 2
    assert "stdin" in capsys.readouterr().err


def test_fix_in_a_required_module(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "init.lua").write_text(
        "local kumo = require 'kumo'\nlocal routes = require 'lib.routes'\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  return kumo.make_queue_config(routes.config(domain))\nend)\n",
        encoding="utf-8",
    )
    module = tmp_path / "lib" / "routes.lua"
    module.write_text(
        "local M = {}\nfunction M.config(domain)\n  return { retry_interval = '10m', max_ag = '3d' }\nend\nreturn M\n",
        encoding="utf-8",
    )
    main(["check", "--no-cache", "--fix", "init.lua"])
    assert "max_age = '3d'" in module.read_text(encoding="utf-8")


def test_fix_never_writes_a_file_that_does_not_parse(tmp_path):
    text = "local x = { a = 1 }\n"
    breaking = Fix(Span(1, 13, 1, 14), "a =", "break it", SAFE)
    new_text, edits = apply_fixes(text, [breaking])
    assert new_text == "local x = { a = = 1 }\n" and edits  # the one-pass applier does not parse...
    from kumocheck.fixes.engine import FileFix, _verified_edits

    from kumocheck.diagnostics import Diagnostic, Severity

    diagnostic = Diagnostic("x.lua", breaking.span, Severity.ERROR, "KC101", "unknown-key", "m", fix=breaking)
    state = FileFix(tmp_path / "x.lua", "x.lua", text, text)
    assert _verified_edits(state, [diagnostic]) == []  # ...the engine refuses the edit


def test_overlapping_fixes_first_wins_rest_next_pass():
    text = "abcdef"
    first = Fix(Span(1, 1, 1, 4), "X", "one", SAFE)
    second = Fix(Span(1, 3, 1, 6), "Y", "two", SAFE)
    third = Fix(Span(1, 6, 1, 7), "Z", "three", SAFE)
    new_text, edits = apply_fixes(text, [second, third, first])
    assert new_text == "XdeZ" and [e.fix.title for e in edits] == ["one", "three"]


def test_requoting_and_refusals():
    from kumocheck.fixes.edits import requote

    assert requote('"max_ag"', "max_age") == '"max_age"'
    assert requote("'x'", '"y"') == "'y'"
    assert requote("max_ag", "max_age") == "max_age"
    assert requote("[[x]]", "'y'") is None  # a long string: left alone
    assert requote("'a\\'b'", "'c'") is None  # escapes: left alone
    assert requote('"x"', "'it''s'") is None


def test_fixes_for_levels():
    from kumocheck.diagnostics import Diagnostic, Severity

    def diag(level):
        return Diagnostic("x.lua", Span(1, 1, 1, 2), Severity.ERROR, "KC101", "unknown-key", "m",
                          fix=Fix(Span(1, 1, 1, 2), "y", "t", level))

    safe, unsafe, shown = diag(SAFE), diag(UNSAFE), diag("display-only")
    assert fixes_for([safe, unsafe, shown]) == [safe]
    assert fixes_for([safe, unsafe, shown], unsafe=True) == [safe, unsafe]


def test_engine_reaches_a_fixed_point(policy):
    outcome = fix_until_stable([policy], Settings())
    assert outcome.settled and outcome.passes == 2  # one pass fixing, one finding nothing to fix
    assert len(outcome.applied) == 5
    assert [d.rule for d in outcome.report.diagnostics] == ["nil-return", "invalid-duration"]


def test_unused_suppressions_are_removed_safely(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "init.lua"
    path.write_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  return kumo.make_queue_config {\n"
        "    -- kumocheck: ignore[invalid-duration]\n"
        "    retry_interval = '10m',\n"
        "    max_age = '3 Dayz', -- kumocheck: ignore[unknown-key, invalid-duration]\n"
        "    egress_pool = 'bulk', -- kumocheck: ignore[KC102]\n"
        "    reap_interval = '10s', -- stale: kumocheck: ignore[KC103]\n"
        "  }\n"
        "end)\n",
        encoding="utf-8",
    )
    code = main(["check", "--no-cache", "--fix", "--output-format", "concise", str(path)])
    fixed = path.read_text(encoding="utf-8")
    assert fixed.splitlines()[3:7] == [
        "    retry_interval = '10m',",  # the comment line is gone
        "    max_age = '3 Dayz', -- kumocheck: ignore[invalid-duration]",  # one name removed
        "    egress_pool = 'bulk',",  # the trailing comment removed
        "    reap_interval = '10s', -- stale: kumocheck: ignore[KC103]",  # other words: unsafe, kept
    ]
    assert code == 1 and "7:38: KC004" in capsys.readouterr().out
    main(["check", "--no-cache", "--fix", "--unsafe-fixes", str(path)])
    assert "    reap_interval = '10s', -- stale: \n" in path.read_text(encoding="utf-8")


def test_unused_suppression_respects_selection(tmp_path, capsys):
    path = tmp_path / "x.lua"
    path.write_text("local kumo = require 'kumo'\nlocal x = 1 -- kumocheck: ignore[invalid-type]\n", encoding="utf-8")
    assert _rules(capsys, str(path)) == ["unused-suppression"]
    assert _rules(capsys, "--ignore", "invalid-type", str(path)) == []  # the rule did not run
    assert _rules(capsys, "--select", "KC1", str(path)) == []


# Data files: the same engine fixes keys and values in TOML, keeping comments and quoting.
DATA_POLICY = """\
local sources = require 'policy-extras.sources'
local shaping = require 'policy-extras.shaping'
sources:setup { '/opt/kumomta/etc/policy/sources.toml' }
local shaper = shaping:setup_with_automation {
  publish = { 'http://127.0.0.1:8008' },
  subscribe = { 'http://127.0.0.1:8008' },
  extra_files = { '/opt/kumomta/etc/policy/shaping.toml' },
  no_default_files = true,
}
kumo.on('get_egress_path_config', shaper.get_egress_path_config)
"""
SOURCES_TOML = """\
# egress sources, one per IP
[source."ip-1"]
source_adress = "10.0.0.1"   # the typo kumod would reject
ehlo_domain = 'mta1.example.com'

[pool."bulk"]
[pool."bulk"."ip-1"]
weight = 2
"""
SHAPING_TOML = """\
["gmail.com"]
max_deliveries_per_conection = 50
connection_limit = 5
idle_timeout = "1 minuets"  # no clear guess: left reported
"""


def test_fix_data_files_in_place_keeps_layout_and_is_idempotent(tmp_path, capsys):
    from kumocheck.parse.data import read_data
    from kumocheck.source import read_source

    (tmp_path / "init.lua").write_text(DATA_POLICY, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(SOURCES_TOML, encoding="utf-8")
    (tmp_path / "shaping.toml").write_text(SHAPING_TOML, encoding="utf-8")
    assert main(["check", "--isolated", "--no-cache", "--fix", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert (tmp_path / "sources.toml").read_text(encoding="utf-8") == SOURCES_TOML.replace("source_adress", "source_address")
    assert (tmp_path / "shaping.toml").read_text(encoding="utf-8") == SHAPING_TOML.replace(
        "max_deliveries_per_conection", "max_deliveries_per_connection"
    )
    assert "1 minuets" in out and "source_adress" not in out  # what remains is reported
    for name in ("sources.toml", "shaping.toml"):
        read_data(read_source(tmp_path / name), "toml")  # still valid TOML
    assert main(["check", "--isolated", "--no-cache", "--diff", str(tmp_path)]) == 0  # nothing left to fix
