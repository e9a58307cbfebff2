"""Building a warranty claim (索赔申请) from a repair order's warranty lines, and
editing it while it is a draft or returned for correction.

One claim per order and fault (fault code); a repair-order line belongs to at most one
live claim. Claim lines copy the order line's work at the manufacturer's prices: its
labour rate (the dealer's line price when the policy names none) for the hours on the
line, next to the operation's standard hours from the catalog; parts at list price
plus the policy's handling markup. Goodwill is never chosen here: it is the service
manager's determination (``determine_goodwill``), made by someone other than the
preparer. Every change is audited in the caller's transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from policies.segregation import ensure_not_requester
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.claim_numbers import next_claim_number
from tenants.warranty.claim_status import EDITABLE, transition
from tenants.warranty.terms import manufacturer_of

PREPARED_TYPES = frozenset({"standard", "first_service", "campaign"})
"""Types the claims specialist chooses; goodwill only comes from a determination."""

FAULT_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,31}$")
MAX_TEXT = 4000

_ORDER_LOCK_CLASS = 0x5743_4F52  # "WCOR": claims being built from one order queue


@dataclass(frozen=True)
class NewClaim:
    order_id: int
    line_ids: tuple[int, ...]
    fault_code: str
    claim_type: str = "standard"
    campaign_id: int | None = None
    fault_date: date | None = None
    """Defaults to the day the order was opened."""
    complaint: str | None = None
    """Defaults to the customer's description on the order."""
    cause: str = ""
    correction: str = ""
    causal_part_id: int | None = None


@dataclass(frozen=True)
class ClaimChanges:
    """Fields to change; None leaves a field as it is."""

    fault_code: str | None = None
    fault_date: date | None = None
    complaint: str | None = None
    cause: str | None = None
    correction: str | None = None
    causal_part_id: int | None = None
    clear_causal_part: bool = False
    claim_type: str | None = None
    campaign_id: int | None = None


async def dealer_today(connection: asyncpg.Connection, dealer_id: int) -> date:
    """Today in the dealer's own calendar (a claim's dates are the dealer's)."""
    today: date = await connection.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", dealer_id
    )
    return today


def _fault_code(value: str) -> str:
    code = value.strip().upper()
    if not FAULT_CODE.match(code):
        raise RuleViolation(
            "faultCode",
            "fault_code_format",
            "A fault code is 1 to 32 letters, digits, '.', '_', '/' or '-'",
        )
    return code


def _text(field_name: str, value: str) -> str:
    text = value.strip()
    if len(text) > MAX_TEXT:
        raise RuleViolation(field_name, "too_long", f"At most {MAX_TEXT} characters")
    return text


async def _lock_claim(connection: asyncpg.Connection, dealer_id: int, claim_id: int) -> Any:
    row = await connection.fetchrow(
        "select * from warranty_claim where dealer_id = $1 and id = $2 for update",
        dealer_id,
        claim_id,
    )
    if row is None:
        raise RecordNotFound("Warranty claim")
    return row


def _ensure_editable(claim: Any) -> None:
    if claim["status"] not in EDITABLE:
        raise RuleViolation(
            "claim",
            "claim_not_editable",
            f"A {claim['status']} claim cannot be changed; only drafts and claims returned"
            " for correction can",
            status=claim["status"],
        )


async def _lock_order(connection: asyncpg.Connection, order_id: int) -> None:
    """Claims of one order are built one at a time (line and fault uniqueness)."""
    await connection.execute(
        "select pg_advisory_xact_lock($1, ($2 % 2147483647)::int)", _ORDER_LOCK_CLASS, order_id
    )


