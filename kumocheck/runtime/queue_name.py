"""Scheduled queue names, as kumod's `QueueNameComponents` parses and formats them.

    [campaign:]tenant@domain[!routing_domain]

Source: crates/message/src/queue_name.rs in KumoCorp/kumomta.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["QueueName", "parse_queue_name", "format_queue_name"]


class QueueName(NamedTuple):
    """The four `get_queue_config` arguments packed in a queue name (None for nil)."""

    domain: str
    tenant: str | None = None
    campaign: str | None = None
    routing_domain: str | None = None


def parse_queue_name(name: str) -> QueueName:
    """Split a scheduled queue name exactly like kumod (nothing is validated)."""
    campaign = tenant = None
    prefix, at, rest = name.partition("@")
    if at:
        head, colon, tail = prefix.partition(":")
        if colon:
            campaign, tenant = head, tail
        else:
            tenant = prefix
        domain_part = rest
    else:
        domain_part = name
    domain, bang, routing = domain_part.partition("!")
    return QueueName(domain, tenant, campaign, routing if bang else None)


def format_queue_name(
    domain: str, tenant: str | None = None, campaign: str | None = None, routing_domain: str | None = None
) -> str:
    """The inverse of `parse_queue_name` (campaign without tenant gives `c:@domain`)."""
    if campaign is not None and tenant is not None:
        name = f"{campaign}:{tenant}@{domain}"
    elif campaign is not None:
        name = f"{campaign}:@{domain}"
    elif tenant is not None:
        name = f"{tenant}@{domain}"
    else:
        name = domain
    if routing_domain is not None:
        name += f"!{routing_domain}"
    return name
