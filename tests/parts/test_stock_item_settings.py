"""Setting up stock items: start stocking a catalog part, bin (库号-架号-层号-位号, one part per
bin), zone and cost by whoever keeps the catalog, quotas (储备上下限) by the parts manager;
each change audited, each bad input refused with its rule."""

from __future__ import annotations

import json
from decimal import Decimal

import asyncpg
import httpx

from tests.factories import make_manufacturer
from tests.parts.factories_parts import PartsShop, add_part
from tests.parts.stock_steps import QUOTA, SETTINGS, START, SignIn, gid, ok, refused


async def test_the_keeper_starts_stocking_a_part_and_shelves_it(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    wiper = await add_part(db, shop.manufacturer_id, "Wiper blade", "45")
    data = await ok(
        client,
        START,
        {"input": {"partId": gid("Part", wiper), "binLocation": " c-02-1-03 ", "zone": "Passat",
                   "unitCost": "30"}},
        keeper,
    )  # fmt: skip
    item = data["startStocking"]
    assert item["binLocation"] == "C-02-1-03"  # trimmed and upper-cased
    assert item["zone"] == "Passat"
    assert Decimal(item["unitCost"]) == 30
    assert Decimal(item["onHand"]) == 0 and item["active"]
    assert item["part"]["name"] == "Wiper blade"
    audit = await db.fetchrow(
        "select * from audit_entry where action = 'stock_item.start' and actor_user_id = $1",
        shop.users["keeper"],
    )
    assert audit is not None and json.loads(audit["after"])["bin_location"] == "C-02-1-03"

    again = await refused(client, START, {"input": {"partId": gid("Part", wiper)}}, keeper)
    assert (again["code"], again["rule"]) == ("BAD_USER_INPUT", "already_stocked")


async def test_starting_refuses_bad_bins_taken_bins_superseded_and_foreign_parts(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    bulb = await add_part(db, shop.manufacturer_id, "Bulb H7", "20")
    part = gid("Part", bulb)

    for bad in ("A01", "A-01-3", "A-01-3-04-1", "A_01-3-04", "仓-01-3-04"):
        bad_bin = await refused(client, START, {"input": {"partId": part, "binLocation": bad}},
                                keeper)  # fmt: skip
        assert (bad_bin["code"], bad_bin["rule"], bad_bin["field"]) == (
            "BAD_USER_INPUT",
            "bin_format",
            "binLocation",
        ), bad

    filter_number = await db.fetchval("select part_number from part where id = $1",
                                      shop.parts["filter"])  # fmt: skip
    taken = await refused(client, START, {"input": {"partId": part, "binLocation": "a-01-1-01"}},
                          keeper)  # fmt: skip
    assert taken["rule"] == "bin_taken" and taken["heldBy"] == filter_number

    pad_number = await db.fetchval("select part_number from part where id = $1", shop.parts["pad"])
    old = await add_part(
        db, shop.manufacturer_id, "Pad (older)", "1", superseded_by=shop.parts["old_pad"]
    )
    superseded = await refused(client, START, {"input": {"partId": gid("Part", old)}}, keeper)
    assert superseded["rule"] == "part_superseded"
    assert superseded["successor"] != pad_number  # the direct successor is named

    other_make = await make_manufacturer(db)
    foreign = await add_part(db, other_make, "Foreign part", "10")
    not_ours = await refused(client, START, {"input": {"partId": gid("Part", foreign)}}, keeper)
    assert not_ours["code"] == "NOT_FOUND"
    assert await db.fetchval("select count(*) from stock_item where part_id = any($1::bigint[])",
                             [bulb, old, foreign]) == 0  # fmt: skip


async def test_a_part_given_up_is_stocked_again_on_its_old_item(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    await db.execute("update stock_item set active = false where id = $1", shop.items["oil"])
    data = await ok(client, START, {"input": {"partId": gid("Part", shop.parts["oil"]),
                                              "zone": "ALL"}}, keeper)  # fmt: skip
    item = data["startStocking"]
    assert item["id"] == gid("StockItem", shop.items["oil"])
    assert item["active"] and item["binLocation"] == "B-01-1-01" and item["zone"] == "ALL"
    assert Decimal(item["onHand"]) == 40


async def test_bin_zone_and_cost_change_with_one_part_per_bin(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    keeper = await sign_in("keeper")
    item = gid("StockItem", shop.items["oil"])
    data = await ok(client, SETTINGS, {"input": {"stockItemId": item, "binLocation": "b-09-2-01",
                                                 "zone": "Passat", "unitCost": "36.5"}},
                    keeper)  # fmt: skip
    changed = data["updateStockItemSettings"]
    assert (changed["binLocation"], changed["zone"], Decimal(changed["unitCost"])) == (
        "B-09-2-01",
        "Passat",
        Decimal("36.50"),
    )
    entry = await db.fetchrow(
        "select before, after from audit_entry where action = 'stock_item.settings'"
        " and object_id = $1",
        str(shop.items["oil"]),
    )
    assert json.loads(entry["before"])["bin_location"] == "B-01-1-01"
    assert json.loads(entry["after"])["bin_location"] == "B-09-2-01"

    # Keeping one's own bin is no conflict; taking another part's is.
    same = await ok(client, SETTINGS, {"input": {"stockItemId": item, "binLocation": "B-09-2-01"}},
                    keeper)  # fmt: skip
    assert same["updateStockItemSettings"]["binLocation"] == "B-09-2-01"
    taken = await refused(client, SETTINGS, {"input": {"stockItemId": item,
                                                      "binLocation": "A-02-3-04"}},
                          keeper)  # fmt: skip
    assert taken["rule"] == "bin_taken"
    negative = await refused(client, SETTINGS, {"input": {"stockItemId": item, "unitCost": "-1"}},
                             keeper)  # fmt: skip
    assert negative["rule"] == "cost_not_negative"
    # The unique index stands behind the check, even for writes that skip it.
    try:
        await db.execute("update stock_item set bin_location = 'A-01-1-01' where id = $1",
                         shop.items["pad"])  # fmt: skip
        raise AssertionError("two parts in one bin")
    except asyncpg.UniqueViolationError:
        pass


async def test_quotas_are_the_parts_managers(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    manager = await sign_in("parts_manager")
    keeper = await sign_in("keeper")
    item = gid("StockItem", shop.items["filter"])
    quota = {"stockItemId": item, "minQty": "6", "maxQty": "24", "reorderMultiple": "6",
             "leadTimeDays": 3}  # fmt: skip
    data = await ok(client, QUOTA, {"input": quota}, manager)
    set_ = data["setStockQuota"]
    assert (Decimal(set_["minQty"]), Decimal(set_["maxQty"]), Decimal(set_["reorderMultiple"]),
            set_["leadTimeDays"]) == (6, 24, 6, 3)  # fmt: skip
    assert (
        await db.fetchval(
            "select count(*) from audit_entry where action = 'stock_item.quota' and object_id = $1",
            str(shop.items["filter"]),
        )
        == 1
    )

    denied = await refused(client, QUOTA, {"input": quota}, keeper)
    assert (denied["code"], denied["permission"]) == ("FORBIDDEN", "parts_stock:set_quota")
    for change, rule in (
        ({"maxQty": "5"}, "max_at_least_min"),
        ({"minQty": "-1"}, "min_not_negative"),
        ({"reorderMultiple": "0"}, "multiple_positive"),
        ({"leadTimeDays": -2}, "lead_time_range"),
    ):
        bad = await refused(client, QUOTA, {"input": {**quota, **change}}, manager)
        assert (bad["code"], bad["rule"]) == ("BAD_USER_INPUT", rule)
    technician = await sign_in("technician")
    no_catalog = await refused(client, SETTINGS, {"input": {"stockItemId": item, "zone": "X"}},
                               technician)  # fmt: skip
    assert no_catalog["permission"] == "parts_catalog:update"


async def test_another_dealers_item_cannot_be_changed(
    client: httpx.AsyncClient, api_parts_shop: PartsShop, sign_in: SignIn, db: asyncpg.Connection
) -> None:
    shop = api_parts_shop
    manager = await sign_in("parts_manager")
    peer_item = gid("StockItem", shop.peer_items["pad"])
    for document, fields in (
        (SETTINGS, {"zone": "mine now"}),
        (QUOTA, {"minQty": "0", "maxQty": "1"}),
    ):
        hidden = await refused(client, document, {"input": {"stockItemId": peer_item, **fields}},
                               manager)  # fmt: skip
        assert hidden["code"] == "NOT_FOUND"
    row = await db.fetchrow("select zone, max_qty from stock_item where id = $1",
                            shop.peer_items["pad"])  # fmt: skip
    assert (row["zone"], row["max_qty"]) == ("", Decimal(6))
