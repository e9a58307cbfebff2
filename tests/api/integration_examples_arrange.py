"""Factory-built dealers for the partner integration examples, and the credentials the
examples run with.

The insurer and the manufacturer work with the warranty desk's dealer
(tests/warranty/factories_warranty.py): an accident repair opened, quoted to the
insurer's pay type and approved by signature, through the API as the advisor would;
a warranty claim submitted by the claims specialist. The supplier works with the parts
shop's dealer (tests/parts/factories_parts.py): bins with stock, a purchase order
placed and partly received, its receipt posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import asyncpg
import httpx

from api.schema.relay_conventions import global_id
from policies.catalog import ROLES
from tenants.database import TenantScope, tenant_transaction
from tenants.partners import apps
from tenants.parts import receiving
from tests.api.graphql_client import bearer, gql
from tests.conftest import reload_policies
from tests.parts.factories_parts import PartsShop, make_parts_shop
from tests.parts.purchasing_steps import acting, allowed_as, ordered, receipt_lines
from tests.warranty.claims_arrange import issue_part
from tests.warranty.claims_steps import SUBMIT, create, standard_input
from tests.warranty.factories_warranty import WarrantyDesk, make_warranty_desk

Headers = dict[str, str]

OPERATION_SCOPES: dict[str, tuple[str, ...]] = {
    "InsurerOpenRepairOrders": ("repair_orders:read",),
    "InsurerRepairOrder": ("repair_orders:read",),
    "SupplierStockAvailability": ("parts:read",),
    "SupplierPurchaseOrders": ("parts_orders:read",),
    "SupplierPartsReceipts": ("parts_orders:read",),
    "ManufacturerSubmittedClaims": ("claims:read",),
    "ManufacturerClaim": ("claims:read",),
}
"""The partner scopes (policies/scopes.py) each example operation needs."""

ACCIDENT_PLATE = "沪A·D23456"
ACCIDENT_VIN = "LFV3A23C8N3012345"
SIGNATURE = "M10 10 L20 20 L30 15"


@dataclass
class ExampleDealers:
    desk: WarrantyDesk
    shop: PartsShop
    accident_order_id: str = ""
    claim_id: str = ""
    keys: dict[str, str] = field(default_factory=dict)
    """Role keys issued so far, by dealer id and role."""


async def _ok(
    client: httpx.AsyncClient, query: str, variables: dict[str, object], headers: Headers
) -> dict[str, object]:
    body = await gql(client, query, variables, headers)
    assert not body.get("errors"), body
    data: dict[str, object] = body["data"]
    return data


OPEN = "mutation($input: OpenRepairOrderInput!) { openRepairOrder(input: $input) { id } }"
ADD_LINE = "mutation($input: AddQuotationLineInput!) { addQuotationLine(input: $input) { id } }"
SEND = """
mutation($input: SendQuotationInput!) { sendQuotation(input: $input) { id requiresSupervisor } }
"""
SUPERVISOR = "mutation($id: ID!) { approveQuotationAsSupervisor(revisionId: $id) { id } }"
SIGN = """
mutation($id: ID!, $sig: String!) { approveQuotationBySignature(revisionId: $id, signature: $sig) { id } }
"""


async def _accident_repair(
    owner: asyncpg.Connection, client: httpx.AsyncClient, desk: WarrantyDesk
) -> str:
    """A crashed car's order, quoted to the insurer (body work, a part, paint) with the
    owner's deductible as a customer line, approved by the owner's signature."""
    customer = await owner.fetchval(
        "insert into customer (dealer_id, name, phone) values ($1, 'Wang Fang', '+86 139 0000 0042')"
        " returning id",
        desk.dealer_id,
    )
    vehicle = await owner.fetchval(
        "insert into vehicle (dealer_id, customer_id, vin, plate, model, sale_date)"
        " values ($1, $2, $3, $4, 'Tiguan L', current_date - 400) returning id",
        desk.dealer_id,
        customer,
        ACCIDENT_VIN,
        ACCIDENT_PLATE.replace("·", ""),
    )
    advisor = await bearer(client, desk.usernames["advisor"])
    opened = await _ok(
        client,
        OPEN,
        {"input": {"vehicleId": global_id("Vehicle", vehicle), "mileageIn": 31_250}},
        advisor,
    )
    order_id = str(opened["openRepairOrder"]["id"])  # type: ignore[index]
    for line in (
        {"kind": "LABOUR", "description": "Front bumper and wing repair", "hours": "3.5",
         "unitPrice": "220", "payType": "INSURANCE"},
        {"kind": "PART", "partId": global_id("Part", desk.part_id), "quantity": "1",
         "payType": "INSURANCE"},
        {"kind": "MATERIAL", "description": "Paint and clear coat", "quantity": "1.5",
         "unitPrice": "380", "payType": "INSURANCE"},
        {"kind": "LABOUR", "description": "Deductible (免赔额)", "hours": "1",
         "unitPrice": "500", "payType": "CUSTOMER"},
    ):  # fmt: skip
        await _ok(client, ADD_LINE, {"input": {"orderId": order_id, **line}}, advisor)
    sent = await _ok(client, SEND, {"input": {"orderId": order_id}}, advisor)
    revision = sent["sendQuotation"]
    assert isinstance(revision, dict)
    if revision["requiresSupervisor"]:
        manager = await bearer(client, desk.usernames["manager"])
        await _ok(client, SUPERVISOR, {"id": revision["id"]}, manager)
    await _ok(client, SIGN, {"id": revision["id"], "sig": SIGNATURE}, advisor)
    return order_id


async def _submitted_claim(
    owner: asyncpg.Connection, client: httpx.AsyncClient, desk: WarrantyDesk
) -> str:
    """The water pump claim of the desk's order, submitted (with a photo)."""
    await issue_part(owner, desk, desk.part_line_id, "1")
    claims = await bearer(client, desk.usernames["claims"])
    claim = await create(
        client, claims, standard_input(desk, complaint="Coolant leaks at the front")
    )
    await owner.execute(
        "insert into warranty_claim_file (dealer_id, claim_id, file_name, content_type,"
        " size_bytes, sha256, content) values ($1, $2, 'pump-leak.jpg', 'image/jpeg', 3,"
        " 'd3c1f0b6e8a24f5c9b7d2e4a6c8f0b1d3e5a7c9f1b3d5e7a9c1e3f5a7b9d1f3e', '\\xffd8ff')",
        desk.dealer_id,
        _pk(str(claim["id"])),
    )
    await _ok(client, SUBMIT, {"id": claim["id"]}, claims)
    return str(claim["id"])


