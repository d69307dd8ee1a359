"""Shared setup for the explain, diff and test command tests (helpers in commands_support.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


@pytest.fixture
def lupa_policy():
    """LupaPolicy (the Lua 5.4 reference), or a skip when lupa is missing."""
    from kumocheck.compiler.oracle import LupaPolicy, lupa_available

    if not lupa_available():
        pytest.skip("lupa is not installed")
    return LupaPolicy
