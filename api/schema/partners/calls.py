"""The partner call log as GraphQL: a page of recent calls and the last day's summary."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.dataloader import DataLoader

from api.schema.context import Info
from api.schema.relay_conventions import connection, decode_cursor, page_size
from tenants.partners import call_queries


@strawberry.enum(description="ERROR: HTTP 4xx/5xx or any GraphQL error; OK: the others.")
class PartnerCallStatus(Enum):
    ALL = "all"
    OK = "ok"
    ERROR = "error"


@strawberry.type(description="One GraphQL request made with one of the application's keys.")
class PartnerCall(relay.Node):
    id: relay.NodeID[int]
    at: datetime
    operation_name: str = strawberry.field(description="Empty for an anonymous operation.")
    operation_type: str = strawberry.field(description="query, mutation, or empty if unparsed.")
    persisted_hash: str | None = strawberry.field(description="Set when sent as a persisted id.")
    cost: int = strawberry.field(description="The calculated query cost (extensions.cost).")
    http_status: int
    error_codes: list[str]
    duration_ms: int
    remote_addr: str
    key_prefix: str = strawberry.field(description="Which of the application's keys called.")
    key_name: str

    @classmethod
    def from_row(cls, row: Any) -> PartnerCall:
        return cls(
            id=row["id"],
            at=row["at"],
            operation_name=row["operation_name"],
            operation_type=row["operation_type"],
            persisted_hash=row["persisted_hash"],
            cost=row["cost"],
            http_status=row["http_status"],
            error_codes=list(row["error_codes"]),
            duration_ms=row["duration_ms"],
            remote_addr=row["remote_addr"],
            key_prefix=row["key_prefix"],
            key_name=row["key_name"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[PartnerCall | None]:
        if not info.context.allowed("api_key", "read"):
            return [None for _ in node_ids]
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select c.*, k.prefix as key_prefix, k.name as key_name from api_call c"
                " join api_key k on k.dealer_id = c.dealer_id and k.id = c.api_key_id"
                " where c.id = any($1::bigint[])",
                keys,
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]


@strawberry.type(description="The application's calls over the last 24 hours.")
class PartnerCallSummary:
    calls: int
    errors: int = strawberry.field(description="Calls answered 4xx/5xx or with errors.")
    p95_duration_ms: int
    cost_used: int = strawberry.field(description="Sum of the calls' query costs.")
    last_call_at: datetime | None


async def recent_calls(
    info: Info,
    app_id: int,
    first: int | None,
    after: str | None,
    status: PartnerCallStatus,
) -> relay.Connection[PartnerCall]:
    dealer = info.context.require("api_key", "read")
    size = page_size(first)
    async with info.context.read() as tx:
        rows = await call_queries.recent_calls(
            tx,
            dealer_id=dealer,
            app_id=app_id,
            before_id=decode_cursor(after),
            status=status.value,
            limit=size + 1,
        )
    return connection(rows, size, PartnerCall.from_row, lambda r: r["id"])


def _summary_loader(info: Info) -> DataLoader[int, PartnerCallSummary]:
    cache: dict[str, Any] = info.context.cache
    loader: DataLoader[int, PartnerCallSummary] | None = cache.get("partner_call_summary")
    if loader is None:

        async def load(app_ids: list[int]) -> list[PartnerCallSummary]:
            dealer = info.context.require("api_key", "read")
            async with info.context.read() as tx:
                found = await call_queries.summaries(tx, dealer_id=dealer, app_ids=app_ids)
            result = []
            for app_id in app_ids:
                row = found.get(app_id)
                result.append(
                    PartnerCallSummary(
                        calls=row["calls"] if row else 0,
                        errors=row["errors"] if row else 0,
                        p95_duration_ms=row["p95_duration_ms"] if row else 0,
                        cost_used=row["cost_used"] if row else 0,
                        last_call_at=row["last_call_at"] if row else None,
                    )
                )
            return result

        loader = cache["partner_call_summary"] = DataLoader(load_fn=load)
    return loader


async def call_summary(info: Info, app_id: int) -> PartnerCallSummary:
    return await _summary_loader(info).load(app_id)
