"""Where the tests find KumoMTA's source (a checkout or bare git mirror): the same place
`kumocheck verify` looks ($KUMOCHECK_KUMOMTA, else the default mirror). Tests that need it
skip when it is absent; nothing of it is committed."""

from __future__ import annotations

import os
from pathlib import Path

from kumocheck.compiler.oracle_helpers import DEFAULT_MIRROR

MIRROR = Path(os.environ.get("KUMOCHECK_KUMOMTA") or DEFAULT_MIRROR)
