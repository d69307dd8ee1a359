"""requires-newer-kumomta: events and kumo.* functions newer than `target-version`.

(make_queue_config keys are judged by the schema validator with the same setting.)
Only active when a target version is configured.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.schema.model import newer_than


def _release(tag: str) -> str:
    return "an unreleased version (dev)" if tag == "dev" else tag.split("-")[0]


def check(context: CheckContext) -> Iterator[Finding]:
    target = context.target_version
    if not target:
        return
    for binding in context.model.bindings:
        event = context.schema.events.get(binding.event or "")
        if event is not None and newer_than(event.since, target):
            yield Finding(
                "requires-newer-kumomta",
                binding.file,
                binding.name_span,
                f"KumoMTA fires '{event.name}' only from {_release(event.since)} on "
                f"(target-version is {target}): this handler never runs there",
                "raise target-version after upgrading KumoMTA",
            )
    for use in context.model.api_uses:
        since = context.schema.api.since(use.path)
        if len(use.path) > 1 and newer_than(context.schema.api.since(use.path[:-1]), target):
            continue  # the module itself is reported
        if newer_than(since, target):
            yield Finding(
                "requires-newer-kumomta",
                use.file,
                use.span,
                f"`kumo.{'.'.join(use.path)}` exists only from KumoMTA {_release(since)} on "
                f"(target-version is {target})",
                "raise target-version after upgrading KumoMTA, or avoid the function",
            )
