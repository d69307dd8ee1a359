"""Events that KumoMTA's policy-extras helpers register or name on the policy's behalf."""

from __future__ import annotations

import re

from kumocheck.model import PolicyModel
from kumocheck.schema.model import Schema


def helper_provides(schema: Schema, model: PolicyModel, name: str) -> bool:
    """True when a required policy-extras helper binds or fires an event of this name."""
    for spec in schema.helper_events.values():
        module = spec.get("source")
        pattern = spec.get("pattern")
        if not pattern or (module and module not in model.helper_modules):
            continue
        if re.fullmatch(pattern, name):
            return True
    return False
