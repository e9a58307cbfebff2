"""The dealer's side of delivery: how each claim's messages to the manufacturer fared
(pending with its next attempt, delivered with the answer, dead with the error), and
the retry of a dead one by whoever may submit claims."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from api.schema.context import Info
from api.schema.relay_conventions import (
    decode_cursor,
    encode_cursor,
    global_id,
    page_size,
    parse_global_id,
)
from tenants.warranty import delivery


@strawberry.enum
class DeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    DEAD = "dead"


@strawberry.enum
class DeliveryConnector(Enum):
    INBOX = "inbox"
    HTTP = "http"


@strawberry.enum
class DeliveryKind(Enum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"


_SELECT = (
    "select o.id, o.dealer_id, o.claim_id, o.kind, o.idempotency_key, o.connector, o.status,"
    " o.attempts, o.next_attempt_at, o.locked_until, o.last_error, o.created_at,"
    " o.delivered_at, o.response, c.number as claim_number, c.status as claim_status"
    " from warranty_outbox o"
    " join warranty_claim c on c.dealer_id = o.dealer_id and c.id = o.claim_id"
)


@strawberry.type(description="A message of a claim to the manufacturer and how it fared.")
class WarrantyDelivery(relay.Node):
    id: relay.NodeID[int]
    kind: DeliveryKind
    connector: DeliveryConnector
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due (pending only)."
    )
    in_flight: bool = strawberry.field(description="An attempt is running right now.")
    last_error: str
    idempotency_key: str
    created_at: datetime
    delivered_at: datetime | None
    response: JSON | None = strawberry.field(description="The manufacturer's answer, as kept.")
    claim_number: str
    claim_status: str
    claim_pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> WarrantyDelivery:
        pending = row["status"] == "pending"
        locked = row["locked_until"]
        return cls(
            id=row["id"],
            kind=DeliveryKind(row["kind"]),
            connector=DeliveryConnector(row["connector"]),
            status=DeliveryStatus(row["status"]),
            attempts=row["attempts"],
            next_attempt_at=row["next_attempt_at"] if pending else None,
            in_flight=pending and locked is not None and locked > datetime.now(locked.tzinfo),
            last_error=row["last_error"],
            idempotency_key=row["idempotency_key"],
            created_at=row["created_at"],
            delivered_at=row["delivered_at"],
            response=row["response"],
            claim_number=row["claim_number"],
            claim_status=row["claim_status"],
            claim_pk=row["claim_id"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[WarrantyDelivery | None]:
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        if not info.context.allowed("warranty_claim", "read"):
            return [None for _ in keys]
        dealer = info.context.dealer_id
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                _SELECT + " where o.dealer_id = $1 and o.id = any($2::bigint[])", dealer, keys
            )
        found = {r["id"]: r for r in rows}
        return [cls.from_row(found[k]) if k in found else None for k in keys]

    @strawberry.field(description="The claim's global ID (WarrantyClaim).")
    def claim_id(self) -> strawberry.ID:
        return strawberry.ID(global_id("WarrantyClaim", self.claim_pk))

    @strawberry.field(description="Whether the viewer may send it again now.")
    def can_retry(self, info: Info) -> bool:
        return self.status is DeliveryStatus.DEAD and info.context.allowed(
            "warranty_claim", "submit"
        )


@strawberry.type(description="How many messages of the dealer are in each state.")
class DeliveryCounts:
    pending: int
    delivered: int
    dead: int


@strawberry.type
class DeliveryQuery:
    @strawberry.field(
        description="Messages of the current dealer's claims to the manufacturer, newest"
        " first; filter by claim or state (DEAD: the dead letters waiting for a person)."
    )
    async def warranty_deliveries(
        self,
        info: Info,
        claim_id: strawberry.ID | None = None,
        status: list[DeliveryStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WarrantyDelivery]:
        dealer = info.context.require("warranty_claim", "read")
        claim = parse_global_id(str(claim_id), "WarrantyClaim", "claimId") if claim_id else None
        statuses = [s.value for s in status] if status else None
        size, before = page_size(first), decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                _SELECT + " where o.dealer_id = $1"
                " and ($2::bigint is null or o.claim_id = $2)"
                " and ($3::text[] is null or o.status = any($3::text[]))"
                " and ($4::bigint is null or o.id < $4) order by o.id desc limit $5",
                dealer,
                claim,
                statuses,
                before,
                size + 1,
            )
        page = list(rows[:size])
        edges = [
            relay.Edge(node=WarrantyDelivery.from_row(r), cursor=encode_cursor(r["id"]))
            for r in page
        ]
        return relay.Connection(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(rows) > size,
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
        )

    @strawberry.field(description="Messages of the current dealer per state.")
    async def warranty_delivery_counts(self, info: Info) -> DeliveryCounts:
        dealer = info.context.require("warranty_claim", "read")
        async with info.context.read((dealer,)) as tx:
            row = await tx.connection.fetchrow(
                "select count(*) filter (where status = 'pending') as pending,"
                " count(*) filter (where status = 'delivered') as delivered,"
                " count(*) filter (where status = 'dead') as dead"
                " from warranty_outbox where dealer_id = $1",
                dealer,
            )
        assert row is not None
        return DeliveryCounts(pending=row["pending"], delivered=row["delivered"], dead=row["dead"])


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(
        description="Send a dead message again: a fresh series of attempts with the same"
        " idempotency key, so the manufacturer still recognises a repeat."
    )
    async def retry_warranty_delivery(self, info: Info, id: strawberry.ID) -> WarrantyDelivery:
        message_id = parse_global_id(str(id), "WarrantyDelivery")
        async with info.context.write("warranty_claim", "submit") as tx:
            dealer = tx.scope.dealer_ids[0]
            await delivery.retry_dead(tx, dealer, message_id, request_id=info.context.request_id)
            row = await tx.connection.fetchrow(
                _SELECT + " where o.dealer_id = $1 and o.id = $2", dealer, message_id
            )
        return WarrantyDelivery.from_row(row)
