"""Today's open parts work at each demo dealer, so every parts screen has something to do:
purchase orders in every state (a draft plan, one awaiting review, one approved, an
emergency order on its way for a missing part, one partly delivered), repair orders in
the workshop with parts requests at each step (asked, countersigned, issued, and one
whose part is not on the shelf), a monthly count being counted, a write-off with one of
its three signatures, and a transfer request to a dealer of the same region.

Written once per dealer, right after its history (``demo.seed_parts_demo`` decides);
stock moves go through the ledger trigger like any real movement.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import asyncpg

from tenants.network.demo import Counts
from tenants.parts.ledger import fifo_unit_cost
from tenants.parts.numbering import DocumentKind, next_document_number
from tenants.service.orders.numbering import next_order_number

TRANSFERS: tuple[tuple[str, str, str], ...] = (
    ("SH01", "SH02", "HX3501075"),  # SH01 has no front brake discs (the service demo)
    ("GZ01", "SZ01", "HX3703100"),  # GZ01 has no batteries
)
"""(requesting dealer, giving dealer of the same region, part number)."""


class _Dealer:
    """Who does what at one dealer, and its numbering."""

    def __init__(self, connection: asyncpg.Connection, dealer_id: int) -> None:
        self.connection = connection
        self.id = dealer_id
        self.people: dict[str, int] = {}
        self.written = Counts()

    async def load(self) -> bool:
        rows = await self.connection.fetch(
            "select r.role, min(m.user_id) as user_id from membership m"
            " cross join unnest(m.roles) as r(role)"
            " where m.dealer_id = $1 and m.active group by r.role",
            self.id,
        )
        self.people = {r["role"]: r["user_id"] for r in rows}
        wanted = ("parts_planner", "parts_manager", "service_manager", "warehouse_keeper",
                  "service_advisor", "technician")  # fmt: skip
        return all(role in self.people for role in wanted)

    def who(self, role: str) -> int:
        return self.people[role]

    async def number(self, kind: DocumentKind) -> str:
        return await next_document_number(self.connection, self.id, kind)

    async def items(self, sql: str, limit: int) -> list[asyncpg.Record]:
        """Stock items chosen by a condition on ``s`` (stock_item) and ``p`` (part)."""
        return list(
            await self.connection.fetch(
                "select s.id, s.part_id, s.on_hand, s.min_qty, s.max_qty, s.unit_cost,"
                " s.reorder_multiple, p.list_price, p.part_number, p.name_zh"
                " from stock_item s join part p on p.id = s.part_id"
                f" where s.dealer_id = $1 and s.active and ({sql})"
                " order by s.on_hand < s.min_qty desc, p.part_number limit $2",
                self.id,
                limit,
            )
        )


async def _order(
    d: _Dealer,
    status: str,
    urgency: str,
    source: str,
    lines: Sequence[tuple[asyncpg.Record, Decimal]],
    note: str,
    *,
    supplier: str | None = None,
) -> int:
    """A purchase order that went as far as ``status`` today, with its events."""
    steps = ["draft", "submitted", "reviewed", "approved", "ordered"]
    reached = steps.index(status) if status in steps else len(steps) - 1
    actors = {
        "submitted": d.who("parts_planner"),
        "reviewed": d.who("parts_manager"),
        "approved": d.who("service_manager"),
        "ordered": d.who("parts_planner"),
    }
    at = {s: -(len(steps) - n) * 40 for n, s in enumerate(steps)}
    """Minutes from now at which each step happened."""
    order_id: int = await d.connection.fetchval(
        """
        insert into purchase_order (dealer_id, number, supplier_id, urgency, source, status, note,
          expected_on, created_by, created_at, submitted_by, submitted_at, reviewed_by,
          reviewed_at, approved_by, approved_at, ordered_by, ordered_at)
        select $1, $2, (select id from supplier where dealer_id = $1 and name = $3), $4, $5, $6,
               $7, case when $4 = 'emergency' then current_date + 1 else current_date + 7 end,
               $8, now() + make_interval(mins => $9),
               case when $10 >= 1 then $8::bigint end,
               case when $10 >= 1 then now() + make_interval(mins => $11) end,
               case when $10 >= 2 then $12::bigint end,
               case when $10 >= 2 then now() + make_interval(mins => $13) end,
               case when $10 >= 3 then $14::bigint end,
               case when $10 >= 3 then now() + make_interval(mins => $15) end,
               case when $10 >= 4 then $8::bigint end,
               case when $10 >= 4 then now() + make_interval(mins => $16) end
        returning id
        """,
        d.id,
        await d.number("PO"),
        supplier,
        urgency,
        source,
        status,
        note,
        d.who("parts_planner"),
        at["draft"],
        reached,
        at["submitted"],
        actors["reviewed"],
        at["reviewed"],
        actors["approved"],
        at["approved"],
        at["ordered"],
    )
    await d.connection.executemany(
        "insert into purchase_order_line (dealer_id, purchase_order_id, stock_item_id, quantity,"
        " unit_price) values ($1, $2, $3, $4, $5)",
        [(d.id, order_id, item["id"], qty, item["unit_cost"]) for item, qty in lines],
    )
    events: list[tuple[str | None, str, int, int]] = [
        (None, "draft", d.who("parts_planner"), at["draft"])
    ]
    for n in range(1, reached + 1):
        events.append((steps[n - 1], steps[n], actors[steps[n]], at[steps[n]]))
    await d.connection.executemany(
        "insert into purchase_order_event (dealer_id, purchase_order_id, from_status, to_status,"
        " actor_user_id, at) values ($1, $2, $3, $4, $5, now() + make_interval(mins => $6))",
        [(d.id, order_id, *event) for event in events],
    )
    d.written.added += 1 + len(lines) + len(events)
    return order_id


def _quantity(item: asyncpg.Record) -> Decimal:
    """Up to max, in whole multiples, at least one multiple."""
    multiple = Decimal(item["reorder_multiple"])
    missing = max(Decimal(item["max_qty"]) - Decimal(item["on_hand"]), multiple)
    return (missing / multiple).to_integral_value(rounding="ROUND_CEILING") * multiple


async def _purchasing(d: _Dealer, missing: asyncpg.Record | None) -> None:
    below = await d.items("s.on_hand < s.min_qty and s.max_qty > 0", 9)
    if len(below) < 9:
        below += await d.items("s.max_qty > 0 and s.on_hand >= s.min_qty", 9 - len(below))
    plans = [below[0:3], below[3:5], below[5:7], below[7:9]]
    await _order(d, "draft", "regular", "suggestions", [(i, _quantity(i)) for i in plans[0]],
                 "本周订货计划（草稿）/ this week's plan, draft")  # fmt: skip
    await _order(d, "submitted", "regular", "shortage", [(i, _quantity(i)) for i in plans[1]],
                 "缺件补货，待配件经理审核 / shortages, awaiting review")  # fmt: skip
    await _order(d, "approved", "regular", "manual", [(i, _quantity(i)) for i in plans[2]],
                 "已批准，待下单 / approved, to be sent")  # fmt: skip
    # An emergency order on its way: for the part a repair order waits for, if any.
    urgent = missing if missing is not None else below[0]
    await _order(
        d,
        "ordered",
        "emergency",
        "shortage",
        [(urgent, Decimal(urgent["reorder_multiple"]))],
        "紧急订货：维修工单缺件 / emergency order for a repair order",
    )
    # Partly delivered: the first line came in full this morning, the second half of it.
    lines = [(i, _quantity(i)) for i in plans[3]]
    if len(lines) < 2:
        return
    order_id = await _order(d, "ordered", "regular", "suggestions", lines,
                            "分批到货 / delivered in parts")  # fmt: skip
    await d.connection.execute(
        "update purchase_order set status = 'partially_received' where id = $1", order_id
    )
    receipt_id: int = await d.connection.fetchval(
        "insert into parts_receipt (dealer_id, number, purchase_order_id, delivery_note, status,"
        " shipping_list_checked_by, shipping_list_checked_at, received_by, received_at, posted_by,"
        " posted_at) values ($1, $2, $3, 'HXPC-DEMO-1', 'posted', $4,"
        " now() - interval '50 minutes', $5, now() - interval '45 minutes', $5,"
        " now() - interval '30 minutes') returning id",
        d.id,
        await d.number("GR"),
        order_id,
        d.who("parts_planner"),
        d.who("warehouse_keeper"),
    )
    for n, (item, ordered) in enumerate(lines):
        received = ordered if n == 0 else (ordered / 2).to_integral_value(rounding="ROUND_FLOOR")
        if received <= 0:
            continue
        line_id = await d.connection.fetchval(
            "update purchase_order_line set received_qty = $3"
            " where dealer_id = $1 and purchase_order_id = $2 and stock_item_id = $4 returning id",
            d.id,
            order_id,
            received,
            item["id"],
        )
        movement = await d.connection.fetchval(
            "insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,"
            " document_type, document_id, created_by, created_at)"
            " values ($1, $2, 'receipt', $3, $4, 'parts_receipt', $5, $6,"
            " now() - interval '30 minutes') returning id",
            d.id,
            item["id"],
            received,
            item["unit_cost"],
            receipt_id,
            d.who("warehouse_keeper"),
        )
        await d.connection.execute(
            "insert into parts_receipt_line (dealer_id, receipt_id, purchase_order_line_id,"
            " stock_item_id, shipped_qty, counted_qty, accepted_qty, unit_cost, movement_id,"
            " counted_by, counted_at) values ($1, $2, $3, $4, $5, $5, $5, $6, $7, $8,"
            " now() - interval '40 minutes')",
            d.id,
            receipt_id,
            line_id,
            item["id"],
            received,
            item["unit_cost"],
            movement,
            d.who("warehouse_keeper"),
        )
        d.written.added += 2
    d.written.added += 1


async def _workshop(d: _Dealer) -> asyncpg.Record | None:
    """Two orders in the workshop with requests at each step; returns the stock item the
    second order is waiting for (not on the shelf), if there is one."""
    customers = await d.connection.fetch(
        "select c.id as customer_id, v.id as vehicle_id from customer c"
        " join vehicle v on v.dealer_id = c.dealer_id and v.customer_id = c.id"
        " where c.dealer_id = $1 and c.phone like '1390_000%' order by c.phone desc limit 2",
        d.id,
    )
    on_shelf = await d.items(
        "s.on_hand >= 4 and p.part_group in ('filters', 'fluids', 'brakes')", 3
    )
    missing = await d.items("s.on_hand = 0 and s.max_qty > 0", 1)
    if len(customers) < 2 or len(on_shelf) < 3:
        return None
    plan = [
        (0, on_shelf[0], Decimal(1), "issued"),
        (0, on_shelf[1], Decimal(4) if on_shelf[1]["on_hand"] >= 4 else Decimal(1), "signed"),
        (1, on_shelf[2], Decimal(1), "requested"),
    ]
    if missing:
        plan.append((1, missing[0], Decimal(1), "requested"))
    orders = []
    for n, row in enumerate(customers):
        orders.append(
            await d.connection.fetchval(
                "insert into repair_order (dealer_id, number, customer_id, vehicle_id,"
                " advisor_user_id, status, customer_description, opened_at, approved_at,"
                " approved_revision, created_by) values ($1, $2, $3, $4, $5, 'in_progress', $6,"
                " now() - make_interval(hours => $7),"
                " now() - make_interval(hours => $7, mins => -20), 1, $5)"
                " returning id",
                d.id,
                await next_order_number(d.connection, d.id),
                row["customer_id"],
                row["vehicle_id"],
                d.who("service_advisor"),
                "保养及更换刹车片 / service and brake pads" if n else "常规保养 / routine service",
                3 - n,
            )
        )
    for index, item, quantity, status in plan:
        line = await d.connection.fetchval(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, part_id, description,"
            " quantity, unit_price, status, created_by) values ($1, $2, 'part', $3, $4, $5, $6,"
            " 'approved', $7) returning id",
            d.id,
            orders[index],
            item["part_id"],
            item["name_zh"],
            quantity,
            item["list_price"],
            d.who("service_advisor"),
        )
        available = item["on_hand"] >= quantity
        request = await d.connection.fetchval(
            "insert into parts_request (dealer_id, number, repair_order_id, repair_order_line_id,"
            " stock_item_id, quantity, status, available_at_request, requested_by, requested_at,"
            " countersigned_by, countersigned_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9,"
            " now() - interval '90 minutes', $10,"
            " case when $10::bigint is not null then now() - interval '75 minutes' end)"
            " returning id",
            d.id,
            await d.number("PR"),
            orders[index],
            line,
            item["id"],
            quantity,
            status,
            available,
            d.who("technician"),
            d.who("service_advisor") if status != "requested" else None,
        )
        d.written.added += 2
        if status == "issued":
            cost = await fifo_unit_cost(d.connection, d.id, item["id"], quantity)
            movement = await d.connection.fetchval(
                "insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,"
                " document_type, document_id, created_by) values ($1, $2, 'issue', $3, $4,"
                " 'parts_request', $5, $6) returning id",
                d.id,
                item["id"],
                -quantity,
                cost,
                request,
                d.who("warehouse_keeper"),
            )
            await d.connection.execute(
                "update parts_request set issued_by = $2, issued_at = now(),"
                " issue_movement_id = $3, old_part_returned = true,"
                " old_part_disposition = 'hand_over' where id = $1",
                request,
                d.who("warehouse_keeper"),
                movement,
            )
            d.written.added += 1
    d.written.added += len(orders)
    return missing[0] if missing else None


async def _count(d: _Dealer) -> None:
    """This month's count of shelf A, half counted, one difference explained."""
    items = await d.items("s.bin_location like 'W1-A-%' and s.on_hand > 0", 8)
    if not items:
        return
    count_id: int = await d.connection.fetchval(
        "insert into stock_count (dealer_id, number, kind, status, scope_note, bin_prefix,"
        " created_by, created_at) values ($1, $2, 'monthly', 'open', $3, 'W1-A', $4,"
        " now() - interval '2 hours') returning id",
        d.id,
        await d.number("SC"),
        "月度盘点：A架 / monthly count, shelf A",
        d.who("warehouse_keeper"),
    )
    for n, item in enumerate(items):
        counted = None
        cause, responsibility = "", None
        if n < 4:
            counted = item["on_hand"] - (1 if n == 1 else 0)
            if n == 1:
                cause = "领料未及时登记 / an issue not yet booked"
                responsibility = "recording_error"
        await d.connection.execute(
            "insert into stock_count_line (dealer_id, stock_count_id, stock_item_id, expected_qty,"
            " counted_qty, counted_by, counted_at, cause, responsibility)"
            " values ($1, $2, $3, $4, $5, $6,"
            " case when $5::numeric is not null then now() - interval '60 minutes' end, $7, $8)",
            d.id,
            count_id,
            item["id"],
            item["on_hand"],
            counted,
            d.who("warehouse_keeper") if counted is not None else None,
            cause,
            responsibility,
        )
    d.written.added += 1 + len(items)


