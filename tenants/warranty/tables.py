"""Piccolo tables of warranty. The schema itself, with its row-level security and
composite keys, is made by the migrations; services mostly speak SQL."""

from piccolo.columns import (
    JSONB,
    BigInt,
    BigSerial,
    Boolean,
    Bytea,
    Date,
    Integer,
    Numeric,
    Text,
    Timestamptz,
)
from piccolo.table import Table


class WarrantyPolicy(Table, tablename="warranty_policy"):
    manufacturer_id = BigInt(primary_key=True)
    base_months = Integer()
    base_km = Integer()
    first_service_months = Integer()
    first_service_km = Integer()
    claim_deadline_days = Integer()
    old_part_retention_days = Integer()
    repeat_repair_threshold = Integer()
    cumulative_repair_days_threshold = Integer()
    warning_window_months = Integer()
    labour_rate = Numeric(digits=(12, 2))
    parts_markup = Numeric(digits=(5, 4))
    connector = Text()
    endpoint_url = Text()
    signing_secret = Text()


class WarrantyPartGroupTerm(Table, tablename="warranty_part_group_term"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    part_group = Text()
    months = Integer()
    km = Integer()
    must_return = Boolean()


class Campaign(Table, tablename="campaign"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    code = Text()
    kind = Text()
    title = Text()
    title_zh = Text()
    operation_id = BigInt(null=True)
    starts_on = Date()
    ends_on = Date(null=True)
    status = Text()


class CampaignVehicle(Table, tablename="campaign_vehicle"):
    """Keyed by (campaign_id, vin) in SQL; Piccolo sees a surrogate id it never uses."""

    campaign_id = BigInt()
    vin = Text()
    completed_dealer_id = BigInt(null=True)
    completed_at = Timestamptz(null=True)


class WarrantyClaim(Table, tablename="warranty_claim"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    repair_order_id = BigInt()
    vehicle_id = BigInt()
    vin = Text()
    mileage = Integer()
    claim_type = Text()
    campaign_id = BigInt(null=True)
    status = Text()
    fault_code = Text()
    fault_date = Date()
    complaint = Text()
    cause = Text()
    correction = Text()
    causal_part_id = BigInt(null=True)
    requested_amount = Numeric(digits=(12, 2))
    approved_amount = Numeric(digits=(12, 2), null=True)
    paid_amount = Numeric(digits=(12, 2))
    decision_reason = Text()
    submission_count = Integer()
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    submitted_by = BigInt(null=True)
    submitted_at = Timestamptz(null=True)
    decided_at = Timestamptz(null=True)


class WarrantyClaimLine(Table, tablename="warranty_claim_line"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    claim_id = BigInt()
    repair_order_line_id = BigInt(null=True)
    kind = Text()
    operation_id = BigInt(null=True)
    part_id = BigInt(null=True)
    description = Text()
    quantity = Numeric(digits=(10, 2))
    hours = Numeric(digits=(6, 2), null=True)
    standard_hours = Numeric(digits=(6, 2), null=True)
    unit_price = Numeric(digits=(12, 2))
    amount = Numeric(digits=(12, 2))
    approved_amount = Numeric(digits=(12, 2), null=True)
    decision = Text(null=True)
    decision_reason = Text()


class WarrantyClaimEvent(Table, tablename="warranty_claim_event"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    claim_id = BigInt()
    from_status = Text(null=True)
    to_status = Text()
    actor_user_id = BigInt(null=True)
    actor = Text()
    note = Text()
    at = Timestamptz()


class WarrantyClaimFile(Table, tablename="warranty_claim_file"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    claim_id = BigInt()
    file_name = Text()
    content_type = Text()
    size_bytes = Integer()
    sha256 = Text()
    content = Bytea()
    uploaded_by = BigInt(null=True)
    uploaded_at = Timestamptz()


class WarrantyOutbox(Table, tablename="warranty_outbox"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    claim_id = BigInt()
    kind = Text()
    idempotency_key = Text()
    payload = JSONB()
    connector = Text()
    status = Text()
    attempts = Integer()
    next_attempt_at = Timestamptz()
    locked_until = Timestamptz(null=True)
    last_error = Text()
    created_at = Timestamptz()
    delivered_at = Timestamptz(null=True)
    response = JSONB(null=True)


class WarrantySubmission(Table, tablename="warranty_submission"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    claim_id = BigInt()
    idempotency_key = Text()
    payload = JSONB()
    received_at = Timestamptz()
    status = Text()


class WarrantyDecision(Table, tablename="warranty_decision"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    claim_id = BigInt()
    submission_id = BigInt(null=True)
    decision = Text()
    approved_amount = Numeric(digits=(12, 2), null=True)
    reason = Text()
    lines = JSONB()
    decided_by = BigInt(null=True)
    source = Text()
    external_ref = Text(null=True)
    decided_at = Timestamptz()


class OldPart(Table, tablename="old_part"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    tag = Text()
    claim_id = BigInt(null=True)
    claim_line_id = BigInt(null=True)
    repair_order_line_id = BigInt(null=True)
    part_id = BigInt()
    quantity = Numeric(digits=(10, 2))
    must_return = Boolean()
    status = Text()
    location = Text()
    inspection_result = Text(null=True)
    inspection_note = Text()
    shipment_id = BigInt(null=True)
    retain_until = Date(null=True)
    tagged_by = BigInt(null=True)
    tagged_at = Timestamptz()


class OldPartMovement(Table, tablename="old_part_movement"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    old_part_id = BigInt()
    from_status = Text(null=True)
    to_status = Text()
    note = Text()
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class OldPartShipment(Table, tablename="old_part_shipment"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    status = Text()
    carrier = Text()
    tracking = Text()
    requested_by_manufacturer_at = Timestamptz(null=True)
    shipped_by = BigInt(null=True)
    shipped_at = Timestamptz(null=True)
    received_at = Timestamptz(null=True)


class WarrantyPayment(Table, tablename="warranty_payment"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    reference = Text()
    paid_on = Date()
    amount = Numeric(digits=(14, 2))
    note = Text()
    recorded_by = BigInt(null=True)
    recorded_at = Timestamptz()


class WarrantyPaymentAllocation(Table, tablename="warranty_payment_allocation"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    payment_id = BigInt()
    claim_id = BigInt()
    amount = Numeric(digits=(12, 2))
    kind = Text()
    note = Text()


ALL: list[type[Table]] = [
    WarrantyPolicy,
    WarrantyPartGroupTerm,
    Campaign,
    CampaignVehicle,
    WarrantyClaim,
    WarrantyClaimLine,
    WarrantyClaimEvent,
    WarrantyClaimFile,
    WarrantyOutbox,
    WarrantySubmission,
    WarrantyDecision,
    OldPart,
    OldPartMovement,
    OldPartShipment,
    WarrantyPayment,
    WarrantyPaymentAllocation,
]
