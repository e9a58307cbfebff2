"""Quality checks: self, team and final by three different people; failures are rework."""

from __future__ import annotations

import asyncpg
import httpx

from tests.service_orders.factories_orders import Workshop
from tests.service_orders.order_steps import SignIn, approved_order, move, ok, order, pk, refused

CHECK = """
mutation($input: RecordQualityCheckInput!) {
  recordQualityCheck(input: $input) { stage round passed checkedBy { username } order { status reworkCount } }
}
"""


def _check(order_id: str, stage: str, passed: bool = True, notes: str = "") -> dict[str, object]:
    return {"input": {"orderId": order_id, "stage": stage, "passed": passed, "notes": notes}}


async def test_three_people_check_and_a_failure_is_rework(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    oid = placed["id"]
    early = await refused(client, CHECK, _check(oid, "SELF"), await sign_in("technician"))
    assert early["rule"] == "check_after_work_done"
    await move(api_shop, oid, "in_progress", "work_done")
    inspector = await sign_in("inspector")
    leader = await sign_in("leader")
    technician = await sign_in("technician")
    too_soon = await refused(client, CHECK, _check(oid, "FINAL"), inspector)
    assert too_soon["rule"] == "final_check_needs_self_and_team"
    await ok(client, CHECK, _check(oid, "SELF"), technician)
    assert (await refused(client, CHECK, _check(oid, "SELF"), leader))["rule"] == (
        "check_already_recorded"
    )
    assert (await refused(client, CHECK, _check(oid, "FINAL"), inspector))["rule"] == (
        "final_check_needs_team"
    )
    not_team = await refused(client, CHECK, _check(oid, "TEAM"), technician)
    assert not_team == {"code": "FORBIDDEN", "permission": "quality_check:team_check"}
    await ok(client, CHECK, _check(oid, "TEAM"), leader)
    no_reason = await refused(client, CHECK, _check(oid, "FINAL", passed=False), inspector)
    assert no_reason["rule"] == "rework_needs_reason"
    failed = await ok(client, CHECK, _check(oid, "FINAL", False, "brake pedal soft"), inspector)
    assert failed["recordQualityCheck"]["order"] == {"status": "IN_PROGRESS", "reworkCount": 1}
    await move(api_shop, oid, "work_done")
    second = await ok(client, CHECK, _check(oid, "SELF"), technician)
    assert second["recordQualityCheck"]["round"] == 1
    await ok(client, CHECK, _check(oid, "TEAM"), leader)
    done = await ok(client, CHECK, _check(oid, "FINAL"), inspector)
    assert done["recordQualityCheck"]["order"] == {"status": "READY", "reworkCount": 1}
    shown = await order(client, await sign_in("advisor"), oid)
    assert [(c["round"], c["stage"], c["passed"]) for c in shown["qualityChecks"]] == [
        (0, "SELF", True), (0, "TEAM", True), (0, "FINAL", False),
        (1, "SELF", True), (1, "TEAM", True), (1, "FINAL", True),
    ]  # fmt: skip
    rework = await db.fetchval(
        "select count(*) from order_event where repair_order_id = $1 and from_status = 'work_done'"
        " and to_status = 'in_progress'",
        pk(oid),
    )
    assert rework == 1


async def test_one_person_cannot_check_twice_in_a_round(
    client: httpx.AsyncClient, api_shop: Workshop, sign_in: SignIn
) -> None:
    placed = await approved_order(client, api_shop, sign_in)
    oid = placed["id"]
    await move(api_shop, oid, "in_progress", "work_done")
    leader = await sign_in("leader")  # holds self_check and team_check
    await ok(client, CHECK, _check(oid, "SELF"), leader)
    same = await refused(client, CHECK, _check(oid, "TEAM"), leader)
    assert same["code"] == "SEGREGATION_OF_DUTIES"
    technician = await sign_in("technician")
    cannot_fail = await refused(client, CHECK, _check(oid, "SELF", False, "x"), technician)
    assert cannot_fail == {"code": "FORBIDDEN", "permission": "quality_check:send_to_rework"}
