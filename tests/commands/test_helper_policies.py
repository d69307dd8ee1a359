"""explain, diff and test on policies built on the policy-extras helpers (data-file origins)."""

from __future__ import annotations

import shutil

from commands_support import ESP, HELPERS, line_of, run, run_json

QUEUES = HELPERS / "queues.toml"


def test_explain_names_data_file_lines_and_helper_defaults(capsys):
    code, data = run_json(capsys, "explain", str(HELPERS), "spring:bulk@gmail.com")
    assert code == 0
    fields = data["fields"]
    assert fields["egress_pool"] == {"value": "pool-warmup", "origin": {
        "file": "queues.toml", "line": line_of(QUEUES, 'egress_pool = "pool-warmup"'), "kind": "data",
        "detail": '[queue."gmail.com".bulk.spring]'}}
    assert fields["max_message_rate"]["origin"]["line"] == line_of(QUEUES, 'max_message_rate = "100/min"')
    assert fields["retry_interval"]["origin"]["detail"] == "[queue.default]"
    assert fields["refresh_strategy"]["value"] == "Epoch" and fields["refresh_strategy"]["origin"]["kind"] == "helper-default"
    assert fields["protocol"]["origin"] == "default"
    assert data["handlers"] == [
        {"file": "init.lua", "line": line_of(HELPERS / "init.lua", "kumo.on('get_queue_config'"), "result": "passed"},
        {"file": None, "line": None, "result": "answered", "helper": "policy-extras.queue"},
    ]


def test_explain_human_output_for_a_helper(capsys):
    code, out, _ = run(capsys, "explain", str(HELPERS), "bulk@gmail.com")
    assert code == 0
    assert "handler 2 of 2 (policy-extras.queue): answered" in out
    line = next(text for text in out.splitlines() if text.startswith("egress_pool"))
    number = line_of(QUEUES, 'egress_pool = "pool-bulk"')
    assert line.endswith(f"queues.toml:{number} [tenant.bulk] (data)")


def test_helper_set_fields_without_positions_are_credited_to_the_helper(capsys):
    code, data = run_json(capsys, "explain", str(ESP), "webhook.log_hook", "--dns", str(ESP / "dns.toml"))
    assert code == 0
    assert data["handlers"][-1]["helper"] == "policy-extras.log_hooks"
    assert data["fields"]["retry_interval"]["origin"] == {"file": None, "line": None, "kind": "helper", "detail": "set by policy-extras.log_hooks"}


def _copy_with_queues(tmp_path, old: str, new: str):
    """A copy of the helpers example whose queues.toml has `old` replaced by `new`."""
    folder = tmp_path / "new"
    shutil.copytree(HELPERS, folder)
    text = (folder / "queues.toml").read_text()
    assert old in text
    (folder / "queues.toml").write_text(text.replace(old, new))
    return folder


def test_diff_of_a_data_file_change(tmp_path, capsys):
    new = _copy_with_queues(tmp_path, 'max_message_rate = "100/min"', 'max_message_rate = "50/min"')
    code, data = run_json(capsys, "diff", str(HELPERS), str(new))
    assert code == 1
    assert data["changed"] == {
        "bulk@gmail.com": {"max_message_rate": {"old": "100/m", "new": "50/m"}},
        "spring:bulk@gmail.com": {"max_message_rate": {"old": "100/m", "new": "50/m"}},
    }
    assert data["errors"] == {}


def test_diff_reports_a_broken_data_file_as_errors(tmp_path, capsys):
    new = _copy_with_queues(tmp_path, 'retry_interval = "25m"', 'retry_interval = "25 parsecs"')
    code, data = run_json(capsys, "diff", str(HELPERS), str(new))
    assert code == 1
    assert "bulk@mail.yahoo.com" in data["errors"] and data["errors"]["bulk@mail.yahoo.com"]["old"] is None


