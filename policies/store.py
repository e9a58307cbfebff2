"""The policy store: who may do what, must do what, and may approve how much, per dealer.

One ``PolicyStore`` per process holds an immutable snapshot: a loaded casbin
enforcer plus the rows it came from (override authors and reasons, where each
role grant comes from). Decisions are in memory; the database is read only on
(re)load, never per decision, so checks stay in the microseconds a benchmark
expects. ``listen()`` keeps the snapshot current: membership, assignment and
override changes NOTIFY ``dealernet_policy`` and the store reloads (debounced)
and swaps the snapshot atomically, without a restart. A failed reload keeps the
previous snapshot in force.

Subjects are people (``user:<id>``, roles from memberships and from region or
manufacturer assignments, already expanded per dealer) and partner API keys
(``apikey:<id>``, one role, only in the dealer the key belongs to). A partner
application's key holds no role: the scopes its dealer consented to decide
(``policies/scopes.py``), in its own dealer only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

import asyncpg

from policies.adapter import (
    GrantRow,
    OverrideRow,
    PolicyAdapter,
    PolicyRows,
    api_key_subject,
    dealer_domain,
    fetch_policy_rows,
    grant_rule,
    line_text,
    override_rule,
    user_subject,
)
from policies.catalog import (
    CATALOG_DOMAIN,
    DUTIES,
    DUTY_ACTION,
    LIMITS,
    PERMISSIONS,
    ROLES,
    duty_object,
    role_subject,
)
from policies.enforcer import PolicyEnforcer
from policies.errors import PolicyDenied
from policies.scopes import SCOPES, covered
from tenants.database import connection_config

log = logging.getLogger(__name__)

CHANNEL = "dealernet_policy"
DEBOUNCE_SECONDS = 0.05
"""A change usually comes as several statements (revoke + insert + audit): one reload."""
_DECISION_CACHE_SIZE = 200_000

LineSource = Literal[
    "catalog", "override", "membership", "region", "manufacturer", "api_key", "scope"
]


@dataclass(frozen=True)
class PolicyLine:
    """One line that took part in a decision, in casbin's policy-file form.

    ``text`` is e.g. ``p, role:service_advisor, *, repair_order, create, allow``
    or ``g, user:5, role:service_advisor, dealer:3``. Authority limits are not
    casbin rules; they are shown as ``limit, role:<key>, <domain>, <limit>, <amount>``.
    """

    text: str
    source: LineSource
    role: str
    effect: str | None = None
    override_id: int | None = None
    created_by: int | None = None
    created_at: datetime | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Subject:
    """Who asks: a person, a partner API key bound to one dealer and one role, or a
    partner application's key bound to one dealer and its consented scopes."""

    user_id: int | None = None
    api_key_id: int | None = None
    dealer_id: int | None = None
    """An API key's own dealer (unused for people)."""
    role: str | None = None
    """A role-bound API key's role (unused for people and application keys)."""
    scopes: frozenset[str] | None = None
    """An application key's scopes; they decide instead of a role."""

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.api_key_id is None):
            raise ValueError("a subject is either a user or an API key")
        if self.api_key_id is not None and (
            self.dealer_id is None or (not self.role) == (self.scopes is None)
        ):
            raise ValueError("an API key subject needs its dealer and a role or scopes")

    @classmethod
    def user(cls, user_id: int) -> Subject:
        return cls(user_id=user_id)

    @classmethod
    def api_key(cls, api_key_id: int, dealer_id: int, role: str) -> Subject:
        return cls(api_key_id=api_key_id, dealer_id=dealer_id, role=role)

    @classmethod
    def partner_app_key(cls, api_key_id: int, dealer_id: int, scopes: frozenset[str]) -> Subject:
        return cls(api_key_id=api_key_id, dealer_id=dealer_id, scopes=scopes)

    @property
    def name(self) -> str:
        """The casbin subject."""
        if self.user_id is not None:
            return user_subject(self.user_id)
        assert self.api_key_id is not None
        return api_key_subject(self.api_key_id)


@dataclass(frozen=True)
class RoleGrant:
    role: str
    source: str
    """membership | region | manufacturer | api_key"""
    source_id: int | None
    line: PolicyLine


