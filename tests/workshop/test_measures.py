"""Service measures on a hand-computed period (1-3 March 2030, Shanghai time).

Orders (local open time):            per day 1 Mar: O1 O2 | 2 Mar: O3 | 3 Mar: O6 O8
  O1 appt A1, delivered 1 Mar, no rework, labour X 1.5h + Y 2h (+ Z declined)
  O2 walk-in, delivered 2 Mar, rework 1, labour X 1h (nobody clocked: all to T2)
  O3 appt A2, delivered 2 Mar, labour W 0.5h x 2; comeback O5 (W) on 20 Mar
  O4 cancelled 3 Mar; O6 3 Mar (V1, other operation); O8 3 Mar 23:30 (= 15:30 UTC)
  O9 4 Mar 00:30 local (still 3 Mar in UTC): outside; O7 V1 op X 35 days later: no comeback
Clocks: X(O1) T1 1h T2 0.5h; Y(O1) T1 2h; W(O3) T1 1.5h; T1 1h on 28 Feb; T2 open on O6.
Shifts: T1 8h 1 Mar + 8h 2 Mar, T2 6h 1 Mar.

orders 5, from appointments 2 -> share 0.4; sold 1.5+2+1+1 = 5.5
billed T1 = 1.5*2/3 + 2 + 1 = 4.0, T2 = 1.5/3 + 1 = 1.5 -> 5.5; clocked T1 4.5, T2 0.5 -> 5.0
efficiency 5.5/5 = 1.1; productivity 5/22 = 0.2273; T1 0.8889 / 0.2813; T2 3.0 / 0.0833
show rate: arrived A1 A2, no-show A3 (A4 cancelled, A5 booked, A6 outside) -> 2/3
first-time fix: O1 only of O1 O2 O3 -> 1/3; promised kept: O1 yes, O2 no (O3 none) -> 1/2
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal

import asyncpg
import httpx

from tests.api.graphql_client import error_codes, gql
from tests.service_orders.factories_orders import make_customer
from tests.workshop.factories_workshop import Workshop, make_operation

Headers = dict[str, str]
SignIn = Callable[[str], Awaitable[Headers]]

MEASURES = """
query($from: Date!, $to: Date!) { serviceMeasures(from: $from, to: $to) {
  from to orders ordersPerDay { day orders } labourHoursSold billedHours clockedHours
  availableHours efficiency productivity appointmentShare showRate firstTimeFixRate
  promisedTimeKept delivered
  technicians { technician { username } billedHours clockedHours availableHours
                efficiency productivity }
} }
"""


def at(text: str) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime.fromisoformat(f"{text}+08:00")


class Arranger:
    def __init__(self, db: asyncpg.Connection, shop: Workshop) -> None:
        self.db = db
        self.shop = shop
        self.n = 0

    async def appointment(self, day: str, status: str, vehicle: tuple[int, int]) -> int:
        return await self.db.fetchval(
            "insert into appointment (dealer_id, customer_id, vehicle_id, starts_at, work_date,"
            " status) values ($1, $2, $3, $4, $5::date, $6) returning id",
            self.shop.dealer_id,
            vehicle[0],
            vehicle[1],
            at(f"{day} 09:00"),
            datetime.fromisoformat(day).date(),
            status,
        )

    async def order(
        self,
        vehicle: tuple[int, int],
        opened: str,
        status: str = "delivered",
        *,
        appointment: int | None = None,
        delivered: str | None = None,
        ready: str | None = None,
        promised: str | None = None,
        rework: int = 0,
        dealer_id: int | None = None,
    ) -> int:
        self.n += 1
        dealer = dealer_id or self.shop.dealer_id
        advisor = self.shop.users["other_advisor" if dealer_id else "advisor"]
        return await self.db.fetchval(
            "insert into repair_order (dealer_id, number, customer_id, vehicle_id,"
            " appointment_id, advisor_user_id, status, opened_at, delivered_at, ready_at,"
            " promised_at, rework_count) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,"
            " $11, $12) returning id",
            dealer,
            f"M-{self.n}",
            vehicle[0],
            vehicle[1],
            appointment,
            advisor,
            status,
            at(opened),
            at(delivered) if delivered else None,
            at(ready) if ready else None,
            at(promised) if promised else None,
            rework,
        )

    async def labour(
        self,
        order: int,
        operation: int,
        hours: str,
        *,
        quantity: int = 1,
        status: str = "approved",
        done: str | None = None,
        technician: int | None = None,
        dealer_id: int | None = None,
    ) -> int:
        return await self.db.fetchval(
            "insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id,"
            " hours, quantity, unit_price, status, job_status, done_at, technician_user_id)"
            " values ($1, $2, 'labour', $3, $4, $5, 200, $6, $7, $8, $9) returning id",
            dealer_id or self.shop.dealer_id,
            order,
            operation,
            Decimal(hours),
            quantity,
            status,
            "done" if done else "pending",
            at(done) if done else None,
            technician,
        )

    async def clock(self, line: int, technician: int, start: str, end: str | None) -> None:
        await self.db.execute(
            "insert into job_clock (dealer_id, line_id, technician_user_id, started_at,"
            " ended_at) values ($1, $2, $3, $4, $5)",
            self.shop.dealer_id,
            line,
            technician,
            at(start),
            at(end) if end else None,
        )

    async def shift(self, technician: int, day: str, hours: int) -> None:
        await self.db.execute(
            "insert into technician_shift (dealer_id, user_id, work_date, hours)"
            " values ($1, $2, $3::date, $4)",
            self.shop.dealer_id,
            technician,
            datetime.fromisoformat(day).date(),
            hours,
        )


async def test_measures_match_the_hand_computed_figures(
    client: httpx.AsyncClient, db: asyncpg.Connection, shop: Workshop, sign_in: SignIn
) -> None:
    a = Arranger(db, shop)
    t1, t2 = shop.users["technician"], shop.users["technician2"]
    op_x, op_y, op_z, op_w, op_q = [await make_operation(db, shop) for _ in range(5)]
    v1 = (shop.customer_id, shop.vehicle_id)
    v2 = await make_customer(db, shop.dealer_id, "Zhao Min")
    v3 = await make_customer(db, shop.dealer_id, "Sun Li")

    a1 = await a.appointment("2030-03-01", "arrived", v1)
    a2 = await a.appointment("2030-03-02", "arrived", v3)
    await a.appointment("2030-03-02", "no_show", v2)
    await a.appointment("2030-03-03", "cancelled", v2)
    await a.appointment("2030-03-03", "booked", v2)
    await a.appointment("2030-03-10", "no_show", v2)

    o1 = await a.order(
        v1,
        "2030-03-01 10:00",
        appointment=a1,
        ready="2030-03-01 16:00",
        promised="2030-03-01 17:00",
        delivered="2030-03-01 17:30",
    )
    x1 = await a.labour(o1, op_x, "1.5", done="2030-03-01 15:00", technician=t1)
    y1 = await a.labour(o1, op_y, "2", done="2030-03-01 15:30", technician=t1)
    await a.labour(o1, op_z, "1", status="declined")
    o2 = await a.order(
        v2,
        "2030-03-01 11:00",
        ready="2030-03-02 11:00",
        promised="2030-03-01 18:00",
        delivered="2030-03-02 12:00",
        rework=1,
    )
    await a.labour(o2, op_x, "1", done="2030-03-02 10:00", technician=t2)
    o3 = await a.order(
        v3,
        "2030-03-02 09:00",
        appointment=a2,
        ready="2030-03-02 17:00",
        delivered="2030-03-02 18:00",
    )
    w3 = await a.labour(o3, op_w, "0.5", quantity=2, done="2030-03-02 16:00", technician=t1)
    await a.order(v2, "2030-03-03 08:00", "cancelled")
    o5 = await a.order(v3, "2030-03-20 09:00", "in_progress")
    await a.labour(o5, op_w, "0.5")
    o6 = await a.order(v1, "2030-03-03 09:00", "in_progress")
    q6 = await a.labour(o6, op_q, "1", technician=t2)
    o7 = await a.order(v1, "2030-04-05 09:00", "open")
    await a.labour(o7, op_x, "1.5", status="proposed")
    await a.order(v2, "2030-03-03 23:30", "open")
    await a.order(v2, "2030-03-04 00:30", "open")
    other = await a.order(
        (shop.other_customer_id, shop.other_vehicle_id),
        "2030-03-02 10:00",
        appointment=None,
        delivered="2030-03-02 15:00",
        dealer_id=shop.other_dealer_id,
    )
    await a.labour(other, op_x, "9", dealer_id=shop.other_dealer_id)

    await a.clock(x1, t1, "2030-03-01 12:00", "2030-03-01 13:00")
    await a.clock(x1, t2, "2030-03-01 13:00", "2030-03-01 13:30")
    await a.clock(y1, t1, "2030-03-01 13:30", "2030-03-01 15:30")
    await a.clock(w3, t1, "2030-03-02 14:00", "2030-03-02 15:30")
    await a.clock(w3, t1, "2030-02-28 14:00", "2030-02-28 15:00")
    await a.clock(q6, t2, "2030-03-03 10:00", None)
    await a.shift(t1, "2030-03-01", 8)
    await a.shift(t1, "2030-03-02", 8)
    await a.shift(t2, "2030-03-01", 6)

    body = await gql(
        client, MEASURES, {"from": "2030-03-01", "to": "2030-03-03"}, await sign_in("manager")
    )
    assert not body.get("errors"), body
    m = body["data"]["serviceMeasures"]
    technicians = {t["technician"]["username"]: t for t in m.pop("technicians")}
    assert m == {
        "from": "2030-03-01",
        "to": "2030-03-03",
        "orders": 5,
        "ordersPerDay": [
            {"day": "2030-03-01", "orders": 2},
            {"day": "2030-03-02", "orders": 1},
            {"day": "2030-03-03", "orders": 2},
        ],
        "labourHoursSold": "5.50",
        "billedHours": "5.50",
        "clockedHours": "5.00",
        "availableHours": "22.00",
        "efficiency": "1.1000",
        "productivity": "0.2273",
        "appointmentShare": "0.4000",
        "showRate": "0.6667",
        "firstTimeFixRate": "0.3333",
        "promisedTimeKept": "0.5000",
        "delivered": 3,
    }
    assert technicians == {
        shop.usernames["technician"]: {
            "technician": {"username": shop.usernames["technician"]},
            "billedHours": "4.00",
            "clockedHours": "4.50",
            "availableHours": "16.00",
            "efficiency": "0.8889",
            "productivity": "0.2813",
        },
        shop.usernames["technician2"]: {
            "technician": {"username": shop.usernames["technician2"]},
            "billedHours": "1.50",
            "clockedHours": "0.50",
            "availableHours": "6.00",
            "efficiency": "3.0000",
            "productivity": "0.0833",
        },
    }


async def test_empty_period_has_no_ratios_and_needs_kpi_read(
    client: httpx.AsyncClient, shop: Workshop, sign_in: SignIn
) -> None:
    body = await gql(
        client, MEASURES, {"from": "2030-01-01", "to": "2030-01-02"}, await sign_in("manager")
    )
    assert not body.get("errors"), body
    m = body["data"]["serviceMeasures"]
    assert m["orders"] == 0 and m["ordersPerDay"] == [
        {"day": "2030-01-01", "orders": 0},
        {"day": "2030-01-02", "orders": 0},
    ]
    for ratio in (
        "efficiency",
        "productivity",
        "appointmentShare",
        "showRate",
        "firstTimeFixRate",
        "promisedTimeKept",
    ):
        assert m[ratio] is None, ratio

    body = await gql(
        client, MEASURES, {"from": "2030-01-02", "to": "2030-01-01"}, await sign_in("manager")
    )
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "to"}
    body = await gql(
        client, MEASURES, {"from": "2030-01-01", "to": "2030-01-02"}, await sign_in("technician")
    )
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["extensions"]["permission"] == "kpi:read"
