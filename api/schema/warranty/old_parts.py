"""Claimed old parts (旧件) on their own ledger, shipments back to the manufacturer with packing
lists, inspection, scrapping after retention.

Dealer staff work at their current dealer; the manufacturer's warranty technician asks for
parts, receives shipments and inspects them at the dealer each belongs to. Every mutation is
one transaction with its movements and audit entries."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import BadUserInput
from api.schema.relay_conventions import (
    connection,
    decode_cursor,
    encode_cursor,
    page_size,
    parse_global_id,
)
from api.schema.warranty.old_parts_access import dealers_with, object_dealer, write_at
from api.schema.warranty.old_parts_types import (
    CLAIM_LINE_TYPE,
    InspectionResult,
    OldPart,
    OldPartLedgerRow,
    OldPartShipment,
    OldPartStatus,
    OldPartToTag,
    ShipmentStatus,
)
from tenants.warranty import old_part_queries, old_parts, shipments
from tenants.warranty.old_part_ledger import ledger_by_claim
from tenants.warranty.old_part_queries import OldPartFilter

MAX_PARTS_PER_CALL = 200


def _part_id(value: strawberry.ID, field: str = "oldPartId") -> int:
    return parse_global_id(value, "OldPart", field)


def _shipment_id(value: strawberry.ID, field: str = "shipmentId") -> int:
    return parse_global_id(value, "OldPartShipment", field)


def _part_ids(values: list[strawberry.ID]) -> list[int]:
    if len(values) > MAX_PARTS_PER_CALL:
        raise BadUserInput("oldPartIds", f"At most {MAX_PARTS_PER_CALL} parts at once")
    return [_part_id(v, "oldPartIds") for v in values]


async def _fresh_part(info: Info, dealer: int, part_id: int) -> OldPart:
    async with info.context.read((dealer,)) as tx:
        [row] = await old_part_queries.old_parts_by_id(tx.connection, (dealer,), [part_id])
    return OldPart.from_row(row)


async def _fresh_shipment(info: Info, dealer: int, shipment_id: int) -> OldPartShipment:
    async with info.context.read((dealer,)) as tx:
        row = await tx.connection.fetchrow(
            "select s.*, d.code as dealer_code, d.name as dealer_name,"
            " d.name_zh as dealer_name_zh, (select count(*) from old_part p"
            "  where p.dealer_id = s.dealer_id and p.shipment_id = s.id)::int as part_count"
            " from old_part_shipment s join dealer d on d.id = s.dealer_id"
            " where s.dealer_id = $1 and s.id = $2",
            dealer,
            shipment_id,
        )
    assert row is not None
    return OldPartShipment.from_row(row)


async def _shipments(
    info: Info,
    dealers: tuple[int, ...],
    status: list[ShipmentStatus] | None,
    first: int | None,
    after: str | None,
    *,
    pending_inspection: bool = False,
) -> relay.Connection[OldPartShipment]:
    size, before = page_size(first), decode_cursor(after)
    if not dealers:
        return connection([], size, OldPartShipment.from_row, lambda r: r["id"])
    async with info.context.read(dealers) as tx:
        rows = await tx.connection.fetch(
            "select s.*, d.code as dealer_code, d.name as dealer_name,"
            " d.name_zh as dealer_name_zh, (select count(*) from old_part p"
            "  where p.dealer_id = s.dealer_id and p.shipment_id = s.id)::int as part_count"
            " from old_part_shipment s join dealer d on d.id = s.dealer_id"
            " where s.dealer_id = any($1::bigint[])"
            " and ($2::text[] is null or s.status = any($2::text[]))"
            " and ($3::bigint is null or s.id < $3)"
            " and (not $5 or s.status = 'shipped' or exists (select 1 from old_part p"
            "  where p.dealer_id = s.dealer_id and p.shipment_id = s.id"
            "  and p.status = 'shipped'))"
            " order by s.id desc limit $4",
            list(dealers),
            [s.value for s in status] if status else None,
            before,
            size + 1,
            pending_inspection,
        )
    return connection(rows, size, OldPartShipment.from_row, lambda r: r["id"])


@strawberry.type(description="A page of the old-parts reconciliation, newest claim first.")
class OldPartLedgerPage:
    rows: list[OldPartLedgerRow]
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class WarrantyOldPartsQuery:
    @strawberry.field(description="The current dealer's old-parts store, newest first.")
    async def old_parts(
        self,
        info: Info,
        status: list[OldPartStatus] | None = None,
        retention_due: Annotated[
            bool,
            strawberry.argument(
                description="Only parts waiting in the store whose retention ends within a"
                " week or has ended."
            ),
        ] = False,
        must_return: bool | None = None,
        search: Annotated[
            str | None, strawberry.argument(description="Tag, claim number, VIN or part number.")
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[OldPart]:
        dealer = info.context.require("old_parts", "read")
        size = page_size(first)
        async with info.context.read((dealer,)) as tx:
            rows = await old_part_queries.list_old_parts(
                tx.connection,
                (dealer,),
                OldPartFilter(
                    statuses=[s.value for s in status] if status else None,
                    retention_due=retention_due,
                    must_return=must_return,
                    search=search,
                ),
                before_id=decode_cursor(after),
                limit=size + 1,
            )
        return connection(rows, size, OldPart.from_row, lambda r: r["id"])

    @strawberry.field(description="Warranty part lines whose replaced parts still need a tag.")
    async def old_parts_to_tag(self, info: Info, first: int | None = None) -> list[OldPartToTag]:
        dealer = info.context.require("old_parts", "read")
        async with info.context.read((dealer,)) as tx:
            rows = await old_part_queries.lines_to_tag(tx.connection, dealer, page_size(first))
        return [OldPartToTag.from_row(r) for r in rows]

    @strawberry.field(description="The current dealer's shipments of old parts, newest first.")
    async def old_part_shipments(
        self,
        info: Info,
        status: list[ShipmentStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[OldPartShipment]:
        dealer = info.context.require("old_parts", "read")
        return await _shipments(info, (dealer,), status, first, after)

    @strawberry.field(
        description="Reconciliation per claim (账、卡、物一致): claimed, tagged, where they are."
    )
    async def old_part_ledger(
        self,
        info: Info,
        only_differences: bool = False,
        first: int | None = None,
        after: str | None = None,
    ) -> OldPartLedgerPage:
        dealer = info.context.require("old_parts", "read")
        size = page_size(first)
        async with info.context.read((dealer,)) as tx:
            rows = await ledger_by_claim(
                tx.connection,
                dealer,
                before_claim_id=decode_cursor(after),
                only_differences=only_differences,
                limit=size + 1,
            )
        page = rows[:size]
        return OldPartLedgerPage(
            rows=[OldPartLedgerRow.from_row(r) for r in page],
            has_next_page=len(rows) > size,
            end_cursor=encode_cursor(page[-1]["claim_id"] or 0) if page else None,
        )

    @strawberry.field(
        description="For the manufacturer's warranty technician: shipments of every dealer it"
        " inspects (default: on their way or received)."
    )
    async def old_part_shipments_to_inspect(
        self,
        info: Info,
        status: list[ShipmentStatus] | None = None,
        pending_only: Annotated[
            bool,
            strawberry.argument(
                description="Only shipments on their way or with a part still to inspect."
            ),
        ] = True,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[OldPartShipment]:
        dealers = dealers_with(info, "old_parts", "inspect")
        wanted = status or [ShipmentStatus.SHIPPED, ShipmentStatus.RECEIVED]
        return await _shipments(
            info, dealers, wanted, first, after, pending_inspection=pending_only
        )

    @strawberry.field(
        description="For the manufacturer: claimed parts in dealers' stores it has not asked for"
        " yet (only those it wants back, unless mustReturn is false)."
    )
    async def old_parts_awaiting_request(
        self,
        info: Info,
        must_return: bool | None = True,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[OldPart]:
        dealers = dealers_with(info, "old_parts", "inspect")
        size = page_size(first)
        if not dealers:
            return connection([], size, OldPart.from_row, lambda r: r["id"])
        async with info.context.read(dealers) as tx:
            rows = await old_part_queries.list_old_parts(
                tx.connection,
                dealers,
                OldPartFilter(
                    statuses=["stored"], must_return=must_return, search=search, on_claim=True
                ),
                before_id=decode_cursor(after),
                limit=size + 1,
            )
        return connection(rows, size, OldPart.from_row, lambda r: r["id"])


@strawberry.input(
    description="Tag from a repair-order part line or a claim's part line (exactly one)."
)
class TagOldPartInput:
    repair_order_line_id: strawberry.ID | None = None
    claim_line_id: strawberry.ID | None = None
    quantity: Decimal | None = strawberry.field(
        default=None, description="Default: what is left untagged of the line."
    )
    must_return: bool | None = strawberry.field(
        default=None,
        description="The manufacturer's word for this claim line; default: its part-group rule.",
    )
    location: str = strawberry.field(
        default="", description="Given: the part goes to this place in the store at once."
    )


@strawberry.input
class StoreOldPartInput:
    old_part_id: strawberry.ID
    location: str


@strawberry.input(
    description="The manufacturer asks for parts back; dealer staff record a request the"
    " manufacturer sent by its own system, naming it in the note."
)
class RequestOldPartReturnsInput:
    old_part_ids: list[strawberry.ID]
    note: str = ""


@strawberry.input
class OldPartNoteInput:
    old_part_id: strawberry.ID
    note: str = ""


@strawberry.input
class ShipmentPartsInput:
    shipment_id: strawberry.ID
    old_part_ids: list[strawberry.ID]


@strawberry.input
class ShipmentPartInput:
    shipment_id: strawberry.ID
    old_part_id: strawberry.ID


@strawberry.input
class ShipOldPartShipmentInput:
    shipment_id: strawberry.ID
    carrier: str
    tracking: str


@strawberry.input
class InspectOldPartInput:
    old_part_id: strawberry.ID
    result: InspectionResult
    note: str = strawberry.field(default="", description="Required unless confirmed.")


@strawberry.type
class WarrantyOldPartsMutation:
    @strawberry.mutation(description="Tag a removed part (prints its label number).")
    async def tag_old_part(self, info: Info, input: TagOldPartInput) -> OldPart:
        given = old_parts.TagInput(
            repair_order_line_id=(
                parse_global_id(input.repair_order_line_id, "RepairOrderLine", "repairOrderLineId")
                if input.repair_order_line_id is not None
                else None
            ),
            claim_line_id=(
                parse_global_id(input.claim_line_id, CLAIM_LINE_TYPE, "claimLineId")
                if input.claim_line_id is not None
                else None
            ),
            quantity=input.quantity,
            must_return=input.must_return,
            location=input.location,
        )
        async with info.context.write("old_parts", "receive") as tx:
            dealer = tx.scope.dealer_ids[0]
            part_id = await old_parts.tag_old_part(
                tx, dealer, given, request_id=info.context.request_id
            )
        return await _fresh_part(info, dealer, part_id)

    @strawberry.mutation(description="Put a tagged part in the store, or move it in the store.")
    async def store_old_part(self, info: Info, input: StoreOldPartInput) -> OldPart:
        part_id = _part_id(input.old_part_id)
        dealer = await object_dealer(info, "old_part", part_id, "old_parts", "receive")
        async with write_at(info, dealer, "old_parts", "receive") as tx:
            await old_parts.store_old_part(
                tx, dealer, part_id, input.location, request_id=info.context.request_id
            )
        return await _fresh_part(info, dealer, part_id)

    @strawberry.mutation(
        description="Ask for stored claimed parts back (old_parts:inspect, the manufacturer),"
        " or record the manufacturer's request (old_parts:ship, with a note)."
    )
    async def request_old_part_returns(
        self, info: Info, input: RequestOldPartReturnsInput
    ) -> list[OldPart]:
        ids = _part_ids(input.old_part_ids)
        if not ids:
            raise BadUserInput("oldPartIds", "Name the parts asked for")
        dealer = await object_dealer(info, "old_part", ids[0], "old_parts", "read")
        by_manufacturer = info.context.allowed("old_parts", "inspect", dealer)
        action = "inspect" if by_manufacturer else "ship"
        async with write_at(info, dealer, "old_parts", action) as tx:
            await old_parts.request_returns(
                tx,
                dealer,
                ids,
                by_manufacturer=by_manufacturer,
                note=input.note,
                request_id=info.context.request_id,
            )
        async with info.context.read((dealer,)) as tx:
            rows = await old_part_queries.old_parts_by_id(tx.connection, (dealer,), ids)
        return [OldPart.from_row(r) for r in sorted(rows, key=lambda r: r["id"])]

    @strawberry.mutation(
        description="Scrap a part: one held for warranty only after its retention period."
    )
    async def scrap_old_part(self, info: Info, input: OldPartNoteInput) -> OldPart:
        part_id = _part_id(input.old_part_id)
        dealer = await object_dealer(info, "old_part", part_id, "old_parts", "receive")
        async with write_at(info, dealer, "old_parts", "receive") as tx:
            await old_parts.scrap_old_part(
                tx, dealer, part_id, note=input.note, request_id=info.context.request_id
            )
        return await _fresh_part(info, dealer, part_id)

    @strawberry.mutation(description="The customer takes a non-warranty old part.")
    async def hand_over_old_part(self, info: Info, input: OldPartNoteInput) -> OldPart:
        part_id = _part_id(input.old_part_id)
        dealer = await object_dealer(info, "old_part", part_id, "old_parts", "release")
        async with write_at(info, dealer, "old_parts", "release") as tx:
            await old_parts.hand_over_old_part(
                tx, dealer, part_id, note=input.note, request_id=info.context.request_id
            )
        return await _fresh_part(info, dealer, part_id)

    @strawberry.mutation(description="Start a batch of requested parts for the manufacturer.")
    async def create_old_part_shipment(self, info: Info, note: str = "") -> OldPartShipment:
        async with info.context.write("old_parts", "ship") as tx:
            dealer = tx.scope.dealer_ids[0]
            shipment_id = await shipments.create_shipment(
                tx, dealer, note=note, request_id=info.context.request_id
            )
        return await _fresh_shipment(info, dealer, shipment_id)

    @strawberry.mutation(description="Pack requested parts into a shipment being packed.")
    async def add_old_parts_to_shipment(
        self, info: Info, input: ShipmentPartsInput
    ) -> OldPartShipment:
        shipment_id = _shipment_id(input.shipment_id)
        ids = _part_ids(input.old_part_ids)
        dealer = await object_dealer(info, "old_part_shipment", shipment_id, "old_parts", "ship")
        async with write_at(info, dealer, "old_parts", "ship") as tx:
            await shipments.add_parts(
                tx, dealer, shipment_id, ids, request_id=info.context.request_id
            )
        return await _fresh_shipment(info, dealer, shipment_id)

    @strawberry.mutation(description="Take a part out of a shipment being packed.")
    async def remove_old_part_from_shipment(
        self, info: Info, input: ShipmentPartInput
    ) -> OldPartShipment:
        shipment_id = _shipment_id(input.shipment_id)
        part_id = _part_id(input.old_part_id)
        dealer = await object_dealer(info, "old_part_shipment", shipment_id, "old_parts", "ship")
        async with write_at(info, dealer, "old_parts", "ship") as tx:
            await shipments.remove_part(
                tx, dealer, shipment_id, part_id, request_id=info.context.request_id
            )
        return await _fresh_shipment(info, dealer, shipment_id)

    @strawberry.mutation(description="Hand the batch to the carrier: its parts are shipped.")
    async def ship_old_part_shipment(
        self, info: Info, input: ShipOldPartShipmentInput
    ) -> OldPartShipment:
        shipment_id = _shipment_id(input.shipment_id)
        dealer = await object_dealer(info, "old_part_shipment", shipment_id, "old_parts", "ship")
        async with write_at(info, dealer, "old_parts", "ship") as tx:
            await shipments.ship(
                tx,
                dealer,
                shipment_id,
                carrier=input.carrier,
                tracking=input.tracking,
                request_id=info.context.request_id,
            )
        return await _fresh_shipment(info, dealer, shipment_id)

    @strawberry.mutation(description="The manufacturer has the shipment (old_parts:inspect).")
    async def receive_old_part_shipment(
        self, info: Info, shipment_id: strawberry.ID
    ) -> OldPartShipment:
        sid = _shipment_id(shipment_id)
        dealer = await object_dealer(info, "old_part_shipment", sid, "old_parts", "inspect")
        async with write_at(info, dealer, "old_parts", "inspect") as tx:
            await shipments.receive(tx, dealer, sid, request_id=info.context.request_id)
        return await _fresh_shipment(info, dealer, sid)

    @strawberry.mutation(
        description="The manufacturer's ruling on a returned part; not confirmed or not"
        " received makes its claim line a charge-back candidate."
    )
    async def inspect_old_part(self, info: Info, input: InspectOldPartInput) -> OldPart:
        part_id = _part_id(input.old_part_id)
        dealer = await object_dealer(info, "old_part", part_id, "old_parts", "inspect")
        async with write_at(info, dealer, "old_parts", "inspect") as tx:
            await shipments.inspect(
                tx,
                dealer,
                part_id,
                input.result.value,
                note=input.note,
                request_id=info.context.request_id,
            )
        return await _fresh_part(info, dealer, part_id)
