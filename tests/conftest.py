"""Test set-up: a fresh database migrated from empty for each run, real Redis.

The database under test is ``<name>_pytest`` on the server of ``DATABASE_URL``
(``TEST_DATABASE_URL`` overrides); Redis is database 15 of ``REDIS_URL``. Both are
set in the environment before any application module builds its engine.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import pytest

ROOT = Path(__file__).resolve().parent.parent
BASE_DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/dealernet")


def _test_database_url() -> str:
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        return explicit
    parsed = urlparse(BASE_DATABASE_URL)
    name = (parsed.path or "/dealernet").lstrip("/") or "dealernet"
    return urlunparse(parsed._replace(path=f"/{name}_pytest"))


def _test_redis_url() -> str:
    parsed = urlparse(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return urlunparse(parsed._replace(path="/15"))


TEST_DATABASE_URL = _test_database_url()
os.environ["DATABASE_URL"] = TEST_DATABASE_URL
os.environ["REDIS_URL"] = _test_redis_url()
os.environ.setdefault("DEALERNET_ENV", "test")


def _admin_url(url: str) -> str:
    return urlunparse(urlparse(url)._replace(path="/postgres"))


async def _recreate_database() -> None:
    name = urlparse(TEST_DATABASE_URL).path.lstrip("/")
    connection = await asyncpg.connect(_admin_url(TEST_DATABASE_URL))
    try:
        await connection.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", name
        )
        await connection.execute(f'drop database if exists "{name}"')
        await connection.execute(f'create database "{name}"')
    finally:
        await connection.close()


def migrate_from_empty() -> subprocess.CompletedProcess[str]:
    """Run the real migration command, as `make migrate` does."""
    env = {**os.environ, "DATABASE_URL": TEST_DATABASE_URL, "DEALERNET_DB_AS_OWNER": "1"}
    return subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
async def migrated_database() -> AsyncIterator[str]:
    await _recreate_database()
    result = migrate_from_empty()
    assert result.returncode == 0, result.stdout + result.stderr
    yield TEST_DATABASE_URL


@pytest.fixture(scope="session")
async def owner(migrated_database: str) -> AsyncIterator[asyncpg.Connection]:
    """A superuser connection for arranging data past RLS and for inspecting it."""
    connection = await asyncpg.connect(migrated_database)
    yield connection
    await connection.close()


@pytest.fixture(scope="session")
async def pool(migrated_database: str) -> AsyncIterator[None]:
    from tenants.database import close_pool, start_pool

    await start_pool(min_size=1, max_size=10)
    yield
    await close_pool()


async def truncate_all(connection: asyncpg.Connection) -> None:
    tables = await connection.fetch(
        "select tablename from pg_tables where schemaname = 'public' and tablename <> 'migration'"
    )
    if not tables:
        return
    names = ", ".join(f'"{row["tablename"]}"' for row in tables)
    # The audit log refuses deletes by trigger; truncate is the owner's reset. A policy
    # store reloading on NOTIFY may read these tables meanwhile: a deadlock is retried.
    for attempt in range(5):
        try:
            await connection.execute(f"truncate {names} restart identity cascade")
            return
        except asyncpg.DeadlockDetectedError:
            if attempt == 4:
                raise


@pytest.fixture
async def db(owner: asyncpg.Connection, pool: None) -> AsyncIterator[asyncpg.Connection]:
    """A clean schema for one test: every table emptied after it."""
    yield owner
    await truncate_all(owner)


@pytest.fixture(scope="session")
async def app(pool: None) -> AsyncIterator[object]:
    """The real Litestar app, run in the tests' own event loop."""
    from api.app import create_app, lifespan

    application = create_app()
    # Our own lifespan, not Litestar's: its anyio task group cannot be left from the
    # other task pytest-asyncio finalizes session fixtures in.
    async with lifespan(application):
        yield application


@pytest.fixture
async def client(app: object, db: asyncpg.Connection) -> AsyncIterator[object]:
    import httpx
    from redis.asyncio import Redis

    redis = Redis.from_url(os.environ["REDIS_URL"])
    await redis.flushdb()
    await redis.aclose()
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def reload_policies(app: object) -> None:
    """Grants arranged by factories take effect without waiting for NOTIFY."""
    await app.state.policies.reload()  # type: ignore[attr-defined]


class LiveServer:
    """The app served by uvicorn in a subprocess, on the test database, with the demo network."""

    def __init__(self, base_url: str, users: dict[str, str]) -> None:
        self.base_url = base_url
        self.users = users


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
async def live_server(owner: asyncpg.Connection) -> AsyncIterator[LiveServer]:
    import asyncio
    import functools
    import json

    import httpx

    await truncate_all(owner)
    env = {**os.environ, "DEALERNET_ENV": "test"}
    cli = [sys.executable, "-m", "api.cli"]
    run = functools.partial(subprocess.run, cwd=ROOT, env=env, capture_output=True, text=True)
    seeded = await asyncio.to_thread(run, [*cli, "seed"])
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    listed = await asyncio.to_thread(run, [*cli, "users", "--json"])
    assert listed.returncode == 0, listed.stderr
    users = {u["username"]: u["password"] for u in json.loads(listed.stdout)}

    port = _free_port()
    process = subprocess.Popen(  # noqa: ASYNC220 - starts the server, does not wait for it
        [*cli, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            # Up to 90 s: a loaded two-core machine can take 20 s to import and start.
            for _ in range(1800):
                if process.poll() is not None:
                    raise RuntimeError(
                        f"server exited: {process.stderr.read() if process.stderr else ''}"
                    )
                try:
                    if (await http.get(f"{base_url}/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError("server did not become healthy")
        yield LiveServer(base_url, users)
    finally:
        process.terminate()
        process.wait(timeout=10)
        await truncate_all(owner)
