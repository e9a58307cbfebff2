"""Follow-up calls through GraphQL: the queue with the call-window state and counts,
the call screen's revisit (work done, calls, survey), recording a call that opens a
complaint in one step, the refusal outside the windows, the advisor's contact check;
who may do it (a technician may not; another dealer sees nothing).

The API runs on the real clock: the dealer's windows are set around the real time so
that "inside" and "outside" hold whenever the test runs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tenants.care.revisit_queue import queue_counts, revisit_queue
from tests.api.graphql_client import error_codes, gql
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk, make_care_desk
from tests.care.revisit_arrange import make_revisit

ALL_DAY = [{"from": "00:00", "to": "23:59:59"}]

QUEUE = """
query($mine: Boolean!) {
  revisitQueue(filter: {mine: $mine}) {
    callableNow nextWindowStartsAt timeZone callWindows { starts ends }
    dueNow overdue waiting contactChecks
    items { id status orderNumber customerName plate overdue assigneeName }
  }
}"""
DETAIL = """
query($id: ID!) {
  revisit(id: $id) {
    id status round attempts outcome orderNumber customerName customerPhone plate model
    advisor { displayName } complaintNumber
    workDone { kind description hours }
    attemptLog { attemptNo result outcome callerName complaintNumber }
    survey { question score }
  }
}"""
RECORD = """
mutation($input: RecordRevisitAttemptInput!) {
  recordRevisitAttempt(input: $input) {
    revisit { id status outcome attempts nextCallAt failureReason complaintId complaintNumber
      orderNumber }
    attempt { attemptNo result outcome complaintNumber }
  }
}"""
CHECK = """
mutation($input: CheckRevisitContactInput!) {
  checkRevisitContact(input: $input) { id status round customerPhone nextCallAt }
}"""
CHECKS = "{ revisitContactChecks { id status failureReason customerName } }"


async def _windows(db: asyncpg.Connection, desk: CareDesk, windows: list[dict[str, str]]) -> None:
    await db.execute(
        "insert into care_settings (dealer_id, call_windows) values ($1, $2::jsonb)"
        " on conflict (dealer_id) do update set call_windows = excluded.call_windows",
        desk.dealer_id,
        json.dumps(windows),
    )


def _local_today(desk: CareDesk) -> date:
    return datetime.now(ZoneInfo(desk.time_zone)).date()


async def _due_revisit(db: asyncpg.Connection, desk: CareDesk, **kwargs: Any) -> int:
    today = _local_today(desk)
    return await make_revisit(
        db,
        desk,
        delivered_at=datetime.now(UTC) - timedelta(days=2),
        due_from=today - timedelta(days=1),
        due_by=today + timedelta(days=1),
        **kwargs,
    )


def _gid(revisit: int) -> str:
    return global_id("Revisit", revisit)


def _rule(body: dict[str, Any]) -> str | None:
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", body
    rule: str | None = error["extensions"].get("rule")
    return rule


async def test_queue_record_and_detail_with_a_complaint_in_one_step(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await _windows(db, api_desk, ALL_DAY)
    revisit = await _due_revisit(db, api_desk)
    cs = await sign_in("cs")

    queue = await gql(client, QUEUE, {"mine": True}, cs)
    assert not queue.get("errors"), queue
    data = queue["data"]["revisitQueue"]
    assert data["callableNow"] is True and data["timeZone"] == "Asia/Shanghai"
    assert data["callWindows"] == [{"starts": "00:00", "ends": "23:59"}]
    assert [i["id"] for i in data["items"]] == [_gid(revisit)]
    assert (data["dueNow"], data["overdue"], data["contactChecks"]) == (1, 0, 0)
    others = await gql(client, QUEUE, {"mine": True}, await sign_in("cs2"))
    assert others["data"]["revisitQueue"]["items"] == []
    everyone = await gql(client, QUEUE, {"mine": False}, await sign_in("cs2"))
    assert len(everyone["data"]["revisitQueue"]["items"]) == 1

    recorded = await gql(
        client,
        RECORD,
        {
            "input": {
                "revisitId": _gid(revisit),
                "result": "ANSWERED",
                "outcome": "COMPLAINT",
                "complaintLevel": "general",
                "complaintSummary": "Brakes squeal after the service",
                "survey": [{"question": "OVERALL", "score": 2}],
            }
        },
        cs,
    )
    assert not recorded.get("errors"), recorded
    payload = recorded["data"]["recordRevisitAttempt"]
    number = payload["revisit"]["complaintNumber"]
    assert number and number.startswith("TS-")
    assert payload["revisit"]["status"] == "SUCCEEDED"
    assert payload["revisit"]["outcome"] == "COMPLAINT"
    assert payload["attempt"] == {
        "attemptNo": 1,
        "result": "ANSWERED",
        "outcome": "COMPLAINT",
        "complaintNumber": number,
    }
    stored = await db.fetchval(
        "select number from complaint where revisit_id = $1 and channel = 'revisit'", revisit
    )
    assert stored == number

    detail = await gql(client, DETAIL, {"id": _gid(revisit)}, cs)
    assert not detail.get("errors"), detail
    shown = detail["data"]["revisit"]
    assert shown["workDone"] == [
        {"kind": "labour", "description": "5,000 km service", "hours": "1.00"}
    ]
    assert shown["attemptLog"][0]["complaintNumber"] == number
    assert shown["survey"] == [{"question": "OVERALL", "score": 2}]
    assert shown["advisor"]["displayName"]
    assert (shown["attempts"], shown["complaintNumber"]) == (1, number)

    node = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Revisit { orderNumber } } }",
        {"id": _gid(revisit)},
        cs,
    )
    assert node["data"]["node"]["orderNumber"] == payload["revisit"]["orderNumber"]

    again = await gql(
        client,
        RECORD,
        {"input": {"revisitId": _gid(revisit), "result": "NO_ANSWER"}},
        cs,
    )
    assert _rule(again) == "revisit_not_open"


async def test_outside_the_windows_no_call_is_offered_or_taken(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    local_hour = datetime.now(ZoneInfo(api_desk.time_zone)).hour
    window = (
        {"from": "20:00", "to": "21:00"} if local_hour < 12 else {"from": "02:00", "to": "03:00"}
    )
    await _windows(db, api_desk, [window])
    revisit = await _due_revisit(db, api_desk)
    cs = await sign_in("cs")
    queue = (await gql(client, QUEUE, {"mine": False}, cs))["data"]["revisitQueue"]
    assert queue["callableNow"] is False
    opens = datetime.fromisoformat(queue["nextWindowStartsAt"]).astimezone(
        ZoneInfo(api_desk.time_zone)
    )
    assert opens.strftime("%H:%M") == window["from"]
    assert opens > datetime.now(UTC)
    refused = await gql(
        client, RECORD, {"input": {"revisitId": _gid(revisit), "result": "NO_ANSWER"}}, cs
    )
    assert _rule(refused) == "outside_call_windows"
    assert await db.fetchval("select count(*) from revisit_attempt") == 0


async def test_who_may_see_and_record(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await _windows(db, api_desk, ALL_DAY)
    revisit = await _due_revisit(db, api_desk)
    tech = await sign_in("technician")
    assert error_codes(await gql(client, QUEUE, {"mine": False}, tech)) == ["FORBIDDEN"]
    denied = await gql(
        client, RECORD, {"input": {"revisitId": _gid(revisit), "result": "BUSY"}}, tech
    )
    assert error_codes(denied) == ["FORBIDDEN"]

    far = await sign_in("far_cs")
    hidden = await gql(client, DETAIL, {"id": _gid(revisit)}, far)
    assert hidden["data"]["revisit"] is None
    far_queue = await gql(client, QUEUE, {"mine": False}, far)
    assert far_queue["data"]["revisitQueue"]["items"] == []
    far_record = await gql(
        client, RECORD, {"input": {"revisitId": _gid(revisit), "result": "BUSY"}}, far
    )
    assert error_codes(far_record) == ["NOT_FOUND"]
    assert await db.fetchval("select count(*) from revisit_attempt") == 0


async def test_contact_check_by_the_customers_advisor(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_desk: CareDesk, sign_in: SignIn
) -> None:
    await _windows(db, api_desk, ALL_DAY)
    revisit = await _due_revisit(db, api_desk)
    cs = await sign_in("cs")
    failed = await gql(
        client, RECORD, {"input": {"revisitId": _gid(revisit), "result": "MISMATCH"}}, cs
    )
    assert failed["data"]["recordRevisitAttempt"]["revisit"]["status"] == "CONTACT_CHECK"
    assert failed["data"]["recordRevisitAttempt"]["revisit"]["failureReason"] == "MISMATCH"

    advisor = await sign_in("advisor")
    listed = await gql(client, CHECKS, headers=advisor)
    assert [r["id"] for r in listed["data"]["revisitContactChecks"]] == [_gid(revisit)]
    assert (await gql(client, CHECKS, headers=await sign_in("advisor2")))["data"][
        "revisitContactChecks"
    ] == []

    other = await gql(
        client, CHECK, {"input": {"revisitId": _gid(revisit)}}, await sign_in("advisor2")
    )
    assert _rule(other) == "not_revisit_advisor"
    checked = await gql(
        client,
        CHECK,
        {"input": {"revisitId": _gid(revisit), "phone": "13800138000", "note": "new SIM"}},
        advisor,
    )
    assert not checked.get("errors"), checked
    assert checked["data"]["checkRevisitContact"]["status"] == "OPEN"
    assert checked["data"]["checkRevisitContact"]["round"] == 2
    assert checked["data"]["checkRevisitContact"]["customerPhone"] == "13800138000"


async def test_queue_order_and_local_today_across_time_zones(db: asyncpg.Connection) -> None:
    """The queue on a controlled clock: a New York dealer's "today" is its own (03:00 UTC
    on the 26th is still the 25th there); overdue first, then by due day and next call;
    a retry not yet due waits; contact checks are counted apart."""
    desk = await make_care_desk(db, time_zone="America/New_York")
    delivered = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)

    async def revisit(due_from: date, due_by: date, **kwargs: Any) -> int:
        return await make_revisit(
            db, desk, delivered_at=delivered, due_from=due_from, due_by=due_by, **kwargs
        )

    tomorrow = await revisit(date(2026, 11, 26), date(2026, 11, 28))
    due = await revisit(date(2026, 11, 24), date(2026, 11, 26))
    overdue = await revisit(date(2026, 11, 21), date(2026, 11, 23))
    later = await revisit(
        date(2026, 11, 24),
        date(2026, 11, 26),
        next_call_at=datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
    )
    await revisit(
        date(2026, 11, 22), date(2026, 11, 24), status="contact_check", failure_reason="no_answer"
    )

    evening = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # 22:00 on the 25th in New York
    rows = await revisit_queue(db, desk.dealer_id, now=evening)
    assert [r["id"] for r in rows] == [overdue, due]
    counts = await queue_counts(db, desk.dealer_id, now=evening)
    assert (counts.due_now, counts.overdue, counts.waiting, counts.contact_checks) == (2, 1, 1, 1)

    morning = datetime(2026, 11, 26, 16, 0, tzinfo=UTC)  # 11:00 on the 26th
    rows = await revisit_queue(db, desk.dealer_id, now=morning)
    assert [r["id"] for r in rows] == [overdue, due, later, tomorrow]
    mine = await revisit_queue(db, desk.dealer_id, now=morning, assignee_user_id=desk.users["cs2"])
    assert mine == []
