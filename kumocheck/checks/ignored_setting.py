"""ignored-setting: data or options KumoMTA accepts and then never uses.

Queue options under `[tenant.T.campaigns.C]` and `[queue.default.T]`, `overall_max_message_rate`
where the queue helper never reads it, a misspelled queue option table that the helper takes
as a tenant name, `mx_rollup` and `sources` in shaping's `default`, `provider_max_message_rate`
in a later definition of a provider (only the first one counts, and KumoMTA's bundled
shaping.toml comes first), a file list given as one string (the helper loads nothing),
`skip_log_record_types` written as a set, and a `protocol` in a log hook's queue_config.
(Unknown keys of automation rules come from the data-file schema check.)
"""

from __future__ import annotations

from typing import Iterator

from kumocheck.checks import CheckContext, Finding
from kumocheck.checks.data_tables import finding, has_key, loaded, tables
from kumocheck.extras.setup import bare_string_lists, option_value
from kumocheck.schema.validate import nearest
from kumocheck.schema.values import TableValue

#: Labels that end a domain: `[queue.example.com]` unquoted is domain `example`, tenant `com`.
COMMON_TLDS = frozenset(
    "com net org io co uk de fr nl be ch at it es se no dk fi pl cz ru jp cn in br au ca us mx info biz edu gov".split()
)
NEVER_READ_RATE = "overall_max_message_rate is only read at [tenant.T] (and for the tenant's campaigns)"


def check(context: CheckContext) -> Iterator[Finding]:
    yield from _bare_strings(context)
    yield from _queues(context)
    yield from _shaping(context)
    yield from _options(context)


def _bare_strings(context: CheckContext) -> Iterator[Finding]:
    for call, value in bare_string_lists(context.schema.extras, context.model.helper_calls):
        yield finding(
            "ignored-setting",
            value.origin or call.span,
            call.file,
            f"{call.function} walks its file list with ipairs: the string {value.value.decode('utf-8', 'replace')!r} "
            "is not a list, so the helper loads no file at all",
            "wrap it in a table: { '...' }",
        )


def _table_keys(context: CheckContext, option: str) -> set[str]:
    """The keys a table value of a queue option holds (protocol: smtp, maildir...)."""
    schema = context.schema
    typ = schema.structs[schema.entry_struct].fields[option].type
    refs = [typ]
    if typ.kind == "union":
        refs = list(schema.unions[typ.name].variants)
    return {key for ref in refs if ref.kind == "struct" for key in schema.structs[ref.name].fields}


def _queues(context: CheckContext) -> Iterator[Finding]:
    queue_keys = tuple(context.schema.structs[context.schema.entry_struct].fields)
    option_keys = {key: _table_keys(context, key) for key in queue_keys}
    for data, table in loaded(context, "queues"):
        if data.inline is not None:
            continue
        for tenant, _, body in tables(table, "tenant"):
            tenant_rate = has_key(body, "overall_max_message_rate") is not None
            for campaign, _, options in tables(body, "campaigns"):
                rate = has_key(options, "overall_max_message_rate")
                if rate is not None:
                    yield finding(
                        "ignored-setting",
                        rate.origin,
                        data.file,
                        f"the campaign rate of [tenant.{tenant}.campaigns.{campaign}] is not used: queue.lua throttles "
                        "the campaign with the tenant's overall_max_message_rate"
                        + ("" if tenant_rate else ", and raises for every message of it when the tenant has none"),
                        "set the rate on the tenant, or throttle the campaign in your own throttle_insert_ready_queue handler",
                    )
                for key, entry in options.string_keys():
                    if key in queue_keys:
                        yield finding(
                            "ignored-setting",
                            entry.origin,
                            data.file,
                            f"`{key}` under [tenant.{tenant}.campaigns.{campaign}] is never used: the queue helper "
                            "reads only overall_max_message_rate there",
                            f"put campaign queue options under [queue.'<domain>'.{tenant}.{campaign}] (KumoMTA issue #582)",
                        )
        for domain, _, body in tables(table, "queue"):
            yield from _domain_level(data, domain, body, queue_keys, option_keys)


