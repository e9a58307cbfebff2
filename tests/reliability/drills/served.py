"""The app as operators run it (``dealernet serve``, uvicorn in its own process) on a
database of the drill cluster, migrated and seeded with the demo network."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tenants.database import POOLER_URL_ENV
from tests.reliability.drills.cluster import ROOT, DrillCluster, migrate


@dataclass(frozen=True)
class Served:
    base_url: str
    process: subprocess.Popen[bytes]
    database_url: str
    log: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(cluster: DrillCluster, database: str, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.database_url(database),
        "REDIS_URL": cluster.redis_url(0),
        "DEALERNET_ENV": "test",
        **extra,
    }
    if POOLER_URL_ENV not in extra:
        env.pop(POOLER_URL_ENV, None)
    return env


TEMPLATE_PREFIX = "dealernet_drill_seeded_"


def _code_fingerprint() -> str:
    """Of everything the schema and the demo network come from: a template seeded from
    other code is not reused."""
    digest = hashlib.sha256()
    paths = [*(ROOT / "tenants").rglob("*"), *(ROOT / "policies").rglob("*"), ROOT / "api/cli.py"]
    for path in sorted(p for p in paths if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


async def prepare_database(cluster: DrillCluster, database: str) -> None:
    """A fresh database with the schema and the demo network (``dealernet seed``).

    Seeding takes a minute or two, so the seeded database is kept as a template (named
    by the code it came from) and each drill gets a copy of it, which takes a second."""
    template = TEMPLATE_PREFIX + await asyncio.to_thread(_code_fingerprint)
    if template not in await asyncio.to_thread(cluster.databases, f"{TEMPLATE_PREFIX}%"):
        for old in await asyncio.to_thread(cluster.databases, f"{TEMPLATE_PREFIX}%"):
            await asyncio.to_thread(cluster.drop_database, old)
        building = f"{template}_building"  # renamed once complete: no half-seeded template
        await asyncio.to_thread(cluster.create_database, building)
        await asyncio.to_thread(migrate, cluster.database_url(building))
        seeded = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "api.cli", "seed", "-q"],
            cwd=ROOT,
            env=app_env(cluster, building),
            capture_output=True,
            text=True,
            check=False,
        )
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        await asyncio.to_thread(cluster.psql, f'alter database "{building}" rename to "{template}"')
    await asyncio.to_thread(cluster.create_database, database, template)


@asynccontextmanager
async def serving(env: dict[str, str], log: Path) -> AsyncIterator[Served]:
    """``dealernet serve`` on a free port until the block ends; its log in ``log``."""
    port = _free_port()
    with log.open("ab") as sink:
        process = subprocess.Popen(  # noqa: ASYNC220 - started here, stopped below
            [
                sys.executable,
                "-m",
                "api.cli",
                "serve",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=sink,
            stderr=sink,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(1800):  # a loaded two-core machine can take 20 s to start it
                if process.poll() is not None:
                    raise RuntimeError(f"the app exited:\n{_tail(log)}")
                try:
                    if (await http.get(f"{base_url}/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise RuntimeError(f"the app did not become healthy:\n{_tail(log)}")
        yield Served(base_url, process, env["DATABASE_URL"], log)
    finally:
        process.terminate()
        try:
            await asyncio.to_thread(process.wait, 15)
        except subprocess.TimeoutExpired:
            process.kill()


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:]
