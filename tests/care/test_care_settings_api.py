"""The care rules through GraphQL: read by the desk (defaults until customised), changed
only with care_settings:manage, every broken rule refused with its field and rule and
nothing stored; and revisits reassigned only to someone owning a revisit queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from tenants.care.revisit_generation import generate_revisits
from tests.api.graphql_client import error_codes, gql
from tests.care.conftest import SignIn
from tests.care.factories_care import CareDesk, deliver_order
from tests.care.generation_arrange import change_roles, local, revisits
from tests.conftest import reload_policies

SETTINGS = """
fragment S on CareSettings {
  timeZone customised revisitAfterDays revisitWithinDays oneToOne minAttempts retryGapMinutes
  callWindows { starts ends } complaintHours { level hours }
  complaintAutoRoute { level department } maintenanceMonths maintenanceKm
  reminderHorizonDays lostAfterMonths canManage updatedAt updatedBy { username }
  deskCallers { username } oneToOneAdvisors { username }
}
"""
READ = SETTINGS + "query { careSettings { ...S } }"
UPDATE = (
    SETTINGS
    + """
mutation($input: UpdateCareSettingsInput!) { updateCareSettings(input: $input) { ...S } }
"""
)
REASSIGN = """
mutation($ids: [ID!]!, $to: ID!) {
  revisitReassign(revisitIds: $ids, assigneeId: $to) { revisitId duty assignee { username } }
}
"""
ASSIGNEES = "query { revisitAssignees { username } }"


async def _call(
    client: httpx.AsyncClient, sign_in: SignIn, post: str, query: str, **variables: Any
) -> dict[str, Any]:
    return await gql(client, query, variables, await sign_in(post))


async def test_the_desk_reads_the_defaults(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk
) -> None:
    body = await _call(client, sign_in, "cs", READ)
    assert not body.get("errors"), body
    settings = body["data"]["careSettings"]
    assert settings["customised"] is False and settings["canManage"] is False
    assert settings["timeZone"] == "Asia/Shanghai"
    assert settings["callWindows"] == [
        {"starts": "09:00", "ends": "11:30"},
        {"starts": "14:00", "ends": "19:00"},
    ]
    assert (settings["revisitAfterDays"], settings["revisitWithinDays"]) == (1, 3)
    assert settings["minAttempts"] == 3 and settings["updatedBy"] is None
    assert [h["level"] for h in settings["complaintHours"]] == [
        "grievance",
        "general",
        "serious",
        "severe",
    ]
    assert [u["username"] for u in settings["deskCallers"]] == [
        api_desk.usernames["cs"],
        api_desk.usernames["cs2"],
    ]
    assert [u["username"] for u in settings["oneToOneAdvisors"]] == [
        api_desk.usernames["advisor"],
        api_desk.usernames["advisor2"],
    ]
    manager = await _call(client, sign_in, "manager", READ)
    assert manager["data"]["careSettings"]["canManage"] is True


async def test_a_vacant_desk_shows(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    api_desk: CareDesk,
    db: asyncpg.Connection,
    app: object,
) -> None:
    for post in ("cs", "cs2"):
        await change_roles(db, api_desk, post, ["information_officer"])
    await reload_policies(app)
    body = await _call(client, sign_in, "manager", READ)
    assert body["data"]["careSettings"]["deskCallers"] == []


async def test_without_the_permission(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk
) -> None:
    body = await _call(client, sign_in, "technician", READ)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await _call(client, sign_in, "cs", UPDATE, input={"minAttempts": 4})
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "care_settings:manage"


async def test_the_manager_changes_the_rules(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk, db: asyncpg.Connection
) -> None:
    body = await _call(
        client,
        sign_in,
        "manager",
        UPDATE,
        input={
            "revisitAfterDays": 2,
            "revisitWithinDays": 4,
            "oneToOne": True,
            "minAttempts": 4,
            "callWindows": [
                {"starts": "08:30", "ends": "11:30"},
                {"starts": "13:30", "ends": "17:00"},
                {"starts": "18:00", "ends": "20:30"},
            ],
            "complaintAutoRoute": [{"level": "grievance", "department": "customer_care"}],
        },
    )
    assert not body.get("errors"), body
    saved = body["data"]["updateCareSettings"]
    assert saved["customised"] is True
    assert (saved["revisitAfterDays"], saved["revisitWithinDays"], saved["oneToOne"]) == (
        2,
        4,
        True,
    )
    assert [w["starts"] for w in saved["callWindows"]] == ["08:30", "13:30", "18:00"]
    assert saved["complaintAutoRoute"] == [{"level": "grievance", "department": "customer_care"}]
    assert saved["updatedBy"]["username"] == api_desk.usernames["manager"]
    assert saved["retryGapMinutes"] == 120  # not given, kept

    # A later partial change keeps the rest.
    body = await _call(client, sign_in, "manager", UPDATE, input={"retryGapMinutes": 90})
    again = body["data"]["updateCareSettings"]
    assert again["retryGapMinutes"] == 90 and again["minAttempts"] == 4
    assert (await _call(client, sign_in, "cs", READ))["data"]["careSettings"] == {
        **again,
        "canManage": False,
    }

    entries = await db.fetch(
        "select actor_user_id, before ->> 'customised' as was, before ->> 'min_attempts' as b,"
        " after ->> 'min_attempts' as a from audit_entry where action = 'care_settings.update'"
        " and dealer_id = $1 order by id",
        api_desk.dealer_id,
    )
    assert [(e["actor_user_id"], e["was"], e["b"], e["a"]) for e in entries] == [
        (api_desk.users["manager"], "false", "3", "4"),
        (api_desk.users["manager"], "true", "4", "4"),
    ]


BAD = [
    (
        {
            "callWindows": [
                {"starts": "09:00", "ends": "12:00"},
                {"starts": "11:00", "ends": "13:00"},
            ]
        },
        "callWindows",
        "call_windows_overlap",
    ),
    (
        {
            "callWindows": [
                {"starts": "14:00", "ends": "19:00"},
                {"starts": "09:00", "ends": "11:00"},
            ]
        },
        "callWindows",
        "call_windows_overlap",
    ),
    ({"callWindows": [{"starts": "11:00", "ends": "10:00"}]}, "callWindows", "call_window_order"),
    ({"callWindows": [{"starts": "06:30", "ends": "10:00"}]}, "callWindows", "call_window_hours"),
    ({"callWindows": [{"starts": "18:00", "ends": "21:30"}]}, "callWindows", "call_window_hours"),
    ({"callWindows": [{"starts": "9:00", "ends": "10:00"}]}, "callWindows", "call_window_format"),
    ({"callWindows": []}, "callWindows", "call_windows_required"),
    ({"revisitAfterDays": 3, "revisitWithinDays": 2}, "revisitWithinDays", "revisit_window_order"),
    ({"revisitAfterDays": 4}, "revisitWithinDays", "revisit_window_order"),
    ({"revisitAfterDays": 8}, "revisitAfterDays", "out_of_range"),
    ({"minAttempts": 2}, "minAttempts", "min_attempts_at_least_three"),
    ({"minAttempts": 11}, "minAttempts", "out_of_range"),
    (
        {"complaintHours": [{"level": "grievance", "hours": 24}]},
        "complaintHours",
        "complaint_levels",
    ),
    (
        {"complaintAutoRoute": [{"level": "severe", "department": "marketing"}]},
        "complaintAutoRoute",
        "complaint_department",
    ),
    (
        {"complaintAutoRoute": [{"level": "urgent", "department": "service"}]},
        "complaintAutoRoute",
        "complaint_levels",
    ),
    ({"lostAfterMonths": 2}, "lostAfterMonths", "out_of_range"),
]


@pytest.mark.parametrize(("given", "field", "rule"), BAD)
async def test_broken_rules_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient,
    sign_in: SignIn,
    api_desk: CareDesk,
    db: asyncpg.Connection,
    given: dict[str, Any],
    field: str,
    rule: str,
) -> None:
    body = await _call(client, sign_in, "manager", UPDATE, input=given)
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    extensions = body["errors"][0]["extensions"]
    assert (extensions["field"], extensions["rule"]) == (field, rule)
    assert await db.fetchval("select count(*) from care_settings") == 0
    assert (
        await db.fetchval("select count(*) from audit_entry where object_type = 'care_settings'")
        == 0
    )


async def test_a_level_given_twice(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk
) -> None:
    body = await _call(
        client,
        sign_in,
        "manager",
        UPDATE,
        input={
            "complaintAutoRoute": [
                {"level": "grievance", "department": "service"},
                {"level": "grievance", "department": "parts"},
            ]
        },
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "complaintAutoRoute"


async def _open_revisits(db: asyncpg.Connection, desk: CareDesk, count: int) -> list[int]:
    now = local(desk.time_zone, 2026, 9, 2, 9, 0)
    for i in range(count):
        await deliver_order(db, desk, now - timedelta(hours=5 + i))
    await generate_revisits(now)
    return sorted(r["id"] for r in await revisits(db, desk.dealer_id))


def _gid(revisit_id: int) -> str:
    return global_id("Revisit", revisit_id)


async def test_reassign_to_a_caller(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk, db: asyncpg.Connection
) -> None:
    first, second = await _open_revisits(db, api_desk, 2)
    before = {r["id"]: r["assignee_user_id"] for r in await revisits(db, api_desk.dealer_id)}
    to = global_id("StaffUser", api_desk.users["cs2"])
    body = await _call(
        client, sign_in, "front_desk", REASSIGN, ids=[_gid(first), _gid(second)], to=to
    )
    assert not body.get("errors"), body
    assert body["data"]["revisitReassign"] == [
        {
            "revisitId": _gid(rid),
            "duty": "revisit_calls",
            "assignee": {"username": api_desk.usernames["cs2"]},
        }
        for rid in (first, second)
    ]
    rows = await revisits(db, api_desk.dealer_id)
    assert {r["assignee_user_id"] for r in rows} == {api_desk.users["cs2"]}
    audit = await db.fetch(
        "select object_id, actor_user_id, before ->> 'assignee_user_id' as b,"
        " after ->> 'assignee_user_id' as a from audit_entry where action = 'revisit.reassign'"
        " order by object_id::bigint"
    )
    assert [(e["object_id"], e["actor_user_id"], e["a"]) for e in audit] == [
        (str(first), api_desk.users["front_desk"], str(api_desk.users["cs2"])),
        (str(second), api_desk.users["front_desk"], str(api_desk.users["cs2"])),
    ]
    assert [e["b"] for e in audit] == [str(before[first]), str(before[second])]
    assert set(before.values()) == {api_desk.users["cs"], api_desk.users["cs2"]}

    # To an advisor: the revisit joins the advisor's customer group queue.
    to_advisor = global_id("StaffUser", api_desk.users["advisor"])
    body = await _call(client, sign_in, "front_desk", REASSIGN, ids=[_gid(first)], to=to_advisor)
    assert body["data"]["revisitReassign"][0]["duty"] == "customer_group"


async def test_reassign_refusals(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk, db: asyncpg.Connection
) -> None:
    [open_one, done] = await _open_revisits(db, api_desk, 2)
    before = {r["id"]: r["assignee_user_id"] for r in await revisits(db, api_desk.dealer_id)}
    await db.execute(
        "update revisit set status = 'succeeded', outcome = 'satisfied' where id = $1", done
    )
    cs2 = global_id("StaffUser", api_desk.users["cs2"])
    # Without revisit:assign.
    body = await _call(client, sign_in, "cs", REASSIGN, ids=[_gid(open_one)], to=cs2)
    assert error_codes(body) == ["FORBIDDEN"]
    # To someone who makes no follow-up calls here, or works at another dealer.
    for post in ("technician", "far_cs", "regional"):
        to = global_id("StaffUser", api_desk.users[post])
        body = await _call(client, sign_in, "front_desk", REASSIGN, ids=[_gid(open_one)], to=to)
        assert error_codes(body) == ["BAD_USER_INPUT"], post
        assert body["errors"][0]["extensions"]["rule"] == "assignee_without_revisit_duty"
    # A revisit already called: all or nothing.
    body = await _call(
        client, sign_in, "front_desk", REASSIGN, ids=[_gid(open_one), _gid(done)], to=cs2
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["rule"] == "revisit_not_open"
    # Another dealer's revisit is not found.
    far_now = local(api_desk.time_zone, 2026, 9, 2, 9, 0)
    await deliver_order(
        db, api_desk, far_now - timedelta(hours=3), dealer_id=api_desk.far_dealer_id
    )
    await generate_revisits(far_now)
    [far] = await revisits(db, api_desk.far_dealer_id)
    body = await _call(client, sign_in, "front_desk", REASSIGN, ids=[_gid(far["id"])], to=cs2)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await _call(client, sign_in, "front_desk", REASSIGN, ids=["nonsense"], to=cs2)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    rows = {r["id"]: r for r in await revisits(db, api_desk.dealer_id)}
    assert before[open_one] is not None
    assert rows[open_one]["assignee_user_id"] == before[open_one]
    assert (
        await db.fetchval("select count(*) from audit_entry where action = 'revisit.reassign'") == 0
    )


async def test_who_may_be_given_revisits(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: CareDesk
) -> None:
    body = await _call(client, sign_in, "front_desk", ASSIGNEES)
    assert sorted(u["username"] for u in body["data"]["revisitAssignees"]) == sorted(
        api_desk.usernames[p] for p in ("advisor", "advisor2", "cs", "cs2")
    )
