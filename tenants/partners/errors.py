"""Refusals around partner applications, each with a stable code for API clients."""

from __future__ import annotations

from tenants.errors import ServiceError


class UnknownScope(ServiceError):
    """A scope key that is not in the catalog (``policies/scopes.py``)."""

    code = "UNKNOWN_SCOPE"

    def __init__(self, keys: list[str]) -> None:
        super().__init__(f"Unknown scope(s): {', '.join(keys)}", field="scopes", scopes=keys)


class ScopeNotGrantable(ServiceError):
    """The granting person lacks a permission the scope covers: consenting on the
    dealer's behalf must not hand a partner more than the person may do."""

    code = "SCOPE_NOT_GRANTABLE"

    def __init__(self, missing: dict[str, list[str]]) -> None:
        detail = "; ".join(f"{scope} needs {', '.join(perms)}" for scope, perms in missing.items())
        super().__init__(
            f"You cannot grant what you do not hold yourself: {detail}",
            field="scopes",
            scopes=sorted(missing),
            missingPermissions=sorted({p for perms in missing.values() for p in perms}),
        )


class PartnerAppNameTaken(ServiceError):
    code = "PARTNER_APP_NAME_TAKEN"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"This dealer already has a partner application named {name!r}", field="name"
        )


class PartnerAppDisabled(ServiceError):
    """Keys cannot be issued for a disabled application; enable it first."""

    code = "PARTNER_APP_DISABLED"

    def __init__(self) -> None:
        super().__init__("The partner application is disabled; enable it first")
