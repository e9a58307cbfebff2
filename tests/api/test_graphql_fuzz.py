"""Schema-driven fuzzing: schemathesis generates operations for every query and mutation
(hypothesis-graphql underneath) and sends them to the real app, as a signed-in service
manager and as a partner API key, over a warranty desk's data.

Checks on every answer: never a 5xx (schemathesis's ``not_a_server_error``), a
GraphQL-over-HTTP response body, every error with a code of the catalog
(api/error_catalog.py) and never ``INTERNAL_SERVER_ERROR`` (an unhandled error), no
traceback, file path, SQL or Python exception text in a message.

The app runs in the test's event loop (its database pool lives there); hypothesis runs
in a worker thread and hands each request to that loop, so shrinking still works on
real answers. Bounded by ``max_examples`` per principal; the run prints how many
requests it sent.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import os
import re
import time
from collections.abc import Iterator
from typing import Any

import asyncpg
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import Case
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.graphql.checks import GraphQLServerError
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.error_catalog import ERROR_CODES
from api.schema import schema as dealernet_schema
from graphql import (
    ArgumentNode,
    GraphQLObjectType,
    IntValueNode,
    Visitor,
    introspection_from_schema,
    parse,
    print_ast,
    visit,
)
from tenants.access import api_keys
from tenants.database import TenantScope, tenant_transaction
from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.warranty.factories_warranty import WarrantyDesk, make_warranty_desk

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("DN_FUZZ_EXAMPLES", "250"))
"""Generated operations per principal: about 30 s each on a loaded two-core machine.
``DN_FUZZ_EXAMPLES`` runs longer; ``DN_FUZZ_RANDOM=1`` another sequence than the fixed one."""
SKIPPED = frozenset({"Mutation.signOut"})
"""Would end the staff session the rest of the run signs in with."""
_LEAKS = re.compile(
    r"Traceback|File \"|site-packages|/work/|asyncpg|SQLSTATE|syntax error at or near"
    r"|relation \"|column \"|violates .* constraint|NoneType|object has no attribute"
    r"|(?:Key|Type|Value|Attribute|Index|Runtime|Assertion)Error\b|psycopg|redis\.",
)
_TOP_LEVEL = {"data", "errors", "extensions"}
REFUSALS = frozenset(ERROR_CODES) - {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE"}
"""Codes that answer the request (denied, not found, bad input...), not server failures.
Schemathesis counts any error with a ``path`` as a server error unless it carries one of
the few codes it knows; our errors all say which they are."""


def _mostly(valid: st.SearchStrategy[str], junk: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Four in five from ``valid`` (one_of would dedupe a repeated strategy)."""
    return st.integers(min_value=0, max_value=4).flatmap(lambda n: junk if n == 0 else valid)


def _register_scalars() -> None:
    """Our custom scalars, mostly well-formed (to reach the resolvers), sometimes not (to
    reach the parsers: those must answer BAD_USER_INPUT, never fail)."""
    from datetime import UTC
    from decimal import Decimal

    from schemathesis.graphql import nodes

    junk = st.text(max_size=12)
    decimals = st.decimals(
        min_value=Decimal(-1000), max_value=Decimal(10**7), places=2, allow_nan=False
    ).map(str)
    dates = st.dates().map(lambda d: d.isoformat())
    moments = st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
    scalars = {
        "Decimal": _mostly(decimals, junk),
        "Date": _mostly(dates, junk),
        "DateTime": _mostly(moments, junk),
    }
    for name, strategy in scalars.items():
        schemathesis.graphql.scalar(name, strategy.map(nodes.String))
    # IDs: mostly global IDs of real node types with small keys (the desk's rows), so
    # mutations and node lookups reach their resolvers; sometimes anything at all.
    node_types = sorted(
        name
        for name, type_ in dealernet_schema._schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and any(i.name == "Node" for i in type_.interfaces)
    )
    global_ids = st.builds(
        lambda type_name, key: base64.b64encode(f"{type_name}:{key}".encode()).decode(),
        st.sampled_from(node_types),
        st.integers(min_value=1, max_value=12),
    )
    schemathesis.graphql.scalar("ID", _mostly(global_ids, junk).map(nodes.String))
    json_values = st.one_of(
        junk.map(nodes.String), st.integers().map(nodes.Int), st.booleans().map(nodes.Boolean)
    )
    schemathesis.graphql.scalar("JSON", json_values)


