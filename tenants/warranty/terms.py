"""The manufacturer's warranty terms (质量担保/三包条例): its policy, part-group periods,
excluded causes and open recalls and campaigns; read by dealers, kept by the
manufacturer's warranty staff. Reference data: no dealer owns it, so changes are
audited at the dealer the manufacturer's person works in."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation

CAUSES: tuple[str, ...] = (
    "defect",
    "accident",
    "misuse",
    "modification",
    "lack_of_maintenance",
    "external_influence",
)
"""Why a part failed, as the claims specialist judges it; ``defect`` (a fault of
material or workmanship) is what warranty is for and can never be excluded."""

POLICY_COLUMNS = (
    "manufacturer_id, base_months, base_km, first_service_months, first_service_km,"
    " claim_deadline_days, old_part_retention_days, repeat_repair_threshold,"
    " cumulative_repair_days_threshold, warning_window_months, duplicate_window_days,"
    " labour_rate, parts_markup, connector, excluded_causes, requires_files"
)
"""Everything but the connector's endpoint and signing secret, which stay server-side."""


async def manufacturer_of(connection: asyncpg.Connection, dealer_id: int) -> int:
    manufacturer: int | None = await connection.fetchval(
        "select r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.id = $1",
        dealer_id,
    )
    if manufacturer is None:
        raise RecordNotFound("Dealer")
    return manufacturer


