"""Completion and hover by context, and the document model, without a client."""

from __future__ import annotations

import pytest

pytest.importorskip("lsprotocol", reason="lsprotocol is not installed (pip install kumocheck[server])")

from lsprotocol import types  # noqa: E402

from kumocheck.schema.model import load_schema  # noqa: E402
from kumocheck.server.completion import complete  # noqa: E402
from kumocheck.server.documents import Document, split_lines  # noqa: E402
from kumocheck.server.hover import hover_at  # noqa: E402

SCHEMA = load_schema()
CURSOR = "<|>"


def _at(text: str) -> tuple[str, int]:
    offset = text.index(CURSOR)
    return text.replace(CURSOR, ""), offset


def _labels(text: str) -> list[str]:
    body, offset = _at(text)
    return [s.label for s in complete(SCHEMA, body, offset)]


def _hover(text: str) -> str | None:
    body, offset = _at(text)
    found = hover_at(SCHEMA, body, offset)
    return found[0] if found else None


QUEUE_HANDLER = """local kumo = require 'kumo'
kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  return kumo.make_queue_config {
    egress_pool = 'pool-' .. tenant, -- a comment with { braces
    %s
  }
end)
"""


def test_queue_config_keys_complete_without_the_ones_written():
    labels = _labels(QUEUE_HANDLER % "ret<|>")
    assert "retry_interval" in labels and "max_age" in labels and "protocol" in labels
    assert "egress_pool" not in labels  # already written above
    assert set(labels) <= set(SCHEMA.structs[SCHEMA.entry_struct].fields)


def test_half_typed_text_still_completes():
    # no closing braces, an unterminated string on an earlier line: still the queue config
    text = "kumo.on('get_queue_config', function(d)\n  local x = \"unterminated\n  return kumo.make_queue_config({\n    max_age = '1d',\n    <|>"
    labels = _labels(text)
    assert "retry_interval" in labels and "max_age" not in labels


def test_protocol_variant_keys_and_nested_smtp_struct():
    labels = _labels(QUEUE_HANDLER % "protocol = { <|> }")
    assert {"smtp", "maildir_path", "custom_lua"} <= set(labels)
    assert "xfer" not in labels  # undocumented: set up by kumod itself
    nested = _labels(QUEUE_HANDLER % "protocol = { smtp = { <|> } }")
    assert set(nested) == set(SCHEMA.structs["SmtpProtocol"].fields)


def test_enum_values_in_and_before_a_string():
    strategy = SCHEMA.structs["QueueConfig"].fields["strategy"].type
    variants = set(SCHEMA.enums[strategy.name].variants) - set(SCHEMA.enums[strategy.name].undocumented)
    assert set(_labels(QUEUE_HANDLER % "strategy = '<|>'")) == variants
    assert set(_labels(QUEUE_HANDLER % "strategy = <|>")) == {f"'{v}'" for v in variants}


def test_egress_path_and_spool_keys_come_from_their_objects():
    labels = _labels("kumo.on('get_egress_path_config', function(d, s, site)\n  return kumo.make_egress_path {\n    <|>\n  }\nend)")
    egress = SCHEMA.object_for_constructor("kumo.make_egress_path")
    assert set(labels) == set(egress.keys) and "retry_interval" not in labels
    spool = _labels("kumo.on('init', function()\n  kumo.define_spool { <|> }\nend)")
    assert "name" in spool and "path" in spool


def test_event_names_in_kumo_on():
    labels = _labels("kumo.on('get_q<|>")
    assert "get_queue_config" in labels and "init" in labels
    assert set(labels) == set(SCHEMA.events)
    quoted = complete(SCHEMA, *_at("kumo.on(<|>"))
    assert any(s.insert == "'init'" for s in quoted)


def test_kumo_functions_modules_and_helper_exports():
    labels = _labels("local x = kumo.make_<|>")
    assert "make_queue_config" in labels and "dns" in labels
    assert "api" in labels  # a module with sub-modules
    assert set(_labels("kumo.api.<|>")) >= {"admin", "inject"}
    helper = "local shaping = require 'policy-extras.shaping'\nlocal s = shaping:<|>"
    exports = SCHEMA.api.require_modules["policy-extras.shaping"]["exports"]
    assert set(_labels(helper)) == set(exports)
    assert _labels("local q = unknown.<|>") == []


def test_nothing_in_comments_or_unrelated_tables():
    assert _labels(QUEUE_HANDLER % "-- ret<|>") == []
    assert _labels("local t = { <|> }") == []


