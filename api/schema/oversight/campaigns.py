"""Recalls, service campaigns and technical bulletins over GraphQL.

Reading: every dealer sees its manufacturer's campaigns with the counts of its own
affected vehicles (campaign:read); the campaign page lists those vehicles and, for the
manufacturer's staff overseeing the region, completion per dealer and overall. Writing:
the regional manager publishes, imports VINs (here up to the 1 MB GraphQL body; larger
files go to ``POST /api/oversight/campaigns/<id>/vins``) and closes (campaign:manage), and
publishes bulletins (bulletin:publish); the technical director distributes a bulletin
(bulletin:distribute); everyone given one marks it read. The advisor adds a campaign's
operation to an order in one click (repair_order:add_items).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import strawberry

from api.schema.context import Info
from api.schema.oversight.campaigns_types import (
    BulletinReading,
    Campaign,
    CampaignDealerCompletion,
    CampaignDetail,
    CampaignVehicle,
    CampaignVinImport,
    TechnicalBulletin,
)
from api.schema.relay_conventions import parse_global_id
from api.schema.repair_orders import RepairOrderLine
from api.schema.warranty.claims_types import CampaignKind
from tenants.errors import RecordNotFound
from tenants.oversight import bulletins, campaigns
from tenants.oversight.campaign_orders import add_campaign_operation

OVERSIGHT = frozenset({"region", "manufacturer"})
"""Where a grant must come from to see completion across dealers."""


def _now() -> datetime:
    return datetime.now(UTC)


def _campaign_id(value: strawberry.ID) -> int:
    return parse_global_id(value, "Campaign", "campaignId")


def _bulletin_id(value: strawberry.ID) -> int:
    return parse_global_id(value, "TechnicalBulletin", "bulletinId")


def _overseen(info: Info) -> list[int]:
    """Dealers whose campaign completion the viewer reads as the manufacturer's staff."""
    context = info.context
    principal = context.principal
    return [
        d
        for d in sorted(principal.allowed_dealer_ids)
        if context.allowed("campaign", "read", d)
        and any(g.source in OVERSIGHT for g in context.policies.roles_of(principal.subject, d))
    ]


async def _campaign(info: Info, dealer: int, campaign_id: int) -> Campaign:
    async with info.context.read() as tx:
        rows = await campaigns.campaigns_of_dealer(
            tx.connection, dealer, campaign_ids=[campaign_id]
        )
        counts = await campaigns.dealer_campaign_counts(tx.connection, dealer, [campaign_id])
    if not rows:
        raise RecordNotFound("Campaign")
    return Campaign.from_row(rows[0], counts[0] if counts else None)


async def _bulletin(info: Info, dealer: int, bulletin_id: int) -> TechnicalBulletin:
    async with info.context.read() as tx:
        rows = await bulletins.bulletins_of_dealer(
            tx.connection, dealer, info.context.principal.user_id
        )
        row = next((r for r in rows if r["id"] == bulletin_id), None)
        if row is None:
            raise RecordNotFound("Bulletin")
        operations = await bulletins.operations_of(tx.connection, [bulletin_id])
    return TechnicalBulletin.from_row(row, operations[bulletin_id])


@strawberry.input(description="A recall or service campaign to publish.")
class PublishCampaignInput:
    code: str
    kind: CampaignKind
    title: str
    starts_on: date
    operation_id: strawberry.ID = strawberry.field(
        description="The labour operation the dealers carry out (warranty pays it)."
    )
    title_zh: str = ""
    description: str = ""
    description_zh: str = ""
    ends_on: date | None = None
    bulletin_id: strawberry.ID | None = None


@strawberry.input(description="A technical bulletin to publish.")
class PublishTechnicalBulletinInput:
    code: str
    title: str
    title_zh: str = ""
    body: str = ""
    body_zh: str = ""
    models: list[str] = strawberry.field(default_factory=list)
    operation_ids: list[strawberry.ID] = strawberry.field(default_factory=list)


