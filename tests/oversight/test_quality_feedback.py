"""Quality feedback: failures grouped by part and model from claims and repair data.

Dealer 0 (Sedans): claim 1 (fault 2026-02-05, 20,000 km, P0100, car sold 2025-01-10)
names water pump A as causal part and has part lines A and B; its order also carries a
warranty line for A (the same failure, counted once). Claim 2 (2026-03-10, 30,000 km,
P0101, sold 2025-03-10) names A. A fleet car's order delivered 2026-04-01 (local), sent
back to rework, replaced A under warranty without a claim (10,000 km, no sale date). A
cancelled claim on caliper C counts nowhere. Dealer 1 (SUV sold 2025-06-01): claim 3
(2026-03-01, 15,000 km, P0100) names A.

A x Sedan: 3 failures (2 claims, 1 rework), 3 vehicles, median 20,000 km, median 12
months, first 2026-02-05, last 2026-04-01. A x SUV: 1 failure, 9 months. B x Sedan: 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import asyncpg
import pytest

from tenants.oversight.quality_feedback import Filters, QualityFeedback, quality_feedback
from tests.oversight.factories_oversight import Network, make_network
from tests.oversight.outliers_arrange import seed_quality

PERIOD = Filters(date(2026, 1, 1), date(2026, 6, 30))


@dataclass
class Fleet:
    network: Network
    parts: dict[str, int]


@pytest.fixture
async def fleet(db: asyncpg.Connection) -> Fleet:
    network = await make_network(db, dealers=2)
    return Fleet(network, await seed_quality(db, network))


async def _feedback(
    db: asyncpg.Connection, fleet: Fleet, filters: Filters = PERIOD
) -> QualityFeedback:
    return await quality_feedback(db, fleet.network.dealer_ids, filters)


async def test_failures_are_grouped_by_part_and_model_each_counted_once(
    db: asyncpg.Connection, fleet: Fleet
) -> None:
    got = {(r.part_id, r.model): r for r in (await _feedback(db, fleet)).rows}
    a, b = fleet.parts["A"], fleet.parts["B"]
    assert set(got) == {(a, "Sedan"), (a, "SUV"), (b, "Sedan")}
    sedan = got[(a, "Sedan")]
    assert (sedan.failures, sedan.claims, sedan.reworks, sedan.dealers, sedan.vehicles) == (
        3,
        2,
        1,
        1,
        3,
    )
    assert (sedan.first_on, sedan.last_on) == (date(2026, 2, 5), date(2026, 4, 1))
    assert (sedan.median_km, sedan.median_months) == (Decimal("20000.0"), Decimal("12.0"))
    assert sedan.fault_codes == ["P0100", "P0101"]
    suv = got[(a, "SUV")]
    assert (suv.failures, suv.median_km, suv.median_months) == (
        1,
        Decimal("15000.0"),
        Decimal("9.0"),
    )
    assert got[(b, "Sedan")].failures == 1
    assert sedan.part_name == "Water pump" and sedan.part_group == "engine"


async def test_top_parts_and_monthly_trend(db: asyncpg.Connection, fleet: Fleet) -> None:
    feedback = await _feedback(db, fleet)
    assert [(p.part_id, p.failures, p.vehicles) for p in feedback.top_parts] == [
        (fleet.parts["A"], 4, 4),
        (fleet.parts["B"], 1, 1),
    ]
    assert [(m.month.month, m.failures) for m in feedback.trend] == [
        (1, 0), (2, 2), (3, 2), (4, 1), (5, 0), (6, 0),
    ]  # fmt: skip
    assert feedback.models == ["SUV", "Sedan"]
    assert feedback.part_groups == ["brakes", "engine"]


async def test_filters_by_model_part_group_and_period(db: asyncpg.Connection, fleet: Fleet) -> None:
    suv = await _feedback(db, fleet, Filters(PERIOD.start, PERIOD.end, model="SUV"))
    assert [(r.part_id, r.model) for r in suv.rows] == [(fleet.parts["A"], "SUV")]
    brakes = await _feedback(db, fleet, Filters(PERIOD.start, PERIOD.end, part_group="brakes"))
    assert [(r.part_id, r.model) for r in brakes.rows] == [(fleet.parts["B"], "Sedan")]
    assert brakes.models == ["SUV", "Sedan"]  # the choices ignore the filters
    march = await _feedback(db, fleet, Filters(date(2026, 3, 1), date(2026, 3, 31)))
    assert sorted((r.model, r.failures) for r in march.rows) == [("SUV", 1), ("Sedan", 1)]


async def test_only_the_dealers_in_scope_count(db: asyncpg.Connection, fleet: Fleet) -> None:
    one = await quality_feedback(db, fleet.network.dealer_ids[1:], PERIOD)
    assert [(r.model, r.failures) for r in one.rows] == [("SUV", 1)]
    region = await _feedback(db, fleet)
    assert "Coupe" not in {r.model for r in region.rows}
