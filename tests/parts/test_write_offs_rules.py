"""Write-off rules: only damaged, defective or obsolete parts that can be neither claimed,
returned nor repaired; never human-caused damage; three signatures in three capacities
by three different people, none the requester, each holding the capacity's role; any
refusal rejects; approved parts stay until the retention days have passed."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import asyncpg
import pytest

from policies.errors import SegregationOfDutiesError
from tenants.parts import write_offs
from tenants.parts.errors import InsufficientStock, RuleViolation
from tests.factories import make_membership, make_user
from tests.parts.counts_steps import SIGNERS, acting, ledger_state, request_write_off, sign
from tests.parts.factories_parts import PartsShop


@pytest.mark.parametrize(
    ("overrides", "field", "rule"),
    [
        ({"human_caused": True}, "humanCaused", "human_caused"),
        ({"reason": "lost"}, "reason", "write_off_reason"),
        ({"cannot_claim": False}, "cannotClaim", "claimable"),
        ({"cannot_return": False}, "cannotReturn", "returnable"),
        ({"cannot_repair": False}, "cannotRepair", "repairable"),
        ({"description": "  "}, "description", "description_required"),
        ({"quantity": Decimal(0)}, "quantity", "positive"),
        ({"quantity": Decimal("0.001")}, "quantity", "two_decimals"),
    ],
)
async def test_requests_outside_the_rules_are_refused(
    db: asyncpg.Connection, parts_shop: PartsShop, overrides: dict[str, Any], field: str, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await request_write_off(parts_shop, **overrides)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert await db.fetchval("select count(*) from write_off") == 0


async def test_human_caused_damage_is_paid_by_the_person(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    with pytest.raises(RuleViolation) as refused:
        await request_write_off(parts_shop, human_caused=True)
    assert "the person responsible pays" in refused.value.message


async def test_the_named_keeper_must_be_a_warehouse_keeper_here(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    for keeper in ("planner", "peer_keeper"):
        with pytest.raises(RuleViolation) as refused:
            await request_write_off(parts_shop, keeper=keeper)
        assert refused.value.rule == "warehouse_keeper_role"


async def test_only_free_stock_is_written_off(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    with pytest.raises(InsufficientStock):
        await request_write_off(parts_shop, "pad", "5")
    await request_write_off(parts_shop, "pad", "3")
    # The pending request holds 3 of the 4 pads.
    with pytest.raises(InsufficientStock) as refused:
        await request_write_off(parts_shop, "pad", "2")
    assert refused.value.missing == Decimal(1)


async def test_three_signatures_approve_and_book_one_write_off_movement(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    created = await request_write_off(parts_shop, "pad", "2")
    outcomes = [await sign(parts_shop, created.id, post, cap) for post, cap in SIGNERS]
    assert [o.status for o in outcomes] == ["requested", "requested", "approved"]
    assert outcomes[0].missing == {"claims_supervisor", "parts_manager"}
    row = await db.fetchrow("select * from write_off where id = $1", created.id)
    assert row["status"] == "approved" and row["movement_id"] == outcomes[2].movement_id
    movement = await db.fetchrow("select * from stock_movement where id = $1", row["movement_id"])
    assert (movement["kind"], movement["quantity"], movement["document_type"]) == (
        "write_off",
        Decimal(-2),
        "write_off",
    )
    state = await ledger_state(db, parts_shop.items["pad"])
    assert state["on_hand"] == state["ledger"] == state["lots"] == Decimal(2)
    actions = [
        r["action"]
        for r in await db.fetch(
            "select action from audit_entry where object_type = 'write_off' order by id"
        )
    ]
    assert actions == [
        "write_off.request",
        "write_off.sign.approved",
        "write_off.sign.approved",
        "write_off.sign.approved",
        "write_off.approve",
    ]


async def test_the_requester_cannot_sign(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    created = await request_write_off(parts_shop, post="parts_manager")
    with pytest.raises(SegregationOfDutiesError) as refused:
        await sign(parts_shop, created.id, "parts_manager", "parts_manager")
    assert "requester" in refused.value.message
    with pytest.raises(SegregationOfDutiesError):  # refusing is deciding too
        await sign(
            parts_shop, created.id, "parts_manager", "parts_manager", approve=False, note="x"
        )
    assert await db.fetchval("select count(*) from write_off_signature") == 0


async def test_a_capacity_needs_its_role(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    created = await request_write_off(parts_shop)
    for post, capacity in (("claims", "service_manager"), ("manager", "parts_manager"),
                           ("gm", "service_manager"), ("keeper", "claims_supervisor")):  # fmt: skip
        with pytest.raises(RuleViolation) as refused:
            await sign(parts_shop, created.id, post, capacity)
        assert (refused.value.field, refused.value.rule) == ("capacity", "signer_capacity")
    with pytest.raises(RuleViolation) as refused:
        await sign(parts_shop, created.id, "manager", "general_manager")
    assert refused.value.rule == "write_off_capacity"


async def test_three_different_people(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    # One person holds both the service manager's and the parts manager's posts (兼职).
    both = await make_user(db, "both_managers")
    await make_membership(db, parts_shop.dealer_id, both, ["service_manager", "parts_manager"])
    parts_shop.users["both"] = both
    second_manager = await make_user(db, "second_manager")
    await make_membership(db, parts_shop.dealer_id, second_manager, ["service_manager"])
    parts_shop.users["second_manager"] = second_manager

    created = await request_write_off(parts_shop)
    await sign(parts_shop, created.id, "both", "service_manager")
    with pytest.raises(SegregationOfDutiesError) as refused:
        await sign(parts_shop, created.id, "both", "parts_manager")
    assert "same person" in refused.value.message
    with pytest.raises(SegregationOfDutiesError) as refused:
        await sign(parts_shop, created.id, "second_manager", "service_manager")
    assert "already given" in refused.value.message
    await sign(parts_shop, created.id, "claims", "claims_supervisor")
    done = await sign(parts_shop, created.id, "parts_manager", "parts_manager")
    assert done.status == "approved"
    signed = await db.fetch(
        "select user_id, capacity from write_off_signature where write_off_id = $1", created.id
    )
    assert {(r["user_id"], r["capacity"]) for r in signed} == {
        (both, "service_manager"),
        (parts_shop.users["claims"], "claims_supervisor"),
        (parts_shop.users["parts_manager"], "parts_manager"),
    }


async def test_any_refusal_rejects(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    created = await request_write_off(parts_shop)
    await sign(parts_shop, created.id, "manager", "service_manager")
    with pytest.raises(RuleViolation) as refused:
        await sign(parts_shop, created.id, "claims", "claims_supervisor", approve=False)
    assert refused.value.rule == "rejection_note"
    outcome = await sign(
        parts_shop, created.id, "claims", "claims_supervisor", approve=False,
        note="Still under the supplier's warranty: claim it",
    )  # fmt: skip
    assert outcome.status == "rejected"
    with pytest.raises(RuleViolation) as refused:
        await sign(parts_shop, created.id, "parts_manager", "parts_manager")
    assert refused.value.rule == "status_transition"
    row = await db.fetchrow(
        "select status, movement_id, decided_at from write_off where id = $1", created.id
    )
    assert (row["status"], row["movement_id"]) == ("rejected", None) and row["decided_at"]
    assert (await ledger_state(db, parts_shop.items["pad"]))["on_hand"] == Decimal(4)


async def test_cancel_before_a_decision(db: asyncpg.Connection, parts_shop: PartsShop) -> None:
    created = await request_write_off(parts_shop)
    await sign(parts_shop, created.id, "manager", "service_manager")
    async with acting(parts_shop, "keeper") as tx:
        await write_offs.cancel_write_off(
            tx, parts_shop.dealer_id, created.id, note="Found repairable"
        )
    with pytest.raises(RuleViolation) as refused:
        await sign(parts_shop, created.id, "claims", "claims_supervisor")
    assert refused.value.rule == "status_transition"
    async with acting(parts_shop, "keeper") as tx:
        with pytest.raises(RuleViolation) as refused:
            await write_offs.cancel_write_off(tx, parts_shop.dealer_id, created.id)
    assert refused.value.rule == "status_transition"


async def test_disposal_waits_for_the_retention_days(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    created = await request_write_off(shop)
    async with acting(shop, "keeper") as tx:
        with pytest.raises(RuleViolation) as refused:
            await write_offs.dispose_write_off(tx, shop.dealer_id, created.id, note="Scrapped")
    assert refused.value.rule == "status_transition"  # not approved yet
    for post, capacity in SIGNERS:
        await sign(shop, created.id, post, capacity)
    async with acting(shop, "keeper") as tx:
        with pytest.raises(RuleViolation) as refused:
            await write_offs.dispose_write_off(tx, shop.dealer_id, created.id, note="Scrapped")
    assert refused.value.rule == "retention_period"
    assert "30 days" in refused.value.message

    await db.execute(
        "insert into parts_settings (dealer_id, write_off_retention_days) values ($1, 7)",
        shop.dealer_id,
    )
    await db.execute(
        "update write_off set decided_at = now() - interval '8 days' where id = $1", created.id
    )
    async with acting(shop, "keeper") as tx:
        with pytest.raises(RuleViolation) as refused:
            await write_offs.dispose_write_off(tx, shop.dealer_id, created.id, note=" ")
    assert refused.value.rule == "disposal_note_required"
    async with acting(shop, "keeper") as tx:
        await write_offs.dispose_write_off(
            tx, shop.dealer_id, created.id, note="Scrapped with the recycler, slip 0042"
        )
    row = await db.fetchrow("select * from write_off where id = $1", created.id)
    assert (row["status"], row["disposed_by"], row["disposal_note"]) == (
        "disposed",
        shop.users["keeper"],
        "Scrapped with the recycler, slip 0042",
    )
    audit = await db.fetchval(
        "select after from audit_entry where action = 'write_off.dispose' and object_id = $1",
        str(created.id),
    )
    assert json.loads(audit)["status"] == "disposed"


async def test_a_signature_once_given_cannot_be_rewritten(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """Even the owner cannot edit or delete a signature in place (trigger, not grants)."""
    write_off = await request_write_off(parts_shop)
    post, capacity = SIGNERS[0]
    await sign(parts_shop, write_off.id, post, capacity)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("update write_off_signature set note = 'changed'")
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("delete from write_off_signature")
    assert await db.fetchval("select count(*) from write_off_signature") == 1
