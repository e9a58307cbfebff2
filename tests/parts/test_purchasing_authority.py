"""Authority limits through the API: an approval above the approver's
purchase_order_approval limit (read through the policy store, so a dealer's override
counts) is refused with the limit named; the viewer's actions say so beforehand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import asyncpg
import httpx

from policies.overrides import set_override
from tests.conftest import reload_policies
from tests.parts.factories_parts import PartsShop
from tests.parts.purchasing_steps import APPROVE, CREATE, ORDER, REVIEW, SUBMIT, acting
from tests.service_orders.order_steps import gid, ok, refused

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]


async def plan(
    client: httpx.AsyncClient,
    shop: PartsShop,
    sign_in: SignIn,
    quantity: str,
    price: str,
    *,
    urgency: str = "REGULAR",
    reviewed: bool = True,
) -> str:
    """A submitted (and, regular, reviewed) plan of ``quantity`` pads at ``price``."""
    planner = await sign_in("planner")
    line = {"partId": gid("Part", shop.parts["pad"]), "quantity": quantity, "unitPrice": price}
    created = await ok(client, CREATE, {"input": {"lines": [line], "urgency": urgency}}, planner)
    order_id: str = created["createPurchaseOrder"]["id"]
    await ok(client, SUBMIT, {"id": order_id}, planner)
    if reviewed and urgency == "REGULAR":
        await ok(client, REVIEW, {"id": order_id}, await sign_in("parts_manager"))
    return order_id


async def test_the_service_manager_approves_up_to_their_limit(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    manager = await sign_in("manager")
    big = await plan(client, shop, sign_in, "1000", "600.00")  # 600,000 > 500,000
    seen = await ok(client, ORDER, {"id": big}, manager)
    actions = seen["node"]["viewerActions"]
    assert actions["approvalLimit"] == "500000.00"
    assert actions["withinLimit"] is False
    assert actions["canApprove"] is False
    assert actions["blockedReason"] == "above_limit"
    error = await refused(client, APPROVE, {"id": big}, manager)
    assert error["code"] == "FORBIDDEN"
    assert error["rule"] == "authority_limit"
    assert error["limit"] == "500000.00"
    assert error["amount"] == "600000.00"
    assert error["permission"] == "parts_plan:approve"

    small = await plan(client, shop, sign_in, "100", "400.00")  # 40,000
    done = await ok(client, APPROVE, {"id": small}, manager)
    assert done["approvePurchaseOrder"]["status"] == "APPROVED"
    assert done["approvePurchaseOrder"]["approvedBy"]["username"] == shop.usernames["manager"]


async def test_the_parts_manager_approves_emergencies_within_their_own_limit(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    parts_manager = await sign_in("parts_manager")
    over = await plan(client, shop, sign_in, "150", "400.00", urgency="EMERGENCY")  # 60,000
    error = await refused(client, APPROVE, {"id": over}, parts_manager)
    assert (error["code"], error["rule"], error["limit"]) == (
        "FORBIDDEN",
        "authority_limit",
        "50000.00",
    )
    assert error["permission"] == "purchase_order:approve"
    # Above the parts manager's limit the service manager approves it.
    approved = await ok(client, APPROVE, {"id": over}, await sign_in("manager"))
    assert approved["approvePurchaseOrder"]["status"] == "APPROVED"
    within = await plan(client, shop, sign_in, "100", "400.00", urgency="EMERGENCY")  # 40,000
    done = await ok(client, APPROVE, {"id": within}, parts_manager)
    assert done["approvePurchaseOrder"]["status"] == "APPROVED"
    assert done["approvePurchaseOrder"]["reviewedBy"] is None


async def test_a_dealer_override_of_the_limit_applies(
    client: httpx.AsyncClient,
    app: object,
    db: asyncpg.Connection,
    api_parts_shop: PartsShop,
    sign_in: SignIn,
) -> None:
    shop = api_parts_shop
    async with acting(shop, "manager"):
        await set_override(
            dealer_id=shop.dealer_id,
            role="service_manager",
            kind="limit",
            object="purchase_order_approval",
            amount="20000",
            reason="small store: the GM approves bigger plans",
        )
    await reload_policies(app)
    manager = await sign_in("manager")
    order_id = await plan(client, shop, sign_in, "100", "400.00")  # 40,000
    error = await refused(client, APPROVE, {"id": order_id}, manager)
    assert (error["rule"], error["limit"]) == ("authority_limit", "20000.00")


async def test_without_approval_permission_the_limit_is_not_the_question(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    order_id = await plan(client, shop, sign_in, "1", "400.00")
    planner = await sign_in("planner")
    error = await refused(client, APPROVE, {"id": order_id}, planner)
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:approve")
    # The parts manager holds purchase_order:approve, but a regular plan needs parts_plan:approve.
    error = await refused(client, APPROVE, {"id": order_id}, await sign_in("parts_manager"))
    assert (error["code"], error["permission"]) == ("FORBIDDEN", "parts_plan:approve")
    actions = (await ok(client, ORDER, {"id": order_id}, planner))["node"]["viewerActions"]
    assert actions["approvalLimit"] is None and actions["canApprove"] is False
