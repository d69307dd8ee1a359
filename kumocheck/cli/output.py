"""Where a command's report goes: stdout, or the file of `-o FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

from kumocheck.cli import UsageError

__all__ = ["write_output"]


def write_output(text: str, output_file: str | None) -> None:
    """Write `text` to `output_file` (a UsageError when it cannot be written) or stdout."""
    if output_file:
        try:
            Path(output_file).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"-o {output_file}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
