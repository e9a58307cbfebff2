"""Each scope, through real HTTP with an application's key: what it lets the partner do
and a neighbouring thing it does not (FORBIDDEN naming the missing permission)."""

from __future__ import annotations

import asyncpg
import httpx
import pytest

from api.schema.relay_conventions import global_id
from policies.scopes import SCOPES
from tests.api.graphql_client import error_codes, gql
from tests.factories import Network
from tests.partners.conftest import make_partner_app

REPAIR_ORDERS = "{ repairOrders(first: 5) { edges { node { id number } } } }"
APPOINTMENTS = "{ appointments { id status } }"
CUSTOMERS = '{ customers(search: "") { edges { node { id } } } }'
VEHICLES = '{ vehicles(search: "") { edges { node { id vin } } } }'
CREATE_CUSTOMER = (
    'mutation { createCustomer(input: {name: "赵六", phone: "13800001111"}) { id name } }'
)
UPDATE_CUSTOMER = 'mutation($id: ID!) { updateCustomer(input: {id: $id, notes: "x"}) { id } }'
STOCK = '{ stockItems(search: "", first: 5) { edges { node { id } } } }'
PURCHASE_ORDERS = '{ purchaseOrders(search: "", first: 5) { edges { node { id } } } }'
SUPPLIERS = "{ suppliers { id name } }"
CLAIMS = "{ warrantyClaims(first: 5) { edges { node { id } } } }"
PARTNER_APPS = "{ partnerApps { id } }"

# scope -> (operations it allows, (operation it refuses, the permission named))
CASES: dict[str, tuple[list[str], tuple[str, str]]] = {
    "repair_orders:read": ([REPAIR_ORDERS, VEHICLES], (CUSTOMERS, "customer:read")),
    "appointments:read": ([APPOINTMENTS], (REPAIR_ORDERS, "repair_order:read")),
    "appointments:write": ([APPOINTMENTS, CREATE_CUSTOMER], (UPDATE_CUSTOMER, "customer:update")),
    "customers:read": ([CUSTOMERS, VEHICLES], (CREATE_CUSTOMER, "customer:create")),
    "customers:write": ([CREATE_CUSTOMER, UPDATE_CUSTOMER], (APPOINTMENTS, "appointment:read")),
    "parts:read": ([STOCK], (PURCHASE_ORDERS, "parts_plan:read")),
    "parts_orders:read": ([PURCHASE_ORDERS, SUPPLIERS], (STOCK, "parts_stock:read")),
    "claims:read": ([CLAIMS], (REPAIR_ORDERS, "repair_order:read")),
    "personal_data:read": ([], (CUSTOMERS, "customer:read")),
    "webhooks:manage": ([], (CUSTOMERS, "customer:read")),
}


def test_every_scope_has_a_case() -> None:
    assert set(CASES) == set(SCOPES)


@pytest.mark.parametrize("scope", sorted(CASES))
async def test_scope_allows_and_refuses(
    scope: str, client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    dealer = network.dealer_ids[0]
    partner = await make_partner_app(db, dealer, [scope])
    customer = await db.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, '王磊', '13912345678')"
        " returning id",
        dealer,
    )
    variables = {"id": global_id("Customer", customer)}
    allowed, (refused, permission) = CASES[scope]
    for operation in allowed:
        body = await gql(client, operation, variables, headers=partner.headers)
        assert not body.get("errors"), (scope, operation, body)
    body = await gql(client, refused, variables, headers=partner.headers)
    assert error_codes(body) == ["FORBIDDEN"], (scope, body)
    assert body["errors"][0]["extensions"]["permission"] == permission
    # No scope reaches the keys themselves, nor another dealer.
    assert error_codes(await gql(client, PARTNER_APPS, headers=partner.headers)) == ["FORBIDDEN"]


async def test_a_key_stays_in_its_dealer(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    partner = await make_partner_app(db, network.dealer_ids[0], ["customers:read"])
    await db.execute(
        "insert into customer (dealer_id, name, phone) values ($1, '李娜', '13900000000')",
        network.dealer_ids[1],
    )
    elsewhere = {**partner.headers, "X-Dealer-Id": str(network.dealer_ids[1])}
    body = await gql(client, CUSTOMERS, headers=elsewhere)
    assert error_codes(body) in (["DEALER_REQUIRED"], ["FORBIDDEN"])
    own = await gql(client, CUSTOMERS, headers=partner.headers)
    assert own["data"]["customers"]["edges"] == []


async def test_the_key_can_ask_why(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    partner = await make_partner_app(db, network.dealer_ids[0], ["parts:read"])
    query = "query($o: String!, $a: String!) { explain(object: $o, action: $a) { allowed reason decisive { source text } } }"
    yes = (await gql(client, query, {"o": "parts_stock", "a": "read"}, headers=partner.headers))[
        "data"
    ]["explain"]
    assert yes["allowed"] and "scope parts:read covers parts_stock:read" in yes["reason"]
    assert [line["source"] for line in yes["decisive"]] == ["scope"]
    no = (await gql(client, query, {"o": "customer", "a": "read"}, headers=partner.headers))[
        "data"
    ]["explain"]
    assert not no["allowed"] and "no scope of the partner application (parts:read)" in no["reason"]