def _pk(global_value: str) -> int:
    from strawberry import relay

    return int(relay.GlobalID.from_id(global_value).node_id)


async def _received_order(owner: asyncpg.Connection, shop: PartsShop) -> None:
    """A placed order at a supplier, of which a first delivery was posted: filters
    counted in full, pads one short."""
    supplier = await owner.fetchval(
        "insert into supplier (dealer_id, name, contact, phone, lead_time_days)"
        " values ($1, 'Huayu Parts Trading', 'Li Na', '+86 21 5555 0101', 2) returning id",
        shop.dealer_id,
    )
    order_id = await ordered(owner, shop, {"filter": ("20", "55"), "pad": ("4", "260")})
    await owner.execute(
        "update purchase_order set supplier_id = $2, expected_on = current_date + 2 where id = $1",
        order_id,
        supplier,
    )
    async with acting(shop, "keeper") as tx:
        receipt = await receiving.open_receipt(tx, shop.dealer_id, order_id, "DN-2026-0415")
    async with acting(shop, "planner") as tx:
        await receiving.check_shipping_list(tx, shop.dealer_id, receipt, {})
    lines = await receipt_lines(owner, receipt)
    for item, counted in ((shop.items["filter"], "20"), (shop.items["pad"], "3")):
        async with acting(shop, "keeper") as tx:
            await receiving.count_line(
                tx,
                shop.dealer_id,
                lines[item],
                receiving.Count(Decimal(counted), Decimal(0), "ok", False),
                allowed_as("keeper"),
            )
    async with acting(shop, "keeper") as tx:
        await receiving.post_receipt(tx, shop.dealer_id, receipt)


async def make_example_dealers(
    owner: asyncpg.Connection, client: httpx.AsyncClient, app: object
) -> ExampleDealers:
    desk = await make_warranty_desk(owner)
    shop = await make_parts_shop(owner)
    # The staff just arranged act through the API below: their grants must be in the
    # policy store now, not whenever its NOTIFY listener catches up.
    await reload_policies(app)
    dealers = ExampleDealers(desk, shop)
    dealers.accident_order_id = await _accident_repair(owner, client, desk)
    dealers.claim_id = await _submitted_claim(owner, client, desk)
    await _received_order(owner, shop)
    return dealers


GRANTER = "service_manager"
"""The post that registers the example applications and consents to their scopes."""

KINDS = {"Insurer": "insurer", "Supplier": "supplier", "Manufacturer": "manufacturer"}


def _kind(operation: str) -> str:
    return next(kind for prefix, kind in KINDS.items() if operation.startswith(prefix))


async def example_credentials(
    client: httpx.AsyncClient, dealers: ExampleDealers, operation: str
) -> tuple[Headers, str]:
    """The key an example runs with: one of a partner application the dealer's service
    manager registered with exactly the operation's scopes (so the samples show what
    such a partner really sees, personal data masked unless its scope is granted)."""
    del client  # the key is issued through the services, as the manager's mutation does
    supplier = operation.startswith("Supplier")
    dealer_id = dealers.shop.dealer_id if supplier else dealers.desk.dealer_id
    wanted = tuple(sorted(OPERATION_SCOPES[operation]))
    cache = f"{dealer_id}:{','.join(wanted)}"
    if cache not in dealers.keys:
        manager = dealers.shop.users["manager"] if supplier else dealers.desk.users["manager"]
        async with tenant_transaction(TenantScope.of([dealer_id], user_id=manager)):
            app = await apps.register(
                dealer_id=dealer_id,
                new=apps.NewApp(
                    name=f"Example {_kind(operation)} ({', '.join(wanted)})",
                    kind=_kind(operation),
                    scopes=wanted,
                ),
                allowed=ROLES[GRANTER].allows,
            )
            issued = await apps.issue_key(dealer_id=dealer_id, app_id=app["id"], name="Example")
        dealers.keys[cache] = issued.secret
    return {"Authorization": f"Bearer {dealers.keys[cache]}"}, "api_key"