async def _check_campaign(
    connection: asyncpg.Connection,
    dealer_id: int,
    claim_type: str,
    campaign_id: int | None,
    vin: str,
) -> None:
    if claim_type != "campaign":
        if campaign_id is not None:
            raise RuleViolation(
                "campaignId", "campaign_claims_only", "Only campaign claims name a campaign"
            )
        return
    if campaign_id is None:
        raise RuleViolation("campaignId", "campaign_required", "Name the recall or campaign")
    manufacturer = await manufacturer_of(connection, dealer_id)
    listed = await connection.fetchval(
        "select 1 from campaign c join campaign_vehicle cv on cv.campaign_id = c.id"
        " where c.id = $1 and c.manufacturer_id = $2 and cv.vin = $3 and c.status = 'open'",
        campaign_id,
        manufacturer,
        vin,
    )
    if listed is None:
        raise RuleViolation(
            "campaignId",
            "campaign_not_for_vehicle",
            "The campaign is not open for this vehicle's VIN",
        )


async def _check_part(connection: asyncpg.Connection, dealer_id: int, part_id: int) -> None:
    manufacturer = await manufacturer_of(connection, dealer_id)
    found = await connection.fetchval(
        "select 1 from part where id = $1 and manufacturer_id = $2", part_id, manufacturer
    )
    if found is None:
        raise RuleViolation("causalPartId", "unknown_part", "Not a part of this manufacturer")


async def _check_lines(
    connection: asyncpg.Connection,
    dealer_id: int,
    order_id: int,
    line_ids: tuple[int, ...],
    *,
    except_claim_id: int | None = None,
) -> None:
    """The lines are this order's approved warranty work and in no other live claim."""
    if not line_ids:
        raise RuleViolation("lineIds", "lines_required", "Choose the order's warranty lines")
    rows = await connection.fetch(
        """
        select l.id, l.repair_order_id, l.pay_type, l.status,
               (select c.number from warranty_claim_line cl
                  join warranty_claim c on c.dealer_id = cl.dealer_id and c.id = cl.claim_id
                 where cl.dealer_id = l.dealer_id and cl.repair_order_line_id = l.id
                   and c.status <> 'cancelled' and c.id is distinct from $3
                 limit 1) as claimed_by
          from repair_order_line l
         where l.dealer_id = $1 and l.id = any($2::bigint[])
        """,
        dealer_id,
        list(line_ids),
        except_claim_id,
    )
    found = {row["id"]: row for row in rows}
    for line_id in line_ids:
        row = found.get(line_id)
        if row is None or row["repair_order_id"] != order_id:
            raise RuleViolation(
                "lineIds", "line_not_on_order", "A line is not on this order", lineId=line_id
            )
        if row["pay_type"] != "warranty":
            raise RuleViolation(
                "lineIds",
                "line_not_warranty",
                "Only lines paid by warranty can be claimed",
                lineId=line_id,
            )
        if row["status"] in ("declined", "cancelled", "proposed"):
            raise RuleViolation(
                "lineIds",
                "line_not_approved",
                "Only work the customer approved can be claimed",
                lineId=line_id,
            )
        if row["claimed_by"] is not None:
            raise RuleViolation(
                "lineIds",
                "line_already_claimed",
                f"A line is already claimed in {row['claimed_by']}",
                lineId=line_id,
                claimNumber=row["claimed_by"],
            )


async def _insert_lines(
    connection: asyncpg.Connection, dealer_id: int, claim_id: int, line_ids: tuple[int, ...]
) -> None:
    await connection.execute(
        """
        insert into warranty_claim_line (dealer_id, claim_id, repair_order_line_id, kind,
               operation_id, part_id, description, quantity, hours, standard_hours,
               unit_price, amount)
        select l.dealer_id, $2, l.id, case when l.kind = 'labour' then 'labour' else 'part' end,
               l.operation_id, l.part_id,
               coalesce(nullif(l.description, ''), op.name, p.name, ''),
               l.quantity, l.hours, op.standard_hours, price.unit_price,
               round(price.unit_price * l.quantity * coalesce(l.hours, 1), 2)
          from repair_order_line l
          join dealer d on d.id = l.dealer_id
          join region r on r.id = d.region_id
          left join warranty_policy wp on wp.manufacturer_id = r.manufacturer_id
          left join labour_operation op on op.id = l.operation_id
          left join part p on p.id = l.part_id
         cross join lateral (
           select case
                    when l.kind = 'labour' then coalesce(nullif(wp.labour_rate, 0), l.unit_price)
                    when p.id is not null
                      then round(p.list_price * (1 + coalesce(wp.parts_markup, 0)), 2)
                    else l.unit_price
                  end as unit_price
         ) price
         where l.dealer_id = $1 and l.id = any($3::bigint[])
         order by l.id
        """,
        dealer_id,
        claim_id,
        list(line_ids),
    )


