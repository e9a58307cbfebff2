"""GraphQL types of the customer-care rules and of reassigned revisits. Levels and
departments are the complaint's own keys (``grievance``, ``customer_care``...), as text:
the complaints area owns their enums; the service checks them."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.schema.context import Info
from api.schema.network import StaffUser, staff_user
from api.schema.relay_conventions import global_id
from tenants.care.revisit_assignment import Reassigned
from tenants.care.revisit_generation import DESK_DUTY, ONE_TO_ONE_DUTY
from tenants.care.settings import COMPLAINT_LEVELS, CareRules

REVISIT_TYPE = "Revisit"
"""The relay type name of a revisit (the revisits area's node)."""


async def people(info: Info, user_ids: list[int]) -> list[StaffUser]:
    rows = await info.context.loaders.user.load_many(user_ids)
    return [StaffUser.from_row(r) for r in rows if r is not None]


@strawberry.type(description="When customers may be called, in the dealer's local time (HH:MM).")
class CareCallWindow:
    starts: str
    ends: str


@strawberry.type(description="Hours to resolve a complaint of this level.")
class CareComplaintHours:
    level: str
    hours: int


@strawberry.type(description="The dealer's rule: complaints of this level go here at once.")
class CareComplaintRoute:
    level: str
    department: str


@strawberry.type(
    description="The dealer's customer-care rules; the digest's defaults until customised."
)
class CareSettings:
    time_zone: str
    customised: bool = strawberry.field(description="False: the defaults, no row of its own.")
    revisit_after_days: int = strawberry.field(description="First day to call, after delivery.")
    revisit_within_days: int = strawberry.field(description="Last day to call, after delivery.")
    call_windows: list[CareCallWindow]
    one_to_one: bool = strawberry.field(
        description="The order's advisor calls (one-to-one service), not the desk."
    )
    min_attempts: int
    retry_gap_minutes: int
    complaint_hours: list[CareComplaintHours]
    complaint_auto_route: list[CareComplaintRoute]
    maintenance_months: int
    maintenance_km: int
    reminder_horizon_days: int
    lost_after_months: int
    updated_at: datetime | None
    can_manage: bool = strawberry.field(description="The viewer may change these rules.")
    updated_by_id: strawberry.Private[int | None]
    dealer_id: strawberry.Private[int]

    @strawberry.field(description="Who last changed the rules.")
    async def updated_by(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.updated_by_id)

    @strawberry.field(
        description="Who holds revisit_calls here (the desk). Empty: a vacant post (缺编),"
        " new revisits wait unassigned."
    )
    async def desk_callers(self, info: Info) -> list[StaffUser]:
        return await people(info, info.context.policies.holders_of_duty(self.dealer_id, DESK_DUTY))

    @strawberry.field(description="Who holds customer_group here (one-to-one advisors).")
    async def one_to_one_advisors(self, info: Info) -> list[StaffUser]:
        ids = info.context.policies.holders_of_duty(self.dealer_id, ONE_TO_ONE_DUTY)
        return await people(info, ids)

    @classmethod
    def of(
        cls,
        rules: CareRules,
        *,
        updated_at: datetime | None,
        updated_by_id: int | None,
        can_manage: bool,
    ) -> CareSettings:
        return cls(
            time_zone=rules.time_zone.key,
            customised=rules.customised,
            revisit_after_days=rules.revisit_after_days,
            revisit_within_days=rules.revisit_within_days,
            call_windows=[
                CareCallWindow(starts=w.starts.strftime("%H:%M"), ends=w.ends.strftime("%H:%M"))
                for w in rules.call_windows
            ],
            one_to_one=rules.one_to_one,
            min_attempts=rules.min_attempts,
            retry_gap_minutes=rules.retry_gap_minutes,
            complaint_hours=[
                CareComplaintHours(level=level, hours=rules.complaint_hours[level])
                for level in COMPLAINT_LEVELS
                if level in rules.complaint_hours
            ],
            complaint_auto_route=[
                CareComplaintRoute(level=level, department=rules.complaint_auto_route[level])
                for level in COMPLAINT_LEVELS
                if level in rules.complaint_auto_route
            ],
            maintenance_months=rules.maintenance_months,
            maintenance_km=rules.maintenance_km,
            reminder_horizon_days=rules.reminder_horizon_days,
            lost_after_months=rules.lost_after_months,
            updated_at=updated_at,
            can_manage=can_manage,
            updated_by_id=updated_by_id,
            dealer_id=rules.dealer_id,
        )


@strawberry.input
class CareCallWindowInput:
    starts: str = strawberry.field(description="HH:MM, local time.")
    ends: str


@strawberry.input
class CareComplaintHoursInput:
    level: str
    hours: int


@strawberry.input
class CareComplaintRouteInput:
    level: str
    department: str


@strawberry.input(description="The rules to change; what is left out stays as it is.")
class UpdateCareSettingsInput:
    revisit_after_days: int | None = None
    revisit_within_days: int | None = None
    call_windows: list[CareCallWindowInput] | None = None
    one_to_one: bool | None = None
    min_attempts: int | None = strawberry.field(default=None, description="At least three.")
    retry_gap_minutes: int | None = None
    complaint_hours: list[CareComplaintHoursInput] | None = strawberry.field(
        default=None, description="Every level, once."
    )
    complaint_auto_route: list[CareComplaintRouteInput] | None = strawberry.field(
        default=None, description="Levels routed without the general manager; [] for none."
    )
    maintenance_months: int | None = None
    maintenance_km: int | None = None
    reminder_horizon_days: int | None = None
    lost_after_months: int | None = None


@strawberry.type(description="A revisit given to someone else.")
class RevisitAssignment:
    revisit_id: strawberry.ID
    duty: str = strawberry.field(description="revisit_calls (the desk) or customer_group.")
    assignee_id: strawberry.Private[int]

    @strawberry.field
    async def assignee(self, info: Info) -> StaffUser | None:
        return await staff_user(info, self.assignee_id)

    @classmethod
    def of(cls, moved: Reassigned) -> RevisitAssignment:
        return cls(
            revisit_id=strawberry.ID(global_id(REVISIT_TYPE, moved.revisit_id)),
            duty=moved.duty,
            assignee_id=moved.assignee_user_id,
        )
