"""Opening a complaint ticket (工联单): step 1 of 客户投诉处理流程. Customer service (or
the revisit call, in one step) records it; the dealer's rule may route its level at once
(``care_settings.complaint_auto_route``), otherwise it waits for the general manager.

Numbers are per dealer and local day (``TS-20261126-001``), gap-free: taken under a
transaction-scoped advisory lock, so a rolled-back ticket frees its number."""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg

from tenants.audit.recorder import record
from tenants.care.settings import COMPLAINT_LEVELS, load_rules
from tenants.errors import RecordNotFound, RuleViolation

CHANNELS = (
    "phone",
    "revisit",
    "on_site",
    "letter",
    "email",
    "website",
    "media",
    "wechat",
    "government",
)
DEPARTMENTS = (
    "service",
    "workshop",
    "parts",
    "warranty",
    "front_desk",
    "customer_care",
    "sales",
    "finance",
    "management",
)
SEVERE_START_LEVEL = 2
"""Severe complaints (强烈投诉) go to the service manager (escalation level 2,
duty major_complaints) the moment they are received, and are visible to the region."""

_LOCK_CLASS = 0x5453_4E4F  # "TSNO": the advisory-lock namespace of complaint numbers


async def next_complaint_number(
    connection: asyncpg.Connection, dealer_id: int, now: datetime
) -> str:
    """``TS-<local day of now>-NNN``; call inside the transaction that inserts the ticket."""
    await connection.execute("select pg_advisory_xact_lock($1, $2)", _LOCK_CLASS, dealer_id)
    prefix: str | None = await connection.fetchval(
        "select 'TS-' || to_char(($2::timestamptz at time zone d.time_zone)::date, 'YYYYMMDD')"
        " || '-' from dealer d where d.id = $1",
        dealer_id,
        now,
    )
    if prefix is None:
        raise RecordNotFound(f"Dealer {dealer_id}")
    last: int | None = await connection.fetchval(
        "select max(substr(number, $3)::int) from complaint"
        " where dealer_id = $1 and left(number, length($2)) = $2",
        dealer_id,
        prefix,
        len(prefix) + 1,
    )
    return f"{prefix}{(last or 0) + 1:03d}"


def check_channel_level(channel: str, level: str) -> None:
    if channel not in CHANNELS:
        raise RuleViolation("channel", "complaint_channel", f"Unknown channel {channel!r}")
    if level not in COMPLAINT_LEVELS:
        raise RuleViolation("level", "complaint_level", f"Unknown level {level!r}")


async def _check_links(
    connection: asyncpg.Connection,
    dealer_id: int,
    customer_id: int,
    vehicle_id: int | None,
    repair_order_id: int | None,
    revisit_id: int | None,
) -> None:
    """The customer exists at this dealer; vehicle, order and revisit are the customer's."""
    row = await connection.fetchrow(
        """
        select exists(select 1 from customer where dealer_id = $1 and id = $2) as customer,
               $3::bigint is null or exists(select 1 from vehicle
                 where dealer_id = $1 and id = $3 and customer_id = $2) as vehicle,
               $4::bigint is null or exists(select 1 from repair_order
                 where dealer_id = $1 and id = $4 and customer_id = $2) as repair_order,
               $5::bigint is null or exists(select 1 from revisit
                 where dealer_id = $1 and id = $5 and customer_id = $2) as revisit
        """,
        dealer_id,
        customer_id,
        vehicle_id,
        repair_order_id,
        revisit_id,
    )
    assert row is not None
    if not row["customer"]:
        raise RecordNotFound("Customer")
    for field, ok in (
        ("vehicleId", row["vehicle"]),
        ("repairOrderId", row["repair_order"]),
        ("revisitId", row["revisit"]),
    ):
        if not ok:
            raise RuleViolation(
                field, "complaint_link", "Vehicle, order and revisit must be the customer's"
            )


async def open_complaint(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    actor_user_id: int,
    customer_id: int,
    vehicle_id: int | None,
    repair_order_id: int | None,
    revisit_id: int | None,
    channel: str,
    level: str,
    summary: str,
    detail: str,
    now: datetime,
    request_id: str = "",
) -> asyncpg.Record:
    """Record the ticket, its ``received`` action, and (by the dealer's rule) its routing;
    returns the complaint row. Runs inside the caller's tenant transaction (audited).
    The system's actions carry a code as their note (``dealer_rule``, ``severe``), which
    the screens translate."""
    check_channel_level(channel, level)
    if not summary.strip():
        raise RuleViolation("summary", "required", "Say what the customer complains about")
    await _check_links(connection, dealer_id, customer_id, vehicle_id, repair_order_id, revisit_id)
    rules = await load_rules(connection, dealer_id)
    number = await next_complaint_number(connection, dealer_id, now)
    department = rules.complaint_auto_route.get(level)
    if department is not None and department not in DEPARTMENTS:
        department = None  # a stale rule never blocks the intake: the GM routes instead
    due_at = now + timedelta(hours=rules.complaint_hours[level]) if department else None
    escalation = SEVERE_START_LEVEL if level == "severe" else 0
    row = await connection.fetchrow(
        """
        insert into complaint (dealer_id, number, customer_id, vehicle_id, repair_order_id,
          revisit_id, channel, level, summary, detail, status, department, routed_at, due_at,
          escalation_level, escalated_at, received_by, received_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10,
          case when $11::text is null then 'received' else 'routed' end, $11,
          case when $11::text is null then null else $14::timestamptz end, $12,
          $13, case when $13 > 0 then $14::timestamptz end, $15, $14)
        returning *
        """,
        dealer_id,
        number,
        customer_id,
        vehicle_id,
        repair_order_id,
        revisit_id,
        channel,
        level,
        summary.strip(),
        detail.strip(),
        department,
        due_at,
        escalation,
        now,
        actor_user_id,
    )
    assert row is not None
    await connection.execute(
        """
        insert into complaint_action (dealer_id, complaint_id, kind, status_from, status_to,
          note, due_at, escalation_level, actor_user_id, at)
        select $1::bigint, $2::bigint, 'received', null::text, 'received'::text, $3::text,
               null::timestamptz, null::int, $4::bigint, $5::timestamptz
        union all
        select $1, $2, 'routed', 'received', 'routed', 'dealer_rule', $7, null, null, $5
         where $6::text is not null
        union all
        select $1, $2, 'escalated', null, null, 'severe', null, $8::int, null, $5
         where $8::int > 0
        """,
        dealer_id,
        row["id"],
        summary.strip(),
        actor_user_id,
        now,
        department,
        due_at,
        escalation,
    )
    await record(
        dealer_id=dealer_id,
        action="complaint.received",
        object_type="complaint",
        object_id=row["id"],
        after={
            "number": number,
            "channel": channel,
            "level": level,
            "status": row["status"],
            "department": department,
            "due_at": due_at,
            "escalation_level": escalation,
            "revisit_id": revisit_id,
        },
        request_id=request_id,
    )
    return row
