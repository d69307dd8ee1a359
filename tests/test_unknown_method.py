"""unknown-method: methods of the message and connection metadata objects (rules/objects.toml)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from checker_support import check_text, rules_of
from kumocheck.cli import main
from kumocheck.schema.model import load_schema

MIRROR = Path("/work/.mirror/KumoCorp+kumomta/repo")


def _findings(report):
    return [d for d in report.diagnostics if d.rule == "unknown-method"]


def test_misspelled_method_is_found_at_its_name_with_a_suggestion(tmp_path: Path) -> None:
    report = check_text(
        tmp_path,
        "local kumo = require 'kumo'\n"
        "kumo.on('smtp_server_message_received', function(msg, conn_meta)\n"
        "  msg:set_meta('tenant', conn_meta:get_meta('authz_id'))\n"
        "  msg : remove_x_header { 'x-tenant' }\n"
        "end)\n",
    )
    (found,) = _findings(report)
    assert (found.span.line, found.span.column, found.span.end_column) == (4, 9, 24)
    assert "remove_x_header" in found.message
    assert found.help == "did you mean `msg:remove_x_headers()`?"


def test_fix_replaces_only_the_method_name(tmp_path: Path) -> None:
    path = tmp_path / "init.lua"
    path.write_text(
        "local kumo = require 'kumo'\n"
        "kumo.on('spool_message_enumerated', function(msg)\n"
        "  msg:set_due(nil) msg:Queue_Name()\n"
        "end)\n",
        encoding="utf-8",
    )
    assert main(["check", "--fix", str(path)]) == 0
    assert "msg:set_due(nil) msg:queue_name()\n" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "handler",
    [
        # a user-defined event: its parameters are whatever the policy passes
        "kumo.on('my.event', function(msg) msg:dkim_sgn(s) end)",
        # not a message: smtp_server_rcpt_to passes an EnvelopeAddress first
        "kumo.on('smtp_server_rcpt_to', function(rcpt, conn_meta) rcpt:frob() conn_meta:get_meta('x') end)",
        # a plain function nobody calls with a message
        "local function helper(msg) msg:dkim_sgn(s) end",
        # a parameter reassigned in a branch
        "kumo.on('rebind_message', function(msg, data) if data.wrap then msg = data.obj end msg:wrapped() end)",
        # a receiver reached through a table is not judged
        "kumo.on('rebind_message', function(msg) local t = { m = msg } t.m:frob() end)",
        # proxy-server's conn_meta is a plain table
        "kumo.on('proxy_server_auth_rfc1929', function(u, p, conn_meta) return conn_meta:whatever() end)",
    ],
)
def test_receivers_not_provably_kumo_objects_are_never_judged(tmp_path: Path, handler: str) -> None:
    report = check_text(tmp_path, f"local kumo = require 'kumo'\nlocal s\n{handler}\n")
    assert not _findings(report), rules_of(report)


def test_methods_are_those_of_kumomta_reference_pages() -> None:
    """Every method the docs have a page for is known, and nothing the source lacks is."""
    if not MIRROR.is_dir():
        pytest.skip("KumoMTA source mirror absent")
    listed = subprocess.run(
        ["git", "-C", str(MIRROR), "ls-tree", "--name-only", "HEAD", "docs/reference/message/"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    documented = {Path(p).stem for p in listed if not Path(p).stem.startswith("_")}
    methods = set(load_schema().objects["message"].methods)
    assert documented <= methods
    source = subprocess.run(
        ["git", "-C", str(MIRROR), "show", "HEAD:crates/message/src/message.rs"], capture_output=True, text=True, check=True
    ).stdout
    assert all(f'"{name}"' in source for name in methods)
