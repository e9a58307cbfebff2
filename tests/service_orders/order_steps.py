"""GraphQL documents and steps of the repair-order tests, so each test reads as the
process: open, quote, approve, repair, check, settle, deliver."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from api.schema.relay_conventions import global_id
from tenants.database import TenantScope, tenant_transaction
from tenants.service.orders.state_machine import transition
from tests.api.graphql_client import error_codes, gql
from tests.service_orders.factories_orders import Workshop

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

SIGNATURE = "M10 10 L20 20 L30 15"

ORDER_FIELDS = """
  id number status revision approvedRevision mileageIn promisedAt reworkCount
  customer { name } vehicle { vin }
  lines { id kind description quantity hours unitPrice amount payType status additional
          revisionAdded oldPartDisposition }
  totals { total labour parts materials customerShare byPayType { payType amount } }
"""

OPEN = f"""
mutation($input: OpenRepairOrderInput!) {{ openRepairOrder(input: $input) {{ {ORDER_FIELDS} }} }}
"""
ADD_LINE = """
mutation($input: AddQuotationLineInput!) {
  addQuotationLine(input: $input) { id kind description hours unitPrice amount payType status additional }
}
"""
UPDATE_LINE = """
mutation($input: UpdateQuotationLineInput!) {
  updateQuotationLine(input: $input) { id quantity unitPrice amount status }
}
"""
REMOVE_LINE = "mutation($id: ID!) { removeQuotationLine(lineId: $id) { id status } }"
SEND = """
mutation($input: SendQuotationInput!) {
  sendQuotation(input: $input) {
    id revision status total customerTotal requiresSupervisor promisedAt
    lines { lineId description amount payType alreadyApproved }
  }
}
"""
SUPERVISOR = """
mutation($id: ID!) { approveQuotationAsSupervisor(revisionId: $id) { id supervisorApprovedAt } }
"""
SIGN = """
mutation($id: ID!, $sig: String!) {
  approveQuotationBySignature(revisionId: $id, signature: $sig) {
    id status approvalMethod order { status promisedAt }
  }
}
"""
DECLINE = """
mutation($id: ID!) { declineQuotation(revisionId: $id) { id status order { status } } }
"""
LINK = """
mutation($id: ID!) { createApprovalLink(revisionId: $id) { token path expiresAt } }
"""
ORDER = f"""
query($id: ID!) {{ node(id: $id) {{ ... on RepairOrder {{ {ORDER_FIELDS}
  revisions {{ revision status customerTotal }}
  history {{ fromStatus toStatus note }}
  qualityChecks {{ stage round passed }}
  settlement {{ labourTotal partsTotal materialsTotal customerAmount paidAmount
               byPayType {{ payType amount }} }}
  walkaround {{ fuelLevel signed damageMarks {{ zone kind }} checklist {{ item ok }} }}
}} }} }}
"""


def gid(type_name: str, pk: int) -> str:
    return global_id(type_name, pk)


def pk(global_value: str) -> int:
    from strawberry import relay

    return int(relay.GlobalID.from_id(global_value).node_id)


async def ok(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: Headers
) -> dict[str, Any]:
    body = await gql(client, query, variables, headers)
    assert not body.get("errors"), body
    data: dict[str, Any] = body["data"]
    return data


async def refused(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: Headers
) -> dict[str, Any]:
    """The one error of a refused call (its extensions), asserting there is one."""
    body = await gql(client, query, variables, headers)
    assert body.get("errors"), body
    assert len(error_codes(body)) == 1
    extensions: dict[str, Any] = body["errors"][0]["extensions"]
    return extensions


async def open_walk_in(
    client: httpx.AsyncClient, shop: Workshop, headers: Headers, mileage: int = 42_000
) -> dict[str, Any]:
    data = await ok(
        client,
        OPEN,
        {"input": {"vehicleId": gid("Vehicle", shop.vehicle_id), "mileageIn": mileage}},
        headers,
    )
    order: dict[str, Any] = data["openRepairOrder"]
    return order


async def add_line(
    client: httpx.AsyncClient, headers: Headers, order_id: str, **fields: Any
) -> dict[str, Any]:
    data = await ok(client, ADD_LINE, {"input": {"orderId": order_id, **fields}}, headers)
    line: dict[str, Any] = data["addQuotationLine"]
    return line


async def send(
    client: httpx.AsyncClient, headers: Headers, order_id: str, **fields: Any
) -> dict[str, Any]:
    data = await ok(client, SEND, {"input": {"orderId": order_id, **fields}}, headers)
    revision: dict[str, Any] = data["sendQuotation"]
    return revision


async def sign(client: httpx.AsyncClient, headers: Headers, revision_id: str) -> dict[str, Any]:
    data = await ok(client, SIGN, {"id": revision_id, "sig": SIGNATURE}, headers)
    revision: dict[str, Any] = data["approveQuotationBySignature"]
    return revision


async def order(client: httpx.AsyncClient, headers: Headers, order_id: str) -> dict[str, Any]:
    data = await ok(client, ORDER, {"id": order_id}, headers)
    node: dict[str, Any] = data["node"]
    return node


async def approved_order(
    client: httpx.AsyncClient, shop: Workshop, sign_in: SignIn
) -> dict[str, Any]:
    """An order with an oil service (labour 1.5 h x 200), two filters (warranty) and oil
    (material), approved by the customer's signature."""
    advisor = await sign_in("advisor")
    opened = await open_walk_in(client, shop, advisor)
    await add_line(
        client,
        advisor,
        opened["id"],
        kind="LABOUR",
        operationId=gid("LabourOperation", shop.operation_id),
    )
    await add_line(
        client, advisor, opened["id"], kind="PART", partId=gid("Part", shop.part_id),
        quantity="2", payType="WARRANTY",
    )  # fmt: skip
    await add_line(
        client, advisor, opened["id"], kind="MATERIAL", description="Engine oil 5W-30",
        quantity="4.5", unitPrice="60",
    )  # fmt: skip
    revision = await send(client, advisor, opened["id"])
    await sign(client, advisor, revision["id"])
    return await order(client, advisor, opened["id"])


async def move(shop: Workshop, order_id: str, *statuses: str) -> None:
    """The workshop's moves (dispatch, clocking: slice C), made through the state machine."""
    scope = TenantScope.of([shop.dealer_id], user_id=shop.users["leader"])
    async with tenant_transaction(scope) as tx:
        for status in statuses:
            await transition(tx, pk(order_id), status, "test")
