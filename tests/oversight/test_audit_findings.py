"""Following findings up: the dealer answers with its fix, the auditor verifies it or
sends it back with a note (open again); only findings of a submitted audit move; a
finding is overdue once its due date lies before the dealer's local today and it is
not verified, which the audit and region reads flag."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import asyncpg
import pytest

from tenants.errors import RuleViolation
from tenants.oversight import audit_findings, audit_queries, audits
from tests.oversight.audits_arrange import T0, TODAY, act, audit_entries, score_all, started_audit
from tests.oversight.factories_oversight import Network, make_network

D = timedelta(days=1)


async def _submitted_with_finding(
    network: Network, db: asyncpg.Connection, due_on: date = TODAY + 7 * D
) -> tuple[int, int]:
    dealer = network.dealer_ids[0]
    audit_id = await started_audit(network)
    finding = await act(
        network,
        "regional",
        lambda tx: audits.add_finding(
            tx,
            dealer,
            audit_id,
            severity="critical",
            description="Old parts untagged",
            owner_user_id=network.staff("manager"),
            due_on=due_on,
            now=T0,
        ),
    )
    await score_all(network, db, audit_id, lambda i: Decimal(i["weight"]))
    await act(network, "regional", lambda tx: audits.submit_audit(tx, dealer, audit_id, now=T0))
    return audit_id, finding["id"]


async def test_findings_wait_for_the_audit_to_be_submitted(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    audit_id = await started_audit(network)
    finding = await act(
        network,
        "regional",
        lambda tx: audits.add_finding(
            tx,
            dealer,
            audit_id,
            severity="minor",
            description="Lounge untidy",
            owner_user_id=network.staff("manager"),
            due_on=TODAY,
            now=T0,
        ),
    )
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "manager@0",
            lambda tx: audit_findings.respond(tx, dealer, finding["id"], response="done", now=T0),
        )
    assert refused.value.rule == "audit_not_submitted"


async def test_send_back_then_respond_again_then_verify(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    audit_id, fid = await _submitted_with_finding(network, db)
    with pytest.raises(RuleViolation) as refused:  # nothing to verify yet
        await act(network, "regional", lambda tx: audit_findings.verify(tx, dealer, fid, now=T0))
    assert refused.value.rule == "finding_transition"
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "manager@0",
            lambda tx: audit_findings.respond(tx, dealer, fid, response="  ", now=T0),
        )
    assert refused.value.rule == "required"

    responded = await act(
        network,
        "manager@0",
        lambda tx: audit_findings.respond(tx, dealer, fid, response="Tags bought", now=T0 + D),
    )
    assert (responded["status"], responded["responded_by"]) == (
        "responded",
        network.staff("manager"),
    )
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "regional",
            lambda tx: audit_findings.send_back(tx, dealer, fid, note="", now=T0),
        )
    assert refused.value.rule == "required"
    sent_back = await act(
        network,
        "regional",
        lambda tx: audit_findings.send_back(
            tx, dealer, fid, note="Show photos of tagged parts", now=T0 + 2 * D
        ),
    )
    assert (sent_back["status"], sent_back["review_note"]) == (
        "open",
        "Show photos of tagged parts",
    )
    await act(
        network,
        "manager@0",
        lambda tx: audit_findings.respond(tx, dealer, fid, response="Photos", now=T0 + 3 * D),
    )
    verified = await act(
        network, "regional", lambda tx: audit_findings.verify(tx, dealer, fid, now=T0 + 4 * D)
    )
    assert (verified["status"], verified["verified_by"], verified["verified_at"]) == (
        "verified",
        network.users["regional"],
        T0 + 4 * D,
    )
    with pytest.raises(RuleViolation) as refused:
        await act(
            network,
            "manager@0",
            lambda tx: audit_findings.respond(tx, dealer, fid, response="again", now=T0),
        )
    assert refused.value.rule == "finding_transition"
    assert await audit_entries(db, "dealer_audit_finding", fid) == [
        "dealer_audit_finding.add",
        "dealer_audit_finding.respond",
        "dealer_audit_finding.send_back",
        "dealer_audit_finding.respond",
        "dealer_audit_finding.verify",
    ]
    await act(network, "regional", lambda tx: audits.close_audit(tx, dealer, audit_id, now=T0))
    with pytest.raises(RuleViolation) as refused:  # a closed audit's findings stay put
        await act(
            network,
            "regional",
            lambda tx: audit_findings.send_back(tx, dealer, fid, note="late", now=T0),
        )
    assert refused.value.rule == "audit_not_submitted"


async def _overdue_at(db: asyncpg.Connection, network: Network, dealer: int, now: datetime) -> bool:
    rows = await audit_queries.findings(
        db,
        [dealer],
        [
            r["id"]
            for r in await db.fetch("select id from dealer_audit where dealer_id = $1", dealer)
        ],
        now,
    )
    return bool(rows[0]["overdue"])


async def test_overdue_by_the_dealers_local_date(db: asyncpg.Connection, network: Network) -> None:
    dealer = network.dealer_ids[0]
    await _submitted_with_finding(network, db, due_on=TODAY)
    # Due on the 26th in Shanghai: overdue from 00:00 on the 27th local (16:00 UTC the 26th).
    assert not await _overdue_at(db, network, dealer, datetime(2026, 11, 26, 15, 59, tzinfo=UTC))
    assert await _overdue_at(db, network, dealer, datetime(2026, 11, 26, 16, 0, tzinfo=UTC))
    summary = await audit_queries.region_summary(
        db, network.dealer_ids, datetime(2026, 11, 26, 16, 0, tzinfo=UTC)
    )
    by_dealer = {r["dealer_id"]: r for r in summary}
    assert (by_dealer[dealer]["open_findings"], by_dealer[dealer]["overdue_findings"]) == (1, 1)
    assert by_dealer[dealer]["last_score"] == by_dealer[dealer]["last_max_score"] == 100
    assert by_dealer[network.dealer_ids[1]]["last_audit_id"] is None


async def test_overdue_in_a_western_zone(db: asyncpg.Connection) -> None:
    network = await make_network(db, dealers=1, time_zone="America/New_York")
    dealer = network.dealer_ids[0]
    # 02:00 UTC on the 26th is 21:00 on the 25th in New York: due the 25th is not past yet.
    await _submitted_with_finding(network, db, due_on=TODAY - D)
    assert not await _overdue_at(db, network, dealer, T0)
    assert await _overdue_at(db, network, dealer, datetime(2026, 11, 26, 5, 0, tzinfo=UTC))


async def test_a_verified_finding_is_never_overdue(
    db: asyncpg.Connection, network: Network
) -> None:
    dealer = network.dealer_ids[0]
    _, fid = await _submitted_with_finding(network, db, due_on=TODAY)
    await act(
        network,
        "manager@0",
        lambda tx: audit_findings.respond(tx, dealer, fid, response="Fixed", now=T0),
    )
    await act(network, "regional", lambda tx: audit_findings.verify(tx, dealer, fid, now=T0))
    assert not await _overdue_at(db, network, dealer, T0 + 30 * D)
