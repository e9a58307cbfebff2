"""The old-parts ledger (旧件台账): claimed parts tagged at removal, stored with a
location, requested by the manufacturer, shipped, inspected; parts nobody asked for
are scrapped after the retention period; non-warranty old parts go to the customer.

The part's status is its card, ``old_part_movement`` its ledger: every status change
appends a movement in the same statement that makes it, so ledger and card agree.
Shipping and inspection live in ``shipments``, scrapping by the clock in
``old_part_retention``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RecordNotFound, RuleViolation
from tenants.warranty.old_part_numbers import next_number

OldPartStatus = Literal[
    "tagged", "stored", "requested", "shipped", "inspected", "scrapped", "handed_over"
]

MOVES: dict[str, frozenset[str]] = {
    "tagged": frozenset({"stored", "scrapped", "handed_over"}),
    "stored": frozenset({"requested", "scrapped", "handed_over"}),
    "requested": frozenset({"shipped"}),
    "shipped": frozenset({"inspected"}),
}
"""The only moves: nothing leaves a shipment but by inspection, nothing comes back."""

_TAG_LOCK_CLASS = 0x4F50_4C00  # "OPL": advisory locks of tagging one source line

DEFAULT_RETENTION_DAYS = 90
"""When the manufacturer has no warranty policy: the policy table's own default."""

LIVE_CLAIM_EXCLUDES = ("rejected", "cancelled")
"""A claim in these statuses no longer holds its parts for the manufacturer."""


def ensure_move(current: str, to_status: str, tag: str) -> None:
    if to_status not in MOVES.get(current, frozenset()):
        raise RuleViolation(
            "status",
            "status_transition",
            f"Old part {tag} is {current}; it cannot become {to_status}",
            fromStatus=current,
            toStatus=to_status,
            tag=tag,
        )


_LOCK_SQL = """
select op.*, oc.claim_id as effective_claim_id, oc.claim_line_id as effective_claim_line_id,
       c.status as claim_status, c.number as claim_number,
       (now() at time zone d.time_zone)::date as local_today
  from old_part op
  join old_part_claim oc on oc.old_part_id = op.id
  join dealer d on d.id = op.dealer_id
  left join warranty_claim c on c.dealer_id = op.dealer_id and c.id = oc.claim_id
 where op.dealer_id = $1 and op.id = any($2::bigint[])
 order by op.id
   for update of op
"""


async def lock_parts(
    connection: asyncpg.Connection, dealer_id: int, part_ids: Sequence[int]
) -> list[asyncpg.Record]:
    """The parts with their claim (also one written after tagging), locked; every id
    must exist at this dealer."""
    wanted = sorted(set(part_ids))
    rows = await connection.fetch(_LOCK_SQL, dealer_id, wanted)
    if len(rows) != len(wanted):
        raise RecordNotFound("Old part")
    return list(rows)


async def lock_part(connection: asyncpg.Connection, dealer_id: int, part_id: int) -> asyncpg.Record:
    return (await lock_parts(connection, dealer_id, [part_id]))[0]


def held_for_warranty(part: asyncpg.Record) -> bool:
    """Whether the part belongs to the manufacturer's side: on a live claim, or marked
    for return before any claim was written."""
    if part["effective_claim_id"] is not None:
        return part["claim_status"] not in LIVE_CLAIM_EXCLUDES
    return bool(part["must_return"])


_MOVE_SQL = """
with moved as (
  update old_part p set status = $3
    from (select id, status from old_part where dealer_id = $1 and id = any($2::bigint[])) old
   where p.dealer_id = $1 and p.id = old.id
  returning p.id, p.tag, old.status as from_status
), movement as (
  insert into old_part_movement (dealer_id, old_part_id, from_status, to_status, note, created_by)
  select $1, id, from_status, $3, $4, $5 from moved
), audit as (
  insert into audit_entry (dealer_id, actor_user_id, actor_api_key_id, action, object_type,
                           object_id, before, after, request_id)
  select $1, $5, $6, 'old_part.' || $3::text, 'old_part', id::text,
         jsonb_build_object('status', from_status),
         jsonb_build_object('status', $3::text, 'tag', tag, 'note', $4::text), $7
    from moved
)
select count(*) from moved
"""


