"""``serviceMeasures``: the dealer's service measures over a period (kpi:read).

Definitions live with the SQL in ``tenants.service.measures``; ratios are null when
there is nothing to measure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from api.schema.context import Info
from api.schema.errors import BadUserInput
from api.schema.network import StaffUser
from tenants.service import measures as service

MAX_DAYS = 366


@strawberry.type
class OrdersOnDay:
    day: date
    orders: int


@strawberry.type(description="Hours of one technician over the period.")
class TechnicianMeasure:
    technician: StaffUser
    billed_hours: Decimal
    clocked_hours: Decimal
    available_hours: Decimal
    efficiency: Decimal | None = strawberry.field(description="Billed / clocked hours.")
    productivity: Decimal | None = strawberry.field(description="Clocked / available hours.")


@strawberry.type(description="Service measures of the current dealer, [from, to] in its calendar.")
class ServiceMeasures:
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    orders: int = strawberry.field(description="Orders opened, cancelled ones left out.")
    orders_per_day: list[OrdersOnDay]
    labour_hours_sold: Decimal = strawberry.field(
        description="Approved labour hours of the orders delivered in the period."
    )
    billed_hours: Decimal
    clocked_hours: Decimal
    available_hours: Decimal
    efficiency: Decimal | None = strawberry.field(description="Billed / clocked hours.")
    productivity: Decimal | None = strawberry.field(description="Clocked / available hours.")
    appointment_share: Decimal | None = strawberry.field(
        description="Orders from an appointment / orders opened."
    )
    show_rate: Decimal | None = strawberry.field(
        description="Appointments arrived / (arrived + no-show)."
    )
    first_time_fix_rate: Decimal | None = strawberry.field(
        description="Delivered orders without rework or a comeback within 30 days / delivered."
    )
    promised_time_kept: Decimal | None = strawberry.field(
        description="Orders ready by the promised time / orders ready that had one."
    )
    delivered: int
    technicians: list[TechnicianMeasure]


@strawberry.type
class MeasuresQuery:
    @strawberry.field(description="The current dealer's service measures (kpi:read).")
    async def service_measures(
        self,
        info: Info,
        start: Annotated[date, strawberry.argument(name="from")],
        end: Annotated[date, strawberry.argument(name="to")],
    ) -> ServiceMeasures:
        dealer = info.context.require("kpi", "read")
        if end < start:
            raise BadUserInput("to", "to is before from")
        if (end - start).days >= MAX_DAYS:
            raise BadUserInput("to", f"a period is at most {MAX_DAYS} days")
        async with info.context.read((dealer,)) as tx:
            summary = await service.service_measures(tx.connection, dealer, start, end)
            days = await service.orders_per_day(tx.connection, dealer, start, end)
            people = await service.technician_measures(tx.connection, dealer, start, end)
        return ServiceMeasures(
            start=start,
            end=end,
            orders=summary.orders,
            orders_per_day=[OrdersOnDay(day=d.day, orders=d.orders) for d in days],
            labour_hours_sold=summary.labour_hours_sold,
            billed_hours=summary.billed_hours,
            clocked_hours=summary.clocked_hours,
            available_hours=summary.available_hours,
            efficiency=summary.efficiency,
            productivity=summary.productivity,
            appointment_share=summary.appointment_share,
            show_rate=summary.show_rate,
            first_time_fix_rate=summary.first_time_fix_rate,
            promised_time_kept=summary.promised_time_kept,
            delivered=summary.delivered,
            technicians=[
                TechnicianMeasure(
                    technician=StaffUser(
                        id=t.user_id,
                        username=t.username,
                        display_name=t.display_name,
                        active=t.active,
                    ),
                    billed_hours=t.billed_hours,
                    clocked_hours=t.clocked_hours,
                    available_hours=t.available_hours,
                    efficiency=t.efficiency,
                    productivity=t.productivity,
                )
                for t in people
            ],
        )
