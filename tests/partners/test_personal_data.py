"""Personal data is masked for keys without ``personal_data:read``, field by field;
shown with the scope and to people; and no new personal field escapes the masking."""

from __future__ import annotations

import re
from typing import Any

import asyncpg
import httpx
import pytest
from strawberry.types.base import StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.field import StrawberryField

from api.schema import schema
from api.schema.personal_data import PersonalData, mask_email, mask_name, mask_phone
from tests.api.graphql_client import bearer, gql
from tests.factories import Network
from tests.partners.conftest import make_partner_app

CUSTOMERS = """{ customers(search: "") { edges { node {
  name phone email address wechat notes vehicles { vin plate } } } } }"""
VEHICLE_OWNERS = '{ vehicles(search: "") { edges { node { vin customer { name phone } } } } }'
SUPPLIERS = "{ suppliers { name contact phone } }"

UNMASKED = {
    "name": "王磊",
    "phone": "13812345678",
    "email": "wang.lei@example.com",
    "address": "上海市浦东新区张江路 88 号",
    "wechat": "wanglei88",
    "notes": "prefers mornings",
    "vehicles": [{"vin": "LHXAB2C0XR0000001", "plate": "沪A12345"}],
}
MASKED = {
    **UNMASKED,
    "name": "王**",
    "phone": "138****5678",
    "email": "w***@example.com",
    "address": "***",
    "wechat": "***",
}


@pytest.fixture
async def customer(network: Network, db: asyncpg.Connection) -> int:
    dealer = network.dealer_ids[0]
    customer_id: int = await db.fetchval(
        "insert into customer (dealer_id, name, phone, email, address, wechat, notes)"
        " values ($1, $2, $3, $4, $5, $6, $7) returning id",
        dealer,
        *(UNMASKED[k] for k in ("name", "phone", "email", "address", "wechat", "notes")),
    )
    await db.execute(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model)"
        " values ($1, $2, 'LHXAB2C0XR0000001', '沪A12345', 'HX Aurora')",
        dealer,
        customer_id,
    )
    await db.execute(
        "insert into supplier (dealer_id, name, contact, phone)"
        " values ($1, 'Bosch Shanghai', 'Jenny Liu', '021-6123 4567')",
        dealer,
    )
    return customer_id


def _node(body: dict[str, Any]) -> dict[str, Any]:
    assert not body.get("errors"), body
    edges = body["data"]["customers"]["edges"]
    assert len(edges) == 1
    node: dict[str, Any] = edges[0]["node"]
    return node


async def test_masked_without_the_scope(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection, customer: int
) -> None:
    partner = await make_partner_app(
        db, network.dealer_ids[0], ["customers:read", "parts_orders:read"]
    )
    assert _node(await gql(client, CUSTOMERS, headers=partner.headers)) == MASKED
    owners = await gql(client, VEHICLE_OWNERS, headers=partner.headers)
    owner = owners["data"]["vehicles"]["edges"][0]["node"]["customer"]
    assert owner == {"name": "王**", "phone": "138****5678"}
    suppliers = (await gql(client, SUPPLIERS, headers=partner.headers))["data"]["suppliers"]
    assert suppliers == [{"name": "Bosch Shanghai", "contact": "J***", "phone": "021****4567"}]


async def test_shown_with_the_scope_and_to_people(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection, customer: int
) -> None:
    partner = await make_partner_app(
        db, network.dealer_ids[0], ["customers:read", "personal_data:read", "parts_orders:read"]
    )
    assert _node(await gql(client, CUSTOMERS, headers=partner.headers)) == UNMASKED
    suppliers = (await gql(client, SUPPLIERS, headers=partner.headers))["data"]["suppliers"]
    assert suppliers[0]["contact"] == "Jenny Liu"
    advisor = await bearer(client, "advisor_a")
    assert _node(await gql(client, CUSTOMERS, headers=advisor)) == UNMASKED


