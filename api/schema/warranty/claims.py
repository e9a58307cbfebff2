"""Warranty claims of the current dealer: the manufacturer's terms, eligibility of warranty
lines and the vehicle's warnings (三包预警), claims built from repair-order lines, checked
and submitted. Types in ``claims_types``, mutations in ``claims_mutations``, terms in
``claims_terms``; the line and vehicle fields are added in ``repair_orders`` and
``customers`` through ``claims_fields``."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry import relay
from strawberry.tools import merge_types

from api.schema.context import Info
from api.schema.relay_conventions import decode_cursor, encode_cursor, page_size, parse_global_id
from api.schema.warranty.claims_mutations import WarrantyClaimMutation
from api.schema.warranty.claims_terms import WarrantyTermsMutation, WarrantyTermsQuery
from api.schema.warranty.claims_types import (
    WarrantyClaim,
    WarrantyClaimCheck,
    WarrantyClaimStatus,
    WarrantyClaimType,
)
from tenants.warranty.claim_checks import check_claim


@strawberry.type
class WarrantyClaimQuery:
    @strawberry.field(
        description="Claims of the current dealer, newest first; created between the dates"
        " (the dealer's calendar, both included); search by claim number, VIN or fault code."
    )
    async def warranty_claims(
        self,
        info: Info,
        status: list[WarrantyClaimStatus] | None = None,
        claim_type: list[WarrantyClaimType] | None = None,
        created_from: date | None = None,
        created_to: date | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> relay.Connection[WarrantyClaim]:
        dealer = info.context.require("warranty_claim", "read")
        size = page_size(first)
        before = decode_cursor(after)
        text = (search or "").strip().upper()
        async with info.context.read((dealer,)) as tx:
            rows = await tx.connection.fetch(
                """
                select c.* from warranty_claim c join dealer d on d.id = c.dealer_id
                 where c.dealer_id = $1
                   and ($2::text[] is null or c.status = any($2::text[]))
                   and ($3::text[] is null or c.claim_type = any($3::text[]))
                   and ($4::date is null or (c.created_at at time zone d.time_zone)::date >= $4)
                   and ($5::date is null or (c.created_at at time zone d.time_zone)::date <= $5)
                   and ($6 = '' or c.number like $6 || '%' or c.vin = $6
                        or c.number like '%-' || $6 or c.fault_code = $6)
                   and ($7::bigint is null or c.id < $7)
                 order by c.id desc limit $8
                """,
                dealer,
                [s.value for s in status] if status else None,
                [t.value for t in claim_type] if claim_type else None,
                created_from,
                created_to,
                text,
                before,
                size + 1,
            )
        page = list(rows[:size])
        edges = [
            relay.Edge(node=WarrantyClaim.from_row(r), cursor=encode_cursor(r["id"])) for r in page
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

    @strawberry.field(
        description="The checks before submission as the claim stands now: blocking errors"
        " and warnings, each with a stable code."
    )
    async def warranty_claim_check(self, info: Info, id: strawberry.ID) -> WarrantyClaimCheck:
        dealer = info.context.require("warranty_claim", "read")
        claim_id = parse_global_id(id, "WarrantyClaim")
        async with info.context.read((dealer,)) as tx:
            result = await check_claim(tx.connection, dealer, claim_id)
        return WarrantyClaimCheck.of(result)


WarrantyClaimsQuery = merge_types("WarrantyClaimsQuery", (WarrantyClaimQuery, WarrantyTermsQuery))
WarrantyClaimsMutation = merge_types(
    "WarrantyClaimsMutation", (WarrantyClaimMutation, WarrantyTermsMutation)
)
