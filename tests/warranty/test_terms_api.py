"""The manufacturer's warranty terms through GraphQL: dealers' staff read the policy, its
part-group terms, excluded causes and the recalls of a VIN; the manufacturer's warranty
staff change them (audited); a regional manager and dealer staff cannot; the HTTP
connector's endpoint and secret never leave the server."""

from __future__ import annotations

import asyncpg
import httpx

from tests.api.graphql_client import error_codes, gql
from tests.warranty.claims_steps import SignIn, first_error
from tests.warranty.factories_warranty import WarrantyDesk

TERMS = """
{ warrantyTerms {
    baseMonths baseKm firstServiceMonths firstServiceKm claimDeadlineDays duplicateWindowDays
    repeatRepairThreshold cumulativeRepairDaysThreshold warningWindowMonths labourRate
    connector excludedCauses requiresFiles manufacturer { id }
    partGroupTerms { partGroup months km mustReturn } } }
"""
CAMPAIGNS = """
query($vin: String!) { warrantyCampaignsForVin(vin: $vin) {
  id code kind title titleZh open operation { name } } }
"""
UPDATE = """
mutation($input: UpdateWarrantyPolicyInput!) {
  updateWarrantyPolicy(input: $input) { baseMonths baseKm excludedCauses requiresFiles }
}
"""
SET_TERM = """
mutation($input: SetWarrantyPartGroupTermInput!) {
  setWarrantyPartGroupTerm(input: $input) { partGroupTerms { partGroup months km mustReturn } }
}
"""
REMOVE_TERM = """
mutation($group: String!) {
  removeWarrantyPartGroupTerm(partGroup: $group) { partGroupTerms { partGroup } }
}
"""


async def test_dealer_staff_read_the_terms_and_the_recalls_of_a_vin(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    for post in ("claims", "advisor"):
        body = await gql(client, TERMS, None, await sign_in(post))
        terms = body["data"]["warrantyTerms"]
        assert (terms["baseMonths"], terms["baseKm"], terms["labourRate"]) == (36, 100000, "180.00")
        assert terms["excludedCauses"] == ["ACCIDENT", "MISUSE", "MODIFICATION"]
        assert terms["partGroupTerms"] == [
            {"partGroup": "battery", "months": 24, "km": 50000, "mustReturn": True},
            {"partGroup": "wear", "months": 6, "km": 10000, "mustReturn": False},
        ]
    body = await gql(client, TERMS, None, await sign_in("technician"))
    assert error_codes(body) == ["FORBIDDEN"]

    claims = await sign_in("claims")
    body = await gql(client, CAMPAIGNS, {"vin": desk.vin.lower()}, claims)
    (campaign,) = body["data"]["warrantyCampaignsForVin"]
    assert (campaign["kind"], campaign["open"], campaign["titleZh"]) == ("RECALL", True, "水泵召回")
    assert campaign["operation"]["name"] == "Replace water pump"
    body = await gql(client, CAMPAIGNS, {"vin": "LFVWA2BM000000000"}, claims)
    assert body["data"]["warrantyCampaignsForVin"] == []

    body = await gql(client, '{ __type(name: "WarrantyPolicy") { fields { name } } }', None, claims)
    names = {f["name"] for f in body["data"]["__type"]["fields"]}
    assert not names & {"endpointUrl", "signingSecret"}


async def test_the_manufacturers_warranty_staff_keep_the_terms(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk, db: asyncpg.Connection
) -> None:
    desk = api_desk
    reviewer = {**await sign_in("reviewer"), "X-Dealer-Id": str(desk.dealer_id)}
    body = await gql(
        client,
        UPDATE,
        {
            "input": {
                "baseMonths": 48,
                "excludedCauses": ["MISUSE", "ACCIDENT", "LACK_OF_MAINTENANCE"],
                "requiresFiles": True,
            }
        },
        reviewer,
    )
    assert body["data"]["updateWarrantyPolicy"] == {
        "baseMonths": 48,
        "baseKm": 100000,
        "excludedCauses": ["ACCIDENT", "MISUSE", "LACK_OF_MAINTENANCE"],
        "requiresFiles": True,
    }
    body = await gql(
        client,
        SET_TERM,
        {"input": {"partGroup": "hv_battery", "months": 96, "km": 160000}},
        reviewer,
    )
    groups = body["data"]["setWarrantyPartGroupTerm"]["partGroupTerms"]
    assert {"partGroup": "hv_battery", "months": 96, "km": 160000, "mustReturn": True} in groups
    body = await gql(
        client,
        SET_TERM,
        {"input": {"partGroup": "battery", "months": 36, "km": 60000, "mustReturn": False}},
        reviewer,
    )
    assert {"partGroup": "battery", "months": 36, "km": 60000, "mustReturn": False} in body["data"][
        "setWarrantyPartGroupTerm"
    ]["partGroupTerms"]
    body = await gql(client, REMOVE_TERM, {"group": "wear"}, reviewer)
    assert [
        g["partGroup"] for g in body["data"]["removeWarrantyPartGroupTerm"]["partGroupTerms"]
    ] == [
        "battery",
        "hv_battery",
    ]
    actions = await db.fetch(
        "select action, dealer_id, actor_user_id from audit_entry"
        " where object_type like 'warranty_p%' order by id"
    )
    assert [a["action"] for a in actions] == [
        "warranty_policy.update",
        "warranty_part_group_term.set",
        "warranty_part_group_term.set",
        "warranty_part_group_term.remove",
    ]
    assert {(a["dealer_id"], a["actor_user_id"]) for a in actions} == {
        (desk.dealer_id, desk.users["reviewer"])
    }


async def test_others_cannot_change_the_terms_and_bad_values_are_refused(
    client: httpx.AsyncClient, sign_in: SignIn, api_desk: WarrantyDesk
) -> None:
    desk = api_desk
    regional = {**await sign_in("regional"), "X-Dealer-Id": str(desk.dealer_id)}
    body = await gql(client, UPDATE, {"input": {"baseMonths": 60}}, regional)
    assert first_error(body) == {
        "code": "FORBIDDEN",
        "permission": "warranty_review:decide",
        "rule": "manufacturer_staff_only",
    }
    for post in ("claims", "manager"):
        body = await gql(client, UPDATE, {"input": {"baseMonths": 60}}, await sign_in(post))
        assert first_error(body) == {"code": "FORBIDDEN", "permission": "warranty_review:decide"}
    reviewer = {**await sign_in("reviewer"), "X-Dealer-Id": str(desk.dealer_id)}
    for variables, rule in (
        ({"input": {"baseMonths": 0}}, "positive"),
        ({"input": {"excludedCauses": ["DEFECT"]}}, "excludable_cause"),
        ({"input": {"labourRate": "-1"}}, "not_negative"),
    ):
        body = await gql(client, UPDATE, variables, reviewer)
        assert first_error(body)["rule"] == rule
    body = await gql(
        client, SET_TERM, {"input": {"partGroup": " ", "months": 1, "km": 1}}, reviewer
    )
    assert first_error(body)["rule"] == "required"
    body = await gql(
        client, SET_TERM, {"input": {"partGroup": "x", "months": -1, "km": 1}}, reviewer
    )
    assert first_error(body)["rule"] == "not_negative"
    body = await gql(client, REMOVE_TERM, {"group": "nothing"}, reviewer)
    assert error_codes(body) == ["NOT_FOUND"]
