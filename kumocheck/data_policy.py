"""Data files in a checked policy: which kind a file is, reading it, attaching it to a model.

The policy model grows from "Lua files" to "Lua files plus the data they load": after the
interpreter ran, `attach_data` asks kumocheck.extras.setup which files the helper set-up
calls load, maps them into the checked tree and reads them (kumocheck.parse.data).
"""

from __future__ import annotations

from pathlib import Path

from kumocheck.config import Settings
from kumocheck.extras.setup import DataFile, data_files
from kumocheck.files import display, policy_root
from kumocheck.model import PolicyModel
from kumocheck.parse.data import DataDocument, DataSyntaxError, read_data
from kumocheck.parse.common import SyntaxProblem
from kumocheck.schema.model import Schema
from kumocheck.source import SourceError, SourceFile

DATA_SUFFIXES = (".toml", ".json")


def is_data_name(path: Path) -> bool:
    return path.suffix.lower() in DATA_SUFFIXES


def data_format(path: Path) -> str:
    return "json" if path.suffix.lower() == ".json" else "toml"


def kind_of(path: Path, settings: Settings, schema: Schema) -> str | None:
    """The kind settings or a conventional name give a data file (--data-kind first)."""
    if settings.data_kind:
        return settings.data_kind
    configured = settings.data_kind_for(path, policy_root(path, settings))
    return configured or schema.extras.kind_for_name(path.name)


class DataReader:
    """Reads and parses data files once per check run."""

    def __init__(self, source_of) -> None:
        self._source_of = source_of  # Workspace.source: overlays (unsaved editor text) first
        self._read: dict[Path, tuple[SourceFile, DataDocument | None, SyntaxProblem | None]] = {}

    def read(self, path: Path, shown: str | None = None):
        key = path.resolve()
        if key not in self._read:
            source = self._source_of(path, shown or display(path))
            try:
                self._read[key] = (source, read_data(source, data_format(path)), None)
            except DataSyntaxError as exc:
                self._read[key] = (source, None, exc.problem)
        return self._read[key]


def attach_data(model: PolicyModel, entry: Path, reader: DataReader, settings: Settings, schema: Schema) -> None:
    """Fill `model.data_files` from its helper calls, with each local file's document."""
    root = policy_root(entry, settings)
    tree_known = settings.policy_root is not None or (root / "init.lua").is_file()  # not a lone script's folder
    found, complete = data_files(schema.extras, model.helper_calls, root, dict(settings.data_paths))
    for data in found:
        if data.path is None:
            continue
        if not data.path.is_file():
            absolute = data.named is not None and data.named.startswith("/")  # relative: kumod's cwd decides
            data.missing = absolute and not _templated(data.path) and (
                (tree_known and _under(data.path, root)) or any(_under(data.path, Path(f)) for _, f in settings.data_paths)
            )
            continue
        try:
            _, document, _ = reader.read(data.path)
        except SourceError:
            continue
        data.document = document
    model.data_files = found
    model.data_files_complete = complete


TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".erb", ".in")


def _templated(path: Path) -> bool:
    """The file is generated at deploy time from a template next to where it belongs."""
    return any(path.with_name(path.name + suffix).is_file() for suffix in TEMPLATE_SUFFIXES)


def _under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def standalone(path: Path, shown: str, kind: str, document: DataDocument, schema: Schema) -> PolicyModel:
    """A model holding one data file judged alone by its kind (no policy loads it)."""
    model = PolicyModel(root_file=shown)
    helper = schema.extras.kinds[kind].helper
    model.data_files = [DataFile(kind, helper, shown, path, shown, None, document=document)]
    model.data_files_complete = False  # other files of the policy may define what this one names
    return model
