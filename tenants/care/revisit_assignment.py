"""Reassigning revisits by hand (a caller is ill, a desk is rebalanced): only to someone
who owns a revisit queue at the dealer (``revisit_calls`` or ``customer_group``), and
only revisits still to be called or checked. The revisit moves to the queue of the
duty the new assignee holds (the desk when both). One statement moves them all and
audits each; the permission (``revisit:assign``) is the caller's to check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from policies.store import PolicyStore
from tenants.care.revisit_generation import DESK_DUTY, ONE_TO_ONE_DUTY
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation

REASSIGNABLE = ("open", "contact_check")
MAX_PER_CALL = 200


@dataclass(frozen=True)
class Reassigned:
    revisit_id: int
    duty: str
    assignee_user_id: int


def assignee_duty(policies: PolicyStore, dealer_id: int, user_id: int) -> str:
    """The revisit queue ``user_id`` owns at the dealer; refused when none."""
    for duty in (DESK_DUTY, ONE_TO_ONE_DUTY):
        if user_id in policies.holders_of_duty(dealer_id, duty):
            return duty
    raise RuleViolation(
        "assigneeId",
        "assignee_without_revisit_duty",
        "The assignee must make follow-up calls here (revisit_calls or customer_group)",
    )


def revisit_callers(policies: PolicyStore, dealer_id: int) -> list[int]:
    """Everyone who may be given revisits at the dealer, by user id."""
    return sorted(
        set(policies.holders_of_duty(dealer_id, DESK_DUTY))
        | set(policies.holders_of_duty(dealer_id, ONE_TO_ONE_DUTY))
    )


_REASSIGN_SQL = """
with locked as (
  select r.id, r.duty, r.assignee_user_id
    from revisit r
   where r.dealer_id = $1 and r.id = any($2::bigint[])
), moved as (
  update revisit r set assignee_user_id = $3, duty = $4
    from locked l
   where r.dealer_id = $1 and r.id = l.id
  returning r.id, l.duty as duty_before, l.assignee_user_id as assignee_before
), audit as (
  insert into audit_entry (dealer_id, actor_user_id, action, object_type, object_id,
                           before, after, request_id)
  select $1, $5, 'revisit.reassign', 'revisit', m.id::text,
         jsonb_build_object('duty', m.duty_before, 'assignee_user_id', m.assignee_before),
         jsonb_build_object('duty', $4::text, 'assignee_user_id', $3::bigint),
         $6
    from moved m
)
select id from moved order by id
"""


async def reassign_revisits(
    tx: ActiveTransaction,
    dealer_id: int,
    revisit_ids: Sequence[int],
    assignee_user_id: int,
    policies: PolicyStore,
    *,
    request_id: str = "",
) -> list[Reassigned]:
    """Give the revisits to ``assignee_user_id``; all of them or none."""
    ids = sorted(set(revisit_ids))
    if not ids:
        raise RuleViolation("revisitIds", "required", "Name the revisits to reassign")
    if len(ids) > MAX_PER_CALL:
        raise RuleViolation("revisitIds", "too_many", f"At most {MAX_PER_CALL} at once")
    duty = assignee_duty(policies, dealer_id, assignee_user_id)
    connection = tx.connection
    found = await connection.fetch(
        "select id, status from revisit where dealer_id = $1 and id = any($2::bigint[])"
        " order by id for update",
        dealer_id,
        ids,
    )
    if len(found) != len(ids):
        raise RecordNotFound("Revisit")
    if any(r["status"] not in REASSIGNABLE for r in found):
        raise RuleViolation(
            "revisitIds",
            "revisit_not_open",
            "Only revisits still to call or to check can be reassigned",
        )
    moved = await connection.fetch(
        _REASSIGN_SQL, dealer_id, ids, assignee_user_id, duty, tx.scope.user_id, request_id
    )
    return [Reassigned(r["id"], duty, assignee_user_id) for r in moved]
