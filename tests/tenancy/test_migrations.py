"""`dealernet migrate` builds the schema from an empty database, and again is a no-op."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


async def _cli(*args: str, database_url: str) -> tuple[int, str]:
    """Run `dealernet <args>` as a user would, against ``database_url``."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DEALERNET_DB_AS_OWNER", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(errors="replace")


@pytest.fixture
async def empty_database() -> AsyncIterator[str]:
    """A throwaway database on the test server, dropped afterwards."""
    test_url = os.environ["DATABASE_URL"]  # the _pytest database, set by tests/conftest.py
    name = f"{urlparse(test_url).path.lstrip('/')}_migrate_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(_with_database(test_url, "postgres"))
    try:
        await admin.execute(f'create database "{name}"')
        yield _with_database(test_url, name)
    finally:
        await admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", name
        )
        await admin.execute(f'drop database if exists "{name}"')
        await admin.close()


async def _schema(url: str) -> dict[str, list[str]]:
    """What the migrations made: columns, constraints, policies, functions, applied ids."""
    connection = await asyncpg.connect(url)
    try:
        queries = {
            "columns": """
                select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
                  from information_schema.columns where table_schema = 'public'""",
            "constraints": """
                select conrelid::regclass::text || ' ' || pg_get_constraintdef(oid)
                  from pg_constraint where connamespace = 'public'::regnamespace""",
            "indexes": "select indexdef from pg_indexes where schemaname = 'public'",
            "policies": "select tablename || ' ' || policyname || ' ' || qual from pg_policies",
            "functions": """
                select oid::regprocedure::text from pg_proc
                 where pronamespace = 'public'::regnamespace""",
            "triggers": "select tgname from pg_trigger where not tgisinternal",
            "migrations": "select app_name || ' ' || name from migration",
        }
        return {
            key: sorted(str(row[0]) for row in await connection.fetch(sql))
            for key, sql in queries.items()
        }
    finally:
        await connection.close()


async def test_migrate_from_empty_then_again_changes_nothing(empty_database: str) -> None:
    code, out = await _cli("migrate", database_url=empty_database)
    assert code == 0, out
    first = await _schema(empty_database)
    assert {"dealer", "membership", "api_key", "audit_entry"} <= {
        column.split(".")[0] for column in first["columns"]
    }
    assert first["migrations"], "no migration recorded"
    assert first["policies"], "no RLS policy created"

    code, out = await _cli("migrate", database_url=empty_database)
    assert code == 0, out
    assert await _schema(empty_database) == first


async def test_cli_errors_are_one_line_and_non_zero() -> None:
    missing = _with_database(
        os.environ["DATABASE_URL"], f"dealernet_missing_{uuid.uuid4().hex[:8]}"
    )
    code, out = await _cli("users", database_url=missing)
    assert code != 0
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    assert lines[0].startswith("dealernet users: error:") and "does not exist" in lines[0]