async def move_parts(
    tx: ActiveTransaction,
    dealer_id: int,
    part_ids: Sequence[int],
    to_status: OldPartStatus,
    *,
    note: str = "",
    request_id: str = "",
) -> int:
    """Set the status of already validated, locked parts: one statement updates the
    cards, appends the movements and writes an audit entry per part."""
    moved: int = await tx.connection.fetchval(
        _MOVE_SQL,
        dealer_id,
        list(part_ids),
        to_status,
        note,
        tx.scope.user_id,
        tx.scope.api_key_id,
        request_id,
    )
    return moved


@dataclass(frozen=True)
class TagInput:
    """From a repair-order part line or a claim's part line (exactly one)."""

    repair_order_line_id: int | None = None
    claim_line_id: int | None = None
    quantity: Decimal | None = None
    must_return: bool | None = None
    """The manufacturer's word for this claim line; else its part-group rule."""
    location: str = ""
    """Given: the part goes to the store at once (tagged, then stored)."""


_FROM_ORDER_LINE = """
select l.id as order_line_id, l.kind, l.status, l.part_id, l.quantity,
       (l.pay_type = 'warranty' or l.old_part_disposition = 'keep_for_warranty'
        or oc.claim_id is not null) as warranty,
       oc.claim_line_id, oc.claim_id, c.status as claim_status
  from repair_order_line l
  left join lateral (
    select cl.id as claim_line_id, cl.claim_id
      from warranty_claim_line cl
      join warranty_claim c2 on c2.dealer_id = cl.dealer_id and c2.id = cl.claim_id
     where cl.dealer_id = l.dealer_id and cl.repair_order_line_id = l.id and cl.kind = 'part'
       and c2.status <> 'cancelled'
     order by cl.id desc limit 1
  ) oc on true
  left join warranty_claim c on c.dealer_id = l.dealer_id and c.id = oc.claim_id
 where l.dealer_id = $1 and l.id = $2
"""

_FROM_CLAIM_LINE = """
select cl.repair_order_line_id as order_line_id, cl.kind, 'approved' as status, cl.part_id,
       cl.quantity, true as warranty, cl.id as claim_line_id, cl.claim_id,
       c.status as claim_status
  from warranty_claim_line cl
  join warranty_claim c on c.dealer_id = cl.dealer_id and c.id = cl.claim_id
 where cl.dealer_id = $1 and cl.id = $2
"""

_TERMS = """
select (now() at time zone d.time_zone)::date
         + coalesce(wp.old_part_retention_days, $3::int) as retain_until,
       t.must_return as group_must_return
  from dealer d
  join region r on r.id = d.region_id
  left join warranty_policy wp on wp.manufacturer_id = r.manufacturer_id
  left join part p on p.id = $2
  left join warranty_part_group_term t
         on t.manufacturer_id = r.manufacturer_id and t.part_group = p.part_group
 where d.id = $1
"""