def _domain_level(
    data, domain: str, body: TableValue, queue_keys: tuple[str, ...], option_keys: dict[str, set[str]]
) -> Iterator[Finding]:
    where = f"[queue.'{domain}']"
    rate = has_key(body, "overall_max_message_rate")
    if rate is not None:
        yield finding("ignored-setting", rate.origin, data.file, f"overall_max_message_rate in {where} is never used", NEVER_READ_RATE)
    for name, entry in body.string_keys():
        if not isinstance(entry.value, TableValue) or name in queue_keys or name == "routing_domain":
            continue
        meant = nearest(name, queue_keys)
        inner = {key for key, _ in entry.value.string_keys()}
        if meant and meant != name and inner and inner <= option_keys.get(meant, set()):
            yield finding(
                "ignored-setting",
                entry.origin,
                data.file,
                f"`{name}` in {where} is not a queue option, so the queue helper takes it as a tenant name",
                f"did you mean `{meant}`?",
            )
        elif "." not in domain and domain not in ("default", "*") and name in COMMON_TLDS:
            yield finding(
                "ignored-setting",
                entry.origin,
                data.file,
                f"[queue.{domain}.{name}] means domain '{domain}', tenant '{name}': TOML splits unquoted headers at dots",
                f"quote the domain: [queue.\"{domain}.{name}\"]",
            )
        elif domain == "default":
            yield finding(
                "ignored-setting",
                entry.origin,
                data.file,
                f"[queue.default.{name}] is never consulted: the queue helper reads tenants only under real domains",
                f"put tenant-wide options in [tenant.{name}]",
            )
        else:
            for campaign, sub in entry.value.string_keys():
                if campaign == "overall_max_message_rate":
                    yield finding("ignored-setting", sub.origin, data.file, f"overall_max_message_rate in [queue.'{domain}'.{name}] is never used", NEVER_READ_RATE)


def _shaping(context: CheckContext) -> Iterator[Finding]:
    first_rate: dict[str, bool] = {}
    bundled = context.schema.extras.bundled
    for data in context.model.data_files:
        if data.kind == "shaping" and data.bundled and data.named in bundled:
            for provider in bundled[data.named].defines.get("provider", ()):
                first_rate.setdefault(provider, False)
    for data, table in loaded(context, "shaping"):
        default = table.get(b"default")
        if default is not None and isinstance(default.value, TableValue):
            for key, why in (("mx_rollup", "mx_rollup has no effect in the default block"),
                             ("sources", "shaping never applies default.sources (only site and domain sources)")):
                entry = has_key(default.value, key)
                if entry is not None:
                    yield finding("ignored-setting", entry.origin, data.file, why, "move it to a domain or provider block")
        for provider, _, body in tables(table, "provider"):
            if provider not in first_rate:
                first_rate[provider] = True
                continue
            rate = has_key(body, "provider_max_message_rate")
            if rate is not None:
                yield finding(
                    "ignored-setting",
                    rate.origin,
                    data.file,
                    f"provider_max_message_rate of provider '{provider}' is dropped: only the first file that defines "
                    "a provider sets it" + ("" if first_rate[provider] else " (KumoMTA's bundled shaping.toml defines it first)"),
                    "set the rate where the provider is first defined, or use a provider of another name",
                )


def _options(context: CheckContext) -> Iterator[Finding]:
    for call in context.model.helper_calls:
        if call.helper == "policy-extras.shaping" and call.function == "setup_with_automation":
            skip = option_value(call, "skip_log_record_types")
            if isinstance(skip, TableValue) and not skip.positional() and any(True for _ in skip.string_keys()):
                yield finding(
                    "ignored-setting",
                    skip.origin or call.span,
                    call.file,
                    "skip_log_record_types is walked as a list: a set-style table { Reception = true } skips nothing",
                    "write a list: { 'Reception', 'Delivery' }",
                )
        if call.helper == "policy-extras.log_hooks" and call.function in ("new", "new_json"):
            queue_config = option_value(call, "queue_config")
            if isinstance(queue_config, TableValue):
                entry = queue_config.get(b"protocol")
                if entry is not None:
                    yield finding(
                        "ignored-setting",
                        entry.origin,
                        call.file,
                        "log_hooks replaces `protocol` in queue_config with its own custom_lua protocol",
                        "drop protocol from queue_config",
                    )