async def _total(connection: asyncpg.Connection, dealer_id: int, claim_id: int) -> Decimal:
    total: Decimal = await connection.fetchval(
        """
        update warranty_claim c
           set requested_amount = coalesce((select sum(amount) from warranty_claim_line l
                                             where l.dealer_id = c.dealer_id
                                               and l.claim_id = c.id), 0)
         where c.dealer_id = $1 and c.id = $2
        returning requested_amount
        """,
        dealer_id,
        claim_id,
    )
    return total


async def create_claim(
    tx: ActiveTransaction, dealer_id: int, new: NewClaim, *, request_id: str = ""
) -> int:
    """A draft claim of the order's chosen warranty lines; returns its id."""
    if new.claim_type not in PREPARED_TYPES:
        raise RuleViolation(
            "claimType",
            "goodwill_needs_determination",
            "Goodwill is the service manager's determination on a prepared claim",
        )
    fault_code = _fault_code(new.fault_code)
    connection = tx.connection
    await _lock_order(connection, new.order_id)
    order = await connection.fetchrow(
        """
        select o.id, o.status, o.mileage_in, o.customer_description, o.vehicle_id, v.vin,
               (o.opened_at at time zone d.time_zone)::date as opened_on
          from repair_order o
          join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
          join dealer d on d.id = o.dealer_id
         where o.dealer_id = $1 and o.id = $2
        """,
        dealer_id,
        new.order_id,
    )
    if order is None:
        raise RecordNotFound("Repair order")
    if order["status"] == "cancelled":
        raise RuleViolation("orderId", "order_cancelled", "The order was cancelled")
    if order["mileage_in"] is None:
        raise RuleViolation("orderId", "mileage_required", "Record the mileage on the order first")
    await _check_campaign(connection, dealer_id, new.claim_type, new.campaign_id, order["vin"])
    if new.causal_part_id is not None:
        await _check_part(connection, dealer_id, new.causal_part_id)
    fault_date = new.fault_date or order["opened_on"]
    if fault_date > await dealer_today(connection, dealer_id):
        raise RuleViolation("faultDate", "fault_date_in_future", "The fault date is in the future")
    await _check_lines(connection, dealer_id, new.order_id, new.line_ids)
    number = await next_claim_number(connection, dealer_id)
    complaint = new.complaint if new.complaint is not None else order["customer_description"]
    try:
        claim_id: int = await connection.fetchval(
            """
            insert into warranty_claim (dealer_id, number, repair_order_id, vehicle_id, vin,
                   mileage, claim_type, campaign_id, fault_code, fault_date, complaint, cause,
                   correction, causal_part_id, created_by)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            returning id
            """,
            dealer_id,
            number,
            new.order_id,
            order["vehicle_id"],
            order["vin"],
            order["mileage_in"],
            new.claim_type,
            new.campaign_id,
            fault_code,
            fault_date,
            _text("complaint", complaint),
            _text("cause", new.cause),
            _text("correction", new.correction),
            new.causal_part_id,
            tx.scope.user_id,
        )
    except asyncpg.UniqueViolationError as exc:
        raise _one_per_fault(fault_code) from exc
    await _insert_lines(connection, dealer_id, claim_id, new.line_ids)
    total = await _total(connection, dealer_id, claim_id)
    await connection.execute(
        "insert into warranty_claim_event (dealer_id, claim_id, from_status, to_status,"
        " actor_user_id, note) values ($1, $2, null, 'draft', $3, $4)",
        dealer_id,
        claim_id,
        tx.scope.user_id,
        f"built from {len(new.line_ids)} line(s)",
    )
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.create",
        object_type="warranty_claim",
        object_id=claim_id,
        after={
            "number": number,
            "order_id": new.order_id,
            "claim_type": new.claim_type,
            "fault_code": fault_code,
            "lines": list(new.line_ids),
            "requested_amount": str(total),
        },
        request_id=request_id,
    )
    return claim_id


