"""Steps of the purchasing tests: acting as a post of the parts department through the
services (with the catalog's permissions of that post), arranging ordered purchase
orders, reading back what the ledger says; and the GraphQL documents of the API tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal

import asyncpg

from policies.catalog import ROLES
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction
from tenants.parts.purchase_orders import OrderLine, create_purchase_order
from tests.parts.factories_parts import STAFF, PartsShop

D = Decimal


def allowed_for(*roles: str) -> Callable[[str, str], bool]:
    """The catalog's decision for someone holding ``roles`` (no dealer overrides)."""

    def allowed(obj: str, action: str) -> bool:
        return any(ROLES[r].allows(obj, action) for r in roles)

    return allowed


def allowed_as(post: str) -> Callable[[str, str], bool]:
    return allowed_for(*STAFF[post])


@asynccontextmanager
async def acting(shop: PartsShop, post: str | int) -> AsyncIterator[ActiveTransaction]:
    """One transaction at the shop's dealer on behalf of a post (or a user id)."""
    user = shop.users[post] if isinstance(post, str) else post
    async with tenant_transaction(TenantScope.of([shop.dealer_id], user_id=user)) as tx:
        yield tx


async def draft(
    shop: PartsShop,
    lines: dict[str, str | tuple[str, str]],
    *,
    post: str = "planner",
    urgency: str = "regular",
    supplier_id: int | None = None,
) -> int:
    """A draft with ``{part key: quantity}`` or ``{part key: (quantity, price)}``."""
    order_lines = [
        OrderLine(shop.items[k], D(v), None)
        if isinstance(v, str)
        else OrderLine(shop.items[k], D(v[0]), D(v[1]))
        for k, v in lines.items()
    ]
    async with acting(shop, post) as tx:
        created = await create_purchase_order(
            tx,
            shop.dealer_id,
            order_lines,
            urgency="emergency" if urgency == "emergency" else "regular",
            supplier_id=supplier_id,
        )
    return created.id


async def ordered(
    owner: asyncpg.Connection, shop: PartsShop, lines: dict[str, str | tuple[str, str]]
) -> int:
    """An order already approved and placed (arranged past the workflow)."""
    order_id = await draft(shop, lines)
    await owner.execute(
        "update purchase_order set status = 'ordered', ordered_at = now() where id = $1", order_id
    )
    return order_id


async def order_line(
    owner: asyncpg.Connection, order_id: int, shop: PartsShop, key: str
) -> asyncpg.Record:
    row = await owner.fetchrow(
        "select * from purchase_order_line where purchase_order_id = $1 and stock_item_id = $2",
        order_id,
        shop.items[key],
    )
    assert row is not None
    return row


async def receipt_lines(owner: asyncpg.Connection, receipt_id: int) -> dict[int, int]:
    """Receipt line id per stock item."""
    rows = await owner.fetch(
        "select id, stock_item_id from parts_receipt_line where receipt_id = $1", receipt_id
    )
    return {r["stock_item_id"]: r["id"] for r in rows}


async def balance(
    owner: asyncpg.Connection, stock_item_id: int
) -> tuple[Decimal, Decimal, Decimal]:
    """(on hand, sum of the ledger, sum of the lots' remaining) of a stock item."""
    row = await owner.fetchrow(
        "select s.on_hand,"
        " (select coalesce(sum(quantity), 0) from stock_movement m where m.stock_item_id = s.id)"
        "  as ledger,"
        " (select coalesce(sum(remaining), 0) from stock_lot l where l.stock_item_id = s.id)"
        "  as lots from stock_item s where s.id = $1",
        stock_item_id,
    )
    assert row is not None
    return row["on_hand"], row["ledger"], row["lots"]


async def status_of(owner: asyncpg.Connection, order_id: int) -> str:
    status: str = await owner.fetchval("select status from purchase_order where id = $1", order_id)
    return status


# --- GraphQL ---------------------------------------------------------------------------

ORDER_FIELDS = """
  id number status urgency source note decisionNote expectedOn total lineCount outstandingQty
  supplier { id name }
  createdBy { username } reviewedBy { username } approvedBy { username } orderedBy { username }
  lines { id quantity unitPrice amount receivedQty refusedQty outstandingQty closed stockItemId
          part { partNumber } }
  history { fromStatus toStatus note actor { username } }
  viewerActions { canEdit canSubmit canReview canApprove canReject canOrder canCancel canReceive
                  approvalLimit withinLimit blockedReason }
"""

CREATE = f"""
mutation($input: CreatePurchaseOrderInput!) {{ createPurchaseOrder(input: $input) {{ {ORDER_FIELDS} }} }}
"""
SUBMIT = f"mutation($id: ID!) {{ submitPurchaseOrder(orderId: $id) {{ {ORDER_FIELDS} }} }}"
REVIEW = (
    f'mutation($id: ID!) {{ reviewPurchaseOrder(orderId: $id, note: "ok") {{ {ORDER_FIELDS} }} }}'
)
APPROVE = f"mutation($id: ID!) {{ approvePurchaseOrder(orderId: $id) {{ {ORDER_FIELDS} }} }}"
REJECT = f"""
mutation($input: RejectPurchaseOrderInput!) {{ rejectPurchaseOrder(input: $input) {{ {ORDER_FIELDS} }} }}
"""
ORDERED = f"""
mutation($input: MarkPurchaseOrderOrderedInput!) {{
  markPurchaseOrderOrdered(input: $input) {{ {ORDER_FIELDS} }}
}}
"""
ORDER = f"query($id: ID!) {{ node(id: $id) {{ ... on PurchaseOrder {{ {ORDER_FIELDS} }} }} }}"
ORDERS = """
query($status: [PurchaseOrderStatus!]) {
  purchaseOrders(status: $status, first: 50) { edges { node { id number status total } } }
}
"""
RECEIPT_FIELDS = """
  id number status deliveryNote shippingListCheckedBy { username } postedBy { username }
  shelvedBy { username } purchaseOrder { id status }
  lines { id shippedQty countedQty acceptedQty refusedQty quality unitCost outstandingQty
          claimableQty part { partNumber } }
"""
OPEN_RECEIPT = f"""
mutation($input: OpenReceiptInput!) {{ openReceipt(input: $input) {{ {RECEIPT_FIELDS} }} }}
"""
CHECK = f"""
mutation($input: CheckShippingListInput!) {{ checkShippingList(input: $input) {{ {RECEIPT_FIELDS} }} }}
"""
COUNT = f"""
mutation($input: CountReceiptLineInput!) {{ countReceiptLine(input: $input) {{ {RECEIPT_FIELDS} }} }}
"""
POST = f"mutation($id: ID!) {{ postReceipt(receiptId: $id) {{ {RECEIPT_FIELDS} }} }}"
SHELVE = f"mutation($id: ID!) {{ confirmShelving(receiptId: $id) {{ {RECEIPT_FIELDS} }} }}"
