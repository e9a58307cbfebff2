"""The viewer: roles, permissions and duties with their reasons; switching dealers."""

from __future__ import annotations

import httpx

from api.schema.relay_conventions import global_id
from policies import catalog
from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network

VIEWER = """
{ viewer {
    displayName currentDealer { id code region { code } }
    dealers { dealer { id code } roles { role { key } source } }
    roles { role { key nameZh } source line { text } }
    permissions { object action label labelZh lines { text source role effect } }
    duties { key nameZh lines { text } }
    authorityLimits { key amount currency role { key } lines { text } }
} }
"""


async def test_advisor_sees_exactly_the_catalog_permissions(
    client: httpx.AsyncClient, network: Network
) -> None:
    viewer = (await gql(client, VIEWER, headers=await bearer(client, "advisor_a")))["data"][
        "viewer"
    ]
    assert [r["role"]["key"] for r in viewer["roles"]] == ["service_advisor"]
    assert viewer["roles"][0]["line"]["text"].startswith("g, user:")
    granted = {(p["object"], p["action"]) for p in viewer["permissions"]}
    assert granted == set(catalog.ROLES["service_advisor"].permissions)
    for permission in viewer["permissions"]:
        assert permission["lines"], f"{permission['object']} has no reason"
        assert all(
            line["effect"] == "allow" for line in permission["lines"] if line["text"][0] == "p"
        )
    assert {d["key"] for d in viewer["duties"]} == set(catalog.ROLES["service_advisor"].duties)


async def test_person_with_two_roles_holds_the_union(
    client: httpx.AsyncClient, network: Network
) -> None:
    viewer = (await gql(client, VIEWER, headers=await bearer(client, "parts_a")))["data"]["viewer"]
    assert {r["role"]["key"] for r in viewer["roles"]} == {"parts_manager", "warehouse_keeper"}
    expected = (
        catalog.ROLES["parts_manager"].permissions | catalog.ROLES["warehouse_keeper"].permissions
    )
    assert {(p["object"], p["action"]) for p in viewer["permissions"]} == set(expected)


async def test_regional_manager_switches_between_the_regions_dealers(
    client: httpx.AsyncClient, network: Network
) -> None:
    headers = await bearer(client, "regional_north")
    viewer = (await gql(client, VIEWER, headers=headers))["data"]["viewer"]
    north = network.dealer_ids[:2]
    assert {d["dealer"]["id"] for d in viewer["dealers"]} == {global_id("Dealer", d) for d in north}
    assert all(d["roles"][0]["source"] == "REGION" for d in viewer["dealers"])

    target = global_id("Dealer", north[1])
    switched = await gql(
        client,
        "mutation($d: ID!) { switchDealer(dealerId: $d) { currentDealer { id } } }",
        {"d": target},
        headers=headers,
    )
    assert switched["data"]["switchDealer"]["currentDealer"]["id"] == target
    again = (await gql(client, VIEWER, headers=headers))["data"]["viewer"]
    assert again["currentDealer"]["id"] == target, "the choice is kept in the session"

    south = global_id("Dealer", network.dealer_ids[2])
    refused = await gql(
        client,
        "mutation($d: ID!) { switchDealer(dealerId: $d) { displayName } }",
        {"d": south},
        headers=headers,
    )
    assert error_codes(refused) == ["NOT_FOUND"]


async def test_explain_names_the_deciding_lines(
    client: httpx.AsyncClient, network: Network
) -> None:
    headers = await bearer(client, "advisor_a")
    query = """query($o: String!, $a: String!) { explain(object: $o, action: $a) {
        allowed reason decisive { text source } } }"""
    obj, action = sorted(catalog.ROLES["service_advisor"].permissions)[0]
    yes = (await gql(client, query, {"o": obj, "a": action}, headers=headers))["data"]["explain"]
    assert yes["allowed"] is True
    assert any(
        line["text"] == f"p, role:service_advisor, *, {obj}, {action}, allow"
        for line in yes["decisive"]
    )
    no = (await gql(client, query, {"o": "policy", "a": "manage"}, headers=headers))["data"][
        "explain"
    ]
    assert no["allowed"] is False and no["decisive"] == []
    assert "service_advisor" in no["reason"]


async def test_explaining_someone_else_needs_policy_read(
    client: httpx.AsyncClient, network: Network
) -> None:
    query = (
        """query($u: ID!) { explain(object: "policy", action: "manage", userId: $u) { allowed } }"""
    )
    manager = global_id("StaffUser", network.users["manager_a"])
    advisor = global_id("StaffUser", network.users["advisor_a"])
    denied = await gql(client, query, {"u": manager}, headers=await bearer(client, "advisor_a"))
    assert error_codes(denied) == ["FORBIDDEN"]
    assert denied["errors"][0]["extensions"]["permission"] == "policy:read"
    answer = await gql(client, query, {"u": advisor}, headers=await bearer(client, "manager_a"))
    assert answer["data"]["explain"]["allowed"] is False


async def test_role_catalog_lists_every_role(client: httpx.AsyncClient, network: Network) -> None:
    body = await gql(
        client, "{ roleCatalog { role { key nameZh } permissions { object } duties { key } } }"
    )
    keys = [r["role"]["key"] for r in body["data"]["roleCatalog"]]
    assert set(keys) == set(catalog.ROLES)
