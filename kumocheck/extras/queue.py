"""policy-extras.queue: its data files merged, and get_queue_config resolved, as queue.lua does.

`load(documents, is_option)` parses each file (OTable trees from `origins.from_data`, in
load order) the way `parse_config` does, sorting each key of a `[queue.D]` table into an
option (when `is_option(key, value)` accepts it: the caller's make_queue_config check)
or a tenant name, and each key of `[queue.D.T]` into an option or a campaign name; then
deep-merges the files (later files win per leaf, lists merge by index) and compiles the
domains into a DomainMap.

`resolve(data, domain, tenant, campaign, is_option)` follows queue.lua's resolve_config:
`refresh_strategy = 'Epoch'`, then `[queue.default]`, `[queue.D]` (DomainMap lookup),
`[tenant.T]`, `[queue.D.T]`, `[queue.D.T.C]`, later steps winning key by key, keeping
only keys `is_option` accepts. The provider_name back-fill (DNS + shaping) is the
caller's: `get_queue_config_params` takes it as a function.
"""

from __future__ import annotations

from typing import Any, Callable

import attrs

from kumocheck.extras.domain_map import DomainMap
from kumocheck.extras.merge import items, lua_type_name, merge_into, recursive_merge_into, require_table
from kumocheck.extras.origins import HelperError, OTable, Origin

__all__ = ["QueueData", "load", "resolve", "get_queue_config_params", "routing_for", "check_setup_options", "HELPER_DEFAULT"]

IsOption = Callable[[str, Any], bool]

#: QueueHelperConfig's own scalar fields and their Lua types
TOP_FIELDS = {
    "scheduling_header": "string", "tenant_header": "string", "remove_tenant_header": "boolean",
    "campaign_header": "string", "remove_campaign_header": "boolean", "default_tenant": "string",
}
#: keys that name helper structure, never queue options
STRUCTURE = frozenset({"tenants", "campaigns", "routing_domain", "overall_max_message_rate", "require_authz"})
HELPER_DEFAULT = Origin(None, None, "", "queue helper default (refresh_strategy = 'Epoch')")


@attrs.define
class QueueData:
    """The merged queue data: top-level fields, tenants, and the compiled domain map."""

    top: OTable
    tenants: OTable
    queues: DomainMap
    raw_queues: OTable


def _is_string(value: Any) -> bool:
    return isinstance(value, str)


def _campaign(name: Any, value: Any, is_option: IsOption, where: str) -> OTable:
    """A CampaignConfig (typed: anything but options, routing_domain and the rate raises)."""
    if not isinstance(value, dict):
        raise HelperError(f"{where}: invalid value for key '{name}': expected CampaignConfig, got {lua_type_name(value)}")
    for key, item, _origin in items(value):
        if key in ("overall_max_message_rate", "routing_domain"):
            if item is not None and not _is_string(item):
                raise HelperError(f"CampaignConfig: invalid value for field '{key}'")
        elif not is_option(key, item):
            raise HelperError(f"CampaignConfig: unknown field '{key}'")
    return value


def _tenant_config(name: Any, value: Any, is_option: IsOption) -> None:
    """Validate a top-level [tenant.T] as TenantConfig."""
    if not isinstance(value, dict):
        raise HelperError(f"map<string,TenantConfig>: invalid value for key '{name}'")
    for key, item, _origin in items(value):
        if key == "campaigns":
            if not isinstance(item, dict):
                raise HelperError("TenantConfig: invalid value for field 'campaigns'")
            for campaign, params, _o in items(item):
                _campaign(campaign, params, is_option, "map<string,CampaignConfig>")
        elif key == "require_authz":
            if not isinstance(item, (list, dict)) or any(not _is_string(v) for _k, v, _o in items(item) if isinstance(_k, int)):
                raise HelperError("TenantConfig: invalid value for field 'require_authz'")
        elif key == "overall_max_message_rate":
            if not _is_string(item):
                raise HelperError("TenantConfig: invalid value for field 'overall_max_message_rate'")
        elif not is_option(key, item):
            raise HelperError(f"TenantConfig: unknown field '{key}'")


