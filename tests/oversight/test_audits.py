"""A dealer audit from plan to close: numbering without gaps per dealer and year, the
default checklist, scoring 0..weight, findings with a dealer's staff member as owner,
the score on submit computed by hand, closing only once every finding is verified, and
every illegal move refused with its rule and leaving nothing behind."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tenants.database import ActiveTransaction
from tenants.errors import RuleViolation
from tenants.oversight import audit_findings, audits
from tenants.oversight.audit_checklist import DEFAULT_CHECKLIST, ensure_default_checklist
from tests.oversight.audits_arrange import (
    T0,
    TODAY,
    act,
    audit_entries,
    checklist_items,
    score_all,
    started_audit,
)
from tests.oversight.factories_oversight import Network

D = timedelta(days=1)


async def test_default_checklist_is_seeded_once_bilingual_and_weighted(
    db: asyncpg.Connection, network: Network
) -> None:
    assert await ensure_default_checklist(db, network.manufacturer_id) == len(DEFAULT_CHECKLIST)
    assert await ensure_default_checklist(db, network.manufacturer_id) == 0
    items = await checklist_items(db, network)
    assert {i["section"] for i in items} == {
        "process",
        "workplace_5s",
        "records",
        "facilities",
        "people",
        "customer_care",
        "parts",
        "warranty",
    }
    assert all(i["text_zh"] and 1 <= i["weight"] <= 20 for i in items)
    assert any("账、卡、物一致" in i["text_zh"] for i in items)


async def test_numbers_per_dealer_and_year_without_gaps(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer0, dealer1 = network.dealer_ids[0], network.dealer_ids[1]

    async def plan(index: int, on: date) -> str:
        dealer = network.dealer_ids[index]
        row = await act(
            network,
            "regional",
            lambda tx: audits.plan_audit(tx, dealer, planned_on=on, now=T0),
            index,
        )
        return str(row["number"])

    assert await plan(0, TODAY) == "AU-2026-001"
    with pytest.raises(RuntimeError):  # a rolled-back plan frees its number
        await act(network, "regional", lambda tx: _plan_then_fail(tx, dealer0))
    assert await plan(0, TODAY + D) == "AU-2026-002"
    assert await plan(1, TODAY) == "AU-2026-001"
    assert await plan(0, date(2027, 1, 10)) == "AU-2027-001"
    planned = await db.fetchrow("select * from dealer_audit where dealer_id = $1 limit 1", dealer1)
    assert (planned["status"], planned["auditor_user_id"]) == ("planned", network.users["regional"])
    assert await audit_entries(db, "dealer_audit", planned["id"]) == ["dealer_audit.plan"]


async def _plan_then_fail(tx: ActiveTransaction, dealer: int) -> None:
    await audits.plan_audit(tx, dealer, planned_on=TODAY, now=T0)
    raise RuntimeError("rolled back")


async def test_a_visit_is_not_planned_in_the_dealers_past(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    late_evening = T0.replace(hour=17)  # 01:00 on 27 November in Shanghai, 26th in UTC
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "regional",
            lambda tx: audits.plan_audit(tx, dealer, planned_on=TODAY, now=late_evening),
        )
    assert refused.value.rule == "planned_in_past"
    assert await db.fetchval("select count(*) from dealer_audit") == 0


async def test_whole_flow_and_score_by_hand(db: asyncpg.Connection, network: Network) -> None:
    dealer = network.dealer_ids[0]
    audit_id = await started_audit(network)
    items = await checklist_items(db, network)
    # Full marks everywhere except P01 (weight 5) scored 2 and W01 (weight 3) scored 1.5.
    cut = {"P01": Decimal(2), "W01": Decimal("1.5")}
    await score_all(network, db, audit_id, lambda i: cut.get(i["code"], Decimal(i["weight"])))
    weights = sum(i["weight"] for i in items)
    assert weights == sum(i.weight for i in DEFAULT_CHECKLIST) == 100
    # Rescoring replaces the points.
    p02 = next(i for i in items if i["code"] == "P02")
    await act(
        network,
        "regional",
        lambda tx: audits.score_item(
            tx, dealer, audit_id, p02["id"], points=Decimal(1), note="no greeting", now=T0
        ),
    )
    owner = network.staff("front_desk")
    finding = await act(
        network,
        "regional",
        lambda tx: audits.add_finding(
            tx,
            dealer,
            audit_id,
            severity="major",
            description="Appointment sheet not kept",
            owner_user_id=owner,
            due_on=TODAY + 14 * D,
            item_id=items[0]["id"],
            now=T0,
        ),
    )
    submitted = await act(
        network,
        "regional",
        lambda tx: audits.submit_audit(tx, dealer, audit_id, summary="Good overall", now=T0 + D),
    )
    # 100 - (5 - 2) - (3 - 1.5) - (4 - 1) = 92.5 of 100
    assert (submitted["status"], submitted["score"], submitted["max_score"]) == (
        "submitted",
        Decimal("92.50"),
        Decimal("100.00"),
    )
    with pytest.raises(RuleViolation) as refused:
        await act(network, "regional", lambda tx: audits.close_audit(tx, dealer, audit_id, now=T0))
    assert refused.value.rule == "findings_open"

    fid = finding["id"]
    await act(
        network,
        "manager@0",
        lambda tx: audit_findings.respond(
            tx, dealer, fid, response="Sheet printed daily", now=T0 + 2 * D
        ),
    )
    await act(
        network,
        "regional",
        lambda tx: audit_findings.verify(tx, dealer, fid, now=T0 + 3 * D),
    )
    closed = await act(
        network, "regional", lambda tx: audits.close_audit(tx, dealer, audit_id, now=T0 + 3 * D)
    )
    assert (closed["status"], closed["closed_by"]) == ("closed", network.users["regional"])
    assert await audit_entries(db, "dealer_audit", audit_id) == [
        "dealer_audit.plan",
        "dealer_audit.start",
        *["dealer_audit.score"] * (len(items) + 1),
        "dealer_audit.submit",
        "dealer_audit.close",
    ]
    assert await audit_entries(db, "dealer_audit_finding", fid) == [
        "dealer_audit_finding.add",
        "dealer_audit_finding.respond",
        "dealer_audit_finding.verify",
    ]


async def test_submit_refused_while_items_are_unscored(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    audit_id = await started_audit(network)
    item = (await checklist_items(db, network))[0]
    await act(
        network,
        "regional",
        lambda tx: audits.score_item(tx, dealer, audit_id, item["id"], points=Decimal(1), now=T0),
    )
    with pytest.raises(RuleViolation) as refused:
        await act(network, "regional", lambda tx: audits.submit_audit(tx, dealer, audit_id, now=T0))
    assert (refused.value.rule, refused.value.extra["unscored"]) == (
        "unscored_items",
        len(DEFAULT_CHECKLIST) - 1,
    )
    assert await db.fetchval("select status from dealer_audit where id = $1", audit_id) == (
        "in_progress"
    )


async def test_points_outside_zero_to_weight_and_foreign_items_are_refused(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    audit_id = await started_audit(network)
    item = (await checklist_items(db, network))[0]
    for points in (Decimal(-1), Decimal(item["weight"]) + Decimal("0.5")):
        with pytest.raises(RuleViolation) as refused:

            async def score(tx: ActiveTransaction, p: Decimal = points) -> object:
                return await audits.score_item(tx, dealer, audit_id, item["id"], points=p, now=T0)

            await act(network, "regional", score)
        assert refused.value.rule == "points_range"
    other_brand_item = await db.fetchval(
        "insert into audit_checklist_item (manufacturer_id, code, section, text, weight)"
        " select r.manufacturer_id, 'X1', 'process', 'Other brand', 3 from dealer d"
        " join region r on r.id = d.region_id where d.id = $1 returning id",
        network.other_brand_dealer_id,
    )
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "regional",
            lambda tx: audits.score_item(
                tx, dealer, audit_id, other_brand_item, points=Decimal(1), now=T0
            ),
        )
    assert refused.value.rule == "checklist_item"
    assert await db.fetchval("select count(*) from dealer_audit_score") == 0


async def test_finding_owner_must_be_the_dealers_staff_and_due_not_past(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    audit_id = await started_audit(network)
    cases = [
        (network.staff("manager", 1), TODAY, "owner_not_staff"),
        (network.users["regional"], TODAY, "owner_not_staff"),
        (network.staff("manager"), TODAY - D, "due_in_past"),
    ]
    for owner, due, rule in cases:
        with pytest.raises(RuleViolation) as refused:

            async def add(tx: ActiveTransaction, o: int = owner, d: date = due) -> object:
                return await audits.add_finding(
                    tx,
                    dealer,
                    audit_id,
                    severity="minor",
                    description="x",
                    owner_user_id=o,
                    due_on=d,
                    now=T0,
                )

            await act(network, "regional", add)
        assert refused.value.rule == rule
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "regional",
            lambda tx: audits.add_finding(
                tx,
                dealer,
                audit_id,
                severity="fatal",
                description="x",
                owner_user_id=network.staff("manager"),
                due_on=TODAY,
                now=T0,
            ),
        )
    assert refused.value.rule == "finding_severity"
    assert await db.fetchval("select count(*) from dealer_audit_finding") == 0


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("planned", "submit"),
        ("planned", "score"),
        ("planned", "close"),
        ("in_progress", "start"),
        ("in_progress", "close"),
        ("submitted", "score"),
        ("submitted", "add_finding"),
        ("submitted", "cancel"),
        ("closed", "submit"),
        ("cancelled", "start"),
    ],
)
def test_illegal_moves_are_refused(status: str, step: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        audits.check_move(step, status)
    assert refused.value.rule == "audit_transition"


async def test_cancel_a_planned_visit_and_nothing_moves_after(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    planned = await act(
        network, "regional", lambda tx: audits.plan_audit(tx, dealer, planned_on=TODAY, now=T0)
    )
    aid = planned["id"]
    with pytest.raises(RuleViolation) as refused:
        await act(
            network, "regional", lambda tx: audits.cancel_audit(tx, dealer, aid, reason=" ", now=T0)
        )
    assert refused.value.rule == "required"
    cancelled = await act(
        network,
        "regional",
        lambda tx: audits.cancel_audit(tx, dealer, aid, reason="Dealer closed for works", now=T0),
    )
    assert (cancelled["status"], cancelled["summary"]) == ("cancelled", "Dealer closed for works")
    with pytest.raises(RuleViolation) as refused:
        await act(network, "regional", lambda tx: audits.start_audit(tx, dealer, aid, now=T0))
    assert refused.value.rule == "audit_transition"
