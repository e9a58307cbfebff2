"""Persisted queries: the committed manifest, execution by id, persisted-only API keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from api.persisted_queries import (
    MANIFEST_PATH,
    build_manifest,
    canonical_documents,
    document_hash,
    registered,
    render_manifest,
)
from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network

ISSUE = 'mutation { issueApiKey(name: "Insurer PICC", role: "partner_integration") { key apiKey { id persistedOnly } } }'
SET_MODE = """
mutation($id: ID!, $on: Boolean!) {
  setApiKeyPersistedOnly(id: $id, persistedOnly: $on) { id persistedOnly }
}
"""
COMPLAINT_COUNTS = (
    "query ComplaintCounts {\n  complaintCounts {\n    status\n    total\n    overdue\n  }\n}"
)
COMPLAINT_COUNTS_HASH = "51d9a40b5cbd495b0c95a11b690b008050e8a28302a87ab6fcacfa2bab28d02f"
VIEWER_HASH = document_hash(
    canonical_documents(
        p.read_text() for p in sorted(MANIFEST_PATH.parent.joinpath("operations").glob("*.graphql"))
    )["Viewer"]
)


def apq(document_id: str) -> dict[str, Any]:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": document_id}}}


async def post(
    client: httpx.AsyncClient, payload: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    response = await client.post("/graphql", json=payload, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def issue_key(client: httpx.AsyncClient, manager: dict[str, str]) -> tuple[str, str]:
    """A partner key: (its global id, the Authorization headers that use it)."""
    issued = (await gql(client, ISSUE, headers=manager))["data"]["issueApiKey"]
    assert issued["apiKey"]["persistedOnly"] is False
    return issued["apiKey"]["id"], {"Authorization": f"Bearer {issued['key']}"}


@pytest.fixture
def persisted_only_everywhere(app: Any) -> Iterator[None]:
    """``DEALERNET_PERSISTED_ONLY=1`` for the running app (its settings object)."""
    original = app.state.settings
    app.state.settings = dataclasses.replace(original, persisted_only=True)
    try:
        yield
    finally:
        app.state.settings = original


def test_committed_manifest_matches_the_operations() -> None:
    assert MANIFEST_PATH.read_text() == render_manifest(build_manifest()), (
        "graphql/persisted.json is stale: run `make persisted` and commit it"
    )


def test_known_operation_hashes_to_its_canonical_print() -> None:
    assert document_hash(COMPLAINT_COUNTS) == COMPLAINT_COUNTS_HASH
    assert registered()[COMPLAINT_COUNTS_HASH] == COMPLAINT_COUNTS
    # Layout and comments do not change the id; the fragments used come along, sorted.
    reformatted = canonical_documents(
        [
            "# counts\nquery   ComplaintCounts{complaintCounts{status,total overdue}}",
            "query Q { viewer { ...B } } fragment B on Viewer { kind ...A } "
            "fragment A on Viewer { username } fragment Unused on Viewer { locale }",
        ]
    )
    assert document_hash(reformatted["ComplaintCounts"]) == COMPLAINT_COUNTS_HASH
    assert reformatted["Q"] == (
        "query Q {\n  viewer {\n    ...B\n  }\n}\n\n"
        "fragment A on Viewer {\n  username\n}\n\n"
        "fragment B on Viewer {\n  kind\n  ...A\n}"
    )


def test_manifest_refuses_anonymous_operations_and_missing_fragments() -> None:
    with pytest.raises(ValueError, match="must be named"):
        canonical_documents(["{ viewer { kind } }"])
    with pytest.raises(ValueError, match="undefined fragment Nope"):
        canonical_documents(["query Q { viewer { ...Nope } }"])


async def test_persisted_ids_run_the_registered_document(
    client: httpx.AsyncClient, network: Network
) -> None:
    manager = await bearer(client, "manager_a")
    ad_hoc = await gql(client, registered()[VIEWER_HASH], headers=manager)
    assert not ad_hoc.get("errors") and ad_hoc["data"]["viewer"]["username"] == "manager_a"

    by_apq = await post(client, apq(VIEWER_HASH), manager)
    by_document_id = await post(client, {"documentId": VIEWER_HASH}, manager)
    prefixed = await post(client, {"documentId": f"sha256:{VIEWER_HASH}"}, manager)
    assert by_apq == by_document_id == prefixed == ad_hoc

    # The query may come along (APQ clients do) but must be the registered one.
    both = await post(client, {"query": registered()[VIEWER_HASH], **apq(VIEWER_HASH)}, manager)
    assert both == ad_hoc
    other = await post(client, {"query": "{ viewer { kind } }", **apq(VIEWER_HASH)}, manager)
    assert error_codes(other) == ["PERSISTED_QUERY_HASH_MISMATCH"]


async def test_unknown_ids_are_refused(client: httpx.AsyncClient, network: Network) -> None:
    manager = await bearer(client, "manager_a")
    unknown = document_hash("{ viewer { kind } }")
    for payload in (apq(unknown), {"documentId": unknown}):
        body = await post(client, payload, manager)
        assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert body["errors"][0]["extensions"]["documentId"] == unknown
        assert body["data"] is None
    # Sending the text does not register it: the manifest is the only source.
    body = await post(client, {"query": "{ viewer { kind } }", **apq(unknown)}, manager)
    assert error_codes(body) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert error_codes(await post(client, apq(unknown), manager)) == ["PERSISTED_QUERY_NOT_FOUND"]
    # Neither a query nor an id: still the plain HTTP 400 of a request without a query.
    assert (await client.post("/graphql", json={}, headers=manager)).status_code == 400


async def test_persisted_only_key(client: httpx.AsyncClient, network: Network, db: Any) -> None:
    manager = await bearer(client, "manager_a")
    key_id, partner = await issue_key(client, manager)
    ad_hoc = await gql(client, "{ viewer { kind } }", headers=partner)
    assert ad_hoc["data"]["viewer"]["kind"] == "API_KEY", "ad-hoc queries until switched"

    switched = await gql(client, SET_MODE, {"id": key_id, "on": True}, headers=manager)
    assert switched["data"]["setApiKeyPersistedOnly"] == {"id": key_id, "persistedOnly": True}
    refused = await gql(client, "{ viewer { kind } }", headers=partner)
    assert error_codes(refused) == ["PERSISTED_QUERY_REQUIRED"]
    assert refused["data"] is None
    by_hash = await post(client, apq(VIEWER_HASH), partner)
    assert not by_hash.get("errors") and by_hash["data"]["viewer"]["kind"] == "API_KEY"

    # The person who manages keys is not affected, and can switch the mode back.
    back = await gql(client, SET_MODE, {"id": key_id, "on": False}, headers=manager)
    assert back["data"]["setApiKeyPersistedOnly"]["persistedOnly"] is False
    assert (await gql(client, "{ viewer { kind } }", headers=partner))["data"]
    actions = [r["action"] for r in await db.fetch("select action from audit_entry order by id")]
    assert actions.count("api_key.set_persisted_only") == 2


@pytest.mark.usefixtures("persisted_only_everywhere")
async def test_setting_makes_every_key_persisted_only(
    client: httpx.AsyncClient, network: Network
) -> None:
    manager = await bearer(client, "manager_a")
    _, partner = await issue_key(client, manager)
    refused = await gql(client, "{ viewer { kind } }", headers=partner)
    assert error_codes(refused) == ["PERSISTED_QUERY_REQUIRED"]
    assert (await post(client, {"documentId": VIEWER_HASH}, partner))["data"]["viewer"]
    # Signed-in people (the frontend) may still send ad-hoc queries.
    assert (await gql(client, "{ viewer { kind } }", headers=manager))["data"]["viewer"]


async def test_only_key_managers_switch_the_mode(
    client: httpx.AsyncClient, network: Network
) -> None:
    manager = await bearer(client, "manager_a")
    key_id, partner = await issue_key(client, manager)
    advisor = await gql(
        client, SET_MODE, {"id": key_id, "on": True}, headers=await bearer(client, "advisor_a")
    )
    assert error_codes(advisor) == ["FORBIDDEN"]
    assert advisor["errors"][0]["extensions"]["permission"] == "api_key:manage"
    itself = await gql(client, SET_MODE, {"id": key_id, "on": False}, headers=partner)
    assert error_codes(itself) == ["FORBIDDEN"]
