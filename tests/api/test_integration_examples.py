"""Every example operation of the partner guides runs without errors against a
factory-built dealer, by its persisted id, and the guides' recorded samples still have
the shape of what the API answers. ``make docs`` (DN_WRITE_SAMPLES=1) rewrites them."""

from __future__ import annotations

import os
from typing import Any

import asyncpg
import httpx

from tests.api.integration_examples_arrange import (
    ACCIDENT_PLATE,
    OPERATION_SCOPES,
    ExampleDealers,
    example_credentials,
    make_example_dealers,
)
from tests.api.integration_samples import (
    GUIDES,
    INTEGRATIONS,
    ROOT,
    examples,
    recorded,
    render,
    rewrite,
    shape,
)
from tests.conftest import reload_policies

WRITE = os.environ.get("DN_WRITE_SAMPLES") == "1"


def _variables(dealers: ExampleDealers) -> dict[str, dict[str, Any]]:
    return {
        "InsurerOpenRepairOrders": {"vehicle": ACCIDENT_PLATE},
        "InsurerRepairOrder": {"id": dealers.accident_order_id},
        "SupplierStockAvailability": {"search": "", "first": 10},
        "SupplierPurchaseOrders": {"status": ["ORDERED", "PARTIALLY_RECEIVED"], "first": 20},
        "SupplierPartsReceipts": {"first": 20},
        "ManufacturerSubmittedClaims": {"first": 20},
        "ManufacturerClaim": {"id": dealers.claim_id},
    }


def _has_content(data: dict[str, Any]) -> bool:
    """Something came back: every root field a node, or a connection with edges."""
    return all(
        value is not None and (not isinstance(value, dict) or value.get("edges", [None]) != [])
        for value in data.values()
    )


async def test_every_example_runs_and_matches_its_recorded_sample(
    app: object, client: httpx.AsyncClient, db: asyncpg.Connection
) -> None:
    dealers = await make_example_dealers(db, client, app)
    await reload_policies(app)
    found = examples()
    assert set(found) == set(OPERATION_SCOPES), "every example needs its scopes listed"
    variables = _variables(dealers)
    blocks: dict[str, dict[str, str]] = {i: {} for i in INTEGRATIONS}
    failures: list[str] = []
    for name, example in found.items():
        headers, credential = await example_credentials(client, dealers, name)
        response = await client.post(
            "/graphql",
            json={"documentId": f"sha256:{example.document_id}", "variables": variables[name]},
            headers={**headers, "Accept": "application/graphql-response+json"},
        )
        assert response.status_code == 200, (name, response.text)
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), (name, body["errors"])
        assert _has_content(body["data"]), (name, body["data"])
        assert body["extensions"]["cost"]["requested"] > 0, name
        blocks[example.integration][name] = render(example, variables[name], body, credential)
        if WRITE:
            continue
        guide = (GUIDES / f"{example.integration}.md").read_text()
        committed = recorded(guide).get(name)
        if committed is None:
            failures.append(f"{name}: no recorded sample in {example.integration}.md")
            continue
        if committed.document != example.document:
            failures.append(f"{name}: the guide shows another document than the example file")
        if set(committed.variables) != set(variables[name]):
            failures.append(f"{name}: the guide's variables differ")
        if shape(committed.response) != shape(body):
            failures.append(f"{name}: the recorded response has another shape than the API's")
    if WRITE:
        for integration, rendered in blocks.items():
            path = GUIDES / f"{integration}.md"
            path.write_text(rewrite(path.read_text(), rendered))
    assert not failures, "stale integration guides (run `make docs`):\n" + "\n".join(failures)


def test_readme_and_reference_link_every_guide() -> None:
    readme = (ROOT / "README.md").read_text()
    reference = (ROOT / "docs" / "api" / "reference.md").read_text()
    for integration in INTEGRATIONS:
        assert f"docs/integrations/{integration}.md" in readme, integration
        assert f"../integrations/{integration}.md" in reference, integration
