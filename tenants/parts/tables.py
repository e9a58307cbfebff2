"""Piccolo tables of parts. The schema itself, with its row-level security and composite
keys, is made by the migrations; services mostly speak SQL for set work."""

from piccolo.columns import (
    JSONB,
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


class Part(Table, tablename="part"):
    id = BigSerial(primary_key=True)
    manufacturer_id = BigInt()
    part_number = Text()
    name = Text()
    name_zh = Text()
    unit = Text()
    pack_size = Integer()
    list_price = Numeric(digits=(12, 2))
    superseded_by = BigInt(null=True)
    part_group = Text()


class StockItem(Table, tablename="stock_item"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    part_id = BigInt()
    bin_location = Text()
    min_qty = Numeric(digits=(12, 2))
    max_qty = Numeric(digits=(12, 2))
    reorder_multiple = Numeric(digits=(12, 2))
    lead_time_days = Integer()
    unit_cost = Numeric(digits=(12, 2))
    on_hand = Numeric(digits=(12, 2))
    last_movement_at = Timestamptz(null=True)
    last_issue_at = Timestamptz(null=True)
    zone = Text()
    active = Boolean()


class StockMovement(Table, tablename="stock_movement"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    stock_item_id = BigInt()
    kind = Text()
    quantity = Numeric(digits=(12, 2))
    unit_cost = Numeric(digits=(12, 2))
    document_type = Text()
    document_id = BigInt(null=True)
    reason = Text()
    created_by = BigInt(null=True)
    created_at = Timestamptz()


class StockReservation(Table, tablename="stock_reservation"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    stock_item_id = BigInt()
    quantity = Numeric(digits=(12, 2))
    appointment_id = BigInt(null=True)
    repair_order_line_id = BigInt(null=True)
    status = Text()
    picked = Boolean()
    created_at = Timestamptz()
    closed_at = Timestamptz(null=True)


class PartsSettings(Table, tablename="parts_settings"):
    dealer_id = BigInt(primary_key=True)
    service_level = Numeric(digits=(5, 4))
    review_period_days = Integer()
    history_days = Integer()
    slow_moving_days = Integer()
    dead_stock_days = Integer()
    write_off_retention_days = Integer()
    updated_at = Timestamptz()


class PartsDocumentCounter(Table, tablename="parts_document_counter"):
    """Keyed by (dealer_id, kind, day) in SQL; Piccolo sees a surrogate id it never uses."""

    dealer_id = BigInt()
    kind = Text()
    day = Date()
    last = Integer()


class StockLot(Table, tablename="stock_lot"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    stock_item_id = BigInt()
    movement_id = BigInt()
    received_at = Timestamptz()
    quantity = Numeric(digits=(12, 2))
    remaining = Numeric(digits=(12, 2))
    unit_cost = Numeric(digits=(12, 2))


class StockLotAllocation(Table, tablename="stock_lot_allocation"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    movement_id = BigInt()
    lot_id = BigInt()
    quantity = Numeric(digits=(12, 2))
    unit_cost = Numeric(digits=(12, 2))


class Supplier(Table, tablename="supplier"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    name = Text()
    contact = Text()
    phone = Text()
    lead_time_days = Integer()
    active = Boolean()


class PurchaseOrder(Table, tablename="purchase_order"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    supplier_id = BigInt(null=True)
    urgency = Text()
    source = Text()
    status = Text()
    note = Text()
    expected_on = Date(null=True)
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    submitted_by = BigInt(null=True)
    submitted_at = Timestamptz(null=True)
    reviewed_by = BigInt(null=True)
    reviewed_at = Timestamptz(null=True)
    approved_by = BigInt(null=True)
    approved_at = Timestamptz(null=True)
    ordered_by = BigInt(null=True)
    ordered_at = Timestamptz(null=True)
    closed_at = Timestamptz(null=True)
    decision_note = Text()


class PurchaseOrderLine(Table, tablename="purchase_order_line"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    purchase_order_id = BigInt()
    stock_item_id = BigInt()
    quantity = Numeric(digits=(12, 2))
    unit_price = Numeric(digits=(12, 2))
    received_qty = Numeric(digits=(12, 2))
    refused_qty = Numeric(digits=(12, 2))
    closed = Boolean()
    note = Text()


class PartsReceipt(Table, tablename="parts_receipt"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    purchase_order_id = BigInt()
    delivery_note = Text()
    status = Text()
    shipping_list_checked_by = BigInt(null=True)
    received_by = BigInt(null=True)
    received_at = Timestamptz()
    posted_at = Timestamptz(null=True)
    shelved_by = BigInt(null=True)
    shelved_at = Timestamptz(null=True)
    note = Text()


class PartsReceiptLine(Table, tablename="parts_receipt_line"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    receipt_id = BigInt()
    purchase_order_line_id = BigInt()
    stock_item_id = BigInt()
    shipped_qty = Numeric(digits=(12, 2))
    counted_qty = Numeric(digits=(12, 2))
    accepted_qty = Numeric(digits=(12, 2))
    refused_qty = Numeric(digits=(12, 2))
    quality = Text()
    unit_cost = Numeric(digits=(12, 2))
    note = Text()
    movement_id = BigInt(null=True)


class TransportDamageClaim(Table, tablename="transport_damage_claim"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    receipt_line_id = BigInt()
    against = Text()
    party = Text()
    quantity = Numeric(digits=(12, 2))
    amount = Numeric(digits=(12, 2))
    description = Text()
    status = Text()
    settled_amount = Numeric(digits=(12, 2), null=True)
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    closed_at = Timestamptz(null=True)


class PartsRequest(Table, tablename="parts_request"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    repair_order_id = BigInt()
    repair_order_line_id = BigInt()
    stock_item_id = BigInt()
    quantity = Numeric(digits=(12, 2))
    status = Text()
    warranty = Boolean()
    available_at_request = Boolean()
    requested_by = BigInt(null=True)
    requested_at = Timestamptz()
    countersigned_by = BigInt(null=True)
    countersigned_at = Timestamptz(null=True)
    warranty_signed_by = BigInt(null=True)
    warranty_signed_at = Timestamptz(null=True)
    issued_by = BigInt(null=True)
    issued_at = Timestamptz(null=True)
    issue_movement_id = BigInt(null=True)
    old_part_returned = Boolean(null=True)
    old_part_disposition = Text(null=True)
    returned_qty = Numeric(digits=(12, 2))
    refusal_reason = Text()


class StockCount(Table, tablename="stock_count"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    kind = Text()
    status = Text()
    scope_note = Text()
    finance_witness = Text()
    created_by = BigInt(null=True)
    created_at = Timestamptz()
    submitted_by = BigInt(null=True)
    submitted_at = Timestamptz(null=True)
    approved_by = BigInt(null=True)
    approved_at = Timestamptz(null=True)
    decision_note = Text()
    since = Timestamptz(null=True)
    bin_prefix = Text()
    skipped_items = Integer()
    returned_count = Integer()
    cancelled_by = BigInt(null=True)
    cancelled_at = Timestamptz(null=True)


class StockCountLine(Table, tablename="stock_count_line"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    stock_count_id = BigInt()
    stock_item_id = BigInt()
    expected_qty = Numeric(digits=(12, 2))
    counted_qty = Numeric(digits=(12, 2), null=True)
    counted_by = BigInt(null=True)
    counted_at = Timestamptz(null=True)
    cause = Text()
    responsibility = Text(null=True)
    responsible_user_id = BigInt(null=True)
    adjustment_movement_id = BigInt(null=True)


class WriteOff(Table, tablename="write_off"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    number = Text()
    stock_item_id = BigInt()
    quantity = Numeric(digits=(12, 2))
    reason = Text()
    description = Text()
    cannot_claim = Boolean()
    cannot_return = Boolean()
    cannot_repair = Boolean()
    human_caused = Boolean()
    unit_cost = Numeric(digits=(12, 2))
    status = Text()
    requested_by = BigInt(null=True)
    requested_at = Timestamptz()
    decided_at = Timestamptz(null=True)
    movement_id = BigInt(null=True)
    disposed_by = BigInt(null=True)
    disposed_at = Timestamptz(null=True)
    warehouse_keeper_id = BigInt(null=True)
    loss_amount = Numeric(digits=(12, 2), null=True)
    disposal_note = Text()
    cancelled_by = BigInt(null=True)


class WriteOffSignature(Table, tablename="write_off_signature"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    write_off_id = BigInt()
    capacity = Text()
    user_id = BigInt()
    decision = Text()
    note = Text()
    signed_at = Timestamptz()


class WriteOffLossShare(Table, tablename="write_off_loss_share"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    write_off_id = BigInt()
    party = Text()
    user_id = BigInt(null=True)
    share = Numeric(digits=(5, 4))
    amount = Numeric(digits=(12, 2))


class ReorderRun(Table, tablename="reorder_run"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    trigger = Text()
    status = Text()
    requested_by = BigInt(null=True)
    requested_at = Timestamptz()
    started_at = Timestamptz(null=True)
    finished_at = Timestamptz(null=True)
    as_of = Date()
    parameters = JSONB()
    items_considered = Integer()
    suggestions = Integer()
    error = Text()


class ReorderSuggestion(Table, tablename="reorder_suggestion"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    run_id = BigInt()
    stock_item_id = BigInt()
    demand_per_day = Numeric(digits=(14, 4))
    demand_sd_per_day = Numeric(digits=(14, 4))
    seasonal_factor = Numeric(digits=(8, 4))
    lead_time_days = Integer()
    lead_time_demand = Numeric(digits=(12, 2))
    safety_stock = Numeric(digits=(12, 2))
    reorder_point = Numeric(digits=(12, 2))
    order_up_to = Numeric(digits=(12, 2))
    on_hand = Numeric(digits=(12, 2))
    reserved = Numeric(digits=(12, 2))
    on_order = Numeric(digits=(12, 2))
    suggested_qty = Numeric(digits=(12, 2))
    edited_qty = Numeric(digits=(12, 2), null=True)
    emergency = Boolean()
    explanation = JSONB()
    status = Text()
    purchase_order_line_id = BigInt(null=True)
    decided_by = BigInt(null=True)
    decided_at = Timestamptz(null=True)


class PartsTransfer(Table, tablename="parts_transfer"):
    id = BigSerial(primary_key=True)
    dealer_id = BigInt()
    source_dealer_id = BigInt()
    number = Text()
    part_id = BigInt()
    quantity = Numeric(digits=(12, 2))
    unit_cost = Numeric(digits=(12, 2))
    status = Text()
    suggestion_id = BigInt(null=True)
    note = Text()
    requested_by = BigInt(null=True)
    requested_at = Timestamptz()
    decided_by = BigInt(null=True)
    decided_at = Timestamptz(null=True)
    decision_note = Text()
    shipped_by = BigInt(null=True)
    shipped_at = Timestamptz(null=True)
    out_movement_id = BigInt(null=True)
    received_by = BigInt(null=True)
    received_at = Timestamptz(null=True)
    in_movement_id = BigInt(null=True)


ALL: list[type[Table]] = [
    Part,
    StockItem,
    StockMovement,
    StockReservation,
    PartsSettings,
    PartsDocumentCounter,
    StockLot,
    StockLotAllocation,
    Supplier,
    PurchaseOrder,
    PurchaseOrderLine,
    PartsReceipt,
    PartsReceiptLine,
    TransportDamageClaim,
    PartsRequest,
    StockCount,
    StockCountLine,
    WriteOff,
    WriteOffSignature,
    WriteOffLossShare,
    ReorderRun,
    ReorderSuggestion,
    PartsTransfer,
]
