"""The committed contract matches the code: SDL drift, permission names, health."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from api.schema_export import sdl
from policies import catalog

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_matches_the_code() -> None:
    committed = (ROOT / "graphql" / "schema.graphql").read_text()
    assert committed == sdl(), "graphql/schema.graphql is stale: run `make schema` and commit it"


def test_every_permission_the_api_checks_is_in_the_catalog() -> None:
    pattern = re.compile(r'\.(?:require|write|allowed)\(\s*"([\w.]+)",\s*"(\w+)"')
    used = {
        match.groups()
        for path in (ROOT / "api").rglob("*.py")
        for match in pattern.finditer(path.read_text())
    }
    assert used, "the pattern found no checks at all"
    assert used <= set(catalog.PERMISSIONS), used - set(catalog.PERMISSIONS)


async def test_health_reports_both_services(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "postgres": "ok", "redis": "ok"}
