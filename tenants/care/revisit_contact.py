"""The advisor's contact check of a failed revisit round (核实客户信息): the customer could
not be reached, the number was wrong or did not match the record, or the customer
refused. The advisor corrects the numbers (written to the customer, audited) and the
revisit starts a new round at the next call window, or confirms the customer cannot be
reached and the revisit is closed as failed.

Advisors check their own customers' revisits; whoever may reassign revisits (the
front-desk supervisor, the service and CR managers) may check any."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tenants.audit.recorder import record
from tenants.care.call_windows import callable_from
from tenants.care.settings import load_rules
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.service.phones import validate_phone


@dataclass(frozen=True)
class ContactCheckInput:
    phone: str | None = None
    """A corrected phone number; None or blank keeps the customer's."""
    alt_phone: str | None = None
    """A corrected second number; None keeps it, blank clears it."""
    note: str = ""
    confirm_unreachable: bool = False


async def check_contact(
    tx: ActiveTransaction,
    dealer_id: int,
    revisit_id: int,
    given: ContactCheckInput,
    *,
    actor_user_id: int,
    any_revisit: bool,
    now: datetime,
    request_id: str = "",
) -> str:
    """Reopen the revisit for a new round or close it as failed; returns its new status."""
    connection = tx.connection
    revisit = await connection.fetchrow(
        "select r.*, c.phone, c.alt_phone from revisit r join customer c"
        " on c.dealer_id = r.dealer_id and c.id = r.customer_id"
        " where r.dealer_id = $1 and r.id = $2 for update of r, c",
        dealer_id,
        revisit_id,
    )
    if revisit is None:
        raise RecordNotFound(f"Revisit {revisit_id}")
    if not any_revisit and revisit["advisor_user_id"] != actor_user_id:
        raise RuleViolation(
            "revisitId", "not_revisit_advisor", "Only the customer's advisor checks this revisit"
        )
    if revisit["status"] != "contact_check":
        raise RuleViolation(
            "revisitId",
            "revisit_not_in_contact_check",
            f"Revisit {revisit_id} is {revisit['status']}",
            status=revisit["status"],
        )
    phone = validate_phone(given.phone, "phone") if given.phone and given.phone.strip() else None
    alt_phone: str | None = None
    if given.alt_phone is not None:
        alt_phone = validate_phone(given.alt_phone, "altPhone") if given.alt_phone.strip() else ""
    corrected = (phone is not None and phone != revisit["phone"]) or (
        alt_phone is not None and alt_phone != revisit["alt_phone"]
    )
    if given.confirm_unreachable and corrected:
        raise RuleViolation(
            "confirmUnreachable",
            "corrected_contact_is_retried",
            "A corrected number is called again, not given up",
        )

    if corrected:
        new_phone = phone if phone is not None else revisit["phone"]
        new_alt = alt_phone if alt_phone is not None else revisit["alt_phone"]
        await connection.execute(
            "update customer set phone = $3, alt_phone = $4 where dealer_id = $1 and id = $2",
            dealer_id,
            revisit["customer_id"],
            new_phone,
            new_alt,
        )
        await record(
            dealer_id=dealer_id,
            action="customer.correct_contact",
            object_type="customer",
            object_id=revisit["customer_id"],
            before={"phone": revisit["phone"], "alt_phone": revisit["alt_phone"]},
            after={"phone": new_phone, "alt_phone": new_alt, "revisit_id": revisit_id},
            request_id=request_id,
        )

    if given.confirm_unreachable:
        status, next_call = "failed", None
        await connection.execute(
            """
            update revisit set status = 'failed', next_call_at = null, callback_requested = false,
              contact_checked_by = $3, contact_checked_at = $4, contact_note = $5,
              completed_by = $3, completed_at = $4
             where dealer_id = $1 and id = $2
            """,
            dealer_id,
            revisit_id,
            actor_user_id,
            now,
            given.note.strip(),
        )
    else:
        rules = await load_rules(connection, dealer_id)
        status, next_call = "open", callable_from(rules, now)
        await connection.execute(
            """
            update revisit set status = 'open', round = round + 1, unreached = 0,
              failure_reason = null, next_call_at = $6, callback_requested = false,
              contact_checked_by = $3, contact_checked_at = $4, contact_note = $5
             where dealer_id = $1 and id = $2
            """,
            dealer_id,
            revisit_id,
            actor_user_id,
            now,
            given.note.strip(),
            next_call,
        )
    await record(
        dealer_id=dealer_id,
        action="revisit.check_contact",
        object_type="revisit",
        object_id=revisit_id,
        before={
            "status": revisit["status"],
            "round": revisit["round"],
            "failure_reason": revisit["failure_reason"],
        },
        after={
            "status": status,
            "round": revisit["round"] + (0 if given.confirm_unreachable else 1),
            "next_call_at": next_call,
            "phone_corrected": corrected,
            "note": given.note.strip(),
        },
        request_id=request_id,
    )
    return status
