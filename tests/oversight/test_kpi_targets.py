"""The manufacturer's KPI targets: the catalog default until it sets its own, a row
overrides it (and only for that manufacturer), removal falls back to the default, bad
targets are refused by rule, every change is audited."""

from __future__ import annotations

import json
from decimal import Decimal

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.errors import RuleViolation
from tenants.oversight.kpi_catalog import KPI_BY_KEY, KPIS
from tenants.oversight.kpi_targets import set_target, targets_for
from tests.oversight.factories_oversight import Network

D = Decimal


def acting(network: Network) -> TenantScope:
    """The regional manager, acting from the region's first dealer."""
    return TenantScope.of([network.dealer_ids[0]], network.users["regional"])


async def test_catalog_defaults_without_rows(db: asyncpg.Connection, network: Network) -> None:
    async with tenant_transaction(acting(network)) as tx:
        targets = await targets_for(tx.connection, network.manufacturer_id)
    assert set(targets) == {k.key for k in KPIS}
    assert targets["revisit_success"] == (D("0.8"), "at_least")
    assert targets["major_complaint_rate"] == (D("0.01"), "at_most")
    assert targets["dead_stock_share"] == (D("0.05"), "at_most")
    assert targets["orders_delivered"] == (None, "at_least")
    assert targets["claims_rejected"] == (None, "at_most")


async def test_a_row_overrides_the_default_for_its_manufacturer_only(
    db: asyncpg.Connection, network: Network
) -> None:
    async with tenant_transaction(acting(network)) as tx:
        after = await set_target(
            tx, network.dealer_ids[0], network.manufacturer_id, "revisit_success", D("0.9")
        )
        assert after == (D("0.9"), "at_least")
        await set_target(
            tx,
            network.dealer_ids[0],
            network.manufacturer_id,
            "claims_per_100_orders",
            D("12"),
            "at_most",
        )
    other_brand = await db.fetchval(
        "select r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.id = $1",
        network.other_brand_dealer_id,
    )
    async with tenant_transaction(acting(network)) as tx:
        mine = await targets_for(tx.connection, network.manufacturer_id)
        theirs = await targets_for(tx.connection, other_brand)
    assert mine["revisit_success"] == (D("0.9000"), "at_least")
    assert mine["claims_per_100_orders"] == (D("12.0000"), "at_most")
    assert theirs["revisit_success"] == (KPI_BY_KEY["revisit_success"].default_target, "at_least")
    entries = await db.fetch(
        "select action, object_id, actor_user_id, after from audit_entry"
        " where object_type = 'kpi_target' order by id"
    )
    assert [e["action"] for e in entries] == ["kpi_target.set", "kpi_target.set"]
    assert entries[0]["object_id"] == f"{network.manufacturer_id}:revisit_success"
    assert entries[0]["actor_user_id"] == network.users["regional"]


async def test_removing_a_target_falls_back_to_the_default(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer, maker = network.dealer_ids[0], network.manufacturer_id
    async with tenant_transaction(acting(network)) as tx:
        await set_target(tx, dealer, maker, "csi", D("90"))
        assert await set_target(tx, dealer, maker, "csi", None) == (D("85"), "at_least")
        assert (await targets_for(tx.connection, maker))["csi"] == (D("85"), "at_least")
    actions = await db.fetch(
        "select action, before from audit_entry where object_type = 'kpi_target' order by id"
    )
    assert [a["action"] for a in actions] == ["kpi_target.set", "kpi_target.remove"]
    assert json.loads(actions[1]["before"])["target"] == "90.0000"


@pytest.mark.parametrize(
    ("kpi", "target", "direction", "rule"),
    [
        ("no_such_kpi", D("1"), None, "unknown_kpi"),
        ("csi", D("-1"), None, "not_negative"),
        ("revisit_success", D("1.5"), None, "ratio_range"),
        ("csi", D("80"), "sideways", "direction"),
    ],
)
async def test_bad_targets_are_refused_by_rule(
    db: asyncpg.Connection,
    network: Network,
    kpi: str,
    target: Decimal,
    direction: str | None,
    rule: str,
) -> None:
    with pytest.raises(RuleViolation) as refused:
        async with tenant_transaction(acting(network)) as tx:
            await set_target(
                tx, network.dealer_ids[0], network.manufacturer_id, kpi, target, direction
            )
    assert refused.value.rule == rule
    assert await db.fetchval("select count(*) from kpi_target") == 0
