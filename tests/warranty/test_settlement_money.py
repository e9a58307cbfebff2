"""Settlement arithmetic on hand-computed cases: partial payments, a claim paid exactly
when its payments cover the approved amount, over-payment refused and a payment's
leftover flagged, charge-backs (for a part not confirmed, netted in a debit note),
and the monthly figures in the dealer's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from tenants.errors import RuleViolation
from tenants.warranty import settlement, settlement_reports
from tenants.warranty.settlement import AllocationLine
from tests.warranty.factories_warranty import WarrantyDesk
from tests.warranty.money_steps import as_member, make_claim


def d(value: str) -> Decimal:
    return Decimal(value)


async def _pay(desk: WarrantyDesk, reference: str, amount: str, paid_on: date | None = None) -> int:
    async with as_member(desk, "cashier") as tx:
        return await settlement.record_payment(
            tx,
            desk.dealer_id,
            reference=reference,
            paid_on=paid_on or date(2026, 1, 5),
            amount=d(amount),
        )


async def _allocate(desk: WarrantyDesk, payment: int, *lines: AllocationLine) -> list[int]:
    async with as_member(desk, "claims") as tx:
        return await settlement.allocate(tx, desk.dealer_id, payment, list(lines))


async def _refusal(desk: WarrantyDesk, payment: int, *lines: AllocationLine) -> RuleViolation:
    with pytest.raises(RuleViolation) as refused:
        await _allocate(desk, payment, *lines)
    return refused.value


async def _balance(desk: WarrantyDesk, claim_id: int) -> dict[str, Decimal]:
    async with as_member(desk) as tx:
        rows = await settlement_reports.claim_balances(
            tx.connection, desk.dealer_id, before_id=None, only_open=False, search=None, limit=50
        )
    row = next(r for r in rows if r["id"] == claim_id)
    keys = ("approved", "paid", "charged_back", "kept", "outstanding")
    return {k: row[k] for k in keys}


async def _status(db: asyncpg.Connection, claim_id: int) -> str:
    return str(await db.fetchval("select status from warranty_claim where id = $1", claim_id))


async def test_record_payment_refusals(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    await _pay(desk, "R-1", "100.00")
    cases = [
        ({"reference": " ", "amount": "1"}, "reference_required"),
        ({"reference": "R-2", "amount": "0"}, "amount_nonzero"),
        ({"reference": "R-2", "amount": "1.005"}, "amount_cents"),
        ({"reference": "R-1", "amount": "5"}, "duplicate_reference"),
        ({"reference": "R-3", "amount": "5", "paid_on": date(2999, 1, 1)}, "paid_on_future"),
    ]
    for given, rule in cases:
        async with as_member(desk, "cashier") as tx:
            with pytest.raises(RuleViolation) as refused:
                await settlement.record_payment(
                    tx,
                    desk.dealer_id,
                    reference=str(given["reference"]),
                    paid_on=given.get("paid_on", date(2026, 1, 5)),  # type: ignore[arg-type]
                    amount=d(str(given["amount"])),
                )
        assert refused.value.rule == rule, given


async def test_partial_payments_then_paid_exactly_when_covered(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    a = await make_claim(db, desk, status="approved", approved="950.00")
    b = await make_claim(
        db, desk, status="partially_approved", requested="1500.00", approved="1200.00"
    )
    first = await _pay(desk, "R-100", "1000.00")
    assert (
        await _allocate(
            desk,
            first,
            AllocationLine(claim_number=a.number, amount=d("600.00")),
            AllocationLine(claim_number=b.number, amount=d("400.00")),
        )
        == []
    )
    assert await _balance(desk, a.id) == {
        "approved": d("950.00"),
        "paid": d("600.00"),
        "charged_back": d("0"),
        "kept": d("600.00"),
        "outstanding": d("350.00"),
    }
    assert (await _status(db, a.id), await _status(db, b.id)) == ("approved", "partially_approved")

    second = await _pay(desk, "R-101", "1500.00")
    # Without an amount a claim takes what is outstanding: 350 and 800.
    paid = await _allocate(
        desk, second, AllocationLine(claim_number=a.number), AllocationLine(claim_id=b.id)
    )
    assert paid == sorted([a.id, b.id])
    assert (await _status(db, a.id), await _status(db, b.id)) == ("paid", "paid")
    assert await _balance(desk, b.id) == {
        "approved": d("1200.00"),
        "paid": d("1200.00"),
        "charged_back": d("0"),
        "kept": d("1200.00"),
        "outstanding": d("0.00"),
    }
    payment = await db.fetchrow(
        "select amount, (select sum(amount) from warranty_payment_allocation"
        " where payment_id = p.id) as allocated from warranty_payment p where id = $1",
        second,
    )
    assert payment["amount"] - payment["allocated"] == d("350.00")  # left over: flagged
    assert await db.fetchval("select paid_amount from warranty_claim where id = $1", a.id) == d(
        "950.00"
    )
    events = await db.fetch(
        "select to_status, note from warranty_claim_event where claim_id = $1 order by id", a.id
    )
    assert (events[-1]["to_status"], events[-1]["note"]) == ("paid", "payment R-101")

    refused = await _refusal(desk, second, AllocationLine(claim_number=a.number, amount=d("1")))
    assert (refused.rule, refused.extensions["outstanding"]) == ("over_payment", "0.00")


async def test_allocation_refusals(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    approved = await make_claim(db, desk, status="approved", approved="500.00")
    submitted = await make_claim(db, desk, status="submitted", approved=None)
    small = await _pay(desk, "R-200", "100.00")
    cases = [
        ((AllocationLine(claim_number="NOPE-1"),), "unknown_claim"),
        ((AllocationLine(claim_number=submitted.number, amount=d("1")),), "claim_not_approved"),
        ((AllocationLine(claim_number=approved.number, amount=d("500.01")),), "over_payment"),
        ((AllocationLine(claim_number=approved.number, amount=d("-5")),), "amount_positive"),
        ((AllocationLine(claim_number=approved.number, amount=d("0.001")),), "amount_positive"),
        (
            (AllocationLine(claim_number=approved.number, amount=d("200")),),
            "payment_over_allocated",
        ),
        (
            (
                AllocationLine(claim_number=approved.number, amount=d("60")),
                AllocationLine(claim_number=approved.number, amount=d("60")),
            ),
            "payment_over_allocated",
        ),
        ((AllocationLine(claim_number=approved.number, kind="charge_back"),), "amount_required"),
        (
            (AllocationLine(claim_number=approved.number, kind="charge_back", amount=d("501")),),
            "charge_back_exceeds_approved",
        ),
    ]
    for lines, rule in cases:
        refused = await _refusal(desk, small, *lines)
        assert refused.rule == rule, (lines, refused.rule)
    assert await db.fetchval("select count(*) from warranty_payment_allocation") == 0


async def test_charge_back_for_a_part_not_confirmed_netted_in_a_debit_note(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    claim = await make_claim(db, desk, status="approved", approved="950.00")
    other = await make_claim(db, desk, status="approved", approved="950.00")
    confirmed, wanting = [
        await db.fetchval(
            "insert into old_part (dealer_id, tag, claim_id, claim_line_id, part_id, status,"
            " inspection_result, inspection_note, inspected_at) values"
            " ($1, $2, $3, $4, $5, 'inspected', $6, $7, now()) returning id",
            desk.dealer_id,
            tag,
            c.id,
            c.part_line_id,
            desk.part_id,
            result,
            "seal intact" if result == "not_confirmed" else "",
        )
        for tag, c, result in (("T-1", other, "confirmed"), ("T-2", claim, "not_confirmed"))
    ]
    paid = await _pay(desk, "R-300", "950.00")
    await _allocate(desk, paid, AllocationLine(claim_number=claim.number))
    assert await _status(db, claim.id) == "paid"
    async with as_member(desk) as tx:
        [candidate] = await settlement_reports.charge_back_candidates(tx.connection, desk.dealer_id)
    assert (candidate["tag"], candidate["suggested"]) == ("T-2", d("680.00"))

    debit = await _pay(desk, "DN-1", "-680.00")
    refused = await _refusal(
        desk,
        debit,
        AllocationLine(claim_number=other.number, kind="charge_back", old_part_id=wanting),
    )
    assert refused.rule == "part_not_on_claim"
    refused = await _refusal(
        desk,
        debit,
        AllocationLine(claim_number=other.number, kind="charge_back", old_part_id=confirmed),
    )
    assert refused.rule == "part_not_charged"
    refused = await _refusal(
        desk, debit, AllocationLine(claim_number=claim.number, old_part_id=wanting)
    )
    assert refused.rule == "old_part_only_for_charge_back"
    await _allocate(
        desk,
        debit,
        AllocationLine(claim_number=claim.number, kind="charge_back", old_part_id=wanting),
    )
    assert await _balance(desk, claim.id) == {
        "approved": d("950.00"),
        "paid": d("950.00"),
        "charged_back": d("680.00"),
        "kept": d("270.00"),
        "outstanding": d("0.00"),
    }
    async with as_member(desk) as tx:
        assert await settlement_reports.charge_back_candidates(tx.connection, desk.dealer_id) == []
    again = await _pay(desk, "DN-2", "-680.00")
    refused = await _refusal(
        desk,
        again,
        AllocationLine(claim_number=claim.number, kind="charge_back", old_part_id=wanting),
    )
    assert refused.rule == "already_charged_back"
    # A debit note cannot be allocated beyond its amount either.
    refused = await _refusal(
        desk,
        again,
        AllocationLine(claim_number=other.number, kind="charge_back", amount=d("700")),
    )
    assert refused.rule == "payment_over_allocated"
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action = 'warranty_payment.allocate'"
        )
        == 2
    )


async def test_a_remittance_nets_payments_and_charge_backs_in_one_go(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    first = await make_claim(db, desk, status="approved", approved="1000.00")
    second = await make_claim(db, desk, status="approved", approved="300.00")
    remittance = await _pay(desk, "R-400", "800.00")  # 1000 for the first, 200 taken back
    await _allocate(
        desk,
        remittance,
        AllocationLine(claim_number=first.number, amount=d("1000.00")),
        AllocationLine(
            claim_number=second.number, kind="charge_back", amount=d("200.00"), note="audit"
        ),
    )
    assert await _status(db, first.id) == "paid"
    assert await _balance(desk, second.id) == {
        "approved": d("300.00"),
        "paid": d("0"),
        "charged_back": d("200.00"),
        "kept": d("-200.00"),
        "outstanding": d("300.00"),
    }


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


async def test_monthly_figures_in_the_dealers_time_zone(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    # 16:30 UTC on 31 January is 00:30 on 1 February in Shanghai.
    m1 = await make_claim(
        db,
        desk,
        status="approved",
        requested="950.00",
        approved="950.00",
        submitted_at=utc(2026, 1, 31, 16, 30),
        decided_at=utc(2026, 2, 28, 15, 59),
    )
    m2 = await make_claim(
        db,
        desk,
        status="partially_approved",
        requested="1500.00",
        approved="1200.00",
        submitted_at=utc(2026, 1, 15, 2, 0),
        decided_at=utc(2026, 1, 31, 16, 0),
    )
    feb = await _pay(desk, "R-FEB", "500.00", date(2026, 2, 20))
    await _allocate(desk, feb, AllocationLine(claim_number=m1.number, amount=d("500.00")))
    mar = await _pay(desk, "R-MAR", "1650.00", date(2026, 3, 5))
    await _allocate(desk, mar, AllocationLine(claim_id=m1.id), AllocationLine(claim_id=m2.id))
    note = await _pay(desk, "DN-MAR", "-100.00", date(2026, 3, 20))
    await _allocate(
        desk, note, AllocationLine(claim_id=m2.id, kind="charge_back", amount=d("100.00"))
    )

    async with as_member(desk) as tx:
        rows = await settlement_reports.monthly(
            tx.connection, desk.dealer_id, date(2026, 1, 1), date(2026, 3, 1)
        )
        march_only = await settlement_reports.monthly(
            tx.connection, desk.dealer_id, date(2026, 3, 1), date(2026, 3, 1)
        )
    columns = (
        "submitted_count",
        "submitted_amount",
        "approved_count",
        "approved_amount",
        "paid_amount",
        "charged_back_amount",
        "received_amount",
        "outstanding_amount",
    )
    table = {r["month"]: tuple(r[c] for c in columns) for r in rows}
    assert table == {
        date(2026, 1, 1): (1, d("1500.00"), 0, d("0"), d("0"), d("0"), d("0"), d("0")),
        date(2026, 2, 1): (
            1,
            d("950.00"),
            2,
            d("2150.00"),
            d("500.00"),
            d("0"),
            d("500.00"),
            d("1650.00"),
        ),
        date(2026, 3, 1): (
            0,
            d("0"),
            0,
            d("0"),
            d("1650.00"),
            d("100.00"),
            d("1550.00"),
            d("0.00"),
        ),
    }
    # Starting later carries what was outstanding before.
    assert march_only[0]["outstanding_amount"] == d("0.00")
    async with as_member(desk) as tx:
        feb_only = await settlement_reports.monthly(
            tx.connection, desk.dealer_id, date(2026, 2, 1), date(2026, 2, 1)
        )
    assert feb_only[0]["outstanding_amount"] == d("1650.00")
