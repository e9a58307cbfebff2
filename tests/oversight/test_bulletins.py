"""Technical bulletins: the manufacturer publishes, each dealer's technical director
distributes to staff, each person marks it read, the director sees who has."""

from __future__ import annotations

import asyncpg
import pytest

from tenants.errors import RecordNotFound, RuleViolation
from tenants.oversight import bulletins
from tenants.oversight.bulletins import NewBulletin
from tests.oversight.campaigns_arrange import NOW, acting, at_dealer, make_operation
from tests.oversight.factories_oversight import Network


async def _publish(db: asyncpg.Connection, network: Network, code: str = "tsb-26-014") -> int:
    operation = await make_operation(db, network.manufacturer_id)
    async with acting(network, "regional") as tx:
        return await bulletins.publish_bulletin(
            tx,
            network.dealer_ids[0],
            NewBulletin(
                code=code,
                title="Brake hose chafing",
                title_zh="制动软管磨损",
                models=("Lavida", " Tiguan ", "Lavida"),
                operation_ids=(operation,),
            ),
            now=NOW,
        )


async def test_publish(db: asyncpg.Connection, network: Network) -> None:
    bulletin = await _publish(db, network)
    row = await db.fetchrow("select * from technical_bulletin where id = $1", bulletin)
    assert (row["code"], row["models"], row["manufacturer_id"]) == (
        "TSB-26-014",
        ["Lavida", "Tiguan"],
        network.manufacturer_id,
    )
    with pytest.raises(RuleViolation) as taken:
        await _publish(db, network)
    assert taken.value.rule == "bulletin_code_taken"
    with pytest.raises(RuleViolation) as unknown:
        async with acting(network, "regional") as tx:
            await bulletins.publish_bulletin(
                tx,
                network.dealer_ids[0],
                NewBulletin(code="TSB-2", title="x", operation_ids=(10**9,)),
                now=NOW,
            )
    assert unknown.value.rule == "unknown_operation"


async def test_distribute_read_and_who_read(db: asyncpg.Connection, network: Network) -> None:
    bulletin = await _publish(db, network)
    d0 = network.dealer_ids[0]
    async with acting(network, "tech_director@0", 0) as tx:
        added = await bulletins.distribute(
            tx, d0, bulletin, [network.staff("advisor", 0), network.staff("manager", 0)], now=NOW
        )
    assert added == 2
    async with acting(network, "tech_director@0", 0) as tx:
        assert await bulletins.distribute(tx, d0, bulletin, None, now=NOW) == 3  # the rest
    async with acting(network, "advisor@0", 0) as tx:
        first = await bulletins.mark_read(tx, d0, bulletin, now=NOW)
    async with acting(network, "advisor@0", 0) as tx:
        assert await bulletins.mark_read(tx, d0, bulletin, now=NOW.replace(hour=9)) == first
    async with acting(network, "tech_director@0", 0) as tx:
        rows = await bulletins.readings(tx.connection, d0, bulletin)
        listed = await bulletins.bulletins_of_dealer(tx.connection, d0, network.staff("advisor", 0))
    read = {r["user_id"]: r["read_at"] for r in rows}
    assert len(read) == 5 and read[network.staff("advisor", 0)] == NOW
    assert sum(1 for v in read.values() if v is None) == 4
    mine = next(b for b in listed if b["id"] == bulletin)
    assert (mine["distributed"], mine["read"], mine["my_read_at"]) == (5, 1, NOW)


async def test_scoped_to_the_dealer(db: asyncpg.Connection, network: Network) -> None:
    bulletin = await _publish(db, network)
    d0, d1 = network.dealer_ids[0], network.dealer_ids[1]
    with pytest.raises(RuleViolation) as stranger:
        async with acting(network, "tech_director@0", 0) as tx:
            await bulletins.distribute(tx, d0, bulletin, [network.staff("advisor", 1)], now=NOW)
    assert stranger.value.rule == "not_dealer_staff"
    async with acting(network, "tech_director@1", 1) as tx:
        await bulletins.distribute(tx, d1, bulletin, None, now=NOW)
    async with acting(network, "tech_director@0", 0) as tx:
        assert await bulletins.readings(tx.connection, d1, bulletin) == []
    with pytest.raises(RuleViolation) as not_given:
        async with acting(network, "advisor@0", 0) as tx:
            await bulletins.mark_read(tx, d0, bulletin, now=NOW)
    assert not_given.value.rule == "bulletin_not_distributed"
    with pytest.raises(RecordNotFound):
        async with at_dealer(network.other_brand_dealer_id) as tx:
            await bulletins.distribute(tx, network.other_brand_dealer_id, bulletin, None, now=NOW)