async def tag_old_part(
    tx: ActiveTransaction, dealer_id: int, given: TagInput, *, request_id: str = ""
) -> int:
    """Tag a removed part (label number printed on it); the claim it belongs to and
    whether the manufacturer wants it back come from the source line and the
    manufacturer's part-group rule; retain_until from the policy's retention days."""
    connection = tx.connection
    if (given.repair_order_line_id is None) == (given.claim_line_id is None):
        raise RuleViolation(
            "source", "one_source", "Tag from a repair-order line or from a claim line"
        )
    field = "repairOrderLineId" if given.repair_order_line_id is not None else "claimLineId"
    source = await connection.fetchrow(
        _FROM_ORDER_LINE if given.repair_order_line_id is not None else _FROM_CLAIM_LINE,
        dealer_id,
        given.repair_order_line_id or given.claim_line_id,
    )
    if source is None:
        raise RecordNotFound("Repair-order line" if field == "repairOrderLineId" else "Claim line")
    if source["kind"] != "part" or source["part_id"] is None:
        raise RuleViolation(field, "part_line_only", "Only a part line leaves an old part")
    if source["status"] != "approved":
        raise RuleViolation(field, "line_not_approved", "The part line is not approved work")
    if source["claim_status"] == "cancelled":
        raise RuleViolation(field, "claim_cancelled", "The claim of this line is cancelled")
    # Serialise tagging of one line so two desks cannot tag the same part twice.
    by_order_line = source["order_line_id"] is not None
    await connection.execute(
        "select pg_advisory_xact_lock($1::int, ($2::bigint % 2147483647)::int)",
        _TAG_LOCK_CLASS + (0 if by_order_line else 1),
        source["order_line_id"] if by_order_line else source["claim_line_id"],
    )
    tagged: Decimal = await connection.fetchval(
        "select coalesce(sum(quantity), 0) from old_part where dealer_id = $1"
        " and (repair_order_line_id = $2 or claim_line_id = $3)",
        dealer_id,
        source["order_line_id"],
        source["claim_line_id"],
    )
    remaining = Decimal(source["quantity"]) - tagged
    quantity = given.quantity if given.quantity is not None else remaining
    if quantity <= 0 and given.quantity is None:
        raise RuleViolation(field, "already_tagged", "Every part of this line is tagged")
    if quantity <= 0:
        raise RuleViolation("quantity", "quantity_positive", "Tag at least one part")
    if quantity > remaining:
        raise RuleViolation(
            "quantity",
            "quantity_exceeds_line",
            f"Only {remaining} of this line are untagged",
            remaining=str(remaining),
        )
    warranty = bool(source["warranty"])
    if given.must_return and not warranty:
        raise RuleViolation(
            "mustReturn", "must_return_needs_warranty", "Only warranty parts go back"
        )
    terms = await connection.fetchrow(_TERMS, dealer_id, source["part_id"], DEFAULT_RETENTION_DAYS)
    assert terms is not None
    must_return = warranty and (
        given.must_return
        if given.must_return is not None
        else (terms["group_must_return"] if terms["group_must_return"] is not None else True)
    )
    tag = await next_number(connection, dealer_id, "OP")
    part_id: int = await connection.fetchval(
        """
        insert into old_part (dealer_id, tag, claim_id, claim_line_id, repair_order_line_id,
                              part_id, quantity, must_return, retain_until, tagged_by)
        values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
        returning id
        """,
        dealer_id,
        tag,
        source["claim_id"],
        source["claim_line_id"],
        source["order_line_id"],
        source["part_id"],
        quantity,
        must_return,
        terms["retain_until"],
        tx.scope.user_id,
    )
    await connection.execute(
        "insert into old_part_movement (dealer_id, old_part_id, from_status, to_status,"
        " created_by) values ($1, $2, null, 'tagged', $3)",
        dealer_id,
        part_id,
        tx.scope.user_id,
    )
    await record(
        dealer_id=dealer_id,
        action="old_part.tag",
        object_type="old_part",
        object_id=part_id,
        after={
            "tag": tag,
            "claim_id": source["claim_id"],
            "repair_order_line_id": source["order_line_id"],
            "quantity": quantity,
            "must_return": must_return,
            "retain_until": terms["retain_until"],
        },
        request_id=request_id,
    )
    if given.location.strip():
        await store_old_part(tx, dealer_id, part_id, given.location, request_id=request_id)
    return part_id


