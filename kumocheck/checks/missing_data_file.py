"""missing-data-file: a data file the policy names, mapped into the policy tree, is not there.

kumod reads helper data lazily: a missing sources.toml or queues.toml fails the first
message that needs it. Paths that cannot be mapped into the checked tree (other server
folders without a `data-paths` entry, URLs) are never reported.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding, file_of
from kumocheck.files import display


def check(context: CheckContext) -> Iterator[Finding]:
    for data in context.model.data_files:
        if not data.missing or data.span is None:
            continue
        yield Finding(
            "missing-data-file",
            file_of(data.span, data.file),
            data.span,
            f"{data.helper.removeprefix('policy-extras.')} loads '{data.named}', which is not in the policy tree "
            f"(looked for {display(data.path)})",
            "create the file, fix the path, or map the server folder with `data-paths` in kumocheck.toml",
        )