async def _write_off(d: _Dealer) -> None:
    """A damaged body part: requested by the keeper, signed so far by the parts manager."""
    items = await d.items("p.part_group = 'body' and s.on_hand > 0", 1)
    if not items:
        return
    item = items[0]
    write_off = await d.connection.fetchval(
        "insert into write_off (dealer_id, number, stock_item_id, quantity, reason, description,"
        " cannot_claim, cannot_return, cannot_repair, human_caused, unit_cost, requested_by,"
        " requested_at, warehouse_keeper_id) values ($1, $2, $3, 1, 'damaged', $4, true, true,"
        " true, false, $5, $6, now() - interval '1 day', $6) returning id",
        d.id,
        await d.number("WO"),
        item["id"],
        "货架倒塌压损，运输保险不赔、厂家不退、无法修复 / crushed when a shelf gave way;"
        " not claimable, not returnable, not repairable",
        item["unit_cost"],
        d.who("warehouse_keeper"),
    )
    await d.connection.execute(
        "insert into write_off_signature (dealer_id, write_off_id, capacity, user_id, decision,"
        " note, signed_at) values ($1, $2, 'parts_manager', $3, 'approved', $4,"
        " now() - interval '3 hours')",
        d.id,
        write_off,
        d.who("parts_manager"),
        "已核实 / checked on the shelf",
    )
    d.written.added += 2