def _one_per_fault(fault_code: str) -> RuleViolation:
    return RuleViolation(
        "faultCode",
        "one_claim_per_order_and_fault",
        f"This order already has a claim for fault {fault_code}",
    )


async def update_claim(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    changes: ClaimChanges,
    *,
    request_id: str = "",
) -> None:
    """Change the claim's facts (fault, 3C, causal part, type) while it is editable;
    leaving goodwill for another type drops the determination."""
    connection = tx.connection
    claim = await _lock_claim(connection, dealer_id, claim_id)
    _ensure_editable(claim)
    new: dict[str, Any] = {}
    if changes.fault_code is not None:
        new["fault_code"] = _fault_code(changes.fault_code)
    if changes.fault_date is not None:
        if changes.fault_date > await dealer_today(connection, dealer_id):
            raise RuleViolation(
                "faultDate", "fault_date_in_future", "The fault date is in the future"
            )
        new["fault_date"] = changes.fault_date
    for name in ("complaint", "cause", "correction"):
        value = getattr(changes, name)
        if value is not None:
            new[name] = _text(name, value)
    if changes.clear_causal_part:
        new["causal_part_id"] = None
    elif changes.causal_part_id is not None:
        await _check_part(connection, dealer_id, changes.causal_part_id)
        new["causal_part_id"] = changes.causal_part_id
    if changes.claim_type is not None or changes.campaign_id is not None:
        claim_type = changes.claim_type or claim["claim_type"]
        if claim_type not in PREPARED_TYPES:
            raise RuleViolation(
                "claimType",
                "goodwill_needs_determination",
                "Goodwill is the service manager's determination on a prepared claim",
            )
        campaign_id = changes.campaign_id if claim_type == "campaign" else None
        if claim_type == "campaign" and campaign_id is None:
            campaign_id = claim["campaign_id"]
        await _check_campaign(connection, dealer_id, claim_type, campaign_id, claim["vin"])
        new["claim_type"] = claim_type
        new["campaign_id"] = campaign_id
        if claim["claim_type"] == "goodwill":
            new.update(goodwill_determined_by=None, goodwill_determined_at=None, goodwill_reason="")
    changed = {k: v for k, v in new.items() if claim[k] != v}
    if not changed:
        return
    assignments = ", ".join(f"{name} = ${i + 3}" for i, name in enumerate(changed))
    try:
        await connection.execute(
            f"update warranty_claim set {assignments} where dealer_id = $1 and id = $2",
            dealer_id,
            claim_id,
            *changed.values(),
        )
    except asyncpg.UniqueViolationError as exc:
        raise _one_per_fault(changed.get("fault_code", claim["fault_code"])) from exc
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.update",
        object_type="warranty_claim",
        object_id=claim_id,
        before={k: claim[k] for k in changed},
        after=changed,
        request_id=request_id,
    )


async def add_lines(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    line_ids: tuple[int, ...],
    *,
    request_id: str = "",
) -> None:
    """More of the same order's warranty lines into an editable claim."""
    connection = tx.connection
    claim = await _lock_claim(connection, dealer_id, claim_id)
    _ensure_editable(claim)
    await _lock_order(connection, claim["repair_order_id"])
    await _check_lines(
        connection, dealer_id, claim["repair_order_id"], line_ids, except_claim_id=claim_id
    )
    already = await connection.fetchval(
        "select count(*) from warranty_claim_line where dealer_id = $1 and claim_id = $2"
        " and repair_order_line_id = any($3::bigint[])",
        dealer_id,
        claim_id,
        list(line_ids),
    )
    if already:
        raise RuleViolation("lineIds", "line_already_claimed", "A line is already on this claim")
    await _insert_lines(connection, dealer_id, claim_id, line_ids)
    total = await _total(connection, dealer_id, claim_id)
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.add_lines",
        object_type="warranty_claim",
        object_id=claim_id,
        after={"lines": list(line_ids), "requested_amount": str(total)},
        request_id=request_id,
    )


