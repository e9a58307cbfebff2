"""Manufacturer oversight GraphQL: dealer audits (巡查考核).

The region's manager (dealer_audit:create at the dealers of the region) plans, starts,
scores, records findings, submits, verifies or sends back fixes, and closes. The dealer
reads its own audits (dealer_audit:read) and its service manager answers findings
(dealer_audit:respond). Reads reach the dealers where the viewer holds dealer_audit:read;
an audit elsewhere is NOT_FOUND, a step without its permission FORBIDDEN. Every
mutation is one transaction at the audit's dealer with its audit entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from strawberry import relay

from api.schema.context import Info
from api.schema.errors import NotFound
from api.schema.oversight.audits_types import (
    AddAuditFindingInput,
    AuditChecklistItem,
    AuditOwnerCandidate,
    DealerAudit,
    DealerAuditStatus,
    DealerAuditSummary,
)
from api.schema.oversight.audits_types import AuditFinding as AuditFindingType
from api.schema.relay_conventions import (
    connection,
    decode_cursor,
    global_id,
    page_size,
    parse_global_id,
)
from api.schema.warranty.old_parts_access import dealers_with, write_at
from tenants.database import ActiveTransaction
from tenants.oversight import audit_findings, audit_queries, audits
from tenants.oversight.audit_checklist import ensure_default_checklist, manufacturer_of_dealer


def now() -> datetime:
    return datetime.now(UTC)


def _readable(info: Info) -> tuple[int, ...]:
    return dealers_with(info, "dealer_audit", "read")


async def audits_visible(info: Info, ids: list[int]) -> list[DealerAudit]:
    dealers = _readable(info)
    if not dealers or not ids:
        return []
    async with info.context.read(dealers) as tx:
        rows = await audit_queries.audits_by_id(tx.connection, dealers, ids, now())
    return [DealerAudit.from_row(r) for r in rows]


async def _audit(info: Info, audit_id: int) -> DealerAudit:
    found = await audits_visible(info, [audit_id])
    if not found:
        raise NotFound("Audit")
    return found[0]


async def _dealer_of(info: Info, table: str, object_id: int) -> int:
    """The dealer of an audit or finding among those the viewer reads; NOT_FOUND else."""
    assert table in ("dealer_audit", "dealer_audit_finding")
    dealers = _readable(info)
    if dealers:
        async with info.context.read(dealers) as tx:
            found: int | None = await tx.connection.fetchval(
                f"select dealer_id from {table} where id = $1 and dealer_id = any($2::bigint[])",
                object_id,
                list(dealers),
            )
        if found is not None:
            return found
    raise NotFound("Audit" if table == "dealer_audit" else "Finding")


def _dealer_arg(info: Info, dealer_id: strawberry.ID | None) -> int:
    if dealer_id is None:
        return info.context.dealer_id
    return parse_global_id(dealer_id, "Dealer", "dealerId")


async def _audit_step(
    info: Info,
    audit_id: strawberry.ID,
    action: str,
    call: Callable[[ActiveTransaction, int, int], Awaitable[Any]],
) -> DealerAudit:
    aid = parse_global_id(audit_id, "DealerAudit", "id")
    dealer = await _dealer_of(info, "dealer_audit", aid)
    async with write_at(info, dealer, "dealer_audit", action) as tx:
        await call(tx, dealer, aid)
    return await _audit(info, aid)


async def _finding_step(
    info: Info,
    finding_id: strawberry.ID,
    action: str,
    call: Callable[[ActiveTransaction, int, int], Awaitable[Any]],
) -> AuditFindingType:
    fid = parse_global_id(finding_id, "AuditFinding", "id")
    dealer = await _dealer_of(info, "dealer_audit_finding", fid)
    async with write_at(info, dealer, "dealer_audit", action) as tx:
        row = await call(tx, dealer, fid)
    async with info.context.read((dealer,)) as tx:
        rows = await audit_queries.findings(tx.connection, [dealer], [row["audit_id"]], now())
    return AuditFindingType.from_row(next(r for r in rows if r["id"] == fid))


@strawberry.type
class OversightAuditsQuery:
    @strawberry.field(
        description="Audits of the dealers where the viewer holds dealer_audit:read (the"
        " region's manager: every dealer of the region; dealer staff: their own), newest first."
    )
    async def dealer_audits(
        self,
        info: Info,
        status: list[DealerAuditStatus] | None = None,
        dealer_id: strawberry.ID | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[DealerAudit]:
        size, before = page_size(first), decode_cursor(after)
        dealers = _readable(info)
        if dealer_id is not None:
            wanted = parse_global_id(dealer_id, "Dealer", "dealerId")
            dealers = tuple(d for d in dealers if d == wanted)
        if not dealers:
            return connection([], size, DealerAudit.from_row, lambda r: r["id"])
        async with info.context.read(dealers) as tx:
            rows = await audit_queries.list_audits(
                tx.connection,
                dealers,
                statuses=[s.value for s in status or []],
                now=now(),
                before_id=before,
                limit=size + 1,
            )
        return connection(rows, size, DealerAudit.from_row, lambda r: r["id"])

    @strawberry.field(description="One audit with its checklist and findings; None if not visible.")
    async def dealer_audit(self, info: Info, id: strawberry.ID) -> DealerAudit | None:
        found = await audits_visible(info, [parse_global_id(id, "DealerAudit", "id")])
        return found[0] if found else None

    @strawberry.field(
        description="The manufacturer's audit checklist for a dealer the viewer audits or is"
        " audited at (the current dealer when none is given)."
    )
    async def audit_checklist(
        self, info: Info, dealer_id: strawberry.ID | None = None
    ) -> list[AuditChecklistItem]:
        dealer = info.context.require("dealer_audit", "read", _dealer_arg(info, dealer_id))
        async with info.context.read((dealer,)) as tx:
            manufacturer = await manufacturer_of_dealer(tx.connection, dealer)
            rows = await audit_queries.checklist(tx.connection, manufacturer)
        return [AuditChecklistItem.from_row(r) for r in rows]

    @strawberry.field(
        description="Every dealer the viewer audits (dealer_audit:create) with its last score,"
        " open and overdue findings and next planned visit."
    )
    async def dealer_audit_summary(self, info: Info) -> list[DealerAuditSummary]:
        dealers = dealers_with(info, "dealer_audit", "create")
        if not dealers:
            return []
        async with info.context.read(dealers) as tx:
            rows = await audit_queries.region_summary(tx.connection, dealers, now())
        return [DealerAuditSummary.from_row(r) for r in rows]

    @strawberry.field(description="Staff of an audited dealer who can own a finding.")
    async def audit_owner_candidates(
        self, info: Info, dealer_id: strawberry.ID
    ) -> list[AuditOwnerCandidate]:
        dealer = info.context.require("dealer_audit", "create", _dealer_arg(info, dealer_id))
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                "select u.id, u.display_name, m.roles from membership m"
                " join staff_user u on u.id = m.user_id"
                " where m.dealer_id = $1 and u.active order by u.display_name, u.id",
                dealer,
            )
        return [
            AuditOwnerCandidate(
                id=strawberry.ID(global_id("StaffUser", r["id"])),
                display_name=r["display_name"],
                roles=list(r["roles"]),
            )
            for r in rows
        ]


@strawberry.type
class OversightAuditsMutation:
    @strawberry.mutation(
        description="Plan a visit to a dealer of the region (dealer_audit:create)."
    )
    async def plan_dealer_audit(
        self, info: Info, dealer_id: strawberry.ID, planned_on: date
    ) -> DealerAudit:
        dealer = parse_global_id(dealer_id, "Dealer", "dealerId")
        async with write_at(info, dealer, "dealer_audit", "create") as tx:
            row = await audits.plan_audit(
                tx, dealer, planned_on=planned_on, now=now(), request_id=info.context.request_id
            )
        return await _audit(info, row["id"])

    @strawberry.mutation(description="Start a planned visit on site.")
    async def start_dealer_audit(self, info: Info, id: strawberry.ID) -> DealerAudit:
        return await _audit_step(
            info,
            id,
            "create",
            lambda tx, d, a: audits.start_audit(
                tx, d, a, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Score one checklist item 0..its weight, with a note.")
    async def score_dealer_audit_item(
        self,
        info: Info,
        audit_id: strawberry.ID,
        item_id: strawberry.ID,
        points: Decimal,
        note: str = "",
    ) -> DealerAudit:
        item = parse_global_id(item_id, "AuditChecklistItem", "itemId")
        return await _audit_step(
            info,
            audit_id,
            "create",
            lambda tx, d, a: audits.score_item(
                tx,
                d,
                a,
                item,
                points=points,
                note=note,
                now=now(),
                request_id=info.context.request_id,
            ),
        )

    @strawberry.mutation(description="Record a finding with its owner and due date.")
    async def add_dealer_audit_finding(
        self, info: Info, input: AddAuditFindingInput
    ) -> DealerAudit:
        owner = parse_global_id(input.owner_id, "StaffUser", "ownerId")
        item = (
            parse_global_id(input.item_id, "AuditChecklistItem", "itemId")
            if input.item_id is not None
            else None
        )
        return await _audit_step(
            info,
            input.audit_id,
            "create",
            lambda tx, d, a: audits.add_finding(
                tx,
                d,
                a,
                severity=input.severity.value,
                description=input.description,
                owner_user_id=owner,
                due_on=input.due_on,
                item_id=item,
                now=now(),
                request_id=info.context.request_id,
            ),
        )

    @strawberry.mutation(description="Submit the scored audit: the score is fixed.")
    async def submit_dealer_audit(
        self, info: Info, id: strawberry.ID, summary: str = ""
    ) -> DealerAudit:
        return await _audit_step(
            info,
            id,
            "create",
            lambda tx, d, a: audits.submit_audit(
                tx, d, a, summary=summary, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Close a submitted audit once every finding is verified.")
    async def close_dealer_audit(self, info: Info, id: strawberry.ID) -> DealerAudit:
        return await _audit_step(
            info,
            id,
            "create",
            lambda tx, d, a: audits.close_audit(
                tx, d, a, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Call off a planned or running visit, with the reason.")
    async def cancel_dealer_audit(self, info: Info, id: strawberry.ID, reason: str) -> DealerAudit:
        return await _audit_step(
            info,
            id,
            "create",
            lambda tx, d, a: audits.cancel_audit(
                tx, d, a, reason=reason, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(
        description="Answer a finding with the fix made (dealer_audit:respond at its dealer)."
    )
    async def respond_audit_finding(
        self, info: Info, id: strawberry.ID, response: str
    ) -> AuditFindingType:
        return await _finding_step(
            info,
            id,
            "respond",
            lambda tx, d, f: audit_findings.respond(
                tx, d, f, response=response, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Accept a finding's fix (the auditor).")
    async def verify_audit_finding(self, info: Info, id: strawberry.ID) -> AuditFindingType:
        return await _finding_step(
            info,
            id,
            "create",
            lambda tx, d, f: audit_findings.verify(
                tx, d, f, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(description="Send a finding's fix back with a note: open again.")
    async def send_back_audit_finding(
        self, info: Info, id: strawberry.ID, note: str
    ) -> AuditFindingType:
        return await _finding_step(
            info,
            id,
            "create",
            lambda tx, d, f: audit_findings.send_back(
                tx, d, f, note=note, now=now(), request_id=info.context.request_id
            ),
        )

    @strawberry.mutation(
        description="Add the default checklist items the manufacturer lacks (dealer_audit:create"
        " at the given dealer); the number added."
    )
    async def seed_audit_checklist(self, info: Info, dealer_id: strawberry.ID) -> int:
        dealer = parse_global_id(dealer_id, "Dealer", "dealerId")
        async with write_at(info, dealer, "dealer_audit", "create") as tx:
            return await ensure_default_checklist(
                tx.connection, await manufacturer_of_dealer(tx.connection, dealer)
            )