@strawberry.type
class OversightCampaignsQuery:
    @strawberry.field(
        description="Recalls and service campaigns of the manufacturer, with the current"
        " dealer's affected, completed and open vehicles (campaign:read)."
    )
    async def campaigns(self, info: Info, include_closed: bool = True) -> list[Campaign]:
        dealer = info.context.require("campaign", "read")
        async with info.context.read() as tx:
            rows = await campaigns.campaigns_of_dealer(
                tx.connection, dealer, include_closed=include_closed
            )
            counts = {
                r["campaign_id"]: r
                for r in await campaigns.dealer_campaign_counts(
                    tx.connection, dealer, [r["id"] for r in rows]
                )
            }
        return [Campaign.from_row(r, counts.get(r["id"])) for r in rows]

    @strawberry.field(
        description="A campaign's page: the current dealer's affected vehicles and, for the"
        " manufacturer's staff, completion per dealer they oversee and overall."
    )
    async def campaign(self, info: Info, id: strawberry.ID) -> CampaignDetail:
        dealer = info.context.require("campaign", "read")
        campaign_id = _campaign_id(id)
        campaign = await _campaign(info, dealer, campaign_id)
        async with info.context.read() as tx:
            vehicles = await campaigns.affected_vehicles(tx.connection, dealer, campaign_id)
        overseen = _overseen(info)
        by_dealer: list[CampaignDealerCompletion] = []
        vins = completed = None
        if overseen:
            async with info.context.read(tuple(overseen)) as tx:
                by_dealer = [
                    CampaignDealerCompletion.from_row(r)
                    for r in await campaigns.completion_by_dealer(
                        tx.connection, campaign_id, overseen
                    )
                ]
                totals = await campaigns.campaign_totals(tx.connection, campaign_id)
            vins, completed = totals["vins"], totals["completed"]
        return CampaignDetail(
            campaign=campaign,
            vehicles=[CampaignVehicle.from_row(v) for v in vehicles],
            network_vins=vins,
            network_completed=completed,
            network_percent=round(100.0 * completed / vins, 1)
            if vins and completed is not None
            else None,
            by_dealer=by_dealer,
        )

    @strawberry.field(description="Technical bulletins of the manufacturer (bulletin:read).")
    async def technical_bulletins(self, info: Info) -> list[TechnicalBulletin]:
        dealer = info.context.require("bulletin", "read")
        async with info.context.read() as tx:
            rows = await bulletins.bulletins_of_dealer(
                tx.connection, dealer, info.context.principal.user_id
            )
            operations = await bulletins.operations_of(tx.connection, [r["id"] for r in rows])
        return [TechnicalBulletin.from_row(r, operations[r["id"]]) for r in rows]

    @strawberry.field(
        description="Who at the current dealer was given the bulletin and who read it"
        " (bulletin:distribute)."
    )
    async def technical_bulletin_readings(
        self, info: Info, bulletin_id: strawberry.ID
    ) -> list[BulletinReading]:
        dealer = info.context.require("bulletin", "distribute")
        async with info.context.read() as tx:
            rows = await bulletins.readings(tx.connection, dealer, _bulletin_id(bulletin_id))
        return [BulletinReading.from_row(r) for r in rows]


