"""Building and editing claims through GraphQL: a claim copies the order's warranty lines
at the manufacturer's prices with the catalog's standard hours, one claim per order and
fault, a line in one live claim, edits only while draft or returned, every change
audited; who may do what, and the far dealer's claims are invisible."""

from __future__ import annotations

from decimal import Decimal

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.warranty.claims_arrange import add_line
from tests.warranty.claims_steps import (
    ADD_LINES,
    ASSESS,
    CANCEL,
    CLAIM,
    CLAIMS,
    CREATE,
    REMOVE_LINE,
    UPDATE,
    UPDATE_LINE,
    SignIn,
    campaign_input,
    claim_pk,
    create,
    first_error,
    line_gid,
    order_gid,
    standard_input,
)
from tests.warranty.factories_warranty import WarrantyDesk


async def test_a_claim_copies_the_warranty_lines_at_the_manufacturers_prices(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    await db.execute(
        "update warranty_policy set labour_rate = 200, parts_markup = 0.1 where manufacturer_id = $1",
        desk.manufacturer_id,
    )
    claims = await sign_in("claims")
    claim = await create(
        client,
        claims,
        standard_input(
            desk,
            lineIds=[line_gid(desk.part_line_id), line_gid(desk.labour_line_id)],
            faultCode=" wp-leak-01 ",
        ),
    )
    assert claim["status"] == "DRAFT" and claim["editable"] is True
    assert claim["number"].split("-")[1] == "WC"
    assert claim["faultCode"] == "WP-LEAK-01"
    assert (claim["vin"], claim["mileage"]) == (desk.vin, 23000)
    assert claim["complaint"] == "Coolant leak at the front"
    assert claim["createdBy"]["username"] == desk.usernames["claims"]
    labour = next(line for line in claim["lines"] if line["kind"] == "LABOUR")
    part = next(line for line in claim["lines"] if line["kind"] == "PART")
    # Labour at the policy's rate for the hours on the line, next to the standard.
    assert (labour["hours"], labour["standardHours"], labour["unitPrice"]) == (
        "1.50",
        "1.50",
        "200.00",
    )
    assert labour["amount"] == "300.00"
    # The part at list price (680) plus the 10 % handling markup.
    assert (part["unitPrice"], part["amount"]) == ("748.00", "748.00")
    assert claim["requestedAmount"] == "1048.00"
    assert claim["history"] == [
        {
            "fromStatus": None,
            "toStatus": "DRAFT",
            "note": "built from 2 line(s)",
            "actor": {"username": desk.usernames["claims"]},
        }
    ]
    audit = await db.fetchval(
        "select count(*) from audit_entry where object_type = 'warranty_claim'"
        " and action = 'warranty_claim.create' and object_id = $1",
        str(claim_pk(claim)),
    )
    assert audit == 1


async def test_one_claim_per_order_and_fault_and_a_line_in_one_live_claim(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    first = await create(client, claims, standard_input(desk))
    again = await gql(
        client,
        CREATE,
        {"input": standard_input(desk, lineIds=[line_gid(desk.labour_line_id)])},
        claims,
    )
    assert first_error(again)["rule"] == "one_claim_per_order_and_fault"
    same_line = await gql(
        client, CREATE, {"input": standard_input(desk, faultCode="OTHER")}, claims
    )
    extensions = first_error(same_line)
    assert (extensions["rule"], extensions["claimNumber"]) == (
        "line_already_claimed",
        first["number"],
    )

    # Cancelling frees the line and the fault code.
    body = await gql(client, CANCEL, {"id": first["id"], "reason": "built twice"}, claims)
    assert body["data"]["cancelWarrantyClaim"]["status"] == "CANCELLED"
    assert body["data"]["cancelWarrantyClaim"]["history"][-1]["note"] == "built twice"
    await create(client, claims, standard_input(desk))


async def test_only_approved_warranty_lines_of_the_order_can_be_claimed(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    proposed = await add_line(db, desk, kind="part", part_id=desk.part_id, status="proposed")
    other_order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " mileage_in) values ($1, 'X-1', $2, $3, $4, 100) returning id",
        desk.dealer_id,
        desk.customer_id,
        desk.vehicle_id,
        desk.users["advisor"],
    )
    foreign_line = await add_line(db, desk, kind="part", part_id=desk.part_id, order_id=other_order)
    for line, rule in (
        (desk.customer_line_id, "line_not_warranty"),
        (proposed, "line_not_approved"),
        (foreign_line, "line_not_on_order"),
    ):
        body = await gql(
            client, CREATE, {"input": standard_input(desk, lineIds=[line_gid(line)])}, claims
        )
        assert first_error(body)["rule"] == rule, body
    body = await gql(client, CREATE, {"input": standard_input(desk, lineIds=[])}, claims)
    assert first_error(body)["rule"] == "lines_required"
    body = await gql(
        client, CREATE, {"input": standard_input(desk, faultCode="no spaces!")}, claims
    )
    assert first_error(body)["rule"] == "fault_code_format"
    body = await gql(client, CREATE, {"input": standard_input(desk, claimType="GOODWILL")}, claims)
    assert first_error(body)["rule"] == "goodwill_needs_determination"
    body = await gql(client, CREATE, {"input": campaign_input(desk, campaignId=None)}, claims)
    assert first_error(body)["rule"] == "campaign_required"
    await db.execute("delete from campaign_vehicle where campaign_id = $1", desk.campaign_id)
    body = await gql(client, CREATE, {"input": campaign_input(desk)}, claims)
    assert first_error(body)["rule"] == "campaign_not_for_vehicle"


async def test_edit_while_draft_lines_and_hours(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk, cause="", correction=""))
    body = await gql(
        client,
        UPDATE,
        {
            "input": {
                "claimId": claim["id"],
                "cause": "Seal worn out",
                "correction": "Pump replaced",
                "complaint": "Coolant on the floor",
                "faultCode": "WP-02",
                "clearCausalPart": True,
            }
        },
        claims,
    )
    updated = body["data"]["updateWarrantyClaim"]
    assert (updated["cause"], updated["correction"], updated["complaint"]) == (
        "Seal worn out",
        "Pump replaced",
        "Coolant on the floor",
    )
    assert (updated["faultCode"], updated["causalPart"]) == ("WP-02", None)

    body = await gql(
        client, ADD_LINES, {"id": claim["id"], "lines": [line_gid(desk.labour_line_id)]}, claims
    )
    lines = body["data"]["addWarrantyClaimLines"]["lines"]
    assert len(lines) == 2
    labour = next(line for line in lines if line["kind"] == "LABOUR")
    body = await gql(
        client, UPDATE_LINE, {"input": {"claimLineId": labour["id"], "hours": "1.00"}}, claims
    )
    claim_now = body["data"]["updateWarrantyClaimLine"]
    labour = next(line for line in claim_now["lines"] if line["kind"] == "LABOUR")
    assert (labour["hours"], labour["amount"]) == ("1.00", "180.00")
    assert claim_now["requestedAmount"] == str(Decimal("180.00") + Decimal("680.00"))
    body = await gql(
        client, UPDATE_LINE, {"input": {"claimLineId": labour["id"], "hours": "2.00"}}, claims
    )
    assert first_error(body)["rule"] == "above_order_line"

    body = await gql(client, REMOVE_LINE, {"id": labour["id"]}, claims)
    assert len(body["data"]["removeWarrantyClaimLine"]["lines"]) == 1
    actions = await db.fetch(
        "select action from audit_entry where object_type in ('warranty_claim',"
        " 'warranty_claim_line') order by id"
    )
    assert [a["action"] for a in actions] == [
        "warranty_claim.create",
        "warranty_claim.update",
        "warranty_claim.add_lines",
        "warranty_claim.update_line",
        "warranty_claim.remove_line",
    ]


async def test_the_claims_specialist_judges_a_line_and_its_eligibility_follows(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    body = await gql(
        client,
        ASSESS,
        {
            "input": {
                "lineId": line_gid(desk.part_line_id),
                "cause": "ACCIDENT",
                "note": "front hit",
            }
        },
        claims,
    )
    line = body["data"]["assessWarrantyLine"]
    assert line["warrantyAssessment"]["cause"] == "ACCIDENT"
    assert line["warrantyAssessment"]["assessedBy"]["username"] == desk.usernames["claims"]
    assert line["warrantyEligibility"] == {
        "covered": False,
        "reason": "EXCLUDED_CAUSE",
        "cause": "ACCIDENT",
    }
    body = await gql(
        client,
        ASSESS,
        {"input": {"lineId": line_gid(desk.customer_line_id), "cause": "DEFECT"}},
        claims,
    )
    assert first_error(body)["rule"] == "line_not_warranty"
    advisor = await sign_in("advisor")
    body = await gql(
        client,
        ASSESS,
        {"input": {"lineId": line_gid(desk.part_line_id), "cause": "DEFECT"}},
        advisor,
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_who_may_build_and_read_claims(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    claim = await create(client, claims, standard_input(desk))
    for post in ("advisor", "manager", "technician", "keeper"):
        body = await gql(
            client, CREATE, {"input": standard_input(desk, faultCode=post)}, await sign_in(post)
        )
        assert first_error(body) == {"code": "FORBIDDEN", "permission": "warranty_claim:create"}
    # The advisor and the manager read claims; the technician does not.
    for post, visible in (("advisor", True), ("manager", True), ("technician", False)):
        body = await gql(client, CLAIM, {"id": claim["id"]}, await sign_in(post))
        assert (body["data"]["node"] is not None) is visible, post
    body = await gql(client, CLAIMS, {}, await sign_in("technician"))
    assert error_codes(body) == ["FORBIDDEN"]
    # The region's manager and the manufacturer's technician read the dealer's claims.
    for post in ("regional", "reviewer"):
        headers = {**await sign_in(post), "X-Dealer-Id": str(desk.dealer_id)}
        body = await gql(client, CLAIMS, {}, headers)
        assert [e["node"]["number"] for e in body["data"]["warrantyClaims"]["edges"]] == [
            claim["number"]
        ], post


async def test_the_far_dealers_claims_are_invisible(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    mine = await create(client, claims, standard_input(desk))
    far_order = await db.fetchval(
        "insert into repair_order (dealer_id, number, customer_id, vehicle_id, advisor_user_id,"
        " mileage_in) select $1, 'FAR-1', customer_id, id, $2, 5000 from vehicle where id = $3"
        " returning id",
        desk.far_dealer_id,
        desk.users["far_claims"],
        desk.far_vehicle_id,
    )
    far_line = await db.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, unit_price,"
        " pay_type, status) values ($1, $2, 'part', $3, 680, 'warranty', 'approved') returning id",
        desk.far_dealer_id,
        far_order,
        desk.part_id,
    )
    far = await sign_in("far_claims")
    theirs = await create(
        client,
        far,
        standard_input(desk, orderId=order_gid(desk, far_order), lineIds=[line_gid(far_line)]),
    )
    body = await gql(client, CLAIMS, {}, far)
    assert [e["node"]["id"] for e in body["data"]["warrantyClaims"]["edges"]] == [theirs["id"]]
    body = await gql(client, CLAIM, {"id": mine["id"]}, far)
    assert body["data"]["node"] is None
    body = await gql(client, CANCEL, {"id": mine["id"], "reason": "x"}, far)
    assert error_codes(body) == ["NOT_FOUND"]
    # My order's lines cannot go into their claim, nor theirs into mine.
    body = await gql(client, CREATE, {"input": standard_input(desk, faultCode="X1")}, far)
    assert error_codes(body) == ["NOT_FOUND"]
    body = await gql(client, ADD_LINES, {"id": mine["id"], "lines": [line_gid(far_line)]}, claims)
    assert first_error(body)["rule"] == "line_not_on_order"


async def test_the_claims_list_filters(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    claims = await sign_in("claims")
    standard = await create(client, claims, standard_input(desk))
    campaign = await create(client, claims, campaign_input(desk))
    await db.execute(
        "update warranty_claim set created_at = now() - interval '40 days' where id = $1",
        claim_pk(standard),
    )

    async def numbers(**variables: object) -> list[str]:
        body = await gql(client, CLAIMS, dict(variables), claims)
        assert not body.get("errors"), body
        return [e["node"]["number"] for e in body["data"]["warrantyClaims"]["edges"]]

    assert await numbers() == [campaign["number"], standard["number"]]
    assert await numbers(type=["CAMPAIGN"]) == [campaign["number"]]
    assert await numbers(status=["SUBMITTED"]) == []
    today = await db.fetchval(
        "select (now() at time zone time_zone)::date from dealer where id = $1", desk.dealer_id
    )
    assert await numbers(**{"from": str(today)}) == [campaign["number"]]
    assert await numbers(search=desk.vin) == [campaign["number"], standard["number"]]
    assert await numbers(search="rc-wp") == [campaign["number"]]
    body = await gql(client, CLAIMS, {"first": 1}, claims)
    page = body["data"]["warrantyClaims"]
    assert page["pageInfo"]["hasNextPage"] is True
    body = await gql(client, CLAIMS, {"first": 1, "after": page["pageInfo"]["endCursor"]}, claims)
    assert [e["node"]["number"] for e in body["data"]["warrantyClaims"]["edges"]] == [
        standard["number"]
    ]
    assert global_id("WarrantyClaim", claim_pk(standard)) == standard["id"]
