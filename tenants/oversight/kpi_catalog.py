"""The KPIs a regional manager compares dealers on: one key per figure, its domain, unit,
which direction is better, and the manufacturer's default target where the seeds name
one (revisit coverage 100%, revisit success >= 80%, major complaints <= 1%).

``dealer_kpi_month`` stores one row per dealer, month and key; ratios keep their
numerator and denominator, so a region's figure is a ratio of sums, never a mean of
ratios, and a drill-down can show the counts behind a percentage."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Unit = Literal["count", "hours", "ratio", "money", "score", "days"]
Better = Literal["higher", "lower", "neither"]
Domain = Literal["service", "care", "parts", "warranty"]


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    domain: Domain
    unit: Unit
    better: Better
    default_target: Decimal | None
    """The manufacturer's target unless it set its own (``kpi_target``)."""
    label: str
    label_zh: str


def _d(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


KPIS: tuple[KpiDefinition, ...] = (
    # service process (throughput, labour, efficiency, first-time fix)
    KpiDefinition(
        "orders_delivered", "service", "count", "higher", None, "Orders delivered", "交车台次"
    ),
    KpiDefinition(
        "labour_hours_sold", "service", "hours", "higher", None, "Labour hours sold", "销售工时"
    ),
    KpiDefinition(
        "efficiency", "service", "ratio", "higher", _d("1.0"), "Workshop efficiency", "车间效率"
    ),
    KpiDefinition(
        "first_time_fix_rate",
        "service",
        "ratio",
        "higher",
        _d("0.95"),
        "First-time fix",
        "一次修复率",
    ),
    # customer care
    KpiDefinition(
        "revisit_coverage", "care", "ratio", "higher", _d("1.0"), "Revisit coverage", "回访率"
    ),
    KpiDefinition(
        "revisit_success", "care", "ratio", "higher", _d("0.8"), "Revisit success", "回访成功率"
    ),
    KpiDefinition("csi", "care", "score", "higher", _d("85"), "CSI", "客户满意度"),
    KpiDefinition(
        "major_complaint_rate",
        "care",
        "ratio",
        "lower",
        _d("0.01"),
        "Major complaint rate",
        "重大投诉率",
    ),
    # parts
    KpiDefinition(
        "parts_fill_rate", "parts", "ratio", "higher", _d("0.9"), "Parts fill rate", "配件满足率"
    ),
    KpiDefinition(
        "parts_turnover",
        "parts",
        "ratio",
        "higher",
        _d("6"),
        "Stock turnover (yearly)",
        "库存周转率",
    ),
    KpiDefinition(
        "dead_stock_share",
        "parts",
        "ratio",
        "lower",
        _d("0.05"),
        "Dead stock share",
        "呆滞库存占比",
    ),
    # warranty
    KpiDefinition(
        "claims_submitted", "warranty", "count", "neither", None, "Claims submitted", "索赔申请数"
    ),
    KpiDefinition(
        "claims_approved", "warranty", "count", "neither", None, "Claims approved", "索赔通过数"
    ),
    KpiDefinition(
        "claims_rejected", "warranty", "count", "lower", None, "Claims rejected", "索赔拒赔数"
    ),
    KpiDefinition(
        "claim_amount_requested",
        "warranty",
        "money",
        "neither",
        None,
        "Amount claimed",
        "索赔申请金额",
    ),
    KpiDefinition(
        "claim_amount_approved",
        "warranty",
        "money",
        "neither",
        None,
        "Amount approved",
        "索赔核准金额",
    ),
    KpiDefinition(
        "claims_per_100_orders",
        "warranty",
        "ratio",
        "neither",
        None,
        "Claims per 100 orders",
        "百台索赔数",
    ),
    KpiDefinition(
        "labour_hours_per_claim",
        "warranty",
        "hours",
        "neither",
        None,
        "Labour hours per claim",
        "单次索赔工时",
    ),
    KpiDefinition(
        "repeat_claims_per_vin",
        "warranty",
        "ratio",
        "lower",
        None,
        "Repeat claims per VIN",
        "同车重复索赔率",
    ),
    KpiDefinition(
        "parts_return_failures",
        "warranty",
        "count",
        "lower",
        _d("0"),
        "Old-part return failures",
        "旧件回运不合格数",
    ),
)

KPI_BY_KEY: dict[str, KpiDefinition] = {k.key: k for k in KPIS}
