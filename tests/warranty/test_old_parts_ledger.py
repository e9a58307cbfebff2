"""The old-parts ledger: tagging from order or claim lines with the manufacturer's
return rule and retention, the state machine with every refusal, movements that
always follow the card, and the per-claim reconciliation (账、卡、物一致)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty import old_parts
from tenants.warranty.old_part_ledger import ledger_by_claim
from tenants.warranty.old_parts import TagInput
from tests.warranty.factories_warranty import WarrantyDesk
from tests.warranty.money_steps import as_member, make_claim, movements, statuses


async def _tag(desk: WarrantyDesk, post: str = "claims", **given: object) -> int:
    async with as_member(desk, post) as tx:
        return await old_parts.tag_old_part(tx, desk.dealer_id, TagInput(**given))  # type: ignore[arg-type]


async def _refused(desk: WarrantyDesk, call: object, post: str = "claims") -> RuleViolation:
    async with as_member(desk, post) as tx:
        with pytest.raises(RuleViolation) as refused:
            await call(tx)  # type: ignore[operator]
    return refused.value


async def _part_line(
    db: asyncpg.Connection, desk: WarrantyDesk, part_id: int, pay_type: str, quantity: str = "1"
) -> int:
    return await db.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " unit_price, pay_type, status, description)"
        " values ($1, $2, 'part', $3, $4, 100, $5, 'approved', 'part') returning id",
        desk.dealer_id,
        desk.order_id,
        part_id,
        Decimal(quantity),
        pay_type,
    )


async def test_tag_from_order_line_links_claim_rule_and_retention(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    await db.execute(
        "update warranty_policy set old_part_retention_days = 60 where manufacturer_id = $1",
        desk.manufacturer_id,
    )
    claim = await make_claim(db, desk, status="submitted", approved=None)
    part = await _tag(desk, repair_order_line_id=desk.part_line_id)
    row = await db.fetchrow("select * from old_part where id = $1", part)
    code = await db.fetchval("select code from dealer where id = $1", desk.dealer_id)
    assert re.fullmatch(rf"{code}-OP-\d{{8}}-001", row["tag"])
    assert (row["claim_id"], row["claim_line_id"]) == (claim.id, claim.part_line_id)
    assert row["status"] == "tagged" and row["must_return"] is True  # engine: no group rule
    local_today = await db.fetchval("select (now() at time zone 'Asia/Shanghai')::date")
    assert row["retain_until"] == local_today + timedelta(days=60)
    assert row["quantity"] == Decimal("1.00") and row["tagged_by"] == desk.users["claims"]
    assert await movements(db, part) == [(None, "tagged")]
    audit = await db.fetchval(
        "select count(*) from audit_entry where action = 'old_part.tag' and object_id = $1",
        str(part),
    )
    assert audit == 1


async def test_part_group_rule_decides_return_and_claim_line_may_override(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    wear = await db.fetchval(
        "insert into part (manufacturer_id, part_number, name, name_zh, list_price, part_group)"
        " values ($1, 'WEAR-1', 'Brake pad', '刹车片', 300, 'wear') returning id",
        desk.manufacturer_id,
    )
    battery_line = await _part_line(db, desk, desk.battery_part_id, "warranty")
    wear_line = await _part_line(db, desk, wear, "warranty", "2")
    battery = await _tag(desk, repair_order_line_id=battery_line)
    wear_one = await _tag(desk, repair_order_line_id=wear_line, quantity=Decimal(1))
    wear_two = await _tag(desk, repair_order_line_id=wear_line, must_return=True)
    rows = await db.fetch(
        "select id, must_return, quantity, tag from old_part where id = any($1::bigint[]) order by id",
        [battery, wear_one, wear_two],
    )
    assert [r["must_return"] for r in rows] == [True, False, True]
    assert [r["quantity"] for r in rows] == [Decimal(1), Decimal(1), Decimal(1)]
    assert [r["tag"][-3:] for r in rows] == ["001", "002", "003"]


async def test_tag_refusals(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    customer_part_line = await _part_line(db, desk, desk.part_id, "customer")
    cases = [
        ({}, "one_source"),
        ({"repair_order_line_id": desk.part_line_id, "claim_line_id": 1}, "one_source"),
        ({"repair_order_line_id": desk.labour_line_id}, "part_line_only"),
        (
            {"repair_order_line_id": desk.part_line_id, "quantity": Decimal(2)},
            "quantity_exceeds_line",
        ),
        ({"repair_order_line_id": desk.part_line_id, "quantity": Decimal(0)}, "quantity_positive"),
        (
            {"repair_order_line_id": customer_part_line, "must_return": True},
            "must_return_needs_warranty",
        ),
    ]
    for given, rule in cases:
        refused = await _refused(
            desk, lambda tx, g=given: old_parts.tag_old_part(tx, desk.dealer_id, TagInput(**g))
        )
        assert refused.rule == rule, (given, refused.rule)
    await _tag(desk, repair_order_line_id=desk.part_line_id)
    refused = await _refused(
        desk,
        lambda tx: old_parts.tag_old_part(
            tx, desk.dealer_id, TagInput(repair_order_line_id=desk.part_line_id)
        ),
    )
    assert refused.rule == "already_tagged"
    await db.execute(
        "update repair_order_line set status = 'declined' where id = $1", customer_part_line
    )
    refused = await _refused(
        desk,
        lambda tx: old_parts.tag_old_part(
            tx, desk.dealer_id, TagInput(repair_order_line_id=customer_part_line)
        ),
    )
    assert refused.rule == "line_not_approved"


async def test_another_dealers_line_is_not_found(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    async with as_member(desk) as tx:
        with pytest.raises(RecordNotFound):
            await old_parts.tag_old_part(
                tx, desk.far_dealer_id, TagInput(repair_order_line_id=desk.part_line_id)
            )


async def test_full_path_and_every_refused_move(db: asyncpg.Connection, desk: WarrantyDesk) -> None:
    await make_claim(db, desk, status="submitted", approved=None)
    part = await _tag(desk, repair_order_line_id=desk.part_line_id)
    dealer = desk.dealer_id

    refused = await _refused(desk, lambda tx: old_parts.store_old_part(tx, dealer, part, "  "))
    assert refused.rule == "location_required"
    refused = await _refused(
        desk, lambda tx: old_parts.request_returns(tx, dealer, [part], by_manufacturer=True)
    )
    assert (refused.rule, refused.extensions["fromStatus"]) == ("status_transition", "tagged")

    async with as_member(desk, "old_parts_keeper") as tx:
        await old_parts.store_old_part(tx, dealer, part, "OP-A-01")
    refused = await _refused(
        desk, lambda tx: old_parts.request_returns(tx, dealer, [part], by_manufacturer=False)
    )
    assert refused.rule == "request_reference_required"
    refused = await _refused(desk, lambda tx: old_parts.scrap_old_part(tx, dealer, part))
    assert refused.rule == "retention_not_over"
    refused = await _refused(desk, lambda tx: old_parts.hand_over_old_part(tx, dealer, part))
    assert refused.rule == "warranty_part_kept"

    async with as_member(desk) as tx:
        await old_parts.request_returns(
            tx, dealer, [part], by_manufacturer=False, note="notice 2026-118"
        )
    for call in (
        lambda tx: old_parts.scrap_old_part(tx, dealer, part),
        lambda tx: old_parts.hand_over_old_part(tx, dealer, part),
        lambda tx: old_parts.request_returns(tx, dealer, [part], by_manufacturer=True),
    ):
        refused = await _refused(desk, call)
        assert (refused.rule, refused.extensions["fromStatus"]) == (
            "status_transition",
            "requested",
        )
    # Moving it inside the store keeps its status and says where it went.
    async with as_member(desk, "old_parts_keeper") as tx:
        await old_parts.store_old_part(tx, dealer, part, "OP-B-02")
    assert await movements(db, part) == [
        (None, "tagged"),
        ("tagged", "stored"),
        ("stored", "requested"),
        ("requested", "requested"),
    ]
    assert await db.fetchval("select location from old_part where id = $1", part) == "OP-B-02"


async def test_request_needs_a_claim_and_adopts_one_written_after_tagging(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    part = await _tag(desk, repair_order_line_id=desk.part_line_id, location="OP-A-01")
    assert await db.fetchval("select claim_id from old_part where id = $1", part) is None
    refused = await _refused(
        desk,
        lambda tx: old_parts.request_returns(tx, desk.dealer_id, [part], by_manufacturer=True),
    )
    assert refused.rule == "not_claimed"
    claim = await make_claim(db, desk, status="submitted", approved=None)
    async with as_member(desk) as tx:
        await old_parts.request_returns(tx, desk.dealer_id, [part], by_manufacturer=True)
    row = await db.fetchrow(
        "select claim_id, claim_line_id, status from old_part where id = $1", part
    )
    assert (row["claim_id"], row["claim_line_id"], row["status"]) == (
        claim.id,
        claim.part_line_id,
        "requested",
    )


async def test_customer_takes_non_warranty_part_and_rejected_claims_release_theirs(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    customer_line = await _part_line(db, desk, desk.part_id, "customer")
    mine = await _tag(desk, "old_parts_keeper", repair_order_line_id=customer_line)
    assert await db.fetchval("select must_return from old_part where id = $1", mine) is False
    claim = await make_claim(db, desk, status="submitted", approved=None)
    warranty = await _tag(desk, claim_line_id=claim.part_line_id)
    async with as_member(desk, "old_parts_keeper") as tx:
        await old_parts.hand_over_old_part(tx, desk.dealer_id, mine, note="bagged for Liu")
    refused = await _refused(
        desk, lambda tx: old_parts.hand_over_old_part(tx, desk.dealer_id, warranty)
    )
    assert refused.rule == "warranty_part_kept"
    await db.execute("update warranty_claim set status = 'rejected' where id = $1", claim.id)
    async with as_member(desk, "old_parts_keeper") as tx:
        await old_parts.hand_over_old_part(tx, desk.dealer_id, warranty)
    assert await statuses(db, [mine, warranty]) == ["handed_over", "handed_over"]
    refused = await _refused(
        desk, lambda tx: old_parts.store_old_part(tx, desk.dealer_id, mine, "X")
    )
    assert (refused.rule, refused.extensions["fromStatus"]) == ("status_transition", "handed_over")


async def test_scrap_by_hand_after_retention_only(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    await make_claim(db, desk, status="submitted", approved=None)
    part = await _tag(desk, repair_order_line_id=desk.part_line_id, location="OP-A-01")
    local_today: date = await db.fetchval("select (now() at time zone 'Asia/Shanghai')::date")
    await db.execute("update old_part set retain_until = $2 where id = $1", part, local_today)
    refused = await _refused(desk, lambda tx: old_parts.scrap_old_part(tx, desk.dealer_id, part))
    assert refused.extensions["retainUntil"] == str(local_today)
    await db.execute(
        "update old_part set retain_until = $2 where id = $1", part, local_today - timedelta(days=1)
    )
    async with as_member(desk, "old_parts_keeper") as tx:
        await old_parts.scrap_old_part(tx, desk.dealer_id, part, note="to the recycler")
    assert await movements(db, part) == [
        (None, "tagged"),
        ("tagged", "stored"),
        ("stored", "scrapped"),
    ]


async def test_movements_are_append_only_for_the_app(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    part = await _tag(desk, repair_order_line_id=desk.part_line_id)
    async with as_member(desk) as tx:
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await tx.connection.execute(
                "update old_part_movement set to_status = 'stored' where old_part_id = $1", part
            )


async def test_ledger_reconciles_claimed_tagged_and_cards_per_claim(
    db: asyncpg.Connection, desk: WarrantyDesk
) -> None:
    tagged_claim = await make_claim(db, desk, status="submitted", approved=None)
    untagged_claim = await make_claim(
        db, desk, status="submitted", approved=None, with_order_line=False
    )
    part = await _tag(desk, claim_line_id=tagged_claim.part_line_id, location="OP-A-01")
    async with as_member(desk) as tx:
        rows = await ledger_by_claim(
            tx.connection, desk.dealer_id, before_claim_id=None, only_differences=False, limit=10
        )
    by_claim = {r["claim_id"]: r for r in rows}
    assert by_claim[tagged_claim.id]["agrees"] is True
    assert (by_claim[tagged_claim.id]["claimed"], by_claim[tagged_claim.id]["in_store"]) == (1, 1)
    assert by_claim[untagged_claim.id]["agrees"] is False
    assert by_claim[untagged_claim.id]["tagged"] == 0
    # A card changed behind the ledger's back shows up.
    await db.execute("update old_part set status = 'shipped' where id = $1", part)
    async with as_member(desk) as tx:
        rows = await ledger_by_claim(
            tx.connection, desk.dealer_id, before_claim_id=None, only_differences=True, limit=10
        )
    assert {r["claim_id"] for r in rows} == {tagged_claim.id, untagged_claim.id}
    assert next(r for r in rows if r["claim_id"] == tagged_claim.id)["cards_off_ledger"] == 1
