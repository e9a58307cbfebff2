"""Shipments of requested old parts back to the manufacturer (旧件回运): a batch is
packed (parts added and removed), its packing list (装箱单) printed, shipped with a
carrier and tracking number; the manufacturer marks it received and its warranty
technician inspects each part (鉴定). A part found not confirmed or not received makes
its claim line a charge-back candidate (see ``settlement_reports``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.old_part_numbers import next_number
from tenants.warranty.old_parts import ensure_move, lock_part, lock_parts, move_parts

InspectionResult = Literal["confirmed", "not_confirmed", "not_received"]
INSPECTION_RESULTS: frozenset[str] = frozenset({"confirmed", "not_confirmed", "not_received"})


async def lock_shipment(
    connection: asyncpg.Connection, dealer_id: int, shipment_id: int
) -> asyncpg.Record:
    row = await connection.fetchrow(
        "select * from old_part_shipment where dealer_id = $1 and id = $2 for update",
        dealer_id,
        shipment_id,
    )
    if row is None:
        raise RecordNotFound("Old-part shipment")
    return row


def _ensure_status(shipment: asyncpg.Record, wanted: str, rule: str, action: str) -> None:
    if shipment["status"] != wanted:
        raise RuleViolation(
            "shipmentId",
            rule,
            f"Shipment {shipment['number']} is {shipment['status']}; {action}",
            status=shipment["status"],
        )


async def create_shipment(
    tx: ActiveTransaction, dealer_id: int, *, note: str = "", request_id: str = ""
) -> int:
    number = await next_number(tx.connection, dealer_id, "OPS")
    shipment_id: int = await tx.connection.fetchval(
        "insert into old_part_shipment (dealer_id, number, note, created_by)"
        " values ($1, $2, $3, $4) returning id",
        dealer_id,
        number,
        note.strip(),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="old_part_shipment.create",
        object_type="old_part_shipment",
        object_id=shipment_id,
        after={"number": number, "note": note.strip()},
        request_id=request_id,
    )
    return shipment_id


async def add_parts(
    tx: ActiveTransaction,
    dealer_id: int,
    shipment_id: int,
    part_ids: Sequence[int],
    *,
    request_id: str = "",
) -> None:
    """Pack requested parts; a part travels in one shipment only."""
    if not part_ids:
        raise RuleViolation("oldPartIds", "parts_required", "Name the parts to pack")
    shipment = await lock_shipment(tx.connection, dealer_id, shipment_id)
    _ensure_status(shipment, "packing", "shipment_not_packing", "parts are packed while packing")
    parts = await lock_parts(tx.connection, dealer_id, part_ids)
    for part in parts:
        if part["status"] != "requested":
            raise RuleViolation(
                "oldPartIds",
                "part_not_requested",
                f"Old part {part['tag']} is {part['status']}; only requested parts are shipped",
                tag=part["tag"],
            )
        if part["shipment_id"] not in (None, shipment_id):
            raise RuleViolation(
                "oldPartIds",
                "in_other_shipment",
                f"Old part {part['tag']} is packed in another shipment",
                tag=part["tag"],
            )
    ids = [p["id"] for p in parts if p["shipment_id"] is None]
    await tx.connection.execute(
        "update old_part set shipment_id = $3 where dealer_id = $1 and id = any($2::bigint[])",
        dealer_id,
        ids,
        shipment_id,
    )
    await record(
        dealer_id=dealer_id,
        action="old_part_shipment.add_parts",
        object_type="old_part_shipment",
        object_id=shipment_id,
        after={"added": [p["tag"] for p in parts if p["id"] in ids]},
        request_id=request_id,
    )


async def remove_part(
    tx: ActiveTransaction, dealer_id: int, shipment_id: int, part_id: int, *, request_id: str = ""
) -> None:
    shipment = await lock_shipment(tx.connection, dealer_id, shipment_id)
    _ensure_status(shipment, "packing", "shipment_not_packing", "parts leave it while packing")
    part = await lock_part(tx.connection, dealer_id, part_id)
    if part["shipment_id"] != shipment_id:
        raise RuleViolation(
            "oldPartId", "not_in_shipment", f"Old part {part['tag']} is not in this shipment"
        )
    await tx.connection.execute(
        "update old_part set shipment_id = null where dealer_id = $1 and id = $2",
        dealer_id,
        part_id,
    )
    await record(
        dealer_id=dealer_id,
        action="old_part_shipment.remove_part",
        object_type="old_part_shipment",
        object_id=shipment_id,
        before={"tag": part["tag"]},
        request_id=request_id,
    )


async def ship(
    tx: ActiveTransaction,
    dealer_id: int,
    shipment_id: int,
    *,
    carrier: str,
    tracking: str,
    request_id: str = "",
) -> None:
    """Hand the packed batch to the carrier: every part in it becomes shipped."""
    shipment = await lock_shipment(tx.connection, dealer_id, shipment_id)
    _ensure_status(shipment, "packing", "shipment_not_packing", "it was shipped already")
    if not carrier.strip():
        raise RuleViolation("carrier", "carrier_required", "Name the carrier")
    if not tracking.strip():
        raise RuleViolation("tracking", "tracking_required", "Give the tracking number")
    part_ids = [
        r["id"]
        for r in await tx.connection.fetch(
            "select id from old_part where dealer_id = $1 and shipment_id = $2",
            dealer_id,
            shipment_id,
        )
    ]
    if not part_ids:
        raise RuleViolation("shipmentId", "empty_shipment", "Pack at least one part")
    parts = await lock_parts(tx.connection, dealer_id, part_ids)
    for part in parts:
        ensure_move(part["status"], "shipped", part["tag"])
    await move_parts(
        tx,
        dealer_id,
        part_ids,
        "shipped",
        note=f"{shipment['number']} {carrier.strip()} {tracking.strip()}",
        request_id=request_id,
    )
    await tx.connection.execute(
        """
        update old_part_shipment s
           set status = 'shipped', carrier = $3, tracking = $4, shipped_by = $5,
               shipped_at = now(),
               requested_by_manufacturer_at = (
                 select min(m.created_at) from old_part_movement m
                   join old_part p on p.dealer_id = m.dealer_id and p.id = m.old_part_id
                  where p.dealer_id = $1 and p.shipment_id = $2 and m.to_status = 'requested')
         where s.dealer_id = $1 and s.id = $2
        """,
        dealer_id,
        shipment_id,
        carrier.strip(),
        tracking.strip(),
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="old_part_shipment.ship",
        object_type="old_part_shipment",
        object_id=shipment_id,
        before={"status": "packing"},
        after={
            "status": "shipped",
            "carrier": carrier.strip(),
            "tracking": tracking.strip(),
            "parts": len(part_ids),
        },
        request_id=request_id,
    )


async def receive(
    tx: ActiveTransaction, dealer_id: int, shipment_id: int, *, request_id: str = ""
) -> None:
    """The manufacturer has the batch in its hands; inspection may start."""
    shipment = await lock_shipment(tx.connection, dealer_id, shipment_id)
    _ensure_status(shipment, "shipped", "shipment_not_shipped", "only a shipped batch arrives")
    await tx.connection.execute(
        "update old_part_shipment set status = 'received', received_at = now(),"
        " received_by = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        shipment_id,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="old_part_shipment.receive",
        object_type="old_part_shipment",
        object_id=shipment_id,
        before={"status": "shipped"},
        after={"status": "received"},
        request_id=request_id,
    )


async def inspect(
    tx: ActiveTransaction,
    dealer_id: int,
    part_id: int,
    result: str,
    *,
    note: str = "",
    request_id: str = "",
) -> None:
    """The manufacturer's warranty technician rules on one returned part; a part not
    confirmed or not received says why."""
    if result not in INSPECTION_RESULTS:
        raise RuleViolation("result", "inspection_result", f"Result is one of {INSPECTION_RESULTS}")
    part = await lock_part(tx.connection, dealer_id, part_id)
    ensure_move(part["status"], "inspected", part["tag"])
    shipment = await lock_shipment(tx.connection, dealer_id, part["shipment_id"])
    _ensure_status(
        shipment, "received", "shipment_not_received", "mark it received before inspecting"
    )
    if result != "confirmed" and not note.strip():
        raise RuleViolation("note", "note_required", "Say why the part is not confirmed")
    await tx.connection.execute(
        "update old_part set inspection_result = $3, inspection_note = $4, inspected_by = $5,"
        " inspected_at = now() where dealer_id = $1 and id = $2",
        dealer_id,
        part_id,
        result,
        note.strip(),
        tx.scope.user_id,
    )
    said = f"{result}: {note.strip()}" if note.strip() else result
    await move_parts(tx, dealer_id, [part_id], "inspected", note=said, request_id=request_id)
