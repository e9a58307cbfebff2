"""Outlier flags on a hand-computed region (period January to June 2026, Asia/Shanghai).

Seven dealers. D0..D4 are ordinary, D5 inflates its claims, D6 is tiny (5 orders):

| dealer | orders | claims | h/claim | repeat claims | return failures |
| D0     | 50     | 5      | 1.5     | 0 (same VIN 100 days apart) | 0 (one confirmed) |
| D1     | 50     | 5      | 1.5     | 1 (a December claim 76 days before) | 0 |
| D2     | 40     | 6      | 1.5     | 0 | 0 |
| D3     | 40     | 6      | 1.5     | 0 | 0 |
| D4     | 40     | 8      | 1.5     | 0 | 1 (requested 44 days ago; one 14 days ago is not late) |
| D5     | 40     | 24     | 3.0     | 24 (12 VINs twice, 10 days apart) | 12 not confirmed |
| D6     | 5      | 5      | 3.0     | 5 | 0 |

Claims per 100 orders: 10 10 15 15 20 60 (D6's 100 is not eligible): median 15, absolute
deviations 5 5 0 0 5 45 -> MAD 5, z(D5) = 0.6745 x 45 / 5 = 6.0705.
Labour hours per claim: 1.5 x5 and 3.0: median 1.5, MAD 0, mean deviation 0.25,
z(D5) = 1.5 / (1.253314 x 0.25) = 4.787.
Repeat claims (%): 0 20 0 0 0 100: median 0, MAD 0, mean deviation 20,
z(D5) = 100 / 25.066 = 3.989, z(D1) = 0.798.
Return failures per 100 claims: 0 0 0 0 12.5 50: median 0, MAD 0, mean deviation 10.4167,
z(D5) = 50 / 13.0554 = 3.830, z(D4) = 0.957.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import asyncpg
import pytest

from tenants.oversight import outliers
from tenants.oversight.outliers import OutlierReport, default_period
from tests.oversight.factories_oversight import Network, make_network
from tests.oversight.outliers_arrange import (
    Shop,
    claim,
    delivered_orders,
    old_part,
    part,
    shop,
    vin,
)

START, END = date(2026, 1, 1), date(2026, 6, 30)
NOW = datetime(2026, 7, 15, tzinfo=UTC)
D = Decimal


@dataclass
class Region:
    network: Network
    shops: list[Shop]


async def _ordinary(db: asyncpg.Connection, s: Shop, orders: int, claims: int, base: int) -> None:
    await delivered_orders(db, s, orders, "2026-03-15T10:00:00+08:00")
    for i in range(claims):
        await claim(db, s, vin(base + i), fault=f"2026-03-{i + 1:02d}", hours="1.5")


@pytest.fixture
async def region(db: asyncpg.Connection) -> Region:
    network = await make_network(db, dealers=7)
    shops = [
        await shop(db, network, d, network.staff("advisor", i))
        for i, d in enumerate(network.dealer_ids)
    ]
    d0, d1, d2, d3, d4, d5, d6 = shops
    engine = await part(db, d0)

    # D0: 5 claims, two of them on one VIN 100 days apart (not repeats).
    await delivered_orders(db, d0, 50, "2026-02-01T10:00:00+08:00")
    first = await claim(db, d0, vin(100), fault="2026-02-01", hours="1.5")
    await claim(db, d0, vin(100), fault="2026-05-12", hours="1.5")
    for i in range(3):
        await claim(db, d0, vin(101 + i), fault="2026-03-01", hours="1.5")
    await old_part(db, d0, first, engine, status="inspected", result="confirmed")

    # D1: a December claim (outside the period) makes one claim of the period a repeat;
    # a cancelled and a draft claim count nowhere.
    await delivered_orders(db, d1, 3, "2025-12-10T10:00:00+08:00")
    await claim(db, d1, vin(200), fault="2025-12-15", hours="9.0")
    await claim(db, d1, vin(201), fault="2026-03-10", status="cancelled", hours="9.0")
    await claim(db, d1, vin(202), fault="2026-03-11", status="draft", hours="9.0")
    await delivered_orders(db, d1, 50, "2026-04-01T10:00:00+08:00")
    await claim(db, d1, vin(200), fault="2026-03-01", hours="1.5")
    await claim(db, d1, vin(201), fault="2026-03-20", hours="1.5")
    await claim(db, d1, vin(202), fault="2026-03-21", hours="1.5")
    for i in range(2):
        await claim(db, d1, vin(203 + i), fault="2026-04-01", hours="1.5")

    # D2: 39 mid-period orders, one delivered 01:00 local on 1 January (in), one 01:00
    # local on 1 July (out).
    await delivered_orders(db, d2, 39, "2026-03-15T10:00:00+08:00")
    await delivered_orders(db, d2, 1, "2025-12-31T17:00:00+00:00")
    await delivered_orders(db, d2, 1, "2026-06-30T17:00:00+00:00")
    for i in range(6):
        await claim(db, d2, vin(300 + i), fault=f"2026-03-{i + 1:02d}", hours="1.5")

    await _ordinary(db, d3, 40, 6, 400)

    await _ordinary(db, d4, 40, 8, 500)
    late, recent = await db.fetch(
        "select id from warranty_claim where dealer_id = $1 order by id limit 2", d4.dealer_id
    )
    await old_part(
        db, d4, late["id"], engine, status="requested", requested_at="2026-06-01T00:00:00+00:00"
    )
    await old_part(
        db, d4, recent["id"], engine, status="requested", requested_at="2026-07-01T00:00:00+00:00"
    )

    # D5: 24 claims on 12 VINs, 10 days apart, 3 hours each; 12 parts not confirmed.
    await delivered_orders(db, d5, 40, "2026-02-15T10:00:00+08:00")
    for i in range(12):
        a = await claim(db, d5, vin(600 + i), fault="2026-04-01", hours="3.0")
        await claim(db, d5, vin(600 + i), fault="2026-04-11", hours="3.0")
        await old_part(db, d5, a, engine, status="inspected", result="not_confirmed")

    # D6: tiny, every figure extreme.
    await delivered_orders(db, d6, 5, "2026-02-15T10:00:00+08:00")
    for i in range(5):
        await claim(db, d6, vin(700), fault=f"2026-02-{i + 1:02d}", hours="3.0")
    return Region(network, shops)


async def _report(db: asyncpg.Connection, region: Region) -> OutlierReport:
    return await outliers.outlier_report(db, region.network.dealer_ids, START, END, NOW)


def _figure(report: OutlierReport, dealer: int, measure: str) -> outliers.DealerMeasure:
    return next(f for f in report.figures if f.dealer_id == dealer and f.measure == measure)


async def test_the_inflating_dealer_is_flagged_on_every_measure_and_nobody_else(
    db: asyncpg.Connection, region: Region
) -> None:
    report = await _report(db, region)
    d5 = region.network.dealer_ids[5]
    assert {(f.dealer_id, f.measure) for f in report.flagged()} == {
        (d5, m) for m in outliers.MEASURES
    }
    assert [s.flagged_dealers for s in report.spreads] == [1, 1, 1, 1]
    assert [s.eligible_dealers for s in report.spreads] == [6, 6, 6, 6]


async def test_claims_per_100_orders_and_its_robust_z(
    db: asyncpg.Connection, region: Region
) -> None:
    report = await _report(db, region)
    ids = region.network.dealer_ids
    values = [_figure(report, d, "claims_per_100_orders") for d in ids]
    assert [(f.numerator, f.denominator) for f in values] == [
        (D(5), D(50)), (D(5), D(50)), (D(6), D(40)), (D(6), D(40)), (D(8), D(40)),
        (D(24), D(40)), (D(5), D(5)),
    ]  # fmt: skip
    assert [f.value for f in values] == [D(v) for v in ("10.00", "10.00", "15.00", "15.00",
                                                         "20.00", "60.00", "100.00")]  # fmt: skip
    d5 = values[5]
    assert (d5.median, d5.mad, d5.z) == (D("15.00"), D("5.00"), D("6.07"))
    assert (values[4].z, values[0].z) == (D("0.67"), D("-0.67"))
    assert not values[6].eligible and not values[6].flagged


async def test_labour_hours_per_claim_falls_back_on_the_mean_deviation(
    db: asyncpg.Connection, region: Region
) -> None:
    report = await _report(db, region)
    ids = region.network.dealer_ids
    d1 = _figure(report, ids[1], "labour_hours_per_claim")
    assert (d1.numerator, d1.denominator, d1.value) == (D("7.5"), D(5), D("1.50"))
    d5 = _figure(report, ids[5], "labour_hours_per_claim")
    assert (d5.labour_hours, d5.value, d5.median, d5.mad) == (
        D("72.0"),
        D("3.00"),
        D("1.50"),
        D("0.00"),
    )
    assert d5.z == D("4.79")
    spread = next(s for s in report.spreads if s.measure == "labour_hours_per_claim")
    assert spread.mean_deviation == D("0.25")


async def test_repeat_claims_count_other_claims_of_the_vin_within_90_days(
    db: asyncpg.Connection, region: Region
) -> None:
    report = await _report(db, region)
    ids = region.network.dealer_ids
    got = [_figure(report, d, "repeat_claims_per_vin") for d in ids]
    assert [f.numerator for f in got] == [D(0), D(1), D(0), D(0), D(0), D(24), D(5)]
    assert [f.z for f in got[:6]] == [
        D("0.00"),
        D("0.80"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        D("3.99"),
    ]
    records = await outliers.outlier_records(db, ids[5], START, END, NOW)
    assert len(records.repeat_vins) == outliers.TOP_RECORDS
    assert {r.claims for r in records.repeat_vins} == {2}
    assert records.repeat_vins[0].first_fault == date(2026, 4, 1)
    assert records.repeat_vins[0].last_fault == date(2026, 4, 11)
    d1 = await outliers.outlier_records(db, ids[1], START, END, NOW)
    assert [(r.vin, r.claims) for r in d1.repeat_vins] == [(vin(200), 1)]


async def test_parts_return_failures_are_late_requests_and_failed_inspections(
    db: asyncpg.Connection, region: Region
) -> None:
    report = await _report(db, region)
    ids = region.network.dealer_ids
    got = [_figure(report, d, "parts_return_failures") for d in ids]
    assert [f.numerator for f in got] == [D(0), D(0), D(0), D(0), D(1), D(12), D(0)]
    assert (got[4].value, got[4].z) == (D("12.50"), D("0.96"))
    assert (got[5].value, got[5].z, got[5].flagged) == (D("50.00"), D("3.83"), True)
    d4 = await outliers.outlier_records(db, ids[4], START, END, NOW)
    assert [(f.status, f.inspection_result) for f in d4.return_failures] == [("requested", None)]
    d5 = await outliers.outlier_records(db, ids[5], START, END, NOW)
    assert {f.inspection_result for f in d5.return_failures} == {"not_confirmed"}
    assert [line.hours for line in d5.labour_lines] == [D("3.00")] * outliers.TOP_RECORDS


async def test_a_tiny_dealer_neither_flags_nor_moves_the_median(
    db: asyncpg.Connection, region: Region
) -> None:
    report = await _report(db, region)
    tiny = [f for f in report.figures if f.dealer_id == region.network.dealer_ids[6]]
    assert len(tiny) == 4
    assert not any(f.eligible or f.flagged for f in tiny)
    without = await outliers.outlier_report(db, region.network.dealer_ids[:6], START, END, NOW)
    assert [s.median for s in without.spreads] == [s.median for s in report.spreads]


async def test_an_empty_dealer_has_no_values_rather_than_zeros(db: asyncpg.Connection) -> None:
    network = await make_network(db, dealers=1)
    report = await outliers.outlier_report(db, network.dealer_ids, START, END, NOW)
    assert [(f.value, f.eligible, f.z) for f in report.figures] == [(None, False, None)] * 4
    assert [(s.median, s.mad, s.eligible_dealers) for s in report.spreads] == [(None, None, 0)] * 4


def test_the_default_period_is_the_last_six_complete_months() -> None:
    assert default_period(date(2026, 7, 15)) == (START, END)
    assert default_period(date(2026, 3, 1)) == (date(2025, 9, 1), date(2026, 2, 28))


async def test_a_lone_dealer_with_a_repeating_decimal_sits_on_the_median(
    db: asyncpg.Connection,
) -> None:
    """1 failure in 6 claims is 16.6667 per 100: the median must equal it exactly (no float
    noise turning into a huge z), and a too-small dealer elsewhere gets no z at all."""
    network = await make_network(db, dealers=2)
    big = await shop(db, network, network.dealer_ids[0], network.staff("advisor", 0))
    small = await shop(db, network, network.dealer_ids[1], network.staff("advisor", 1))
    engine = await part(db, big)
    await delivered_orders(db, big, 30, "2026-03-15T10:00:00+08:00")
    first = await claim(db, big, vin(800), fault="2026-03-01")
    for i in range(5):
        await claim(db, big, vin(801 + i), fault="2026-03-02")
    await old_part(db, big, first, engine, status="inspected", result="not_received")
    await delivered_orders(db, small, 3, "2026-03-15T10:00:00+08:00")
    await claim(db, small, vin(900), fault="2026-03-01")
    report = await outliers.outlier_report(db, network.dealer_ids, START, END, NOW)
    lone = _figure(report, network.dealer_ids[0], "parts_return_failures")
    assert (lone.value, lone.median, lone.mad, lone.z) == (
        D("16.67"), D("16.67"), D("0.00"), D("0.00"),
    )  # fmt: skip
    tiny = _figure(report, network.dealer_ids[1], "parts_return_failures")
    assert (tiny.value, tiny.eligible, tiny.z) == (D("0.00"), False, None)
