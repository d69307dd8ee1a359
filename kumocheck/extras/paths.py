"""Where a data file that a policy names lives in the checked tree.

KumoMTA reads `/opt/kumomta/etc/policy/X` on the server; in a repository that file is
`<policy root>/X`. Other prefixes are mapped by the `data-paths` setting.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Mapping

POLICY_PREFIX = "/opt/kumomta/etc/policy/"
REMOTE_PREFIXES = ("http://", "https://")


def map_data_path(named: str, policy_root: Path, data_paths: Mapping[str, str]) -> Path | None:
    """The local file for a path named in the policy, or None when it cannot be mapped.

    `data_paths` maps a prefix to a folder (relative folders are relative to `policy_root`;
    the settings loader makes those from the config file absolute). The longest matching
    prefix wins; `/opt/kumomta/etc/policy/` always maps to the policy root."""
    if not named or named.startswith(REMOTE_PREFIXES) or "\0" in named:
        return None
    prefixes = {POLICY_PREFIX: "", **dict(data_paths)}
    for prefix in sorted(prefixes, key=len, reverse=True):
        bare = prefix.rstrip("/")
        if named == bare or named.startswith(bare + "/"):
            rest = named[len(bare) :].lstrip("/")
            folder = Path(prefixes[prefix])
            base = folder if folder.is_absolute() else policy_root / folder
            return _inside(base, rest)
    if PurePosixPath(named).is_absolute():
        return None
    return _inside(policy_root, named)


def _inside(base: Path, rest: str) -> Path | None:
    parts = PurePosixPath(rest).parts
    if ".." in parts:
        return None  # leaves the mapped folder: not something to guess about
    return base.joinpath(*parts) if parts else None
