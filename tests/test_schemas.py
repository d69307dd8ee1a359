"""`kumocheck schemas`: JSON Schema from rules/ structs, judged by jsonschema and by taplo."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib

import pytest

from kumocheck.cli import main

GOOD = """\
# a queue config written as a TOML table
egress_pool = "bulk"
retry_interval = "10m"
max_age = "3 days"
max_message_rate = "100/h"
"""
WRONG = """\
egress_pool = "bulk"
retry_intervl = "10m"
"""


@pytest.fixture
def queue_schema(tmp_path):
    assert main(["schemas", str(tmp_path / "out"), "--struct", "QueueConfig"]) == 0
    return tmp_path / "out" / "QueueConfig.schema.json"


def test_queue_config_schema_with_jsonschema(queue_schema):
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(queue_schema.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(document)
    validator = jsonschema.Draft7Validator(document)
    assert list(validator.iter_errors(tomllib.loads(GOOD))) == []
    errors = list(validator.iter_errors(tomllib.loads(WRONG)))
    assert errors and "retry_intervl" in errors[0].message
    assert list(validator.iter_errors({"retry_interval": True}))  # wrong type


def test_queue_config_schema_with_taplo(queue_schema, tmp_path):
    taplo = shutil.which("taplo")
    if taplo is None:
        pytest.skip("taplo is not installed (pip install taplo, or npm install @taplo/cli)")
    for text, ok in ((GOOD, True), (WRONG, False)):
        path = tmp_path / "queue.toml"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run([taplo, "lint", "--schema", queue_schema.as_uri(), str(path)], capture_output=True, text=True)
        assert (result.returncode == 0) == ok, result.stdout + result.stderr


def test_unknown_struct_is_a_usage_error(tmp_path, capsys):
    assert main(["schemas", str(tmp_path), "--struct", "NoSuchStruct"]) == 2
    assert "no such struct" in capsys.readouterr().err


CLEAN = __import__("pathlib").Path(__file__).parent / "policies" / "data_helpers_clean"
KIND_FILES = {
    "shaping": ["shaping.toml", "traffic/automation_rules.toml"],
    "sources": ["sources.toml"],
    "queues": ["queues.toml"],
    "listener-domains": ["listener_domains.toml"],
    "dkim": ["dkim_data.toml"],
}


@pytest.mark.parametrize("kind", sorted(KIND_FILES))
def test_data_kind_schemas_accept_clean_data_the_checker_accepts(tmp_path, kind):
    """Each kind's schema accepts the clean fixture files (which the checker passes), so
    the editor never cries wolf where `kumocheck check` is silent."""
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schemas", str(tmp_path)]) == 0
    document = json.loads((tmp_path / f"{kind}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(document)
    validator = jsonschema.Draft7Validator(document)
    for name in KIND_FILES[kind]:
        data = tomllib.loads((CLEAN / name).read_text(encoding="utf-8"))
        assert [e.message for e in validator.iter_errors(data)] == [], name


def test_shaping_schema_rejects_a_wrong_value(tmp_path):
    jsonschema = pytest.importorskip("jsonschema")
    assert main(["schemas", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "shaping.schema.json").read_text(encoding="utf-8"))
    wrong = tomllib.loads('["gmail.com"]\nmax_deliveries_per_connection = "lots"\n')
    errors = list(jsonschema.Draft7Validator(document).iter_errors(wrong))
    assert errors and "'lots' is not of type 'integer'" in errors[0].message


def test_data_kind_schemas_with_taplo(tmp_path):
    """taplo itself (the engine of Even Better TOML) accepts the clean shaping and sources
    files against their schemas and rejects a misspelled key and a wrong value type."""
    taplo = shutil.which("taplo")
    if taplo is None:
        pytest.skip("taplo is not installed (pip install taplo, or npm install @taplo/cli)")
    assert main(["schemas", str(tmp_path / "schemas")]) == 0
    wrong = {
        "shaping": '["gmail.com"]\nmax_deliveries_per_connection = "lots"\n',
        "sources": '[source."ip-1"]\nsource_adress = "10.0.0.1"\n',
    }
    for kind, name in (("shaping", "shaping.toml"), ("sources", "sources.toml")):
        schema = (tmp_path / "schemas" / f"{kind}.schema.json").as_uri()
        clean = subprocess.run([taplo, "lint", "--schema", schema, str(CLEAN / name)], capture_output=True, text=True)
        assert clean.returncode == 0, clean.stdout + clean.stderr
        path = tmp_path / name
        path.write_text(wrong[kind], encoding="utf-8")
        bad = subprocess.run([taplo, "lint", "--schema", schema, str(path)], capture_output=True, text=True)
        assert bad.returncode != 0, bad.stdout + bad.stderr
