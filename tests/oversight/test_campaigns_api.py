"""Campaigns and bulletins through GraphQL and the VIN upload route: who may publish,
import and close; each dealer sees its own affected vehicles; the regional manager sees
completion across the region's dealers and nothing of another region; the reception
banner on a vehicle and the one-click operation; bulletin distribution and reading."""

from __future__ import annotations

from typing import Any

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tests.api.graphql_client import error_codes, gql
from tests.oversight.campaigns_arrange import (
    make_campaign,
    make_operation,
    make_order,
    make_vehicle,
    vin,
)
from tests.oversight.conftest import SignIn
from tests.oversight.factories_oversight import Network

PUBLISH = """
mutation($input: PublishCampaignInput!) {
  publishCampaign(input: $input) { id code kind open operation { code standardHours } }
}
"""
IMPORT = """
mutation($id: ID!, $text: String!) {
  importCampaignVins(campaignId: $id, text: $text) {
    added alreadyListed invalid { line rule } duplicates { line firstLine }
  }
}
"""
CLOSE = "mutation($id: ID!) { closeCampaign(campaignId: $id) { open endsOn } }"
LIST = """
query { campaigns { id code counts { affected completedHere completedElsewhere open } } }
"""
DETAIL = """
query($id: ID!) {
  campaign(id: $id) {
    campaign { code }
    vehicles { vin customerName completedHere completedElsewhere }
    networkVins networkCompleted networkPercent
    byDealer { dealerCode affected completed percent }
  }
}
"""
VEHICLE = """
query($id: ID!) {
  node(id: $id) { ... on Vehicle { vin openCampaigns { campaignId code kind title
    operation { code standardHours } } } }
}
"""
ADD = """
mutation($order: ID!, $campaign: ID!) {
  addCampaignOperation(repairOrderId: $order, campaignId: $campaign) {
    kind payType hours status
  }
}
"""


async def _as(sign_in: SignIn, key: str, dealer: int) -> dict[str, str]:
    return {**await sign_in(key), "X-Dealer-Id": str(dealer)}


def _cid(campaign: int) -> str:
    return global_id("Campaign", campaign)


