"""The runtime API from Python: make_queue_config with a dict, resolve with str or bytes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commands_support import ROUTING

import kumocheck.runtime as runtime
from kumocheck.compiler.driver import compile_policy, load_module


def test_make_queue_config_accepts_a_dict():
    config = runtime.make_queue_config({
        "egress_pool": "pool-a",
        "retry_interval": timedelta(minutes=5),
        "max_age": "3 days",
        "protocol": {"smtp": {"mx_list": ["mx1.example.com", {"name": "mx2", "addr": "10.0.0.2:25"}]}},
    })
    assert isinstance(config, runtime.QueueConfig)
    assert config.retry_interval == timedelta(minutes=5)
    shape = config.to_dict()
    assert shape["max_age"] == "3days" and shape["egress_pool"] == "pool-a"
    assert shape["protocol"]["smtp"]["mx_list"] == ["mx1.example.com", {"name": "mx2", "addr": "10.0.0.2:25"}]
    assert runtime.make_queue_config({}).to_dict() == runtime.default_config().to_dict()


def test_a_bad_dict_raises_config_error():
    with pytest.raises(runtime.ConfigError) as caught:
        runtime.make_queue_config({"retry_interval": "ten minutes"})
    assert caught.value.key == "retry_interval" and isinstance(caught.value, runtime.LuaError)
    with pytest.raises(runtime.ConfigError):
        runtime.make_queue_config({"egress_pol": "x"})


def test_resolve_takes_str_and_bytes_as_the_docstring_says():
    module = load_module(compile_policy(ROUTING / "policy.lua"))
    assert "resolve(queue_name) -> QueueConfig" in module.__doc__ and "str or bytes" in module.__doc__
    by_str = module.resolve("bulk@gmail.com")
    by_bytes = module.resolve(b"bulk@gmail.com")
    assert by_str.to_dict() == by_bytes.to_dict()
    assert by_bytes.egress_pool == "pool-bulk" and by_bytes.retry_interval == timedelta(minutes=15)
    assert module.get_queue_config(b"gmail.com", b"bulk").to_dict() == by_str.to_dict()
    with pytest.raises(runtime.LuaError, match="refusing to queue for x.invalid"):
        module.resolve(b"bulk@x.invalid")
