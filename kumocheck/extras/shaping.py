"""policy-extras.shaping's data: `kumo.shaping.load` (Rust, crates/kumo-api-types/src/shaping.rs)
merged, and `get_egress_path_config(domain, source, site_name)` resolved, in Python.

Merge (merge_files): `default` into by_domain["default"]; `mx_rollup = true` domain
blocks (the default) keyed by their MX site name (needs DNS: a block whose lookup
fails, or is not in the fixture, is dropped with a warning, as kumod drops it);
`mx_rollup = false` blocks by the exact domain; providers by name, in first-definition
order. Later blocks merge into the first (`PartialEntry.merge_from`,
`ProviderEntry.merge_from`); only the three `additional_*` maps merge key by key.

Resolution follows ShapingInner::get_egress_path_config step by step (default, matching
providers with their implied params, provider sources, site, domain, site source,
domain source). TSA automation rules are kept (merged like kumod) but not evaluated.
"""

from __future__ import annotations

from typing import Any, Callable

import attrs

from kumocheck.extras.merge import items, lua_type_name
from kumocheck.extras.objects import object_problem
from kumocheck.extras.origins import HelperError, OTable, Origin, copy_tree
from kumocheck.values import throttle

__all__ = ["Shaping", "PartialEntry", "ProviderEntry", "load", "get_egress_path_config", "MERGED_MAPS"]

MERGED_MAPS = ("additional_connection_limits", "additional_message_rate_throttles", "additional_source_selection_rates")
MxLookup = Callable[[str], Any]  # domain -> an object with .site_name and .hosts, or raise HelperError


def table_merge_from(target: OTable, source: Any) -> None:
    """toml_table_merge_from: keys replaced whole, but the additional_* maps merge."""
    for key, value, origin in items(source):
        existing = target.get(key)
        if key in MERGED_MAPS and isinstance(existing, dict) and isinstance(value, dict):
            if not isinstance(existing, OTable):
                existing = OTable(existing)
                target.put(key, existing, target.origins.get(key))
            for inner, item, inner_origin in items(value):
                existing.put(inner, copy_tree(item), inner_origin)
        else:
            target.put(key, copy_tree(value), origin)


def _merge_sources(sources: dict, others: dict) -> None:
    """Per-source tables merge key by key; new sources are added."""
    for source, table in others.items():
        if source in sources:
            table_merge_from(sources[source], table)
        else:
            sources[source] = copy_tree(table)


@attrs.define
class PartialEntry:
    params: OTable = attrs.Factory(OTable)
    sources: dict = attrs.Factory(dict)  # source -> OTable
    automation: list = attrs.Factory(list)
    replace_base: bool = False
    mx_rollup: bool = True
    origin: Origin | None = None

    def merge_from(self, other: "PartialEntry") -> None:
        if other.replace_base:
            self.params = copy_tree(other.params)
            self.sources = {k: copy_tree(v) for k, v in other.sources.items()}
            self.automation = list(other.automation)
            return
        table_merge_from(self.params, other.params)
        _merge_sources(self.sources, other.sources)
        self.automation.extend(other.automation)

    def clone(self) -> "PartialEntry":
        return PartialEntry(copy_tree(self.params), {k: copy_tree(v) for k, v in self.sources.items()},
                            list(self.automation), self.replace_base, self.mx_rollup, self.origin)


