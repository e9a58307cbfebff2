"""Hostile input: oversized, deeply nested, self-multiplying, malformed and mistyped
requests. None may get a 5xx, a traceback or internal text; every GraphQL error
carries a stable ``extensions.code``; each is answered promptly.

Defects this drill found and that are fixed: a fragment bomb (fragments spreading the
previous one twice, 30 deep: 1 KB, 2^30 fields once expanded) held a worker for hours
in the depth and alias rules (api/schema/expanded_size.py); a body that is not UTF-8,
nests too deep to decode or is a bare JSON scalar was a 500 (api/graphql_http.py); a
variable of the wrong type was INTERNAL_SERVER_ERROR (api/schema/error_codes.py).
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest

from tests.api.graphql_client import bearer
from tests.conftest import reload_policies
from tests.factories import Network, make_network
from tests.reliability.figures import record

INTERNAL_TEXT = re.compile(
    r"Traceback|File \"|\.py\b|site-packages|asyncpg|psycopg|sqlstate|"
    r"(Key|Attribute|Type|Recursion|UnicodeDecode|Value)Error|internal server error",
    re.IGNORECASE,
)
CODE = re.compile(r"^[A-Z][A-Z_]+$")
PROMPT_SECONDS = 10.0
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"


@dataclass
class Case:
    name: str
    request: dict[str, Any]
    status: set[int] = field(default_factory=lambda: {200})
    codes: set[str] | None = None
    """When set, the answer's error codes must be among these (and there must be one)."""
    authenticated: bool = False


