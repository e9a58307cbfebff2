"""Customer care GraphQL: the dealer's care rules (call windows, revisit days, attempts,
complaint deadlines and routing, reminder horizons) and reassigning revisits to someone
who owns a revisit queue. Each mutation is one transaction with its audit entries."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from api.schema.care.settings_types import (
    REVISIT_TYPE,
    CareSettings,
    RevisitAssignment,
    UpdateCareSettingsInput,
    people,
)
from api.schema.context import Info
from api.schema.errors import BadUserInput
from api.schema.network import StaffUser
from api.schema.relay_conventions import parse_global_id
from tenants.care.revisit_assignment import MAX_PER_CALL, reassign_revisits, revisit_callers
from tenants.care.settings import CareRules, load_rules
from tenants.care.settings_update import SettingsChange, save_settings


async def _settings(info: Info, dealer: int, rules: CareRules | None = None) -> CareSettings:
    async with info.context.read((dealer,)) as tx:
        current = rules or await load_rules(tx.connection, dealer)
        row = await tx.connection.fetchrow(
            "select updated_at, updated_by from care_settings where dealer_id = $1", dealer
        )
    return CareSettings.of(
        current,
        updated_at=row["updated_at"] if row else None,
        updated_by_id=row["updated_by"] if row else None,
        can_manage=info.context.allowed("care_settings", "manage", dealer),
    )


def _keyed(pairs: list[tuple[str, str | int]], field: str) -> dict[str, str | int]:
    keyed: dict[str, str | int] = {}
    for key, value in pairs:
        if key in keyed:
            raise BadUserInput(field, f"{key!r} given twice")
        keyed[key] = value
    return keyed


def change_of(given: UpdateCareSettingsInput) -> SettingsChange:
    """The service's change from the input; lists keyed by level become mappings."""
    hours = (
        {
            k: int(v)
            for k, v in _keyed(
                [(h.level, h.hours) for h in given.complaint_hours], "complaintHours"
            ).items()
        }
        if given.complaint_hours is not None
        else None
    )
    routes = (
        {
            k: str(v)
            for k, v in _keyed(
                [(r.level, r.department) for r in given.complaint_auto_route],
                "complaintAutoRoute",
            ).items()
        }
        if given.complaint_auto_route is not None
        else None
    )
    return SettingsChange(
        revisit_after_days=given.revisit_after_days,
        revisit_within_days=given.revisit_within_days,
        call_windows=(
            tuple((w.starts.strip(), w.ends.strip()) for w in given.call_windows)
            if given.call_windows is not None
            else None
        ),
        one_to_one=given.one_to_one,
        min_attempts=given.min_attempts,
        retry_gap_minutes=given.retry_gap_minutes,
        complaint_hours=hours,
        complaint_auto_route=routes,
        maintenance_months=given.maintenance_months,
        maintenance_km=given.maintenance_km,
        reminder_horizon_days=given.reminder_horizon_days,
        lost_after_months=given.lost_after_months,
    )


@strawberry.type
class CareSettingsQuery:
    @strawberry.field(description="The current dealer's customer-care rules.")
    async def care_settings(self, info: Info) -> CareSettings:
        dealer = info.context.require("care_settings", "read")
        return await _settings(info, dealer)

    @strawberry.field(
        description="Who may be given revisits at the current dealer: the holders of the"
        " revisit_calls and customer_group duties."
    )
    async def revisit_assignees(self, info: Info) -> list[StaffUser]:
        dealer = info.context.require("revisit", "read")
        return await people(info, revisit_callers(info.context.policies, dealer))


@strawberry.type
class CareSettingsMutation:
    @strawberry.mutation(
        description="Change the current dealer's customer-care rules (care_settings:manage)."
    )
    async def update_care_settings(
        self, info: Info, input: UpdateCareSettingsInput
    ) -> CareSettings:
        change = change_of(input)
        async with info.context.write("care_settings", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            rules = await save_settings(
                tx, dealer, change, now=datetime.now(UTC), request_id=info.context.request_id
            )
        return await _settings(info, dealer, rules)

    @strawberry.mutation(
        description="Give revisits still to call or to check to someone who makes"
        " follow-up calls here (revisit:assign)."
    )
    async def revisit_reassign(
        self, info: Info, revisit_ids: list[strawberry.ID], assignee_id: strawberry.ID
    ) -> list[RevisitAssignment]:
        if len(revisit_ids) > MAX_PER_CALL:
            raise BadUserInput("revisitIds", f"At most {MAX_PER_CALL} revisits at once")
        ids = [parse_global_id(v, REVISIT_TYPE, "revisitIds") for v in revisit_ids]
        assignee = parse_global_id(assignee_id, "StaffUser", "assigneeId")
        async with info.context.write("revisit", "assign") as tx:
            moved = await reassign_revisits(
                tx,
                tx.scope.dealer_ids[0],
                ids,
                assignee,
                info.context.policies,
                request_id=info.context.request_id,
            )
        return [RevisitAssignment.of(m) for m in moved]
