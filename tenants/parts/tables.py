"""Piccolo tables of parts. The schema itself, with its row-level security and composite
keys, is made by the migrations; services mostly speak SQL for set work."""

from piccolo.columns import (
    BigInt,
    BigSerial,
    Boolean,
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


ALL: list[type[Table]] = [Part, StockItem, StockMovement, StockReservation]