async def test_the_regional_manager_publishes_imports_and_closes(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    operation = await make_operation(db, network.manufacturer_id)
    regional = await _as(sign_in, "regional", network.dealer_ids[0])
    variables: dict[str, Any] = {
        "input": {
            "code": "RC-API-1",
            "kind": "RECALL",
            "title": "Airbag inflator",
            "titleZh": "安全气囊气体发生器",
            "startsOn": "2026-11-01",
            "operationId": global_id("LabourOperation", operation),
        }
    }
    body = await gql(client, PUBLISH, variables, regional)
    assert not body.get("errors"), body
    published = body["data"]["publishCampaign"]
    assert (published["code"], published["kind"], published["open"]) == ("RC-API-1", "RECALL", True)

    manager = await sign_in("manager@0")
    assert error_codes(await gql(client, PUBLISH, variables, manager)) == ["FORBIDDEN"]
    # A recall is the manufacturer's, nationwide: another region's manager adds VINs too.
    other = await _as(sign_in, "other_regional", network.other_dealer_id)
    body = await gql(client, IMPORT, {"id": published["id"], "text": vin(9)}, other)
    assert body["data"]["importCampaignVins"]["added"] == 1

    text = f"VIN,Model\r\n{vin(1)},Lavida\r\n{vin(1)},Lavida\r\nNOPE,Lavida\r\n"
    body = await gql(client, IMPORT, {"id": published["id"], "text": text}, regional)
    assert body["data"]["importCampaignVins"] == {
        "added": 1,
        "alreadyListed": 0,
        "invalid": [{"line": 4, "rule": "vin_length"}],
        "duplicates": [{"line": 3, "firstLine": 2}],
    }
    upload = await client.post(
        f"/api/oversight/campaigns/{published['id']}/vins",
        content=f"\ufeff{vin(1)}\r\n{vin(2)}\r\n".encode(),
        headers={**regional, "Content-Type": "text/csv"},
    )
    assert upload.status_code == 200, upload.text
    assert upload.json()["data"]["added"] == 1 and upload.json()["data"]["alreadyListed"] == 1
    forbidden = await client.post(
        f"/api/oversight/campaigns/{published['id']}/vins",
        content=vin(3).encode(),
        headers=await _as(sign_in, "advisor@0", network.dealer_ids[0]),
    )
    assert forbidden.status_code == 403

    body = await gql(client, CLOSE, {"id": published["id"]}, regional)
    assert body["data"]["closeCampaign"]["open"] is False
    again = await gql(client, CLOSE, {"id": published["id"]}, regional)
    assert again["errors"][0]["extensions"]["rule"] == "campaign_closed"


async def test_dealers_see_their_own_vehicles_the_region_sees_completion(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    d0, d1, d2 = network.dealer_ids
    operation = await make_operation(db, network.manufacturer_id)
    await make_vehicle(db, d0, vin(51))
    await make_vehicle(db, d0, vin(52))
    await make_vehicle(db, d1, vin(53))
    await make_vehicle(db, network.other_dealer_id, vin(54))
    campaign = await make_campaign(db, network, operation, [vin(51), vin(52), vin(53), vin(54)])
    await db.execute(
        "update campaign_vehicle set completed_at = now(), completed_dealer_id = $2"
        " where campaign_id = $1 and vin = $3",
        campaign,
        d0,
        vin(51),
    )
    manager = await sign_in("manager@0")
    listed = await gql(client, LIST, headers=manager)
    mine = next(c for c in listed["data"]["campaigns"] if c["id"] == _cid(campaign))
    assert mine["counts"] == {
        "affected": 2,
        "completedHere": 1,
        "completedElsewhere": 0,
        "open": 1,
    }
    detail = await gql(client, DETAIL, {"id": _cid(campaign)}, manager)
    page = detail["data"]["campaign"]
    assert [(v["vin"], v["completedHere"]) for v in page["vehicles"]] == [
        (vin(52), False),
        (vin(51), True),
    ]
    assert page["byDealer"] == [] and page["networkVins"] is None

    regional = await _as(sign_in, "regional", d1)
    page = (await gql(client, DETAIL, {"id": _cid(campaign)}, regional))["data"]["campaign"]
    assert [v["vin"] for v in page["vehicles"]] == [vin(53)]
    by_dealer = {r["dealerCode"]: (r["affected"], r["completed"]) for r in page["byDealer"]}
    codes = dict(await db.fetch("select id, code from dealer where id = any($1)", [d0, d1, d2]))
    assert by_dealer == {codes[d0]: (2, 1), codes[d1]: (1, 0), codes[d2]: (0, 0)}
    assert (page["networkVins"], page["networkCompleted"], page["networkPercent"]) == (4, 1, 25.0)
    other_code = await db.fetchval("select code from dealer where id = $1", network.other_dealer_id)
    assert other_code not in by_dealer


async def test_reception_banner_and_one_click(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    operation = await make_operation(db, network.manufacturer_id, hours="0.6")
    campaign = await make_campaign(db, network, operation, [vin(61)], kind="service_campaign")
    vehicle = await make_vehicle(db, network.dealer_ids[0], vin(61))
    order = await make_order(db, network, 0, vehicle, status="open")
    advisor = await sign_in("advisor@0")
    body = await gql(client, VEHICLE, {"id": global_id("Vehicle", vehicle)}, advisor)
    assert not body.get("errors"), body
    flags = body["data"]["node"]["openCampaigns"]
    assert [(f["campaignId"], f["kind"]) for f in flags] == [(_cid(campaign), "SERVICE_CAMPAIGN")]
    variables = {"order": global_id("RepairOrder", order), "campaign": _cid(campaign)}
    line = await gql(client, ADD, variables, advisor)
    assert line["data"]["addCampaignOperation"] == {
        "kind": "LABOUR",
        "payType": "WARRANTY",
        "hours": "0.60",
        "status": "PROPOSED",
    }
    again = await gql(client, ADD, variables, advisor)
    assert again["errors"][0]["extensions"]["rule"] == "campaign_operation_on_order"
    regional = await _as(sign_in, "regional", network.dealer_ids[0])
    assert error_codes(await gql(client, ADD, variables, regional)) == ["FORBIDDEN"]


BULLETIN = """
mutation($input: PublishTechnicalBulletinInput!) {
  publishTechnicalBulletin(input: $input) { id code models operations { code } }
}
"""


async def test_bulletin_distribution_and_reading(
    client: httpx.AsyncClient, db: asyncpg.Connection, api_network: Network, sign_in: SignIn
) -> None:
    network = api_network
    operation = await make_operation(db, network.manufacturer_id)
    regional = await _as(sign_in, "regional", network.dealer_ids[0])
    body = await gql(
        client,
        BULLETIN,
        {
            "input": {
                "code": "TSB-1",
                "title": "Hose",
                "models": ["Lavida"],
                "operationIds": [global_id("LabourOperation", operation)],
            }
        },
        regional,
    )
    assert not body.get("errors"), body
    bulletin = body["data"]["publishTechnicalBulletin"]["id"]
    director = await sign_in("tech_director@0")
    advisor = await sign_in("advisor@0")
    distribute = (
        "mutation($id: ID!, $users: [ID!]) { distributeTechnicalBulletin("
        "bulletinId: $id, userIds: $users) }"
    )
    assert error_codes(await gql(client, distribute, {"id": bulletin}, advisor)) == ["FORBIDDEN"]
    users = [global_id("StaffUser", network.staff("advisor", 0))]
    body = await gql(client, distribute, {"id": bulletin, "users": users}, director)
    assert body["data"]["distributeTechnicalBulletin"] == 1
    read = "mutation($id: ID!) { markTechnicalBulletinRead(bulletinId: $id) { myReadAt read } }"
    body = await gql(client, read, {"id": bulletin}, advisor)
    assert body["data"]["markTechnicalBulletinRead"]["read"] == 1
    readings = (
        "query($id: ID!) { technicalBulletinReadings(bulletinId: $id) { displayName readAt } }"
    )
    body = await gql(client, readings, {"id": bulletin}, director)
    assert len(body["data"]["technicalBulletinReadings"]) == 1
    assert body["data"]["technicalBulletinReadings"][0]["readAt"] is not None
    listed = await gql(
        client,
        "query { technicalBulletins { code distributed read } }",
        headers=await sign_in("manager@1"),
    )
    assert listed["data"]["technicalBulletins"] == [{"code": "TSB-1", "distributed": 0, "read": 0}]