@dataclass(frozen=True)
class PermissionGrant:
    object: str
    action: str
    lines: list[PolicyLine]


@dataclass(frozen=True)
class DutyGrant:
    duty: str
    lines: list[PolicyLine]


@dataclass(frozen=True)
class LimitGrant:
    limit_key: str
    amount: Decimal
    role: str
    """The role whose limit is the highest of the subject's roles."""
    lines: list[PolicyLine]


@dataclass(frozen=True)
class Explanation:
    allowed: bool
    object: str
    action: str
    decisive: list[PolicyLine]
    """Lines that decided: the denies when denied by a line, else the allows; with
    the ``g`` lines of the roles they name. Empty when nothing granted it."""
    roles: list[RoleGrant]
    reason: str


def _override_line(row: OverrideRow, text: str) -> PolicyLine:
    return PolicyLine(
        text=text,
        source="override",
        role=row.role,
        effect=row.effect,
        override_id=row.id,
        created_by=row.created_by,
        created_at=row.created_at,
        reason=row.reason,
    )


def _limit_text(role: str, domain: str, limit_key: str, amount: Decimal) -> str:
    return f"limit, {role_subject(role)}, {domain}, {limit_key}, {amount}"


class _Snapshot:
    """One consistent load: the enforcer and indexes over the same rows. Never mutated
    after construction except for the decision cache, which only memoizes it."""

    def __init__(self, enforcer: PolicyEnforcer, rows: PolicyRows) -> None:
        self.enforcer = enforcer
        self.rows = rows
        self.loaded_at = datetime.now(UTC)
        grants: defaultdict[tuple[int, int], list[GrantRow]] = defaultdict(list)
        dealer_users: defaultdict[int, set[int]] = defaultdict(set)
        user_dealers: defaultdict[int, set[int]] = defaultdict(set)
        for grant in rows.grants:
            grants[grant.user_id, grant.dealer_id].append(grant)
            dealer_users[grant.dealer_id].add(grant.user_id)
            user_dealers[grant.user_id].add(grant.dealer_id)
        self.grants = dict(grants)
        self.dealer_users = dict(dealer_users)
        self.user_dealers = {user: frozenset(ids) for user, ids in user_dealers.items()}
        self.override_lines: dict[tuple[str, ...], PolicyLine] = {}
        self.limit_overrides: dict[tuple[int, str, str], OverrideRow] = {}
        for row in rows.overrides:
            rule = override_rule(row)
            if rule is not None:
                self.override_lines[rule] = _override_line(row, line_text("p", rule))
            elif row.kind == "limit" and row.amount is not None:
                self.limit_overrides[row.dealer_id, row.role, row.object] = row
        self.decisions: dict[tuple[str, int, str, str], bool] = {}

    def role_grants(self, user_id: int, dealer_id: int) -> list[RoleGrant]:
        return [self._role_grant(g) for g in self.grants.get((user_id, dealer_id), ())]

    @staticmethod
    def _role_grant(grant: GrantRow) -> RoleGrant:
        line = PolicyLine(
            text=line_text("g", grant_rule(grant)),
            source=grant.source,  # type: ignore[arg-type]
            role=grant.role,
        )
        return RoleGrant(grant.role, grant.source, grant.source_id, line)

    def policy_line(self, rule: list[str]) -> PolicyLine:
        key = tuple(rule)
        found = self.override_lines.get(key)
        if found is not None:
            return found
        sub, dom, _obj, _act, eft = rule
        source: LineSource = "catalog" if dom == CATALOG_DOMAIN else "override"
        return PolicyLine(line_text("p", rule), source, sub.removeprefix("role:"), eft)


