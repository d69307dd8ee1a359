"""The compiled runtime runs KumoMTA's policy-extras helpers on realistic data (tests/extras/policies)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kumocheck.compiler.driver import CompileError, compile_policy, compile_text, load_module
from kumocheck.extras.dns import factor_names, load_fixture
from kumocheck.extras.domain_map import DomainMap
from kumocheck.runtime import resolution as R
from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.extras import ExtrasSettings

ESP = Path(__file__).parent / "policies" / "esp"


@pytest.fixture(scope="module")
def esp():
    settings = ExtrasSettings(ESP, load_fixture(ESP / "dns.toml"))
    return load_module(compile_policy(ESP / "init.lua"), settings=settings)


def test_queue_levels_merge_in_helper_order(esp):
    config = esp.resolve("spring:bulk@gmail.com").to_dict()
    # campaign beats domain-tenant beats tenant beats domain beats default; later files win per leaf
    assert config["egress_pool"] == "pool-warmup"
    assert config["max_message_rate"] == "100/m"
    assert config["max_age"] == "12h"  # queues-override.toml [tenant.bulk]
    assert config["retry_interval"] == "20m"  # queues-override.toml [queue."gmail.com"]
    assert config["max_retry_interval"] == "2h"
    assert config["refresh_strategy"] == "Epoch"


def test_wildcard_domains_and_default_tenant_options(esp):
    assert esp.resolve("transactional@mail.yahoo.com").to_dict()["retry_interval"] == "25m"
    assert esp.resolve("transactional@yahoo.com").to_dict()["retry_interval"] == "10m"  # *.yahoo.com misses yahoo.com


def test_lists_merge_by_index_across_files(esp):
    shrink = esp.resolve("example.net").to_dict()["shrink_policy"]
    assert [entry["policy"] for entry in shrink] == ["ShrinkDataAndMeta", "NoShrink"]


def test_provider_name_back_filled_from_shaping(esp):
    assert esp.resolve("bulk@corp.example").provider_name == "bigmail"
    assert esp.resolve("bulk@unlisted.example").provider_name is None  # no DNS answer: as kumod, nil


def test_log_hook_queue_answered_by_its_own_handler(esp):
    config = esp.resolve("webhook.log_hook").to_dict()
    assert config["protocol"] == {"custom_lua": {"constructor": "make.webhook.log_hook", "batch_size": 1,
                                                 "min_batch_size": None, "max_batch_latency": None}} or \
        config["protocol"]["custom_lua"]["constructor"] == "make.webhook.log_hook"
    assert config["retry_interval"] == "2m"


def test_origins_name_file_line_and_table(esp):
    resolved = R.resolve_queue(esp.POLICY, "spring:bulk@gmail.com")
    assert resolved.answered_by == "policy-extras.queue"
    assert resolved.passed == ("policy-extras.log_hooks", "policy-extras.shaping")
    origin = resolved.origins["egress_pool"]
    assert (origin.file, origin.table) == ("queues.toml", '[queue."gmail.com".bulk.spring]')
    assert resolved.origins["max_age"].file == "queues-override.toml"
    assert resolved.origins["strategy"] is None  # KumoMTA's default


def test_egress_path_with_provider_and_source_rules(esp):
    resolved = R.resolve_egress_path(esp.POLICY, "ip-2", "corp.example")
    assert resolved.site_name == "(a|b).mx.bigmail.test"
    assert resolved.value == {
        "additional_connection_limits": {"bigmail-global": 200, "shaping-provider-bigmail-ip-2-limit": "50"},
        "additional_message_rate_throttles": {"shaping-provider-bigmail-ip-2-rate": "1000/h"},
        "connection_limit": 2, "max_deliveries_per_connection": 100, "provider_name": "bigmail",
        "refresh_strategy": "Epoch",
    }
    gmail = R.resolve_egress_path(esp.POLICY, "ip-3", "gmail.com").value
    assert gmail["max_message_rate"] == "20/min" and gmail["connection_limit"] == 5


def test_egress_path_needs_dns_only_without_a_site(esp):
    with pytest.raises(LuaError, match="not available offline"):
        R.resolve_egress_path(esp.POLICY, "ip-1", "nowhere.example")
    with pytest.raises(LuaError, match="not available offline"):  # bigmail's MXSuffix rule needs its MX
        R.resolve_egress_path(esp.POLICY, "ip-1", "nowhere.example", "some.site")
    # a DomainSuffix match needs no DNS
    assert R.resolve_egress_path(esp.POLICY, "ip-1", "x.bigmail.test", "some.site").value["provider_name"] == "bigmail"


def test_sources_and_pools(esp):
    assert R.resolve_egress_pool(esp.POLICY, "pool-bulk").value["entries"] == [
        {"name": "ip-2", "weight": 3}, {"name": "ip-3", "weight": 1}]
    assert R.resolve_egress_source(esp.POLICY, "ip-1").value["source_address"] == "10.0.0.1"
    with pytest.raises(LuaError):
        R.resolve_egress_source(esp.POLICY, "ip-9")


def test_listener_domains_levels_do_not_merge(esp):
    assert R.resolve_listener_domain(esp.POLICY, "example.com", "127.0.0.1:2525").value == {"relay_to": False}
    assert R.resolve_listener_domain(esp.POLICY, "example.com").value == {"relay_to": True, "log_oob": True}
    assert R.resolve_listener_domain(esp.POLICY, "other.test").value is None


def test_dkim_set_up_merges_and_signing_stays_offline(esp):
    data = esp.POLICY.extras.dkim()
    assert data.domains.get("mail.example.org")["filename"].endswith("example.org.key")
    with pytest.raises(LuaError, match="not available offline"):
        esp.fire("smtp_server_message_received", None)


def test_compile_refuses_a_module_it_cannot_import(tmp_path):
    with pytest.raises(CompileError, match="policy-extras.typing"):
        compile_text("local t = require 'policy-extras.typing'\n", "p.lua", tmp_path)
    with pytest.raises(CompileError, match="no mylib.lua"):
        compile_text("local t = require 'mylib'\n", "p.lua", tmp_path)
    policy = tmp_path / "init.lua"
    policy.write_text("local kumo = require 'kumo'\nlocal m = require 'policy-extras.missing'\n")
    done = subprocess.run([sys.executable, "-m", "kumocheck", "compile", str(policy)], capture_output=True, text=True)
    assert done.returncode == 1 and "cannot be imported" in done.stderr


def test_domain_map_rules():
    m = DomainMap([("*.example.com", 1), ("a.b.example.com", 2), ("*", 3), ("example.net", 4)])
    assert m.get("x.example.com") == 1 and m.get("a.b.example.com") == 2
    assert m.get("c.b.example.com") is None  # a deeper key shadows the wildcard
    assert m.get("example.com") is None
    assert m.get("foo.org") == 3 and m.get("foo.net") is None


def test_site_names():
    assert factor_names(["mx1.example.net.", "mx2.example.net."]) == "(mx1|mx2).example.net"
    assert factor_names(["a.mx.example.com.", "mx.example.com."]) == "a?.mx.example.com"
    assert factor_names(["mx.a.test.", "mx.b.example."]) == "mx.(a|b).(test|example)"
    assert factor_names(["."]) == ""


def test_broken_data_is_an_error_of_the_queues_that_need_it(tmp_path):
    import shutil

    policy = tmp_path / "esp"
    shutil.copytree(ESP, policy)
    with (policy / "queues.toml").open("a") as handle:
        handle.write('[queue."a.com"\n')
    done = subprocess.run([sys.executable, "-m", "kumocheck", "resolve", str(policy / "init.lua"), "bulk@a.com"],
                          capture_output=True, text=True)
    assert done.returncode == 1 and "queues.toml:36" in done.stderr and "Traceback" not in done.stderr
    (policy / "dns.toml").write_text('[mx]\n"a" = 5\n')
    done = subprocess.run([sys.executable, "-m", "kumocheck", "resolve", str(policy / "init.lua"), "bulk@a.com",
                           "--dns", str(policy / "dns.toml")], capture_output=True, text=True)
    assert done.returncode == 2 and "--dns" in done.stderr