def test_the_helper_example_tests_pass_and_dns_fixtures_are_checked(tmp_path, capsys):
    code, out, _ = run(capsys, "test", str(HELPERS))
    assert code == 0 and out.splitlines()[-1].strip("= ") == "6 passed"
    suite = tmp_path / "suite"
    shutil.copytree(HELPERS, suite)
    path = suite / "helpers.kumotest.toml"
    path.write_text('policy = "init.lua"\ndns = "missing.toml"\n[[case]]\nqueue = "a.example"\nerror = "x"\n')
    code, _, err = run(capsys, "test", str(path))
    assert code == 2 and f"{path}:2: dns missing.toml: no such file" in err


def test_every_origin_line_holds_the_key_it_names():
    """For every queue name diff would resolve, each origin points at a line writing that key."""
    from kumocheck.compiler.resolution import load_policy
    from kumocheck.extras.dns import load_fixture

    checked = 0
    for folder, dns in ((ESP, load_fixture(ESP / "dns.toml")), (HELPERS, None)):
        policy = load_policy(folder, dns=dns) if dns else load_policy(folder)
        for name in policy.queue_names():
            resolution = policy.explain(name)
            for field in resolution.fields:
                origin = field.origin
                if isinstance(origin, str) or origin.file is None:
                    continue
                text = (folder / origin.file).read_text().splitlines()[origin.line - 1]
                assert field.name in text, (name, field.name, origin)
                checked += 1
    assert checked > 100


def _real_helpers(lupa_policy, folder, dns=None):
    """The policy in Lua 5.4 with KumoMTA's own policy-extras code (skip without it)."""
    import pytest

    from kumocheck.compiler.oracle_helpers import helpers_dir
    from kumocheck.extras.dns import NO_DNS
    from kumocheck.runtime.extras import ExtrasSettings

    if helpers_dir() is None:
        pytest.skip("KumoMTA's policy-extras source is not available")
    return lupa_policy(folder / "init.lua", folder, ExtrasSettings(folder, dns or NO_DNS))


def test_explain_diff_and_test_agree_with_the_real_helpers(tmp_path, capsys, lupa_policy):
    from kumocheck.compiler.kumotest import check_case, load_test_file
    from kumocheck.compiler.resolution import load_policy
    from kumocheck.compiler.verify import outcome

    reference = _real_helpers(lupa_policy, HELPERS)
    policy = load_policy(HELPERS)
    for name in policy.queue_names():
        resolution = policy.explain(name)
        expected = outcome(reference.resolve, name)
        if expected.error is not None:
            assert resolution.error is not None, name
        else:
            assert {f.name: f.value for f in resolution.fields} == expected.shape, name
    test_file = load_test_file(HELPERS / "helpers.kumotest.toml")
    assert all(not check_case(case, outcome(reference.resolve, case.queue)) for case in test_file.cases)
    new = _copy_with_queues(tmp_path, 'max_message_rate = "100/min"', 'max_message_rate = "50/min"')
    code, data = run_json(capsys, "diff", str(HELPERS), str(new))
    new_reference = _real_helpers(lupa_policy, new)
    for name, fields in data["changed"].items():
        before, after = reference.resolve(name).to_dict(), new_reference.resolve(name).to_dict()
        assert {f: {"old": before[f], "new": after[f]} for f in before if before[f] != after[f]} == fields
    unchanged = [n for n in policy.queue_names() if n not in data["changed"]]
    assert all(reference.resolve(n).to_dict() == new_reference.resolve(n).to_dict() for n in unchanged)


def test_explain_on_a_full_esp_policy_agrees_with_the_real_helpers(lupa_policy):
    from kumocheck.compiler.resolution import load_policy
    from kumocheck.compiler.verify import outcome
    from kumocheck.extras.dns import load_fixture

    dns = load_fixture(ESP / "dns.toml")
    reference = _real_helpers(lupa_policy, ESP, dns)
    policy = load_policy(ESP, dns=dns)
    names = policy.queue_names()
    assert "spring:bulk@gmail.com" in names
    for name in names:
        resolution = policy.explain(name)
        expected = outcome(reference.resolve, name)
        assert (resolution.error is None) == (expected.error is None), name
        if expected.error is None:
            assert {f.name: f.value for f in resolution.fields} == expected.shape, name
