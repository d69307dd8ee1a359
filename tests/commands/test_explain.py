"""`kumocheck explain`: each field's value (checked against Lua 5.4) and its origin."""

from __future__ import annotations

from commands_support import ROUTING, line_of, run, run_json

POLICY = ROUTING / "policy.lua"


def test_fields_match_the_lua_reference_and_name_the_key_lines(capsys, lupa_policy):
    code, data = run_json(capsys, "explain", str(ROUTING), "bulk@gmail.com")
    assert code == 0
    reference = lupa_policy(POLICY).resolve("bulk@gmail.com").to_dict()
    assert {name: field["value"] for name, field in data["fields"].items()} == reference
    fields = data["fields"]
    assert fields["egress_pool"]["origin"] == {"file": "policy.lua", "line": line_of(POLICY, "egress_pool = TENANT_POOLS"), "kind": "lua"}
    assert fields["max_age"]["origin"]["line"] == line_of(POLICY, "max_age = '3 days'")
    # set by `params.retry_interval = ...` after the constructor
    assert fields["retry_interval"]["origin"]["line"] == line_of(POLICY, "params.retry_interval")
    assert fields["reap_interval"] == {"value": "10m", "origin": "default"}
    registrations = [n for n, line in enumerate(POLICY.read_text().splitlines(), 1) if "kumo.on('get_queue_config'" in line]
    assert [(h["file"], h["line"], h["result"]) for h in data["handlers"]] == [
        ("policy.lua", registrations[0], "passed"), ("policy.lua", registrations[1], "answered"),
    ]


def test_a_later_assignment_moves_the_origin(capsys):
    code, data = run_json(capsys, "explain", str(POLICY), "urgent:bulk@yahoo.com")
    assert code == 0
    assert data["fields"]["max_age"] == {
        "value": "4h", "origin": {"file": "policy.lua", "line": line_of(POLICY, "params.max_age = '4h'"), "kind": "lua"},
    }


def test_constant_config_and_handler_chain(capsys):
    code, data = run_json(capsys, "explain", str(POLICY), "sink.internal")
    assert code == 0
    assert data["fields"]["protocol"]["origin"]["line"] == line_of(POLICY, "protocol = { maildir_path")
    assert data["fields"]["egress_pool"]["origin"] == "default"
    assert [(h["line"], h["result"]) for h in data["handlers"]] == [(line_of(POLICY, "-- Internal sink") + 1, "answered")]


def test_dynamic_keys_get_the_make_queue_config_line(tmp_path, capsys):
    policy = tmp_path / "policy.lua"
    policy.write_text(
        "local kumo = require 'kumo'\n"
        "local DEFAULTS = { egress_pool = 'pool-a' }\n"
        "kumo.on('get_queue_config', function(domain, tenant)\n"
        "  local params = {}\n"
        "  for key, value in pairs(DEFAULTS) do\n"
        "    params[key] = value\n"
        "  end\n"
        "  return kumo.make_queue_config(params)\n"
        "end)\n"
    )
    code, data = run_json(capsys, "explain", str(policy), "example.com")
    assert code == 0
    assert data["fields"]["egress_pool"] == {"value": "pool-a", "origin": {"file": "policy.lua", "line": 8, "kind": "lua"}}


def test_handlers_in_required_modules_name_their_file(tmp_path, capsys):
    (tmp_path / "routes.lua").write_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain)\n"
        "  if domain == 'a.example' then\n"
        "    return kumo.make_queue_config { retry_interval = '5m' }\n"
        "  end\n"
        "end)\n"
    )
    (tmp_path / "init.lua").write_text("local kumo = require 'kumo'\nrequire 'routes'\n")
    code, data = run_json(capsys, "explain", str(tmp_path), "a.example")
    assert code == 0
    assert data["handlers"] == [{"file": "routes.lua", "line": 2, "result": "answered"}]
    assert data["fields"]["retry_interval"]["origin"] == {"file": "routes.lua", "line": 4, "kind": "lua"}
    code, data = run_json(capsys, "explain", str(tmp_path), "b.example")
    assert data["handlers"][0]["result"] == "passed"
    assert all(field["origin"] == "default" for field in data["fields"].values())


def test_errors_exit_1_and_name_the_handler(capsys):
    code, data = run_json(capsys, "explain", str(POLICY), "bulk@test.invalid")
    assert code == 1
    assert "refusing to queue for test.invalid" in data["error"]
    assert [h["result"] for h in data["handlers"]] == ["passed", "raised"]


def test_human_output_is_an_aligned_table(capsys):
    code, out, _ = run(capsys, "explain", str(POLICY), "billing@example.com")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# billing@example.com"
    assert "handler 2 of 2 (policy.lua:" in out and "answered" in out
    header = next(line for line in lines if line.startswith("FIELD"))
    column = header.index("ORIGIN")
    egress = next(line for line in lines if line.startswith("egress_pool"))
    assert egress[column:] == f"policy.lua:{line_of(POLICY, 'egress_pool = TENANT_POOLS')}"
    assert '"pool-transactional"' in egress
    reap = next(line for line in lines if line.startswith("reap_interval"))
    assert reap[column:] == "default (KumoMTA)"


def test_usage_errors(tmp_path, capsys):
    assert run(capsys, "explain", str(tmp_path / "missing.lua"), "a.example")[0] == 2
    assert run(capsys, "explain", str(tmp_path), "a.example")[0] == 2  # no entry file
    assert run(capsys, "explain", str(POLICY))[0] == 2
    bad = tmp_path / "bad.lua"
    bad.write_text("local kumo = require 'kumo'\nkumo.on('get_queue_config', function() return nil end)\n")
    code, _, err = run(capsys, "explain", str(bad), "a.example")
    assert code == 1 and "not compiled" in err