@attrs.define
class ProviderEntry:
    name: str
    matches: list = attrs.Factory(list)  # [(kind, text)]
    connection_limit: str | None = None
    max_message_rate: str | None = None
    params: OTable = attrs.Factory(OTable)
    sources: dict = attrs.Factory(dict)
    automation: list = attrs.Factory(list)
    replace_base: bool = False
    origin: Origin | None = None

    def merge_from(self, other: "ProviderEntry") -> None:
        if other.replace_base:
            self.connection_limit = other.connection_limit
            self.matches = list(other.matches)
            self.params = copy_tree(other.params)
            self.sources = {k: copy_tree(v) for k, v in other.sources.items()}
            self.automation = list(other.automation)
            return
        if other.connection_limit is not None:
            self.connection_limit = other.connection_limit
        table_merge_from(self.params, other.params)
        _merge_sources(self.sources, other.sources)
        self.matches.extend(other.matches)
        self.automation.extend(other.automation)

    def domain_matches(self, domain: str, lookup_mx: MxLookup) -> bool:
        need_mx = False
        for kind, text in self.matches:
            if kind == "DomainSuffix":
                if _suffix_matches(domain, text):
                    return True
            else:
                need_mx = True
        if not need_mx:
            return False
        try:
            mx = lookup_mx(domain)
        except HelperError as exc:
            if type(exc).__name__ == "DnsUnavailable":
                raise
            return False
        for host in mx.hosts:
            if not any(
                (kind == "MXSuffix" and _suffix_matches(host, text)) or (kind == "HostName" and host.removesuffix(".") == text)
                for kind, text in self.matches
            ):
                return False
        return True

    def apply_params_to(self, source: str, target: OTable) -> None:
        implied = OTable()
        here = Origin(self.origin.file if self.origin else None, self.origin.line if self.origin else None,
                      self.origin.table if self.origin else "", "")
        implied.put("provider_name", self.name, here)
        if self.connection_limit is not None:
            implied.put("additional_connection_limits", OTable({f"shaping-provider-{self.name}-{source}-limit": self.connection_limit}), here)
        if self.max_message_rate is not None:
            implied.put("additional_message_rate_throttles", OTable({f"shaping-provider-{self.name}-{source}-rate": self.max_message_rate}), here)
        if "provider_source_selection_rate" in target:
            rate, rate_origin = target["provider_source_selection_rate"], target.origins.get("provider_source_selection_rate")
            target.drop("provider_source_selection_rate")
            implied.put("additional_source_selection_rates",
                        OTable({f"shaping-provider-{self.name}-{source}-selection-rate": rate}), rate_origin)
        for key, table in implied.items():
            if isinstance(table, OTable):
                for inner in table:
                    table.origins[inner] = implied.origins.get(key)
        table_merge_from(target, implied)


def _suffix_matches(candidate: str, suffix: str) -> bool:
    return candidate.removesuffix(".").endswith(suffix)


@attrs.define
class Shaping:
    by_domain: dict = attrs.Factory(dict)  # str -> PartialEntry ("default" included)
    by_site: dict = attrs.Factory(dict)
    by_provider: dict = attrs.Factory(dict)
    site_aliases: dict = attrs.Factory(dict)
    warnings: list = attrs.Factory(list)
    errors: list = attrs.Factory(list)


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise HelperError(f"{what}: invalid type: {lua_type_name(value)}, expected a boolean")
    return value


def _automation(value: Any, what: str) -> list:
    if not isinstance(value, list) and not (isinstance(value, dict) and not value):
        raise HelperError(f"{what}: invalid type: automation, expected a sequence")
    return list(value) if isinstance(value, list) else []


