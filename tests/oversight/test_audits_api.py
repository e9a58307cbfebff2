"""Dealer audits through GraphQL: the regional manager's whole visit, the dealer's
service manager answering findings, and the scoping — another region's manager sees
and does nothing, the dealer reads its own audits only and cannot score or verify, the
auditor cannot respond, another dealer's staff see nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.oversight.conftest import SignIn
from tests.oversight.factories_oversight import Network

AUDIT_FIELDS = """
  id number status score maxScore scorePercent dealerCode openFindings overdueFindings
  viewerCan { start score submit close cancel respond verify }
  sections { section points weight percent items { item { id code weight } points } }
  findings { id status severity ownerName dueOn response reviewNote overdue }
"""
PLAN = f"""
mutation($dealer: ID!, $on: Date!) {{
  planDealerAudit(dealerId: $dealer, plannedOn: $on) {{ {AUDIT_FIELDS} }}
}}"""
START = f"mutation($id: ID!) {{ startDealerAudit(id: $id) {{ {AUDIT_FIELDS} }} }}"
SCORE = """
mutation($id: ID!, $item: ID!, $points: Decimal!) {
  scoreDealerAuditItem(auditId: $id, itemId: $item, points: $points, note: "seen") { id }
}"""
FINDING = """
mutation($input: AddAuditFindingInput!) { addDealerAuditFinding(input: $input) { findings { id } } }
"""
SUBMIT = f'mutation($id: ID!) {{ submitDealerAudit(id: $id, summary: "ok") {{ {AUDIT_FIELDS} }} }}'
CLOSE = "mutation($id: ID!) { closeDealerAudit(id: $id) { status } }"
RESPOND = 'mutation($id: ID!) { respondAuditFinding(id: $id, response: "Fixed") { status } }'
VERIFY = "mutation($id: ID!) { verifyAuditFinding(id: $id) { status } }"
SEND_BACK = (
    'mutation($id: ID!) { sendBackAuditFinding(id: $id, note: "Photos") { status reviewNote } }'
)
ONE = f"query($id: ID!) {{ dealerAudit(id: $id) {{ {AUDIT_FIELDS} }} }}"
LIST = """
query($dealer: ID) { dealerAudits(dealerId: $dealer) { edges { node { id number dealerCode } } } }
"""
SUMMARY = """
query { dealerAuditSummary { dealerCode lastNumber lastPercent openFindings overdueFindings } }
"""
OWNERS = "query($dealer: ID!) { auditOwnerCandidates(dealerId: $dealer) { id roles } }"


def _tomorrow() -> str:
    return (datetime.now(UTC).date() + timedelta(days=2)).isoformat()


async def _ok(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: Any
) -> Any:
    body = await gql(client, query, variables, headers)
    assert not body.get("errors"), body
    return body["data"]


async def _started(client: httpx.AsyncClient, network: Network, sign_in: SignIn) -> dict[str, Any]:
    regional = await sign_in("regional")
    dealer = global_id("Dealer", network.dealer_ids[0])
    planned = (await _ok(client, PLAN, {"dealer": dealer, "on": _tomorrow()}, regional))[
        "planDealerAudit"
    ]
    assert (planned["status"], planned["number"][:3]) == ("PLANNED", "AU-")
    started: dict[str, Any] = (await _ok(client, START, {"id": planned["id"]}, regional))[
        "startDealerAudit"
    ]
    return started


async def test_the_whole_visit_through_the_api(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    regional, manager = await sign_in("regional"), await sign_in("manager@0")
    audit = await _started(client, network, sign_in)
    assert audit["viewerCan"]["score"] and not audit["viewerCan"]["respond"]
    items = [i["item"] for s in audit["sections"] for i in s["items"]]
    assert len(items) == 28
    for index, item in enumerate(items):  # full marks, but the first item 0
        points = "0" if index == 0 else str(item["weight"])
        await _ok(
            client, SCORE, {"id": audit["id"], "item": item["id"], "points": points}, regional
        )
    owners = (
        await _ok(client, OWNERS, {"dealer": global_id("Dealer", network.dealer_ids[0])}, regional)
    )["auditOwnerCandidates"]
    owner = next(o["id"] for o in owners if o["roles"] == ["service_manager"])
    due = _tomorrow()
    await _ok(
        client,
        FINDING,
        {
            "input": {
                "auditId": audit["id"],
                "severity": "MAJOR",
                "description": "No sheet",
                "ownerId": owner,
                "dueOn": due,
                "itemId": items[0]["id"],
            }
        },
        regional,
    )
    submitted = (await _ok(client, SUBMIT, {"id": audit["id"]}, regional))["submitDealerAudit"]
    first_weight = items[0]["weight"]
    assert (submitted["status"], submitted["score"], submitted["maxScore"]) == (
        "SUBMITTED",
        f"{100 - first_weight}.00",
        "100.00",
    )
    assert submitted["scorePercent"] == 100 - first_weight
    process = next(s for s in submitted["sections"] if s["section"] == "PROCESS")
    assert (process["points"], process["weight"]) == (f"{33 - first_weight}.00", 33)

    # The dealer reads it, may respond but not score, verify or close.
    seen = (await _ok(client, ONE, {"id": audit["id"]}, manager))["dealerAudit"]
    assert seen["viewerCan"] == {
        "start": False,
        "score": False,
        "submit": False,
        "close": False,
        "cancel": False,
        "respond": True,
        "verify": False,
    }
    finding = seen["findings"][0]["id"]
    for query, variables in (
        (SCORE, {"id": audit["id"], "item": items[1]["id"], "points": "1"}),
        (VERIFY, {"id": finding}),
        (CLOSE, {"id": audit["id"]}),
    ):
        assert error_codes(await gql(client, query, variables, manager)) == ["FORBIDDEN"]
    # The auditor cannot respond for the dealer.
    assert error_codes(await gql(client, RESPOND, {"id": finding}, regional)) == ["FORBIDDEN"]
    assert (await _ok(client, RESPOND, {"id": finding}, manager))["respondAuditFinding"] == {
        "status": "RESPONDED"
    }
    sent_back = await _ok(client, SEND_BACK, {"id": finding}, regional)
    assert sent_back["sendBackAuditFinding"] == {"status": "OPEN", "reviewNote": "Photos"}
    refused = await gql(client, CLOSE, {"id": audit["id"]}, regional)
    assert error_codes(refused) == ["BAD_USER_INPUT"]
    assert refused["errors"][0]["extensions"]["rule"] == "findings_open"
    await _ok(client, RESPOND, {"id": finding}, manager)
    assert (await _ok(client, VERIFY, {"id": finding}, regional))["verifyAuditFinding"] == {
        "status": "VERIFIED"
    }
    assert (await _ok(client, CLOSE, {"id": audit["id"]}, regional))["closeDealerAudit"] == {
        "status": "CLOSED"
    }
    actors = await db.fetch(
        "select action, actor_user_id from audit_entry where object_type like 'dealer_audit%'"
        " and action like '%respond' order by id"
    )
    assert {r["actor_user_id"] for r in actors} == {network.staff("manager")}


async def test_scoping_of_audits(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    audit = await _started(client, network, sign_in)
    aid = audit["id"]
    other_regional = await sign_in("other_regional")
    assert (await _ok(client, ONE, {"id": aid}, other_regional))["dealerAudit"] is None
    assert (await _ok(client, LIST, {"dealer": None}, other_regional))["dealerAudits"][
        "edges"
    ] == []
    assert error_codes(await gql(client, START, {"id": aid}, other_regional)) == ["NOT_FOUND"]
    dealer0 = global_id("Dealer", network.dealer_ids[0])
    planned = await gql(client, PLAN, {"dealer": dealer0, "on": _tomorrow()}, other_regional)
    assert error_codes(planned) == ["FORBIDDEN"]
    assert error_codes(await gql(client, OWNERS, {"dealer": dealer0}, other_regional)) == [
        "FORBIDDEN"
    ]
    summary = (await _ok(client, SUMMARY, {}, other_regional))["dealerAuditSummary"]
    assert [s["dealerCode"] for s in summary] == [
        await db.fetchval("select code from dealer where id = $1", network.other_dealer_id)
    ]

    # The region's manager sees the region's dealers, not the other region's.
    regional = await sign_in("regional")
    codes = [
        s["dealerCode"] for s in (await _ok(client, SUMMARY, {}, regional))["dealerAuditSummary"]
    ]
    assert sorted(codes) == sorted(
        await db.fetchval(
            "select array_agg(code) from dealer where id = any($1)", network.dealer_ids
        )
    )
    # A dealer plans nothing; another dealer's manager and an advisor see nothing.
    manager = await sign_in("manager@0")
    assert error_codes(
        await gql(client, PLAN, {"dealer": dealer0, "on": _tomorrow()}, manager)
    ) == ["FORBIDDEN"]
    mine = (await _ok(client, LIST, {"dealer": None}, manager))["dealerAudits"]["edges"]
    assert [e["node"]["id"] for e in mine] == [aid]
    for key in ("manager@1", "advisor@0", "manager@other"):
        headers = await sign_in(key)
        assert (await _ok(client, ONE, {"id": aid}, headers))["dealerAudit"] is None, key
        assert (await _ok(client, LIST, {"dealer": None}, headers))["dealerAudits"]["edges"] == []


async def test_overdue_findings_show_in_the_region_summary(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    audit = await _started(client, network, sign_in)
    regional = await sign_in("regional")
    owners = (
        await _ok(client, OWNERS, {"dealer": global_id("Dealer", network.dealer_ids[0])}, regional)
    )["auditOwnerCandidates"]
    await _ok(
        client,
        FINDING,
        {
            "input": {
                "auditId": audit["id"],
                "severity": "MINOR",
                "description": "Dusty bays",
                "ownerId": owners[0]["id"],
                "dueOn": _tomorrow(),
            }
        },
        regional,
    )
    local_yesterday = await db.fetchval(
        "select (now() at time zone time_zone)::date - 1 from dealer where id = $1",
        network.dealer_ids[0],
    )
    await db.execute("update dealer_audit_finding set due_on = $1", local_yesterday)
    one = (await _ok(client, ONE, {"id": audit["id"]}, regional))["dealerAudit"]
    assert (one["openFindings"], one["overdueFindings"], one["findings"][0]["overdue"]) == (
        1,
        1,
        True,
    )
    summary = (await _ok(client, SUMMARY, {}, regional))["dealerAuditSummary"]
    flagged = [s for s in summary if s["overdueFindings"]]
    assert [(s["openFindings"], s["overdueFindings"]) for s in flagged] == [(1, 1)]
