"""Finding the policy files to check and the root their `require` names start from.

Light on purpose: the CLI uses it before deciding whether anything must be parsed.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Callable, Iterable

from kumocheck.config import Settings


#: A folder scan (for importers of a module, or cache keys) stops after this many files.
MAX_SCAN_FILES = 1000


#: the Cache Directory Tagging Specification's marker, which kumocheck's cache writes:
#: folders holding it are never searched for policy or data files
CACHE_TAG = "CACHEDIR.TAG"


def lua_files_under(root: Path, settings: Settings, limit: int | None = None) -> list[Path]:
    """Regular *.lua files below `root`, sorted, not descending into excluded folders.

    FIFOs, sockets and devices are skipped (reading them could block forever)."""
    found: list[Path] = []
    pending = [root]  # folders still to read, the next one last (os.walk's top-down order)
    while pending:
        directory = pending.pop()
        files: list[str] = []
        folders: list[str] = []
        try:
            with os.scandir(directory) as entries:  # file types come with the listing: no stat per file
                for entry in entries:
                    try:
                        if entry.is_dir(follow_symlinks=False):
                            folders.append(entry.name)
                        elif (entry.name.endswith(".lua") or entry.name == CACHE_TAG) and entry.is_file():
                            files.append(entry.name)
                    except OSError:
                        continue
        except OSError:
            continue
        if CACHE_TAG in files:  # a cache folder (ours under any name, or another tool's)
            continue
        for name in sorted(files):
            if settings.excluded(Path(name)):  # its folders were checked on the way down
                continue
            found.append(directory / name)
            if limit is not None and len(found) >= limit:
                return sorted(found)
        pending.extend(directory / f for f in sorted(folders, reverse=True) if not settings.excluded(Path(f)))
    return sorted(found)


@functools.lru_cache(maxsize=1 << 14)
def real_path(path: Path) -> Path:
    """`path.resolve()`, memoised (one lstat per path component saved on every repeat);
    `check_sources` clears it at the start of each check, so a long-running server sees
    renames and new symlinks."""
    return path.resolve()


def data_files_under(root: Path, settings: Settings, accept: Callable[[Path], bool]) -> list[Path]:
    """*.toml and *.json files below `root` that `accept` (a data file of a known kind)."""
    found: list[Path] = []
    for directory, folders, files in os.walk(root):
        if CACHE_TAG in files:
            folders[:] = []
            continue
        folders[:] = sorted(f for f in folders if not settings.excluded(Path(f)))
        for name in sorted(files):
            path = Path(directory) / name
            if path.suffix.lower() not in (".toml", ".json") or settings.excluded(path.relative_to(root)):
                continue
            if path.is_file() and accept(path):
                found.append(path)
    return found


def discover(
    paths: Iterable[Path], settings: Settings, accept_data: Callable[[Path], bool] | None = None
) -> tuple[list[Path], list[str]]:
    """Expand files and directories into the .lua files (and known data files) to check."""
    found: list[Path] = []
    errors: list[str] = []
    for path in paths:
        if path.is_dir():
            found.extend(lua_files_under(path, settings))
            if accept_data is not None:
                found.extend(data_files_under(path, settings, accept_data))
        elif path.exists():
            if not settings.force_excluded(path):
                found.append(path)
        else:
            errors.append(f"{path}: no such file or directory")
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        key = real_path(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique, errors


def policy_root(path: Path, settings: Settings) -> Path:
    """Where `require` names start: configured, else the nearest folder holding init.lua."""
    if settings.policy_root is not None:
        return settings.policy_root
    return _root_of_folder(real_path(path).parent)


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
        return str(real_path(path).relative_to(real_path(Path.cwd())))
    except ValueError:
        return str(path)


def rules_dir() -> Path:
    """The rules/ data: inside the installed package, or at the top of a source tree."""
    packaged = Path(__file__).resolve().parent / "rules"
    if (packaged / "queue_config.toml").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


@functools.cache
def conventional_data_names() -> dict[str, str]:
    """File name -> data-file kind (shaping.toml...), from rules/policy_extras.toml."""
    import tomllib  # only when data files are looked for

    path = rules_dir() / "policy_extras.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        kinds = tomllib.load(handle).get("data_kinds", {})
    return {name: kind for kind, spec in kinds.items() for name in spec.get("names", ())}


_DATA_NAME = re.compile(r"""['"\[]([^'"\]\n]*\.(?:toml|json))['"\]]""")


@functools.lru_cache(maxsize=256)
def _named_in_lua(root: Path, settings: Settings) -> frozenset[str]:
    """Base names of .toml/.json files that string literals of the Lua files under `root` mention."""
    names: set[str] = set()
    for lua in lua_files_under(root, settings, MAX_SCAN_FILES):
        try:
            text = lua.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        names.update(match.rsplit("/", 1)[-1] for match in _DATA_NAME.findall(text))
    return frozenset(names)


def maybe_data_file(path: Path, settings: Settings) -> bool:
    """A cheap test for folder walks: a data file of a configured or conventional kind, or one
    whose name a Lua file of its policy mentions (the checker then decides from the model)."""
    if path.name in conventional_data_names():
        return True
    root = policy_root(path, settings)
    if settings.data_kind_for(path, root):
        return True
    return path.name in _named_in_lua(root, settings)
