"""A persistent cache of each file's diagnostics, never stale.

An entry's key hashes everything its findings depend on: kumocheck's version, the rules/
data, the settings, the file's shown path, and the content of every Lua file under the
file's policy root (cross-file rules see modules and entry points, so a change anywhere in
the policy invalidates the whole policy's entries). Nothing here imports the parser.

Several kumocheck processes may share one cache directory (editor, pre-commit and CI at
once), and any of them may be killed at any moment, so an entry is only ever trusted
whole: it is written to a temporary file in the entry's folder and renamed into place
(atomic on POSIX and Windows), and it carries its own key and a SHA-256 of its
diagnostics, checked on every read. A truncated, foreign or otherwise corrupt entry is
ignored (the file is checked afresh and the entry rewritten); writers racing on one key
write identical content, so whichever rename lands last is right.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from kumocheck import __version__
from kumocheck.config import Settings
from kumocheck.diagnostics import Diagnostic
from kumocheck.files import CACHE_TAG, MAX_SCAN_FILES, data_files_under, display, lua_files_under, policy_root, real_path

FORMAT = 3  # 2: entries carry their key and a checksum; 3: fixes carry their applicability
DEFAULT_DIR = ".kumocheck_cache"
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by kumocheck.\n"


def _digest(*parts: bytes | str) -> str:
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogateescape") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def rules_fingerprint() -> str:
    """kumocheck's version and the bytes of every rules/ file."""
    from kumocheck.files import rules_dir

    parts: list[bytes | str] = [__version__, str(FORMAT)]
    for path in sorted(rules_dir().glob("*.toml")):
        parts += [path.name, path.read_bytes()]
    return _digest(*parts)


def settings_fingerprint(settings: Settings) -> str:
    return _digest(
        repr(
            (
                settings.select,
                settings.ignore,
                settings.per_file_ignores,
                str(settings.policy_root),
                settings.exclude,
                settings.target_version,
                settings.data_paths,
                settings.data_files,
                settings.data_kind,
            )
        )
    )


class ResultCache:
    """Diagnostics per file, keyed on everything that can change them."""

    def __init__(self, directory: Path, settings: Settings):
        self.directory = directory
        self.settings = settings
        self._base = _digest(rules_fingerprint(), settings_fingerprint(settings))
        self._roots: dict[Path, str] = {}
        self.contents: dict[Path, bytes] = {}  # files read while hashing, reused for excerpts
        self.enabled = self._prepare()

    def _prepare(self) -> bool:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            tag = self.directory / CACHE_TAG
            if not tag.exists():
                tag.write_text(_TAG, encoding="ascii")
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# created by kumocheck\n*\n", encoding="ascii")
        except OSError:
            return False
        return True

    def _read(self, path: Path) -> bytes:
        key = real_path(path)
        if key not in self.contents:
            try:
                self.contents[key] = path.read_bytes()
            except OSError:
                self.contents[key] = b"\0unreadable"
        return self.contents[key]

    def _root_fingerprint(self, root: Path) -> str:
        if root not in self._roots:
            parts: list[bytes | str] = []
            data = data_files_under(root, self.settings, lambda _: True)[:MAX_SCAN_FILES]
            for path in lua_files_under(root, self.settings, MAX_SCAN_FILES) + data:  # data files are policy too
                parts += [str(path.relative_to(root)), hashlib.sha256(self._read(path)).digest()]
            self._roots[root] = _digest(*parts)
        return self._roots[root]

    def key(self, path: Path) -> str:
        root = policy_root(path, self.settings)
        own = hashlib.sha256(self._read(path)).hexdigest()
        return _digest(self._base, display(path), own, str(root), self._root_fingerprint(root))

    def _entry(self, key: str) -> Path:
        return self.directory / f"v{FORMAT}" / key[:2] / f"{key}.json"

    def get(self, key: str) -> list[Diagnostic] | None:
        if not self.enabled:
            return None
        try:
            data = json.loads(self._entry(key).read_bytes())
            items = data["diagnostics"]
            if data["key"] != key or data["sha256"] != _checksum(items):
                return None  # another key's entry, or damaged: rebuilt by the caller
            return [Diagnostic.from_json(item) for item in items]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None  # missing or corrupt: rebuilt by the caller

    def put(self, key: str, diagnostics: list[Diagnostic]) -> None:
        if not self.enabled:
            return
        import tempfile

        entry = self._entry(key)
        items = [d.to_json() for d in diagnostics]
        payload = json.dumps({"key": key, "sha256": _checksum(items), "diagnostics": items}).encode("utf-8")
        temporary = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=entry.parent, prefix=f"{key[:16]}.", suffix=".tmp")
            _write_all(handle, payload)
            os.replace(temporary, entry)
        except OSError:
            self.enabled = False
            if temporary is not None:
                try:
                    os.unlink(temporary)
                except OSError:
                    pass


def _checksum(items: list) -> str:
    """SHA-256 of the diagnostics as canonical JSON."""
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode("utf-8")).hexdigest()


def _write_all(handle: int, payload: bytes) -> None:
    """Write `payload` to the open file descriptor and close it."""
    with os.fdopen(handle, "wb") as out:
        out.write(payload)