def _labels_of(name: str) -> set[str]:
    """How hover may name a KumoMTA object: its name, its Rust struct, a struct built by its constructor."""
    obj = SCHEMA.foreign_object(name)
    return {obj.name, obj.struct} | {s.name for s in SCHEMA.structs.values() if s.constructor == obj.constructor} - {""}


def test_hover_uses_the_key_s_own_object():
    spool = _hover("kumo.on('init', function()\n  kumo.define_spool { na<|>me = 'data', path = '/var/spool' }\nend)")
    assert spool is not None
    assert spool.startswith(tuple(f"**name** · `{label}`" for label in _labels_of("spool")))
    mx_name_doc = SCHEMA.structs["ResolvedAddress"].fields["name"].doc
    assert mx_name_doc not in spool
    egress = _hover("return kumo.make_egress_path { max_message_<|>rate = '10/s' }")
    assert egress is not None and "QueueConfig" not in egress
    assert egress.startswith(tuple(f"**max_message_rate** · `{label}`" for label in _labels_of("egress_path")))
    queue = _hover(QUEUE_HANDLER % "max_message_<|>rate = '10/s',")
    assert queue is not None and queue.startswith("**max_message_rate** · `QueueConfig`")
    doc = SCHEMA.structs["QueueConfig"].fields["max_message_rate"].doc
    assert doc in queue


def test_hover_in_a_local_table_names_each_owner():
    text = _hover("local cfg = { max_a<|>ge = '1d' }")
    assert text is not None and "`QueueConfig`" in text


def test_hover_on_kumo_function_and_nothing_on_values():
    assert _hover("kumo.make_queue_con<|>fig {}").startswith("**kumo.make_queue_config** · function")
    assert _hover(QUEUE_HANDLER % "max_age = '1<|>d',") is None


@pytest.mark.parametrize("breaker", ["\f", "\v", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_changes_land_where_lsp_counts_lines(breaker):
    text = f"-- header {breaker} comment\nlocal t = {{\n  a = 1,\n}}\nreturn t\n"
    assert split_lines(text)[3] == "}"
    doc = Document("file:///x.lua", text, 1)
    # delete line 4 (0-based 3: "}") as an editor would
    doc.apply(
        types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=3, character=0), end=types.Position(line=4, character=0)),
            text="",
        )
    )
    assert doc.text == f"-- header {breaker} comment\nlocal t = {{\n  a = 1,\nreturn t\n"


def test_crlf_cr_and_astral_positions():
    doc = Document("file:///x.lua", "a\r\nb\rc🚀d\ne", 1)
    assert doc.lines == ["a", "b", "c🚀d", "e"]
    assert doc.offset_at(types.Position(line=2, character=3)) == doc.text.index("d")
    assert doc.position_at(doc.text.index("d")) == types.Position(line=2, character=3)
    doc.apply(types.TextDocumentContentChangePartial(range=types.Range(start=types.Position(line=2, character=1), end=types.Position(line=2, character=3)), text="X"))
    assert doc.lines[2] == "cXd"
    doc.apply(types.TextDocumentContentChangeWholeDocument(text="new"))
    assert doc.lines == ["new"]


def test_keys_written_after_the_cursor_are_not_offered():
    labels = _labels(QUEUE_HANDLER % "<|>\n    max_age = '1d', protocol = { smtp = { mx_list = {'a'} } },\n    retry_interval = '1m',")
    assert "max_age" not in labels and "retry_interval" not in labels and "protocol" not in labels
    assert "mx_list" not in labels and "max_retry_interval" in labels
    typing = _labels(QUEUE_HANDLER % "max_a<|> = '1d',")  # the key being typed is still offered
    assert "max_age" in typing


def test_a_closed_string_before_the_cursor_is_not_completed():
    assert _labels("kumo.on('init'<|>") == []
    assert "init" in _labels("kumo.on('in<|>")


def test_checker_spans_after_a_lua_newline_carriage_return_pair():
    from kumocheck.source import Span

    doc = Document("file:///x.lua", "a\n\rb = 1\nc = 2\n", 1)  # Lua: 3 lines; LSP: 4
    assert doc.span_range(Span(3, 1, 3, 2)).start == types.Position(line=3, character=0)
    plain = Document("file:///y.lua", "a\r\nb\nc\n", 1)
    assert plain.span_range(Span(3, 1, 3, 2)).start == types.Position(line=2, character=0)
