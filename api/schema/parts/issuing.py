"""Parts requests (领料单) against repair-order lines: request, countersign, warranty sign-off, FIFO
issue with the old part handed back, returns."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import Forbidden
from api.schema.parts.issuing_types import (
    IssueOldPart,
    IssueSlip,
    PartsRequest,
    PartsRequestStatus,
)
from api.schema.parts.stock_cursors import decode_key, keyed_connection
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.database import ActiveTransaction
from tenants.parts import issue_queries, issuing


def _request_id(value: strawberry.ID) -> int:
    return parse_global_id(value, "PartsRequest", "requestId")


async def _answer(tx: ActiveTransaction, request_id: int) -> PartsRequest:
    """The request as it stands in the mutation's own transaction."""
    rows = await issue_queries.by_ids(tx.connection, [request_id])
    return PartsRequest.from_row(rows[0])


@strawberry.input(description="Ask for the parts of an approved part line (领料申请).")
class RequestPartsInput:
    line_id: strawberry.ID
    quantity: Decimal | None = strawberry.field(
        default=None, description="Defaults to what the line still lacks."
    )


@strawberry.input
class IssuePartsInput:
    request_id: strawberry.ID
    old_part: IssueOldPart = strawberry.field(
        description="The old part handed back: KEEP_FOR_WARRANTY for warranty lines,"
        " HAND_OVER or SCRAP otherwise, NONE when nothing is replaced."
    )


@strawberry.input(description="Unused parts back on the shelf at the issue's cost.")
class ReturnIssuedPartsInput:
    request_id: strawberry.ID
    quantity: Decimal
    reason: str


@strawberry.input
class ClosePartsRequestInput:
    request_id: strawberry.ID
    reason: str


@strawberry.type
class IssuingQuery:
    @strawberry.field(
        description="The keeper's queue: signed requests awaiting issue, in bin order (one walk"
        " through the store)."
    )
    async def issue_queue(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> relay.Connection[PartsRequest]:
        dealer = info.context.require("parts_issue", "read")
        size, key = page_size(first), decode_key(after)
        async with info.context.read((dealer,)) as tx:
            rows = await issue_queries.issue_queue(tx.connection, dealer, after=key, limit=size + 1)
        return keyed_connection(
            rows, size, PartsRequest.from_row, lambda r: (r["bin_location"], r["id"])
        )

    @strawberry.field(
        description="Parts requests newest first, of the given statuses and/or one repair order."
    )
    async def parts_requests(
        self,
        info: Info,
        status: list[PartsRequestStatus] | None = None,
        order_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[PartsRequest]:
        dealer = info.context.require("parts_issue", "read")
        size = page_size(first)
        order = parse_global_id(order_id, "RepairOrder", "orderId") if order_id else None
        async with info.context.read((dealer,)) as tx:
            rows = await issue_queries.requests(
                tx.connection,
                dealer,
                statuses=[s.value for s in status] if status else None,
                order_id=order,
                before_id=decode_cursor(after),
                limit=size + 1,
            )
        # Newest first: the cursor says "older than this id".
        return connection(rows, size, PartsRequest.from_row, lambda r: r["id"])

    @strawberry.field(description="The issue slip (出库单) of a request, for printing.")
    async def parts_issue_slip(self, info: Info, request_id: strawberry.ID) -> IssueSlip | None:
        dealer = info.context.require("parts_issue", "read")
        pk = _request_id(request_id)
        async with info.context.read((dealer,)) as tx:
            row = await issue_queries.slip(tx.connection, dealer, pk)
        return IssueSlip.from_row(row) if row else None


@strawberry.type
class IssuingMutation:
    @strawberry.mutation(
        description="Request parts for an approved part line (parts_issue:request)."
    )
    async def request_parts(self, info: Info, input: RequestPartsInput) -> PartsRequest:
        line_id = parse_global_id(input.line_id, "RepairOrderLine", "lineId")
        async with info.context.write("parts_issue", "request") as tx:
            row = await issuing.request_parts(
                tx,
                info.context.dealer_id,
                line_id,
                input.quantity,
                request_id=info.context.request_id,
            )
            return await _answer(tx, row["id"])

    @strawberry.mutation(description="The advisor's countersignature (parts_issue:countersign).")
    async def countersign_parts_request(
        self, info: Info, request_id: strawberry.ID
    ) -> PartsRequest:
        pk = _request_id(request_id)
        async with info.context.write("parts_issue", "countersign") as tx:
            await issuing.countersign(
                tx, info.context.dealer_id, pk, request_audit_id=info.context.request_id
            )
            return await _answer(tx, pk)

    @strawberry.mutation(
        description="The claims specialist's signature on a warranty line's request"
        " (parts_issue:warranty_sign)."
    )
    async def sign_warranty_parts_request(
        self, info: Info, request_id: strawberry.ID
    ) -> PartsRequest:
        pk = _request_id(request_id)
        async with info.context.write("parts_issue", "warranty_sign") as tx:
            await issuing.warranty_sign(
                tx, info.context.dealer_id, pk, request_audit_id=info.context.request_id
            )
            return await _answer(tx, pk)

    @strawberry.mutation(
        description="Issue a signed request FIFO, recording the old part (parts_issue:issue)."
    )
    async def issue_parts_request(self, info: Info, input: IssuePartsInput) -> PartsRequest:
        pk = _request_id(input.request_id)
        async with info.context.write("parts_issue", "issue") as tx:
            await issuing.issue(
                tx,
                info.context.dealer_id,
                pk,
                input.old_part.value,
                request_audit_id=info.context.request_id,
            )
            return await _answer(tx, pk)

    @strawberry.mutation(
        description="Book unused parts of an issued request back into stock (parts_issue:issue)."
    )
    async def return_issued_parts(self, info: Info, input: ReturnIssuedPartsInput) -> PartsRequest:
        pk = _request_id(input.request_id)
        async with info.context.write("parts_issue", "issue") as tx:
            await issuing.return_unused(
                tx,
                info.context.dealer_id,
                pk,
                input.quantity,
                input.reason,
                request_audit_id=info.context.request_id,
            )
            return await _answer(tx, pk)

    @strawberry.mutation(
        description="Withdraw a request before issue, with the reason (parts_issue:request)."
    )
    async def cancel_parts_request(self, info: Info, input: ClosePartsRequestInput) -> PartsRequest:
        pk = _request_id(input.request_id)
        async with info.context.write("parts_issue", "request") as tx:
            await issuing.close(
                tx,
                info.context.dealer_id,
                pk,
                "cancelled",
                input.reason,
                request_audit_id=info.context.request_id,
            )
            return await _answer(tx, pk)

    @strawberry.mutation(
        description="Refuse a request before issue, with the reason: a signer declines to sign"
        " or the keeper declines to issue (parts_issue:countersign, warranty_sign or issue)."
    )
    async def refuse_parts_request(self, info: Info, input: ClosePartsRequestInput) -> PartsRequest:
        pk = _request_id(input.request_id)
        action = next(
            (
                a
                for a in ("issue", "countersign", "warranty_sign")
                if info.context.allowed("parts_issue", a)
            ),
            None,
        )
        if action is None:
            raise Forbidden("parts_issue", "issue", info.context.dealer_id)
        async with info.context.write("parts_issue", action) as tx:
            await issuing.close(
                tx,
                info.context.dealer_id,
                pk,
                "refused",
                input.reason,
                request_audit_id=info.context.request_id,
            )
            return await _answer(tx, pk)