@strawberry.type
class OversightCampaignsMutation:
    @strawberry.mutation(description="Publish a recall or service campaign (campaign:manage).")
    async def publish_campaign(self, info: Info, input: PublishCampaignInput) -> Campaign:
        new = campaigns.NewCampaign(
            code=input.code,
            kind=input.kind.value,
            title=input.title,
            title_zh=input.title_zh,
            description=input.description,
            description_zh=input.description_zh,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            operation_id=parse_global_id(input.operation_id, "LabourOperation", "operationId"),
            bulletin_id=_bulletin_id(input.bulletin_id) if input.bulletin_id else None,
        )
        async with info.context.write("campaign", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            campaign_id = await campaigns.publish_campaign(
                tx, dealer, new, now=_now(), request_id=info.context.request_id
            )
        return await _campaign(info, dealer, campaign_id)

    @strawberry.mutation(
        description="Add the VINs of a file's text (one a line, or a CSV VIN column) to an"
        " open campaign (campaign:manage); files above 1 MB: POST /api/oversight/campaigns/"
        "<campaignId>/vins."
    )
    async def import_campaign_vins(
        self, info: Info, campaign_id: strawberry.ID, text: str
    ) -> CampaignVinImport:
        cid = _campaign_id(campaign_id)
        async with info.context.write("campaign", "manage") as tx:
            report = await campaigns.import_vins(
                tx, tx.scope.dealer_ids[0], cid, text, request_id=info.context.request_id
            )
        return CampaignVinImport.from_report(report)

    @strawberry.mutation(description="Close an open campaign (campaign:manage).")
    async def close_campaign(self, info: Info, campaign_id: strawberry.ID) -> Campaign:
        cid = _campaign_id(campaign_id)
        async with info.context.write("campaign", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            await campaigns.close_campaign(
                tx, dealer, cid, now=_now(), request_id=info.context.request_id
            )
        return await _campaign(info, dealer, cid)

    @strawberry.mutation(
        description="One click at reception: the campaign's operation on the order as a"
        " warranty line at standard hours (repair_order:add_items)."
    )
    async def add_campaign_operation(
        self, info: Info, repair_order_id: strawberry.ID, campaign_id: strawberry.ID
    ) -> RepairOrderLine:
        order = parse_global_id(repair_order_id, "RepairOrder", "repairOrderId")
        cid = _campaign_id(campaign_id)
        async with info.context.write("repair_order", "add_items") as tx:
            row = await add_campaign_operation(tx, order, cid, request_id=info.context.request_id)
        return RepairOrderLine.from_row(row)

    @strawberry.mutation(description="Publish a technical bulletin (bulletin:publish).")
    async def publish_technical_bulletin(
        self, info: Info, input: PublishTechnicalBulletinInput
    ) -> TechnicalBulletin:
        new = bulletins.NewBulletin(
            code=input.code,
            title=input.title,
            title_zh=input.title_zh,
            body=input.body,
            body_zh=input.body_zh,
            models=tuple(input.models),
            operation_ids=tuple(
                parse_global_id(o, "LabourOperation", "operationIds") for o in input.operation_ids
            ),
        )
        async with info.context.write("bulletin", "publish") as tx:
            dealer = tx.scope.dealer_ids[0]
            bid = await bulletins.publish_bulletin(
                tx, dealer, new, now=_now(), request_id=info.context.request_id
            )
        return await _bulletin(info, dealer, bid)

    @strawberry.mutation(
        description="Give a bulletin to staff of the current dealer, all active staff when"
        " userIds is null (bulletin:distribute); how many were added."
    )
    async def distribute_technical_bulletin(
        self, info: Info, bulletin_id: strawberry.ID, user_ids: list[strawberry.ID] | None = None
    ) -> int:
        bid = _bulletin_id(bulletin_id)
        users = (
            [parse_global_id(u, "StaffUser", "userIds") for u in user_ids]
            if user_ids is not None
            else None
        )
        async with info.context.write("bulletin", "distribute") as tx:
            return await bulletins.distribute(
                tx,
                tx.scope.dealer_ids[0],
                bid,
                users,
                now=_now(),
                request_id=info.context.request_id,
            )

    @strawberry.mutation(description="I have read the bulletin given to me (bulletin:read).")
    async def mark_technical_bulletin_read(
        self, info: Info, bulletin_id: strawberry.ID
    ) -> TechnicalBulletin:
        bid = _bulletin_id(bulletin_id)
        async with info.context.write("bulletin", "read") as tx:
            dealer = tx.scope.dealer_ids[0]
            await bulletins.mark_read(tx, dealer, bid, now=_now())
        return await _bulletin(info, dealer, bid)
