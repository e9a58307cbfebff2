"""Piccolo tables of the service process. The schema itself, with its row-level security
and composite keys, is made by the migrations; services mostly speak SQL for set work."""

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
    Time,
    Timestamptz,
)
from piccolo.table import Table


class LabourOperation(Table, tablename="labour_operation"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    code = Text()
    name = Text()
    name_zh = Text()
    kind = Text()
    standard_hours = Numeric(digits=(6, 2))


class OperationPart(Table, tablename="operation_part"):
    """Keyed by (operation_id, part_id) in the database; query it with explicit columns."""

    operation_id = BigInt()
    part_id = BigInt()
    quantity = Numeric(digits=(12, 2))


class ServiceSettings(Table, tablename="service_settings"):
    dealer_id = BigInt(primary_key=True)
    labour_rate = Numeric(digits=(10, 2))
    opens_at = Time()
    closes_at = Time()
    slot_minutes = Integer()
    approval_link_hours = Integer()


class Customer(Table, tablename="customer"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    kind = Text()
    name = Text()
    phone = Text()
    email = Text(null=True)
    address = Text()
    wechat = Text()
    alt_phone = Text()
    advisor_user_id = BigInt(null=True)
    lost = Boolean()
    notes = Text()
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class Vehicle(Table, tablename="vehicle"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    customer_id = BigInt()
    vin = Text()
    plate = Text()
    model = Text()
    model_year = Integer(null=True)
    colour = Text()
    sale_date = Date(null=True)
    insurance_expires_on = Date(null=True)
    created_at = Timestamptz()


class MileageReading(Table, tablename="mileage_reading"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    vehicle_id = BigInt()
    km = Integer()
    source = Text()
    correction_reason = Text(null=True)
    repair_order_id = BigInt(null=True)
    recorded_by = BigInt(null=True)
    recorded_at = Timestamptz()


class Bay(Table, tablename="bay"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    code = Text()
    name = Text()
    kind = Text()
    active = Boolean()


class TechnicianShift(Table, tablename="technician_shift"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    user_id = BigInt()
    work_date = Date()
    hours = Numeric(digits=(4, 2))
    team = Text()


class Appointment(Table, tablename="appointment"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    customer_id = BigInt()
    vehicle_id = BigInt()
    advisor_user_id = BigInt(null=True)
    starts_at = Timestamptz()
    work_date = Date()
    status = Text()
    channel = Text()
    booked_hours = Numeric(digits=(6, 2))
    customer_request = Text()
    estimate = Numeric(digits=(12, 2), null=True)
    parts_expected_on = Date(null=True)
    bay_id = BigInt(null=True)
    technician_user_id = BigInt(null=True)
    confirmed_day_before_at = Timestamptz(null=True)
    confirmed_day_before_by = BigInt(null=True)
    confirmed_hour_before_at = Timestamptz(null=True)
    confirmed_hour_before_by = BigInt(null=True)
    cancelled_reason = Text(null=True)
    repair_order_id = BigInt(null=True)
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class AppointmentItem(Table, tablename="appointment_item"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    appointment_id = BigInt()
    kind = Text()
    operation_id = BigInt(null=True)
    description = Text()
    standard_hours = Numeric(digits=(6, 2))


class RepairOrder(Table, tablename="repair_order"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    customer_id = BigInt()
    vehicle_id = BigInt()
    appointment_id = BigInt(null=True)
    advisor_user_id = BigInt()
    delivering_advisor_user_id = BigInt(null=True)
    status = Text()
    revision = Integer()
    approved_revision = Integer(null=True)
    mileage_in = Integer(null=True)
    customer_description = Text()
    diagnosis = Text()
    promised_at = Timestamptz(null=True)
    bay_id = BigInt(null=True)
    rework_count = Integer()
    next_service_date = Date(null=True)
    next_service_km = Integer(null=True)
    opened_at = Timestamptz()
    approved_at = Timestamptz(null=True)
    work_done_at = Timestamptz(null=True)
    ready_at = Timestamptz(null=True)
    settled_at = Timestamptz(null=True)
    delivered_at = Timestamptz(null=True)
    cancelled_at = Timestamptz(null=True)
    created_by = BigInt(null=True)


class Walkaround(Table, tablename="walkaround"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    checklist = JSONB()
    damage_marks = JSONB()
    valuables = Text()
    fuel_level = Integer(null=True)
    odometer_km = Integer(null=True)
    customer_signature = Text(null=True)
    shown_to_customer_at = Timestamptz(null=True)
    recorded_by = BigInt(null=True)
    recorded_at = Timestamptz()


class RepairOrderLine(Table, tablename="repair_order_line"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    kind = Text()
    operation_id = BigInt(null=True)
    part_id = BigInt(null=True)
    description = Text()
    quantity = Numeric(digits=(10, 2))
    hours = Numeric(digits=(6, 2), null=True)
    unit_price = Numeric(digits=(12, 2))
    pay_type = Text()
    status = Text()
    revision_added = Integer()
    additional = Boolean()
    reported_by = BigInt(null=True)
    job_status = Text()
    technician_user_id = BigInt(null=True)
    team = Text()
    dispatched_at = Timestamptz(null=True)
    dispatched_by = BigInt(null=True)
    done_at = Timestamptz(null=True)
    old_part_disposition = Text(null=True)
    declined_at = Timestamptz(null=True)
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class OrderRevision(Table, tablename="order_revision"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    revision = Integer()
    lines = JSONB()
    total = Numeric(digits=(12, 2))
    customer_total = Numeric(digits=(12, 2))
    promised_at = Timestamptz(null=True)
    status = Text()
    requires_supervisor = Boolean()
    supervisor_approved_by = BigInt(null=True)
    supervisor_approved_at = Timestamptz(null=True)
    approval_method = Text(null=True)
    signature = Text(null=True)
    token_hash = Bytea(null=True)
    token_expires_at = Timestamptz(null=True)
    decided_at = Timestamptz(null=True)
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class JobClock(Table, tablename="job_clock"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    line_id = BigInt()
    technician_user_id = BigInt()
    started_at = Timestamptz()
    ended_at = Timestamptz(null=True)


class QualityCheck(Table, tablename="quality_check"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    stage = Text()
    round = Integer()
    passed = Boolean()
    notes = Text()
    checked_by = BigInt()
    checked_at = Timestamptz()


class Settlement(Table, tablename="settlement"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    labour_total = Numeric(digits=(12, 2))
    parts_total = Numeric(digits=(12, 2))
    materials_total = Numeric(digits=(12, 2))
    by_pay_type = JSONB()
    customer_amount = Numeric(digits=(12, 2))
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    paid_amount = Numeric(digits=(12, 2), null=True)
    payment_method = Text(null=True)
    paid_at = Timestamptz(null=True)
    cashier_user_id = BigInt(null=True)


class OrderEvent(Table, tablename="order_event"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    repair_order_id = BigInt()
    from_status = Text(null=True)
    to_status = Text()
    note = Text()
    actor_user_id = BigInt(null=True)
    at = Timestamptz()


ALL: list[type[Table]] = [
    LabourOperation,
    OperationPart,
    ServiceSettings,
    Customer,
    Vehicle,
    MileageReading,
    Bay,
    TechnicianShift,
    Appointment,
    AppointmentItem,
    RepairOrder,
    Walkaround,
    RepairOrderLine,
    OrderRevision,
    JobClock,
    QualityCheck,
    Settlement,
    OrderEvent,
]