def _fragment_bomb(levels: int) -> str:
    fragments = ["fragment F0 on Query { roleCatalog { role { key } } }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)]
    return f"query {{ ...F{levels - 1} }} " + " ".join(fragments)


def _gql(query: str, variables: object = None, **extra: object) -> dict[str, Any]:
    body: dict[str, Any] = {"query": query, **extra}
    if variables is not None:
        body["variables"] = variables
    return {"json": body}


def _raw(content: bytes, content_type: str = "application/json") -> dict[str, Any]:
    return {"content": content, "headers": {"content-type": content_type}}


SEARCH = "query($s: String!) { customers(search: $s) { edges { node { id name } } } }"
CREATE = (
    "mutation($n: String!, $p: String!) { createCustomer(input: {name: $n, phone: $p})"
    " { id name } }"
)
NESTED = (
    "{ viewer { currentDealer { " + "region { dealers { " * 10 + "code" + " } }" * 10 + " } } }"
)

CASES: list[Case] = [
    # The body itself.
    Case("oversized body", _gql("{ __typename }", {"pad": "x" * 1_200_000}), {413}),
    Case("malformed JSON", _raw(b'{"query": "{ __typename }"'), {400}),
    Case("invalid UTF-8", _raw(b'{"query": "\xff\xfe{ __typename }"}'), {400}),
    Case("empty body", _raw(b""), {400}),
    Case("JSON scalar body", _raw(b'"{ __typename }"'), {400}),
    Case(
        "JSON nested 100k deep",
        _raw(
            b'{"query": "{ __typename }", "variables": {"a": '
            + b"[" * 100_000
            + b"]" * 100_000
            + b"}}"
        ),
        {400},
    ),
    Case("batched array", {"json": [{"query": "{ __typename }"}] * 50}, {400}),
    Case("text/plain", _raw(b'{"query": "{ __typename }"}', "text/plain"), {400}),
    Case(
        "form-urlencoded",
        _raw(b"query=%7B+__typename+%7D", "application/x-www-form-urlencoded"),
        {400},
    ),
    Case("application/graphql", _raw(b"{ __typename }", "application/graphql"), {400}),
    Case("XML", _raw(b"<query>{ __typename }</query>", "application/xml"), {400}),
    Case("multipart without operations", {"files": {"x": ("a.txt", b"b")}}, {400}),
    Case("query not a string", {"json": {"query": 123}}, {400}),
    Case("query missing", {"json": {"variables": {}}}, {400}),
    Case("variables a string", _gql("{ __typename }", "x"), {400}),
    Case("extensions a list", _gql("{ __typename }", None, extensions=[1]), {400}),
    Case("unknown operationName", _gql("query A { __typename }", None, operationName="B"), {400}),
    # The document.
    Case("NUL in the document", _gql("{ __typename }\u0000"), codes={"GRAPHQL_PARSE_FAILED"}),
    Case("deeply nested", _gql(NESTED), codes={"GRAPHQL_VALIDATION_FAILED"}),
    Case(
        "introspection ofType 40 deep",
        _gql("{ __schema { types { " + "ofType { " * 40 + "name" + " }" * 40 + " } } }"),
    ),
    Case(
        "introspection fields cycle",
        _gql("{ __schema { types { " + "fields { type { " * 10 + "name" + " } }" * 10 + " } } }"),
        codes={"GRAPHQL_VALIDATION_FAILED"},
    ),
    Case(
        "alias bomb",
        _gql("{ " + " ".join(f"a{i}: roleCatalog {{ role {{ key }} }}" for i in range(300)) + " }"),
        codes={"GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"},
    ),
    Case(
        "fragment bomb (2^30 fields)", _gql(_fragment_bomb(30)), codes={"GRAPHQL_VALIDATION_FAILED"}
    ),
    Case(
        "fragment cycle",
        _gql("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        codes={"GRAPHQL_VALIDATION_FAILED"},
    ),
    Case("token flood", _gql("{ " + "__typename " * 6000 + "}"), codes={"GRAPHQL_PARSE_FAILED"}),
    Case(
        "directive flood",
        _gql("{ viewer " + "@include(if: true) " * 1500 + "{ username } }"),
        codes={"GRAPHQL_PARSE_FAILED"},
    ),
    Case(
        "two operations, no name", _gql("query A { __typename } query B { __typename }"), {200, 400}
    ),
    Case("unknown field", _gql("{ nope }"), codes={"GRAPHQL_VALIDATION_FAILED"}),
    # Values.
    Case(
        "first: 2^31-1",
        _gql("{ customers(first: 2147483647) { edges { cursor } } }"),
        codes={"BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case(
        "first: beyond Int",
        _gql("{ customers(first: 99999999999) { edges { cursor } } }"),
        codes={"GRAPHQL_VALIDATION_FAILED"},
        authenticated=True,
    ),
    Case(
        "first: negative",
        _gql("{ customers(first: -5) { edges { cursor } } }"),
        codes={"BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case(
        "variable of the wrong type",
        _gql("query($f: Int) { customers(first: $f) { edges { cursor } } }", {"f": "ten"}),
        codes={"BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case(
        "input object given a string",
        _gql("mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }", {"i": "x"}),
        codes={"BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case(
        "missing required variable", _gql(SEARCH, {}), codes={"BAD_USER_INPUT"}, authenticated=True
    ),
    Case(
        "bad Date variable",
        _gql(
            "query($d: Date!) { partsKpis(from: $d, to: $d) { __typename } }", {"d": "31/02/2025"}
        ),
        codes={"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"},
        authenticated=True,
    ),
    Case(
        "string literal for an Int",
        _gql('mutation { setHeadcount(input: {role: "cashier", planned: "lots"}) { planned } }'),
        codes={"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case("not a global ID", _gql('{ node(id: "%%%") { id } }'), {200}, authenticated=True),
    Case("900 KB string variable", _gql(SEARCH, {"s": "x" * 900_000}), authenticated=True),
    Case("50,000 unused variables", _gql("{ __typename }", {f"v{i}": i for i in range(50_000)})),
    Case(
        "NUL in a search",
        _gql(SEARCH, {"s": "a\u0000b"}),
        codes={"BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case(
        "NUL in stored text",
        _gql(CREATE, {"n": "a\u0000b", "p": "13900000001"}),
        codes={"BAD_USER_INPUT"},
        authenticated=True,
    ),
    Case(
        "SQL in a search",
        _gql(SEARCH, {"s": "x' or '1'='1'; drop table customer; --"}),
        authenticated=True,
    ),
]


def _problems(case: Case, response: httpx.Response, seconds: float) -> list[tuple[str, str]]:
    """(kind, detail) of everything wrong with one answer."""
    out = []
    if response.status_code >= 500:
        out.append(("server_errors", f"status {response.status_code}"))
    elif response.status_code not in case.status:
        out.append(("unexpected_status", f"{response.status_code}, not {sorted(case.status)}"))
    if INTERNAL_TEXT.search(response.text):
        out.append(("internal_text", repr(response.text[:300])))
    if seconds > PROMPT_SECONDS:
        out.append(("slow_answers", f"took {seconds:.1f} s"))
    if "json" not in response.headers.get("content-type", ""):
        return out
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    codes = [(e.get("extensions") or {}).get("code") for e in errors or []]
    if any(not isinstance(c, str) or not CODE.match(c) for c in codes):
        out.append(("errors_without_code", str(errors)))
    if "INTERNAL_SERVER_ERROR" in codes:
        out.append(("internal_errors", str(errors)))
    if case.codes is not None and (not codes or not set(codes) <= case.codes):
        out.append(("unexpected_codes", f"{codes}, not {sorted(case.codes)}"))
    return out


@pytest.fixture
async def network(app: object, db: asyncpg.Connection) -> Network:
    net = await make_network(db)
    await reload_policies(app)
    return net


async def test_hostile_requests_get_clean_answers(
    client: httpx.AsyncClient, network: Network
) -> None:
    headers = await bearer(client, "advisor_a")
    problems: list[str] = []
    kinds: Counter[str] = Counter()
    requests = 0
    slowest = 0.0
    for case in CASES:
        # Both media types: a GraphQL-over-HTTP client may get 400 for a request error.
        for accept in ("application/json", GRAPHQL_RESPONSE_JSON):
            request = {**case.request}
            request["headers"] = {
                **request.get("headers", {}),
                **(headers if case.authenticated else {}),
                "accept": accept,
            }
            expected = case
            if accept == GRAPHQL_RESPONSE_JSON and case.status == {200}:
                expected = Case(case.name, case.request, {200, 400}, case.codes)
            started = time.monotonic()
            response = await client.post("/graphql", **request)
            seconds = time.monotonic() - started
            slowest = max(slowest, seconds)
            requests += 1
            for kind, detail in _problems(expected, response, seconds):
                kinds[kind] += 1
                problems.append(f"{case.name} ({accept}): {kind}: {detail}")
    record(
        "hostile_input",
        cases=len(CASES),
        requests=requests,
        faults_injected=requests,
        server_errors=kinds["server_errors"],
        internal_errors=kinds["internal_errors"],
        internal_text=kinds["internal_text"],
        errors_without_code=kinds["errors_without_code"],
        slowest_answer_seconds=round(slowest, 2),
    )
    assert not problems, "\n".join(problems)


async def test_hostile_text_is_stored_and_returned_verbatim(
    client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    """SQL and HTML in strings are data: stored as sent, answered as JSON strings, and
    the table is still there."""
    headers = await bearer(client, "advisor_a")
    names = ["Robert'); drop table customer; --", "<script>alert(1)</script>", "王 \\ \" '"]
    for index, name in enumerate(names):
        response = await client.post(
            "/graphql", headers=headers, **_gql(CREATE, {"n": name, "p": f"1390000000{index}"})
        )
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert not body.get("errors"), body
        assert body["data"]["createCustomer"]["name"] == name
    stored = {r["name"] for r in await db.fetch("select name from customer")}
    assert stored == set(names)
    found = await client.post("/graphql", headers=headers, **_gql(SEARCH, {"s": "drop table"}))
    assert [e["node"]["name"] for e in found.json()["data"]["customers"]["edges"]] == names[:1]
