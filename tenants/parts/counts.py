"""Stock counts (盘点): which items a count takes, and the counter's entries.

Kinds, from the parts rules: a *cycle* count checks the items that moved since their
last approved count (or since a given date) — the continuous check of moved items;
a *daily* and a *monthly* count take every item with stock or with a movement in
the dealer's current day or month; a *quarterly* count takes every item and is
witnessed by finance. An item sits in at most one unfinished count, so two counts
can never adjust the same difference twice: a cycle or daily count leaves out items
already being counted (and says how many), a full count waits until the others are
finished. Submitting, approving, rejecting and cancelling are in ``count_review``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Final, Literal, get_args

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.parts.errors import RecordNotFound, RuleViolation
from tenants.parts.numbering import next_document_number

CountKind = Literal["cycle", "daily", "monthly", "quarterly"]
KINDS: Final[tuple[str, ...]] = get_args(CountKind)
FULL_COUNTS: Final = frozenset({"monthly", "quarterly"})
UNFINISHED: Final = ("open", "submitted")

Responsibility = Literal[
    "warehouse_keeper", "technician", "supplier", "recording_error", "theft", "unknown"
]
RESPONSIBILITIES: Final[tuple[str, ...]] = get_args(Responsibility)
PERSON_REQUIRED: Final = frozenset({"warehouse_keeper", "technician"})
"""A person is responsible: name them (they answer for the difference)."""
NO_PERSON: Final = frozenset({"supplier", "unknown"})
"""Nobody in the dealer is named for these."""

MAX_CAUSE = 500
BIN_PREFIX = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+){0,3}-?$")
_LOCK_CLASS: Final = 0x5343_4E54  # "SCNT": advisory-lock namespace of count creation


@dataclass(frozen=True)
class CreatedCount:
    id: int
    number: str
    lines: int
    skipped: int
    """Items of the selection left out because another unfinished count has them."""


@dataclass(frozen=True)
class CountedEntry:
    line_id: int
    counted_qty: Decimal


@dataclass(frozen=True)
class Explanation:
    line_id: int
    cause: str
    responsibility: str
    responsible_user_id: int | None = None


@dataclass(frozen=True)
class LockedCount:
    id: int
    number: str
    kind: str
    status: str
    created_by: int | None
    submitted_by: int | None
    finance_witness: str


def check_quantity(value: Decimal, field: str) -> Decimal:
    """Counted quantities are non-negative with at most two decimals (litres of oil)."""
    if not value.is_finite() or value < 0:
        raise RuleViolation(field, "non_negative", "A counted quantity cannot be negative")
    if value != value.quantize(Decimal("0.01")):
        raise RuleViolation(field, "two_decimals", "Quantities have at most two decimals")
    return value


async def lock_count(connection: asyncpg.Connection, dealer_id: int, count_id: int) -> LockedCount:
    """The count, locked for the rest of the transaction (one change at a time)."""
    row = await connection.fetchrow(
        "select id, number, kind, status, created_by, submitted_by, finance_witness"
        " from stock_count where dealer_id = $1 and id = $2 for update",
        dealer_id,
        count_id,
    )
    if row is None:
        raise RecordNotFound("Stock count")
    return LockedCount(
        row["id"],
        row["number"],
        row["kind"],
        row["status"],
        row["created_by"],
        row["submitted_by"],
        row["finance_witness"],
    )


def ensure_open(count: LockedCount, doing: str) -> None:
    if count.status != "open":
        raise RuleViolation(
            "countId",
            "status_transition",
            f"Count {count.number} is {count.status}: only an open count can be {doing}",
            status=count.status,
        )


SELECTION_SQL = """
with scope as (
  select d.time_zone,
         date_trunc('day', now() at time zone d.time_zone) at time zone d.time_zone as day_start,
         date_trunc('month', now() at time zone d.time_zone) at time zone d.time_zone
           as month_start
    from dealer d where d.id = $1
), candidates as (
  select s.id, s.on_hand
    from stock_item s cross join scope
   where s.dealer_id = $1
     and (s.active or s.on_hand <> 0)
     and ($3 = '' or s.bin_location like $3 || '%')
     and case $2
           when 'quarterly' then true
           when 'monthly' then s.on_hand <> 0 or s.last_movement_at >= scope.month_start
           when 'daily' then s.on_hand <> 0 or s.last_movement_at >= scope.day_start
           else s.last_movement_at is not null and (
             case when $4::timestamptz is not null then s.last_movement_at >= $4::timestamptz
                  else s.last_movement_at > coalesce(
                    (select max(c.approved_at)
                       from stock_count_line l
                       join stock_count c on c.dealer_id = l.dealer_id and c.id = l.stock_count_id
                      where l.dealer_id = s.dealer_id and l.stock_item_id = s.id
                        and c.status = 'approved'), '-infinity'::timestamptz)
             end)
         end
), busy as (
  select l.stock_item_id
    from stock_count_line l
    join stock_count c on c.dealer_id = l.dealer_id and c.id = l.stock_count_id
   where l.dealer_id = $1 and c.status in ('open', 'submitted') and c.id <> $5
), inserted as (
  insert into stock_count_line (dealer_id, stock_count_id, stock_item_id, expected_qty)
  select $1, $5, c.id, c.on_hand from candidates c
   where c.id not in (select stock_item_id from busy)
  returning 1
)
select (select count(*) from inserted)::int as lines,
       (select count(*) from candidates where id in (select stock_item_id from busy))::int
         as skipped
