"""Recalls (召回) and service campaigns (服务活动) published by the manufacturer's regional
manager, their affected-VIN lists, and what each dealer sees of them.

A campaign belongs to the manufacturer (reference tables ``campaign`` and
``campaign_vehicle``); the regional manager acts from a dealer of the region they oversee
(the audit entry is that dealer's). A dealer's affected vehicles are the campaign VINs
equal to its own vehicles' VINs (both stored upper-cased and validated); completions
are counted here, elsewhere in the network, or not yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.oversight.campaign_vins import ImportReport, insert_vins, parse_vin_file
from tenants.warranty.terms import manufacturer_of

KINDS = ("recall", "service_campaign")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,31}$")
MAX_TEXT = 4000


@dataclass(frozen=True)
class NewCampaign:
    code: str
    kind: str
    title: str
    starts_on: date
    operation_id: int
    title_zh: str = ""
    description: str = ""
    description_zh: str = ""
    ends_on: date | None = None
    bulletin_id: int | None = None


def _code(value: str) -> str:
    code = value.strip().upper()
    if not CODE.match(code):
        raise RuleViolation(
            "code", "campaign_code_format", "A code is 1 to 32 letters, digits, '.', '_', '/', '-'"
        )
    return code


def _text(field_name: str, value: str, *, required: bool = False) -> str:
    text = value.strip()
    if required and not text:
        raise RuleViolation(field_name, "required", "Fill this in")
    if len(text) > MAX_TEXT:
        raise RuleViolation(field_name, "too_long", f"At most {MAX_TEXT} characters")
    return text


async def publish_campaign(
    tx: ActiveTransaction,
    dealer_id: int,
    new: NewCampaign,
    *,
    now: datetime,
    request_id: str = "",
) -> int:
    """Publish a recall or service campaign of the manufacturer of ``dealer_id``."""
    connection = tx.connection
    manufacturer = await manufacturer_of(connection, dealer_id)
    if new.kind not in KINDS:
        raise RuleViolation("kind", "campaign_kind", f"kind is one of {KINDS}")
    if new.ends_on is not None and new.ends_on < new.starts_on:
        raise RuleViolation("endsOn", "campaign_ends_before_start", "It ends before it starts")
    code = _code(new.code)
    operation = await connection.fetchval(
        "select id from labour_operation where id = $1 and manufacturer_id = $2",
        new.operation_id,
        manufacturer,
    )
    if operation is None:
        raise RuleViolation(
            "operationId", "unknown_operation", "Not a labour operation of this manufacturer"
        )
    if new.bulletin_id is not None:
        found = await connection.fetchval(
            "select 1 from technical_bulletin where id = $1 and manufacturer_id = $2",
            new.bulletin_id,
            manufacturer,
        )
        if found is None:
            raise RuleViolation("bulletinId", "unknown_bulletin", "Not a bulletin of this brand")
    row = await connection.fetchrow(
        """
        insert into campaign (manufacturer_id, code, kind, title, title_zh, description,
               description_zh, operation_id, starts_on, ends_on, bulletin_id, published_by,
               published_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
        on conflict (manufacturer_id, code) do nothing
        returning *
        """,
        manufacturer,
        code,
        new.kind,
        _text("title", new.title, required=True),
        _text("titleZh", new.title_zh),
        _text("description", new.description),
        _text("descriptionZh", new.description_zh),
        operation,
        new.starts_on,
        new.ends_on,
        new.bulletin_id,
        tx.scope.user_id,
        now,
    )
    if row is None:
        raise RuleViolation("code", "campaign_code_taken", f"Campaign {code} already exists")
    await record(
        dealer_id=dealer_id,
        action="campaign.publish",
        object_type="campaign",
        object_id=row["id"],
        after=dict(row),
        request_id=request_id,
    )
    return int(row["id"])


async def lock_campaign(
    connection: asyncpg.Connection, dealer_id: int, campaign_id: int
) -> asyncpg.Record:
    """The campaign, locked, when it is of the manufacturer of ``dealer_id``."""
    row = await connection.fetchrow(
        "select * from campaign where id = $1 and manufacturer_id = $2 for update",
        campaign_id,
        await manufacturer_of(connection, dealer_id),
    )
    if row is None:
        raise RecordNotFound("Campaign")
    return row


def _require_open(campaign: asyncpg.Record) -> None:
    if campaign["status"] != "open":
        raise RuleViolation("campaignId", "campaign_closed", "The campaign is closed")


async def import_vins(
    tx: ActiveTransaction,
    dealer_id: int,
    campaign_id: int,
    data: bytes | str,
    *,
    request_id: str = "",
) -> ImportReport:
    """Add the file's valid VINs to an open campaign; report added, already listed,
    duplicate and invalid lines."""
    connection = tx.connection
    campaign = await lock_campaign(connection, dealer_id, campaign_id)
    _require_open(campaign)
    uses_check_digit: bool = await connection.fetchval(
        "select vin_check_digit from manufacturer where id = $1", campaign["manufacturer_id"]
    )
    parsed = parse_vin_file(data, uses_check_digit=uses_check_digit)
    added = await insert_vins(connection, campaign_id, parsed.vins)
    report = ImportReport(
        added=added,
        already_listed=len(parsed.vins) - added,
        invalid=parsed.invalid,
        duplicates=parsed.duplicates,
    )
    await record(
        dealer_id=dealer_id,
        action="campaign.import_vins",
        object_type="campaign",
        object_id=campaign_id,
        after={
            "added": report.added,
            "already_listed": report.already_listed,
            "invalid": len(report.invalid),
            "duplicates": len(report.duplicates),
        },
        request_id=request_id,
    )
    return report


async def close_campaign(
    tx: ActiveTransaction,
    dealer_id: int,
    campaign_id: int,
    *,
    now: datetime,
    request_id: str = "",
) -> None:
    """Close an open campaign: no more VINs, no flags at reception, no completions.
    Its end date becomes the day it closed when it had none or a later one."""
    connection = tx.connection
    campaign = await lock_campaign(connection, dealer_id, campaign_id)
    _require_open(campaign)
    today: date = await connection.fetchval(
        "select ($1::timestamptz at time zone time_zone)::date from dealer where id = $2",
        now,
        dealer_id,
    )
    ends_on = campaign["ends_on"] if campaign["ends_on"] and campaign["ends_on"] <= today else today
    ends_on = max(ends_on, campaign["starts_on"])
    await connection.execute(
        "update campaign set status = 'closed', ends_on = $2 where id = $1", campaign_id, ends_on
    )
    await record(
        dealer_id=dealer_id,
        action="campaign.close",
        object_type="campaign",
        object_id=campaign_id,
        before={"status": "open", "ends_on": campaign["ends_on"]},
        after={"status": "closed", "ends_on": ends_on},
        request_id=request_id,
    )


async def dealer_campaign_counts(
    connection: asyncpg.Connection, dealer_id: int, campaign_ids: list[int] | None = None
) -> list[asyncpg.Record]:
    """Per campaign of the dealer's manufacturer: its VINs among the dealer's vehicles
    (affected), completed here, completed at another dealer, still open."""
    return list(
        await connection.fetch(
            """
            select c.id as campaign_id,
                   count(v.id) as affected,
                   count(v.id) filter (where cv.completed_dealer_id = $1) as completed_here,
                   count(v.id) filter (where cv.completed_at is not null
                                         and cv.completed_dealer_id is distinct from $1)
                     as completed_elsewhere,
                   count(v.id) filter (where cv.completed_at is null) as open
              from campaign c
              left join campaign_vehicle cv on cv.campaign_id = c.id
              left join vehicle v on v.dealer_id = $1 and v.vin = cv.vin
             where c.manufacturer_id = (select r.manufacturer_id from dealer d
                                          join region r on r.id = d.region_id where d.id = $1)
               and ($2::bigint[] is null or c.id = any($2::bigint[]))
             group by c.id
             order by c.id
            """,
            dealer_id,
            campaign_ids,
        )
    )


async def affected_vehicles(
    connection: asyncpg.Connection, dealer_id: int, campaign_id: int
) -> list[asyncpg.Record]:
    """The dealer's vehicles on the campaign's VIN list, with their customer, last visit
    and completion."""
    return list(
        await connection.fetch(
            """
            select v.id as vehicle_id, v.vin, v.plate, v.model, cu.id as customer_id,
                   cu.name as customer_name, cu.phone as customer_phone,
                   last.opened_at as last_visit_at,
                   cv.completed_at, cv.completed_dealer_id,
                   cv.completed_dealer_id = $1 as completed_here,
                   cv.completed_repair_order_id
              from campaign_vehicle cv
              join vehicle v on v.dealer_id = $1 and v.vin = cv.vin
              join customer cu on cu.dealer_id = v.dealer_id and cu.id = v.customer_id
              left join lateral (
                select max(o.opened_at) as opened_at from repair_order o
                 where o.dealer_id = v.dealer_id and o.vehicle_id = v.id
                   and o.status <> 'cancelled'
              ) last on true
             where cv.campaign_id = $2
             order by cv.completed_at is not null, v.vin
            """,
            dealer_id,
            campaign_id,
        )
    )


async def completion_by_dealer(
    connection: asyncpg.Connection, campaign_id: int, dealer_ids: list[int]
) -> list[asyncpg.Record]:
    """For the manufacturer's page: per dealer (among ``dealer_ids``, those the reader
    oversees), the campaign's VINs registered there and completed there."""
    return list(
        await connection.fetch(
            """
            select d.id as dealer_id, d.code, d.name,
                   (select count(*) from campaign_vehicle cv
                      join vehicle v on v.vin = cv.vin and v.dealer_id = d.id
                     where cv.campaign_id = $1) as affected,
                   (select count(*) from campaign_vehicle cv
                     where cv.campaign_id = $1 and cv.completed_dealer_id = d.id) as completed
              from dealer d
             where d.id = any($2::bigint[])
             order by d.code
            """,
            campaign_id,
            dealer_ids,
        )
    )


