"""Demo data of the service process for the demo network (dealernet seed): Huaxing's
labour operation catalog with standard hours (标准工时) and parts catalog, each demo
dealer's stock with bins, min/max and opening stock (as ledger receipts), bays,
settings, technician shifts for the next two weeks, customers with vehicles (valid
VINs) and a few appointments with their parts reserved.

Idempotent like the network seed: rows are matched on natural keys, only differences
are written, and a second run on the same day adds nothing. Shifts and appointments
are relative to the dealer's today, so a run on a later day tops them up.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import asyncpg

from tenants.network.demo import (
    DEMO_DEALERS,
    MANUFACTURER,
    Col,
    Counts,
    Upsert,
)
from tenants.service.vin import with_check_digit

SHIFT_DAYS = 14

# fmt: off
# (code, name, name_zh, kind, standard hours, {part key: quantity})
OPERATIONS: tuple[tuple[str, str, str, str, str, dict[str, str]], ...] = (
    ("M05", "First service 5,000 km", "5000公里首次保养", "maintenance", "1.0",
     {"OF": "1", "OIL": "4", "DW": "1"}),
    ("M10", "Maintenance 10,000 km", "10000公里常规保养", "maintenance", "1.2",
     {"OF": "1", "OIL": "4", "DW": "1", "WF": "1"}),
    ("M20", "Maintenance 20,000 km", "20000公里保养", "maintenance", "1.8",
     {"OF": "1", "OIL": "4", "DW": "1", "AF": "1", "CF": "1"}),
    ("M40", "Major service 40,000 km", "40000公里大保养", "maintenance", "3.0",
     {"OF": "1", "OIL": "4", "DW": "1", "AF": "1", "CF": "1", "SP": "4", "BF": "1", "FF": "1"}),
    ("BRK-F", "Replace front brake pads", "更换前刹车片", "repair", "1.2", {"BPF": "1"}),
    ("BRK-R", "Replace rear brake pads", "更换后刹车片", "repair", "1.3", {"BPR": "1"}),
    ("BRK-D", "Replace front brake discs and pads", "更换前刹车盘及刹车片", "repair", "2.0",
     {"BDF": "2", "BPF": "1"}),
    ("BRK-FL", "Replace brake fluid", "更换制动液", "maintenance", "0.8", {"BF": "1"}),
    ("DIAG", "Fault diagnosis", "故障诊断", "diagnosis", "1.0", {}),
    ("DIAG-EL", "Electrical fault diagnosis", "电路故障诊断", "diagnosis", "1.5", {}),
    ("ALIGN", "Four-wheel alignment", "四轮定位", "repair", "0.8", {}),
    ("TYRE-BAL", "Tyre rotation and balancing", "轮胎换位及动平衡", "maintenance", "0.6",
     {"WW": "1"}),
    ("TYRE-RPL", "Replace a tyre", "更换轮胎", "repair", "0.5", {"TYRE": "1", "TV": "1"}),
    ("AC-SVC", "Air conditioning service and recharge", "空调系统检修加注冷媒", "repair", "1.0",
     {"R134": "0.5"}),
    ("AC-FLT", "Replace cabin air filter", "更换空调滤芯", "maintenance", "0.3", {"CF": "1"}),
    ("BAT-TST", "Battery and charging test", "蓄电池及充电系统检测", "inspection", "0.3", {}),
    ("BAT-RPL", "Replace 12 V battery", "更换蓄电池", "repair", "0.5", {"BAT": "1"}),
    ("SPARK", "Replace spark plugs", "更换火花塞", "maintenance", "0.8", {"SP": "4"}),
    ("WIPER", "Replace wiper blades", "更换雨刮片", "maintenance", "0.2", {"WBL": "1", "WBR": "1"}),
    ("ATF", "Change automatic transmission fluid", "更换自动变速箱油", "maintenance", "1.5",
     {"ATF": "6"}),
    ("COOL", "Replace coolant", "更换冷却液", "maintenance", "0.8", {"COOL": "6"}),
    ("BELT", "Replace serpentine belt", "更换发动机皮带", "repair", "1.0", {"BELT": "1"}),
    ("SHOCK-F", "Replace front shock absorbers", "更换前减震器", "repair", "2.5", {"SAF": "2"}),
    ("BODY-BMP", "Front bumper repair", "前保险杠钣金修复", "body", "2.0", {"BBR": "1"}),
    ("BODY-DOOR", "Door dent repair", "车门钣金修复", "body", "2.5", {}),
    ("PAINT-BMP", "Repaint front bumper", "前保险杠喷漆", "paint", "3.0",
     {"PB": "0.5", "PC": "0.5", "PP": "0.3", "SAND": "1"}),
    ("PAINT-PNL", "Repaint one panel", "单面喷漆", "paint", "3.5",
     {"PB": "0.6", "PC": "0.6", "PP": "0.4", "SAND": "1"}),
    ("INSP-YR", "Annual inspection pre-check", "年检预检", "inspection", "0.5", {}),
    ("HV-CHK", "New-energy high-voltage system check", "新能源高压系统检测", "inspection", "1.0",
     {"HVS": "1"}),
)

# (key, part number, name, name_zh, unit, list price, group, bin zone, opening stock)
PARTS: tuple[tuple[str, str, str, str, str, str, str, str, str], ...] = (
    ("OF", "HX1012100", "Oil filter", "机油滤清器", "pc", "38", "filters", "A", "40"),
    ("AF", "HX1109100", "Air filter", "空气滤清器", "pc", "65", "filters", "A", "20"),
    ("CF", "HX8104100", "Cabin air filter", "空调滤清器", "pc", "58", "filters", "A", "24"),
    ("FF", "HX1105100", "Fuel filter", "燃油滤清器", "pc", "120", "filters", "A", "8"),
    ("OIL", "HX0W30L1", "Engine oil 5W-30 (1 L)", "机油5W-30(1升)", "L", "68", "fluids", "A",
     "160"),
    ("BF", "HXDOT4L1", "Brake fluid DOT 4 (1 L)", "制动液DOT4(1升)", "L", "55", "fluids", "A",
     "24"),
    ("COOL", "HXCOOLL1", "Coolant (1 L)", "冷却液(1升)", "L", "35", "fluids", "A", "48"),
    ("ATF", "HXATFL1", "Automatic transmission fluid (1 L)", "自动变速箱油(1升)", "L", "95",
     "fluids", "A", "36"),
    ("R134", "HXR134AKG", "Refrigerant R134a (kg)", "空调冷媒R134a(公斤)", "kg", "150", "fluids",
     "A", "10"),
    ("WF", "HXWASHL2", "Washer fluid (2 L)", "玻璃水(2升)", "pc", "15", "fluids", "A", "60"),
    ("DW", "HX1009105", "Oil drain plug washer", "放油螺塞垫片", "pc", "5", "engine", "A", "100"),
    ("BPF", "HX3501080", "Front brake pad set", "前刹车片(套)", "set", "420", "brakes", "B", "6"),
    ("BPR", "HX3502080", "Rear brake pad set", "后刹车片(套)", "set", "360", "brakes", "B", "6"),
    ("BDF", "HX3501075", "Front brake disc", "前刹车盘", "pc", "480", "brakes", "B", "4"),
    ("BDR", "HX3502075", "Rear brake disc", "后刹车盘", "pc", "420", "brakes", "B", "4"),
    ("SP", "HX3707100", "Spark plug", "火花塞", "pc", "65", "ignition", "C", "32"),
    ("BAT", "HX3703100", "12 V battery 60 Ah", "蓄电池12V 60Ah", "pc", "780", "electrical", "C",
     "4"),
    ("BULB", "HX3772107", "Headlamp bulb H7", "大灯灯泡H7", "pc", "45", "electrical", "C", "12"),
    ("FUSE", "HX3722100", "Fuse assortment", "保险丝组", "set", "30", "electrical", "C", "10"),
    ("WBL", "HX5205100", "Wiper blade front left", "左前雨刮片", "pc", "85", "wipers", "C", "10"),
    ("WBR", "HX5205200", "Wiper blade front right", "右前雨刮片", "pc", "75", "wipers", "C", "10"),
    ("WBB", "HX5611100", "Rear wiper blade", "后雨刮片", "pc", "55", "wipers", "C", "6"),
    ("SAF", "HX2905100", "Front shock absorber", "前减震器", "pc", "650", "suspension", "D", "4"),
    ("SAR", "HX2915100", "Rear shock absorber", "后减震器", "pc", "560", "suspension", "D", "2"),
    ("WW", "HX3101150", "Wheel balance weights", "动平衡块", "set", "20", "tyres", "D", "30"),
    ("TYRE", "HXT2155517", "Tyre 215/55 R17", "轮胎215/55 R17", "pc", "690", "tyres", "D", "8"),
    ("TV", "HX3103100", "Tyre valve", "气门嘴", "pc", "12", "tyres", "D", "40"),
    ("THERM", "HX1306100", "Thermostat", "节温器", "pc", "180", "engine", "D", "3"),
    ("WP", "HX1307100", "Water pump", "水泵", "pc", "560", "engine", "D", "2"),
    ("BELT", "HX1025100", "Serpentine belt", "发动机皮带", "pc", "210", "engine", "D", "4"),
    ("BMP", "HX2803100", "Front bumper cover", "前保险杠皮", "pc", "1200", "body", "E", "2"),
    ("BBR", "HX2803200", "Front bumper bracket", "前保险杠支架", "pc", "160", "body", "E", "4"),
    ("DOOR", "HX6101100", "Front door outer panel", "前车门外板", "pc", "1500", "body", "E", "1"),
    ("BONNET", "HX8402100", "Bonnet", "发动机罩", "pc", "1800", "body", "E", "1"),
    ("PB", "HXPNTBASE", "Base coat (1 L)", "色漆(1升)", "L", "380", "paint", "E", "12"),
    ("PC", "HXPNTCLR", "Clear coat (1 L)", "清漆(1升)", "L", "260", "paint", "E", "12"),
    ("PP", "HXPNTPRM", "Primer surfacer (1 L)", "中涂底漆(1升)", "L", "180", "paint", "E", "8"),
    ("SAND", "HXSANDP800", "Sanding paper P800 (pack)", "砂纸P800(包)", "pack", "30", "paint", "E",
     "20"),
    ("HVS", "HXHVSEAL1", "High-voltage connector seal kit", "高压接插件密封件", "set", "90", "ev",
     "F", "6"),
    ("HVC", "HXHVCOOL1", "Traction battery coolant (1 L)", "动力电池冷却液(1升)", "L", "60", "ev",
     "F", "20"),
)

BAYS: tuple[tuple[str, str, str], ...] = (
    ("M1", "Mechanical bay 1 / 机修工位1", "mechanical"),
    ("M2", "Mechanical bay 2 / 机修工位2", "mechanical"),
    ("M3", "Mechanical bay 3 / 机修工位3", "mechanical"),
    ("M4", "Mechanical bay 4 / 机修工位4", "mechanical"),
    ("Q1", "Quick service / 快修工位", "quick"),
    ("B1", "Body shop / 钣金工位", "body"),
    ("P1", "Paint booth / 喷漆房", "paint"),
    ("W1", "Wash bay / 洗车位", "wash"),
    ("I1", "Inspection lane / 检测线", "inspection"),
)

LABOUR_RATES: dict[str, str] = {"SH01": "200", "SH02": "190", "GZ01": "180", "SZ01": "185"}
PLATE_PREFIXES: dict[str, str] = {"SH01": "沪A", "SH02": "沪B", "GZ01": "粤A", "SZ01": "粤B"}
SHORT_AT: dict[str, tuple[str, ...]] = {"SH01": ("BDF",), "GZ01": ("BAT",)}
"""Parts a dealer has none of, so a booking shows PARTS_MISSING in the demo."""

# (name, kind, model, model year, colour, km, new-energy plate)
CUSTOMERS: tuple[tuple[str, str, str, int, str, int, bool], ...] = (
    ("王建国", "person", "HX Aurora 1.5T", 2022, "white", 28600, False),
    ("李晓玲", "person", "HX Aurora 1.5T", 2024, "silver", 6200, False),
    ("陈志明", "person", "HX Vista EV", 2023, "blue", 18400, True),
    ("张海燕", "person", "HX Terra 2.0T", 2021, "black", 52300, False),
    ("上海星辰物流有限公司", "company", "HX Terra 2.0T", 2022, "grey", 61800, False),
)

# (customer index, day offset, local start, operation code or None, fault description)
APPOINTMENTS: tuple[tuple[int, int, time, str | None, str], ...] = (
    (0, 1, time(9, 0), "M20", ""),
    (1, 1, time(10, 30), "M05", ""),
    (2, 1, time(14, 0), None, "仪表提示高压系统故障 / HV system warning on the dash"),
    (3, 2, time(9, 30), "BRK-F", ""),
)
# fmt: on

MODEL_CODES = {"HX Aurora 1.5T": "A15", "HX Vista EV": "V0E", "HX Terra 2.0T": "T20"}
YEAR_CODES = {2021: "M", 2022: "N", 2023: "P", 2024: "R", 2025: "S", 2026: "T"}


def demo_vin(dealer_index: int, n: int, model: str, year: int) -> str:
    """A valid Huaxing VIN: WMI LHX, model code, check digit, year, plant, serial."""
    plant = "SGZS"[dealer_index % 4]
    raw = f"LHX{MODEL_CODES[model]}C20{YEAR_CODES[year]}{plant}{dealer_index:02d}{n:04d}"
    return with_check_digit(raw)


def demo_phone(dealer_index: int, n: int) -> str:
    return f"1390{dealer_index + 1}{n:06d}"


def demo_plate(dealer_code: str, n: int, new_energy: bool) -> str:
    prefix = PLATE_PREFIXES[dealer_code]
    return f"{prefix}D{n:05d}" if new_energy else f"{prefix}{n + 10:03d}8{n}"


OPERATION_ROWS = Upsert(
    "labour_operation",
    (
        Col("manufacturer_id", "bigint"),
        Col("code", "text"),
        Col("name", "text"),
        Col("name_zh", "text"),
        Col("kind", "text"),
        Col("standard_hours", "numeric"),
    ),
    ("manufacturer_id", "code"),
)
PART_ROWS = Upsert(
    "part",
    (
        Col("manufacturer_id", "bigint"),
        Col("part_number", "text"),
        Col("name", "text"),
        Col("name_zh", "text"),
        Col("unit", "text"),
        Col("list_price", "numeric"),
        Col("part_group", "text"),
    ),
    ("manufacturer_id", "part_number"),
)
OPERATION_PART_ROWS = Upsert(
    "operation_part",
    (Col("operation_id", "bigint"), Col("part_id", "bigint"), Col("quantity", "numeric")),
    ("operation_id", "part_id"),
)
STOCK_ROWS = Upsert(
    "stock_item",
    (
        Col("dealer_id", "bigint"),
        Col("part_id", "bigint"),
        Col("bin_location", "text"),
        Col("min_qty", "numeric"),
        Col("max_qty", "numeric"),
        Col("unit_cost", "numeric"),
    ),
    ("dealer_id", "part_id"),
)
BAY_ROWS = Upsert(
    "bay",
    (Col("dealer_id", "bigint"), Col("code", "text"), Col("name", "text"), Col("kind", "text")),
    ("dealer_id", "code"),
)
SETTINGS_ROWS = Upsert(
    "service_settings",
    (Col("dealer_id", "bigint"), Col("labour_rate", "numeric")),
    ("dealer_id",),
)
SHIFT_ROWS = Upsert(
    "technician_shift",
    (
        Col("dealer_id", "bigint"),
        Col("user_id", "bigint"),
        Col("work_date", "date"),
        Col("hours", "numeric"),
        Col("team", "text"),
    ),
    ("dealer_id", "user_id", "work_date"),
)
CUSTOMER_ROWS = Upsert(
    "customer",
    (
        Col("dealer_id", "bigint"),
        Col("phone", "text"),
        Col("name", "text"),
        Col("kind", "text"),
        Col("advisor_user_id", "bigint"),
    ),
    ("dealer_id", "phone"),
)
VEHICLE_ROWS = Upsert(
    "vehicle",
    (
        Col("dealer_id", "bigint"),
        Col("vin", "text"),
        # The owner travels as the customer's phone, resolved in SQL.
        Col(
            "customer_id",
            "text",
            "(select c.id from customer c where c.dealer_id = i.dealer_id"
            " and c.phone = i.customer_id)",
        ),
        Col("plate", "text"),
        Col("model", "text"),
        Col("model_year", "integer"),
        Col("colour", "text"),
    ),
    ("dealer_id", "vin"),
)


@dataclass(frozen=True)
class _Dealer:
    index: int
    code: str
    id: int
    zone: ZoneInfo


def _bin(zone: str, n: int) -> str:
    """Warehouse-shelf-level-position (库号/架号/层号/位号)."""
    return f"W1-{zone}-{n // 4 + 1:02d}-{n % 4 + 1:02d}"


async def _catalogs(connection: asyncpg.Connection, manufacturer_id: int) -> Counts:
    written = Counts()
    written += await OPERATION_ROWS.run(
        connection,
        [(manufacturer_id, c, n, z, k, Decimal(h)) for c, n, z, k, h, _ in OPERATIONS],
    )
    written += await PART_ROWS.run(
        connection,
        [
            (manufacturer_id, number, name, zh, unit, Decimal(price), group)
            for _, number, name, zh, unit, price, group, _, _ in PARTS
        ],
    )
    operation_ids = await _by_key(
        connection,
        "select code as key, id from labour_operation where manufacturer_id = $1",
        manufacturer_id,
    )
    part_ids = await _part_ids(connection, manufacturer_id)
    written += await OPERATION_PART_ROWS.run(
        connection,
        [
            (operation_ids[code], part_ids[key], Decimal(qty))
            for code, _, _, _, _, parts in OPERATIONS
            for key, qty in parts.items()
        ],
    )
    return written


async def _by_key(connection: asyncpg.Connection, sql: str, *args: object) -> dict[str, int]:
    return {r["key"]: r["id"] for r in await connection.fetch(sql, *args)}


async def _part_ids(connection: asyncpg.Connection, manufacturer_id: int) -> dict[str, int]:
    by_number = await _by_key(
        connection,
        "select part_number as key, id from part where manufacturer_id = $1",
        manufacturer_id,
    )
    return {key: by_number[number] for key, number, *_ in PARTS}


async def _stock(
    connection: asyncpg.Connection, dealer: _Dealer, part_ids: dict[str, int]
) -> Counts:
    rows = []
    for n, (key, _, _, _, _, price, _, zone, opening) in enumerate(PARTS):
        quantity = Decimal(opening)
        rows.append(
            (
                dealer.id,
                part_ids[key],
                _bin(zone, n),
                (quantity / 4).quantize(Decimal(1)),
                quantity * 2,
                (Decimal(price) * Decimal("0.7")).quantize(Decimal("0.01")),
            )
        )
    written = await STOCK_ROWS.run(connection, rows)
    # Opening stock is a receipt in the ledger, once per stock item that has none.
    short = [part_ids[k] for k in SHORT_AT.get(dealer.code, ())]
    status = await connection.execute(
        """
        insert into stock_movement (dealer_id, stock_item_id, kind, quantity, unit_cost,
                                    document_type, reason)
        select s.dealer_id, s.id, 'receipt', o.qty, s.unit_cost, 'opening', 'opening stock (demo)'
          from unnest($2::bigint[], $3::numeric[]) as o(part_id, qty)
          join stock_item s on s.dealer_id = $1 and s.part_id = o.part_id
         where o.qty > 0 and not (o.part_id = any($4::bigint[]))
           and not exists (select 1 from stock_movement m
                            where m.dealer_id = s.dealer_id and m.stock_item_id = s.id)
        """,
        dealer.id,
        [part_ids[p[0]] for p in PARTS],
        [Decimal(p[8]) for p in PARTS],
        short,
    )
    written.added += int(status.split()[-1])
    return written


async def _staff(connection: asyncpg.Connection, dealer_id: int, role: str) -> list[int]:
    rows = await connection.fetch(
        "select user_id from membership where dealer_id = $1 and active and $2 = any(roles)"
        " order by user_id",
        dealer_id,
        role,
    )
    return [r["user_id"] for r in rows]


async def _workshop(connection: asyncpg.Connection, dealer: _Dealer, today: date) -> Counts:
    written = await BAY_ROWS.run(connection, [(dealer.id, c, n, k) for c, n, k in BAYS])
    written += await SETTINGS_ROWS.run(
        connection, [(dealer.id, Decimal(LABOUR_RATES.get(dealer.code, "180")))]
    )
    leaders = await _staff(connection, dealer.id, "team_leader")
    technicians = [u for u in await _staff(connection, dealer.id, "technician") if u not in leaders]
    shifts = []
    for offset in range(SHIFT_DAYS):
        day = today + timedelta(days=offset)
        for n, user in enumerate(leaders):
            shifts.append((dealer.id, user, day, Decimal("7"), f"team {n + 1}"))
        for n, user in enumerate(technicians):
            team = f"team {n % max(len(leaders), 1) + 1}"
            shifts.append((dealer.id, user, day, Decimal("8"), team))
    written += await SHIFT_ROWS.run(connection, shifts)
    return written


async def _customers(connection: asyncpg.Connection, dealer: _Dealer) -> Counts:
    advisors = await _staff(connection, dealer.id, "service_advisor")
    advisor = advisors[0] if advisors else None
    written = await CUSTOMER_ROWS.run(
        connection,
        [
            (dealer.id, demo_phone(dealer.index, n), name, kind, advisor)
            for n, (name, kind, *_) in enumerate(CUSTOMERS)
        ],
    )
    written += await VEHICLE_ROWS.run(
        connection,
        [
            (
                dealer.id,
                demo_vin(dealer.index, n, model, year),
                demo_phone(dealer.index, n),
                demo_plate(dealer.code, n, green),
                model,
                year,
                colour,
            )
            for n, (_, _, model, year, colour, _, green) in enumerate(CUSTOMERS)
        ],
    )
    status = await connection.execute(
        """
        insert into mileage_reading (dealer_id, vehicle_id, km, source)
        select v.dealer_id, v.id, k.km, 'import'
          from unnest($2::text[], $3::int[]) as k(vin, km)
          join vehicle v on v.dealer_id = $1 and v.vin = k.vin
         where not exists (select 1 from mileage_reading m
                            where m.dealer_id = v.dealer_id and m.vehicle_id = v.id)
        """,
        dealer.id,
        [demo_vin(dealer.index, n, c[2], c[3]) for n, c in enumerate(CUSTOMERS)],
        [c[5] for c in CUSTOMERS],
    )
    written.added += int(status.split()[-1])
    return written


async def _appointments(
    connection: asyncpg.Connection, dealer: _Dealer, manufacturer_id: int, today: date
) -> Counts:
    """A vehicle gets its demo appointment unless it already has a live future one."""
    written = Counts()
    advisors = await _staff(connection, dealer.id, "service_advisor")
    for index, offset, start, code, fault in APPOINTMENTS:
        _, _, model, year, *_ = CUSTOMERS[index]
        vin = demo_vin(dealer.index, index, model, year)
        vehicle = await connection.fetchrow(
            "select id, customer_id from vehicle where dealer_id = $1 and vin = $2",
            dealer.id,
            vin,
        )
        if vehicle is None:
            continue
        exists = await connection.fetchval(
            "select 1 from appointment where dealer_id = $1 and vehicle_id = $2"
            " and work_date >= $3 and status in ('booked', 'confirmed')",
            dealer.id,
            vehicle["id"],
            today,
        )
        if exists:
            continue
        day = today + timedelta(days=offset)
        starts = datetime.combine(day, start, tzinfo=dealer.zone)
        operation = None
        if code is not None:
            operation = await connection.fetchrow(
                "select id, name, standard_hours from labour_operation"
                " where manufacturer_id = $1 and code = $2",
                manufacturer_id,
                code,
            )
        hours = operation["standard_hours"] if operation else Decimal("1.0")
        # The estimate the advisor gives: labour at the dealer's rate plus listed parts.
        estimate = await connection.fetchval(
            "select $2::numeric * coalesce((select labour_rate from service_settings"
            " where dealer_id = $1), 180) + coalesce((select sum(p.list_price * op.quantity)"
            " from operation_part op join part p on p.id = op.part_id"
            " where op.operation_id = $3), 0)",
            dealer.id,
            hours,
            operation["id"] if operation else None,
        )
        appointment = await connection.fetchval(
            "insert into appointment (dealer_id, customer_id, vehicle_id, advisor_user_id,"
            " starts_at, work_date, booked_hours, customer_request, channel, estimate)"
            " values ($1, $2, $3, $4, $5, $6, $7, $8, 'phone', $9) returning id",
            dealer.id,
            vehicle["customer_id"],
            vehicle["id"],
            advisors[0] if advisors else None,
            starts,
            day,
            hours,
            fault or (operation["name"] if operation else ""),
            estimate,
        )
        await connection.execute(
            "insert into appointment_item (dealer_id, appointment_id, kind, operation_id,"
            " description, standard_hours) values ($1, $2, $3, $4, $5, $6)",
            dealer.id,
            appointment,
            "maintenance" if code and code.startswith("M") else "fault",
            operation["id"] if operation else None,
            fault or (operation["name"] if operation else ""),
            hours,
        )
        if operation is not None:
            await connection.execute(
                "insert into stock_reservation (dealer_id, stock_item_id, quantity,"
                " appointment_id)"
                " select $1, s.id, op.quantity, $2 from operation_part op"
                " join stock_item s on s.dealer_id = $1 and s.part_id = op.part_id"
                " where op.operation_id = $3",
                dealer.id,
                appointment,
                operation["id"],
            )
        written.added += 1
    return written


async def seed_service_demo(connection: asyncpg.Connection) -> Counts:
    """Write the demo data on ``connection`` (an owner connection), in the caller's
    transaction; the network must be seeded. Demo dealers missing are skipped."""
    manufacturer_id = await connection.fetchval(
        "select id from manufacturer where code = $1", MANUFACTURER.code
    )
    if manufacturer_id is None:
        return Counts()
    await connection.execute("select pg_advisory_xact_lock(hashtext('dealernet.seed'))")
    written = Counts()
    status = await connection.execute(
        "update manufacturer set vin_check_digit = true where id = $1 and not vin_check_digit",
        manufacturer_id,
    )
    written.changed += int(status.split()[-1])
    rows = await connection.fetch(
        "select id, code, time_zone, (now() at time zone time_zone)::date as today"
        " from dealer where code = any($1::text[]) order by code",
        [d.code for d in DEMO_DEALERS],
    )
    await connection.execute(
        "select set_config('app.dealer_ids', $1, true)",
        "{" + ",".join(str(r["id"]) for r in rows) + "}",
    )
    written += await _catalogs(connection, manufacturer_id)
    part_ids = await _part_ids(connection, manufacturer_id)
    order = [d.code for d in DEMO_DEALERS]
    for row in rows:
        dealer = _Dealer(
            order.index(row["code"]), row["code"], row["id"], ZoneInfo(row["time_zone"])
        )
        written += await _stock(connection, dealer, part_ids)
        written += await _workshop(connection, dealer, row["today"])
        written += await _customers(connection, dealer)
        written += await _appointments(connection, dealer, manufacturer_id, row["today"])
    return written


async def seed(url: str | None = None) -> Counts:
    """The service demo data in its own owner transaction (``dealernet seed``)."""
    from tenants.network.demo import connect_owner

    connection = await connect_owner(url)
    try:
        async with connection.transaction():
            return await seed_service_demo(connection)
    finally:
        await connection.close()
