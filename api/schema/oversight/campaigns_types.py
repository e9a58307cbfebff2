"""GraphQL types of recalls, service campaigns and technical bulletins (see
``tenants/oversight/campaigns.py`` and ``bulletins.py``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry

from api.schema.personal_data import Kind, personal
from api.schema.relay_conventions import global_id
from api.schema.warranty.claims_types import CampaignKind
from tenants.oversight.campaign_vins import ImportReport


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@strawberry.type(description="A labour operation of the manufacturer's catalog (标准工时).")
class CampaignOperation:
    id: strawberry.ID
    code: str
    name: str
    name_zh: str
    standard_hours: Decimal

    @classmethod
    def from_row(cls, row: Any) -> CampaignOperation:
        return cls(
            id=strawberry.ID(global_id("LabourOperation", row["id"])),
            code=row["code"],
            name=row["name"],
            name_zh=row["name_zh"],
            standard_hours=row["standard_hours"],
        )


@strawberry.type(description="A campaign's vehicles at the current dealer.")
class CampaignDealerCounts:
    affected: int = strawberry.field(description="Its VINs among this dealer's vehicles.")
    completed_here: int
    completed_elsewhere: int = strawberry.field(description="Done at another dealer.")
    open: int

    @classmethod
    def from_row(cls, row: Any) -> CampaignDealerCounts:
        return cls(
            affected=row["affected"],
            completed_here=row["completed_here"],
            completed_elsewhere=row["completed_elsewhere"],
            open=row["open"],
        )


@strawberry.type(description="A recall (召回) or service campaign (服务活动) of the manufacturer.")
class Campaign:
    id: strawberry.ID
    code: str
    kind: CampaignKind
    title: str
    title_zh: str
    description: str
    description_zh: str
    starts_on: date
    ends_on: date | None
    open: bool
    published_at: datetime | None
    operation: CampaignOperation | None
    bulletin_id: strawberry.ID | None
    bulletin_code: str | None
    counts: CampaignDealerCounts | None = strawberry.field(
        description="At the current dealer (null when not asked for)."
    )

    @classmethod
    def from_row(cls, row: Any, counts: Any = None) -> Campaign:
        return cls(
            id=strawberry.ID(global_id("Campaign", row["id"])),
            code=row["code"],
            kind=CampaignKind(row["kind"]),
            title=row["title"],
            title_zh=row["title_zh"],
            description=row["description"],
            description_zh=row["description_zh"],
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            open=row["status"] == "open",
            published_at=row["published_at"],
            operation=CampaignOperation.from_row(
                {
                    "id": row["operation_id"],
                    "code": row["operation_code"],
                    "name": row["operation_name"],
                    "name_zh": row["operation_name_zh"],
                    "standard_hours": row["standard_hours"],
                }
            )
            if row["operation_id"] is not None
            else None,
            bulletin_id=strawberry.ID(global_id("TechnicalBulletin", row["bulletin_id"]))
            if row["bulletin_id"] is not None
            else None,
            bulletin_code=row["bulletin_code"],
            counts=CampaignDealerCounts.from_row(counts) if counts is not None else None,
        )


@strawberry.type(description="One of the dealer's vehicles on a campaign's VIN list.")
class CampaignVehicle:
    vehicle_id: strawberry.ID
    vin: str
    plate: str
    model: str
    customer_name: str = personal(Kind.NAME)
    customer_phone: str = personal(Kind.PHONE)
    last_visit_at: datetime | None
    completed_at: datetime | None
    completed_here: bool
    completed_elsewhere: bool
    completed_order_id: strawberry.ID | None

    @classmethod
    def from_row(cls, row: Any) -> CampaignVehicle:
        done = row["completed_at"] is not None
        here = bool(row["completed_here"])
        order = row["completed_repair_order_id"]
        return cls(
            vehicle_id=strawberry.ID(global_id("Vehicle", row["vehicle_id"])),
            vin=row["vin"],
            plate=row["plate"],
            model=row["model"],
            customer_name=row["customer_name"],
            customer_phone=row["customer_phone"],
            last_visit_at=row["last_visit_at"],
            completed_at=row["completed_at"],
            completed_here=done and here,
            completed_elsewhere=done and not here,
            completed_order_id=strawberry.ID(global_id("RepairOrder", order))
            if done and here and order is not None
            else None,
        )


@strawberry.type(description="Completion of a campaign at one dealer of the region.")
class CampaignDealerCompletion:
    dealer_id: strawberry.ID
    dealer_code: str
    dealer_name: str
    affected: int = strawberry.field(description="Its VINs registered at the dealer.")
    completed: int = strawberry.field(description="Completed by the dealer.")
    percent: float | None

    @classmethod
    def from_row(cls, row: Any) -> CampaignDealerCompletion:
        return cls(
            dealer_id=strawberry.ID(global_id("Dealer", row["dealer_id"])),
            dealer_code=row["code"],
            dealer_name=row["name"],
            affected=row["affected"],
            completed=row["completed"],
            percent=_percent(row["completed"], row["affected"]),
        )


@strawberry.type(
    description="A campaign page: the dealer's vehicles and, for the "
    "manufacturer's staff, completion per dealer and overall."
)
class CampaignDetail:
    campaign: Campaign
    vehicles: list[CampaignVehicle]
    network_vins: int | None = strawberry.field(description="All VINs (overseers only).")
    network_completed: int | None
    network_percent: float | None
    by_dealer: list[CampaignDealerCompletion]


@strawberry.type(description="An open campaign on a vehicle: the reception banner.")
class VehicleCampaign:
    campaign_id: strawberry.ID
    code: str
    kind: CampaignKind
    title: str
    title_zh: str
    operation: CampaignOperation | None

    @classmethod
    def from_row(cls, row: Any) -> VehicleCampaign:
        return cls(
            campaign_id=strawberry.ID(global_id("Campaign", row["id"])),
            code=row["code"],
            kind=CampaignKind(row["kind"]),
            title=row["title"],
            title_zh=row["title_zh"],
            operation=CampaignOperation.from_row(
                {
                    "id": row["operation_id"],
                    "code": row["operation_code"],
                    "name": row["operation_name"],
                    "name_zh": row["operation_name_zh"],
                    "standard_hours": row["standard_hours"],
                }
            )
            if row["operation_id"] is not None
            else None,
        )


@strawberry.type
class InvalidVinLine:
    line: int
    text: str
    rule: str
    message: str


@strawberry.type
class DuplicateVinLine:
    line: int
    vin: str
    first_line: int


@strawberry.type(description="What a VIN file import did, line by line where it refused.")
class CampaignVinImport:
    added: int
    already_listed: int
    invalid: list[InvalidVinLine]
    duplicates: list[DuplicateVinLine]

    @classmethod
    def from_report(cls, report: ImportReport) -> CampaignVinImport:
        return cls(
            added=report.added,
            already_listed=report.already_listed,
            invalid=[
                InvalidVinLine(line=i.line, text=i.text, rule=i.rule, message=i.message)
                for i in report.invalid
            ],
            duplicates=[
                DuplicateVinLine(line=d.line, vin=d.vin, first_line=d.first_line)
                for d in report.duplicates
            ],
        )


@strawberry.type(description="A technical bulletin (技术通报, TSB) of the manufacturer.")
class TechnicalBulletin:
    id: strawberry.ID
    code: str
    title: str
    title_zh: str
    body: str
    body_zh: str
    models: list[str]
    operations: list[CampaignOperation]
    published_at: datetime
    distributed: int = strawberry.field(description="Staff of this dealer given it.")
    read: int = strawberry.field(description="Of them, who marked it read.")
    my_distributed_at: datetime | None
    my_read_at: datetime | None

    @classmethod
    def from_row(cls, row: Any, operations: list[Any]) -> TechnicalBulletin:
        return cls(
            id=strawberry.ID(global_id("TechnicalBulletin", row["id"])),
            code=row["code"],
            title=row["title"],
            title_zh=row["title_zh"],
            body=row["body"],
            body_zh=row["body_zh"],
            models=list(row["models"]),
            operations=[CampaignOperation.from_row(o) for o in operations],
            published_at=row["published_at"],
            distributed=row["distributed"],
            read=row["read"],
            my_distributed_at=row["my_distributed_at"],
            my_read_at=row["my_read_at"],
        )


@strawberry.type(description="A person the bulletin was given to, and when they read it.")
class BulletinReading:
    user_id: strawberry.ID
    display_name: str
    distributed_at: datetime
    read_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> BulletinReading:
        return cls(
            user_id=strawberry.ID(global_id("StaffUser", row["user_id"])),
            display_name=row["display_name"],
            distributed_at=row["distributed_at"],
            read_at=row["read_at"],
        )