async def store_old_part(
    tx: ActiveTransaction, dealer_id: int, part_id: int, location: str, *, request_id: str = ""
) -> None:
    """Put a tagged part on its place in the old-parts store, or move a part kept in
    the store to another place (the movement then keeps its status and says where)."""
    place = location.strip()
    if not place:
        raise RuleViolation("location", "location_required", "Say where the part is kept")
    part = await lock_part(tx.connection, dealer_id, part_id)
    await tx.connection.execute(
        "update old_part set location = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        part_id,
        place,
    )
    if part["status"] in ("stored", "requested"):
        await tx.connection.execute(
            "insert into old_part_movement (dealer_id, old_part_id, from_status, to_status,"
            " note, created_by) values ($1, $2, $3, $3, $4, $5)",
            dealer_id,
            part_id,
            part["status"],
            f"{part['location']} -> {place}",
            tx.scope.user_id,
        )
        await record(
            dealer_id=dealer_id,
            action="old_part.relocate",
            object_type="old_part",
            object_id=part_id,
            before={"location": part["location"]},
            after={"location": place},
            request_id=request_id,
        )
        return
    ensure_move(part["status"], "stored", part["tag"])
    await move_parts(tx, dealer_id, [part_id], "stored", note=place, request_id=request_id)


async def request_returns(
    tx: ActiveTransaction,
    dealer_id: int,
    part_ids: Sequence[int],
    *,
    by_manufacturer: bool,
    note: str = "",
    request_id: str = "",
) -> int:
    """The manufacturer asks for stored claimed parts back; the dealer may record a
    request the manufacturer sent by its own system, naming it in the note."""
    if not part_ids:
        raise RuleViolation("oldPartIds", "parts_required", "Name the parts asked for")
    if not by_manufacturer and not note.strip():
        raise RuleViolation(
            "note",
            "request_reference_required",
            "Name the manufacturer's request (notice number or date)",
        )
    parts = await lock_parts(tx.connection, dealer_id, part_ids)
    for part in parts:
        ensure_move(part["status"], "requested", part["tag"])
        if part["effective_claim_id"] is None:
            raise RuleViolation(
                "oldPartIds",
                "not_claimed",
                f"Old part {part['tag']} is on no claim",
                tag=part["tag"],
            )
    # The claim a part was tagged before becomes its own now that it travels.
    await tx.connection.execute(
        "update old_part p set claim_id = oc.claim_id, claim_line_id = oc.claim_line_id"
        " from old_part_claim oc where oc.old_part_id = p.id and p.dealer_id = $1"
        " and p.id = any($2::bigint[]) and p.claim_id is null",
        dealer_id,
        [p["id"] for p in parts],
    )
    return await move_parts(
        tx,
        dealer_id,
        [p["id"] for p in parts],
        "requested",
        note=note.strip() or "requested by the manufacturer",
        request_id=request_id,
    )


async def scrap_old_part(
    tx: ActiveTransaction, dealer_id: int, part_id: int, *, note: str = "", request_id: str = ""
) -> None:
    """Scrap by hand: a part held for warranty only after its retention period; one
    nobody claims (the customer left it) at any time. Never a requested or shipped part."""
    part = await lock_part(tx.connection, dealer_id, part_id)
    ensure_move(part["status"], "scrapped", part["tag"])
    if held_for_warranty(part) and (
        part["retain_until"] is None or part["retain_until"] >= part["local_today"]
    ):
        raise RuleViolation(
            "oldPartId",
            "retention_not_over",
            f"Old part {part['tag']} is kept until {part['retain_until']}",
            retainUntil=str(part["retain_until"]),
        )
    await move_parts(tx, dealer_id, [part_id], "scrapped", note=note, request_id=request_id)


async def hand_over_old_part(
    tx: ActiveTransaction, dealer_id: int, part_id: int, *, note: str = "", request_id: str = ""
) -> None:
    """The customer takes a non-warranty old part (cleaned and bagged); a part held for
    the manufacturer stays."""
    part = await lock_part(tx.connection, dealer_id, part_id)
    ensure_move(part["status"], "handed_over", part["tag"])
    if held_for_warranty(part):
        raise RuleViolation(
            "oldPartId",
            "warranty_part_kept",
            f"Old part {part['tag']} is kept for the manufacturer",
            tag=part["tag"],
        )
    await move_parts(tx, dealer_id, [part_id], "handed_over", note=note, request_id=request_id)
