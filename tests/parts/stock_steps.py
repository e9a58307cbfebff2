"""GraphQL documents and steps of the stock and issuing tests, so each test reads as the
work of the parts department: look up stock, set it up, request, sign, issue, return."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from tests.parts.factories_parts import PartsShop
from tests.service_orders.order_steps import gid, ok, pk, refused

__all__ = ["gid", "ok", "pk", "refused"]

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

ITEM_FIELDS = """
  id binLocation zone minQty maxQty reorderMultiple leadTimeDays unitCost onHand reserved
  available onOrder lastMovementAt active belowMin aboveMax noMovementDays
  part { id partNumber name nameZh packSize }
"""
STOCK_ITEMS = f"""
query($search: String!, $zone: String, $belowMin: Boolean!, $first: Int, $after: String) {{
  stockItems(search: $search, zone: $zone, belowMin: $belowMin, first: $first, after: $after) {{
    edges {{ cursor node {{ {ITEM_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
STOCK_ITEM = f"""
query($id: ID!) {{ node(id: $id) {{ ... on StockItem {{ {ITEM_FIELDS}
  stockValue
  lots {{ receivedAt quantity remaining unitCost kind value }}
  movements(first: 10) {{
    edges {{ node {{ id kind quantity unitCost value reason documentType documentId
                    documentNumber createdAt createdBy {{ username }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
  part {{ partNumber supersededBy {{ partNumber }} supersedes {{ partNumber }}
          currentSuccessor {{ partNumber }} stockedHere }}
}} }} }}
"""
START = f"""
mutation($input: StartStockingInput!) {{ startStocking(input: $input) {{ {ITEM_FIELDS} }} }}
"""
SETTINGS = f"""
mutation($input: UpdateStockItemSettingsInput!) {{
  updateStockItemSettings(input: $input) {{ {ITEM_FIELDS} }}
}}
"""
QUOTA = f"""
mutation($input: SetStockQuotaInput!) {{ setStockQuota(input: $input) {{ {ITEM_FIELDS} }} }}
"""
CATALOG = """
query($search: String!, $stocked: Boolean, $first: Int, $after: String) {
  partsCatalog(search: $search, stocked: $stocked, first: $first, after: $after) {
    edges { cursor node { id partNumber name nameZh stockedHere stockItem { binLocation onHand }
                          currentSuccessor { partNumber } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

REQUEST_FIELDS = """
  id number status quantity returnedQty warranty availableAtRequest reason oldPart
  oldPartReturned orderNumber plate lineDescription binLocation partNumber issueUnitCost
  missingSignatures requestedAt countersignedAt warrantySignedAt issuedAt
  requestedBy { username } countersignedBy { username } warrantySignedBy { username }
  issuedBy { username } closedBy { username }
"""
REQUEST = f"""
mutation($input: RequestPartsInput!) {{ requestParts(input: $input) {{ {REQUEST_FIELDS} }} }}
"""
COUNTERSIGN = f"""
mutation($id: ID!) {{ countersignPartsRequest(requestId: $id) {{ {REQUEST_FIELDS} }} }}
"""
WARRANTY_SIGN = f"""
mutation($id: ID!) {{ signWarrantyPartsRequest(requestId: $id) {{ {REQUEST_FIELDS} }} }}
"""
ISSUE = f"""
mutation($input: IssuePartsInput!) {{ issuePartsRequest(input: $input) {{ {REQUEST_FIELDS} }} }}
"""
RETURN = f"""
mutation($input: ReturnIssuedPartsInput!) {{
  returnIssuedParts(input: $input) {{ {REQUEST_FIELDS} }}
}}
"""
CANCEL = f"""
mutation($input: ClosePartsRequestInput!) {{
  cancelPartsRequest(input: $input) {{ {REQUEST_FIELDS} }}
}}
"""
REFUSE = f"""
mutation($input: ClosePartsRequestInput!) {{
  refusePartsRequest(input: $input) {{ {REQUEST_FIELDS} }}
}}
"""
QUEUE = f"""
query($first: Int, $after: String) {{
  issueQueue(first: $first, after: $after) {{
    edges {{ cursor node {{ {REQUEST_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
REQUESTS = f"""
query($status: [PartsRequestStatus!], $orderId: ID, $first: Int, $after: String) {{
  partsRequests(status: $status, orderId: $orderId, first: $first, after: $after) {{
    edges {{ cursor node {{ {REQUEST_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
SLIP = """
query($id: ID!) {
  partsIssueSlip(requestId: $id) {
    number status dealerCode dealerName orderNumber plate vin vehicleModel lineDescription
    warranty partNumber partName partNameZh unit binLocation quantity returnedQty unitCost
    amount oldPart requestedBy requestedAt countersignedBy countersignedAt warrantySignedBy
    warrantySignedAt issuedBy issuedAt
  }
}
"""
REQUEST_NODE = (
    f"query($id: ID!) {{ node(id: $id) {{ ... on PartsRequest {{ {REQUEST_FIELDS} }} }} }}"
)


async def request_parts(
    client: httpx.AsyncClient, headers: Headers, line_id: int, quantity: str | None = None
) -> dict[str, Any]:
    variables: dict[str, Any] = {"lineId": gid("RepairOrderLine", line_id)}
    if quantity is not None:
        variables["quantity"] = quantity
    data = await ok(client, REQUEST, {"input": variables}, headers)
    request: dict[str, Any] = data["requestParts"]
    return request


async def countersign(client: httpx.AsyncClient, headers: Headers, request_id: str) -> Any:
    return (await ok(client, COUNTERSIGN, {"id": request_id}, headers))["countersignPartsRequest"]


async def warranty_sign(client: httpx.AsyncClient, headers: Headers, request_id: str) -> Any:
    return (await ok(client, WARRANTY_SIGN, {"id": request_id}, headers))[
        "signWarrantyPartsRequest"
    ]


async def issue(
    client: httpx.AsyncClient, headers: Headers, request_id: str, old_part: str
) -> dict[str, Any]:
    data = await ok(
        client, ISSUE, {"input": {"requestId": request_id, "oldPart": old_part}}, headers
    )
    issued: dict[str, Any] = data["issuePartsRequest"]
    return issued


async def add_part_line(
    owner: asyncpg.Connection,
    shop: PartsShop,
    part_key: str,
    quantity: str,
    *,
    pay_type: str = "customer",
    status: str = "approved",
    kind: str = "part",
) -> int:
    """One more line on the shop's order in work (labour lines have hours)."""
    line_id: int = await owner.fetchval(
        "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, quantity,"
        " hours, unit_price, pay_type, status, description)"
        " values ($1, $2, $3, $4, $5, $6, 100, $7, $8, $9) returning id",
        shop.dealer_id,
        shop.order_id,
        kind,
        shop.parts[part_key] if kind == "part" else None,
        Decimal(quantity),
        Decimal(1) if kind == "labour" else None,
        pay_type,
        status,
        f"{part_key} line",
    )
    return line_id


async def signed_request(
    client: httpx.AsyncClient, sign_in: SignIn, line_id: int, quantity: str | None = None
) -> dict[str, Any]:
    """Requested by the technician and countersigned by the advisor."""
    request = await request_parts(client, await sign_in("technician"), line_id, quantity)
    signed: dict[str, Any] = await countersign(client, await sign_in("advisor"), request["id"])
    return signed