async def campaign_totals(connection: asyncpg.Connection, campaign_id: int) -> asyncpg.Record:
    """All VINs of the campaign network-wide and how many are completed."""
    row = await connection.fetchrow(
        "select count(*) as vins, count(completed_at) as completed"
        " from campaign_vehicle where campaign_id = $1",
        campaign_id,
    )
    assert row is not None
    return row


async def open_campaigns_for_vins(
    connection: asyncpg.Connection, dealer_id: int, vins: list[str]
) -> list[asyncpg.Record]:
    """Open, running (today within its dates at the dealer) and not yet completed
    campaigns of the dealer's manufacturer naming these VINs (a dataloader's one query
    for a page of vehicles)."""
    return list(
        await connection.fetch(
            """
            select cv.vin, c.*, op.code as operation_code, op.name as operation_name,
                   op.name_zh as operation_name_zh, op.standard_hours
              from campaign_vehicle cv
              join campaign c on c.id = cv.campaign_id
              left join labour_operation op on op.id = c.operation_id
              join dealer d on d.id = $1
              join region r on r.id = d.region_id and r.manufacturer_id = c.manufacturer_id
             where cv.vin = any($2::text[]) and cv.completed_at is null and c.status = 'open'
               and c.starts_on <= (now() at time zone d.time_zone)::date
               and (c.ends_on is null or c.ends_on >= (now() at time zone d.time_zone)::date)
             order by c.kind, c.starts_on, c.id
            """,
            dealer_id,
            vins,
        )
    )


async def campaigns_of_dealer(
    connection: asyncpg.Connection,
    dealer_id: int,
    *,
    campaign_ids: list[int] | None = None,
    include_closed: bool = True,
) -> list[asyncpg.Record]:
    """Campaigns of the dealer's manufacturer with their operation and bulletin, newest
    first (open before closed)."""
    return list(
        await connection.fetch(
            """
            select c.*, op.code as operation_code, op.name as operation_name,
                   op.name_zh as operation_name_zh, op.standard_hours,
                   b.code as bulletin_code
              from campaign c
              left join labour_operation op on op.id = c.operation_id
              left join technical_bulletin b on b.id = c.bulletin_id
             where c.manufacturer_id = (select r.manufacturer_id from dealer d
                                          join region r on r.id = d.region_id where d.id = $1)
               and ($2::bigint[] is null or c.id = any($2::bigint[]))
               and ($3 or c.status = 'open')
             order by c.status = 'closed', c.starts_on desc, c.id desc
            """,
            dealer_id,
            campaign_ids,
            include_closed,
        )
    )
