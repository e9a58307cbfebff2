"""Every check before submission, each with its code: the 3C, the causal part, the order
lines as they stand now, parts issued, hours against the standard (warning above it,
blocking above 1.5 times), duplicates, coverage and the claim type, the deadline,
files, and an unfinished repair."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import gql
from tests.warranty.claims_arrange import (
    add_line,
    add_operation,
    dealer_today,
    issue_part,
    new_order,
    set_order,
)
from tests.warranty.claims_steps import (
    GOODWILL,
    REMOVE_LINE,
    SignIn,
    campaign_input,
    check,
    claim_pk,
    codes,
    create,
    line_gid,
    order_gid,
    standard_input,
)
from tests.warranty.factories_warranty import WarrantyDesk


async def test_a_complete_standard_claim_is_ready_with_warnings_only(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await issue_part(db, desk, desk.part_line_id, "1")
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    result = await check(client, claims, claim["id"])
    assert result["ready"] is True and result["errors"] == []
    assert codes(result["warnings"]) == ["REPAIR_NOT_FINISHED", "NO_FILES"]
    assert all(w["blocking"] is False for w in result["warnings"])

    await db.execute("update repair_order set work_done_at = now() where id = $1", desk.order_id)
    await db.execute(
        "insert into warranty_claim_file (dealer_id, claim_id, file_name, content_type,"
        " size_bytes, sha256, content) values ($1, $2, 'a.jpg', 'image/jpeg', 3, 'x', '\\xffd8ff')",
        desk.dealer_id,
        claim_pk(claim),
    )
    assert (await check(client, claims, claim["id"])) == {
        "ready": True,
        "errors": [],
        "warnings": [],
    }


async def test_the_3c_the_causal_part_and_lines_are_required(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await issue_part(db, desk, desk.part_line_id, "1")
    claims = await sign_in("claims")
    claim = await create(
        client,
        claims,
        standard_input(desk, complaint=" ", cause="", correction="", causalPartId=None),
    )
    result = await check(client, claims, claim["id"])
    assert codes(result["errors"]) == [
        "COMPLAINT_MISSING",
        "CAUSE_MISSING",
        "CORRECTION_MISSING",
        "CAUSAL_PART_MISSING",
    ]
    await gql(client, REMOVE_LINE, {"id": claim["lines"][0]["id"]}, claims)
    assert "NO_LINES" in codes((await check(client, claims, claim["id"]))["errors"])
    # A recall claim needs no causal part.
    recall = await create(client, claims, campaign_input(desk))
    assert "CAUSAL_PART_MISSING" not in codes((await check(client, claims, recall["id"]))["errors"])


async def test_order_lines_withdrawn_or_no_longer_warranty(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await issue_part(db, desk, desk.part_line_id, "1")
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    line_id = claim["lines"][0]["id"]
    await db.execute(
        "update repair_order_line set pay_type = 'customer' where id = $1", desk.part_line_id
    )
    (error,) = (await check(client, claims, claim["id"]))["errors"]
    assert (error["code"], error["claimLineId"]) == ("LINE_NOT_WARRANTY", line_id)
    await db.execute(
        "update repair_order_line set pay_type = 'warranty', status = 'declined' where id = $1",
        desk.part_line_id,
    )
    assert codes((await check(client, claims, claim["id"]))["errors"]) == ["LINE_WITHDRAWN"]


async def test_parts_must_be_issued_to_the_order_line(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    two = await add_line(db, desk, kind="part", part_id=desk.part_id, quantity="2")
    claim = await create(client, claims, standard_input(desk, lineIds=[line_gid(two)]))
    (error,) = (await check(client, claims, claim["id"]))["errors"]
    assert (error["code"], error["params"]) == (
        "PART_NOT_ISSUED",
        {"claimed": "2.00", "issued": "0"},
    )
    await issue_part(db, desk, two, "1")
    (error,) = (await check(client, claims, claim["id"]))["errors"]
    assert error["params"] == {"claimed": "2.00", "issued": "1.00"}
    await issue_part(db, desk, two, "1")
    assert (await check(client, claims, claim["id"]))["errors"] == []


async def test_hours_above_the_standard_warn_and_beyond_one_and_a_half_times_block(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    one_hour = await add_operation(db, desk, hours="1.0", name="Thermostat")
    cases = {
        "1.0": None,
        "1.4": ("HOURS_ABOVE_STANDARD", False),
        "1.5": ("HOURS_ABOVE_STANDARD", False),
        "1.6": ("HOURS_FAR_ABOVE_STANDARD", True),
    }
    for n, (hours, expected) in enumerate(cases.items()):
        line = await add_line(db, desk, kind="labour", operation_id=one_hour, hours=hours)
        claim = await create(
            client, claims, standard_input(desk, lineIds=[line_gid(line)], faultCode=f"TH-{n}")
        )
        result = await check(client, claims, claim["id"])
        found = [i for i in result["errors"] + result["warnings"] if "HOURS" in i["code"]]
        if expected is None:
            assert found == [], hours
        else:
            (issue,) = found
            assert (issue["code"], issue["blocking"]) == expected, hours
            assert issue["params"] == {"hours": f"{hours}0", "standardHours": "1.00"}
    bare = await add_line(db, desk, kind="labour", hours="2.0")
    claim = await create(
        client, claims, standard_input(desk, lineIds=[line_gid(bare)], faultCode="BARE")
    )
    assert "LABOUR_WITHOUT_STANDARD" in codes(
        (await check(client, claims, claim["id"]))["warnings"]
    )


async def test_a_duplicate_of_the_same_vin_and_fault_within_the_window_blocks(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    today = await dealer_today(db, desk)
    earlier = await new_order(
        db, desk, opened_on=today - timedelta(days=60), delivered_on=today - timedelta(days=59)
    )
    earlier_line = await add_line(db, desk, kind="part", part_id=desk.part_id, order_id=earlier)
    first = await create(
        client,
        claims,
        standard_input(desk, orderId=order_gid(desk, earlier), lineIds=[line_gid(earlier_line)]),
    )
    second = await create(client, claims, standard_input(desk))
    duplicate = [
        e
        for e in (await check(client, claims, second["id"]))["errors"]
        if e["code"] == "DUPLICATE_CLAIM"
    ]
    assert duplicate[0]["params"] == {"claimNumbers": [first["number"]], "windowDays": 90}
    # Beyond the policy's window it is a new occurrence.
    await db.execute(
        "update warranty_policy set duplicate_window_days = 59 where manufacturer_id = $1",
        desk.manufacturer_id,
    )
    assert "DUPLICATE_CLAIM" not in codes((await check(client, claims, second["id"]))["errors"])


async def test_coverage_blocks_unless_goodwill_and_the_type_must_match(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await issue_part(db, desk, desk.part_line_id, "1")
    claims = await sign_in("claims")
    # The recall's labour line claimed as standard work.
    mixed = await create(
        client,
        claims,
        standard_input(desk, lineIds=[line_gid(desk.labour_line_id)], faultCode="MIX"),
    )
    (error,) = (await check(client, claims, mixed["id"]))["errors"]
    assert error["code"] == "CLAIM_TYPE_MISMATCH"
    assert error["params"]["expectedType"] == "campaign"

    today = await dealer_today(db, desk)
    await set_order(
        db, desk, sale_date=today.replace(year=today.year - 4), opened_on=today, mileage=23000
    )
    claim = await create(client, claims, standard_input(desk))
    (error,) = (await check(client, claims, claim["id"]))["errors"]
    assert (error["code"], error["params"]) == ("OUTSIDE_TERMS", {"reason": "EXPIRED_BY_TIME"})

    # The service manager determines goodwill: the claim may go, with a warning.
    body = await gql(
        client,
        GOODWILL,
        {"id": claim["id"], "reason": "Loyal customer, 1 month over"},
        await sign_in("manager"),
    )
    assert body["data"]["determineWarrantyClaimGoodwill"]["claimType"] == "GOODWILL"
    result = await check(client, claims, claim["id"])
    assert result["ready"] is True
    assert "GOODWILL_OUTSIDE_TERMS" in codes(result["warnings"])

    await set_order(db, desk, sale_date=None, opened_on=today, mileage=23000)
    (error,) = (await check(client, claims, mixed["id"]))["errors"]
    assert error["code"] == "CLAIM_TYPE_MISMATCH"  # a recall needs no sale date
    other = await add_line(db, desk, kind="part", part_id=desk.part_id)
    await issue_part(db, desk, other, "1")
    undecided = await create(
        client, claims, standard_input(desk, lineIds=[line_gid(other)], faultCode="UND")
    )
    assert codes((await check(client, claims, undecided["id"]))["errors"]) == [
        "ELIGIBILITY_UNDECIDED"
    ]


async def test_the_claim_deadline_counts_from_the_repair(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await issue_part(db, desk, desk.part_line_id, "1")
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    today = await dealer_today(db, desk)

    async def repaired(days_ago: int) -> None:
        await db.execute(
            "update repair_order o set work_done_at = ($2::date + time '16:00') at time zone d.time_zone"
            " from dealer d where d.id = o.dealer_id and o.id = $1",
            desk.order_id,
            today - timedelta(days=days_ago),
        )

    await repaired(27)
    (near,) = [
        w
        for w in (await check(client, claims, claim["id"]))["warnings"]
        if w["code"] == "DEADLINE_NEAR"
    ]
    assert near["params"] == {"deadline": str(today + timedelta(days=3)), "days": 30}
    await repaired(30)
    assert "DEADLINE_NEAR" in codes((await check(client, claims, claim["id"]))["warnings"])
    await repaired(31)
    (error,) = (await check(client, claims, claim["id"]))["errors"]
    assert (error["code"], error["params"]["deadline"]) == (
        "PAST_DEADLINE",
        str(today - timedelta(days=1)),
    )
    # A claim returned for correction is not bound by the first deadline.
    await db.execute(
        "update warranty_claim set submission_count = 1, status = 'returned' where id = $1",
        claim_pk(claim),
    )
    assert (await check(client, claims, claim["id"]))["errors"] == []


async def test_files_when_the_policy_wants_them(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await issue_part(db, desk, desk.part_line_id, "1")
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    assert "NO_FILES" in codes((await check(client, claims, claim["id"]))["warnings"])
    await db.execute(
        "update warranty_policy set requires_files = true where manufacturer_id = $1",
        desk.manufacturer_id,
    )
    result = await check(client, claims, claim["id"])
    assert codes(result["errors"]) == ["FILES_REQUIRED"] and "NO_FILES" not in codes(
        result["warnings"]
    )
    assert global_id("WarrantyClaim", claim_pk(claim)) == claim["id"]
