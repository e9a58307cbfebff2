"""Reception (接待): opening a repair order from an appointment or for a walk-in.

From an appointment the order takes over its customer, vehicle and items (as proposed
labour lines) and keeps its parts reservations by moving them to part lines; the
appointment is marked arrived. A walk-in on a first visit creates the customer and the
vehicle (``tenants.service.customers``). Either way the odometer is recorded as the
mileage in, and the order gets the dealer's next number of the day.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.partners import domain_events
from tenants.service.board_events import publish_board_change
from tenants.service.customers import (
    CustomerFields,
    find_or_create_customer_and_vehicle,
)
from tenants.service.mileage import record_mileage
from tenants.service.vehicles import VehicleFields, get_vehicle

from .errors import OrderNotFound, OrderRuleError
from .events import write_event
from .numbering import next_order_number
from .pricing import labour_rate


@dataclass(frozen=True)
class Opened:
    order_id: int
    number: str
    created_customer: bool = False
    created_vehicle: bool = False


async def _open(
    tx: ActiveTransaction,
    dealer_id: int,
    *,
    customer_id: int,
    vehicle_id: int,
    appointment_id: int | None,
    mileage_in: int,
    description: str,
    request_id: str = "",
) -> Opened:
    connection = tx.connection
    await get_vehicle(connection, dealer_id, vehicle_id, lock=True)
    busy = await connection.fetchval(
        "select number from repair_order where dealer_id = $1 and vehicle_id = $2"
        " and status not in ('delivered', 'cancelled') limit 1",
        dealer_id,
        vehicle_id,
    )
    if busy is not None:
        raise OrderRuleError(
            "one_open_order_per_vehicle",
            f"the vehicle is already in the workshop on order {busy}",
            field="vehicleId",
        )
    number = await next_order_number(connection, dealer_id)
    row = await connection.fetchrow(
        """
        insert into repair_order (dealer_id, number, customer_id, vehicle_id, appointment_id,
                                  advisor_user_id, mileage_in, customer_description,
                                  created_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $6) returning id
        """,
        dealer_id,
        number,
        customer_id,
        vehicle_id,
        appointment_id,
        tx.scope.user_id,
        mileage_in,
        description.strip(),
    )
    assert row is not None
    order_id: int = row["id"]
    await record_mileage(
        tx, dealer_id, vehicle_id, mileage_in, "reception", order_id, request_id=request_id
    )
    await write_event(tx, dealer_id, order_id, None, "open", "reception")
    await domain_events.repair_order_status_changed(tx, dealer_id, order_id, number, None, "open")
    await record(
        dealer_id=dealer_id,
        action="repair_order.open",
        object_type="repair_order",
        object_id=order_id,
        after={
            "number": number,
            "customer_id": customer_id,
            "vehicle_id": vehicle_id,
            "appointment_id": appointment_id,
            "mileage_in": mileage_in,
        },
        request_id=request_id,
    )
    await publish_board_change(dealer_id, order_id)
    return Opened(order_id, number)


async def open_from_appointment(
    tx: ActiveTransaction,
    dealer_id: int,
    appointment_id: int,
    *,
    mileage_in: int,
    description: str = "",
    request_id: str = "",
) -> Opened:
    """Open the order of a booked or confirmed appointment; see the module docstring."""
    connection = tx.connection
    appointment = await connection.fetchrow(
        "select * from appointment where dealer_id = $1 and id = $2 for update",
        dealer_id,
        appointment_id,
    )
    if appointment is None:
        raise OrderNotFound("Appointment")
    if appointment["status"] not in ("booked", "confirmed") or appointment["repair_order_id"]:
        raise OrderRuleError(
            "appointment_not_open",
            f"the appointment is {appointment['status']}; only a booked or confirmed"
            " appointment opens an order",
            field="appointmentId",
        )
    opened = await _open(
        tx,
        dealer_id,
        customer_id=appointment["customer_id"],
        vehicle_id=appointment["vehicle_id"],
        appointment_id=appointment_id,
        mileage_in=mileage_in,
        description=description or appointment["customer_request"],
        request_id=request_id,
    )
    rate = await labour_rate(connection, dealer_id)
    # Items become proposed labour lines at the standard hours (标准工时) of their operation.
    await connection.execute(
        """
        insert into repair_order_line (dealer_id, repair_order_id, kind, operation_id,
                                       description, hours, unit_price, created_by)
        select i.dealer_id, $3, 'labour', i.operation_id,
               coalesce(nullif(i.description, ''), o.name, i.kind),
               coalesce(nullif(i.standard_hours, 0), o.standard_hours, 0), $4, $5
          from appointment_item i left join labour_operation o on o.id = i.operation_id
         where i.dealer_id = $1 and i.appointment_id = $2
         order by i.id
        """,
        dealer_id,
        appointment_id,
        opened.order_id,
        rate,
        tx.scope.user_id,
    )
    # The appointment's reservations move to part lines: the pre-picked parts stay held.
    await connection.execute(
        """
        with held as (
          select r.id as reservation_id, nextval('repair_order_line_id_seq') as line_id,
                 s.part_id, r.quantity, p.list_price, p.name
            from stock_reservation r
            join stock_item s on s.dealer_id = r.dealer_id and s.id = r.stock_item_id
            join part p on p.id = s.part_id
           where r.dealer_id = $1 and r.appointment_id = $2 and r.status = 'active'
             and r.repair_order_line_id is null
        ), lines as (
          insert into repair_order_line (id, dealer_id, repair_order_id, kind, part_id,
                                         description, quantity, unit_price, created_by)
          select line_id, $1, $3, 'part', part_id, name, quantity, list_price, $4 from held
          returning id
        )
        update stock_reservation r set repair_order_line_id = held.line_id
          from held where r.dealer_id = $1 and r.id = held.reservation_id
        """,
        dealer_id,
        appointment_id,
        opened.order_id,
        tx.scope.user_id,
    )
    await connection.execute(
        "update appointment set status = 'arrived', repair_order_id = $3"
        " where dealer_id = $1 and id = $2",
        dealer_id,
        appointment_id,
        opened.order_id,
    )
    await record(
        dealer_id=dealer_id,
        action="appointment.arrive",
        object_type="appointment",
        object_id=appointment_id,
        before={"status": appointment["status"]},
        after={"status": "arrived", "repair_order_id": opened.order_id},
        request_id=request_id,
    )
    return opened


async def open_walk_in(
    tx: ActiveTransaction,
    dealer_id: int,
    *,
    mileage_in: int,
    vehicle_id: int | None = None,
    customer: CustomerFields | None = None,
    vehicle: VehicleFields | None = None,
    description: str = "",
    request_id: str = "",
) -> Opened:
    """A known vehicle by id, or customer and vehicle data (found by VIN or phone, else
    created: the first visit)."""
    created = (False, False)
    if vehicle_id is not None:
        car = await get_vehicle(tx.connection, dealer_id, vehicle_id)
        customer_id = car["customer_id"]
    else:
        if customer is None or vehicle is None:
            raise OrderRuleError(
                "walk_in_needs_vehicle",
                "give a known vehicle or the customer and vehicle of a first visit",
                field="vehicleId",
            )
        visit = await find_or_create_customer_and_vehicle(
            tx, dealer_id, customer=customer, vehicle=vehicle, request_id=request_id
        )
        customer_id, vehicle_id = visit.customer["id"], visit.vehicle["id"]
        created = (visit.created_customer, visit.created_vehicle)
    opened = await _open(
        tx,
        dealer_id,
        customer_id=customer_id,
        vehicle_id=vehicle_id,
        appointment_id=None,
        mileage_in=mileage_in,
        description=description,
        request_id=request_id,
    )
    return Opened(opened.order_id, opened.number, *created)


async def record_diagnosis(
    tx: ActiveTransaction,
    order_id: int,
    *,
    diagnosis: str | None,
    customer_description: str | None,
    request_id: str = "",
) -> None:
    """Inspection and diagnosis (故障检查和诊断): what the customer says and what the advisor
    or technician found, before the work is done."""
    order = await tx.connection.fetchrow(
        "select * from repair_order where id = $1 for update", order_id
    )
    if order is None:
        raise OrderNotFound()
    if order["status"] not in ("open", "awaiting_approval", "approved", "in_progress"):
        raise OrderRuleError(
            "diagnosis_before_work_done", f"the order is {order['status']}; the diagnosis is closed"
        )
    changes = {
        key: value.strip()
        for key, value in (("diagnosis", diagnosis), ("customer_description", customer_description))
        if value is not None
    }
    if not changes:
        return
    sets = ", ".join(f"{key} = ${n}" for n, key in enumerate(changes, 2))
    await tx.connection.execute(
        f"update repair_order set {sets} where id = $1", order_id, *changes.values()
    )
    await record(
        dealer_id=order["dealer_id"],
        action="repair_order.diagnosis",
        object_type="repair_order",
        object_id=order_id,
        before={key: order[key] for key in changes},
        after=changes,
        request_id=request_id,
    )
    await publish_board_change(order["dealer_id"], order_id)
