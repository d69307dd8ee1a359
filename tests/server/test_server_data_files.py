"""Completion and hover in TOML data files, from the data-file grammars in rules/."""

from __future__ import annotations

import pytest

pytest.importorskip("lsprotocol", reason="lsprotocol is not installed (pip install kumocheck[server])")

from kumocheck.schema.model import load_schema  # noqa: E402
from kumocheck.server.data_context import complete_json, complete_toml, hover_toml, split_key  # noqa: E402

SCHEMA = load_schema()
KINDS = getattr(getattr(SCHEMA, "extras", None), "kinds", {})
needs_grammars = pytest.mark.skipif(not KINDS, reason="no data-file grammars in rules/ (rules/policy_extras.toml)")


def _labels(name: str, text: str) -> list[str]:
    offset = text.index("<|>")
    return [s.label for s in complete_toml(SCHEMA, name, text.replace("<|>", ""), offset)]


def _hover(name: str, text: str) -> str | None:
    offset = text.index("<|>")
    found = hover_toml(SCHEMA, name, text.replace("<|>", ""), offset)
    return found[0] if found else None


def test_split_key():
    assert split_key('queue."gmail.com".bulk') == ["queue", "gmail.com", "bulk"]
    assert split_key("tenant . 'a b'") == ["tenant", "a b"]
    assert split_key("a..b") is None and split_key("") is None


def test_unknown_file_kinds_get_nothing():
    assert _labels("notes.toml", "<|>") == []
    assert _hover("notes.toml", "max_a<|>ge = '1d'") is None


@needs_grammars
def test_queue_file_tables_complete_by_header():
    root = SCHEMA.structs[SCHEMA.extras.kinds["queues"].root]
    top = _labels("queues.toml", "<|>")
    assert "tenant" in top and "queue" in top
    assert set(top) <= set(root.fields)
    tenant = _labels("queues.toml", "[tenant.bulk]\nmax_age = '1d'\n<|>")
    assert "retry_interval" in tenant and "max_age" not in tenant  # flattened queue config keys
    assert "max_age" in _labels("queues.toml", "[queue.'gmail.com']\n<|>")


@needs_grammars
def test_shaping_enum_values_and_hover_name_the_key_s_own_struct():
    labels = _labels("shaping.toml", '["gmail.com"]\nenable_tls = "<|>')
    assert "Opportunistic" in labels and "Required" in labels
    text = _hover("shaping.toml", '["gmail.com"]\nmax_message_r<|>ate = "10/s"\n')
    assert text is not None and text.startswith("**max_message_rate**")
    assert "QueueConfig" not in text
    queue = _hover("queues.toml", "[tenant.bulk]\nmax_a<|>ge = '1d'\n")
    assert queue is not None and queue.startswith("**max_age** · `")
    assert SCHEMA.structs["QueueConfig"].fields["max_age"].doc in queue


@needs_grammars
def test_json_objects_complete_keys_and_enum_values():
    def labels(text: str) -> list[str]:
        offset = text.index("<|>")
        return [s.label for s in complete_json(SCHEMA, "queues.json", text.replace("<|>", ""), offset)]

    tenant = labels('{"tenant": {"bulk": {"max_age": "1d", <|>')
    assert "retry_interval" in tenant and "max_age" not in tenant
    typed = complete_json(SCHEMA, "queues.json", '{"tenant": {"bulk": {"ret', len('{"tenant": {"bulk": {"ret'))
    item = next(s for s in typed if s.label == "retry_interval")
    assert item.insert == '"retry_interval": ' and item.filter == '"retry_interval"'
    text = '{"gmail.com": {"enable_tls": "Opp'
    shaping = complete_json(SCHEMA, "shaping.json", text, len(text))
    assert "Opportunistic" in [s.label for s in shaping]
    assert labels('{"tenant": [<|>') == []