_register_scalars()


def _fuzz_schema() -> Any:
    return schemathesis.graphql.from_dict(dict(introspection_from_schema(dealernet_schema._schema)))


class _PageSizes(Visitor):
    """Most generated ``first``/``last`` values into 0..100, so list resolvers run
    rather than refuse the page size; one in ten stays as generated."""

    def enter_argument(self, node: ArgumentNode, *_: Any) -> ArgumentNode | None:
        value = node.value
        if node.name.value in ("first", "last") and isinstance(value, IntValueNode):
            number = int(value.value)
            if number % 10:
                return ArgumentNode(
                    name=node.name, value=IntValueNode(value=str(abs(number) % 101))
                )
        return None


def _tame(case: Case) -> Case:
    if isinstance(case.body, str):
        case.body = print_ast(visit(parse(case.body), _PageSizes()))
    return case


def _strategy() -> st.SearchStrategy[Case]:
    operations = [result.ok() for result in _fuzz_schema().get_all_operations()]
    chosen = [op.as_strategy().map(_tame) for op in operations if op.label not in SKIPPED]
    assert len(chosen) > 250, "the schema lost its operations"
    return st.one_of(chosen)


def schemathesis_failures(case: Case, response: httpx.Response) -> list[Failure]:
    """Schemathesis's ``not_a_server_error`` (5xx, and GraphQL errors of the server) and
    ``response_schema_conformance`` (JSON object, data fits the query: no null in a
    non-null field), less its errors-with-a-path that our catalog labels as refusals."""
    try:
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])
    except FailureGroup as group:
        found = [f for f in group.exceptions if isinstance(f, Failure)]
    except Failure as failure:
        found = [failure]
    else:
        return []
    return [
        f
        for f in found
        if not (
            isinstance(f, GraphQLServerError)
            and all((e.get("extensions") or {}).get("code") in REFUSALS for e in f.errors)
        )
    ]


def problems(response: httpx.Response) -> Iterator[str]:
    """What is wrong with one answer, beyond schemathesis's own checks."""
    try:
        body = response.json()
    except ValueError:
        yield f"HTTP {response.status_code} without a JSON body: {response.text[:200]!r}"
        return
    if not isinstance(body, dict) or not set(body) <= _TOP_LEVEL or not body:
        yield f"not a GraphQL response: {str(body)[:200]}"
        return
    if "data" in body and body["data"] is not None and not isinstance(body["data"], dict):
        yield "data is neither an object nor null"
    errors = body.get("errors")
    if errors is None:
        if body.get("data") is None:
            yield "neither data nor errors"
        return
    if not isinstance(errors, list) or not errors:
        yield "errors is not a non-empty list"
        return
    for error in errors:
        message = error.get("message")
        code = (error.get("extensions") or {}).get("code")
        if not isinstance(message, str):
            yield f"an error without a message: {error}"
        elif "Cannot return null for non-nullable field" in message:
            yield f"null in a non-null field: {message}"
        elif _LEAKS.search(message):
            yield f"internal detail in {code}: {message[:300]}"
        if code not in ERROR_CODES:
            yield f"an error without a catalogued code: {error}"
        elif code == "INTERNAL_SERVER_ERROR":
            yield f"unhandled error at {error.get('path')}"
        for location in error.get("locations") or []:
            if set(location) != {"line", "column"}:
                yield f"a malformed location: {location}"


@dataclasses.dataclass
class Run:
    sent: int = 0
    statuses: dict[int, int] = dataclasses.field(default_factory=dict)
    codes: dict[str, int] = dataclasses.field(default_factory=dict)
    rules: dict[str, int] = dataclasses.field(default_factory=dict)

    def record(self, response: httpx.Response) -> None:
        self.sent += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        try:
            errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            errors = []
        for error in errors:
            extensions = error.get("extensions") or {}
            code = str(extensions.get("code"))
            self.codes[code] = self.codes.get(code, 0) + 1
            reason = (
                extensions.get("rule") or extensions.get("field") or extensions.get("permission")
            )
            if reason:
                self.rules[str(reason)] = self.rules.get(str(reason), 0) + 1


