"""Customers and vehicles through GraphQL: create, search, VIN rules, first visit, tenancy."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from tenants.database import TenantScope, tenant_transaction
from tenants.service.customers import CustomerFields, find_or_create_customer_and_vehicle
from tenants.service.vehicles import VehicleFields
from tests.api.graphql_client import error_codes, gql
from tests.service_front.factories_front import FrontDesk, make_vin

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

CREATE_CUSTOMER = """
mutation($input: CreateCustomerInput!) {
  createCustomer(input: $input) { id name phone kind }
}
"""
CREATE_VEHICLE = """
mutation($input: CreateVehicleInput!) {
  createVehicle(input: $input) {
    id vin plate plateDisplay newEnergyPlate mileage customer { name }
  }
}
"""
SEARCH = """
query($q: String!) {
  customers(search: $q) { edges { node { name vehicles { plate } } } }
  vehicles(search: $q) { edges { node { vin plate } } }
}
"""


async def test_create_customer_and_vehicle_normalises_and_audits(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    body = await gql(
        client,
        CREATE_CUSTOMER,
        {"input": {"name": " 张伟 ", "phone": "+86 138-0013-8000"}},
        advisor,
    )
    assert not body.get("errors"), body
    customer = body["data"]["createCustomer"]
    assert (customer["name"], customer["phone"], customer["kind"]) == (
        "张伟",
        "13800138000",
        "PERSON",
    )
    vin = make_vin(1)
    body = await gql(
        client,
        CREATE_VEHICLE,
        {
            "input": {
                "customerId": customer["id"],
                "vin": vin.lower(),
                "plate": "粤b·d12345",
                "mileageKm": 12000,
            }
        },
        advisor,
    )
    assert not body.get("errors"), body
    vehicle = body["data"]["createVehicle"]
    assert vehicle["vin"] == vin and vehicle["plate"] == "粤BD12345"
    assert vehicle["plateDisplay"] == "粤B·D12345" and vehicle["newEnergyPlate"]
    assert vehicle["mileage"] == 12000 and vehicle["customer"]["name"] == "张伟"
    actions = [
        r["action"]
        for r in await db.fetch("select action from audit_entry where dealer_id = $1 order by id",
                                desk.dealer_id)
    ]  # fmt: skip
    assert actions == ["customer.create", "vehicle.create", "mileage.record"]


async def test_vin_rules_are_named_in_the_error(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk
) -> None:
    advisor = await sign_in("advisor")
    customer = global_id("Customer", desk.customer_id)
    good = make_vin(2)
    wrong_digit = good[:8] + ("1" if good[8] != "1" else "2") + good[9:]
    cases = {
        wrong_digit: "vin_check_digit",
        good[:16] + "O": "vin_characters",
        good[:16]: "vin_length",
    }
    for vin, rule in cases.items():
        body = await gql(client, CREATE_VEHICLE, {"input": {"customerId": customer, "vin": vin}},
                         advisor)  # fmt: skip
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert body["errors"][0]["extensions"]["rule"] == rule
        assert body["errors"][0]["extensions"]["field"] == "vin"
    first = await gql(client, CREATE_VEHICLE, {"input": {"customerId": customer, "vin": good}},
                      advisor)  # fmt: skip
    assert not first.get("errors"), first
    again = await gql(client, CREATE_VEHICLE, {"input": {"customerId": customer, "vin": good}},
                      advisor)  # fmt: skip
    assert again["errors"][0]["extensions"]["rule"] == "vin_unique"


async def test_search_by_phone_name_plate_and_vin(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk, db: asyncpg.Connection
) -> None:
    advisor = await sign_in("advisor")
    vin = await db.fetchval("select vin from vehicle where id = $1", desk.vehicle_id)
    for query in ("139 1234 5678", "5678", "王", "沪a·12345", "a123", vin[-8:], vin.lower()):
        body = await gql(client, SEARCH, {"q": query}, advisor)
        assert not body.get("errors"), body
        names = [e["node"]["name"] for e in body["data"]["customers"]["edges"]]
        plates = [e["node"]["plate"] for e in body["data"]["vehicles"]["edges"]]
        assert names == ["王磊"], (query, names)
        assert plates == ["沪A12345"], (query, plates)
    nothing = await gql(client, SEARCH, {"q": "no such person"}, advisor)
    assert nothing["data"]["customers"]["edges"] == []
    # The other dealer's customer (李娜) is never found here.
    other = await gql(client, SEARCH, {"q": "李娜"}, advisor)
    assert other["data"]["customers"]["edges"] == []


async def test_node_of_another_dealers_customer_is_null(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk
) -> None:
    advisor = await sign_in("advisor")
    query = "query($id: ID!) { node(id: $id) { id ... on Customer { name } } }"
    own = await gql(client, query, {"id": global_id("Customer", desk.customer_id)}, advisor)
    assert own["data"]["node"]["name"] == "王磊"
    foreign = await gql(client, query, {"id": global_id("Customer", desk.other_customer_id)},
                        advisor)  # fmt: skip
    assert foreign["data"]["node"] is None and not foreign.get("errors")
    update = await gql(
        client,
        "mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { name } }",
        {"i": {"id": global_id("Customer", desk.other_customer_id), "name": "x"}},
        advisor,
    )
    assert error_codes(update) == ["NOT_FOUND"]


async def test_technician_reads_vehicles_but_not_customers(
    client: httpx.AsyncClient, sign_in: SignIn, desk: FrontDesk
) -> None:
    technician = await sign_in("technician")
    body = await gql(client, "{ customers { edges { node { name } } } }", None, technician)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(client, "{ vehicles { edges { node { plate customer { name } } } } }",
                     None, technician)  # fmt: skip
    assert body["data"]["vehicles"]["edges"] == [{"node": {"plate": "沪A12345", "customer": None}}]
    create = await gql(client, CREATE_CUSTOMER, {"input": {"name": "x", "phone": "13900000000"}},
                       technician)  # fmt: skip
    assert error_codes(create) == ["FORBIDDEN"]


async def test_first_visit_creates_once_and_finds_again(
    desk: FrontDesk, db: asyncpg.Connection
) -> None:
    scope = TenantScope.of([desk.dealer_id], desk.users["advisor"])
    vin = make_vin(3)
    person = CustomerFields(name="赵敏", phone="137 0000 1111")
    car = VehicleFields(vin=vin, plate="")
    async with tenant_transaction(scope) as tx:
        first = await find_or_create_customer_and_vehicle(
            tx, desk.dealer_id, customer=person, vehicle=car
        )
    assert first.created_customer and first.created_vehicle
    async with tenant_transaction(scope) as tx:
        again = await find_or_create_customer_and_vehicle(
            tx, desk.dealer_id, customer=person, vehicle=VehicleFields(vin=vin, plate="沪B99999")
        )
    assert not again.created_customer and not again.created_vehicle
    assert again.vehicle["id"] == first.vehicle["id"] and again.vehicle["plate"] == "沪B99999"
    # The same person with a second car: one customer, two vehicles.
    async with tenant_transaction(scope) as tx:
        second = await find_or_create_customer_and_vehicle(
            tx, desk.dealer_id, customer=person, vehicle=VehicleFields(vin=make_vin(4))
        )
    assert not second.created_customer and second.created_vehicle
    assert second.customer["id"] == first.customer["id"]
    assert (
        await db.fetchval(
            "select count(*) from vehicle where customer_id = $1", first.customer["id"]
        )
        == 2
    )
