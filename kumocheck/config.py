"""Settings from `[tool.kumocheck]` in pyproject.toml or from kumocheck.toml."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path
from typing import Callable

import attrs

CONFIG_FILES = ("kumocheck.toml", "pyproject.toml")
KNOWN_KEYS = {"select", "ignore", "per-file-ignores", "policy-root", "exclude", "extend-exclude", "target-version"}
KNOWN_KEYS |= {"data-paths", "data-files", "force-exclude"}
DATA_KINDS = ("shaping", "sources", "queues", "listener-domains", "dkim")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".kumocheck_cache")


class ConfigError(Exception):
    """A configuration file or option that cannot be used (exit code 2)."""


@attrs.frozen
class Settings:
    """What to check and how; every field has a command-line twin."""

    select: tuple[str, ...] = ()  # empty: every rule
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    policy_root: Path | None = None
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    target_version: str | None = None  # a KumoMTA release such as "2024.11.08"
    config_file: Path | None = None
    data_paths: tuple[tuple[str, str], ...] = ()  # server path prefix -> local folder
    data_files: tuple[tuple[str, str], ...] = ()  # glob -> data-file kind
    data_kind: str | None = None  # --data-kind: the kind of data files named on the command line
    force_exclude: bool = False  # exclude files named on the command line too (ruff's force-exclude)

    def data_kind_for(self, path: Path, root: Path | None = None) -> str | None:
        """The kind a `[data-files]` glob gives a file (matched relative to `root` and by name)."""
        names = [path.as_posix(), path.name]
        for base in (root, self.config_file.parent if self.config_file else None):
            if base is not None:
                try:
                    names.insert(0, path.resolve().relative_to(base.resolve()).as_posix())
                except ValueError:
                    pass
        for pattern, kind in self.data_files:
            if any(fnmatch.fnmatch(name, pattern) for name in names):
                return kind
        return None

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Rules ignored for one file by `per-file-ignores` globs."""
        found: list[str] = []
        normal = path.replace("\\", "/")
        for pattern, rules in self.per_file_ignores:
            if fnmatch.fnmatch(normal, pattern) or fnmatch.fnmatch(Path(normal).name, pattern):
                found.extend(rules)
        return tuple(found)

    def force_excluded(self, path: Path) -> bool:
        """With `force-exclude`: a file named explicitly that the exclude globs match,
        judged by its path below the configuration file's folder (else the working folder)."""
        if not self.force_exclude:
            return False
        resolved = path.resolve()
        for base in ([self.config_file.parent] if self.config_file else []) + [Path.cwd()]:
            try:
                return self.excluded(resolved.relative_to(base.resolve()))
            except ValueError:
                continue
        return self.excluded(path)

    def excluded(self, path: Path) -> bool:
        matches = _exclusion_matcher(self.exclude)
        return any(matches(os.path.normcase(part)) for part in path.parts)


@functools.lru_cache(maxsize=64)
def _exclusion_matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """One compiled regular expression for all `exclude` globs (fnmatch's own translation);
    folder scans test every name against it."""
    if not patterns:
        return lambda part: False
    regex = re.compile("|".join(fnmatch.translate(os.path.normcase(p)) for p in patterns))
    return lambda part: regex.match(part) is not None


def valid_release(text: str) -> bool:
    """A release tag or its date part: 2024.11.08 or 2024.11.08-d383b033."""
    import re

    return re.fullmatch(r"\d{4}\.\d{2}\.\d{2}(-[0-9a-f]+)?", text) is not None


def find_config(start: Path) -> Path | None:
    """The nearest kumocheck.toml, or pyproject.toml with a [tool.kumocheck] table."""
    start = start.resolve()
    for directory in [start, *start.parents]:
        candidate = directory / "kumocheck.toml"
        if candidate.is_file():
            return candidate
        candidate = directory / "pyproject.toml"
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        return "kumocheck" in _read_toml(path).get("tool", {})
    except ConfigError:
        return False


def _read_toml(path: Path) -> dict:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def _strings(value: object, key: str, path: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"{path}: `{key}` must be a list of strings")


def load_settings(path: Path) -> Settings:
    """Read settings from a configuration file."""
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("kumocheck", {})
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: [tool.kumocheck] must be a table")
    unknown = set(data) - KNOWN_KEYS
    if unknown:
        raise ConfigError(
            f"{path}: unknown option(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KNOWN_KEYS))}"
        )
    per_file = data.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise ConfigError(f"{path}: `per-file-ignores` must be a table of glob = [rules]")
    root = data.get("policy-root")
    if root is not None and not isinstance(root, str):
        raise ConfigError(f"{path}: `policy-root` must be a string")
    target = data.get("target-version")
    if target is not None and (not isinstance(target, str) or not valid_release(target)):
        raise ConfigError(f"{path}: `target-version` must be a KumoMTA release such as \"2024.11.08\"")
    force = data.get("force-exclude", False)
    if not isinstance(force, bool):
        raise ConfigError(f"{path}: `force-exclude` must be true or false")
    exclude = DEFAULT_EXCLUDE + _strings(data.get("extend-exclude", []), "extend-exclude", path)
    if "exclude" in data:
        exclude = _strings(data["exclude"], "exclude", path)
    data_paths = data.get("data-paths", {})
    data_files = data.get("data-files", {})
    if not isinstance(data_paths, dict) or not all(isinstance(v, str) for v in data_paths.values()):
        raise ConfigError(f'{path}: `data-paths` must be a table of "/server/prefix/" = "local/folder"')
    if not isinstance(data_files, dict) or any(v not in DATA_KINDS for v in data_files.values()):
        raise ConfigError(f"{path}: `data-files` must be a table of glob = kind, kinds: {', '.join(DATA_KINDS)}")
    return Settings(
        data_paths=tuple((prefix, str((path.parent / folder).resolve())) for prefix, folder in data_paths.items()),
        data_files=tuple(data_files.items()),
        select=_strings(data.get("select", []), "select", path),
        ignore=_strings(data.get("ignore", []), "ignore", path),
        per_file_ignores=tuple(
            (glob, _strings(rules, f"per-file-ignores.{glob}", path)) for glob, rules in per_file.items()
        ),
        policy_root=(path.parent / root).resolve() if root else None,
        exclude=exclude,
        target_version=target,
        config_file=path,
        force_exclude=force,
    )
