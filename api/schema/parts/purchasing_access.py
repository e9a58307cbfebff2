"""Permission checks of purchasing where either of two catalog permissions will do
(a plan is drafted with parts_plan:create or purchase_order:create), and the one
transaction of such a mutation. Where the exact permission depends on the order's
state (who reviews, who approves), the service decides on the locked order through
``allowed_at``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal

from api.schema.context import Info
from api.schema.errors import Forbidden
from tenants.database import ActiveTransaction, tenant_transaction
from tenants.parts.purchase_workflow import APPROVAL_LIMIT

Permission = tuple[str, str]

ORDER_READERS: tuple[Permission, ...] = (("parts_plan", "read"), ("purchase_order", "read"))
DRAFTERS: tuple[Permission, ...] = (("parts_plan", "create"), ("purchase_order", "create"))
RECEIPT_READERS: tuple[Permission, ...] = (("parts_receipt", "read"),)


def allows_any(info: Info, permissions: tuple[Permission, ...]) -> bool:
    return any(info.context.allowed(o, a) for o, a in permissions)


def require_any(info: Info, permissions: tuple[Permission, ...]) -> int:
    """The current dealer when the viewer holds one of ``permissions``; FORBIDDEN naming
    the first otherwise."""
    dealer = info.context.dealer_id
    if not any(info.context.allowed(o, a, dealer) for o, a in permissions):
        obj, action = permissions[0]
        raise Forbidden(obj, action, dealer)
    return dealer


@asynccontextmanager
async def write_any(
    info: Info, permissions: tuple[Permission, ...]
) -> AsyncIterator[ActiveTransaction]:
    """The one transaction of a mutation, after one of ``permissions`` was checked."""
    dealer = require_any(info, permissions)
    async with tenant_transaction(info.context.scope((dealer,))) as tx:
        yield tx


def allowed_at(info: Info, dealer_id: int) -> Callable[[str, str], bool]:
    """The viewer's policy decisions at the dealer, for services that check on the
    locked record which permission applies."""

    def allowed(obj: str, action: str) -> bool:
        return info.context.allowed(obj, action, dealer_id)

    return allowed


def approval_limit(info: Info, dealer_id: int) -> Decimal | None:
    """The viewer's purchase_order_approval limit (the highest of their roles), if any."""
    grant = info.context.policies.authority_limit(
        info.context.principal.subject, dealer_id, APPROVAL_LIMIT
    )
    return grant.amount if grant else None