async def _lock_claim_of_line(
    connection: asyncpg.Connection, dealer_id: int, claim_line_id: int
) -> tuple[Any, Any]:
    line = await connection.fetchrow(
        "select * from warranty_claim_line where dealer_id = $1 and id = $2",
        dealer_id,
        claim_line_id,
    )
    if line is None:
        raise RecordNotFound("Claim line")
    claim = await _lock_claim(connection, dealer_id, line["claim_id"])
    _ensure_editable(claim)
    return claim, line


async def remove_line(
    tx: ActiveTransaction, dealer_id: int, claim_line_id: int, *, request_id: str = ""
) -> int:
    """Take a line out of an editable claim; returns the claim's id."""
    connection = tx.connection
    claim, line = await _lock_claim_of_line(connection, dealer_id, claim_line_id)
    await connection.execute(
        "delete from warranty_claim_line where dealer_id = $1 and id = $2",
        dealer_id,
        claim_line_id,
    )
    total = await _total(connection, dealer_id, claim["id"])
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.remove_line",
        object_type="warranty_claim",
        object_id=claim["id"],
        before={"line": dict(line)},
        after={"requested_amount": str(total)},
        request_id=request_id,
    )
    claim_id: int = claim["id"]
    return claim_id


async def update_line(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_line_id: int,
    *,
    hours: Decimal | None = None,
    quantity: Decimal | None = None,
    request_id: str = "",
) -> int:
    """Claim fewer hours or parts than the order line carries (never more); returns the
    claim's id."""
    connection = tx.connection
    claim, line = await _lock_claim_of_line(connection, dealer_id, claim_line_id)
    order_line = await connection.fetchrow(
        "select hours, quantity from repair_order_line where dealer_id = $1 and id = $2",
        dealer_id,
        line["repair_order_line_id"],
    )
    new_hours, new_quantity = line["hours"], line["quantity"]
    if hours is not None:
        if line["kind"] != "labour":
            raise RuleViolation("hours", "labour_only", "Only labour lines have hours")
        if hours <= 0:
            raise RuleViolation("hours", "positive", "Hours must be above zero")
        if (
            order_line is not None
            and order_line["hours"] is not None
            and hours > order_line["hours"]
        ):
            raise RuleViolation(
                "hours",
                "above_order_line",
                "A claim cannot carry more hours than the order line",
                orderHours=str(order_line["hours"]),
            )
        new_hours = hours
    if quantity is not None:
        if quantity <= 0:
            raise RuleViolation("quantity", "positive", "Quantity must be above zero")
        if order_line is not None and quantity > order_line["quantity"]:
            raise RuleViolation(
                "quantity",
                "above_order_line",
                "A claim cannot carry more than the order line",
                orderQuantity=str(order_line["quantity"]),
            )
        new_quantity = quantity
    await connection.execute(
        "update warranty_claim_line set hours = $3::numeric, quantity = $4::numeric,"
        " amount = round(unit_price * $4::numeric * coalesce($3::numeric, 1), 2)"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        claim_line_id,
        new_hours,
        new_quantity,
    )
    total = await _total(connection, dealer_id, claim["id"])
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.update_line",
        object_type="warranty_claim_line",
        object_id=claim_line_id,
        before={"hours": line["hours"], "quantity": line["quantity"]},
        after={"hours": new_hours, "quantity": new_quantity, "requested_amount": str(total)},
        request_id=request_id,
    )
    claim_id: int = claim["id"]
    return claim_id


