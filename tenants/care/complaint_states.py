"""The complaint's state machine (客户投诉处理流程), as a table: each step names the
statuses it starts from, the status it leaves, and the permission that makes it.

received --route--> routed --agree--> agreed --resolve--> resolved --close--> closed
                       ^  \\--decline (customer says no to the plan)--/        |
                       \\------------------ reopen (customer not satisfied) ---/
received --withdraw--> withdrawn (entered by mistake)

Notes, contacts, rerouting and deadline changes keep the status; every step, kept or
not, leaves one ``complaint_action`` row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tenants.errors import RuleViolation

ComplaintStatus = Literal["received", "routed", "agreed", "resolved", "closed", "withdrawn"]
OPEN_STATUSES: frozenset[str] = frozenset({"received", "routed", "agreed", "resolved"})
"""Statuses in which the ticket still needs work (``resolved`` waits for the customer)."""
PENDING_STATUSES: frozenset[str] = frozenset({"received", "routed", "agreed"})
"""Statuses in which a deadline runs and an overdue ticket escalates."""


@dataclass(frozen=True)
class Step:
    kind: str
    """The ``complaint_action.kind`` the step writes."""
    sources: frozenset[str]
    target: str | None
    """The new status, or None when the status stays."""
    permissions: tuple[str, ...]
    """The ``complaint:<action>`` permissions, any of which makes the step."""


def _step(kind: str, sources: str, target: str | None, permissions: str) -> Step:
    return Step(kind, frozenset(sources.split()), target, tuple(permissions.split()))


STEPS: dict[str, Step] = {
    s.kind: s
    for s in (
        _step("routed", "received", "routed", "route"),
        _step("rerouted", "routed agreed", "routed", "route"),
        _step("deadline_changed", "routed agreed", None, "route"),
        _step("withdrawn", "received", "withdrawn", "route"),
        _step("agreed", "routed", "agreed", "close"),
        _step("customer_declined", "routed agreed", "routed", "close"),
        _step("resolved", "agreed", "resolved", "resolve"),
        _step("reopened", "resolved", "routed", "close"),
        _step("closed", "resolved", "closed", "close"),
        _step("contact", "received routed agreed resolved", None, "create"),
        _step("note", "received routed agreed resolved", None, "create resolve"),
    )
}
"""Every step a person takes; ``received`` (intake) and ``escalated`` (the timer) are
the system's and are not here."""

RESPONSIBLE_MAY = frozenset({"resolved", "note"})
"""Steps the ticket's responsible person takes without the permission (their own ticket)."""


def step(kind: str) -> Step:
    found = STEPS.get(kind)
    if found is None:
        raise ValueError(f"unknown complaint step {kind!r}")
    return found


def check_move(kind: str, current: str) -> str:
    """The status after ``kind`` from ``current``, or the refusal ``complaint_transition``."""
    found = step(kind)
    if current not in found.sources:
        raise RuleViolation(
            "status",
            "complaint_transition",
            f"A {current} complaint cannot be {kind.replace('_', ' ')}",
            fromStatus=current,
            step=kind,
        )
    return found.target or current


def steps_from(current: str) -> list[str]:
    """The steps a ticket in ``current`` allows (the screen offers those the viewer may take)."""
    return [kind for kind, s in STEPS.items() if current in s.sources]
