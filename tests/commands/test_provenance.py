"""Origins recorded for make_queue_config: off by default, per key while tracing."""

from __future__ import annotations

from types import SimpleNamespace

from kumocheck.runtime import provenance
from kumocheck.runtime.provenance import DEFAULT, Origin
from kumocheck.runtime.queue_config import make_queue_config
from kumocheck.runtime.table import from_python


def test_no_origins_unless_tracing():
    assert make_queue_config({"egress_pool": "pool-a"}).origins is None


def test_helper_origins_become_data_and_default_origins():
    table = from_python({"egress_pool": "pool-bulk", "max_age": "2d"})
    provenance.note_all(table, {
        b"egress_pool": SimpleNamespace(file="queues.toml", line=17, table="[tenant.bulk]", note=""),
        b"max_age": SimpleNamespace(file=None, line=None, table="", note="policy-extras.queue default"),
    })
    with provenance.tracing():
        config = make_queue_config(table)
    assert config.origins["egress_pool"] == Origin("queues.toml", 17, "data", "[tenant.bulk]")
    assert config.origins["egress_pool"].describe() == "queues.toml:17 [tenant.bulk]"
    assert config.origins["max_age"] == Origin(None, None, "helper-default", "policy-extras.queue default")
    assert config.origins["retry_interval"] == DEFAULT


def test_a_cached_config_gets_its_own_origins():
    first, second = from_python({"egress_pool": "x"}), from_python({"egress_pool": "x"})
    provenance.note(first, b"egress_pool", ("a.lua", 1))
    provenance.note(second, b"egress_pool", ("b.lua", 2))
    with provenance.tracing():
        assert make_queue_config(first).origins["egress_pool"] == Origin("a.lua", 1)
        assert make_queue_config(second).origins["egress_pool"] == Origin("b.lua", 2)
