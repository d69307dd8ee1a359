"""kumo.shaping's merge and resolution (Rust in kumod) against the behaviour KumoMTA's own
tests in crates/kumo-api-types/src/shaping.rs pin down, restated on data of our own."""

from __future__ import annotations

import tomllib

from kumocheck.extras import shaping as S
from kumocheck.extras.dns import parse_fixture
from kumocheck.extras.origins import from_data

DNS = parse_fixture({"mx": {
    "bigmail.test": ["in1.bigmail.test.", "in2.bigmail.test."],
    "corp.test": ["corp-test.in.protection.hosted.test."],
    "mixed.test": ["corp-test.in.protection.hosted.test.", "mx.elsewhere.test."],
}})


def shaping(*texts: str) -> S.Shaping:
    return S.load([(f"file{i}.toml", from_data(tomllib.loads(t), f"file{i}.toml")) for i, t in enumerate(texts)], DNS.lookup_mx)


def resolve(data: S.Shaping, domain: str, source: str = "some.source", site: str = "some.site") -> dict:
    return dict(S.get_egress_path_config(data, domain, source, site, DNS.lookup_mx))


def test_additional_maps_merge_across_files_other_keys_replace():
    data = shaping(
        '["a.test"]\nmx_rollup = false\nadditional_connection_limits = {"one" = 10}\nconnection_limit = 3\n',
        '["a.test"]\nmx_rollup = false\nadditional_connection_limits = {"two" = 32}\n'
        'additional_message_rate_throttles = {"two" = "100/h"}\nconnection_limit = 4\n',
    )
    got = resolve(data, "a.test")
    assert got["additional_connection_limits"] == {"one": 10, "two": 32}
    assert got["additional_message_rate_throttles"] == {"two": "100/h"}
    assert got["connection_limit"] == 4


def test_every_mx_host_must_match_a_hostname_or_suffix_rule():
    data = shaping('[provider."big"]\nmatch = [{HostName = "in1.bigmail.test"}, {HostName = "in2.bigmail.test"}]\n'
                   'enable_tls = "Required"\n')
    assert resolve(data, "bigmail.test")["provider_name"] == "big"
    partial = shaping('[provider."big"]\nmatch = [{HostName = "in1.bigmail.test"}]\nenable_tls = "Required"\n')
    assert "provider_name" not in resolve(partial, "bigmail.test")


def test_provider_implied_limits_are_keyed_by_provider_and_source():
    data = shaping(
        '[provider."Hosted Mail"]\nmatch = [{MXSuffix = ".in.protection.hosted.test"}, {DomainSuffix = ".corp.test"}]\n'
        'enable_tls = "Required"\nprovider_connection_limit = 10\nprovider_max_message_rate = "120/s"\n'
        '[provider."Hosted Mail".sources."new-source"]\nprovider_source_selection_rate = "500/d,max_burst=1"\n'
    )
    got = resolve(data, "corp.test", "some.source")
    assert got["provider_name"] == "Hosted Mail" and got["enable_tls"] == "Required"
    assert got["additional_connection_limits"] == {"shaping-provider-Hosted Mail-some.source-limit": "10"}
    assert got["additional_message_rate_throttles"] == {"shaping-provider-Hosted Mail-some.source-rate": "120/s"}
    assert "additional_source_selection_rates" not in got
    fresh = resolve(data, "corp.test", "new-source")
    assert fresh["additional_source_selection_rates"] == {
        "shaping-provider-Hosted Mail-new-source-selection-rate": "500/d,max_burst=1"}
    assert "provider_source_selection_rate" not in fresh
    assert "provider_name" not in resolve(data, "mixed.test")  # one MX host outside the suffix


def test_domain_suffix_is_a_plain_string_suffix():
    data = shaping('[provider."p"]\nmatch = [{DomainSuffix = ".corp.test"}]\n')
    assert resolve(data, "a.corp.test")["provider_name"] == "p"
    assert "provider_name" not in resolve(data, "corp.test")


def test_replace_base_drops_what_came_before_and_provider_rate_is_first_file_only():
    data = shaping(
        '["default"]\nconnection_limit = 9\n["bigmail.test"]\nreplace_base = true\nmax_ready = 5\n'
        '[provider."p"]\nmatch = [{DomainSuffix = "bigmail.test"}]\nprovider_max_message_rate = "10/s"\n',
        '[provider."p"]\nprovider_max_message_rate = "99/s"\n',
    )
    site = DNS.lookup_mx("bigmail.test").site_name
    got = resolve(data, "bigmail.test", site=site)
    assert got == {"max_ready": 5}  # default, provider params and provider_name all discarded
    assert resolve(data, "other.test", site="x")["connection_limit"] == 9
    assert data.by_provider["p"].max_message_rate == "10/s"


def test_rollup_blocks_without_dns_are_dropped_with_a_warning():
    data = shaping('["nowhere.test"]\nconnection_limit = 1\n')
    assert not data.by_site and any("nowhere.test" in w for w in data.warnings)
