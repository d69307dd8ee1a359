"""The data readers on KumoMTA's own TOML and JSON (files and documentation examples, read
from the mirror) and on arbitrary bytes: the same verdict and values as tomllib/json,
and never anything but a syntax error."""

from __future__ import annotations

import json
import sys
import re
import subprocess
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kumocheck.parse.data import DataSyntaxError, read_data, to_plain
from kumocheck.source import decode_source

sys.path.insert(0, str(Path(__file__).parent / "data_files"))
from data_support import norm as _norm  # noqa: E402

from kumomta_source import MIRROR


def _blobs(suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """path -> content of every file of the mirror's HEAD ending with one of `suffixes`."""
    listing = subprocess.run(["git", "-C", str(MIRROR), "ls-tree", "-r", "HEAD"], capture_output=True, text=True, check=True).stdout
    wanted = [(line.split()[2], line.split("\t", 1)[1]) for line in listing.splitlines() if line.endswith(suffixes)]
    batch = subprocess.run(
        ["git", "-C", str(MIRROR), "cat-file", "--batch"], input="".join(sha + "\n" for sha, _ in wanted).encode(), capture_output=True, check=True
    ).stdout
    out, pos = {}, 0
    for _, path in wanted:
        header_end = batch.index(b"\n", pos)
        size = int(batch[pos:header_end].split()[2])
        out[path] = batch[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
    return out


def _documents():
    if not MIRROR.exists():
        return []
    docs = []
    for path, data in _blobs((".toml", ".json", ".md")).items():
        text = data.decode("utf-8", "replace")
        if path.endswith(".md"):
            docs += [(f"{path}#{i}", "toml", m.group(1)) for i, m in enumerate(re.finditer(r"```toml\n(.*?)```", text, re.S))]
        else:
            docs.append((path, path.rsplit(".", 1)[1], text))
    return docs


def test_kumomta_files_and_examples_read_like_the_reference():
    documents = _documents()
    if not documents:
        pytest.skip("KumoMTA mirror absent")
    assert len(documents) > 100
    refused = []
    for name, fmt, text in documents:
        try:
            reference = _norm(tomllib.loads(text) if fmt == "toml" else json.loads(text))
        except ValueError:
            reference = None
        try:
            document = read_data(decode_source(name, text.encode()), fmt)
        except DataSyntaxError as exc:
            refused.append((name, exc.problem.line))
            assert reference is None, (name, exc.problem)
            continue
        assert not document.toml11, name
        assert _norm(to_plain(document.root)) == reference, name
    # refused by both readers: an mkdocs include directive, and a sample with a trailing comma
    assert {name.split("#")[0] for name, _ in refused} <= {"docs/reference/kumo.aaa/load_acl_map.md", "docs/reference/http/sample-metrics.json"}


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=200), st.sampled_from(["toml", "json"]))
def test_arbitrary_bytes_get_a_syntax_error_or_a_tree(data, fmt):
    try:
        document = read_data(decode_source("x." + fmt, data), fmt)
    except DataSyntaxError as exc:
        assert exc.problem.line >= 1 and exc.problem.column >= 1 and exc.problem.message
    else:
        assert document.root.origin is not None
