"""What PostGraphile needs to answer the board and the stock list like the GraphQL stack,
and the documents it is sent.

PostGraphile exposes tables, their foreign-key relations and SQL functions. Whatever the
stack derives in Python (a board order is late, waits for parts; a job's clocked hours;
an item's reserved, available and on-order quantities) becomes, the PostGraphile way, a
computed column: a ``stable`` SQL function of the row, inlined into PostGraphile's one
statement. The functions below are created in the benchmark database only (the owner,
after the migrations); the application's schema does not change. A smart comment lets
PostGraphile's ``condition`` filter on the unindexed ``stock_item.active``. Each repeats the
stack's own SQL (``tenants/service/board.py``, ``tenants/parts/stock_items.py``).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import asyncpg

FUNCTIONS_SQL = """
create function workshop_board_orders() returns setof repair_order
  language sql stable as $$
  select * from repair_order o where o.status not in ('delivered', 'cancelled')
   order by o.promised_at nulls last, o.id $$;

create function repair_order_late(o repair_order) returns boolean language sql stable as $$
  select o.promised_at is not null and o.promised_at < now()
     and o.status in ('open', 'awaiting_approval', 'approved', 'in_progress', 'work_done') $$;

create function repair_order_waiting_for_parts(o repair_order) returns boolean
  language sql stable as $$
  select exists (select 1 from appointment a join dealer d on d.id = a.dealer_id
                  where a.dealer_id = o.dealer_id and a.id = o.appointment_id
                    and a.parts_expected_on > (now() at time zone d.time_zone)::date)
      or exists (
        select 1 from repair_order_line pl
         where pl.dealer_id = o.dealer_id and pl.repair_order_id = o.id
           and pl.kind = 'part' and pl.status = 'approved'
           and (coalesce((select sum(r.quantity) from stock_reservation r
                           where r.dealer_id = pl.dealer_id and r.repair_order_line_id = pl.id
                             and r.status in ('active', 'issued')), 0) < pl.quantity
                or exists (
                  select 1 from stock_reservation r
                    join stock_level s on s.dealer_id = r.dealer_id
                                      and s.stock_item_id = r.stock_item_id
                   where r.dealer_id = pl.dealer_id and r.repair_order_line_id = pl.id
                     and r.status = 'active' and s.on_hand < s.reserved))) $$;

create function repair_order_board_jobs(o repair_order) returns setof repair_order_line
  language sql stable as $$
  select * from repair_order_line l
   where l.dealer_id = o.dealer_id and l.repair_order_id = o.id and l.kind = 'labour'
     and l.status in ('proposed', 'approved')
   order by l.id $$;

create function repair_order_line_clocked_hours(l repair_order_line) returns numeric
  language sql stable as $$
  select coalesce(round(sum(extract(epoch from coalesce(c.ended_at, now()) - c.started_at))
                        / 3600.0, 2), 0.00)
    from job_clock c where c.dealer_id = l.dealer_id and c.line_id = l.id $$;

create function repair_order_line_clocked_on(l repair_order_line) returns boolean
  language sql stable as $$
  select exists (select 1 from job_clock c
                  where c.dealer_id = l.dealer_id and c.line_id = l.id and c.ended_at is null) $$;

create function stock_item_reserved(s stock_item) returns numeric language sql stable as $$
  select coalesce(sum(r.quantity), 0) from stock_reservation r
   where r.dealer_id = s.dealer_id and r.stock_item_id = s.id and r.status = 'active' $$;

create function stock_item_available(s stock_item) returns numeric language sql stable as $$
  select s.on_hand - stock_item_reserved(s) $$;

create function stock_item_on_order(s stock_item) returns numeric language sql stable as $$
  select coalesce((select o.on_order from stock_on_order o
                    where o.dealer_id = s.dealer_id and o.stock_item_id = s.id), 0) $$;

create function stock_item_below_min(s stock_item) returns boolean language sql stable as $$
  select s.on_hand < s.min_qty $$;

create function stock_item_above_max(s stock_item) returns boolean language sql stable as $$
  select s.max_qty > 0 and s.on_hand > s.max_qty $$;

create function stock_item_no_movement_days(s stock_item) returns integer
  language sql stable as $$
  select case when s.last_movement_at is not null then greatest(floor(
           extract(epoch from now() - s.last_movement_at) / 86400), 0)::int end $$;

