"""`kumocheck test`: declarative *.kumotest.toml files, text and JUnit reports."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

from commands_support import ROUTING, run

from kumocheck.compiler.kumotest import check_case, load_test_file
from kumocheck.compiler.verify import outcome


def _suite(tmp_path, text: str):
    folder = tmp_path / "suite"
    shutil.copytree(ROUTING, folder)
    (folder / "policy.kumotest.toml").unlink()
    path = folder / "routing.kumotest.toml"
    path.write_text(text)
    return folder, path


FAILING = '''policy = "policy.lua"

[[case]]
queue = "bulk@gmail.com"
expect = { egress_pool = "pool-bulk", retry_interval = "900s" }

[[case]]
name = "wrong pool and rate"
queue = "billing@yahoo.com"
expect = { egress_pool = "pool-bulk", max_message_rate = "500/h" }

[[case]]
queue = "bulk@test.invalid"
error_regex = "^policy\\\\.lua:\\\\d+: refusing"

[[case]]
queue = "bulk@example.com"
error = "refusing"
'''


def test_the_bundled_example_passes(capsys):
    code, out, _ = run(capsys, "test", str(ROUTING))
    assert code == 0
    assert out.splitlines()[0] == f"{ROUTING / 'policy.kumotest.toml'} ....."
    assert out.splitlines()[-1].strip("= ") == "5 passed"


def test_failures_show_expected_and_actual(tmp_path, capsys):
    folder, path = _suite(tmp_path, FAILING)
    code, out, _ = run(capsys, "test", str(folder))
    assert code == 1
    assert out.splitlines()[0] == f"{path} .F.F"
    assert f"{path}:7: wrong pool and rate (billing@yahoo.com)" in out
    assert '  egress_pool:\n    expected: "pool-bulk"\n    actual:   "pool-transactional"' in out
    assert "max_message_rate" not in out  # 500/h matched
    assert "    expected: an error containing 'refusing'\n    actual:   no error (a config)" in out
    assert out.splitlines()[-1].strip("= ") == "2 passed, 2 failed"


def test_expectations_hold_for_the_lua_reference(tmp_path, lupa_policy):
    _, path = _suite(tmp_path, FAILING)
    test_file = load_test_file(path)
    reference = lupa_policy(test_file.policy)
    verdicts = [not check_case(case, outcome(reference.resolve, case.queue)) for case in test_file.cases]
    assert verdicts == [True, False, True, False]


def test_junit_report(tmp_path, capsys):
    folder, path = _suite(tmp_path, FAILING)
    report = tmp_path / "report.xml"
    code, out, _ = run(capsys, "test", str(path), "--output-format", "junit", "-o", str(report))
    assert code == 1 and out == ""
    root = ET.parse(report).getroot()
    assert root.tag == "testsuites" and root.get("tests") == "4" and root.get("failures") == "2"
    cases = root.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["bulk@gmail.com", "wrong pool and rate", "bulk@test.invalid", "bulk@example.com"]
    failure = cases[1].find("failure")
    assert failure is not None and "egress_pool" in failure.get("message")
    assert cases[0].find("failure") is None and cases[1].get("line") == "7"


def test_bad_test_files_exit_2_with_file_and_line(tmp_path, capsys):
    folder, path = _suite(tmp_path, 'policy = "policy.lua"\n\n[[case]]\nqueue = "a@gmail.com"\nexpect = { egress_pol = "x" }\n')
    code, _, err = run(capsys, "test", str(path))
    assert code == 2
    assert f"{path}:5: 'egress_pol' is not a queue config field (did you mean 'egress_pool'?)" in err
    path.write_text('policy = "policy.lua"\n[[case]]\nqueue = "a@gmail.com"\nexpect = { max_age = "3 dayz" }\n')
    code, _, err = run(capsys, "test", str(path))
    assert code == 2 and f"{path}:4: expect.max_age:" in err
    path.write_text('policy = "policy.lua"\n[[case]]\nqueue = \n')
    code, _, err = run(capsys, "test", str(path))
    assert code == 2 and f"{path}:3: not valid TOML" in err
    path.write_text('policy = "nope.lua"\n[[case]]\nqueue = "a.example"\nerror = "x"\n')
    assert run(capsys, "test", str(path))[0] == 2
    path.write_text('policy = "policy.lua"\n[[case]]\nqueue = "a.example"\nexpected = { egress_pool = "x" }\n')
    code, _, err = run(capsys, "test", str(path))
    assert code == 2 and "unknown key 'expected' in [[case]] (did you mean 'expect'?)" in err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(capsys, "test", str(empty))[0] == 2


def test_a_policy_that_does_not_compile_fails_every_case(tmp_path, capsys):
    folder, path = _suite(tmp_path, 'policy = "policy.lua"\n[[case]]\nqueue = "a.example"\nerror = "x"\n')
    (folder / "policy.lua").write_text("local kumo = require 'kumo'\nkumo.on('get_queue_config', function() return nil end)\n")
    code, out, _ = run(capsys, "test", str(path))
    assert code == 1 and "not compiled" in out and out.splitlines()[0].endswith(" F")