"""


def normalise_bin_prefix(value: str) -> str:
    prefix = value.strip().upper()
    if prefix and not BIN_PREFIX.match(prefix):
        raise RuleViolation(
            "binPrefix",
            "bin_prefix",
            "A bin prefix is the start of a location warehouse-shelf-level-position, e.g. A-02",
        )
    return prefix


async def create_count(
    tx: ActiveTransaction,
    dealer_id: int,
    kind: str,
    *,
    since: datetime | None = None,
    bin_prefix: str = "",
    scope_note: str = "",
    request_id: str = "",
) -> CreatedCount:
    """Open a count with one line per selected item. Creations of one dealer queue on
    an advisory lock, so two counts started at once cannot both take an item."""
    if kind not in KINDS:
        raise RuleViolation("kind", "count_kind", f"Unknown count kind {kind!r}")
    if since is not None and kind != "cycle":
        raise RuleViolation("since", "cycle_only", "Only a cycle count starts from a date")
    prefix = normalise_bin_prefix(bin_prefix)
    if prefix and kind in FULL_COUNTS:
        raise RuleViolation(
            "binPrefix", "full_count", f"A {kind} count takes the whole store, not a zone"
        )
    connection = tx.connection
    if since is not None and since > await connection.fetchval("select now()"):
        raise RuleViolation("since", "not_in_future", "A cycle count starts from a past date")
    await connection.execute("select pg_advisory_xact_lock($1, $2::int)", _LOCK_CLASS, dealer_id)
    if kind in FULL_COUNTS:
        other = await connection.fetchrow(
            "select number, status from stock_count where dealer_id = $1"
            " and status = any($2::text[]) order by id limit 1",
            dealer_id,
            list(UNFINISHED),
        )
        if other is not None:
            raise RuleViolation(
                "kind",
                "count_in_progress",
                f"Count {other['number']} is still {other['status']}: finish or cancel it"
                f" before a {kind} count of the whole store",
                number=other["number"],
            )
    number = await next_document_number(connection, dealer_id, "SC")
    count_id: int = await connection.fetchval(
        "insert into stock_count (dealer_id, number, kind, scope_note, since, bin_prefix,"
        " created_by) values ($1, $2, $3, $4, $5, $6, $7) returning id",
        dealer_id,
        number,
        kind,
        scope_note.strip(),
        since,
        prefix,
        tx.scope.user_id,
    )
    selected = await connection.fetchrow(SELECTION_SQL, dealer_id, kind, prefix, since, count_id)
    assert selected is not None
    lines, skipped = selected["lines"], selected["skipped"]
    if lines == 0:
        raise RuleViolation(
            "kind",
            "nothing_to_count",
            f"No item to count for this {kind} count"
            + (f" ({skipped} are in other unfinished counts)" if skipped else ""),
            skipped=skipped,
        )
    await connection.execute(
        "update stock_count set skipped_items = $3 where dealer_id = $1 and id = $2",
        dealer_id,
        count_id,
        skipped,
    )
    await record(
        dealer_id=dealer_id,
        action="stock_count.create",
        object_type="stock_count",
        object_id=count_id,
        after={
            "number": number,
            "kind": kind,
            "since": since,
            "binPrefix": prefix,
            "lines": lines,
            "skipped": skipped,
        },
        request_id=request_id,
    )
    return CreatedCount(count_id, number, lines, skipped)


RECORD_SQL = """
update stock_count_line l
   set counted_qty = e.qty,
       expected_qty = s.on_hand,
       counted_by = $5,
       counted_at = now(),
       cause = case when e.qty = s.on_hand then '' else l.cause end,
       responsibility = case when e.qty = s.on_hand then null else l.responsibility end,
       responsible_user_id = case when e.qty = s.on_hand then null else l.responsible_user_id end
  from unnest($3::bigint[], $4::numeric[]) as e(line_id, qty), stock_item s
 where l.dealer_id = $1 and l.stock_count_id = $2 and l.id = e.line_id
   and s.dealer_id = l.dealer_id and s.id = l.stock_item_id
