"""Reading the helpers' data files as the helpers do, into OTable trees with origins.

* `load_json_or_toml(name, ...)`: policy_utils.load_json_or_toml_file: a name matching
  the Lua pattern `.toml$` is TOML, anything else JSON with `//`, `/* */` and `#`
  comments stripped (kumo.json_load).
* `read_shaping_file(name, ...)`: kumo.shaping.load's reader: `.toml` TOML, `.json`
  JSON (no comment stripping), other names TOML then JSON; unreadable local files are
  skipped (kumod records an error and treats them as empty); remote URLs are skipped.

Positions come from the data-file reader (kumocheck.parse.data) when it is installed,
else from tomllib/json (no line numbers).
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any, Mapping

from kumocheck.extras.origins import HelperError, from_data
from kumocheck.extras.paths import map_data_path

try:  # the positional reader (branch issue8-parse); optional: without it, no line numbers
    from kumocheck.parse.data import DataSyntaxError, read_data
    from kumocheck.source import SourceFile
except ImportError:  # pragma: no cover - depends on which branches are merged
    read_data = None

__all__ = ["DataFiles", "strip_json_comments"]


def strip_json_comments(text: str) -> str:
    """What json_comments' StripComments removes: `//`, `/* */` and `#` comments."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i) or c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


class DataFiles:
    """Finds and parses the files a policy's helpers name (cached per path)."""

    def __init__(self, policy_root: Path, data_paths: Mapping[str, str] | None = None) -> None:
        self.policy_root = Path(policy_root)
        self.data_paths = dict(data_paths or {})
        self._cache: dict[tuple[str, str], Any] = {}

    def locate(self, name: str) -> Path:
        path = map_data_path(name, self.policy_root, self.data_paths)
        if path is None:
            raise HelperError(f"reading file {name}: not available offline (map its folder with the data-paths setting)")
        return path

    def shown(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.policy_root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def parse(self, path: Path, fmt: str, strip: bool = False) -> Any:
        key = (str(path), fmt + ("-strip" if strip else ""))
        if key in self._cache:
            return self._cache[key]
        shown = self.shown(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HelperError(f"reading file {shown}: {getattr(exc, 'strerror', None) or exc}") from None
        if strip:
            text = strip_json_comments(text)
        tree = self._parse_text(text, fmt, shown)
        self._cache[key] = tree
        return tree

    def _parse_text(self, text: str, fmt: str, shown: str) -> Any:
        if read_data is not None:
            try:
                return from_data(read_data(SourceFile(shown, text), fmt), shown)
            except DataSyntaxError as exc:
                raise HelperError(f"parsing {shown}:{exc.problem.line} as {fmt}: {exc.problem.message}") from None
            except Exception:  # noqa: BLE001 - fall back to the plain parsers below
                pass
        try:
            data = tomllib.loads(text) if fmt == "toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
            raise HelperError(f"parsing {shown} as {fmt}: {exc}") from None
        return from_data(data, shown)

    def load_json_or_toml(self, name: str) -> Any:
        """policy_utils.load_json_or_toml_file for a file name."""
        path = self.locate(name)
        if re.search(r".toml$", name, re.DOTALL) and len(name) >= 5:
            return self.parse(path, "toml")
        return self.parse(path, "json", strip=True)

    def read_shaping_file(self, name: str, warnings: list) -> Any:
        """kumo.shaping.load's reader; None (with a note in `warnings`) for a skipped file."""
        if name.startswith(("http://", "https://")):
            warnings.append(f"remote shaping source {name}: not available offline (skipped)")
            return None
        try:
            path = self.locate(name)
        except HelperError as exc:
            warnings.append(f"local shaping source {name}: {exc}")
            return None
        if not path.is_file():
            warnings.append(f"local shaping source {name}: not found at {self.shown(path)} (treated as empty)")
            return None
        if name.endswith(".toml"):
            return self.parse(path, "toml")
        if name.endswith(".json"):
            return self.parse(path, "json")
        try:
            return self.parse(path, "toml")
        except HelperError:
            try:
                return self.parse(path, "json")
            except HelperError as exc:
                warnings.append(f"local shaping source {name}: {exc}")
                return None
