"""Finding the policy files to check and the root their `require` names start from.

Light on purpose: the CLI uses it before deciding whether anything must be parsed.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path
from typing import Iterable

from kumocheck.config import Settings


#: A folder scan (for importers of a module, or cache keys) stops after this many files.
MAX_SCAN_FILES = 1000


def lua_files_under(root: Path, settings: Settings, limit: int | None = None) -> list[Path]:
    """Regular *.lua files below `root`, sorted, not descending into excluded folders.

    FIFOs, sockets and devices are skipped (reading them could block forever)."""
    found: list[Path] = []
    for directory, folders, files in os.walk(root):
        folders[:] = sorted(f for f in folders if not settings.excluded(Path(f)))
        for name in sorted(files):
            if not name.endswith(".lua"):
                continue
            path = Path(directory) / name
            try:
                if not stat.S_ISREG(path.stat().st_mode):
                    continue
            except OSError:
                continue
            if settings.excluded(path.relative_to(root)):
                continue
            found.append(path)
            if limit is not None and len(found) >= limit:
                return sorted(found)
    return sorted(found)


def discover(paths: Iterable[Path], settings: Settings) -> tuple[list[Path], list[str]]:
    """Expand files and directories into the .lua files to check."""
    found: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found.extend(lua_files_under(path, settings))
        elif path.exists():
            if not settings.force_excluded(path):
                found.append(path)
        else:
            errors.append(f"{path}: no such file or directory")
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, errors


def policy_root(path: Path, settings: Settings) -> Path:
    """Where `require` names start: configured, else the nearest folder holding init.lua."""
    if settings.policy_root is not None:
        return settings.policy_root
    return _root_of_folder(path.resolve().parent)


@functools.lru_cache(maxsize=4096)
def _root_of_folder(directory: Path) -> Path:
    for candidate in [directory, *directory.parents][:6]:
        if (candidate / "init.lua").is_file():
            return candidate
        if (candidate / ".git").exists():
            break
    return directory


def display(path: Path) -> str:
    """A path as shown to the user: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def rules_dir() -> Path:
    """The rules/ data: inside the installed package, or at the top of a source tree."""
    packaged = Path(__file__).resolve().parent / "rules"
    if (packaged / "queue_config.toml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"
