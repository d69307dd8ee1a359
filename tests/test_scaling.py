"""Large tables: lookups stay constant-time and results do not change with a table's size."""

from __future__ import annotations

import math

import kumocheck.schema.values as values_module
from checker_support import check_text, rules_of
from kumocheck.schema.values import UNKNOWN, Const, OneOf, TableValue, one_of


def _domain_map(entries: int, bad_at: int) -> str:
    rows = []
    for i in range(entries):
        retry = "3 fortnights" if i == bad_at else "10m"
        rows.append(f"  ['customer-{i}.example'] = {{ retry_interval = '{retry}', egress_pool = 'pool-{i % 4}' }},")
    return (
        "local DOMAINS = {\n" + "\n".join(rows) + "\n}\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  local entry = DOMAINS[domain] or { retry_interval = '10m' }\n"
        "  return kumo.make_queue_config { retry_interval = entry.retry_interval, egress_pool = entry.egress_pool }\n"
        "end)\n"
    )


def test_a_mistake_in_a_big_domain_map_is_found_whatever_its_size(tmp_path):
    found = {}
    for entries in (10, 1_000, 6_000):  # above 4,096 (the old cap on alternatives)
        report = check_text(tmp_path, _domain_map(entries, bad_at=7))
        found[entries] = [(line, rule, d.span.column) for (line, rule), d in zip(rules_of(report), report.diagnostics)]
    bad_line = _domain_map(10, bad_at=7).splitlines()[8]
    assert found[10] == [(9, "invalid-duration", bad_line.index("'3 fortnights'") + 1)]
    assert found[1_000] == found[10] and found[6_000] == found[10]


def test_get_finds_the_last_entry_of_a_key_as_lua_compares_keys():
    table = TableValue()
    table.set(Const(b"a"), Const(1), None, merge=False)
    table.set(Const(1), Const(b"int"), None, merge=False)
    table.set(Const(True), Const(b"bool"), None, merge=False)
    assert table.get(b"a").value.value == 1
    assert table.get(1.0).value.value == b"int"  # 1 and 1.0 are one Lua key
    assert table.get(True).value.value == b"bool" and table.get(1).value.value == b"int"
    assert table.get(b"missing") is None and table.get(math.nan) is None
    table.entries.append(values_module.Entry(Const(b"a"), Const(2)))  # builders append directly
    assert table.get(b"a").value.value == 2
    table.entries = [values_module.Entry(Const(b"b"), Const(3))]  # a new list is indexed afresh
    assert table.get(b"a") is None and table.get(b"b").value.value == 3


def _key_slots_for(entries: int, monkeypatch) -> int:
    calls = [0]
    original = values_module._key_slot

    def counting(key):
        calls[0] += 1
        return original(key)

    monkeypatch.setattr(values_module, "_key_slot", counting)
    table = TableValue()
    for i in range(entries):  # assignment then lookup, as `t[k] = v; use(t[k])` in a loop
        table.set(Const(i), Const(i), None, merge=False)
        assert table.get(i).value.value == i
    return calls[0]


def test_building_and_reading_a_table_touches_each_key_a_constant_number_of_times(monkeypatch):
    small, large = _key_slots_for(1_000, monkeypatch), _key_slots_for(8_000, monkeypatch)
    assert large <= 8 * small * 1.01


def test_one_of_keeps_each_value_once_in_order_and_stays_linear():
    consts = [Const(i) for i in range(50_000)]
    merged = one_of(consts + consts[::-1] + [OneOf(tuple(consts[:10]))])
    assert isinstance(merged, OneOf) and merged.options == tuple(consts)
    assert one_of([consts[0], consts[0]]) is consts[0]
    assert one_of([UNKNOWN]) is UNKNOWN
