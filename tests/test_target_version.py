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


EGRESS_POLICY = """\
kumo.on('get_egress_source', function(source_name)
  return kumo.make_egress_source {
    name = source_name,
    socks5_proxy_server = 'proxy.example.com:1080',
    socks5_proxy_username = 'kumo',
  }
end)
kumo.on('get_egress_path_config', function(domain, source, site)
  return kumo.make_egress_path {
    connect_timeout = '60s',
    enable_rset = false,
    ip_lookup_strategy = 'Ipv4Only',
    dispatcher_progress_watchdog_timeout = '10m',
  }
end)
"""


def test_egress_keys_newer_than_target(check):
    report = check(EGRESS_POLICY, target_version="2024.11.08")
    assert rules_of(report) == [
        (4, "requires-newer-kumomta"),  # a host name for a proxy: unreleased (dev)
        (11, "requires-newer-kumomta"),  # enable_rset: 2025.01.23
        (12, "requires-newer-kumomta"),  # ip_lookup_strategy: 2026.04.09
        (13, "requires-newer-kumomta"),  # dispatcher_progress_watchdog_timeout: dev
    ]
    assert "2025.01.23" in report.diagnostics[1].message
    assert "(dev)" in report.diagnostics[3].message


def test_egress_keys_of_the_target_release_are_fine(check):
    # socks5_proxy_username arrived in 2024.06.04, enable_rset in 2025.01.23
    assert rules_of(check(EGRESS_POLICY, target_version="2026.06.23")) == [
        (4, "requires-newer-kumomta"),
        (13, "requires-newer-kumomta"),
    ]
    assert (5, "requires-newer-kumomta") in rules_of(check(EGRESS_POLICY, target_version="2024.06.03"))


STRATEGY_POLICY = """\
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config { strategy = 'SingletonTimerWheelV2' }
end)
"""


def test_enum_variant_newer_than_target(check):
    # SingletonTimerWheelV2 exists since 2025.03.19; strategy itself since 2024.09.02
    report = check(STRATEGY_POLICY, target_version="2025.01.29")
    assert rules_of(report) == [(2, "requires-newer-kumomta")]
    assert "2025.03.19" in report.diagnostics[0].message
    assert rules_of(check(STRATEGY_POLICY, target_version="2025.03.19")) == []


MX_POLICY = """\
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    protocol = { smtp = { mx_list = { 'mx1.example.com', { name = 'mx2', addr = '10.0.0.2' } } } },
  }
end)
"""


def test_table_form_mx_list_entries_need_2023_11_28(check):
    assert (3, "requires-newer-kumomta") in rules_of(check(MX_POLICY, target_version="2023.08.22"))
    assert rules_of(check(MX_POLICY, target_version="2023.11.28")) == []


LIMIT_POLICY = """\
kumo.on('get_egress_path_config', function(domain, source, site)
  return kumo.make_egress_path { connection_limit = 'local:10', max_ready = 100 }
end)
"""


def test_string_limits_need_2025_01_23(check):
    # connection_limit was an integer (usize) until LimitSpec arrived in 2025.01.23
    assert rules_of(check(LIMIT_POLICY, target_version="2024.11.08")) == [(2, "requires-newer-kumomta")]
    assert rules_of(check(LIMIT_POLICY, target_version="2025.01.23")) == []


ADDR_POLICY = """\
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    protocol = { smtp = { mx_list = {
      { name = 'mx1', addr = '10.0.0.1' },
      { name = 'mx2', addr = '[2001:db8::2]' },
      { name = 'relay', addr = '/var/run/relay.sock' },
      { name = 'mx3', addr = '10.0.0.3:2525' },
      { name = 'mx4', addr = '[::1]:2525' },
    } } },
  }
end)
"""


def test_resolved_addr_forms_newer_than_target(check):
    # addr was an IpAddr up to 2024.11.08, a HostAddress (brackets, unix paths) from
    # 2025.01.23 and a HostOrSocketAddress (with a port) from 2025.10.06
    assert rules_of(check(ADDR_POLICY, target_version="2024.11.08")) == [
        (5, "requires-newer-kumomta"), (6, "requires-newer-kumomta"),
        (7, "requires-newer-kumomta"), (8, "requires-newer-kumomta"),
    ]
    report = check(ADDR_POLICY, target_version="2025.05.06")
    assert rules_of(report) == [(7, "requires-newer-kumomta"), (8, "requires-newer-kumomta")]
    assert "a port" in report.diagnostics[0].message and "2025.10.06" in report.diagnostics[0].message
    assert rules_of(check(ADDR_POLICY, target_version="2025.10.06")) == []
    assert rules_of(check(ADDR_POLICY)) == []