def _sort_keys(data: Any, is_option: IsOption, origin: Origin | None, names: str, child: Callable) -> OTable:
    """parse_domain / parse_tenant_with_campaign: each key that a typed assignment accepts
    (routing_domain, overall_max_message_rate, a queue option) stays; any other key is a
    name (tenant or campaign), its value parsed by `child`."""
    entry = OTable(origin=getattr(data, "origin", origin))
    entry.put(names, OTable(origin=entry.origin), None)
    require_table(data)
    for key, value, key_origin in items(data):
        if key == names:
            entry.put(key, value, key_origin)  # already present: a raw store
        elif key in ("overall_max_message_rate", "routing_domain") and _is_string(value):
            entry.put(key, value, key_origin)
        elif key not in STRUCTURE and is_option(key, value):
            entry.put(key, value, key_origin)
        else:
            parsed = child(key, value, key_origin)
            slot = entry[names]
            if isinstance(slot, OTable):
                slot.put(key, parsed, key_origin)
            else:
                slot[key] = parsed
    return entry


def _parse_tenant_with_campaign(data: Any, is_option: IsOption, origin: Origin | None) -> OTable:
    return _sort_keys(data, is_option, origin, "campaigns",
                      lambda key, value, _o: _campaign(key, value, is_option, "map<string,CampaignConfig>"))


def _parse_domain(data: Any, is_option: IsOption) -> OTable:
    return _sort_keys(data, is_option, None, "tenants",
                      lambda _key, value, key_origin: _parse_tenant_with_campaign(value, is_option, key_origin))


def _parse_config(data: Any, is_option: IsOption) -> OTable:
    if not isinstance(data, dict):
        raise HelperError(f"QueueHelperConfig: expected a table, got {lua_type_name(data)}")
    result = OTable(origin=getattr(data, "origin", None))
    result.put("tenants", OTable(), None)
    result.put("queues", OTable(), None)
    for key, value, origin in items(data):
        if key == "tenant":
            require_table(value)
            for name, options, tenant_origin in items(value):
                tenant = result["tenants"].get(name) if isinstance(result["tenants"], dict) else None
                if tenant is None:
                    tenant = OTable(origin=getattr(options, "origin", tenant_origin))
                merge_into(options, tenant)
                _tenant_config(name, tenant, is_option)
                result["tenants"].put(name, tenant, tenant_origin) if isinstance(result["tenants"], OTable) else None
        elif key == "queue":
            require_table(value)
            for name, options, domain_origin in items(value):
                queues = result["queues"]
                domain_options = queues.get(name) if isinstance(queues, dict) else None
                if domain_options is None:
                    domain_options = OTable(origin=getattr(options, "origin", domain_origin))
                recursive_merge_into(_parse_domain(options, is_option), domain_options)
                if isinstance(queues, OTable):
                    queues.put(name, domain_options, domain_origin)
        elif key in ("tenants", "queues"):
            result.put(key, value, origin)  # already present: a raw store
        elif key in TOP_FIELDS:
            if lua_type_name(value) != TOP_FIELDS[key]:
                raise HelperError(f"QueueHelperConfig: invalid value for field '{key}'")
            result.put(key, value, origin)
        else:
            raise HelperError(f"QueueHelperConfig: unknown field '{key}'")
    return result


def load(documents: list[Any], is_option: IsOption) -> QueueData:
    """Parse and merge the files in load order (queue.lua merge_data)."""
    result = OTable()
    for document in documents:
        recursive_merge_into(_parse_config(document, is_option), result)
    raw = result.get("queues")
    if raw is None:
        raw = OTable()
    if not isinstance(raw, dict):
        raise HelperError("domain_map.new: expected a table of domains")
    tenants = result.get("tenants")
    top = OTable()
    for key, value, origin in items(result):
        if key not in ("tenants", "queues"):
            top.put(key, value, origin)
    return QueueData(top, tenants, DomainMap((str(k), v) for k, v in raw.items()), raw)


