"""Warranty money (三包费用结算): the manufacturer's payments recorded as they arrive,
allocated to approved claims (from the remittance's claim-number list or by hand),
and charge-backs (扣款) as negative allocations, e.g. for a part found not confirmed.

A claim's payments never exceed its approved amount and a payment is never allocated
beyond its amount (in its sign: a debit note is negative); a claim becomes ``paid``
through the claim status machine once its payments cover the approved amount.
Charge-backs reduce what the dealer keeps, not what counts as paid: the manufacturer
takes them back from a later remittance, so they show as differences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.claim_status import transition

AllocationKind = Literal["payment", "charge_back"]
SETTLED_STATUSES = ("approved", "partially_approved", "paid")
"""Claims money may be allocated to: decided in the dealer's favour, or already paid."""
MAX_LINES = 500
CENT = Decimal("0.01")

APPROVED_AMOUNT_SQL = "coalesce(c.approved_amount, c.requested_amount)"
"""What the manufacturer owes on a claim: its approved amount (an approval without an
amount approves what was requested)."""

CHARGE_BACK_SUGGESTION_SQL = (
    "round(coalesce(cl.approved_amount, cl.amount) * op.quantity / cl.quantity, 2)"
)
"""A part found not confirmed costs the dealer its share of the claim line."""


@dataclass(frozen=True)
class AllocationLine:
    """One line of a remittance: a claim by number (or id) and an amount; without an
    amount a payment takes the claim's outstanding amount and a charge-back for an old
    part its share of the claim line. Amounts are positive; a charge-back is stored
    negative."""

    claim_number: str | None = None
    claim_id: int | None = None
    amount: Decimal | None = None
    kind: AllocationKind = "payment"
    old_part_id: int | None = None
    note: str = ""


async def record_payment(
    tx: ActiveTransaction,
    dealer_id: int,
    *,
    reference: str,
    paid_on: date,
    amount: Decimal,
    note: str = "",
    request_id: str = "",
) -> int:
    ref = reference.strip()
    if not ref:
        raise RuleViolation("reference", "reference_required", "Give the remittance reference")
    if amount == 0:
        raise RuleViolation("amount", "amount_nonzero", "A payment moves money")
    if amount != amount.quantize(CENT):
        raise RuleViolation("amount", "amount_cents", "Amounts are in yuan and fen")
    today: date = await tx.connection.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", dealer_id
    )
    if paid_on > today:
        raise RuleViolation("paidOn", "paid_on_future", "The payment date is not in the future")
    payment_id: int | None = await tx.connection.fetchval(
        "insert into warranty_payment (dealer_id, reference, paid_on, amount, note, recorded_by)"
        " values ($1, $2, $3, $4, $5, $6) on conflict (dealer_id, reference) do nothing"
        " returning id",
        dealer_id,
        ref,
        paid_on,
        amount,
        note.strip(),
        tx.scope.user_id,
    )
    if payment_id is None:
        raise RuleViolation(
            "reference", "duplicate_reference", f"Payment {ref} is recorded already"
        )
    await record(
        dealer_id=dealer_id,
        action="warranty_payment.record",
        object_type="warranty_payment",
        object_id=payment_id,
        after={"reference": ref, "paid_on": paid_on, "amount": amount, "note": note.strip()},
        request_id=request_id,
    )
    return payment_id


def _line_error(index: int, rule: str, message: str, **extra: object) -> RuleViolation:
    return RuleViolation("lines", rule, f"Line {index + 1}: {message}", line=index, **extra)


_CLAIMS_SQL = f"""
select i.ord, c.id, c.number, c.status, {APPROVED_AMOUNT_SQL} as approved,
       coalesce(a.paid, 0) as paid, coalesce(a.charged_back, 0) as charged_back
  from unnest($2::text[], $3::bigint[]) with ordinality as i(number, claim_id, ord)
  left join warranty_claim c
         on c.dealer_id = $1
        and ((i.claim_id is not null and c.id = i.claim_id)
             or (i.claim_id is null and c.number = btrim(i.number)))
  left join lateral (
    select sum(amount) filter (where kind = 'payment') as paid,
           -sum(amount) filter (where kind = 'charge_back') as charged_back
      from warranty_payment_allocation
     where dealer_id = $1 and claim_id = c.id
  ) a on true
 order by i.ord
"""

