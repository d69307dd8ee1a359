"""Fixtures for the checker tests."""

from __future__ import annotations

import pytest

from checker_support import check_text
from kumocheck.diagnostics import Report


@pytest.fixture
def check(tmp_path):
    def run(text: str, **settings) -> Report:
        return check_text(tmp_path, text, **settings)

    return run
