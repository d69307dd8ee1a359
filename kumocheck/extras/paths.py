"""Where a data file the helpers name lives on this machine."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Mapping

__all__ = ["map_data_path", "POLICY_PREFIX"]

POLICY_PREFIX = "/opt/kumomta/etc/policy/"


def map_data_path(named: str, policy_root: Path, data_paths: Mapping[str, str]) -> Path | None:
    """`/opt/kumomta/etc/policy/X` -> policy_root/X; other prefixes through `data_paths`
    (prefix -> folder, relative to the policy root); relative names relative to the
    policy root; None when the name cannot be mapped."""
    if named.startswith(POLICY_PREFIX):
        return Path(policy_root) / named[len(POLICY_PREFIX):]
    for prefix in sorted(data_paths, key=len, reverse=True):
        folder = data_paths[prefix]
        if named.startswith(prefix.rstrip("/") + "/") or named == prefix:
            rest = named[len(prefix.rstrip("/")):].lstrip("/")
            return (Path(policy_root) / folder / rest) if rest else Path(policy_root) / folder
    if PurePosixPath(named).is_absolute():
        return None
    return Path(policy_root) / named
