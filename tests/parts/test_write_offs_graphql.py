"""Write-offs through GraphQL: the request, the signatures panel (which capacities are
missing and who may still sign), the refusals with their codes, the loss split, the
permissions of the catalog and the walls between dealers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.parts.factories_parts import PartsShop
from tests.service_orders.order_steps import gid, ok, refused

SignIn = Callable[[str], Awaitable[dict[str, str]]]

FIELDS = """
  id number status quantity reason value unitCost lossAmount disposableFrom
  part { partNumber } requestedBy { username } warehouseKeeper { username }
  missingCapacities viewerCapacities
  signatures { capacity decision note signer { username } }
  signing { capacity roleKey signature { decision signer { username } } eligible { username } }
  lossShares { party share amount person { username } }
"""
REQUEST = f"""
mutation($input: RequestWriteOffInput!) {{ requestWriteOff(input: $input) {{ {FIELDS} }} }}
"""
SIGN = f"mutation($input: SignWriteOffInput!) {{ signWriteOff(input: $input) {{ {FIELDS} }} }}"
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on WriteOff {{ {FIELDS} }} }} }}"
LIST = "query { writeOffs(first: 10) { edges { node { id number status } } } }"
KEEPERS = "query { writeOffKeepers { id username } }"


def _input(shop: PartsShop, **overrides: Any) -> dict[str, Any]:
    fields = {
        "partId": gid("Part", shop.parts["pad"]),
        "quantity": "1",
        "reason": "DEFECTIVE",
        "description": "Friction layer cracked, supplier declined the claim",
        "cannotClaim": True,
        "cannotReturn": True,
        "cannotRepair": True,
        "humanCaused": False,
        "warehouseKeeperId": gid("StaffUser", shop.users["keeper"]),
    }
    return {"input": {**fields, **overrides}}


async def _requested(client: httpx.AsyncClient, shop: PartsShop, sign_in: SignIn) -> dict[str, Any]:
    data = await ok(client, REQUEST, _input(shop), await sign_in("keeper"))
    write_off: dict[str, Any] = data["requestWriteOff"]
    return write_off


def _sign(
    write_off: dict[str, Any], capacity: str, approve: bool = True, note: str = ""
) -> dict[str, Any]:
    return {
        "input": {
            "writeOffId": write_off["id"],
            "capacity": capacity,
            "approve": approve,
            "note": note,
        }
    }


async def test_request_signatures_panel_and_loss_split(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop, names = api_parts_shop, api_parts_shop.usernames
    keepers = (await ok(client, KEEPERS, {}, await sign_in("keeper")))["writeOffKeepers"]
    assert [k["username"] for k in keepers] == [names["keeper"]]
    write_off = await _requested(client, shop, sign_in)
    assert (write_off["status"], write_off["value"], write_off["lossAmount"]) == (
        "REQUESTED",
        "250.00",
        None,
    )
    assert write_off["missingCapacities"] == [
        "SERVICE_MANAGER",
        "CLAIMS_SUPERVISOR",
        "PARTS_MANAGER",
    ]
    assert {
        s["capacity"]: [p["username"] for p in s["eligible"]] for s in write_off["signing"]
    } == {
        "SERVICE_MANAGER": [names["manager"]],
        "CLAIMS_SUPERVISOR": [names["claims"]],
        "PARTS_MANAGER": [names["parts_manager"]],
    }
    assert write_off["viewerCapacities"] == []  # the requester signs nothing

    manager = await sign_in("manager")
    seen = (await ok(client, NODE, {"id": write_off["id"]}, manager))["node"]
    assert seen["viewerCapacities"] == ["SERVICE_MANAGER"]
    after = (await ok(client, SIGN, _sign(write_off, "SERVICE_MANAGER"), manager))["signWriteOff"]
    assert after["missingCapacities"] == ["CLAIMS_SUPERVISOR", "PARTS_MANAGER"]
    panel = {s["capacity"]: s for s in after["signing"]}
    assert panel["SERVICE_MANAGER"]["signature"]["signer"]["username"] == names["manager"]
    assert panel["SERVICE_MANAGER"]["eligible"] == []

    await ok(client, SIGN, _sign(write_off, "CLAIMS_SUPERVISOR"), await sign_in("claims"))
    done = (
        await ok(client, SIGN, _sign(write_off, "PARTS_MANAGER"), await sign_in("parts_manager"))
    )["signWriteOff"]
    assert (done["status"], done["lossAmount"], done["missingCapacities"]) == (
        "APPROVED",
        "250.00",
        [],
    )
    assert done["disposableFrom"] is not None
    assert [
        (s["party"], s["amount"], (s["person"] or {}).get("username")) for s in done["lossShares"]
    ] == [
        ("COMPANY", "175.00", None),
        ("SERVICE_MANAGER", "25.00", names["manager"]),
        ("PARTS_MANAGER", "25.00", names["parts_manager"]),
        ("WAREHOUSE_KEEPER", "25.00", names["keeper"]),
    ]


async def test_refusals_carry_their_codes(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    problem = await refused(client, REQUEST, _input(shop, humanCaused=True), keeper)
    assert (problem["code"], problem["field"], problem["rule"]) == (
        "BAD_USER_INPUT",
        "humanCaused",
        "human_caused",
    )
    problem = await refused(client, REQUEST, _input(shop, quantity="9"), keeper)
    assert (problem["code"], problem["rule"], problem["missing"]) == (
        "INSUFFICIENT_STOCK",
        "stock_available",
        "5.00",
    )

    write_off = await _requested(client, shop, sign_in)
    problem = await refused(client, SIGN, _sign(write_off, "PARTS_MANAGER"), keeper)
    assert (problem["code"], problem["permission"]) == ("FORBIDDEN", "parts_write_off:approve")
    problem = await refused(
        client, SIGN, _sign(write_off, "PARTS_MANAGER"), await sign_in("manager")
    )
    assert (problem["code"], problem["rule"]) == ("BAD_USER_INPUT", "signer_capacity")

    own = (await ok(client, REQUEST, _input(shop), await sign_in("parts_manager")))[
        "requestWriteOff"
    ]
    problem = await refused(
        client, SIGN, _sign(own, "PARTS_MANAGER"), await sign_in("parts_manager")
    )
    assert problem["code"] == "SEGREGATION_OF_DUTIES"

    rejected = (
        await ok(
            client,
            SIGN,
            _sign(write_off, "CLAIMS_SUPERVISOR", False, "Claim it"),
            await sign_in("claims"),
        )
    )["signWriteOff"]
    assert (rejected["status"], rejected["missingCapacities"]) == ("REJECTED", [])
    assert rejected["signatures"][0]["note"] == "Claim it"


async def test_permissions_and_dealer_walls(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    write_off = await _requested(client, api_parts_shop, sign_in)
    technician = await sign_in("technician")
    problem = await refused(client, LIST, {}, technician)
    assert (problem["code"], problem["permission"]) == ("FORBIDDEN", "parts_write_off:read")
    problem = await refused(client, REQUEST, _input(api_parts_shop), await sign_in("advisor"))
    assert (problem["code"], problem["permission"]) == ("FORBIDDEN", "parts_write_off:request")
    assert (await ok(client, NODE, {"id": write_off["id"]}, technician))["node"] is None

    peer = await sign_in("peer_parts_manager")
    assert (await ok(client, NODE, {"id": write_off["id"]}, peer))["node"] is None
    assert (await ok(client, LIST, {}, peer))["writeOffs"]["edges"] == []
    problem = await refused(client, SIGN, _sign(write_off, "PARTS_MANAGER"), peer)
    assert problem["code"] == "NOT_FOUND"
    # The peer cannot name the other dealer's keeper, nor write off a part it does not stock.
    problem = await refused(
        client,
        REQUEST,
        _input(api_parts_shop, partId=gid("Part", api_parts_shop.parts["oil"])),
        peer,
    )
    assert problem["code"] == "NOT_FOUND"
    problem = await refused(client, REQUEST, _input(api_parts_shop), peer)
    assert (problem["code"], problem["rule"]) == ("BAD_USER_INPUT", "warehouse_keeper_role")
