"""The PostgreSQL engine and the tenant transaction: the one door to tenant data.

The application connects as the non-owner role ``dealernet_app`` so that row-level
security applies; migrations connect as the owner. Every unit of work runs in a
transaction that first states which dealers it may see (``app.dealer_ids``), so a
query that forgets its ``dealer_id`` filter still returns nothing foreign.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

import asyncpg
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

APP_ROLE = "dealernet_app"
"""Role the application runs as; owns nothing, so RLS always applies to it."""

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/dealernet"


def database_url() -> str:
    return os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)


POOLER_URL_ENV = "DEALERNET_POOLER_URL"
"""Where the app's pool connects when a transaction pooler (pgbouncer, ``pool_mode =
transaction``) stands in front of PostgreSQL. ``DATABASE_URL`` stays the direct
connection: migrations and the policy store's LISTEN need a session of their own."""


def pooler_url() -> str | None:
    return os.environ.get(POOLER_URL_ENV) or None


class PooledConnection(asyncpg.Connection):
    """A connection through a transaction pooler (see ``connection_config``): marks it
    for ``init_connection``, which checks that row-level security applies to it."""


def connection_config(
    url: str | None = None, *, as_owner: bool = False, pooled: bool = False
) -> dict[str, Any]:
    """asyncpg keyword arguments for ``url``; the app role unless ``as_owner``.

    ``pooled``: through a transaction pooler, which hands out a server connection per
    transaction. Named prepared statements would stay behind on a server the next
    transaction may not get: without the statement cache asyncpg uses the unnamed
    statement, parsed and bound in one exchange (Parse, Describe, Flush, then Bind,
    Execute, Sync), which the pooler keeps on one server. No ``role`` startup
    parameter either (pgbouncer refuses unknown ones): the URL's user must be the
    app role itself, which ``init_connection`` checks."""
    parsed = urlparse(url or database_url())
    config: dict[str, Any] = {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "database": (parsed.path or "/postgres").lstrip("/"),
    }
    if parsed.password:
        config["password"] = parsed.password
    if pooled:
        config["statement_cache_size"] = 0
        config["connection_class"] = PooledConnection
        config["server_settings"] = {"application_name": "dealernet"}
    elif not as_owner:
        # `role` is not reset by the pool's RESET ALL, so every pooled connection
        # stays the unprivileged role for its whole life.
        config["server_settings"] = {"role": APP_ROLE, "application_name": "dealernet"}
    return config


def make_engine(url: str | None = None, *, as_owner: bool | None = None) -> PostgresEngine:
    if as_owner is None:
        as_owner = os.environ.get("DEALERNET_DB_AS_OWNER") == "1"
    pooler = pooler_url() if url is None and not as_owner else None
    return PostgresEngine(
        config=connection_config(pooler or url, as_owner=as_owner, pooled=pooler is not None)
    )


def engine() -> PostgresEngine:
    found = engine_finder()
    if not isinstance(found, PostgresEngine):
        raise RuntimeError("piccolo_conf.DB must be a PostgresEngine")
    return found


async def init_connection(connection: asyncpg.Connection) -> None:
    """JSON columns arrive as Python values, not strings. Behind a pooler, refuse a
    connection that is not the app role: row-level security would not apply to it."""
    if isinstance(connection, PooledConnection):
        user = await connection.fetchval("select current_user")
        if user != APP_ROLE:
            raise RuntimeError(
                f"{POOLER_URL_ENV} must log in as {APP_ROLE} (row-level security), not {user}"
            )
    for kind in ("json", "jsonb"):
        await connection.set_type_codec(
            kind, encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
        )


async def start_pool(min_size: int = 2, max_size: int = 20) -> bool:
    """Start the shared pool; False when one already runs (tests share it with the app),
    so that only whoever started it closes it."""
    if engine().pool is not None:
        return False
    await engine().start_connection_pool(min_size=min_size, max_size=max_size, init=init_connection)
    return True


async def close_pool() -> None:
    db = engine()
    if db.pool is not None:
        await db.close_connection_pool()


@dataclass(frozen=True)
class TenantScope:
    """The dealers a unit of work may touch, and on whose behalf it runs."""

    dealer_ids: tuple[int, ...]
    user_id: int | None = None
    api_key_id: int | None = None

    @classmethod
    def of(
        cls, dealer_ids: Iterable[int], user_id: int | None = None, api_key_id: int | None = None
    ) -> TenantScope:
        return cls(tuple(sorted(set(dealer_ids))), user_id, api_key_id)

    def pg_array(self) -> str:
        return "{" + ",".join(str(d) for d in self.dealer_ids) + "}"


