"""Sign-in, sessions and the dealer a session works in.

A browser session (cookie) slides its expiry while used; a bearer token for API
clients lasts a fixed time. Signing in always issues a new token, so a token
planted before sign-in (session fixation) is worthless afterwards.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

import asyncpg

from tenants.access.errors import InvalidCredentials, SignInThrottled
from tenants.access.passwords import hash_password, needs_rehash, verify_password
from tenants.access.throttle import IN_FLIGHT_SECONDS, SignInThrottle
from tenants.access.tokens import digest, new_secret
from tenants.database import network_transaction

SessionKind = Literal["cookie", "bearer"]
LIFETIME: dict[str, timedelta] = {
    "cookie": timedelta(hours=12),
    "bearer": timedelta(days=30),
}
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    kind: SessionKind
    csrf_token: str
    current_dealer_id: int | None
    expires_at: datetime
    username: str
    display_name: str
    locale: str


@dataclass(frozen=True)
class IssuedSession:
    token: str
    session: Session


_SESSION_COLUMNS = """
    s.id, s.user_id, s.kind, s.csrf_token, s.current_dealer_id, s.expires_at,
    u.username, u.display_name, u.locale
"""


async def _event(
    connection: asyncpg.Connection, user_id: int | None, username: str, kind: str, addr: str
) -> None:
    await connection.execute(
        "insert into auth_event (user_id, username, kind, remote_addr) values ($1, $2, $3, $4)",
        user_id,
        username,
        kind,
        addr,
    )


async def _verified_user(
    username: str, password: str, throttle: SignInThrottle, remote_addr: str
) -> asyncpg.Record:
    """The user whose password this is; a failure is counted (and its lock set) before
    the caller gives the username's turn back."""
    async with network_transaction(fresh=True) as tx:
        user = await tx.connection.fetchrow(
            "select id, password_hash, active from staff_user where lower(username) = lower($1)",
            username,
        )
    ok = verify_password(user["password_hash"] if user else None, password)
    if ok and user and user["active"]:
        return user
    lock = await throttle.failed(username, remote_addr)
    async with network_transaction(fresh=True) as tx:
        await _event(
            tx.connection, user["id"] if user else None, username, "sign_in_failed", remote_addr
        )
    if lock:
        raise SignInThrottled(lock)
    raise InvalidCredentials()


async def sign_in(
    username: str,
    password: str,
    *,
    kind: SessionKind,
    throttle: SignInThrottle,
    remote_addr: str = "",
    replaces_token: str | None = None,
) -> IssuedSession:
    username = username.strip()
    async with throttle.single_flight(username) as my_turn:
        wait = await throttle.retry_after(username, remote_addr) if my_turn else IN_FLIGHT_SECONDS
        if wait:
            async with network_transaction(fresh=True) as tx:
                await _event(tx.connection, None, username, "sign_in_throttled", remote_addr)
            raise SignInThrottled(wait)
        user = await _verified_user(username, password, throttle, remote_addr)

    await throttle.succeeded(username)
    token = new_secret()
    async with network_transaction(fresh=True) as tx:
        c = tx.connection
        if replaces_token:
            await c.execute(
                "update auth_session set revoked_at = now() where token_hash = $1"
                " and revoked_at is null",
                digest(replaces_token),
            )
        if needs_rehash(user["password_hash"]):
            await c.execute(
                "update staff_user set password_hash = $2 where id = $1",
                user["id"],
                hash_password(password),
            )
        session_id = await c.fetchval(
            """
            insert into auth_session (token_hash, user_id, kind, csrf_token, current_dealer_id,
                                      expires_at)
            values ($1, $2, $3, $4,
                    (select g.dealer_id from dealernet_grants($2) g order by g.dealer_id limit 1),
                    now() + $5::interval)
            returning id
            """,
            digest(token),
            user["id"],
            kind,
            secrets.token_urlsafe(24),
            LIFETIME[kind],
        )
        await _event(c, user["id"], username, "sign_in", remote_addr)
        row = await c.fetchrow(
            f"select {_SESSION_COLUMNS} from auth_session s join staff_user u on u.id = s.user_id"
            " where s.id = $1",
            session_id,
        )
    return IssuedSession(token, Session(**dict(row)))


async def resolve(token: str) -> Session | None:
    """The live session for ``token``; None when unknown, expired or revoked."""
    async with network_transaction(fresh=True) as tx:
        row = await tx.connection.fetchrow(
            f"""
            select {_SESSION_COLUMNS}, s.last_seen_at
              from auth_session s join staff_user u on u.id = s.user_id
             where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()
               and u.active
            """,
            digest(token),
        )
        if row is None:
            return None
        now = datetime.now(UTC)
        if now - row["last_seen_at"] > TOUCH_EVERY:
            await tx.connection.execute(
                """
                update auth_session
                   set last_seen_at = now(),
                       expires_at = case when kind = 'cookie' then now() + $2::interval
                                         else expires_at end
                 where id = $1
                """,
                row["id"],
                LIFETIME["cookie"],
            )
    values = dict(row)
    values.pop("last_seen_at")
    return Session(**values)


async def revoke(session_id: int) -> None:
    async with network_transaction(fresh=True) as tx:
        row = await tx.connection.fetchrow(
            "update auth_session s set revoked_at = now() from staff_user u"
            " where s.id = $1 and u.id = s.user_id and s.revoked_at is null"
            " returning u.id, u.username",
            session_id,
        )
        if row:
            await _event(tx.connection, row["id"], row["username"], "sign_out", "")


async def switch_dealer(session_id: int, dealer_id: int) -> None:
    async with network_transaction(fresh=True) as tx:
        await tx.connection.execute(
            "update auth_session set current_dealer_id = $2 where id = $1", session_id, dealer_id
        )


async def purge_expired(older_than: timedelta = timedelta(days=7)) -> int:
    """Delete sessions that ended more than ``older_than`` ago; the worker runs this."""
    async with network_transaction(fresh=True) as tx:
        result: str = await tx.connection.execute(
            "delete from auth_session"
            " where coalesce(revoked_at, expires_at) < now() - $1::interval",
            older_than,
        )
    return int(result.split()[-1])
