"""Cost arithmetic on hand-computed documents (the model is in api/schema/query_cost.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.schema import schema
from api.schema.query_cost import DEFAULT_PAGE, LIST_ESTIMATE, MUTATION_COST, query_cost
from api.schema.relay_conventions import MAX_PAGE
from api.settings import ROOT, Settings
from graphql import OperationDefinitionNode, parse, validate


def cost(query: str, variables: dict[str, Any] | None = None, operation: str | None = None) -> int:
    document = parse(query)
    assert validate(schema._schema, document) == [], "test documents must be valid"
    return query_cost(schema._schema, document, operation, variables)


PAGE = "edges { cursor node { id onHand } } pageInfo { hasNextPage endCursor }"


def test_connection_costs_itself_plus_a_node_per_requested_item() -> None:
    # 1 (connection) + 10 × 1 (node); edges, pageInfo and scalars are free.
    assert cost(f"{{ stockItems(first: 10) {{ {PAGE} }} }}") == 11


def test_default_page_size_when_first_is_absent() -> None:
    assert cost(f"{{ stockItems {{ {PAGE} }} }}") == 1 + DEFAULT_PAGE


def test_nested_connections_multiply() -> None:
    query = """{ stockItems(first: 5) { edges { node {
        id part { id }
        movements(first: 3) { edges { node { id } } }
    } } } }"""
    # per item: node 1 + part 1 + movements (1 + 3 × 1) = 6; total 1 + 5 × 6.
    assert cost(query) == 31


def test_variables_resolved_with_their_defaults() -> None:
    query = f"query($n: Int) {{ stockItems(first: $n) {{ {PAGE} }} }}"
    assert cost(query, {"n": 7}) == 8
    assert cost(query, {}) == 1 + DEFAULT_PAGE
    with_default = f"query($n: Int = 4) {{ stockItems(first: $n) {{ {PAGE} }} }}"
    assert cost(with_default, {}) == 5
    assert cost(with_default, {"n": 2}) == 3


def test_fragments_and_inline_fragments_are_expanded() -> None:
    query = """
    query Stock { ...Root }
    fragment Root on Query { stockItems(first: 2) { edges { node { ...Item } } } }
    fragment Item on StockItem {
      id
      ... on StockItem { movements(first: 3) { edges { node { id } } } }
    }
    """
    # 1 + 2 × (node 1 + movements (1 + 3))
    assert cost(query) == 11


def test_fields_merged_by_response_key_like_execution() -> None:
    query = """
    { stockItems(first: 2) { edges { node { id } } } ...More }
    fragment More on Query {
      stockItems(first: 2) { edges { node { part { id } } } }
    }
    """
    # One stockItems executed: 1 + 2 × (node 1 + part 1).
    assert cost(query) == 5


def test_aliases_are_counted_each() -> None:
    query = """{
      a: stockItems(first: 2) { edges { node { id } } }
      b: stockItems(first: 3) { edges { node { id } } }
      c: stockItems(first: 3) { edges { node { id } } }
    }"""
    assert cost(query) == 3 + 4 + 4


def test_introspection_is_free() -> None:
    assert (
        cost("{ __schema { types { name fields { name type { name ofType { name } } } } } }") == 0
    )
    assert cost('{ __type(name: "StockItem") { fields { name } } __typename }') == 0


def test_abstract_types_charge_the_costliest_possible_type() -> None:
    query = """{ node(id: "x") {
      id
      ... on RepairOrder { customer { id } vehicle { id } advisor { id } }
      ... on StockItem { part { id } }
    } }"""
    assert cost(query) == 1 + 3


def test_unpaged_lists_are_priced_per_estimated_item() -> None:
    # appointments: 10 items × (1 + customer 1)
    assert cost("{ appointments { id customer { id } } }") == LIST_ESTIMATE * 2


def test_registry_prices_expensive_resolvers() -> None:
    assert cost("{ regionDashboard { month } }") == 50
    assert cost("{ workshopBoard { __typename } }") == 20


def test_mutation_root_fields_cost_more() -> None:
    query = 'mutation { revokeApiKey(id: "x") { id revokedAt } }'
    assert cost(query) == MUTATION_COST


def test_skip_and_include_honoured() -> None:
    query = """query($s: Boolean!) {
      stockItems(first: 4) @skip(if: $s) { edges { node { id } } }
      viewer @include(if: $s) { displayName }
    }"""
    assert cost(query, {"s": True}) == 1
    assert cost(query, {"s": False}) == 5


def test_operation_name_selects_the_operation() -> None:
    query = f"""
    query Small {{ stockItems(first: 1) {{ {PAGE} }} }}
    query Large {{ stockItems(first: 9) {{ {PAGE} }} }}
    """
    assert cost(query, operation="Small") == 2
    assert cost(query, operation="Large") == 10


def test_requested_page_size_counts_even_beyond_the_maximum() -> None:
    """The price of what is asked: a huge page is refused as too costly, not run."""
    assert cost(f"{{ stockItems(first: 1000000) {{ {PAGE} }} }}") == 1_000_001


def _frontend_operations() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "graphql" / "operations").glob("*.graphql")):
        text = path.read_text()
        for definition in parse(text).definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                found.append((str(Path(path).name), definition.name.value))
    return found


@pytest.mark.parametrize(("file", "operation"), _frontend_operations())
def test_every_frontend_operation_fits_the_limit_at_the_largest_page(
    file: str, operation: str
) -> None:
    text = (ROOT / "graphql" / "operations" / file).read_text()
    variables = {"first": MAX_PAGE, "last": MAX_PAGE}
    assert (
        query_cost(schema._schema, parse(text), operation, variables) <= Settings().max_query_cost
    )


def test_buckets_hold_the_largest_allowed_request() -> None:
    settings = Settings()
    assert settings.cost_bucket_capacity >= settings.max_query_cost
