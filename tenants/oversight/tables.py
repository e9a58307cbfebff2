"""Piccolo tables of manufacturer oversight. The schema, with its row-level security and
composite keys, is made by the migrations; services speak SQL for set work."""

from piccolo.columns import (
    JSONB,
    Array,
    BigInt,
    BigSerial,
    Boolean,
    Date,
    Integer,
    Numeric,
    Text,
    Timestamptz,
)
from piccolo.table import Table


class KpiTarget(Table, tablename="kpi_target"):
    """Keyed by (manufacturer_id, kpi) in the database; query it with explicit columns."""

    manufacturer_id = BigInt()
    kpi = Text()
    target = Numeric(digits=(14, 4))
    direction = Text()
    updated_by = BigInt(null=True)
    updated_at = Timestamptz()


class DealerKpiMonth(Table, tablename="dealer_kpi_month"):
    """Keyed by (dealer_id, month, kpi) in the database; query it with explicit columns."""

    dealer_id = BigInt()
    month = Date()
    kpi = Text()
    value = Numeric(digits=(18, 4), null=True)
    numerator = Numeric(digits=(18, 4), null=True)
    denominator = Numeric(digits=(18, 4), null=True)
    refreshed_at = Timestamptz()


class AuditChecklistItem(Table, tablename="audit_checklist_item"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    code = Text()
    section = Text()
    text = Text()
    text_zh = Text()
    weight = Integer()
    active = Boolean()
    position = Integer()


class DealerAudit(Table, tablename="dealer_audit"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    auditor_user_id = BigInt()
    planned_on = Date()
    visited_at = Timestamptz(null=True)
    status = Text()
    score = Numeric(digits=(8, 2), null=True)
    max_score = Numeric(digits=(8, 2), null=True)
    summary = Text()
    created_at = Timestamptz()
    submitted_at = Timestamptz(null=True)
    closed_at = Timestamptz(null=True)
    closed_by = BigInt(null=True)


class DealerAuditScore(Table, tablename="dealer_audit_score"):
    """Keyed by (dealer_id, audit_id, item_id) in the database."""

    dealer_id = BigInt()
    audit_id = BigInt()
    item_id = BigInt()
    points = Numeric(digits=(5, 2))
    note = Text()
    scored_by = BigInt(null=True)
    scored_at = Timestamptz()


class DealerAuditFinding(Table, tablename="dealer_audit_finding"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    audit_id = BigInt()
    item_id = BigInt(null=True)
    severity = Text()
    description = Text()
    owner_user_id = BigInt(null=True)
    due_on = Date()
    status = Text()
    response = Text()
    review_note = Text()
    responded_by = BigInt(null=True)
    responded_at = Timestamptz(null=True)
    verified_by = BigInt(null=True)
    verified_at = Timestamptz(null=True)
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class TechnicalBulletin(Table, tablename="technical_bulletin"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    code = Text()
    title = Text()
    title_zh = Text()
    body = Text()
    body_zh = Text()
    models = Array(base_column=Text())
    operation_ids = Array(base_column=BigInt())
    published_by = BigInt(null=True)
    published_at = Timestamptz()


class BulletinReading(Table, tablename="bulletin_reading"):
    """Keyed by (dealer_id, bulletin_id, user_id) in the database."""

    dealer_id = BigInt()
    bulletin_id = BigInt()
    user_id = BigInt()
    distributed_by = BigInt(null=True)
    distributed_at = Timestamptz()
    read_at = Timestamptz(null=True)


class DealerMonthlyReport(Table, tablename="dealer_monthly_report"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    month = Date()
    due_on = Date()
    status = Text()
    body = JSONB()
    note = Text()
    generated_at = Timestamptz()
    reviewed_by = BigInt(null=True)
    reviewed_at = Timestamptz(null=True)
    submitted_by = BigInt(null=True)
    submitted_at = Timestamptz(null=True)


ALL: list[type[Table]] = [
    KpiTarget,
    DealerKpiMonth,
    AuditChecklistItem,
    DealerAudit,
    DealerAuditScore,
    DealerAuditFinding,
    TechnicalBulletin,
    BulletinReading,
    DealerMonthlyReport,
]
