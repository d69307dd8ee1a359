"""Settings from `[tool.kumocheck]` in pyproject.toml or from kumocheck.toml."""

from __future__ import annotations

import fnmatch
from pathlib import Path

import attrs

CONFIG_FILES = ("kumocheck.toml", "pyproject.toml")
KNOWN_KEYS = {
    "select", "ignore", "per-file-ignores", "policy-root", "exclude", "extend-exclude", "target-version",
    "force-exclude",
}
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
    force_exclude: bool = False  # exclude files named on the command line too (ruff's force-exclude)

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """Rules ignored for one file by `per-file-ignores` globs."""
        found: list[str] = []
        normal = path.replace("\\", "/")
        for pattern, rules in self.per_file_ignores:
            if fnmatch.fnmatch(normal, pattern) or fnmatch.fnmatch(Path(normal).name, pattern):
                found.extend(rules)
        return tuple(found)

    def excluded(self, path: Path) -> bool:
        return any(fnmatch.fnmatch(part, pattern) for part in path.parts for pattern in self.exclude)

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
    return Settings(
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
