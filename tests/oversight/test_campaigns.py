"""Publishing a campaign, importing its VIN file, closing it; each dealer's affected
vehicles are the VIN list matched to its own vehicles, and nothing of another dealer's."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from tenants.errors import RecordNotFound, RuleViolation
from tenants.oversight import campaigns
from tenants.oversight.campaign_orders import add_campaign_operation
from tenants.oversight.campaigns import NewCampaign
from tests.oversight.campaigns_arrange import (
    NOW,
    acting,
    at_dealer,
    make_campaign,
    make_operation,
    make_order,
    make_vehicle,
    vin,
)
from tests.oversight.factories_oversight import Network


def _new(operation: int, code: str = "rc-2026-01", **changes: object) -> NewCampaign:
    values: dict[str, object] = {
        "code": code,
        "kind": "recall",
        "title": "Brake hose recall",
        "title_zh": "制动软管召回",
        "starts_on": date(2026, 11, 1),
        "operation_id": operation,
    }
    values.update(changes)
    return NewCampaign(**values)  # type: ignore[arg-type]


async def test_publish_import_close(db: asyncpg.Connection, network: Network) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    async with acting(network, "regional") as tx:
        campaign = await campaigns.publish_campaign(
            tx, network.dealer_ids[0], _new(operation), now=NOW
        )
    row = await db.fetchrow("select * from campaign where id = $1", campaign)
    assert (row["code"], row["status"], row["published_by"]) == (
        "RC-2026-01",
        "open",
        network.users["regional"],
    )
    assert row["manufacturer_id"] == network.manufacturer_id

    async with acting(network, "regional") as tx:
        first = await campaigns.import_vins(
            tx, network.dealer_ids[0], campaign, f"{vin(1)}\n{vin(2)}\nBAD\n{vin(1)}\n"
        )
    assert (first.added, first.already_listed, len(first.invalid), len(first.duplicates)) == (
        2,
        0,
        1,
        1,
    )
    async with acting(network, "regional") as tx:
        second = await campaigns.import_vins(
            tx, network.dealer_ids[0], campaign, f"{vin(2)}\n{vin(3)}\n"
        )
    assert (second.added, second.already_listed) == (1, 1)
    assert (
        await db.fetchval("select count(*) from campaign_vehicle where campaign_id = $1", campaign)
        == 3
    )

    async with acting(network, "regional") as tx:
        await campaigns.close_campaign(tx, network.dealer_ids[0], campaign, now=NOW)
    closed = await db.fetchrow("select status, ends_on from campaign where id = $1", campaign)
    assert (closed["status"], closed["ends_on"]) == ("closed", date(2026, 11, 20))
    with pytest.raises(RuleViolation) as again:
        async with acting(network, "regional") as tx:
            await campaigns.close_campaign(tx, network.dealer_ids[0], campaign, now=NOW)
    assert again.value.rule == "campaign_closed"
    with pytest.raises(RuleViolation) as late:
        async with acting(network, "regional") as tx:
            await campaigns.import_vins(tx, network.dealer_ids[0], campaign, vin(4))
    assert late.value.rule == "campaign_closed"
    actions = await db.fetch(
        "select action from audit_entry where object_type = 'campaign' and object_id = $1"
        " order by id",
        str(campaign),
    )
    assert [a["action"] for a in actions] == [
        "campaign.publish",
        "campaign.import_vins",
        "campaign.import_vins",
        "campaign.close",
    ]


async def test_publish_refusals(db: asyncpg.Connection, network: Network) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    foreign_operation = await make_operation(
        db,
        await db.fetchval(
            "select manufacturer_id from region r join dealer d"
            " on d.region_id = r.id where d.id = $1",
            network.other_brand_dealer_id,
        ),
    )
    cases: list[tuple[NewCampaign, str]] = [
        (_new(operation, code="bad code!"), "campaign_code_format"),
        (_new(operation, kind="sale"), "campaign_kind"),
        (_new(operation, title="  "), "required"),
        (_new(operation, ends_on=date(2026, 10, 1)), "campaign_ends_before_start"),
        (_new(foreign_operation), "unknown_operation"),
    ]
    for new, rule in cases:
        with pytest.raises(RuleViolation) as refused:
            async with acting(network, "regional") as tx:
                await campaigns.publish_campaign(tx, network.dealer_ids[0], new, now=NOW)
        assert refused.value.rule == rule
    async with acting(network, "regional") as tx:
        await campaigns.publish_campaign(tx, network.dealer_ids[0], _new(operation), now=NOW)
    with pytest.raises(RuleViolation) as taken:
        async with acting(network, "regional") as tx:
            await campaigns.publish_campaign(tx, network.dealer_ids[1], _new(operation), now=NOW)
    assert taken.value.rule == "campaign_code_taken"


async def test_each_dealer_sees_only_its_own_matches(
    db: asyncpg.Connection, network: Network
) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    d0, d1 = network.dealer_ids[0], network.dealer_ids[1]
    await make_vehicle(db, d0, vin(11))
    await make_vehicle(db, d0, vin(12))
    await make_vehicle(db, d1, vin(13))
    await make_vehicle(db, d0, vin(14))  # not on the list
    campaign = await make_campaign(db, network, operation, [vin(11), vin(12), vin(13), vin(15)])
    await db.execute(
        "update campaign_vehicle set completed_at = now(), completed_dealer_id = $2"
        " where campaign_id = $1 and vin = $3",
        campaign,
        d1,
        vin(12),
    )
    async with acting(network, "manager@0", 0) as tx:
        mine = await campaigns.affected_vehicles(tx.connection, d0, campaign)
        counts = await campaigns.dealer_campaign_counts(tx.connection, d0, [campaign])
        # The scope hides the other dealer's vehicles even when its id is asked for.
        theirs = await campaigns.affected_vehicles(tx.connection, d1, campaign)
    assert [r["vin"] for r in mine] == [vin(11), vin(12)]
    assert [r["completed_here"] for r in mine] == [None, False]
    c = counts[0]
    assert (c["affected"], c["completed_here"], c["completed_elsewhere"], c["open"]) == (
        2,
        0,
        1,
        1,
    )
    assert theirs == []
    async with acting(network, "manager@1", 1) as tx:
        other = await campaigns.affected_vehicles(tx.connection, d1, campaign)
    assert [r["vin"] for r in other] == [vin(13)]


async def test_open_campaigns_for_vins(db: asyncpg.Connection, network: Network) -> None:
    operation = await make_operation(db, network.manufacturer_id)
    live = await make_campaign(db, network, operation, [vin(21), vin(22)])
    await make_campaign(db, network, operation, [vin(21)], status="closed")
    await db.execute(
        "update campaign_vehicle set completed_at = now() where campaign_id = $1 and vin = $2",
        live,
        vin(22),
    )
    async with acting(network, "advisor@0", 0) as tx:
        rows = await campaigns.open_campaigns_for_vins(
            tx.connection, network.dealer_ids[0], [vin(21), vin(22), vin(23)]
        )
    assert [(r["vin"], r["id"]) for r in rows] == [(vin(21), live)]
    async with at_dealer(network.other_brand_dealer_id) as tx:
        foreign = await campaigns.open_campaigns_for_vins(
            tx.connection, network.other_brand_dealer_id, [vin(21)]
        )
    assert foreign == []


async def test_one_click_adds_the_operation_as_warranty_line(
    db: asyncpg.Connection, network: Network
) -> None:
    operation = await make_operation(db, network.manufacturer_id, hours="0.8")
    campaign = await make_campaign(db, network, operation, [vin(41)])
    listed_elsewhere = await make_campaign(db, network, operation, [vin(42)])
    vehicle = await make_vehicle(db, network.dealer_ids[0], vin(41))
    order = await make_order(db, network, 0, vehicle, status="open")
    async with acting(network, "advisor@0", 0) as tx:
        line = await add_campaign_operation(tx, order, campaign)
    assert (line["kind"], line["pay_type"], line["operation_id"], line["hours"]) == (
        "labour",
        "warranty",
        operation,
        Decimal("0.80"),
    )
    assert line["status"] == "proposed" and line["repair_order_id"] == order
    with pytest.raises(RuleViolation) as twice:
        async with acting(network, "advisor@0", 0) as tx:
            await add_campaign_operation(tx, order, campaign)
    assert twice.value.rule == "campaign_operation_on_order"
    with pytest.raises(RecordNotFound):
        async with acting(network, "advisor@0", 0) as tx:
            await add_campaign_operation(tx, order, listed_elsewhere)
    await db.execute(
        "update campaign_vehicle set completed_at = now() where campaign_id = $1", campaign
    )
    other = await make_order(db, network, 0, vehicle, status="open")
    with pytest.raises(RuleViolation) as done:
        async with acting(network, "advisor@0", 0) as tx:
            await add_campaign_operation(tx, other, campaign)
    assert done.value.rule == "campaign_already_completed"
