"""Arrange and inspect helpers of the revisit generation and assignment tests."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import asyncpg

from tests.care.factories_care import CareDesk


def local(time_zone: str, *fields: int) -> datetime:
    """A wall-clock moment in ``time_zone`` (year, month, day, hour, minute) as UTC."""
    return datetime(*fields, tzinfo=ZoneInfo(time_zone)).astimezone(UTC)  # type: ignore[misc]


async def revisits(db: asyncpg.Connection, dealer_id: int) -> list[asyncpg.Record]:
    return await db.fetch(
        "select r.*, ro.number from revisit r join repair_order ro"
        " on ro.dealer_id = r.dealer_id and ro.id = r.repair_order_id"
        " where r.dealer_id = $1 order by r.repair_order_id",
        dealer_id,
    )


async def set_rules(db: asyncpg.Connection, desk: CareDesk, **columns: object) -> None:
    """The dealer's own care_settings row with ``columns`` (the rest at their defaults)."""
    names = ", ".join(columns)
    params = ", ".join(f"${i + 2}" for i in range(len(columns)))
    await db.execute(
        f"insert into care_settings (dealer_id, {names}) values ($1, {params})",
        desk.dealer_id,
        *columns.values(),
    )


async def change_roles(db: asyncpg.Connection, desk: CareDesk, post: str, roles: list[str]) -> None:
    """The person at ``post`` now works in other roles at the dealer (or none)."""
    if roles:
        await db.execute(
            "update membership set roles = $3 where dealer_id = $1 and user_id = $2",
            desk.dealer_id,
            desk.users[post],
            roles,
        )
    else:
        await db.execute(
            "delete from membership where dealer_id = $1 and user_id = $2",
            desk.dealer_id,
            desk.users[post],
        )
