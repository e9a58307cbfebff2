"""Piccolo tables of customer care. The schema, with its row-level security, composite
keys and append-only triggers, is made by the migrations; services speak SQL for set
work and use these for simple reads."""

from piccolo.columns import (
    JSONB,
    BigInt,
    BigSerial,
    Boolean,
    Date,
    Integer,
    SmallInt,
    Text,
    Timestamptz,
)
from piccolo.table import Table


class CareSettings(Table, tablename="care_settings"):
    dealer_id = BigInt(primary_key=True)
    revisit_after_days = Integer()
    revisit_within_days = Integer()
    call_windows = JSONB()
    one_to_one = Boolean()
    min_attempts = Integer()
    retry_gap_minutes = Integer()
    complaint_hours = JSONB()
    complaint_auto_route = JSONB()
    maintenance_months = Integer()
    maintenance_km = Integer()
    reminder_horizon_days = Integer()
    lost_after_months = Integer()
    updated_by = BigInt(null=True)
    updated_at = Timestamptz()


class Revisit(Table, tablename="revisit"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    customer_id = BigInt()
    vehicle_id = BigInt()
    advisor_user_id = BigInt(null=True)
    assignee_user_id = BigInt(null=True)
    duty = Text()
    delivered_at = Timestamptz()
    due_from = Date()
    due_by = Date()
    round = Integer()
    status = Text()
    next_call_at = Timestamptz(null=True)
    callback_requested = Boolean()
    attempts = Integer()
    unreached = Integer()
    outcome = Text(null=True)
    failure_reason = Text(null=True)
    contact_checked_by = BigInt(null=True)
    contact_checked_at = Timestamptz(null=True)
    contact_note = Text()
    complaint_id = BigInt(null=True)
    completed_by = BigInt(null=True)
    completed_at = Timestamptz(null=True)
    created_at = Timestamptz()


class RevisitAttempt(Table, tablename="revisit_attempt"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    revisit_id = BigInt()
    round = Integer()
    attempt_no = Integer()
    called_at = Timestamptz()
    caller_user_id = BigInt()
    phone = Text()
    result = Text()
    outcome = Text(null=True)
    question = Text()
    note = Text()
    callback_at = Timestamptz(null=True)
    complaint_id = BigInt(null=True)


class RevisitSurveyAnswer(Table, tablename="revisit_survey_answer"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    revisit_id = BigInt()
    attempt_id = BigInt()
    question = Text()
    score = SmallInt()


class Complaint(Table, tablename="complaint"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    customer_id = BigInt()
    vehicle_id = BigInt(null=True)
    repair_order_id = BigInt(null=True)
    revisit_id = BigInt(null=True)
    channel = Text()
    level = Text()
    summary = Text()
    detail = Text()
    status = Text()
    department = Text(null=True)
    responsible_user_id = BigInt(null=True)
    routed_by = BigInt(null=True)
    routed_at = Timestamptz(null=True)
    due_at = Timestamptz(null=True)
    resolution = Text()
    agreed_at = Timestamptz(null=True)
    agreed_due_at = Timestamptz(null=True)
    resolved_by = BigInt(null=True)
    resolved_at = Timestamptz(null=True)
    confirmed_at = Timestamptz(null=True)
    closed_by = BigInt(null=True)
    customer_feedback = Text()
    escalation_level = Integer()
    escalated_at = Timestamptz(null=True)
    received_by = BigInt(null=True)
    received_at = Timestamptz()


class ComplaintAction(Table, tablename="complaint_action"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    complaint_id = BigInt()
    kind = Text()
    status_from = Text(null=True)
    status_to = Text(null=True)
    note = Text()
    due_at = Timestamptz(null=True)
    escalation_level = Integer(null=True)
    actor_user_id = BigInt(null=True)
    at = Timestamptz()


class CareReminder(Table, tablename="care_reminder"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    kind = Text()
    customer_id = BigInt()
    vehicle_id = BigInt()
    due_on = Date()
    source_key = Text()
    basis = JSONB()
    status = Text()
    appointment_id = BigInt(null=True)
    contacted_by = BigInt(null=True)
    contacted_at = Timestamptz(null=True)
    note = Text()
    generated_at = Timestamptz()


class CareReport(Table, tablename="care_report"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    kind = Text()
    period_start = Date()
    period_end = Date()
    due_on = Date()
    body = JSONB()
    status = Text()
    generated_at = Timestamptz()
    submitted_by = BigInt(null=True)
    submitted_at = Timestamptz(null=True)
    note = Text()


class CareReminderRun(Table, tablename="care_reminder_run"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    as_of = Date()
    trigger = Text()
    inserted = Integer()
    refreshed = Integer()
    expired = Integer()
    requested_by = BigInt(null=True)
    generated_at = Timestamptz()


ALL: list[type[Table]] = [
    CareSettings,
    Revisit,
    RevisitAttempt,
    RevisitSurveyAnswer,
    Complaint,
    ComplaintAction,
    CareReminder,
    CareReminderRun,
    CareReport,
]
