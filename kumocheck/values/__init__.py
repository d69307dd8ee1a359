"""Grammars of KumoMTA's configuration values (durations, throttles, addresses...).

The lowest layer: the schema validator and the runtime both judge values with these,
and nothing here imports either of them.
"""