class PolicyStore:
    """Answers policy questions from an in-memory snapshot; see the module docstring."""

    def __init__(
        self,
        snapshot: _Snapshot,
        fetch: Callable[[], Awaitable[PolicyRows]] = fetch_policy_rows,
    ) -> None:
        self._snapshot = snapshot
        self._fetch = fetch
        self._generation = 1
        self._reload_lock = asyncio.Lock()
        self._dirty = asyncio.Event()
        self._listen_config: dict[str, Any] | None = None
        self._connection: asyncpg.Connection | None = None
        self._worker: asyncio.Task[None] | None = None

    # --- loading -------------------------------------------------------------------

    @staticmethod
    async def _build(fetch: Callable[[], Awaitable[PolicyRows]]) -> _Snapshot:
        adapter = PolicyAdapter(fetch)
        enforcer = PolicyEnforcer(adapter)
        await enforcer.load_policy()
        assert adapter.rows is not None
        return _Snapshot(enforcer, adapter.rows)

    @classmethod
    async def load(
        cls, fetch: Callable[[], Awaitable[PolicyRows]] = fetch_policy_rows
    ) -> PolicyStore:
        """A store loaded from the database (the engine's pool must be started)."""
        return cls(await cls._build(fetch), fetch)

    async def reload(self) -> None:
        """Read the policy again and swap it in; serialized so a slow older read
        never replaces a newer one."""
        async with self._reload_lock:
            snapshot = await self._build(self._fetch)
            self._snapshot = snapshot
            self._generation += 1

    @property
    def enforcer(self) -> PolicyEnforcer:
        return self._snapshot.enforcer

    @property
    def generation(self) -> int:
        """Increments with every successful reload."""
        return self._generation

    @property
    def loaded_at(self) -> datetime:
        return self._snapshot.loaded_at

    def overrides(self, dealer_id: int | None = None) -> list[OverrideRow]:
        """Active overrides as loaded (all dealers, or one)."""
        rows = self._snapshot.rows.overrides
        return [r for r in rows if dealer_id is None or r.dealer_id == dealer_id]

    # --- listening -------------------------------------------------------------------

    async def listen(self, dsn_config: dict[str, Any] | None = None) -> None:
        """LISTEN on ``dealernet_policy`` with a dedicated connection and reload on change.

        Reconnects after losing the connection and then reloads, since notifications
        sent meanwhile are lost.
        """
        if self._worker is not None:
            return
        self._listen_config = dsn_config or connection_config()
        await self._connect()
        self._worker = asyncio.create_task(self._run(), name="policy-store-listener")

    async def stop(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await connection.remove_listener(CHANNEL, self._on_notify)
            await connection.close()

    async def _connect(self) -> None:
        assert self._listen_config is not None
        connection = await asyncpg.connect(**self._listen_config)
        await connection.add_listener(CHANNEL, self._on_notify)
        connection.add_termination_listener(self._on_terminated)
        self._connection = connection

    def _on_notify(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        self._dirty.set()

    def _on_terminated(self, connection: Any) -> None:
        self._dirty.set()  # wakes the worker, which reconnects

    async def _run(self) -> None:
        backoff = 0.5
        while True:
            if self._connection is None or self._connection.is_closed():
                try:
                    await self._connect()
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("policy listener cannot connect (%s); retrying", exc)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 30.0)
                    continue
                self._dirty.set()  # changes may have been missed while disconnected
            await self._dirty.wait()
            await asyncio.sleep(DEBOUNCE_SECONDS)
            self._dirty.clear()
            try:
                await self.reload()
                backoff = 0.5
            except Exception:
                log.exception("policy reload failed; keeping the previous policy")
                self._dirty.set()
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)

    # --- questions -----------------------------------------------------------------

    def roles_of(self, subject: Subject, dealer_id: int) -> list[RoleGrant]:
        """The subject's roles at one dealer, each with where it comes from."""
        if subject.user_id is not None:
            return self._snapshot.role_grants(subject.user_id, dealer_id)
        if subject.dealer_id != dealer_id or subject.role is None:
            return []
        rule = (subject.name, role_subject(subject.role), dealer_domain(dealer_id))
        line = PolicyLine(line_text("g", rule), "api_key", subject.role)
        return [RoleGrant(subject.role, "api_key", subject.api_key_id, line)]

    def dealers_of(self, user_id: int) -> dict[int, list[RoleGrant]]:
        """Every dealer where the person holds a role, e.g. to offer a dealer switcher."""
        snapshot = self._snapshot
        return {
            dealer_id: snapshot.role_grants(user_id, dealer_id)
            for dealer_id in sorted(snapshot.user_dealers.get(user_id, ()))
        }

    def dealer_ids_of(self, user_id: int) -> frozenset[int]:
        """The dealers where the person holds a role: the keys of ``dealers_of`` without
        building every grant. Each request's principal needs it, and manufacturer or
        regional staff hold roles at hundreds of dealers."""
        return self._snapshot.user_dealers.get(user_id, frozenset())

    def _casbin_subject(self, subject: Subject, dealer_id: int) -> str | None:
        """The name to enforce with, or None when the subject has no role there.

        An API key acts as its role itself (casbin's ``g`` holds for a name and
        itself), so it needs no grant rows and cannot reach another dealer.
        """
        if subject.user_id is not None:
            if (subject.user_id, dealer_id) not in self._snapshot.grants:
                return None
            return subject.name
        if subject.dealer_id != dealer_id or subject.role is None:
            return None
        return role_subject(subject.role)

    def allowed(self, subject: Subject, dealer_id: int, object: str, action: str) -> bool:
        """Whether the subject may ``action`` on ``object`` at the dealer. In memory."""
        if subject.scopes is not None:
            return subject.dealer_id == dealer_id and covered(subject.scopes, object, action)
        name = self._casbin_subject(subject, dealer_id)
        if name is None:
            return False
        snapshot = self._snapshot
        key = (name, dealer_id, object, action)
        decision = snapshot.decisions.get(key)
        if decision is None:
            decision = snapshot.enforcer.enforce(name, dealer_domain(dealer_id), object, action)
            if len(snapshot.decisions) >= _DECISION_CACHE_SIZE:
                snapshot.decisions.clear()
            snapshot.decisions[key] = decision
        return decision

    def require(self, subject: Subject, dealer_id: int, object: str, action: str) -> None:
        """``allowed`` or raise ``PolicyDenied``."""
        if not self.allowed(subject, dealer_id, object, action):
            raise PolicyDenied(object, action)

    def _matching_lines(
        self, roles: Iterable[RoleGrant], dealer_id: int, object: str, action: str
    ) -> list[PolicyLine]:
        """The p lines the matcher accepts for these roles: what casbin weighed."""
        snapshot = self._snapshot
        subjects = {role_subject(grant.role) for grant in roles}
        domains = {CATALOG_DOMAIN, dealer_domain(dealer_id)}
        return [
            snapshot.policy_line(rule)
            for rule in snapshot.enforcer.lines_for(object, action)
            if rule[0] in subjects and rule[1] in domains
        ]

    def explain(self, subject: Subject, dealer_id: int, object: str, action: str) -> Explanation:
        """The decision with the lines that made it, for the UI and for support."""
        if subject.scopes is not None:
            return self._explain_scopes(subject, subject.scopes, dealer_id, object, action)
        roles = self.roles_of(subject, dealer_id)
        allowed = self.allowed(subject, dealer_id, object, action)
        what = f"{object}:{action}"
        if not roles:
            if subject.api_key_id is not None:
                reason = (
                    f"denied: API key {subject.api_key_id} belongs to dealer"
                    f" {subject.dealer_id}, not dealer {dealer_id}"
                )
            else:
                reason = f"denied: {subject.name} holds no role at dealer {dealer_id}"
            return Explanation(False, object, action, [], [], reason)
        lines = self._matching_lines(roles, dealer_id, object, action)
        denies = [line for line in lines if line.effect == "deny"]
        allows = [line for line in lines if line.effect == "allow"]
        role_names = ", ".join(sorted({grant.role for grant in roles}))
        if allowed:
            decisive = allows
            reason = f"allowed: {self._describe(allows)} grant {what}"
        elif denies:
            decisive = denies
            reason = f"denied: {self._describe(denies)} deny {what}; a deny outweighs any allow"
        else:
            decisive = []
            reason = f"denied: no role of {subject.name} at dealer {dealer_id} ({role_names})"
            reason += f" grants {what}"
        used = {line.role for line in decisive}
        g_lines = [grant.line for grant in roles if grant.role in used]
        return Explanation(allowed, object, action, decisive + g_lines, roles, reason)

    @staticmethod
    def _explain_scopes(
        subject: Subject, scopes: frozenset[str], dealer_id: int, object: str, action: str
    ) -> Explanation:
        """An application key's decision: which consented scope covers it, if any."""
        what = f"{object}:{action}"
        if subject.dealer_id != dealer_id:
            reason = (
                f"denied: API key {subject.api_key_id} belongs to dealer"
                f" {subject.dealer_id}, not dealer {dealer_id}"
            )
            return Explanation(False, object, action, [], [], reason)
        granting = sorted(
            k for k in scopes if k in SCOPES and covered(frozenset({k}), object, action)
        )
        lines = [
            PolicyLine(f"scope, {subject.name}, {key}, {what}", "scope", "", "allow")
            for key in granting
        ]
        if granting:
            reason = f"allowed: the partner application's scope {', '.join(granting)} covers {what}"
            return Explanation(True, object, action, lines, [], reason)
        held = ", ".join(sorted(scopes)) or "none"
        reason = f"denied: no scope of the partner application ({held}) covers {what}"
        return Explanation(False, object, action, [], [], reason)

    @staticmethod
    def _describe(lines: list[PolicyLine]) -> str:
        parts = []
        for line in lines:
            if line.source == "override":
                parts.append(f"role {line.role} by dealer override #{line.override_id}")
            else:
                parts.append(f"role {line.role} by the catalog")
        return "; ".join(parts)

    def permissions(self, subject: Subject, dealer_id: int) -> list[PermissionGrant]:
        """Every catalog permission the subject holds at the dealer, with its allow lines."""
        if subject.scopes is not None:
            return [
                PermissionGrant(obj, action, self.explain(subject, dealer_id, obj, action).decisive)
                for obj, action in PERMISSIONS
                if self.allowed(subject, dealer_id, obj, action)
            ]
        roles = self.roles_of(subject, dealer_id)
        if not roles:
            return []
        result = []
        for obj, action in PERMISSIONS:
            if self.allowed(subject, dealer_id, obj, action):
                lines = self._matching_lines(roles, dealer_id, obj, action)
                result.append(
                    PermissionGrant(obj, action, [ln for ln in lines if ln.effect == "allow"])
                )
        return result

    def duties(self, subject: Subject, dealer_id: int) -> list[DutyGrant]:
        """The work queues the subject owns at the dealer."""
        roles = self.roles_of(subject, dealer_id)
        if not roles:
            return []
        result = []
        for duty in DUTIES:
            obj = duty_object(duty)
            if self.allowed(subject, dealer_id, obj, DUTY_ACTION):
                lines = self._matching_lines(roles, dealer_id, obj, DUTY_ACTION)
                result.append(DutyGrant(duty, [ln for ln in lines if ln.effect == "allow"]))
        return result

    def holders_of_duty(self, dealer_id: int, duty: str) -> list[int]:
        """People who own a work queue at the dealer (including region and manufacturer
        staff whose role carries it), e.g. to route a new item or flag a vacant queue."""
        if duty not in DUTIES:
            raise ValueError(f"unknown duty {duty!r}")
        obj = duty_object(duty)
        return [
            user_id
            for user_id in sorted(self._snapshot.dealer_users.get(dealer_id, ()))
            if self.allowed(Subject.user(user_id), dealer_id, obj, DUTY_ACTION)
        ]

    def authority_limit(
        self, subject: Subject, dealer_id: int, limit_key: str
    ) -> LimitGrant | None:
        """The highest limit over the subject's roles at the dealer; None if none has one.

        A dealer's override replaces the catalog default for that role (an amount of
        0 withdraws the authority). The limit says how far the role decides alone; the
        feature must still check the permission (e.g. ``quotation:approve``).
        """
        if limit_key not in LIMITS:
            raise ValueError(f"unknown limit {limit_key!r}")
        snapshot = self._snapshot
        best: LimitGrant | None = None
        for grant in self.roles_of(subject, dealer_id):
            override = snapshot.limit_overrides.get((dealer_id, grant.role, limit_key))
            if override is not None and override.amount is not None:
                amount = override.amount
                text = _limit_text(grant.role, dealer_domain(dealer_id), limit_key, amount)
                line = _override_line(override, text)
            else:
                role = ROLES.get(grant.role)
                if role is None or limit_key not in role.limits:
                    continue
                amount = role.limits[limit_key]
                text = _limit_text(grant.role, CATALOG_DOMAIN, limit_key, amount)
                line = PolicyLine(text, "catalog", grant.role, "allow")
            if best is None or amount > best.amount:
                best = LimitGrant(limit_key, amount, grant.role, [line, grant.line])
        return best
