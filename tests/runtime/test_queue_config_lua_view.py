"""A QueueConfig read from Lua as kumod's userdata answers (`impl_pairs_and_index`):
`cfg.field` is `lua.to_value(cfg)[field]` and `pairs` walks `serde_json::to_value(cfg)`,
so an unset option is mlua's NULL light userdata (truthy), never nil."""

from __future__ import annotations

from kumocheck.runtime.base import b_pairs, lua_type, tostr
from kumocheck.runtime.policy import index, not_
from kumocheck.runtime.queue_config import make_queue_config
from kumocheck.runtime.table import NULL, LuaTable


def test_unset_option_is_a_truthy_null_userdata():
    cfg = make_queue_config({"retry_interval": "10m"})
    pool = index(cfg, b"egress_pool")
    assert pool is NULL and not not_(pool)
    assert lua_type(pool) == b"userdata" and tostr(pool) == b"userdata: (nil)"
    assert index(cfg, b"retry_interval") == b"10m"
    assert index(cfg, b"no_such_field") is None


def test_pairs_walks_every_field_sorted_with_nulls():
    cfg = make_queue_config({"egress_pool": "pool-a"})
    step, state, control = b_pairs(cfg)
    seen = []
    while True:
        key, value = step(state, control)
        if key is None:
            break
        seen.append((key, value))
    keys = [key for key, _ in seen]
    assert keys == sorted(keys) and len(keys) == 13  # serde_json's Map is a BTreeMap
    values = dict(seen)
    assert values[b"egress_pool"] == b"pool-a"
    assert values[b"max_retry_interval"] is NULL and values[b"provider_name"] is NULL


def test_nested_null_and_null_passed_back():
    cfg = make_queue_config({"protocol": {"maildir_path": "/var/tmp/m"}})
    proto = index(cfg, b"protocol")
    assert type(proto) is LuaTable and proto.get(b"dir_mode") is NULL
    again = make_queue_config(LuaTable.build([(b"egress_pool", NULL), (b"max_age", b"1d")]))
    assert again.egress_pool is None and again.to_dict()["max_age"] == "1day"


def test_xfer_target_prints_as_the_url_crate_serializes_it():
    cfg = make_queue_config({"protocol": {"xfer": {"target": "HTTPS://Ops:S3cret@Relay.Example.NET:443?x=1"}}})
    assert cfg.to_dict()["protocol"] == {"xfer": {"target": "https://Ops:S3cret@relay.example.net/?x=1"}}