CommitHook = Callable[[], Awaitable[None]]

log = logging.getLogger("dealernet.database")


@dataclass
class ActiveTransaction:
    scope: TenantScope
    connection: asyncpg.Connection
    before_commit: list[CommitHook] = field(default_factory=list)
    """Run in the transaction just before it commits; an error rolls it back."""
    after_commit: list[CommitHook] = field(default_factory=list)
    """Run once the transaction committed (notifications); errors are logged only."""
    notes: dict[str, Any] = field(default_factory=dict)
    """Per-transaction state of services that act on commit, keyed by module."""

    def on_commit(self, hook: CommitHook) -> None:
        self.after_commit.append(hook)


async def _run_after_commit(state: ActiveTransaction) -> None:
    """What others are told about a committed change must not undo the answer."""
    for hook in state.after_commit:
        try:
            await hook()
        except Exception:
            log.exception("after-commit hook failed")


_active: ContextVar[ActiveTransaction | None] = ContextVar("dealernet_tenant_tx", default=None)


def current_transaction() -> ActiveTransaction | None:
    return _active.get()


async def _discard(db: PostgresEngine, connection: Any) -> None:
    """Close a connection whose state is unknown and give its slot back to the pool
    (a no-op when Piccolo already released it)."""
    try:
        connection.terminate()
    except asyncpg.InterfaceError:
        return  # already back in the pool
    if db.pool is not None:
        await db.pool.release(connection)


@asynccontextmanager
async def _safe_transaction(db: PostgresEngine) -> AsyncIterator[PostgresTransaction]:
    """Piccolo's transaction, without its two leaks.

    graphql-core cancels sibling resolvers when a field fails. Cancelled between taking
    the connection and returning from ``BEGIN``, Piccolo's ``__aenter__`` never reaches
    ``__aexit__``; a failed rollback or commit in ``__aexit__`` skips the release. Either
    way the connection stayed checked out, idle in transaction, until the pool closed
    (forever, in a test session's teardown). Here such a connection is closed and its
    slot returned instead."""
    tx = db.transaction()
    try:
        await tx.__aenter__()
    except BaseException:
        connection = getattr(tx, "connection", None)
        if connection is not None:
            await _discard(db, connection)
        raise
    try:
        yield tx
    except BaseException as exc:
        try:
            await tx.__aexit__(type(exc), exc, exc.__traceback__)
        except BaseException:
            await _discard(db, tx.connection)
        raise
    try:
        await tx.__aexit__(None, None, None)
    except BaseException:
        await _discard(db, tx.connection)
        raise


@asynccontextmanager
async def tenant_transaction(
    scope: TenantScope, *, fresh: bool = False
) -> AsyncIterator[ActiveTransaction]:
    """Run a unit of work for ``scope`` in its own transaction.

    Joins an enclosing tenant transaction of the same scope (a mutation and the
    services it calls share one transaction). ``fresh=True`` always opens a new
    one: dataloader batches and sibling resolvers run concurrently, and one
    asyncpg connection cannot serve two queries at once.
    """
    active = _active.get()
    if active is not None and not fresh:
        if active.scope.dealer_ids != scope.dealer_ids:
            raise RuntimeError("nested tenant transaction with a different dealer scope")
        yield active
        return
    db = engine()
    outer = db.current_transaction.set(None)
    try:
        async with _safe_transaction(db) as tx:
            connection: asyncpg.Connection = tx.connection
            await connection.execute(
                "select set_config('app.dealer_ids', $1, true),"
                " set_config('app.user_id', $2, true)",
                scope.pg_array(),
                str(scope.user_id or ""),
            )
            state = ActiveTransaction(scope, connection)
            token = _active.set(state)
            try:
                yield state
                for hook in state.before_commit:
                    await hook()
            finally:
                _active.reset(token)
    finally:
        db.current_transaction.reset(outer)
    await _run_after_commit(state)


@asynccontextmanager
async def network_transaction(*, fresh: bool = False) -> AsyncIterator[ActiveTransaction]:
    """A transaction with no dealer in scope: reference tables only."""
    async with tenant_transaction(TenantScope(()), fresh=fresh) as tx:
        yield tx
