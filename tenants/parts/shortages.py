"""Plans from shortages (缺件信息 -> 订货计划): what the dealer must order now.

For each part, its inventory position is on hand - reserved + on order (approved and
ordered purchase orders not yet received) + planned (lines of plans not yet approved,
so running it twice plans nothing twice). A part is short when its position is below
its minimum (储备下限), which includes every part whose active reservations exceed what
is on the shelf and coming. It is ordered up to its maximum, rounded up to its reorder
multiple. A superseded number is short together with its successor: their stock and
reservations count as one (the new number serves the old one's reservations) and the
successor is what gets ordered. Parts whose reservations exceed stock and supply are
emergencies (the fast channel); the plan makes one draft per supplier and urgency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import asyncpg

from tenants.database import ActiveTransaction
from tenants.parts.purchase_orders import (
    CreatedOrder,
    OrderLine,
    create_purchase_order,
    stock_items_for_parts,
)

SHORTAGES_SQL = """
with recursive
reserved as (
  select stock_item_id, sum(quantity) as qty from stock_reservation
   where dealer_id = $1 and status = 'active' group by stock_item_id
),
on_order as (
  select stock_item_id, on_order as qty from stock_on_order where dealer_id = $1
),
planned as (
  select l.stock_item_id, sum(l.quantity) as qty
    from purchase_order_line l
    join purchase_order o on o.dealer_id = l.dealer_id and o.id = l.purchase_order_id
   where l.dealer_id = $1 and o.status in ('draft', 'submitted', 'reviewed')
   group by l.stock_item_id
),
pos as (
  select s.part_id, pt.superseded_by, s.on_hand, coalesce(r.qty, 0) as reserved,
         coalesce(oo.qty, 0) as on_order, coalesce(pl.qty, 0) as planned
    from stock_item s
    join part pt on pt.id = s.part_id
    left join reserved r on r.stock_item_id = s.id
    left join on_order oo on oo.stock_item_id = s.id
    left join planned pl on pl.stock_item_id = s.id
   where s.dealer_id = $1 and s.active
),
chain (part_id, final_id, depth) as (
  select part_id, superseded_by, 1 from pos where superseded_by is not null
  union all
  select c.part_id, p.superseded_by, c.depth + 1
    from chain c join part p on p.id = c.final_id
   where p.superseded_by is not null and c.depth < 20
),
final as (
  select distinct on (part_id) part_id, final_id from chain order by part_id, depth desc
),
family as (
  select coalesce(f.final_id, p.part_id) as part_id,
         sum(p.on_hand) as on_hand, sum(p.reserved) as reserved,
         sum(p.on_order) as on_order, sum(p.planned) as planned,
         coalesce(array_agg(p.part_id order by p.part_id) filter (where f.final_id is not null),
                  '{}') as replaces
    from pos p left join final f on f.part_id = p.part_id
   group by 1
),
short as (
  select fam.*, t.id as stock_item_id, t.supplier_id,
         coalesce(t.min_qty, 0) as min_qty, coalesce(t.max_qty, 0) as max_qty,
         coalesce(t.reorder_multiple, 1) as reorder_multiple,
         fam.on_hand - fam.reserved + fam.on_order + fam.planned as position
    from family fam
    left join stock_item t on t.dealer_id = $1 and t.part_id = fam.part_id
)
select part_id, stock_item_id, supplier_id, min_qty, max_qty, reorder_multiple,
       on_hand, reserved, on_order, planned, position, replaces,
       reserved > on_hand + on_order + planned as emergency,
       ceil((max_qty - position) / reorder_multiple) * reorder_multiple as quantity
  from short
 where position < min_qty
 order by part_id
"""


@dataclass(frozen=True)
class Shortage:
    """One part to order, with the numbers behind the quantity."""

    part_id: int
    stock_item_id: int | None
    """None: the dealer has no stock item for it yet (a successor never stocked)."""
    supplier_id: int | None
    min_qty: Decimal
    max_qty: Decimal
    reorder_multiple: Decimal
    on_hand: Decimal
    reserved: Decimal
    on_order: Decimal
    planned: Decimal
    position: Decimal
    quantity: Decimal
    emergency: bool
    replaces: tuple[int, ...]
    """Superseded part ids whose stock and reservations count in this one."""

    @property
    def urgency(self) -> str:
        return "emergency" if self.emergency else "regular"


async def shortages(connection: asyncpg.Connection, dealer_id: int) -> list[Shortage]:
    rows = await connection.fetch(SHORTAGES_SQL, dealer_id)
    return [
        Shortage(
            part_id=r["part_id"],
            stock_item_id=r["stock_item_id"],
            supplier_id=r["supplier_id"],
            min_qty=r["min_qty"],
            max_qty=r["max_qty"],
            reorder_multiple=r["reorder_multiple"],
            on_hand=r["on_hand"],
            reserved=r["reserved"],
            on_order=r["on_order"],
            planned=r["planned"],
            position=r["position"],
            quantity=r["quantity"],
            emergency=r["emergency"],
            replaces=tuple(r["replaces"]),
        )
        for r in rows
    ]


async def plan_from_shortages(
    tx: ActiveTransaction, dealer_id: int, *, request_id: str = ""
) -> list[CreatedOrder]:
    """Draft one plan per supplier and urgency with every short part; none when nothing
    is short. Serialised per dealer, so two planners pressing at once plan once."""
    connection = tx.connection
    await connection.execute(
        "select pg_advisory_xact_lock(hashtext('dealernet.shortage_plan'), $1::int)", dealer_id
    )
    found = await shortages(connection, dealer_id)
    missing = [s.part_id for s in found if s.stock_item_id is None]
    if missing:
        # A successor the dealer never stocked: give it an item, then count again.
        await stock_items_for_parts(connection, dealer_id, missing)
        found = await shortages(connection, dealer_id)
    groups: dict[tuple[int | None, str], list[OrderLine]] = {}
    for shortage in found:
        assert shortage.stock_item_id is not None
        line = OrderLine(shortage.stock_item_id, shortage.quantity)
        groups.setdefault((shortage.supplier_id, shortage.urgency), []).append(line)
    created = []
    for (supplier_id, urgency), lines in sorted(
        groups.items(), key=lambda g: (g[0][1] != "emergency", g[0][0] or 0)
    ):
        created.append(
            await create_purchase_order(
                tx,
                dealer_id,
                lines,
                supplier_id=supplier_id,
                urgency="emergency" if urgency == "emergency" else "regular",
                source="shortage",
                note="From shortages",
                request_id=request_id,
            )
        )
    return created
