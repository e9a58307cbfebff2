"""What a person may consent to on the dealer's behalf: only scopes whose permissions
they hold themselves at that dealer, so a partner never becomes a way around the
policy (no escalation through a partner)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from policies.scopes import PERSONAL_DATA, SCOPES, WEBHOOKS, unknown_scopes
from tenants.partners.errors import ScopeNotGrantable, UnknownScope

Allowed = Callable[[str, str], bool]
"""``(object, action) -> bool``: the granting person's decision at the dealer."""

GRANTER_NEEDS: Mapping[str, frozenset[tuple[str, str]]] = MappingProxyType(
    {
        # The flag-like scopes cover no permission; who may hand them out still matters.
        PERSONAL_DATA: frozenset({("customer", "read")}),
        WEBHOOKS: frozenset({("api_key", "manage")}),
    }
)


def granter_needs(scope: str) -> frozenset[tuple[str, str]]:
    return SCOPES[scope].permissions | GRANTER_NEEDS.get(scope, frozenset())


def normalized(scopes: Iterable[str]) -> list[str]:
    """Sorted, without duplicates; unknown keys refused (UNKNOWN_SCOPE)."""
    keys = sorted({s.strip() for s in scopes if s.strip()})
    unknown = unknown_scopes(keys)
    if unknown:
        raise UnknownScope(unknown)
    return keys


def check_grant(added: Iterable[str], allowed: Allowed) -> None:
    """Refuse (SCOPE_NOT_GRANTABLE) scopes the person could not exercise themselves.
    Only newly added scopes are checked: taking scopes away needs no such standing."""
    missing: dict[str, list[str]] = {}
    for scope in sorted(set(added)):
        lacking = sorted(f"{o}:{a}" for o, a in granter_needs(scope) if not allowed(o, a))
        if lacking:
            missing[scope] = lacking
    if missing:
        raise ScopeNotGrantable(missing)
