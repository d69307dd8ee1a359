"""undefined-reference: a name in helper data that must resolve and does not.

A pool entry naming a source no sources data defines (every queue using the pool fails,
while `kumod --validate` exits 0); a tenant or domain `egress_pool` naming a pool the
sources data lacks; a shaping `sources.<name>` block for an undefined source (never
applied); `default_tenant` naming no `[tenant.X]` (every message is rejected); a DKIM
`additional_signatures` name without a `[signature.X]` block. Only judged when every data
file of the defining kind was read.
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.checks.data_tables import complete, finding, loaded, string_of, tables
from kumocheck.schema.validate import nearest
from kumocheck.schema.values import Const, TableValue

BUILTIN_SOURCE = "unspecified"  # kumod's own default source and pool


def _hint(name: str, known: set[str], what: str) -> str:
    guess = nearest(name, sorted(known))
    if guess:
        return f"did you mean '{guess}'?"
    return f"defined {what}: " + (", ".join(sorted(known)) if known else "none")


def check(context: CheckContext) -> Iterator[Finding]:
    sources: set[str] = set()
    pools: set[str] = set()
    for _, table in loaded(context, "sources"):
        sources |= {name for name, _, _ in tables(table, "source")}
        pools |= {name for name, _, _ in tables(table, "pool")}
    sources_known = complete(context, "sources")
    if sources_known:
        yield from _pool_members(context, sources)
        yield from _egress_pools(context, pools)
        yield from _shaping_sources(context, sources)
    yield from _default_tenant(context)
    yield from _dkim_signatures(context)


def _pool_members(context: CheckContext, sources: set[str]) -> Iterator[Finding]:
    for data, table in loaded(context, "sources"):
        for pool, _, members in tables(table, "pool"):
            for name, entry in members.string_keys():
                if name not in sources and name != BUILTIN_SOURCE:
                    yield finding(
                        "undefined-reference",
                        entry.origin,
                        data.file,
                        f"pool '{pool}' names source '{name}', which no sources data defines: "
                        f"every queue using pool '{pool}' fails",
                        _hint(name, sources, "sources"),
                    )


def _egress_pools(context: CheckContext, pools: set[str]) -> Iterator[Finding]:
    for data, table in loaded(context, "queues"):
        places = [(f"tenant.{name}", body) for name, _, body in tables(table, "tenant")]
        places += [(f"queue.{name}", body) for name, _, body in tables(table, "queue")]
        for where, body in places:
            found = string_of(body, "egress_pool")
            if found and found[0] not in pools and found[0] != BUILTIN_SOURCE:
                yield finding(
                    "undefined-reference",
                    found[1].origin,
                    data.file,
                    f"`{where}.egress_pool` names pool '{found[0]}', which no sources data defines: "
                    "queues using it fail",
                    _hint(found[0], pools, "pools"),
                )


def _shaping_sources(context: CheckContext, sources: set[str]) -> Iterator[Finding]:
    for data, table in loaded(context, "shaping"):
        if data.bundled:
            continue
        blocks = [(name, entry.value) for name, entry in table.string_keys() if name != "provider"]
        blocks += [(f"provider.{name}", body) for name, _, body in tables(table, "provider")]
        for where, block in blocks:
            if not isinstance(block, TableValue):
                continue
            for name, entry, _ in tables(block, "sources"):
                if name not in sources and name != BUILTIN_SOURCE:
                    yield finding(
                        "undefined-reference",
                        entry.origin,
                        data.file,
                        f"`{where}.sources` configures source '{name}', which no sources data defines: "
                        "the block is never applied",
                        _hint(name, sources, "sources"),
                        "warning",
                    )


def _default_tenant(context: CheckContext) -> Iterator[Finding]:
    if not complete(context, "queues"):
        return
    tenants: set[str] = set()
    defaults = []
    for data, table in loaded(context, "queues"):
        tenants |= {name for name, _, _ in tables(table, "tenant")}
        entry = table.get(b"tenant")
        if entry is not None and isinstance(entry.value, TableValue):
            tenants |= {name for name, _ in entry.value.string_keys()}
        found = string_of(table, "default_tenant")
        if found:
            defaults.append((data, found))
    for data, (name, value) in defaults:
        if name not in tenants:
            yield finding(
                "undefined-reference",
                value.origin,
                data.file,
                f"default_tenant '{name}' has no [tenant.{name}] section: the queue helper rejects every "
                "message without a tenant header",
                _hint(name, tenants, "tenants"),
            )


def _dkim_signatures(context: CheckContext) -> Iterator[Finding]:
    if not complete(context, "dkim"):
        return
    signatures: set[str] = set()
    wanted = []
    for data, table in loaded(context, "dkim"):
        signatures |= {name for name, _, _ in tables(table, "signature")}
        base = table.get(b"base")
        if base is not None and isinstance(base.value, TableValue):
            listed = base.value.get(b"additional_signatures")
            if listed is not None and isinstance(listed.value, TableValue):
                for item in listed.value.positional():
                    if isinstance(item.value, Const) and isinstance(item.value.value, bytes):
                        wanted.append((data, item.value))
    for data, value in wanted:
        name = value.value.decode("utf-8", "replace")
        if name not in signatures:
            yield finding(
                "undefined-reference",
                value.origin,
                data.file,
                f"additional signature '{name}' has no [signature.{name}] block: loading the DKIM data fails",
                _hint(name, signatures, "signatures"),
            )