def _sources(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise HelperError(f"{what}: invalid type: sources, expected a map")
    out = {}
    for name, table, _o in items(value):
        if not isinstance(table, dict):
            raise HelperError(f"{what}: invalid type: sources.{name}, expected a map")
        out[name] = table if isinstance(table, OTable) else OTable(table)
    return out


def _common_key(entry: Any, key: str, item: Any, what: str) -> bool:
    """replace_base / automation / sources, shared by domain and provider blocks."""
    if key == "replace_base":
        entry.replace_base = _bool(item, what)
    elif key == "automation":
        entry.automation = _automation(item, what)
    elif key == "sources":
        entry.sources = _sources(item, what)
    else:
        return False
    return True


def _partial(value: Any, what: str, origin: Origin | None) -> PartialEntry:
    if not isinstance(value, dict):
        raise HelperError(f"{what}: invalid type: {lua_type_name(value)}, expected a map")
    entry = PartialEntry(origin=getattr(value, "origin", origin))
    for key, item, key_origin in items(value):
        if key == "mx_rollup":
            entry.mx_rollup = _bool(item, what)
        elif not _common_key(entry, key, item, what):
            entry.params.put(key, item, key_origin)
    return entry


def _limit_text(value: Any, what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return str(value)
    if isinstance(value, str):
        text = value.replace(",", "").replace("_", "")
        local = text.startswith("local:")
        number = text[6:] if local else text
        if number.isdigit() and int(number) > 0:
            return ("local:" if local else "") + str(int(number))
    raise HelperError(f"{what}: invalid value for provider_connection_limit: {value!r}")


def _provider(name: str, value: Any, origin: Origin | None) -> ProviderEntry:
    what = f"provider: {name}"
    if not isinstance(value, dict):
        raise HelperError(f"{what}: invalid type: {lua_type_name(value)}, expected a map")
    entry = ProviderEntry(name, origin=getattr(value, "origin", origin))
    for key, item, key_origin in items(value):
        if key == "match":
            if not isinstance(item, list) and not (isinstance(item, dict) and not item):
                raise HelperError(f"{what}: invalid type: match, expected a sequence")
            for rule in (item if isinstance(item, list) else []):
                if not isinstance(rule, dict) or len(rule) != 1:
                    raise HelperError(f"{what}: invalid match rule {rule!r}")
                (kind, text), = rule.items()
                if kind not in ("MXSuffix", "DomainSuffix", "HostName") or not isinstance(text, str):
                    raise HelperError(f"{what}: unknown variant `{kind}`, expected one of `MXSuffix`, `DomainSuffix`, `HostName`")
                entry.matches.append((kind, text))
        elif key == "provider_connection_limit":
            entry.connection_limit = _limit_text(item, what)
        elif key == "provider_max_message_rate":
            if not isinstance(item, str):
                raise HelperError(f"{what}: invalid type: provider_max_message_rate, expected a string")
            try:
                entry.max_message_rate = throttle.format_throttle(throttle.parse_throttle(item))
            except throttle.ThrottleError as exc:
                raise HelperError(f"{what}: {exc}") from None
        elif not _common_key(entry, key, item, what):
            entry.params.put(key, item, key_origin)
    return entry


def _validate(params: OTable, context: str, allow_selection_rate: bool = False) -> None:
    table = {k: v for k, v in params.items() if not (allow_selection_rate and k == "provider_source_selection_rate")}
    problem = object_problem("egress_path", table)
    if problem:
        raise HelperError(f"{context}: {problem}")


def load(documents: list[tuple[str, Any]], lookup_mx: MxLookup) -> Shaping:
    """Merge shaping files (name, parsed OTable or None for an unreadable one) in order."""
    shaping = Shaping()
    files = []
    for name, document in documents:
        if document is None:
            continue
        if not isinstance(document, dict):
            raise HelperError(f"{name}: invalid type: expected a table")
        files.append((name, document))
    for name, document in files:
        for key, value, origin in items(document):
            if key == "provider":
                if not isinstance(value, dict):
                    raise HelperError(f"{name}: invalid type: provider, expected a map")
                for provider, block, block_origin in items(value):
                    entry = _provider(provider, block, block_origin)
                    if provider in shaping.by_provider:
                        shaping.by_provider[provider].merge_from(entry)
                    else:
                        shaping.by_provider[provider] = entry
                continue
            entry = _partial(value, f"{name}: {key}", origin)
            if key == "default":
                target, slot = shaping.by_domain, "default"
            elif entry.mx_rollup:
                try:
                    site = lookup_mx(key).site_name
                except HelperError as exc:
                    shaping.warnings.append(f"{name}: domain {key}: dropped: MX lookup failed: {exc}")
                    continue
                if not site:
                    shaping.warnings.append(f"{name}: domain {key}: dropped: it has a null MX")
                    continue
                shaping.site_aliases.setdefault(site, []).append(key)
                target, slot = shaping.by_site, site
            else:
                target, slot = shaping.by_domain, key
            if slot in target:
                target[slot].merge_from(entry)
            else:
                target[slot] = entry
    for label, table in (("site", shaping.by_site), ("domain", shaping.by_domain)):
        for key, entry in table.items():
            _validate(entry.params, f"{label}: {key}")
            for source, params in entry.sources.items():
                _validate(params, f"{label}: {key}: source {source}")
    for key, entry in shaping.by_provider.items():
        _validate(entry.params, f"provider: {key}")
        for source, params in entry.sources.items():
            _validate(params, f"provider: {key}: source {source}", allow_selection_rate=True)
    return shaping


def _is_domain_name(domain: str) -> bool:
    return bool(domain) and "/" not in domain and not any(c.isspace() for c in domain)


def get_egress_path_config(shaping: Shaping, domain: str, source: str, site_name: str, lookup_mx: MxLookup) -> OTable:
    """The params kumo.shaping's get_egress_path_config returns (origins kept)."""
    params = PartialEntry()
    default = shaping.by_domain.get("default")
    if default is not None:
        params.merge_from(default.clone())
    if _is_domain_name(domain):
        with_sources = []
        for provider in shaping.by_provider.values():
            if provider.domain_matches(domain, lookup_mx):
                table_merge_from(params.params, provider.params)
                provider.apply_params_to(source, params.params)
                if provider.sources:
                    with_sources.append(provider)
        for provider in with_sources:
            table = provider.sources.get(source)
            if table is not None:
                table_merge_from(params.params, table)
                provider.apply_params_to(source, params.params)
    site = shaping.by_site.get(site_name)
    if site is not None:
        params.merge_from(site.clone())
    by_domain = shaping.by_domain.get(domain)
    if by_domain is not None:
        params.merge_from(by_domain.clone())
    if site is not None and source in site.sources:
        table_merge_from(params.params, site.sources[source])
    if by_domain is not None and source in by_domain.sources:
        table_merge_from(params.params, by_domain.sources[source])
    return params.params