comment on column stock_item.active is E'@behavior +attribute:filterBy';

create function stock_zones() returns text[] language sql stable as $$
  select coalesce(array_agg(distinct zone order by zone), '{}') from stock_item
   where active and zone <> '' $$;
"""

BOARD_QUERY = """
query Board { workshopBoardOrders { nodes {
  rowId number status promisedAt late waitingForParts
  customerByDealerIdAndCustomerId { name }
  vehicleByDealerIdAndVehicleId { plate model }
  staffUserByAdvisorUserId { rowId displayName }
  bayByDealerIdAndBayId { code name }
  boardJobs { nodes {
    rowId description hours jobStatus team
    staffUserByTechnicianUserId { rowId displayName }
    clockedHours clockedOn
  } }
} } }
"""
"""The board's document in PostGraphile's terms: the same fields as ``bench.board``."""

STOCK_QUERY = """
query StockItems($dealer: BigInt!, $first: Int) {
  allStockItems(condition: {dealerId: $dealer, active: true},
                orderBy: [BIN_LOCATION_ASC, ROW_ID_ASC], first: $first) {
    nodes {
      rowId binLocation zone minQty maxQty reorderMultiple leadTimeDays unitCost onHand
      reserved available onOrder lastMovementAt active belowMin aboveMax noMovementDays
      partByPartId { rowId partNumber name nameZh unit packSize listPrice }
    }
    pageInfo { hasNextPage endCursor }
  }
  stockZones
}
"""
"""The stock list's first page (``StockItems`` of ``graphql/operations/parts_stock.graphql``)."""


async def install(owner: asyncpg.Connection) -> None:
    await owner.execute(FUNCTIONS_SQL)


def _gid(type_name: str, pk: Any) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _instant(value: str | None) -> str | None:
    """PostGraphile always prints microseconds (``.000000``); Python's ``isoformat`` leaves
    zero microseconds out. The same instant either way."""
    return None if value is None else datetime.fromisoformat(value).isoformat()


def _person(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"id": _gid("StaffUser", row["rowId"]), "displayName": row["displayName"]}


def board_as_stack(body: dict[str, Any]) -> dict[str, Any]:
    """PostGraphile's board in the stack's shape (IDs are the stack's global IDs), for
    the same-answer check."""
    orders = []
    for o in body["data"]["workshopBoardOrders"]["nodes"]:
        orders.append(
            {
                "id": _gid("RepairOrder", o["rowId"]),
                "number": o["number"],
                "status": o["status"].upper(),
                "promisedAt": _instant(o["promisedAt"]),
                "late": o["late"],
                "waitingForParts": o["waitingForParts"],
                "customerName": o["customerByDealerIdAndCustomerId"]["name"],
                "vehicle": o["vehicleByDealerIdAndVehicleId"],
                "advisor": _person(o["staffUserByAdvisorUserId"]),
                "bay": o["bayByDealerIdAndBayId"],
                "jobs": [
                    {
                        "id": _gid("RepairOrderLine", j["rowId"]),
                        "description": j["description"],
                        "hours": j["hours"],
                        "jobStatus": j["jobStatus"].upper(),
                        "team": j["team"],
                        "technician": _person(j["staffUserByTechnicianUserId"]),
                        "clockedHours": j["clockedHours"],
                        "clockedOn": j["clockedOn"],
                    }
                    for j in o["boardJobs"]["nodes"]
                ],
            }
        )
    return {"data": {"workshopBoard": {"orders": orders}}}


def stock_as_stack(body: dict[str, Any]) -> dict[str, Any]:
    """PostGraphile's stock page in the stack's shape; its cursors are its own, so the
    end cursor is left out of the comparison (``bench.stock_list.comparable``)."""
    data = body["data"]
    edges = []
    for s in data["allStockItems"]["nodes"]:
        p = s["partByPartId"]
        node = {k: v for k, v in s.items() if k not in ("rowId", "partByPartId")}
        node["id"] = _gid("StockItem", s["rowId"])
        node["lastMovementAt"] = _instant(s["lastMovementAt"])
        node["part"] = {"id": _gid("Part", p["rowId"])} | {
            k: v for k, v in p.items() if k != "rowId"
        }
        edges.append({"node": node})
    return {
        "data": {
            "stockItems": {"edges": edges, "pageInfo": data["allStockItems"]["pageInfo"]},
            "stockZones": data["stockZones"],
        }
    }