async def determine_goodwill(
    tx: ActiveTransaction,
    dealer_id: int,
    claim_id: int,
    reason: str,
    *,
    request_id: str = "",
) -> None:
    """The service manager's final determination (索赔事件最终认定) that the dealer
    claims the event as goodwill (善意索赔) although it is outside the terms; never by
    the person who prepared the claim."""
    text = reason.strip()
    if not text:
        raise RuleViolation("reason", "reason_required", "Give the reason for goodwill")
    connection = tx.connection
    claim = await _lock_claim(connection, dealer_id, claim_id)
    _ensure_editable(claim)
    actor = tx.scope.user_id
    if actor is None:
        raise RuleViolation("claim", "person_required", "A person determines goodwill")
    ensure_not_requester(actor, claim["created_by"], "goodwill determination")
    await connection.execute(
        "update warranty_claim set claim_type = 'goodwill', campaign_id = null,"
        " goodwill_determined_by = $3, goodwill_determined_at = now(), goodwill_reason = $4"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        claim_id,
        actor,
        _text("reason", text),
    )
    await record(
        dealer_id=dealer_id,
        action="warranty_claim.determine_goodwill",
        object_type="warranty_claim",
        object_id=claim_id,
        before={"claim_type": claim["claim_type"]},
        after={"claim_type": "goodwill", "reason": text},
        request_id=request_id,
    )


async def cancel_claim(
    tx: ActiveTransaction, dealer_id: int, claim_id: int, reason: str, *, request_id: str = ""
) -> None:
    """Withdraw a draft or returned claim for good; its lines may be claimed again."""
    text = reason.strip()
    if not text:
        raise RuleViolation("reason", "reason_required", "Give the reason for cancelling")
    await transition(
        tx, dealer_id, claim_id, "cancelled", note=_text("reason", text), request_id=request_id
    )


async def assess_line(
    tx: ActiveTransaction,
    dealer_id: int,
    line_id: int,
    *,
    cause: str,
    causal_part_id: int | None,
    note: str = "",
    request_id: str = "",
) -> None:
    """The claims specialist's judgement of a warranty line (保内鉴定): its cause and
    causal part, which eligibility reads. Kept while a live claim holds the line only if
    that claim is still editable."""
    from tenants.warranty.terms import CAUSES

    if cause not in CAUSES:
        raise RuleViolation("cause", "unknown_cause", f"Cause is one of {', '.join(CAUSES)}")
    connection = tx.connection
    line = await connection.fetchrow(
        "select id, pay_type from repair_order_line where dealer_id = $1 and id = $2 for update",
        dealer_id,
        line_id,
    )
    if line is None:
        raise RecordNotFound("Repair order line")
    if line["pay_type"] != "warranty":
        raise RuleViolation("lineId", "line_not_warranty", "Only warranty lines are judged")
    frozen = await connection.fetchval(
        "select c.number from warranty_claim_line cl join warranty_claim c"
        " on c.dealer_id = cl.dealer_id and c.id = cl.claim_id"
        " where cl.dealer_id = $1 and cl.repair_order_line_id = $2"
        " and c.status not in ('draft', 'returned', 'cancelled') limit 1",
        dealer_id,
        line_id,
    )
    if frozen is not None:
        raise RuleViolation(
            "lineId",
            "claim_not_editable",
            f"The line is in claim {frozen}, already with the manufacturer",
            claimNumber=frozen,
        )
    if causal_part_id is not None:
        await _check_part(connection, dealer_id, causal_part_id)
    before = await connection.fetchrow(
        "select cause, causal_part_id, note from warranty_line_assessment"
        " where dealer_id = $1 and repair_order_line_id = $2",
        dealer_id,
        line_id,
    )
    await connection.execute(
        """
        insert into warranty_line_assessment (dealer_id, repair_order_line_id, cause,
               causal_part_id, note, assessed_by)
        values ($1, $2, $3, $4, $5, $6)
        on conflict (dealer_id, repair_order_line_id) do update
           set cause = excluded.cause, causal_part_id = excluded.causal_part_id,
               note = excluded.note, assessed_by = excluded.assessed_by, assessed_at = now()
        """,
        dealer_id,
        line_id,
        cause,
        causal_part_id,
        _text("note", note),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="warranty_line.assess",
        object_type="repair_order_line",
        object_id=line_id,
        before=dict(before) if before is not None else None,
        after={"cause": cause, "causal_part_id": causal_part_id, "note": note.strip()},
        request_id=request_id,
    )
