"""Run-time support library imported by policies compiled by kumocheck.

The parts meant for Python callers:

    from kumocheck.runtime import make_queue_config, QueueConfig, ConfigError, LuaError
    cfg = make_queue_config({"egress_pool": "pool-a", "retry_interval": "10m"})
    cfg.to_dict()   # what kumod's resolve-queue-config prints
"""

from kumocheck.runtime.errors import LuaError
from kumocheck.runtime.queue_config import ConfigError, QueueConfig, default_config, make_queue_config
from kumocheck.runtime.queue_name import parse_queue_name
from kumocheck.runtime.table import LuaTable

__all__ = ["make_queue_config", "default_config", "QueueConfig", "ConfigError", "LuaError", "LuaTable", "parse_queue_name"]
