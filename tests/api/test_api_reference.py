"""The generated API reference matches the code, and its error catalog is complete."""

from __future__ import annotations

import re
from pathlib import Path

from api.api_docs import REFERENCE_PATH, permission_checks, reference
from api.error_catalog import ERROR_CODES
from api.schema import schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_reference_matches_the_schema() -> None:
    assert REFERENCE_PATH.read_text() == reference(), (
        "docs/api/reference.md is stale: run `make docs` and commit it"
    )


def test_every_error_code_in_the_code_base_is_in_the_catalog() -> None:
    pattern = re.compile(r'(?:\bcode\s*=\s*|"code":\s*)"([A-Z][A-Z_]+)"')
    found = {
        code
        for folder in ("api", "tenants", "policies")
        for path in (ROOT / folder).rglob("*.py")
        for code in pattern.findall(path.read_text())
    }
    assert {"FORBIDDEN", "RATE_LIMITED", "CAPACITY_FULL"} <= found, "the pattern is broken"
    assert found <= set(ERROR_CODES), f"not in api/error_catalog.py: {found - set(ERROR_CODES)}"
    classified = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"}  # set in classify()
    assert set(ERROR_CODES) <= found | classified, set(ERROR_CODES) - found - classified


def test_reference_names_every_root_field_and_the_permission_it_checks() -> None:
    text = reference()
    query = schema._schema.query_type
    assert query is not None
    for name in query.fields:
        assert f"### `{name}`" in text
    required, _ = permission_checks(query.fields["repairOrders"])
    assert required == ["repair_order:read"]
    section = text.split("### `repairOrders`", 1)[1].split("###", 1)[0]
    assert "**Permission:** `repair_order:read`" in section
    assert "**Partner scopes:** `repair_orders:read`" in section
