"""Technical bulletins (技术通报, TSB): the manufacturer publishes one with its operations
and models; at each dealer the technical director distributes it to staff (one
``bulletin_reading`` row per person), each person marks it read, and the director sees
who has and who has not."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.terms import manufacturer_of

CODE = re.compile(r"^[A-Z0-9][A-Z0-9._/-]{0,31}$")
MAX_BODY = 20000


@dataclass(frozen=True)
class NewBulletin:
    code: str
    title: str
    title_zh: str = ""
    body: str = ""
    body_zh: str = ""
    models: tuple[str, ...] = ()
    operation_ids: tuple[int, ...] = field(default_factory=tuple)


async def publish_bulletin(
    tx: ActiveTransaction,
    dealer_id: int,
    new: NewBulletin,
    *,
    now: datetime,
    request_id: str = "",
) -> int:
    """Publish for the manufacturer of ``dealer_id`` (the regional manager's dealer in
    scope, which also holds the audit entry)."""
    connection = tx.connection
    manufacturer = await manufacturer_of(connection, dealer_id)
    code = new.code.strip().upper()
    if not CODE.match(code):
        raise RuleViolation("code", "bulletin_code_format", "1 to 32 letters, digits, . _ / -")
    title = new.title.strip()
    if not title:
        raise RuleViolation("title", "required", "Give the bulletin a title")
    if max(len(new.body), len(new.body_zh)) > MAX_BODY:
        raise RuleViolation("body", "too_long", f"At most {MAX_BODY} characters")
    models = sorted({m.strip() for m in new.models if m.strip()})
    operations = sorted(set(new.operation_ids))
    known = await connection.fetchval(
        "select count(*) from labour_operation where id = any($1::bigint[])"
        " and manufacturer_id = $2",
        operations,
        manufacturer,
    )
    if known != len(operations):
        raise RuleViolation(
            "operationIds", "unknown_operation", "Not labour operations of this manufacturer"
        )
    row = await connection.fetchrow(
        """
        insert into technical_bulletin (manufacturer_id, code, title, title_zh, body, body_zh,
               models, operation_ids, published_by, published_at)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        on conflict (manufacturer_id, code) do nothing
        returning *
        """,
        manufacturer,
        code,
        title,
        new.title_zh.strip(),
        new.body.strip(),
        new.body_zh.strip(),
        models,
        operations,
        tx.scope.user_id,
        now,
    )
    if row is None:
        raise RuleViolation("code", "bulletin_code_taken", f"Bulletin {code} already exists")
    await record(
        dealer_id=dealer_id,
        action="bulletin.publish",
        object_type="technical_bulletin",
        object_id=row["id"],
        after=dict(row),
        request_id=request_id,
    )
    return int(row["id"])


async def _bulletin(connection: asyncpg.Connection, dealer_id: int, bulletin_id: int) -> None:
    found = await connection.fetchval(
        "select 1 from technical_bulletin where id = $1 and manufacturer_id = $2",
        bulletin_id,
        await manufacturer_of(connection, dealer_id),
    )
    if found is None:
        raise RecordNotFound("Bulletin")


async def distribute(
    tx: ActiveTransaction,
    dealer_id: int,
    bulletin_id: int,
    user_ids: list[int] | None,
    *,
    now: datetime,
    request_id: str = "",
) -> int:
    """Give the bulletin to the named staff of the dealer (all active staff when None);
    people who already have it keep their reading. How many were added."""
    connection = tx.connection
    await _bulletin(connection, dealer_id, bulletin_id)
    if user_ids is not None:
        staff = await connection.fetchval(
            "select count(*) from membership where dealer_id = $1 and active"
            " and user_id = any($2::bigint[])",
            dealer_id,
            user_ids,
        )
        if staff != len(set(user_ids)):
            raise RuleViolation("userIds", "not_dealer_staff", "Only this dealer's staff")
    added: int = await connection.fetchval(
        """
        with added as (
          insert into bulletin_reading (dealer_id, bulletin_id, user_id, distributed_by,
                 distributed_at)
          select $1, $2, m.user_id, $4, $5
            from membership m
           where m.dealer_id = $1 and m.active
             and ($3::bigint[] is null or m.user_id = any($3::bigint[]))
          on conflict (dealer_id, bulletin_id, user_id) do nothing
          returning 1
        )
        select count(*) from added
        """,
        dealer_id,
        bulletin_id,
        user_ids,
        tx.scope.user_id,
        now,
    )
    await record(
        dealer_id=dealer_id,
        action="bulletin.distribute",
        object_type="technical_bulletin",
        object_id=bulletin_id,
        after={"added": added, "user_ids": user_ids},
        request_id=request_id,
    )
    return added


async def mark_read(
    tx: ActiveTransaction, dealer_id: int, bulletin_id: int, *, now: datetime
) -> datetime:
    """The signed-in person read the bulletin given to them; the first reading counts."""
    user = tx.scope.user_id
    read_at: datetime | None = await tx.connection.fetchval(
        "update bulletin_reading set read_at = coalesce(read_at, $4)"
        " where dealer_id = $1 and bulletin_id = $2 and user_id = $3 returning read_at",
        dealer_id,
        bulletin_id,
        user,
        now,
    )
    if read_at is None:
        raise RuleViolation(
            "bulletinId", "bulletin_not_distributed", "The bulletin was not given to you"
        )
    return read_at


async def readings(
    connection: asyncpg.Connection, dealer_id: int, bulletin_id: int
) -> list[asyncpg.Record]:
    """Who was given the bulletin at the dealer and when they read it."""
    return list(
        await connection.fetch(
            "select br.*, u.display_name from bulletin_reading br"
            " join staff_user u on u.id = br.user_id"
            " where br.dealer_id = $1 and br.bulletin_id = $2 order by br.read_at nulls first,"
            " u.display_name",
            dealer_id,
            bulletin_id,
        )
    )


async def bulletins_of_dealer(
    connection: asyncpg.Connection, dealer_id: int, user_id: int | None
) -> list[asyncpg.Record]:
    """Published bulletins of the dealer's manufacturer, newest first, with the dealer's
    distribution counts and the person's own reading."""
    return list(
        await connection.fetch(
            """
            select b.*,
                   (select count(*) from bulletin_reading br
                     where br.dealer_id = $1 and br.bulletin_id = b.id) as distributed,
                   (select count(*) from bulletin_reading br
                     where br.dealer_id = $1 and br.bulletin_id = b.id
                       and br.read_at is not null) as read,
                   mine.distributed_at as my_distributed_at, mine.read_at as my_read_at
              from technical_bulletin b
              left join bulletin_reading mine on mine.dealer_id = $1
                   and mine.bulletin_id = b.id and mine.user_id = $2
             where b.manufacturer_id = (select r.manufacturer_id from dealer d
                                          join region r on r.id = d.region_id where d.id = $1)
             order by b.published_at desc, b.id desc
            """,
            dealer_id,
            user_id,
        )
    )


async def operations_of(
    connection: asyncpg.Connection, bulletin_ids: list[int]
) -> dict[int, list[asyncpg.Record]]:
    """The labour operations each bulletin names, in one query for a page of bulletins."""
    rows = await connection.fetch(
        """
        select b.id as bulletin_id, op.*
          from technical_bulletin b
          join labour_operation op on op.id = any(b.operation_ids)
         where b.id = any($1::bigint[])
         order by op.code
        """,
        bulletin_ids,
    )
    found: dict[int, list[asyncpg.Record]] = {b: [] for b in bulletin_ids}
    for row in rows:
        found[row["bulletin_id"]].append(row)
    return found
