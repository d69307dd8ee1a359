"""`kumocheck server` protocol details: document model, released futures, completion, hover,
code actions, re-published diagnostics, data documents and settings reload."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("pygls", reason="pygls is not installed (pip install kumocheck[server])")
pytest_lsp = pytest.importorskip("pytest_lsp", reason="pytest-lsp is not installed (pip install kumocheck[test])")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402

from integration_support import REPO  # noqa: E402
from kumocheck.config import Settings  # noqa: E402
from kumocheck.project import check_sources  # noqa: E402
from kumocheck.schema.model import load_schema  # noqa: E402
from kumocheck.server.diagnostics import data_files_checked  # noqa: E402
from kumocheck.source import SourceFile  # noqa: E402
from lsp_support import SERVER, apply_edits, change, codes_become, diagnostics_for, initialize_params, open_document, settle  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

MODULE_POLICY = REPO / "tests" / "policies" / "mf_config_in_module"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp-features") / "repo"
    (root / ".git").mkdir(parents=True)
    shutil.copytree(MODULE_POLICY, root / "policy")
    (root / "kumocheck.toml").write_text("", encoding="utf-8")
    return root


@pytest_lsp.fixture(scope="module", config=SERVER)
async def client(lsp_client: LanguageClient, workspace: Path):
    params = initialize_params(
        workspace,
        hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        completion=types.CompletionClientCapabilities(
            completion_item=types.ClientCompletionItemOptions(documentation_format=[types.MarkupKind.Markdown])
        ),
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


async def _stats(client: LanguageClient) -> dict:
    return await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kumocheck.serverStats"))


FORM_FEED_POLICY = (
    "-- routing policy \f (a form feed, as some editors write page breaks)\n"
    "local kumo = require 'kumo'\n"
    "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
    "  local draft = kumo.make_queue_config { retry_intervall = '1m' }\n"
    "  return kumo.make_queue_config { retry_interval = '1m' }\n"
    "end)\n"
)


async def test_an_edit_after_a_form_feed_lands_on_its_line(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "policy" / "formfeed.lua"
    found = await open_document(client, path, FORM_FEED_POLICY)
    assert [(d.code, d.range.start.line) for d in found] == [("KC101", 3)]
    # the editor deletes line 4 (0-based 3): the draft; a wrong line model deletes the `kumo.on` line
    await change(client, path, 2, types.Range(start=types.Position(line=3, character=0), end=types.Position(line=4, character=0)), "")
    assert await diagnostics_for(client, path.as_uri()) == []
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


async def test_notifications_leave_no_futures_behind(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "policy" / "churn.lua"
    await open_document(client, path, "local x = 1\n")
    before = await _stats(client)
    for version in range(2, 3002):  # 3,000 notifications: pygls alone keeps 3,000 futures
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=f"local x = {version}\n")],
            )
        )
    await settle(client, path.as_uri())
    after = await _stats(client)
    assert after["request_futures"] <= before["request_futures"] + 2, (before, after)
    assert after["asyncio_tasks"] <= before["asyncio_tasks"] + 5, (before, after)
    assert after["pending_checks"] <= 1 and after["documents"] == before["documents"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


async def test_a_module_is_rechecked_when_its_entry_file_changes(client: LanguageClient, workspace: Path) -> None:
    init, module = workspace / "policy" / "init.lua", workspace / "policy" / "queues" / "webhooks.lua"
    assert await open_document(client, init) == []
    assert await open_document(client, module) == []
    text = init.read_text("utf-8")
    line = next(i for i, t in enumerate(text.splitlines()) if "'make.webhook'" in t)
    column = text.splitlines()[line].index("'make.webhook'") + len("'make.webhook")
    client.diagnostics.pop(module.as_uri(), None)
    position = types.Position(line=line, character=column)
    await change(client, init, 2, types.Range(start=position, end=position), "s")  # make.webhooks: nothing binds make.webhook
    found = await diagnostics_for(client, module.as_uri())
    assert [d.code for d in found] == ["KC201"] and "'make.webhook'" in found[0].message
    # and back: the module's finding goes away without touching the module
    client.diagnostics.pop(module.as_uri(), None)
    end = types.Position(line=line, character=column + 1)
    await change(client, init, 3, types.Range(start=position, end=end), "")
    assert await diagnostics_for(client, module.as_uri()) == []


async def test_settings_reload_when_kumocheck_toml_changes(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "policy" / "settings.lua"
    found = await open_document(client, path, FORM_FEED_POLICY)
    assert [d.code for d in found] == ["KC101"]
    config = workspace / "kumocheck.toml"
    config.write_text('ignore = ["unknown-key"]\n', encoding="utf-8")
    client.diagnostics.pop(path.as_uri(), None)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Changed)])
    )
    assert await codes_become(client, path.as_uri(), []) == []
    config.write_text("", encoding="utf-8")
    client.diagnostics.pop(path.as_uri(), None)
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=config.as_uri())))
    assert await codes_become(client, path.as_uri(), ["KC101"]) == ["KC101"]
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


@pytest.mark.parametrize(
    ("name", "language", "text"),
    [
        ("queues.toml", "toml", '[tenant.bulk]\nmax_age = "3 Days"\n[queue."gmail.com"]\nretry_interval = "10m"\n'),
        ("sources.json", "json", '{"source": {"ip-1": {"source_address": "10.0.0.1", "ehlo_domain": 5}}}\n'),
    ],
)
async def test_data_documents_are_checked_as_data_never_as_lua(client: LanguageClient, workspace: Path, name, language, text) -> None:
    path = workspace / "policy" / name
    found = await open_document(client, path, text, language=language)
    assert not any(d.code == "KC001" for d in found), found
    if data_files_checked(language):  # the data-file checks: the same findings as `kumocheck check`
        expected = check_sources([path], Settings(), {path: SourceFile(f"policy/{name}", text)}, {path: f"policy/{name}"})
        assert [(d.code, d.range.start.line + 1) for d in found] == [(d.code, d.span.line) for d in expected.diagnostics]
        assert found, "the bad value should be reported"
    else:
        assert found == []
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=types.Position(line=1, character=2))
    )
    if language == "toml" and getattr(load_schema(), "extras", None) is not None:
        assert hover is not None and hover.contents.value.startswith("**max_age** · `")
        assert load_schema().structs["QueueConfig"].fields["max_age"].doc in hover.contents.value
    else:
        assert hover is None
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri())))


async def test_completion_items_replace_the_word_in_utf16(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "policy" / "complete.lua"
    text = "kumo.on('get_queue_config', function(d)\n  return kumo.make_queue_config { -- 🚀\n    egress_pool = '🚀', retr"
    await open_document(client, path, text)
    end = types.Position(line=2, character=len("    egress_pool = '🚀', retr") + 1)  # the rocket is two UTF-16 units
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=path.as_uri()), position=end)
    )
    items = {item.label: item for item in result.items}
    assert "retry_interval" in items and "egress_pool" not in items
    item = items["retry_interval"]
    assert item.text_edit.new_text == "retry_interval = "
    assert item.text_edit.range == types.Range(start=types.Position(line=2, character=end.character - 4), end=end)
    assert item.documentation.kind == types.MarkupKind.Markdown and "**retry_interval** · `QueueConfig`" in item.documentation.value


async def test_fix_all_and_ignore_actions_apply_cleanly(client: LanguageClient, workspace: Path) -> None:
    path = workspace / "policy" / "fixme.lua"
    text = (
        "local kumo = require 'kumo'\n"
        "kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)\n"
        "  return kumo.make_queue_config { retry_intervall = '10m', max_age = '3 Days', strategy = 'SingletonTimerwheel' }\n"
        "end)\n"
    )
    found = await open_document(client, path, text)
    assert len(found) >= 2
    everything = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=4, character=0))
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=everything,
            context=types.CodeActionContext(diagnostics=found, only=["source.fixAll"]),
        )
    )
    assert [a.kind for a in actions] == ["source.fixAll.kumocheck"]
    fixed = apply_edits(text, actions[0].edit.changes[path.as_uri()])
    remaining = await open_document(client, workspace / "policy" / "fixed.lua", fixed)
    assert all(d.code not in ("KC101", "KC103") for d in remaining), remaining
    # ignore this finding: the suppression comment silences exactly that finding
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=found[0].range,
            context=types.CodeActionContext(diagnostics=found[:1]),
        )
    )
    ignore = next(a for a in actions if a.title.startswith("Ignore"))
    silenced = apply_edits(text, ignore.edit.changes[path.as_uri()])
    assert "-- kumocheck: ignore[" in silenced.splitlines()[2]
    after = await open_document(client, workspace / "policy" / "ignored.lua", silenced)
    assert len(after) == len(found) - 1