async def policy(connection: asyncpg.Connection, manufacturer_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await connection.fetchrow(
        f"select {POLICY_COLUMNS} from warranty_policy where manufacturer_id = $1",
        manufacturer_id,
    )
    return row


async def part_group_terms(
    connection: asyncpg.Connection, manufacturer_id: int
) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await connection.fetch(
        "select * from warranty_part_group_term where manufacturer_id = $1 order by part_group",
        manufacturer_id,
    )
    return rows


async def campaigns_for_vin(
    connection: asyncpg.Connection, manufacturer_id: int, vin: str, on: date | None = None
) -> list[asyncpg.Record]:
    """Recalls and service campaigns naming the VIN, open ones first, each with whether
    the work was done already (``completed_at``)."""
    rows: list[asyncpg.Record] = await connection.fetch(
        """
        select c.*, cv.vin, cv.completed_at, cv.completed_dealer_id,
               (c.status = 'open' and c.starts_on <= coalesce($3, current_date)
                and (c.ends_on is null or c.ends_on >= coalesce($3, current_date))) as running
          from campaign_vehicle cv
          join campaign c on c.id = cv.campaign_id
         where cv.vin = $2 and c.manufacturer_id = $1
         order by running desc, c.starts_on desc, c.id
        """,
        manufacturer_id,
        vin.strip().upper(),
        on,
    )
    return rows


@dataclass(frozen=True)
class PolicyChanges:
    """Fields to change; None leaves a field as it is."""

    base_months: int | None = None
    base_km: int | None = None
    first_service_months: int | None = None
    first_service_km: int | None = None
    claim_deadline_days: int | None = None
    old_part_retention_days: int | None = None
    repeat_repair_threshold: int | None = None
    cumulative_repair_days_threshold: int | None = None
    warning_window_months: int | None = None
    duplicate_window_days: int | None = None
    labour_rate: Decimal | None = None
    parts_markup: Decimal | None = None
    excluded_causes: tuple[str, ...] | None = None
    requires_files: bool | None = None


_AT_LEAST_ZERO = frozenset({"old_part_retention_days", "labour_rate", "parts_markup"})
_CAMEL = {
    "base_months": "baseMonths",
    "base_km": "baseKm",
    "first_service_months": "firstServiceMonths",
    "first_service_km": "firstServiceKm",
    "claim_deadline_days": "claimDeadlineDays",
    "old_part_retention_days": "oldPartRetentionDays",
    "repeat_repair_threshold": "repeatRepairThreshold",
    "cumulative_repair_days_threshold": "cumulativeRepairDaysThreshold",
    "warning_window_months": "warningWindowMonths",
    "duplicate_window_days": "duplicateWindowDays",
    "labour_rate": "labourRate",
    "parts_markup": "partsMarkup",
    "excluded_causes": "excludedCauses",
    "requires_files": "requiresFiles",
}


def _validate(changes: PolicyChanges) -> dict[str, Any]:
    given: dict[str, Any] = {}
    for f in fields(changes):
        value = getattr(changes, f.name)
        if value is None:
            continue
        if f.name == "excluded_causes":
            unknown = sorted(set(value) - set(CAUSES))
            if unknown or "defect" in value:
                raise RuleViolation(
                    "excludedCauses",
                    "excludable_cause",
                    "Only accident, misuse, modification, lack of maintenance and external"
                    " influence can be excluded",
                    causes=unknown or ["defect"],
                )
            value = sorted(set(value), key=CAUSES.index)
        elif isinstance(value, bool):
            pass
        elif f.name in _AT_LEAST_ZERO:
            if value < 0:
                raise RuleViolation(_CAMEL[f.name], "not_negative", f"{f.name} must be >= 0")
        elif value <= 0:
            raise RuleViolation(_CAMEL[f.name], "positive", f"{f.name} must be > 0")
        given[f.name] = value
    if given.get("parts_markup") is not None and given["parts_markup"] >= 10:
        raise RuleViolation("partsMarkup", "markup_range", "A markup is a fraction below 10")
    return given


async def update_policy(
    tx: ActiveTransaction,
    audit_dealer_id: int,
    manufacturer_id: int,
    changes: PolicyChanges,
    *,
    request_id: str = "",
) -> asyncpg.Record:
    """Create the policy on first use (defaults for what is not given) or change the
    fields given; one audit entry with what changed."""
    given = _validate(changes)
    connection = tx.connection
    before = await connection.fetchrow(
        f"select {POLICY_COLUMNS} from warranty_policy where manufacturer_id = $1 for update",
        manufacturer_id,
    )
    if before is None:
        await connection.execute(
            "insert into warranty_policy (manufacturer_id) values ($1)", manufacturer_id
        )
    if given:
        assignments = ", ".join(f"{name} = ${i + 2}" for i, name in enumerate(given))
        await connection.execute(
            f"update warranty_policy set {assignments} where manufacturer_id = $1",
            manufacturer_id,
            *given.values(),
        )
    after = await policy(connection, manufacturer_id)
    assert after is not None
    await record(
        dealer_id=audit_dealer_id,
        action="warranty_policy.update",
        object_type="warranty_policy",
        object_id=manufacturer_id,
        before={k: before[k] for k in given} if before is not None else None,
        after={k: after[k] for k in given},
        request_id=request_id,
    )
    return after


async def set_part_group_term(
    tx: ActiveTransaction,
    audit_dealer_id: int,
    manufacturer_id: int,
    *,
    part_group: str,
    months: int,
    km: int,
    must_return: bool,
    request_id: str = "",
) -> asyncpg.Record:
    """Add or change a part group's own period (e.g. batteries 24 months / 50,000 km);
    0 months or 0 km means the group is not covered at all."""
    group = part_group.strip()
    if not group:
        raise RuleViolation("partGroup", "required", "Name the part group")
    if months < 0 or km < 0:
        raise RuleViolation(
            "months" if months < 0 else "km", "not_negative", "Periods cannot be negative"
        )
    connection = tx.connection
    before = await connection.fetchrow(
        "select months, km, must_return from warranty_part_group_term"
        " where manufacturer_id = $1 and part_group = $2 for update",
        manufacturer_id,
        group,
    )
    row: asyncpg.Record = await connection.fetchrow(
        """
        insert into warranty_part_group_term (manufacturer_id, part_group, months, km, must_return)
        values ($1, $2, $3, $4, $5)
        on conflict (manufacturer_id, part_group)
        do update set months = excluded.months, km = excluded.km, must_return = excluded.must_return
        returning *
        """,
        manufacturer_id,
        group,
        months,
        km,
        must_return,
    )
    await record(
        dealer_id=audit_dealer_id,
        action="warranty_part_group_term.set",
        object_type="warranty_part_group_term",
        object_id=row["id"],
        before=dict(before) if before is not None else None,
        after={"part_group": group, "months": months, "km": km, "must_return": must_return},
        request_id=request_id,
    )
    return row


async def remove_part_group_term(
    tx: ActiveTransaction,
    audit_dealer_id: int,
    manufacturer_id: int,
    part_group: str,
    *,
    request_id: str = "",
) -> None:
    """The group falls back to the policy's base terms."""
    row = await tx.connection.fetchrow(
        "delete from warranty_part_group_term where manufacturer_id = $1 and part_group = $2"
        " returning *",
        manufacturer_id,
        part_group.strip(),
    )
    if row is None:
        raise RecordNotFound("Part group term")
    await record(
        dealer_id=audit_dealer_id,
        action="warranty_part_group_term.remove",
        object_type="warranty_part_group_term",
        object_id=row["id"],
        before={"part_group": row["part_group"], "months": row["months"], "km": row["km"]},
        request_id=request_id,
    )
