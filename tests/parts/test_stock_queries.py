"""Reading stock through GraphQL: the stock list in bin order with search, zone and below-min
filters and keyset pages; a stock item with its ledger, lots, balances and supersessions;
the manufacturer's catalog with what is stocked here; and nothing of another dealer."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from tenants.database import TenantScope, tenant_transaction
from tenants.parts import ledger
from tenants.parts.purchase_orders import OrderLine, create_purchase_order
from tests.api.graphql_client import gql
from tests.parts.factories_parts import PartsShop, add_part, book
from tests.parts.stock_steps import CATALOG, STOCK_ITEM, STOCK_ITEMS, SignIn, gid, ok, refused


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def _list(
    client: httpx.AsyncClient, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    data = await ok(client, STOCK_ITEMS, {"search": "", "belowMin": False, **variables}, headers)
    listed: dict[str, Any] = data["stockItems"]
    return listed


async def test_the_stock_list_walks_the_bins_in_pages(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    keeper = await sign_in("keeper")
    first = await _list(client, keeper, first=3)
    assert [n["binLocation"] for n in _nodes(first)] == ["A-01-1-01", "A-02-3-04", "A-02-3-05"]
    assert first["pageInfo"]["hasNextPage"]
    rest = await _list(client, keeper, first=3, after=first["pageInfo"]["endCursor"])
    assert [n["binLocation"] for n in _nodes(rest)] == ["B-01-1-01"]
    assert not rest["pageInfo"]["hasNextPage"]
    oil = _nodes(rest)[0]
    assert (Decimal(oil["onHand"]), Decimal(oil["available"]), oil["belowMin"]) == (40, 40, False)
    assert oil["noMovementDays"] == 0
    bad = await refused(client, STOCK_ITEMS, {"search": "", "belowMin": False, "after": "zz"},
                        keeper)  # fmt: skip
    assert (bad["code"], bad["field"]) == ("BAD_USER_INPUT", "after")


async def test_search_zone_and_below_min_narrow_the_list(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    await book(db, shop.dealer_id, shop.items["filter"], "issue", "-7")  # 3 left, min 5
    await db.execute("update stock_item set zone = 'Passat' where id = $1", shop.items["pad"])
    await db.execute(
        "update stock_item set max_qty = 30 where id = $1", shop.items["oil"]
    )  # 40 on hand: above max

    by_name = await _list(client, keeper, search="brake")
    assert {n["binLocation"] for n in _nodes(by_name)} == {"A-02-3-04", "A-02-3-05"}
    by_chinese = await _list(client, keeper, search="Oil filter件")
    assert [n["binLocation"] for n in _nodes(by_chinese)] == ["A-01-1-01"]
    by_bin = await _list(client, keeper, search="b-01")
    assert [n["binLocation"] for n in _nodes(by_bin)] == ["B-01-1-01"]
    zoned = await _list(client, keeper, zone="Passat")
    assert [n["binLocation"] for n in _nodes(zoned)] == ["A-02-3-04"]
    below = await _list(client, keeper, belowMin=True)
    assert [(n["binLocation"], n["belowMin"], Decimal(n["onHand"])) for n in _nodes(below)] == [
        ("A-01-1-01", True, Decimal(3))
    ]
    oil = _nodes(await _list(client, keeper, search="B-01-1-01"))[0]
    assert oil["aboveMax"] and not oil["belowMin"]
    zones = await ok(client, "{ stockZones }", {}, keeper)
    assert zones["stockZones"] == ["Passat"]


async def test_a_stock_item_shows_its_ledger_lots_balances_and_supersession(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    manager = await sign_in("parts_manager")
    item = shop.items["pad"]  # 4 on hand at 250
    await book(db, shop.dealer_id, item, "receipt", "2", unit_cost="260")
    async with tenant_transaction(TenantScope.of([shop.dealer_id], shop.users["keeper"])) as tx:
        await ledger.post(tx, shop.dealer_id, item, "issue", Decimal(5), document_type="test",
                          document_id=None)  # fmt: skip
    await db.execute(
        "insert into stock_reservation (dealer_id, stock_item_id, quantity) values ($1, $2, 1)",
        shop.dealer_id,
        item,
    )
    async with tenant_transaction(TenantScope.of([shop.dealer_id], shop.users["planner"])) as tx:
        order = await create_purchase_order(
            tx,
            shop.dealer_id,
            [OrderLine(item, Decimal(6)), OrderLine(shop.items["oil"], Decimal(12))],
        )
    await db.execute("update purchase_order set status = 'approved' where id = $1", order.id)

    data = await ok(client, STOCK_ITEM, {"id": gid("StockItem", item)}, manager)
    node = data["node"]
    assert (Decimal(node["onHand"]), Decimal(node["reserved"]), Decimal(node["available"]),
            Decimal(node["onOrder"])) == (1, 1, 0, 6)  # fmt: skip
    assert node["lots"] == [
        {"receivedAt": node["lots"][0]["receivedAt"], "quantity": "2.00", "remaining": "1.00",
         "unitCost": "260.00", "kind": "RECEIPT", "value": "260.00"}
    ]  # fmt: skip
    assert Decimal(node["stockValue"]) == 260
    moves = _nodes(node["movements"])
    assert [(m["kind"], Decimal(m["quantity"])) for m in moves] == [
        ("ISSUE", Decimal(-5)),
        ("RECEIPT", Decimal(2)),
        ("RECEIPT", Decimal(4)),
    ]
    # FIFO: the 4 at 250 and 1 at 260.
    assert Decimal(moves[0]["unitCost"]) == Decimal("252.00")
    assert Decimal(moves[0]["value"]) == Decimal("-1260.00")
    part = node["part"]
    old_number = await db.fetchval(
        "select part_number from part where id = $1", shop.parts["old_pad"]
    )
    assert part["supersedes"] == [{"partNumber": old_number}]
    assert part["supersededBy"] is None and part["currentSuccessor"] is None
    assert part["stockedHere"]

    older = await add_part(db, shop.manufacturer_id, "Pad (oldest)", "380",
                           superseded_by=shop.parts["old_pad"])  # fmt: skip
    old_item = await ok(client, STOCK_ITEM, {"id": gid("StockItem", shop.items["old_pad"])},
                        manager)  # fmt: skip
    pad_number = node["part"]["partNumber"]
    old_part = old_item["node"]["part"]
    assert old_part["supersededBy"] == {"partNumber": pad_number}
    assert old_part["currentSuccessor"] == {"partNumber": pad_number}
    catalog = await ok(client, CATALOG, {"search": "oldest"}, manager)
    [oldest] = _nodes(catalog["partsCatalog"])
    assert oldest["id"] == gid("Part", older)
    # A -> B -> C: the number to use today is C, however long the chain.
    assert oldest["currentSuccessor"] == {"partNumber": pad_number}
    assert not oldest["stockedHere"] and oldest["stockItem"] is None


PART_FIELDS = "id partNumber name nameZh unit packSize listPrice partGroup supersededBy { id }"


async def test_a_listed_items_part_is_the_catalogs_part(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    """The list builds each item's part from its own row; it must be the part the catalog
    shows, superseded numbers included."""
    await db.execute(
        "update part set unit = 'set', pack_size = 4, part_group = 'Brakes' where id = $1",
        api_parts_shop.parts["pad"],
    )
    keeper = await sign_in("keeper")
    listed = await ok(
        client, f"{{ stockItems {{ edges {{ node {{ part {{ {PART_FIELDS} }} }} }} }} }}", {},
        keeper,
    )  # fmt: skip
    parts = [n["part"] for n in _nodes(listed["stockItems"])]
    assert any(p["supersededBy"] for p in parts) and any(p["unit"] == "set" for p in parts)
    for part in parts:
        shown = await ok(
            client, f"query($id: ID!) {{ node(id: $id) {{ ... on Part {{ {PART_FIELDS} }} }} }}",
            {"id": part["id"]}, keeper,
        )  # fmt: skip
        assert shown["node"] == part


async def test_the_ledger_pages_newest_first_with_document_numbers(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    for _ in range(3):
        await book(db, shop.dealer_id, shop.items["oil"], "issue", "-1")
    query = """
    query($id: ID!, $after: String) { node(id: $id) { ... on StockItem {
      movements(first: 2, after: $after) { edges { node { id kind quantity documentNumber } }
                                          pageInfo { hasNextPage endCursor } } } } }
    """
    item = gid("StockItem", shop.items["oil"])
    first = (await ok(client, query, {"id": item}, keeper))["node"]["movements"]
    second = (
        await ok(client, query, {"id": item, "after": first["pageInfo"]["endCursor"]}, keeper)
    )["node"]["movements"]
    kinds = [n["kind"] for n in _nodes(first) + _nodes(second)]
    assert kinds == ["ISSUE", "ISSUE", "ISSUE", "RECEIPT"]
    assert first["pageInfo"]["hasNextPage"] and not second["pageInfo"]["hasNextPage"]
    movement = _nodes(first)[0]
    again = await ok(
        client, "query($id: ID!) { node(id: $id) { ... on StockMovement { kind quantity } } }",
        {"id": movement["id"]}, keeper,
    )  # fmt: skip
    assert again["node"] == {"kind": "ISSUE", "quantity": "-1.00"}


async def test_the_catalog_searches_the_manufacturers_parts_and_says_what_is_stocked(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    bulb = await add_part(db, shop.manufacturer_id, "Brake light bulb", "12")
    data = await ok(client, CATALOG, {"search": "brake", "first": 2}, keeper)
    page = data["partsCatalog"]
    assert page["pageInfo"]["hasNextPage"]
    more = await ok(client, CATALOG, {"search": "brake", "after": page["pageInfo"]["endCursor"]},
                    keeper)  # fmt: skip
    found = _nodes(page) + _nodes(more["partsCatalog"])
    numbers = [n["partNumber"] for n in found]
    assert numbers == sorted(numbers) and len(numbers) == 3
    stocked = {n["name"]: n["stockedHere"] for n in found}
    assert stocked == {
        "Brake pad set": True,
        "Brake pad set (old)": True,
        "Brake light bulb": False,
    }
    pad = next(n for n in found if n["name"] == "Brake pad set")
    assert pad["stockItem"] == {"binLocation": "A-02-3-04", "onHand": "4.00"}
    unstocked = await ok(client, CATALOG, {"search": "", "stocked": False}, keeper)
    assert [n["id"] for n in _nodes(unstocked["partsCatalog"])] == [gid("Part", bulb)]
    chinese = await ok(client, CATALOG, {"search": "Engine oil 1L件"}, keeper)
    assert [n["name"] for n in _nodes(chinese["partsCatalog"])] == ["Engine oil 1L"]


async def test_another_dealers_stock_is_invisible(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    shop = api_parts_shop
    manager = await sign_in("parts_manager")
    peer_item = gid("StockItem", shop.peer_items["pad"])
    hidden = await ok(client, STOCK_ITEM, {"id": peer_item}, manager)
    assert hidden["node"] is None
    listed = await _list(client, manager, first=100)
    assert peer_item not in {n["id"] for n in _nodes(listed)}
    assert len(_nodes(listed)) == 4
    # The peer's own keeper sees its two items and none of ours.
    peer = await sign_in("peer_keeper")
    theirs = await _list(client, peer)
    assert {n["id"] for n in _nodes(theirs)} == {
        gid("StockItem", shop.peer_items["filter"]),
        peer_item,
    }
    mine = await ok(client, STOCK_ITEM, {"id": gid("StockItem", shop.items["pad"])}, peer)
    assert mine["node"] is None


async def test_stock_is_read_only_by_those_with_parts_stock_read(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn
) -> None:
    technician = await sign_in("technician")
    body = await gql(client, STOCK_ITEMS, {"search": "", "belowMin": False}, technician)
    assert body["errors"][0]["extensions"] == {
        "code": "FORBIDDEN",
        "permission": "parts_stock:read",
    }
    node = await ok(
        client, STOCK_ITEM, {"id": gid("StockItem", api_parts_shop.items["pad"])}, technician
    )
    assert node["node"] is None
    catalog = await refused(client, CATALOG, {"search": ""}, technician)
    assert catalog["permission"] == "parts_catalog:read"
