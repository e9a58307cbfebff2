"""KPI facts on a hand-computed history of one dealer in Asia/Shanghai (UTC+8) over May
and June 2025: every KPI family, each month a local calendar month (an order delivered
00:10 on 1 June local is June although it is still 31 May in UTC; one delivered 00:05 on
1 July local is neither month although it is 30 June in UTC).

June: orders delivered 00:10 on 1 June (1.0 h, reworked), 15 June (2.5 h, a technician
clocked 2 h on it) and 23:30 on 30 June (0.5 h) -> 3 orders, 4.0 hours sold, efficiency
2.5 / 2 = 1.25, first-time fix 2 / 3. One serious complaint -> 1 / 3. Revisits due in
June: one called (scores 5 and 4 -> CSI 87.5), one still open -> coverage 1 / 3, success
1 / 2. Parts: item A 10 @ 10 received 15 July 2024, 4 issued 10 June 2025 (cost 40);
item B 5 @ 20 received March 2024, never moved -> dead: 100 / 160. Inventory at the 13
month marks: A 0, 100 x 11, 60 plus B 100 each -> average 189.23, turnover 40 / 189.23. Requests: one
available, one not -> fill 1 / 2. Warranty: claims c1 (VIN X, 5 June, approved 20 June,
500 asked, 450 approved, 1.5 h) and c2 (VIN X again on 25 June -> a repeat, rejected
00:30 on 1 July local -> July, 300 asked, 2 h); c3 (VIN Y, 23:00 on 31 May local -> May,
200 asked, rejected 2 June). Old parts: one requested 20 May, never shipped (deadline
19 June -> late), one inspected 10 June not confirmed, one 11 June confirmed.
May: the order of 23:50 on 31 May and claim c3.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from tenants.database import TenantScope, tenant_transaction
from tenants.oversight.kpi_catalog import KPI_BY_KEY
from tenants.oversight.kpi_facts import Fact, compute_facts
from tests.oversight.factories_oversight import Network
from tests.oversight.kpi_arrange import JUNE, MAY, arrange_history

NOW = datetime(2025, 7, 3, 2, 0, tzinfo=UTC)
D = Decimal


async def facts_of(dealer_id: int, months: list[date]) -> dict[tuple[date, str], Fact]:
    async with tenant_transaction(TenantScope.of([dealer_id]), fresh=True) as tx:
        facts = await compute_facts(tx.connection, [dealer_id], months, NOW)
    return {(f.month, f.kpi): f for f in facts}


def triple(f: Fact) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    return f.value, f.numerator, f.denominator


@pytest.fixture
async def facts(db: asyncpg.Connection, network: Network) -> dict[tuple[date, str], Fact]:
    shop = await arrange_history(db, network)
    return await facts_of(shop.dealer_id, [MAY, JUNE])


async def test_every_catalog_kpi_for_every_month(facts: dict[tuple[date, str], Fact]) -> None:
    assert {kpi for _, kpi in facts} == set(KPI_BY_KEY)
    assert len(facts) == 2 * len(KPI_BY_KEY)


async def test_service_figures_in_local_months(facts: dict[tuple[date, str], Fact]) -> None:
    assert facts[JUNE, "orders_delivered"].value == D(3)
    assert facts[MAY, "orders_delivered"].value == D(1)
    assert facts[JUNE, "labour_hours_sold"].value == D("4.0")
    assert facts[MAY, "labour_hours_sold"].value == D("3.0")
    assert triple(facts[JUNE, "efficiency"]) == (D("1.25"), D("2.5"), D("2"))
    assert triple(facts[JUNE, "first_time_fix_rate"]) == (D("0.6667"), D(2), D(3))
    # Nothing clocked in May: nothing to measure, not zero.
    assert triple(facts[MAY, "efficiency"]) == (None, D(0), D(0))


async def test_care_figures(facts: dict[tuple[date, str], Fact]) -> None:
    assert triple(facts[JUNE, "revisit_coverage"]) == (D("0.3333"), D(1), D(3))
    assert triple(facts[JUNE, "revisit_success"]) == (D("0.5"), D(1), D(2))
    assert triple(facts[JUNE, "csi"]) == (D("87.5"), D("175"), D(2))
    assert triple(facts[JUNE, "major_complaint_rate"]) == (D("0.3333"), D(1), D(3))
    assert triple(facts[MAY, "major_complaint_rate"]) == (D(0), D(0), D(1))
    assert facts[MAY, "csi"].value is None


async def test_parts_figures(facts: dict[tuple[date, str], Fact]) -> None:
    assert triple(facts[JUNE, "parts_fill_rate"]) == (D("0.5"), D(1), D(2))
    turnover = facts[JUNE, "parts_turnover"]
    assert (turnover.numerator, turnover.denominator) == (D(40), D("189.23"))
    assert turnover.value == D("0.2114")
    assert triple(facts[JUNE, "dead_stock_share"]) == (D("0.625"), D(100), D(160))
    assert facts[MAY, "parts_fill_rate"].value is None


async def test_warranty_figures(facts: dict[tuple[date, str], Fact]) -> None:
    june = {kpi: facts[JUNE, kpi] for _, kpi in facts}
    assert june["claims_submitted"].value == D(2)
    assert june["claims_approved"].value == D(1)
    assert june["claims_rejected"].value == D(1)  # c3, decided in June; c2 in July
    assert june["claim_amount_requested"].value == D(800)
    assert june["claim_amount_approved"].value == D(450)
    assert triple(june["claims_per_100_orders"]) == (D("66.6667"), D(2), D(3))
    assert triple(june["labour_hours_per_claim"]) == (D("1.75"), D("3.5"), D(2))
    assert triple(june["repeat_claims_per_vin"]) == (D("0.5"), D(1), D(2))
    assert triple(june["parts_return_failures"]) == (D(2), D(2), D(3))
    assert facts[MAY, "claims_submitted"].value == D(1)
    assert facts[MAY, "claim_amount_requested"].value == D(200)
    assert triple(facts[MAY, "claims_per_100_orders"]) == (D(100), D(1), D(1))
    assert facts[MAY, "claims_rejected"].value == D(0)


async def test_rls_confines_the_computation_to_the_scope(
    db: asyncpg.Connection, network: Network
) -> None:
    """Computed in another dealer's scope, the history is invisible: zero counts."""
    await arrange_history(db, network)
    other = network.dealer_ids[1]
    async with tenant_transaction(TenantScope.of([other]), fresh=True) as tx:
        facts = await compute_facts(tx.connection, [network.dealer_ids[0], other], [JUNE], NOW)
    own = [f for f in facts if f.dealer_id == network.dealer_ids[0]]
    assert all(f.value in (None, D(0)) for f in own if f.kpi != "parts_turnover")


async def test_months_must_be_firsts(db: asyncpg.Connection, network: Network) -> None:
    with pytest.raises(ValueError):
        await facts_of(network.dealer_ids[0], [date(2025, 6, 2)])
