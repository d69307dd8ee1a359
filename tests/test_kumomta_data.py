"""KumoMTA's own data files and its documentation's TOML examples: no traceback, no false alarm.

Reads a KumoMTA checkout (env KUMOMTA_REPO, default: the mirror's bare git dir) and skips
when there is none; nothing of KumoMTA's is committed here. Every finding is printed; the
ones listed in KNOWN are real mistakes in KumoMTA's docs (see the report of issue 8).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kumocheck.config import Settings
from kumocheck.project import check_sources

pytest.importorskip("kumocheck.parse.data")

from kumomta_source import MIRROR as REPO
DATA_FILES = {
    "assets/policy-extras/shaping.toml": "shaping",
    "assets/community/shaping.toml": "shaping",
    "crates/integration-tests/shaping.toml": "shaping",
    "examples/docker-swarm/policy/shaping.toml": "shaping",
    "examples/single-node-docker/policy/shaping.toml": "shaping",
    "examples/docker-swarm/policy/listener_domains.toml": "listener-domains",
}
FENCE = re.compile(r"^```toml[^\n]*\n(.*?)^```", re.M | re.S)
#: (doc file, rule) of findings in docs examples that are real mistakes of the example.
KNOWN: set[tuple[str, str]] = set()


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=True).stdout


pytestmark = pytest.mark.skipif(not REPO.exists(), reason="no KumoMTA checkout (set KUMOMTA_REPO)")


def _kind_of_example(text: str) -> str | None:
    """The data-file kind a docs example is written for, when its tables make that clear."""
    if re.search(r"^\[\[?(source|pool)\.", text, re.M):
        return "sources"
    if re.search(r"^\[\[?(tenant|queue)\.", text, re.M) or re.search(r"^(default_tenant|tenant_header)\s*=", text, re.M):
        return "queues"
    if re.search(r"^\[(base|domain\.|signature\.)", text, re.M):
        return "dkim"
    if re.search(r"^\[listener\.", text, re.M) or re.search(r"^(relay_to|relay_from|log_oob|log_arf)\s*=", text, re.M):
        return "listener-domains"
    if re.search(r"^\[\[?(provider\.|\"?default\"?[\].])", text, re.M) or re.search(r"^(mx_rollup|replace_base)\s*=", text, re.M):
        return "shaping"
    return None


def _check(tmp_path: Path, name: str, kind: str, text: str):
    folder = tmp_path / name.replace("/", "_")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"data-{kind}.toml"
    path.write_text(text, encoding="utf-8")
    return check_sources([path], Settings(data_kind=kind))


def test_bundled_and_example_data_files(tmp_path: Path) -> None:
    findings = []
    for name, kind in DATA_FILES.items():
        report = _check(tmp_path, name, kind, _git("show", f"HEAD:{name}"))
        assert not report.errors, report.errors
        findings += [(name, d.span.line, d.rule, d.message) for d in report.diagnostics]
    for finding in findings:
        print(*finding)
    assert findings == []


def test_docs_toml_examples(tmp_path: Path) -> None:
    docs = [p for p in _git("ls-tree", "-r", "--name-only", "HEAD", "docs").splitlines() if p.endswith(".md")]
    checked = 0
    unexpected = []
    for doc in docs:
        text = _git("show", f"HEAD:{doc}")
        for number, block in enumerate(FENCE.findall(text)):
            kind = _kind_of_example(block)
            if kind is None:
                continue
            checked += 1
            report = _check(tmp_path, f"{doc}-{number}", kind, block)
            assert not report.errors, report.errors
            for d in report.diagnostics:
                print(doc, number, kind, d.span.line, d.rule, d.message)
                if (doc, d.rule) not in KNOWN and d.rule != "syntax-error":
                    unexpected.append((doc, d.rule, d.message))
    assert checked > 10
    assert unexpected == []
