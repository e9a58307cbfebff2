"""Settlement (结算): the invoice of the approved lines by kind and pay type, made once
the order is ready (after the final check); the cashier records the customer's payment
of his share, which settles the order."""

from __future__ import annotations

from decimal import Decimal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.board_events import publish_board_change

from .errors import OrderNotFound, OrderRuleError
from .pricing import order_totals
from .quotation import lock_order
from .state_machine import transition

PAYMENT_METHODS = ("cash", "card", "wechat", "alipay", "transfer", "insurer", "none")


async def create_settlement(
    tx: ActiveTransaction, order_id: int, request_id: str = ""
) -> asyncpg.Record:
    connection = tx.connection
    order = await lock_order(connection, order_id)
    if order["status"] != "ready":
        raise OrderRuleError(
            "no_settlement_before_final_check",
            f"the order is {order['status']}; no settlement before the final check",
        )
    exists = await connection.fetchval(
        "select 1 from settlement where repair_order_id = $1", order_id
    )
    if exists:
        raise OrderRuleError("settlement_exists", "the order is already invoiced")
    totals = (await order_totals(connection, [order_id], ("approved",)))[order_id]
    row = await connection.fetchrow(
        "insert into settlement (dealer_id, repair_order_id, labour_total, parts_total,"
        " materials_total, by_pay_type, customer_amount, created_by)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8) returning *",
        order["dealer_id"],
        order_id,
        totals.labour,
        totals.parts,
        totals.materials,
        totals.by_pay_type_json(),
        totals.customer_share,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="settlement.create",
        object_type="repair_order",
        object_id=order_id,
        after=dict(row),
        request_id=request_id,
    )
    await publish_board_change(order["dealer_id"], order_id)
    return row


async def record_payment(
    tx: ActiveTransaction, order_id: int, *, amount: Decimal, method: str, request_id: str = ""
) -> asyncpg.Record:
    connection = tx.connection
    order = await lock_order(connection, order_id)
    settlement = await connection.fetchrow(
        "select * from settlement where repair_order_id = $1 for update", order_id
    )
    if settlement is None:
        if order["status"] != "ready":
            raise OrderRuleError(
                "no_settlement_before_final_check", "no settlement before the final check"
            )
        raise OrderNotFound("Settlement")
    if settlement["paid_at"] is not None:
        raise OrderRuleError("already_paid", "the settlement is already paid")
    if method not in PAYMENT_METHODS:
        raise OrderRuleError(
            "payment_method", f"method is one of {PAYMENT_METHODS}", field="method"
        )
    if amount != settlement["customer_amount"]:
        raise OrderRuleError(
            "payment_matches_invoice",
            f"the customer pays {settlement['customer_amount']}, not {amount}",
            field="amount",
        )
    if method == "none" and amount != 0:
        raise OrderRuleError(
            "payment_method", "'none' is only for invoices the customer pays nothing of"
        )
    row = await connection.fetchrow(
        "update settlement set paid_amount = $2, payment_method = $3, paid_at = now(),"
        " cashier_user_id = $4 where id = $1 returning *",
        settlement["id"],
        amount,
        method,
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action="settlement.collect",
        object_type="repair_order",
        object_id=order_id,
        after={"paid_amount": amount, "payment_method": method},
        request_id=request_id,
    )
    await transition(tx, order_id, "settled", f"paid {amount} by {method}", request_id=request_id)
    return row
