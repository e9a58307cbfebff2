"""The benchmark database: ``<name>_bench`` beside ``DATABASE_URL``, migrated from empty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import asyncpg

ROOT = Path(__file__).resolve().parent.parent


def base_url() -> str:
    return os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/dealernet")


def bench_url() -> str:
    parsed = urlparse(base_url())
    name = (parsed.path or "/dealernet").lstrip("/") or "dealernet"
    if name.endswith("_bench"):
        return base_url()
    return urlunparse(parsed._replace(path=f"/{name}_bench"))


async def recreate(url: str) -> None:
    name = urlparse(url).path.lstrip("/")
    admin = await asyncpg.connect(urlunparse(urlparse(url)._replace(path="/postgres")))
    try:
        await admin.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", name
        )
        await admin.execute(f'drop database if exists "{name}"')
        await admin.execute(f'create database "{name}"')
    finally:
        await admin.close()


def migrate(url: str) -> None:
    """The real migrations, as ``make migrate`` runs them."""
    env = {**os.environ, "DATABASE_URL": url, "DEALERNET_DB_AS_OWNER": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "all"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"migrations failed:\n{result.stdout}\n{result.stderr}")