async def _transfers(connection: asyncpg.Connection, dealers: Sequence[int]) -> Counts:
    written = Counts()
    codes = {
        r["code"]: r["id"]
        for r in await connection.fetch(
            "select id, code from dealer where id = any($1::bigint[])", list(dealers)
        )
    }
    for wanting, giving, number in TRANSFERS:
        if wanting not in codes or giving not in codes:
            continue
        row = await connection.fetchrow(
            "select p.id as part_id, t.id as item, g.id as source_item, g.on_hand, g.unit_cost"
            " from part p join stock_item t on t.part_id = p.id and t.dealer_id = $1"
            " join stock_item g on g.part_id = p.id and g.dealer_id = $2"
            " where p.part_number = $3",
            codes[wanting],
            codes[giving],
            number,
        )
        if row is None or row["on_hand"] < 1:
            continue
        planner = await connection.fetchval(
            "select min(user_id) from membership where dealer_id = $1 and active"
            " and 'parts_planner' = any(roles)",
            codes[wanting],
        )
        await connection.execute(
            "insert into parts_transfer (dealer_id, source_dealer_id, number, part_id, quantity,"
            " unit_cost, status, note, requested_by, requested_at, stock_item_id,"
            " source_stock_item_id) values ($1, $2, $3, $4, $5, $6, 'requested', $7, $8,"
            " now() - interval '1 hour', $9, $10)",
            codes[wanting],
            codes[giving],
            await next_document_number(connection, codes[wanting], "TR"),
            row["part_id"],
            min(Decimal(2), row["on_hand"]),
            row["unit_cost"],
            "本店缺货，同区调拨 / out of stock here, from a dealer of the region",
            planner,
            row["item"],
            row["source_item"],
        )
        written.added += 1
    return written


async def seed_documents(connection: asyncpg.Connection, dealer_ids: Sequence[int]) -> Counts:
    """Today's open parts work at each of ``dealer_ids`` (dealers just given a history)."""
    written = Counts()
    for dealer_id in dealer_ids:
        d = _Dealer(connection, dealer_id)
        if not await d.load():
            continue
        missing = await _workshop(d)
        await _purchasing(d, missing)
        await _count(d)
        await _write_off(d)
        written += d.written
    written += await _transfers(connection, dealer_ids)
    return written