returning l.id, l.stock_item_id, l.expected_qty, l.counted_qty
"""


async def record_counted(
    tx: ActiveTransaction,
    dealer_id: int,
    count_id: int,
    entries: Sequence[CountedEntry],
    *,
    request_id: str = "",
) -> int:
    """Record counted quantities (a recount overwrites). The expected quantity is the
    ledger's on-hand *at the moment the line is counted*, not when the count was
    opened: the store keeps issuing and receiving while a count runs, and comparing
    the shelf with the balance of the same moment is the only comparison in which a
    difference means something is wrong. The adjustment later books that difference
    as a delta, so movements after the counting stay as they are."""
    if not entries:
        raise RuleViolation("entries", "not_empty", "Enter at least one counted quantity")
    ids = [e.line_id for e in entries]
    if len(set(ids)) != len(ids):
        raise RuleViolation("entries", "unique_lines", "Each line is entered once per call")
    quantities = [check_quantity(e.counted_qty, "countedQty") for e in entries]
    count = await lock_count(tx.connection, dealer_id, count_id)
    ensure_open(count, "counted")
    rows = await tx.connection.fetch(
        RECORD_SQL, dealer_id, count_id, ids, quantities, tx.scope.user_id
    )
    if len(rows) != len(ids):
        raise RecordNotFound("Count line")
    await record(
        dealer_id=dealer_id,
        action="stock_count.record",
        object_type="stock_count",
        object_id=count_id,
        after={
            "number": count.number,
            "lines": [
                {
                    "lineId": r["id"],
                    "stockItemId": r["stock_item_id"],
                    "expected": r["expected_qty"],
                    "counted": r["counted_qty"],
                }
                for r in rows
            ],
        },
        request_id=request_id,
    )
    return len(rows)


def check_explanation(explanation: Explanation) -> Explanation:
    cause = explanation.cause.strip()
    if not cause:
        raise RuleViolation("cause", "cause_required", "Say what caused the difference")
    if len(cause) > MAX_CAUSE:
        raise RuleViolation("cause", "too_long", f"A cause has at most {MAX_CAUSE} characters")
    responsibility = explanation.responsibility
    if responsibility not in RESPONSIBILITIES:
        raise RuleViolation(
            "responsibility", "responsibility", f"Unknown responsibility {responsibility!r}"
        )
    person = explanation.responsible_user_id
    if responsibility in PERSON_REQUIRED and person is None:
        raise RuleViolation(
            "responsiblePersonId",
            "responsible_person_required",
            "Name the person responsible when a keeper or a technician is responsible",
        )
    if responsibility in NO_PERSON and person is not None:
        raise RuleViolation(
            "responsiblePersonId",
            "no_person_for_responsibility",
            f"No person of the dealer is named when the responsibility is {responsibility}",
        )
    return Explanation(explanation.line_id, cause, responsibility, person)


EXPLAIN_SQL = """
update stock_count_line l
   set cause = e.cause, responsibility = e.responsibility, responsible_user_id = e.person
  from unnest($3::bigint[], $4::text[], $5::text[], $6::bigint[])
         as e(line_id, cause, responsibility, person)
 where l.dealer_id = $1 and l.stock_count_id = $2 and l.id = e.line_id
returning l.id
"""


async def explain_differences(
    tx: ActiveTransaction,
    dealer_id: int,
    count_id: int,
    explanations: Sequence[Explanation],
    *,
    request_id: str = "",
) -> int:
    """Give counted lines with a difference their cause and responsibility."""
    if not explanations:
        raise RuleViolation("lines", "not_empty", "Explain at least one difference")
    checked = [check_explanation(e) for e in explanations]
    ids = [e.line_id for e in checked]
    if len(set(ids)) != len(ids):
        raise RuleViolation("lines", "unique_lines", "Each line is explained once per call")
    connection = tx.connection
    count = await lock_count(connection, dealer_id, count_id)
    ensure_open(count, "explained")
    lines = await connection.fetch(
        "select id, counted_qty, expected_qty from stock_count_line"
        " where dealer_id = $1 and stock_count_id = $2 and id = any($3::bigint[])",
        dealer_id,
        count_id,
        ids,
    )
    if len(lines) != len(ids):
        raise RecordNotFound("Count line")
    for line in lines:
        if line["counted_qty"] is None or line["counted_qty"] == line["expected_qty"]:
            raise RuleViolation(
                "lines",
                "no_difference",
                "Only a counted line with a difference is explained",
                lineId=line["id"],
            )
    people = sorted({e.responsible_user_id for e in checked if e.responsible_user_id})
    if people:
        staff = await connection.fetch(
            "select user_id from membership where dealer_id = $1 and active"
            " and user_id = any($2::bigint[])",
            dealer_id,
            people,
        )
        if len(staff) != len(people):
            raise RuleViolation(
                "responsiblePersonId",
                "dealer_staff",
                "The responsible person must be a member of this dealer's staff",
            )
    await connection.execute(
        EXPLAIN_SQL,
        dealer_id,
        count_id,
        ids,
        [e.cause for e in checked],
        [e.responsibility for e in checked],
        [e.responsible_user_id for e in checked],
    )
    await record(
        dealer_id=dealer_id,
        action="stock_count.explain",
        object_type="stock_count",
        object_id=count_id,
        after={
            "number": count.number,
            "lines": [
                {
                    "lineId": e.line_id,
                    "cause": e.cause,
                    "responsibility": e.responsibility,
                    "responsibleUserId": e.responsible_user_id,
                }
                for e in checked
            ],
        },
        request_id=request_id,
    )
    return len(checked)