async def _fuzz(client: httpx.AsyncClient, headers: dict[str, str], label: str) -> Run:
    loop = asyncio.get_running_loop()
    run = Run()

    def send(case: Case) -> httpx.Response:
        kwargs = case.as_transport_kwargs(base_url="http://testserver")
        request = client.post(
            "/graphql", json=kwargs["json"], headers={**kwargs.get("headers", {}), **headers}
        )
        response = asyncio.run_coroutine_threadsafe(request, loop).result(timeout=60)
        run.record(response)
        return response

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=os.environ.get("DN_FUZZ_RANDOM") != "1",
        phases=(Phase.generate, Phase.shrink),
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy())
    def fuzz(case: Case) -> None:
        response = send(case)
        found = [f"{f.title}: {f.message}" for f in schemathesis_failures(case, response)]
        found += problems(response)
        assert not found, f"{case.operation.label}:\n{case.body!s}\n" + "\n".join(found)

    started = time.monotonic()
    await asyncio.to_thread(fuzz)
    print(
        f"\nfuzz {label}: {run.sent} generated requests in {time.monotonic() - started:.1f} s;"
        f" HTTP {dict(sorted(run.statuses.items()))}; codes {dict(sorted(run.codes.items()))};"
        f" most frequent rule/field/permission {sorted(run.rules.items(), key=lambda r: -r[1])[:6]}"
    )
    return run


@pytest.fixture
async def desk(app: Any, db: asyncpg.Connection) -> WarrantyDesk:
    made = await make_warranty_desk(db)
    await reload_policies(app)
    return made


@pytest.fixture
def roomy_budget(app: Any) -> Iterator[None]:
    """A cost budget the run cannot exhaust, so the key reaches the resolvers rather
    than RATE_LIMITED (whose arithmetic tests/api/test_cost_budget.py covers)."""
    original = app.state.settings
    app.state.settings = dataclasses.replace(original, cost_bucket_capacity=10**9)
    try:
        yield
    finally:
        app.state.settings = original


def test_the_checks_catch_what_they_look_for() -> None:
    leaked = httpx.Response(
        200,
        json={
            "data": None,
            "errors": [
                {"message": 'relation "x" does not exist', "extensions": {"code": "NOT_FOUND"}},
                {
                    "message": "Internal server error",
                    "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                },
                {"message": "no code"},
            ],
        },
    )
    found = list(problems(leaked))
    assert len(found) == 3, found
    assert list(problems(httpx.Response(200, json={"data": {"viewer": None}}))) == []
    assert list(problems(httpx.Response(200, text="<html>"))) != []


async def test_fuzz_as_staff_and_as_api_key(
    client: httpx.AsyncClient, desk: WarrantyDesk, roomy_budget: None
) -> None:
    staff = await bearer(client, desk.usernames["manager"])
    async with tenant_transaction(TenantScope.of([desk.dealer_id], user_id=desk.users["manager"])):
        issued = await api_keys.issue(
            dealer_id=desk.dealer_id, name="Fuzzing partner", role="partner_integration"
        )
    # The key first: the service manager's run may well revoke it (revokeApiKey with a
    # generated ApiKey id).
    as_key = await _fuzz(
        client,
        {"Authorization": f"Bearer {issued.secret}", "Accept": "application/graphql-response+json"},
        "API key (partner_integration)",
    )
    as_staff = await _fuzz(client, staff, "staff (service manager)")
    for run in (as_staff, as_key):
        assert run.sent >= MAX_EXAMPLES, run
        assert run.statuses.get(200, 0) > run.sent // 2, run
        assert run.codes.get("UNAUTHENTICATED", 0) < run.sent // 20, "signed out midway"
    assert as_staff.codes.get("FORBIDDEN", 0) < as_key.codes.get("FORBIDDEN", 0), (
        "the key (a narrow role) is refused more often than the service manager"
    )
