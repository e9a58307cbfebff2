"""Read-only casbin adapter: the catalog, the dealers' overrides and the grants.

Policy is data in three places: the role catalog in code (``policies.catalog``),
active dealer overrides (table ``policy_override``) and who holds which role where
(memberships and manufacturer assignments, expanded per dealer by
``dealernet_grants()``). This adapter turns them into casbin lines. It never
writes: every change goes through ``policies.overrides`` so it is validated and
audited, and the database NOTIFY makes every policy store reload.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NoReturn

from casbin.model import Model
from casbin.persist.adapters.asyncio import AsyncAdapter, AsyncBatchAdapter, AsyncUpdateAdapter

from policies.catalog import (
    CATALOG_DOMAIN,
    DUTY_ACTION,
    ROLES,
    catalog_policy_lines,
    duty_object,
    role_subject,
)
from tenants.database import network_transaction

log = logging.getLogger(__name__)

Rule = tuple[str, ...]


def dealer_domain(dealer_id: int) -> str:
    return f"dealer:{dealer_id}"


def user_subject(user_id: int) -> str:
    return f"user:{user_id}"


def api_key_subject(api_key_id: int) -> str:
    return f"apikey:{api_key_id}"


@dataclass(frozen=True)
class OverrideRow:
    """An active row of ``policy_override``."""

    id: int
    dealer_id: int
    role: str
    kind: str
    object: str
    action: str
    effect: str
    amount: Decimal | None
    reason: str
    created_by: int
    created_at: datetime

    @classmethod
    def from_record(cls, record: Any) -> OverrideRow:
        return cls(**{name: record[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class GrantRow:
    """One role of one user at one dealer, and where it comes from."""

    user_id: int
    dealer_id: int
    role: str
    source: str
    """membership | region | manufacturer"""
    source_id: int

    @classmethod
    def from_record(cls, record: Any) -> GrantRow:
        return cls(**{name: record[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class PolicyRows:
    """Everything one load read from the database, kept for explanations."""

    overrides: tuple[OverrideRow, ...]
    grants: tuple[GrantRow, ...]


async def fetch_policy_rows() -> PolicyRows:
    """Read active overrides and all grants past RLS (definer functions), in one transaction."""
    async with network_transaction(fresh=True) as tx:
        overrides = await tx.connection.fetch("select * from dealernet_active_policy_overrides()")
        grants = await tx.connection.fetch(
            "select user_id, dealer_id, role, source, source_id from dealernet_grants()"
        )
    return PolicyRows(
        tuple(OverrideRow.from_record(r) for r in overrides),
        tuple(GrantRow.from_record(r) for r in grants),
    )


def override_rule(row: OverrideRow) -> Rule | None:
    """The p rule of an override; limits are not casbin rules (None)."""
    if row.kind == "permission":
        obj, action = row.object, row.action
    elif row.kind == "duty":
        obj, action = duty_object(row.object), DUTY_ACTION
    else:
        return None
    return (role_subject(row.role), dealer_domain(row.dealer_id), obj, action, row.effect)


def grant_rule(row: GrantRow) -> Rule:
    return (user_subject(row.user_id), role_subject(row.role), dealer_domain(row.dealer_id))


def line_text(ptype: str, rule: Iterable[str]) -> str:
    """The casbin policy-file form, e.g. ``p, role:cashier, *, settlement, collect, allow``."""
    return ", ".join((ptype, *rule))


class ReadOnlyPolicyError(RuntimeError):
    """Raised by every write through the enforcer."""

    def __init__(self) -> None:
        super().__init__(
            "the policy enforcer is read-only: change policy through policies.overrides"
            " (set_override / revoke_override), which validates and audits the change"
        )


class PolicyAdapter(AsyncAdapter, AsyncBatchAdapter, AsyncUpdateAdapter):
    """Loads catalog + overrides + grants; refuses every write."""

    def __init__(self, fetch: Callable[[], Awaitable[PolicyRows]] = fetch_policy_rows) -> None:
        self._fetch = fetch
        self.rows: PolicyRows | None = None
        """The rows of the last successful load, for the store's metadata."""

    async def load_policy(self, model: Model) -> None:
        rows = await self._fetch()
        # Append directly, as casbin's own file adapter does: Model.add_policy keeps
        # a position map that is quadratic on the indexed (FastModel) policy.
        p_rules = model.model["p"]["p"].policy
        g_rules = model.model["g"]["g"].policy
        for rule in catalog_policy_lines():
            p_rules.append(list(rule))
        for override in rows.overrides:
            override_line = override_rule(override)
            if override_line is not None:
                p_rules.append(list(override_line))
        unknown: set[str] = set()
        for grant in rows.grants:
            if grant.role not in ROLES:
                unknown.add(grant.role)
            g_rules.append(list(grant_rule(grant)))
        if unknown:
            log.warning("grants of roles the catalog does not know: %s", sorted(unknown))
        self.rows = rows

    def _refuse(self) -> NoReturn:
        raise ReadOnlyPolicyError()

    async def save_policy(self, model: Model) -> bool:
        self._refuse()

    async def add_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        self._refuse()

    async def add_policies(self, sec: str, ptype: str, rules: list[list[str]]) -> bool:
        self._refuse()

    async def remove_policy(self, sec: str, ptype: str, rule: list[str]) -> bool:
        self._refuse()

    async def remove_policies(self, sec: str, ptype: str, rules: list[list[str]]) -> bool:
        self._refuse()

    async def remove_filtered_policy(
        self, sec: str, ptype: str, field_index: int, *field_values: str
    ) -> bool:
        self._refuse()

    async def update_policy(
        self, sec: str, ptype: str, old_rule: list[str], new_policy: list[str]
    ) -> bool:
        self._refuse()

    async def update_policies(
        self, sec: str, ptype: str, old_rules: list[list[str]], new_rules: list[list[str]]
    ) -> bool:
        self._refuse()

    async def update_filtered_policies(
        self, sec: str, ptype: str, new_rules: list[list[str]], field_index: int, *field_values: str
    ) -> bool:
        self._refuse()


__all__ = [
    "CATALOG_DOMAIN",
    "GrantRow",
    "OverrideRow",
    "PolicyAdapter",
    "PolicyRows",
    "ReadOnlyPolicyError",
    "api_key_subject",
    "dealer_domain",
    "fetch_policy_rows",
    "grant_rule",
    "line_text",
    "override_rule",
    "user_subject",
]
