"""GraphQL over HTTP conformance, audited by ``graphql-http``'s own server audits.

``frontend/e2e/graphql_http_audit.mjs`` runs every audit of the pinned ``graphql-http``
against the live server. Every MUST has to pass; the SHOULDs we chose to meet are
listed in ``CHOSEN_SHOULDS`` and each must keep passing, so a regression names its
audit. The README's "GraphQL over HTTP" section says why the others are left out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.graphql_http import GRAPHQL_RESPONSE_JSON, wants_graphql_response_json
from tests.api.graphql_client import error_codes

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
SCRIPT = FRONTEND / "e2e" / "graphql_http_audit.mjs"
# The audits are about 60 small requests; a loaded two-core machine does them in seconds.
SCRIPT_TIMEOUT = 120

# SHOULD audits (graphql-http ids) that the server meets and must keep meeting.
CHOSEN_SHOULDS: dict[str, str] = {
    "22EB": "accept application/graphql-response+json and match the content-type",
    "47DE": "accept */* and use application/json for the content-type",
    "80D8": "assume application/json content-type when accept is missing",
    "9ABE": "4xx status code if content-type is not supplied on POST requests",
    "34A2": "string {query} when accepting application/graphql-response+json",
    "8161": "string {operationName} when accepting application/graphql-response+json",
    "94B0": "null {variables} when accepting application/graphql-response+json",
    "94B1": "null {operationName} when accepting application/graphql-response+json",
    "94B2": "null {extensions} when accepting application/graphql-response+json",
    "2EA1": "map {variables} when accepting application/graphql-response+json",
    "428F": "map {extensions} when accepting application/graphql-response+json",
    "BCF8": "400 on JSON parsing failure when accepting application/json",
    "B7N8": "400 on JSON parsing failure when accepting application/graphql-response+json",
    "572B": "200 on document parsing failure when accepting application/json",
    "FDE2": "200 on document validation failure when accepting application/json",
    "7B9B": "200 on variable coercion failure when accepting application/json",
    "865D": "4xx/5xx on document parsing failure (graphql-response+json)",
    "556A": "400 on document parsing failure (graphql-response+json)",
    "D586": "no data entry on document parsing failure (graphql-response+json)",
    "51FE": "4xx/5xx on document validation failure (graphql-response+json)",
    "74FF": "400 on document validation failure (graphql-response+json)",
    "5E5B": "no data entry on document validation failure (graphql-response+json)",
    "86EE": "400 on variable coercion failure (graphql-response+json)",
}


def _run_audit(base_url: str) -> list[dict[str, Any]]:
    if shutil.which("node") is None:
        pytest.fail("node is not installed: the audit needs Node 20.19+ (see frontend/README.md)")
    if not (FRONTEND / "node_modules" / "graphql-http").is_dir():
        pytest.fail("frontend/node_modules lacks graphql-http: run `make frontend` (npm ci)")
    try:
        result = subprocess.run(
            ["node", str(SCRIPT)],
            cwd=FRONTEND,
            env={**os.environ, "BASE_URL": base_url},
            capture_output=True,
            text=True,
            check=False,
            timeout=SCRIPT_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{SCRIPT.name} took over {SCRIPT_TIMEOUT} s")
    assert result.returncode == 0, f"{SCRIPT.name} failed:\n{result.stdout}\n{result.stderr}"
    results: list[dict[str, Any]] = json.loads(result.stdout.strip().splitlines()[-1])["results"]
    return results


@pytest.fixture(scope="module")
def audit(live_server: Any) -> dict[str, dict[str, Any]]:
    results = _run_audit(live_server.base_url)
    by_id = {r["id"]: r for r in results}
    assert len(by_id) == len(results), "graphql-http audit ids are not unique"
    return by_id


def _failures(audit: dict[str, dict[str, Any]], ids: list[str]) -> list[str]:
    return [
        f"{i} {audit[i]['name']}: {audit[i]['status']} - {audit[i].get('reason')}"
        for i in ids
        if audit[i]["status"] != "ok"
    ]


def test_every_must_passes(audit: dict[str, dict[str, Any]]) -> None:
    musts = [i for i, r in audit.items() if r["requirement"] == "MUST"]
    assert len(musts) >= 10, f"the audit ran too few MUSTs: {sorted(musts)}"
    assert not _failures(audit, musts)


def test_chosen_shoulds_pass(audit: dict[str, dict[str, Any]]) -> None:
    missing = sorted(set(CHOSEN_SHOULDS) - set(audit))
    assert not missing, f"graphql-http no longer has these audits: {missing}"
    for i in CHOSEN_SHOULDS:
        assert audit[i]["requirement"] == "SHOULD", f"{i} is {audit[i]['requirement']} now"
    assert not _failures(audit, list(CHOSEN_SHOULDS))


def test_no_audit_crashed(audit: dict[str, dict[str, Any]]) -> None:
    """A MAY or an unchosen SHOULD may fail, but never by the audit throwing."""
    crashed = [
        f"{i}: {r['reason']}" for i, r in audit.items() if "audit threw" in (r.get("reason") or "")
    ]
    assert not crashed


# In-process checks of the same negotiation (no node, no server): what the web app
# (urql) and API clients that only know application/json actually get.
URQL_ACCEPT = (
    "application/graphql-response+json, application/graphql+json, application/json, "
    "text/event-stream, multipart/mixed"
)


@pytest.mark.parametrize(
    ("accept", "wanted"),
    [
        (None, False),
        ("", False),
        ("*/*", False),
        ("application/json", False),
        (GRAPHQL_RESPONSE_JSON, True),
        (URQL_ACCEPT, True),
        ("application/json, application/graphql-response+json;q=0.5", False),
        ("application/json;q=0.5, application/graphql-response+json", True),
        ("application/graphql-response+json;q=0", False),
        ("application/graphql-response+json;q=oops, */*", False),
    ],
)
def test_accept_negotiation(accept: str | None, wanted: bool) -> None:
    assert wants_graphql_response_json(accept) is wanted


async def test_web_app_accept_gets_the_new_media_type(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": URQL_ACCEPT}
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
    assert response.json()["data"] == {"__typename": "Query"}


async def test_request_errors_are_400_without_data_for_the_new_media_type(
    client: httpx.AsyncClient,
) -> None:
    headers = {"accept": GRAPHQL_RESPONSE_JSON}
    for query, code in [
        ("{ nope", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
    ]:
        response = await client.post("/graphql", json={"query": query}, headers=headers)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE_JSON)
        body = response.json()
        assert "data" not in body
        assert error_codes(body) == [code]


async def test_application_json_keeps_200_and_data_null(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ nope }"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json()["data"] is None


async def test_execution_errors_stay_200_with_data(client: httpx.AsyncClient) -> None:
    """A resolver's refusal is not a request error: 200 and ``data`` even for the new type."""
    query = 'mutation { setHeadcount(input: {role: "cashier", planned: 1}) { planned } }'
    response = await client.post(
        "/graphql", json={"query": query}, headers={"accept": GRAPHQL_RESPONSE_JSON}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "data" in body
    assert error_codes(body) == ["UNAUTHENTICATED"]