def _copy_options(params: OTable, entry: Any, is_option: IsOption, allow_all: bool) -> None:
    for key, value, origin in items(entry):
        if allow_all or (key not in STRUCTURE and is_option(key, value)):
            params.put(key, value, origin)


def resolve(
    data: QueueData, domain: str, tenant: str | None, campaign: str | None,
    is_option: IsOption, allow_all: bool = False,
) -> OTable:
    """queue.lua resolve_config: the parameter table, each key with its origin."""
    params = OTable()
    params.put("refresh_strategy", "Epoch", HELPER_DEFAULT)
    default_config = data.queues.get("default")
    if default_config:
        _copy_options(params, default_config, is_option, allow_all)
    domain_config = data.queues.get(domain)
    if domain_config:
        _copy_options(params, domain_config, is_option, allow_all)
    if data.tenants is None:
        raise HelperError("attempt to index a nil value (field 'tenants')")
    tenant_definition = data.tenants.get(tenant) if tenant is not None else None
    if tenant_definition:
        _copy_options(params, tenant_definition, is_option, allow_all)
    if domain_config:
        tenants = domain_config.get("tenants")
        if tenants is None:
            raise HelperError("attempt to index a nil value (field 'tenants')")
        tenant_config = tenants.get(tenant) if tenant is not None else None
        if tenant_config:
            _copy_options(params, tenant_config, is_option, allow_all)
            campaigns = tenant_config.get("campaigns")
            if campaigns is None:
                raise HelperError("attempt to index a nil value (field 'campaigns')")
            campaign_config = campaigns.get(campaign) if campaign is not None else None
            if campaign_config:
                _copy_options(params, campaign_config, is_option, allow_all)
    return params


def get_queue_config_params(
    data: QueueData, domain: str, tenant: str | None, campaign: str | None, routing_domain: str | None,
    is_option: IsOption, resolve_provider: Callable[[str, str | None], str | None] | None = None,
) -> OTable:
    """What queue.lua's get_queue_config handler passes to make_queue_config."""
    params = resolve(data, domain, tenant, campaign, is_option)
    if params.get("provider_name") is None and resolve_provider is not None:
        provider = resolve_provider(domain, routing_domain)
        if provider is not None:
            params.put("provider_name", provider, Origin(None, None, "", "shaping provider (queue helper back-fill)"))
    return params


def routing_for(data: QueueData, domain: str, tenant: str | None, campaign: str | None) -> tuple[Any, Origin | None]:
    """The routing_domain helper:apply(msg) would set for a recipient domain (or None)."""
    composed = resolve(data, domain, tenant, campaign, lambda _k, _v: True, allow_all=True)
    value = composed.get("routing_domain")
    return (value, composed.origins.get("routing_domain")) if value else (None, None)


def check_setup_options(options: dict) -> None:
    """QueueHelperSetup typing: file_names required (a list); the two flags are booleans."""
    for key in options:
        if key not in ("file_names", "skip_queue_config_hook", "invalidate_with_epoch"):
            raise HelperError(f"QueueHelperSetup: unknown field '{key}'")
    names = options.get("file_names")
    if names is None:
        raise HelperError("QueueHelperSetup: missing value for field 'file_names' of type 'list<variant<string,QueueHelperConfig>>'")
    if not isinstance(names, (list, dict)):
        raise HelperError("QueueHelperSetup: invalid value for field 'file_names'")
    for _index, name, _origin in items(names):
        if isinstance(name, dict) and any(k not in TOP_FIELDS and k not in ("tenants", "queues") for k in name):
            raise HelperError("QueueHelperSetup: invalid value for field 'file_names'")
        if not isinstance(name, (str, dict)):
            raise HelperError("QueueHelperSetup: invalid value for field 'file_names'")
    for key in ("skip_queue_config_hook", "invalidate_with_epoch"):
        if options.get(key) is not None and not isinstance(options[key], bool):
            raise HelperError(f"QueueHelperSetup: invalid value for field '{key}'")

