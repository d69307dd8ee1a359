"""requires-newer-kumomta: judged against `target-version`, silent without it."""

from __future__ import annotations

from checker_support import rules_of

POLICY = """\
kumo.on('smtp_server_data', function(msg, conn_meta) end)
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  local digest = kumo.digest.sha256('x')
  return kumo.make_queue_config {
    retry_interval = '5m',
    shrink_policy = { { interval = '1h', policy = 'ShrinkData' } },
    refresh_strategy = 'Epoch',
  }
end)
"""


def test_old_target_reports_each_newer_feature(check):
    report = check(POLICY, target_version="2024.11.08")
    assert rules_of(report) == [
        (1, "requires-newer-kumomta"),  # smtp_server_data: 2025.12.02
        (6, "requires-newer-kumomta"),  # shrink_policy: 2025.03.19
    ]
    assert "2025.03.19" in report.diagnostics[1].message


def test_recent_target_and_no_target_are_silent(check):
    assert rules_of(check(POLICY, target_version="2026.06.23")) == []
    assert rules_of(check(POLICY)) == []


def test_target_between_releases(check):
    # refresh_strategy arrived in 2024.11.08: one day before that it is missing
    report = check(POLICY, target_version="2024.11.07")
    assert (7, "requires-newer-kumomta") in rules_of(report)