_PARTS_SQL = f"""
select op.id, op.tag, op.inspection_result, oc.claim_id,
       {CHARGE_BACK_SUGGESTION_SQL} as suggested,
       exists (select 1 from warranty_payment_allocation a
                where a.dealer_id = op.dealer_id and a.old_part_id = op.id) as charged
  from old_part op
  join old_part_claim oc on oc.old_part_id = op.id
  left join warranty_claim_line cl on cl.dealer_id = op.dealer_id and cl.id = oc.claim_line_id
 where op.dealer_id = $1 and op.id = any($2::bigint[])
"""


async def allocate(
    tx: ActiveTransaction,
    dealer_id: int,
    payment_id: int,
    lines: Sequence[AllocationLine],
    *,
    request_id: str = "",
) -> list[int]:
    """Allocate a payment in one go (a remittance's lines together, so its charge-backs
    net against its payments); returns the claims that became paid."""
    connection = tx.connection
    if not lines:
        raise RuleViolation("lines", "lines_required", "Allocate at least one line")
    if len(lines) > MAX_LINES:
        raise RuleViolation("lines", "too_many_lines", f"At most {MAX_LINES} lines at once")
    payment = await connection.fetchrow(
        "select p.*, coalesce((select sum(a.amount) from warranty_payment_allocation a"
        " where a.dealer_id = p.dealer_id and a.payment_id = p.id), 0) as allocated"
        " from warranty_payment p where p.dealer_id = $1 and p.id = $2 for update",
        dealer_id,
        payment_id,
    )
    if payment is None:
        raise RecordNotFound("Warranty payment")
    claims = await connection.fetch(
        _CLAIMS_SQL,
        dealer_id,
        [line.claim_number for line in lines],
        [line.claim_id for line in lines],
    )
    claim_ids = sorted({c["id"] for c in claims if c["id"] is not None})
    await connection.execute(
        "select 1 from warranty_claim where dealer_id = $1 and id = any($2::bigint[])"
        " order by id for update",
        dealer_id,
        claim_ids,
    )
    part_ids = [line.old_part_id for line in lines if line.old_part_id is not None]
    parts = (
        {p["id"]: p for p in await connection.fetch(_PARTS_SQL, dealer_id, part_ids)}
        if part_ids
        else {}
    )

    paid = {c["id"]: Decimal(c["paid"]) for c in claims if c["id"] is not None}
    charged = {c["id"]: Decimal(c["charged_back"]) for c in claims if c["id"] is not None}
    seen_parts: set[int] = set()
    rows: list[tuple[int, Decimal, str, int | None, str]] = []
    for index, (line, claim) in enumerate(zip(lines, claims, strict=True)):
        named = line.claim_number or (str(line.claim_id) if line.claim_id else "")
        if claim["id"] is None:
            raise _line_error(index, "unknown_claim", f"no claim {named}", claim=named)
        cid, number, approved = claim["id"], claim["number"], Decimal(claim["approved"])
        if claim["status"] not in SETTLED_STATUSES:
            raise _line_error(
                index,
                "claim_not_approved",
                f"claim {number} is {claim['status']}",
                claim=number,
                status=claim["status"],
            )
        if line.amount is not None and (
            line.amount <= 0 or line.amount != line.amount.quantize(CENT)
        ):
            raise _line_error(index, "amount_positive", "amounts are positive yuan and fen")
        if line.kind == "payment":
            if line.old_part_id is not None:
                raise _line_error(
                    index, "old_part_only_for_charge_back", "a payment names no old part"
                )
            outstanding = approved - paid[cid]
            amount = line.amount if line.amount is not None else outstanding
            if amount <= 0 or amount > outstanding:
                raise _line_error(
                    index,
                    "over_payment",
                    f"claim {number} has {outstanding} outstanding",
                    claim=number,
                    outstanding=str(outstanding),
                )
            paid[cid] += amount
            rows.append((cid, amount, "payment", None, line.note.strip()))
            continue
        amount_or_none = line.amount
        if line.old_part_id is not None:
            part = parts.get(line.old_part_id)
            if part is None:
                raise RecordNotFound("Old part")
            if part["claim_id"] != cid:
                raise _line_error(
                    index, "part_not_on_claim", f"old part {part['tag']} is not on claim {number}"
                )
            if part["inspection_result"] not in ("not_confirmed", "not_received"):
                raise _line_error(
                    index,
                    "part_not_charged",
                    f"old part {part['tag']} was not found wanting at inspection",
                    tag=part["tag"],
                )
            if part["charged"] or part["id"] in seen_parts:
                raise _line_error(
                    index,
                    "already_charged_back",
                    f"old part {part['tag']} is charged back already",
                    tag=part["tag"],
                )
            seen_parts.add(part["id"])
            if amount_or_none is None and part["suggested"] is not None:
                amount_or_none = Decimal(part["suggested"])
        if amount_or_none is None or amount_or_none <= 0:
            raise _line_error(index, "amount_required", "say how much is charged back")
        if charged[cid] + amount_or_none > approved:
            raise _line_error(
                index,
                "charge_back_exceeds_approved",
                f"claim {number} was approved for {approved}",
                claim=number,
            )
        charged[cid] += amount_or_none
        rows.append((cid, -amount_or_none, "charge_back", line.old_part_id, line.note.strip()))

    amount = Decimal(payment["amount"])
    allocated = Decimal(payment["allocated"]) + sum((r[1] for r in rows), Decimal(0))
    unallocated = amount - allocated
    if (unallocated < 0 < amount) or (unallocated > 0 > amount):
        raise RuleViolation(
            "lines",
            "payment_over_allocated",
            f"Payment {payment['reference']} is {amount}; these lines would allocate {allocated}",
            unallocated=str(amount - Decimal(payment["allocated"])),
        )
    await connection.execute(
        """
        insert into warranty_payment_allocation
          (dealer_id, payment_id, claim_id, amount, kind, old_part_id, note, created_by)
        select $1, $2, r.claim_id, r.amount, r.kind, r.old_part_id, r.note, $8
          from unnest($3::bigint[], $4::numeric[], $5::text[], $6::bigint[], $7::text[])
               as r(claim_id, amount, kind, old_part_id, note)
        """,
        dealer_id,
        payment_id,
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
        [r[4] for r in rows],
        tx.scope.user_id,
    )
    covered = await connection.fetch(
        f"""
        update warranty_claim c
           set paid_amount = s.net
          from (select claim_id, sum(amount) as net,
                       coalesce(sum(amount) filter (where kind = 'payment'), 0) as paid
                  from warranty_payment_allocation
                 where dealer_id = $1 and claim_id = any($2::bigint[])
                 group by claim_id) s
         where c.dealer_id = $1 and c.id = s.claim_id
        returning c.id, c.status, s.paid >= {APPROVED_AMOUNT_SQL} as covered
        """,
        dealer_id,
        claim_ids,
    )
    await record(
        dealer_id=dealer_id,
        action="warranty_payment.allocate",
        object_type="warranty_payment",
        object_id=payment_id,
        after={
            "reference": payment["reference"],
            "lines": [
                {"claim_id": r[0], "amount": r[1], "kind": r[2], "old_part_id": r[3]} for r in rows
            ],
            "unallocated": unallocated,
        },
        request_id=request_id,
    )
    newly_paid = sorted(
        r["id"]
        for r in covered
        if r["covered"] and r["status"] in ("approved", "partially_approved")
    )
    for claim_id in newly_paid:
        await transition(
            tx,
            dealer_id,
            claim_id,
            "paid",
            note=f"payment {payment['reference']}",
            request_id=request_id,
        )
    return newly_paid