async def test_a_role_bound_key_without_the_scope_is_masked(
    client: httpx.AsyncClient, network: Network, customer: int
) -> None:
    manager = await bearer(client, "manager_a")
    issued = await gql(
        client,
        'mutation { issueApiKey(name: "Legacy", role: "partner_integration") { key } }',
        headers=manager,
    )
    key = {"Authorization": f"Bearer {issued['data']['issueApiKey']['key']}"}
    body = await gql(client, CUSTOMERS, headers=key)
    if body.get("errors"):  # the role may not read customers at all: nothing leaks then
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    else:
        assert _node(body)["phone"] == "138****5678"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("张三丰", "张**"), ("Jenny Liu", "J***"), ("", ""), (" 李 ", "李**")],
)
def test_mask_name(value: str, masked: str) -> None:
    assert mask_name(value) == masked


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "861****5678"),
        ("12345", "***"),
        ("", ""),
    ],
)
def test_mask_phone(value: str, masked: str) -> None:
    assert mask_phone(value) == masked


def test_mask_email() -> None:
    assert mask_email("wang.lei@example.com") == "w***@example.com"
    assert mask_email("not-an-address") == "***"


# Field names that carry a person's contact or identity data wherever they appear.
PERSONAL = re.compile(
    r"(^|_)(phone|alt_phone|mobile|email|address|wechat|contact|contact_note|signature|"
    r"id_number|customer_name|owner_name|contact_name)$"
)
# Types whose ``name`` is a person's (a customer, a supplier's contact person).
PERSON_TYPES = {"Customer"}
# Matching names that are not a person's data, and why.
EXEMPT = {
    ("AuditFinding", "owner_name"): "the dealer's staff member who owns a finding",
}


def _string_field(field: StrawberryField) -> bool:
    kind = field.type
    while isinstance(kind, StrawberryOptional):
        kind = kind.of_type
    return kind is str


def test_every_personal_field_is_masked() -> None:
    """Fails when a new field named like personal data lacks the PersonalData extension."""
    missing = []
    checked = 0
    for name in sorted(schema._schema.type_map):
        definition = schema.get_type_by_name(name)
        if not isinstance(definition, StrawberryObjectDefinition) or definition.is_input:
            continue
        for field in definition.fields:
            personal = PERSONAL.search(field.python_name) or (
                definition.name in PERSON_TYPES and field.python_name == "name"
            )
            if not personal or not _string_field(field):
                continue
            if (definition.name, field.python_name) in EXEMPT:
                continue
            checked += 1
            if not any(isinstance(e, PersonalData) for e in field.extensions):
                missing.append(f"{definition.name}.{field.python_name}")
    assert not missing, f"personal data without PersonalData masking: {missing}"
    assert checked >= 15, "the guard must actually see the personal fields"


SEARCH_CUSTOMERS = "query($q: String!) { customers(search: $q) { edges { node { id } } } }"
SEARCH_VEHICLES = "query($q: String!) { vehicles(search: $q) { edges { node { vin } } } }"


@pytest.mark.parametrize("query", [SEARCH_CUSTOMERS, SEARCH_VEHICLES])
async def test_masked_data_is_no_search_oracle(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection, customer: int, query: str
) -> None:
    """A key that sees 138****5678 must not learn the hidden digits by searching for them
    (nor a masked name by its parts); plate and VIN, which are not masked, still match."""
    dealer = network.dealer_ids[0]
    masked = await make_partner_app(db, dealer, ["customers:read"])
    shown = await make_partner_app(db, dealer, ["customers:read", "personal_data:read"])

    async def hits(headers: dict[str, str], text: str) -> int:
        body = await gql(client, query, {"q": text}, headers=headers)
        assert not body.get("errors"), body
        field = "customers" if "customers(" in query else "vehicles"
        return len(body["data"][field]["edges"])

    for probe in ("3812", "13812345678", "王磊", "磊"):
        assert await hits(masked.headers, probe) == 0, probe
        assert await hits(shown.headers, probe) == 1, probe
    for probe in ("沪A12345", "R0000001"):
        assert await hits(masked.headers, probe) == 1, probe
