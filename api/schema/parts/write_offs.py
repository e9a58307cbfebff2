"""Write-offs (报损): three signers in three capacities, none the requester, and the
70/10/10/10 loss split."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import NotFound
from api.schema.network import StaffUser
from api.schema.parts.write_offs_loaders import WRITE_OFF_SQL
from api.schema.parts.write_offs_types import (
    WriteOff,
    WriteOffCapacity,
    WriteOffReason,
    WriteOffStatus,
)
from api.schema.relay_conventions import connection, decode_cursor, page_size, parse_global_id
from tenants.parts import write_off_signing, write_offs

WRITE_OFF_TYPE = "WriteOff"


def _write_off_id(value: strawberry.ID) -> int:
    return parse_global_id(value, WRITE_OFF_TYPE, "writeOffId")


async def _write_off(info: Info, dealer_id: int, write_off_id: int) -> WriteOff:
    """The write-off as it is after the mutation committed."""
    async with info.context.read((dealer_id,)) as tx:
        row = await tx.connection.fetchrow(
            WRITE_OFF_SQL + " where w.dealer_id = $1 and w.id = $2", dealer_id, write_off_id
        )
    assert row is not None
    return WriteOff.from_row(row)


@strawberry.input(
    description="Only damaged, defective or obsolete parts that can be neither claimed,"
    " returned nor repaired; damage a person caused is refused (the person pays)."
)
class RequestWriteOffInput:
    part_id: strawberry.ID = strawberry.field(description="A Part stocked at the dealer.")
    quantity: Decimal
    reason: WriteOffReason
    description: str
    cannot_claim: bool
    cannot_return: bool
    cannot_repair: bool
    human_caused: bool
    warehouse_keeper_id: strawberry.ID = strawberry.field(
        description="The dealer's warehouse keeper who shares the loss (a StaffUser)."
    )


@strawberry.input
class SignWriteOffInput:
    write_off_id: strawberry.ID
    capacity: WriteOffCapacity
    approve: bool
    note: str = strawberry.field(default="", description="Required when refusing.")


@strawberry.input
class WriteOffNoteInput:
    write_off_id: strawberry.ID
    note: str = ""


@strawberry.type
class WriteOffsQuery:
    @strawberry.field(
        description="Write-offs of the current dealer, newest first (parts_write_off:read)."
    )
    async def write_offs(
        self,
        info: Info,
        status: list[WriteOffStatus] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WriteOff]:
        dealer = info.context.require("parts_write_off", "read")
        size, before = page_size(first), decode_cursor(after)
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                WRITE_OFF_SQL + " where w.dealer_id = $1"
                " and ($2::text[] is null or w.status = any($2::text[]))"
                " and ($3::bigint is null or w.id < $3) order by w.id desc limit $4",
                dealer,
                [s.value for s in status] if status else None,
                before,
                size + 1,
            )
        return connection(rows, size, WriteOff.from_row, lambda r: r["id"])

    @strawberry.field(
        description="The dealer's warehouse keepers, to name on a request"
        " (parts_write_off:request)."
    )
    async def write_off_keepers(self, info: Info) -> list[StaffUser]:
        dealer = info.context.require("parts_write_off", "request")
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select u.id, u.username, u.display_name, u.active"
                " from membership m join staff_user u on u.id = m.user_id"
                " where m.dealer_id = $1 and m.active and u.active"
                " and 'warehouse_keeper' = any(m.roles) order by u.display_name, u.id",
                dealer,
            )
        return [StaffUser.from_row(r) for r in rows]


@strawberry.type
class WriteOffsMutation:
    @strawberry.mutation(description="Ask to write parts off (parts_write_off:request).")
    async def request_write_off(self, info: Info, input: RequestWriteOffInput) -> WriteOff:
        part = parse_global_id(input.part_id, "Part", "partId")
        keeper = parse_global_id(input.warehouse_keeper_id, "StaffUser", "warehouseKeeperId")
        async with info.context.write("parts_write_off", "request") as tx:
            dealer = tx.scope.dealer_ids[0]
            item = await tx.connection.fetchval(
                "select id from stock_item where dealer_id = $1 and part_id = $2", dealer, part
            )
            if item is None:
                raise NotFound("Stock item of this part")
            created = await write_offs.request_write_off(
                tx,
                dealer,
                write_offs.WriteOffRequest(
                    stock_item_id=item,
                    quantity=input.quantity,
                    reason=input.reason.value,
                    description=input.description,
                    cannot_claim=input.cannot_claim,
                    cannot_return=input.cannot_return,
                    cannot_repair=input.cannot_repair,
                    human_caused=input.human_caused,
                    warehouse_keeper_id=keeper,
                ),
                request_id=info.context.request_id,
            )
        return await _write_off(info, dealer, created.id)

    @strawberry.mutation(
        description="Approve or refuse in one capacity (parts_write_off:approve and the role of"
        " that capacity; three different people, not the requester). The third approval"
        " books the write-off and its loss split; a refusal rejects it."
    )
    async def sign_write_off(self, info: Info, input: SignWriteOffInput) -> WriteOff:
        write_off_id = _write_off_id(input.write_off_id)
        async with info.context.write("parts_write_off", "approve") as tx:
            dealer = tx.scope.dealer_ids[0]
            await write_off_signing.sign_write_off(
                tx,
                dealer,
                write_off_id,
                capacity=input.capacity.value,
                decision="approved" if input.approve else "rejected",
                note=input.note,
                request_id=info.context.request_id,
            )
        return await _write_off(info, dealer, write_off_id)

    @strawberry.mutation(
        description="Withdraw a request not yet decided (parts_write_off:request)."
    )
    async def cancel_write_off(self, info: Info, input: WriteOffNoteInput) -> WriteOff:
        write_off_id = _write_off_id(input.write_off_id)
        async with info.context.write("parts_write_off", "request") as tx:
            dealer = tx.scope.dealer_ids[0]
            await write_offs.cancel_write_off(
                tx, dealer, write_off_id, note=input.note, request_id=info.context.request_id
            )
        return await _write_off(info, dealer, write_off_id)

    @strawberry.mutation(
        description="Record how approved parts left the store, after the dealer's retention"
        " days (parts_write_off:request)."
    )
    async def dispose_write_off(self, info: Info, input: WriteOffNoteInput) -> WriteOff:
        write_off_id = _write_off_id(input.write_off_id)
        async with info.context.write("parts_write_off", "request") as tx:
            dealer = tx.scope.dealer_ids[0]
            await write_offs.dispose_write_off(
                tx, dealer, write_off_id, note=input.note, request_id=info.context.request_id
            )
        return await _write_off(info, dealer, write_off_id)
