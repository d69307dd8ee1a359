"""`kumocheck schemas [DIR]`: write a JSON Schema file per data-file kind (for taplo /
Even Better TOML), generated from rules/ (see kumocheck.schema.json_schema)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def add_commands(commands) -> None:
    schemas = commands.add_parser("schemas", help="write JSON Schema files for the data-file kinds (taplo, Even Better TOML)")
    schemas.add_argument("directory", nargs="?", default="schemas", metavar="DIR", help="where to write them (default: schemas)")
    schemas.add_argument("--struct", action="append", metavar="NAME", help="also write the schema of this rules/ struct (e.g. QueueConfig)")
    schemas.set_defaults(run=run_schemas)


def run_schemas(args) -> int:
    from kumocheck.cli import UsageError
    from kumocheck.schema.json_schema import data_file_roots, struct_schema
    from kumocheck.schema.model import load_schema

    schema = load_schema()
    wanted = {kind: root for kind, root in data_file_roots(schema).items() if root in schema.structs}
    for name in args.struct or ():
        if name not in schema.structs:
            raise UsageError(f"--struct {name}: no such struct in rules/")
        wanted[name] = name
    directory = Path(args.directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for kind, root in sorted(wanted.items()):
            target = directory / f"{kind}.schema.json"
            target.write_text(json.dumps(struct_schema(schema, root, kind), indent=2) + "\n", encoding="utf-8")
            print(f"wrote {target}", file=sys.stderr)
    except OSError as exc:
        raise UsageError(f"{args.directory}: {exc.strerror or exc}") from None
    if not wanted:
        print("kumocheck: warning: no data-file kind has a root struct in rules/policy_extras.toml", file=sys.stderr)
    return 0
