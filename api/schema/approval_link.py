"""The customer's approval page behind a one-time link, without an account: shows only
that quotation's lines and totals, and accepts or declines it once. Everything is
found by the token's hash before any tenant scope exists."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import strawberry

from api.schema.repair_orders import LineKind, PayType, PayTypeAmount, RevisionStatus
from tenants.database import tenant_transaction
from tenants.service.orders import approval
from tenants.service.orders.pricing import PAY_TYPES, cents, totals_of


@strawberry.type
class PublicQuotationLine:
    kind: LineKind
    description: str
    quantity: Decimal
    hours: Decimal | None
    unit_price: Decimal
    amount: Decimal
    pay_type: PayType
    additional: bool
    already_approved: bool


@strawberry.type(description="One quotation as its customer sees it through the link.")
class PublicQuotation:
    dealer_name: str
    order_number: str
    revision: int
    status: RevisionStatus
    lines: list[PublicQuotationLine]
    total: Decimal
    customer_total: Decimal
    by_pay_type: list[PayTypeAmount]
    promised_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> PublicQuotation:
        lines = row["lines"]
        totals = totals_of(
            {"kind": ln["kind"], "pay_type": ln["payType"], "amount": ln["amount"]} for ln in lines
        )
        return cls(
            dealer_name=row["dealer_name"],
            order_number=row["number"],
            revision=row["revision"],
            status=RevisionStatus(row["status"]),
            lines=[
                PublicQuotationLine(
                    kind=LineKind(ln["kind"]),
                    description=ln["description"],
                    quantity=cents(ln["quantity"]),
                    hours=cents(ln["hours"]) if ln.get("hours") is not None else None,
                    unit_price=cents(ln["unitPrice"]),
                    amount=cents(ln["amount"]),
                    pay_type=PayType(ln["payType"]),
                    additional=bool(ln.get("additional")),
                    already_approved=ln.get("status") == "approved",
                )
                for ln in lines
            ],
            total=row["total"],
            customer_total=row["customer_total"],
            by_pay_type=[
                PayTypeAmount(pay_type=PayType(p), amount=totals.by_pay_type[p]) for p in PAY_TYPES
            ],
            promised_at=row["promised_at"],
            expires_at=row["token_expires_at"],
        )


async def _show(target: approval.LinkTarget) -> PublicQuotation:
    async with tenant_transaction(approval.link_scope(target), fresh=True) as tx:
        row = await approval.revision_for_link(tx, target)
    return PublicQuotation.from_row(row)


@strawberry.type
class ApprovalLinkQuery:
    @strawberry.field(description="Public: the quotation behind an approval link.")
    async def quotation_by_token(self, token: str) -> PublicQuotation:
        return await _show(await approval.resolve_token(token))


@strawberry.type
class ApprovalLinkMutation:
    @strawberry.mutation(description="Public: the customer approves through the link (once).")
    async def approve_quotation_by_token(
        self, token: str, signature: str | None = None
    ) -> PublicQuotation:
        target = await approval.resolve_token(token)
        await approval.decide_by_token(token, approve=True, signature=signature)
        return await _show(target)

    @strawberry.mutation(description="Public: the customer declines through the link (once).")
    async def decline_quotation_by_token(self, token: str) -> PublicQuotation:
        target = await approval.resolve_token(token)
        await approval.decide_by_token(token, approve=False)
        return await _show(target)
