"""GraphQL types of the outlier flags and the quality feedback. Definitions (and the
thresholds) live with the SQL in ``tenants.oversight.outliers`` and
``tenants.oversight.quality_feedback``; these types only carry the figures."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

import strawberry

from api.schema.network import Dealer, Region
from api.schema.relay_conventions import global_id
from tenants.oversight import outliers, quality_feedback


@strawberry.type(
    name="OutlierThresholds",
    description="When a dealer is flagged: modified z-score at least `z` (high side only),"
    " over dealers with at least `minOrders` orders (and `minClaims` claims for the"
    " per-claim measures).",
)
class ThresholdsType:
    z: Decimal = outliers.Z_THRESHOLD
    min_orders: int = outliers.MIN_ORDERS
    min_claims: int = outliers.MIN_CLAIMS
    repeat_window_days: int = outliers.REPEAT_WINDOW_DAYS
    return_deadline_days: int = outliers.RETURN_DEADLINE_DAYS


@strawberry.type(
    name="OutlierFigure",
    description="One dealer's figure on one measure: value = scale x numerator /"
    " denominator, and how far it stands from the region (z).",
)
class FigureType:
    dealer: Dealer
    value: Decimal | None
    numerator: Decimal
    denominator: Decimal
    orders: int
    claims: int
    labour_hours: Decimal
    eligible: bool = strawberry.field(description="Enough volume to count and to flag.")
    z: Decimal | None = strawberry.field(description="Modified z-score against the region.")
    flagged: bool

    @classmethod
    def of(cls, f: outliers.DealerMeasure, dealer: Dealer) -> FigureType:
        return cls(
            dealer=dealer,
            value=f.value,
            numerator=f.numerator,
            denominator=f.denominator,
            orders=f.orders,
            claims=f.claims,
            labour_hours=f.labour_hours,
            eligible=f.eligible,
            z=f.z,
            flagged=f.flagged,
        )


@strawberry.type(
    name="OutlierMeasure",
    description="A measure over the region: its median and spread over eligible dealers,"
    " and every dealer's figure.",
)
class MeasureType:
    key: str = strawberry.field(description="kpi_catalog key, e.g. claims_per_100_orders.")
    median: Decimal | None
    mad: Decimal | None = strawberry.field(description="Median absolute deviation.")
    mean_deviation: Decimal | None = strawberry.field(
        description="Mean absolute deviation: the spread used when the MAD is 0."
    )
    eligible_dealers: int
    flagged_dealers: int
    dealers: list[FigureType]


@strawberry.type(name="OutlierReport", description="Outlier flags of a region's dealers.")
class ReportType:
    region: Region
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    thresholds: ThresholdsType
    measures: list[MeasureType]

    @classmethod
    def of(
        cls, region: Region, report: outliers.OutlierReport, dealers: Mapping[int, Dealer]
    ) -> ReportType:
        return cls(
            region=region,
            start=report.start,
            end=report.end,
            thresholds=ThresholdsType(),
            measures=[
                MeasureType(
                    key=s.measure,
                    median=s.median,
                    mad=s.mad,
                    mean_deviation=s.mean_deviation,
                    eligible_dealers=s.eligible_dealers,
                    flagged_dealers=s.flagged_dealers,
                    dealers=[
                        FigureType.of(f, dealers[f.dealer_id])
                        for f in report.figures
                        if f.measure == s.measure
                    ],
                )
                for s in report.spreads
            ],
        )


@strawberry.type(name="OutlierRepeatVin", description="A VIN with repeat claims.")
class RepeatVinType:
    vin: str
    claims: int
    numbers: list[str]
    first_fault: date
    last_fault: date


@strawberry.type(name="OutlierLabourLine", description="A claimed labour line.")
class LabourLineType:
    claim_number: str
    vin: str
    description: str
    hours: Decimal
    standard_hours: Decimal | None


@strawberry.type(name="OutlierReturnFailure", description="An old part that failed its return.")
class ReturnFailureType:
    tag: str
    claim_number: str
    part_number: str
    part_name: str
    status: str
    inspection_result: str | None


@strawberry.type(
    name="OutlierRecords",
    description="The records behind a dealer's figures: repeat VINs, longest labour lines,"
    " failed returns (the top ones of each).",
)
class RecordsType:
    dealer: Dealer
    repeat_vins: list[RepeatVinType]
    labour_lines: list[LabourLineType]
    return_failures: list[ReturnFailureType]

    @classmethod
    def of(cls, dealer: Dealer, r: outliers.OutlierRecords) -> RecordsType:
        return cls(
            dealer=dealer,
            repeat_vins=[
                RepeatVinType(
                    vin=v.vin,
                    claims=v.claims,
                    numbers=v.numbers,
                    first_fault=v.first_fault,
                    last_fault=v.last_fault,
                )
                for v in r.repeat_vins
            ],
            labour_lines=[
                LabourLineType(
                    claim_number=line.claim_number,
                    vin=line.vin,
                    description=line.description,
                    hours=line.hours,
                    standard_hours=line.standard_hours,
                )
                for line in r.labour_lines
            ],
            return_failures=[
                ReturnFailureType(
                    tag=f.tag,
                    claim_number=f.claim_number,
                    part_number=f.part_number,
                    part_name=f.part_name,
                    status=f.status,
                    inspection_result=f.inspection_result,
                )
                for f in r.return_failures
            ],
        )


@strawberry.type(name="QualityPart", description="A part of the manufacturer's catalogue.")
class QualityPartType:
    id: strawberry.ID
    part_number: str
    name: str
    name_zh: str
    part_group: str


def _part(pid: int, number: str, name: str, name_zh: str, group: str) -> QualityPartType:
    return QualityPartType(
        id=strawberry.ID(global_id("Part", pid)),
        part_number=number,
        name=name,
        name_zh=name_zh,
        part_group=group,
    )


@strawberry.type(name="QualityPartModelFailures", description="Failures of a part on a model.")
class PartModelType:
    part: QualityPartType
    model: str
    failures: int
    claims: int = strawberry.field(description="Failures that came with a warranty claim.")
    reworks: int = strawberry.field(description="Failures on orders sent back to rework.")
    dealers: int
    vehicles: int
    first_on: date
    last_on: date
    median_km: Decimal | None
    median_months_in_service: Decimal | None
    fault_codes: list[str]


@strawberry.type(name="QualityPartFailures", description="Failures of a part, all models.")
class PartFailuresType:
    part: QualityPartType
    failures: int
    vehicles: int


@strawberry.type(name="QualityMonth", description="Failures of a month.")
class MonthType:
    month: date
    failures: int
    vehicles: int


@strawberry.type(
    name="QualityFeedback",
    description="Failures by part and model over the dealers the viewer reads"
    " (a region or the manufacturer's network; one's own dealer for dealer staff).",
)
class QualityFeedbackType:
    start: date = strawberry.field(name="from")
    end: date = strawberry.field(name="to")
    dealers: int = strawberry.field(description="How many dealers the figures cover.")
    rows: list[PartModelType]
    top_parts: list[PartFailuresType]
    trend: list[MonthType]
    models: list[str] = strawberry.field(description="Models with failures in the period.")
    part_groups: list[str]

    @classmethod
    def of(
        cls, f: quality_feedback.Filters, dealers: int, q: quality_feedback.QualityFeedback
    ) -> QualityFeedbackType:
        return cls(
            start=f.start,
            end=f.end,
            dealers=dealers,
            rows=[
                PartModelType(
                    part=_part(r.part_id, r.part_number, r.part_name, r.part_name_zh, r.part_group),
                    model=r.model,
                    failures=r.failures,
                    claims=r.claims,
                    reworks=r.reworks,
                    dealers=r.dealers,
                    vehicles=r.vehicles,
                    first_on=r.first_on,
                    last_on=r.last_on,
                    median_km=r.median_km,
                    median_months_in_service=r.median_months,
                    fault_codes=r.fault_codes,
                )
                for r in q.rows
            ],
            top_parts=[
                PartFailuresType(
                    part=_part(p.part_id, p.part_number, p.part_name, p.part_name_zh, p.part_group),
                    failures=p.failures,
                    vehicles=p.vehicles,
                )
                for p in q.top_parts
            ],
            trend=[
                MonthType(month=m.month, failures=m.failures, vehicles=m.vehicles) for m in q.trend
            ],
            models=q.models,
            part_groups=q.part_groups,
        )
