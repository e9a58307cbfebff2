"""The partner call log: every key's request recorded off the request path, read back
as recent calls with a summary, bounded in memory, and purged after 90 days."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from api.persisted_queries import registered
from api.schema.relay_conventions import global_id
from tenants.partners.call_log import CallLog, CallRecord
from tests.api.graphql_client import bearer, error_codes, gql
from tests.factories import Network
from tests.partners.conftest import make_partner_app
from workers.housekeeping import purge_partner_calls

CUSTOMERS = 'query Customers { customers(search: "", first: 10) { edges { node { id } } } }'
STOCK = '{ stockItems(search: "") { edges { node { id } } } }'
CALLS = """
query($id: ID!, $first: Int, $after: String, $status: PartnerCallStatus!) {
  partnerApp(id: $id) {
    recentCalls(first: $first, after: $after, status: $status) {
      edges { node { operationName operationType persistedHash cost httpStatus errorCodes
                     durationMs keyPrefix } }
      pageInfo { hasNextPage endCursor }
    }
    callSummary { calls errors p95DurationMs costUsed lastCallAt }
  }
}
"""


@pytest.fixture
async def call_log(app: Any, db: asyncpg.Connection) -> AsyncIterator[CallLog]:
    """A log of the test's own, flushed by the test. The app's log is stopped first
    (before the test arranges its data, so records other tests left behind cannot land
    in it) and started again afterwards."""
    previous = app.state.call_log
    await previous.stop()
    log = app.state.call_log = CallLog()
    yield log
    app.state.call_log = previous
    await previous.start()


def _viewer_hash() -> str:
    for digest, text in registered().items():
        if text.startswith("query Viewer "):
            return digest
    raise AssertionError("no Viewer operation in the manifest")


async def test_calls_are_logged_without_a_database_round_trip(
    call_log: CallLog, client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    partner = await make_partner_app(db, network.dealer_ids[0], ["customers:read"])
    response = await client.post(
        "/graphql", json={"query": CUSTOMERS}, headers={**partner.headers, "X-Forwarded-For": "x"}
    )
    cost = response.json()["extensions"]["cost"]["requested"]
    # Answered, and only buffered: the request itself wrote nothing.
    assert len(call_log) == 1
    assert await db.fetchval("select count(*) from api_call") == 0

    refused = await gql(client, STOCK, headers=partner.headers)
    assert error_codes(refused) == ["FORBIDDEN"]
    persisted = await client.post(
        "/graphql",
        json={"extensions": {"persistedQuery": {"version": 1, "sha256Hash": _viewer_hash()}}},
        headers=partner.headers,
    )
    assert persisted.status_code == 200 and not persisted.json().get("errors")
    bad = await client.post(
        "/graphql",
        json={"query": "{ nope"},
        headers={**partner.headers, "Accept": "application/graphql-response+json"},
    )
    assert bad.status_code == 400
    await gql(client, "{ viewer { displayName } }", headers=await bearer(client, "manager_a"))

    assert await call_log.flush() == 4, "people's requests are not partner calls"
    rows = await db.fetch("select * from api_call order by id")
    first, forbidden, by_hash, unparsable = rows
    assert (first["operation_name"], first["operation_type"]) == ("Customers", "query")
    assert first["cost"] == cost > 0
    assert (first["http_status"], list(first["error_codes"])) == (200, [])
    assert first["api_key_id"] == partner.key_id and first["partner_app_id"] == partner.app_id
    assert first["persisted_hash"] is None and first["remote_addr"] == "127.0.0.1"
    assert list(forbidden["error_codes"]) == ["FORBIDDEN"]
    assert (by_hash["operation_name"], by_hash["persisted_hash"]) == ("Viewer", _viewer_hash())
    assert unparsable["http_status"] == 400
    assert list(unparsable["error_codes"]) == ["GRAPHQL_PARSE_FAILED"]
    assert unparsable["operation_type"] == ""


async def test_recent_calls_and_summary(
    call_log: CallLog, client: httpx.AsyncClient, network: Network, db: asyncpg.Connection
) -> None:
    partner = await make_partner_app(db, network.dealer_ids[0], ["customers:read"])
    for _ in range(3):
        await gql(client, CUSTOMERS, headers=partner.headers)
    await gql(client, STOCK, headers=partner.headers)
    await call_log.flush()
    # One call from yesterday counts in the list, not in the day's summary.
    await db.execute(
        "insert into api_call (dealer_id, api_key_id, partner_app_id, at, operation_name,"
        " operation_type, cost, http_status, duration_ms)"
        " values ($1, $2, $3, now() - interval '2 days', 'Old', 'query', 999, 200, 5000)",
        network.dealer_ids[0],
        partner.key_id,
        partner.app_id,
    )
    manager = await bearer(client, "manager_a")
    app_id = global_id("PartnerApp", partner.app_id)
    page = await gql(client, CALLS, {"id": app_id, "first": 2, "status": "ALL"}, headers=manager)
    app = page["data"]["partnerApp"]
    calls = app["recentCalls"]
    assert [c["node"]["operationName"] for c in calls["edges"]] == ["Old", ""]
    assert calls["pageInfo"]["hasNextPage"]
    rest = await gql(
        client,
        CALLS,
        {"id": app_id, "first": 10, "after": calls["pageInfo"]["endCursor"], "status": "ALL"},
        headers=manager,
    )
    names = [c["node"]["operationName"] for c in rest["data"]["partnerApp"]["recentCalls"]["edges"]]
    assert names == ["Customers"] * 3
    errors = await gql(client, CALLS, {"id": app_id, "status": "ERROR"}, headers=manager)
    failed = errors["data"]["partnerApp"]["recentCalls"]["edges"]
    assert [c["node"]["errorCodes"] for c in failed] == [["FORBIDDEN"]]
    ok = await gql(client, CALLS, {"id": app_id, "status": "OK"}, headers=manager)
    assert len(ok["data"]["partnerApp"]["recentCalls"]["edges"]) == 4

    summary = app["callSummary"]
    durations = await db.fetch(
        "select duration_ms, cost from api_call where at > now() - interval '1 day'"
    )
    assert summary["calls"] == 4 and summary["errors"] == 1
    assert summary["costUsed"] == sum(r["cost"] for r in durations)
    assert summary["p95DurationMs"] == max(r["duration_ms"] for r in durations)
    assert summary["lastCallAt"] is not None


def _record(n: int) -> CallRecord:
    return CallRecord(1, 1, None, datetime.now(UTC), f"op{n}", "query", None, 1, 200, (), 1, "")


async def test_a_full_buffer_drops_and_counts_and_never_blocks() -> None:
    written: list[CallRecord] = []

    async def writer(batch: list[CallRecord]) -> None:
        written.extend(batch)

    log = CallLog(capacity=3, batch_size=2, interval=3600, writer=writer)
    accepted = [log.offer(_record(n)) for n in range(5)]
    assert accepted == [True, True, True, False, False]
    assert log.dropped == 2
    await log.start()
    await asyncio.sleep(0.05)  # a full batch wakes the task without waiting the interval
    assert [r.operation_name for r in written][:2] == ["op0", "op1"]
    log.offer(_record(9))
    await log.stop()  # shutdown writes what is left
    assert [r.operation_name for r in written] == ["op0", "op1", "op2", "op9"]


async def test_a_failing_database_loses_the_batch_not_the_log() -> None:
    calls = 0

    async def writer(batch: list[CallRecord]) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database away")

    log = CallLog(batch_size=1, interval=3600, writer=writer)
    log.offer(_record(1))
    log.offer(_record(2))
    assert await log.flush() == 1
    assert (log.lost, log.written, len(log)) == (1, 1, 0)


async def test_a_dealers_records_whose_key_is_gone_are_dropped_with_a_warning(
    network: Network, db: asyncpg.Connection, caplog: pytest.LogCaptureFixture
) -> None:
    """The key a record names was removed before the flush: that dealer's records of the
    batch are dropped and counted, with one warning line and no traceback; the other
    dealer's records of the same batch are written."""
    gone_dealer, other_dealer = network.dealer_ids[:2]
    gone = await make_partner_app(db, gone_dealer, ["customers:read"])
    other = await make_partner_app(db, other_dealer, ["customers:read"])
    missing_key = await db.fetchval("select max(id) + 1000 from api_key")

    def record(dealer: int, key: int, app: int, name: str) -> CallRecord:
        return CallRecord(
            dealer, key, app, datetime.now(UTC), name, "query", None, 1, 200, (), 1, ""
        )

    log = CallLog(batch_size=10, interval=3600)
    log.offer(record(gone_dealer, missing_key, gone.app_id, "Gone1"))
    log.offer(record(other_dealer, other.key_id, other.app_id, "Kept1"))
    log.offer(record(gone_dealer, gone.key_id, gone.app_id, "Gone2"))
    log.offer(record(other_dealer, other.key_id, other.app_id, "Kept2"))
    with caplog.at_level(logging.INFO, logger="dealernet.partners.calls"):
        assert await log.flush() == 2

    assert (log.written, log.dropped, log.lost, len(log)) == (2, 2, 0, 0)
    rows = await db.fetch("select dealer_id, operation_name from api_call order by id")
    assert [tuple(r) for r in rows] == [(other_dealer, "Kept1"), (other_dealer, "Kept2")]
    [warning] = [r for r in caplog.records if r.name == "dealernet.partners.calls"]
    assert warning.levelno == logging.WARNING and warning.exc_info is None
    assert f"dropped 2 partner call records of dealer {gone_dealer}" in warning.getMessage()


async def test_calls_older_than_90_days_are_purged(
    network: Network, db: asyncpg.Connection
) -> None:
    rows = []
    for dealer in network.dealer_ids[:2]:
        partner = await make_partner_app(db, dealer, ["customers:read"])
        for age in (91, 89):
            rows.append(
                await db.fetchval(
                    "insert into api_call (dealer_id, api_key_id, partner_app_id, at,"
                    " http_status) values ($1, $2, $3, $4, 200) returning id",
                    dealer,
                    partner.key_id,
                    partner.app_id,
                    datetime.now(UTC) - timedelta(days=age),
                )
            )
    assert await purge_partner_calls({}) == 2
    left = [r["id"] for r in await db.fetch("select id from api_call order by id")]
    assert left == [rows[1], rows[3]]
