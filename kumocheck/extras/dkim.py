"""policy-extras.dkim_sign set-up: `[base]`, `[domain.D]` and `[signature.N]` merged and checked.

Signing itself needs keys and kumod, so it is not done offline; `signing_params(data,
domain)` shows what `do_dkim_sign` would sign a message from `domain` with (selector,
headers and key location, each with its origin).
"""

from __future__ import annotations

from typing import Any

import attrs

from kumocheck.extras.domain_map import DomainMap
from kumocheck.extras.merge import items, lua_type_name, merge_into
from kumocheck.extras.origins import HelperError, OTable, Origin

__all__ = ["DkimData", "load", "signing_params"]

_COMMON = {
    "selector": "string", "headers": "list", "expiration": "number", "header_canonicalization": "string",
    "body_canonicalization": "string", "over_sign": "boolean",
}
_FIELDS = {
    "base": {**_COMMON, "vault_mount": "string", "vault_path_prefix": "string", "additional_signatures": "list",
             "policy": ("Always",)},
    "domain": {**_COMMON, "policy": ("Always",), "algo": ("sha256", "ed25519"), "filename": "string"},
    "signature": {**_COMMON, "policy": ("Always", "OnlyIfMissingDomainBlock"), "algo": ("sha256", "ed25519"),
                  "filename": "string", "domain": "string"},
}
_RECORD = {"base": "DkimSignConfig.Base", "domain": "DkimSignConfig.Domain", "signature": "DkimSignConfig.Signature"}


@attrs.define
class DkimData:
    base: OTable
    domains: DomainMap
    raw_domains: OTable
    signatures: OTable


def _check(section: str, params: Any) -> None:
    record = _RECORD[section]
    if not isinstance(params, dict):
        raise HelperError(f"{record}: expected a table, got {lua_type_name(params)}")
    for key, value, _o in items(params):
        kind = _FIELDS[section].get(key)
        if kind is None:
            raise HelperError(f"{record}: unknown field '{key}'")
        if isinstance(kind, tuple):
            ok = value in kind
        elif kind == "list":
            ok = isinstance(value, (list, dict)) and all(isinstance(v, str) for k, v, _o in items(value) if isinstance(k, int))
        else:
            ok = lua_type_name(value) == kind
        if not ok:
            raise HelperError(f"{record}: invalid value for field '{key}'")
    if section == "signature" and "domain" not in params:
        raise HelperError(f"{record}: missing value for field 'domain' of type 'string'")


def _load_one(data: Any, target: DkimData, name: str) -> None:
    if not isinstance(data, dict):
        raise HelperError(f"reading data from file '{name}': DkimSignConfig: expected a table")
    try:
        for key in data:
            if key not in ("base", "domain", "signature"):
                raise HelperError(f"DkimSignConfig: unknown field '{key}'")
        if data.get("base") is not None:
            _check("base", data["base"])
        for section in ("domain", "signature"):
            for _name, params, _o in items(data.get(section) or {}):
                _check(section, params)
    except HelperError as exc:
        raise HelperError(f"reading data from file '{name}': {exc}'") from None
    if data.get("base"):
        merge_into(data["base"], target.base)
    for section, into in (("domain", target.raw_domains), ("signature", target.signatures)):
        for key, params, origin in items(data.get(section) or {}):
            if key not in into:
                into.put(key, params, origin)
            else:
                merge_into(params, into[key])


def load(documents: list[Any], names: list[str] | None = None) -> DkimData:
    """Merge the DKIM data files in load order and run the helper's load-time checks."""
    data = DkimData(OTable(), DomainMap(), OTable(), OTable())
    for index, document in enumerate(documents):
        _load_one(document, data, (names or [])[index] if names and index < len(names) else "(inline table)")
    for _k, name, _o in items(data.base.get("additional_signatures") or []):
        if name not in data.signatures:
            raise HelperError(
                f"dkim policy lists base.additional_signature '{name}' but that signature is not defined in any signature block"
            )
    for domain, params in data.raw_domains.items():
        if not data.base.get("selector") and not params.get("selector"):
            raise HelperError(
                f"dkim domain '{domain}' is missing a selector and no default selector is defined in base"
            )
    data.domains = DomainMap((str(k), v) for k, v in data.raw_domains.items())
    return data


def signing_params(data: DkimData, domain: str) -> OTable | None:
    """The domain signature do_dkim_sign would make for a From domain (None: no block)."""
    params = data.domains.get(domain)
    if params is None:
        return None
    out = OTable()
    out.put("domain", domain, None)
    for key in ("selector", "expiration", "headers", "header_canonicalization", "body_canonicalization", "over_sign"):
        value = params.get(key) or data.base.get(key)
        if value is not None and value is not False:
            source = params if params.get(key) else data.base
            out.put(key, value, source.origins.get(key))
    selector = out.get("selector")
    if data.base.get("vault_mount"):
        prefix = data.base.get("vault_path_prefix") or "dkim"
        out.put("key", {"vault_mount": data.base["vault_mount"],
                        "vault_path": params.get("filename") or f"{prefix}/{domain}/{selector}"}, None)
    else:
        out.put("key", params.get("filename") or f"/opt/kumomta/etc/dkim/{domain}/{selector}.key",
                params.origins.get("filename") if isinstance(params, OTable) else None)
    out.put("algo", params.get("algo") or "sha256", Origin(None, None, "", "helper default") if not params.get("algo") else params.origins.get("algo"))
    return out
