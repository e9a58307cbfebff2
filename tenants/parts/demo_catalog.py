"""The demo parts catalog: a few hundred Huaxing parts with Chinese names, some replaced by
newer numbers (supersessions), each with the demand profile its history is generated
from. Pure data: ``catalog()`` lists the parts, ``demand()`` how each one sells.

Part numbers are ``HX<family><model><variant>``: model A (Aurora 1.5T), T (Terra 2.0T),
V (Vista EV), G for parts that fit every model; variant 00 is a replaced number, 01 the
current one. The service demo's own 40 parts (``catalog_demo.PARTS``) keep their numbers
and get demand profiles here too.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from decimal import Decimal

from tenants.service.catalog_demo import PARTS as SERVICE_PARTS

MODELS: tuple[tuple[str, str, str, Decimal, Decimal], ...] = (
    # (letter, English, Chinese, price factor, demand weight)
    ("A", "Aurora", "极光", Decimal("1.00"), Decimal("1.00")),
    ("T", "Terra", "大地", Decimal("1.20"), Decimal("0.60")),
    ("V", "Vista EV", "远景EV", Decimal("1.10"), Decimal("0.50")),
)

CLASS_DEMAND: dict[str, Decimal] = {
    "A": Decimal("0.30"),
    "B": Decimal("0.05"),
    "C": Decimal("0.018"),
    "D": Decimal("0.005"),
}
"""Mean uses per day at a dealer of scale 1, before the part's own jitter."""

ZONES: dict[str, str] = {
    "engine": "G",
    "cooling": "G",
    "ignition": "G",
    "sensors": "H",
    "exhaust": "H",
    "brakes": "J",
    "chassis": "J",
    "suspension": "J",
    "body": "K",
    "lamps": "L",
    "glass": "L",
    "electrical": "M",
    "ac": "M",
    "ev": "N",
    "fasteners": "P",
    "fluids": "R",
    "tyres": "S",
    "wipers": "P",
    "accessories": "T",
}
"""Shelf letter per part group (zones by kind, 库区)."""

# fmt: off
# family | English | 中文 | group | unit | price | class | season | models | per use
# models: all = A T V, ice = A T, ev = V, gen = one part for every model (G)
_FAMILIES = """
1118|Turbo intake hose|增压进气管|engine|pc|680|C|flat|ice|1
1306|Thermostat housing gasket|节温器壳体垫片|engine|pc|25|B|flat|ice|1
1003|Cylinder head gasket|气缸垫|engine|pc|320|C|flat|ice|1
1021|Timing belt kit|正时皮带套件|engine|set|1280|C|flat|ice|1
1109|Intake manifold gasket|进气歧管垫|engine|pc|45|C|flat|ice|1
1001|Engine mount left|发动机左悬置|engine|pc|460|C|flat|ice|1
1106|Fuel pump|燃油泵|engine|pc|980|C|flat|ice|1
1104|Fuel injector|喷油嘴|engine|pc|420|C|flat|ice|1
3601|Engine control unit|发动机控制单元|electrical|pc|5200|D|flat|ice|1
1002|Engine mount rear|发动机后悬置|engine|pc|390|C|flat|ice|1
1303|Radiator|散热器|cooling|pc|1650|D|summer|all|1
1311|Expansion tank|膨胀水箱|cooling|pc|260|C|flat|all|1
1308|Radiator fan|散热器风扇|cooling|pc|880|C|summer|all|1
1304|Upper radiator hose|散热器上水管|cooling|pc|150|C|flat|all|1
1305|Lower radiator hose|散热器下水管|cooling|pc|140|C|flat|all|1
3612|Ignition coil|点火线圈|ignition|pc|320|B|flat|ice|1
3611|Oxygen sensor|氧传感器|sensors|pc|560|C|flat|ice|1
3614|Crankshaft position sensor|曲轴位置传感器|sensors|pc|280|C|flat|ice|1
3550|ABS wheel speed sensor|轮速传感器|sensors|pc|260|B|flat|all|1
3777|Parking sensor|倒车雷达探头|sensors|pc|230|B|flat|all|1
3615|Tyre pressure sensor|胎压传感器|sensors|pc|310|B|winter|all|1
1205|Exhaust gasket|排气管垫片|exhaust|pc|18|B|flat|ice|1
1201|Front exhaust pipe|前排气管|exhaust|pc|980|D|flat|ice|1
1203|Catalytic converter|三元催化器|exhaust|pc|4200|D|flat|ice|1
3501|Front brake pad set|前刹车片|brakes|set|430|B|flat|all|1
3502|Rear brake pad set|后刹车片|brakes|set|370|B|flat|all|1
3503|Front brake disc|前刹车盘|brakes|pc|490|C|flat|all|2
3504|Rear brake disc|后刹车盘|brakes|pc|430|C|flat|all|2
3506|Brake hose|制动软管|brakes|pc|95|C|flat|all|1
3540|Front brake caliper|前制动钳|brakes|pc|1250|D|flat|all|1
2904|Front lower control arm|前下摆臂|chassis|pc|620|C|flat|all|1
2906|Stabilizer link|稳定杆连杆|chassis|pc|110|B|flat|all|2
3003|Tie rod end|转向横拉杆球头|chassis|pc|180|B|flat|all|1
2203|CV joint boot kit|半轴防尘套|chassis|set|85|B|flat|all|1
3103|Wheel hub bearing|轮毂轴承|chassis|pc|520|C|flat|all|1
2912|Rear coil spring|后螺旋弹簧|suspension|pc|300|C|flat|all|2
2905|Front strut mount|前减震器顶胶|suspension|pc|160|C|flat|all|2
8401|Front fender left|左前翼子板|body|pc|880|D|flat|all|1
8402|Front fender right|右前翼子板|body|pc|880|D|flat|all|1
2804|Rear bumper cover|后保险杠皮|body|pc|1300|D|flat|all|1
8403|Radiator grille|中网|body|pc|650|D|flat|all|1
6105|Outer door handle|车门外拉手|body|pc|140|C|flat|all|1
5401|Door seal|车门密封条|body|pc|190|C|flat|all|1
6201|Door lock actuator|门锁执行器|body|pc|360|C|flat|all|1
8202|Side mirror glass|后视镜镜片|body|pc|160|C|flat|all|1
8203|Side mirror assembly|外后视镜总成|body|pc|1150|D|flat|all|1
4121|Headlamp assembly left|左前大灯总成|lamps|pc|2800|D|flat|all|1
4122|Headlamp assembly right|右前大灯总成|lamps|pc|2800|D|flat|all|1
4133|Tail lamp left|左尾灯|lamps|pc|760|D|flat|all|1
4134|Tail lamp right|右尾灯|lamps|pc|760|D|flat|all|1
4116|Fog lamp|雾灯|lamps|pc|320|C|winter|all|1
5206|Windscreen|前挡风玻璃|glass|pc|1900|D|flat|all|1
5207|Rear window glass|后挡风玻璃|glass|pc|1500|D|flat|all|1
3750|Window regulator|玻璃升降器|electrical|pc|420|C|flat|all|1
3774|Horn|喇叭|electrical|pc|90|C|flat|all|1
3785|Remote key|遥控钥匙|electrical|pc|680|C|flat|all|1
3820|Instrument cluster|组合仪表|electrical|pc|2600|D|flat|all|1
5101|Seat belt buckle|安全带锁扣|body|pc|220|C|flat|all|1
5105|Airbag clock spring|气囊游丝|electrical|pc|560|C|flat|all|1
6801|Interior door trim panel|车门内饰板|body|pc|780|D|flat|all|1
5602|Rear washer nozzle|后喷水嘴|wipers|pc|35|C|rain|all|1
2915|Rear shock absorber|后减震器|suspension|pc|580|C|flat|all|2
3512|Parking brake cable|手刹拉线|brakes|pc|160|C|flat|all|1
3701|Alternator|发电机|electrical|pc|2100|D|flat|ice|1
3708|Starter motor|起动机|electrical|pc|1650|D|winter|ice|1
8107|AC compressor|空调压缩机|ac|pc|3600|D|summer|all|1
8105|AC condenser|空调冷凝器|ac|pc|1450|D|summer|all|1
8112|AC expansion valve|空调膨胀阀|ac|pc|310|C|summer|all|1
8113|Blower motor|鼓风机|ac|pc|520|C|summer|all|1
5211|Front wiper blade set|前雨刮片(套)|wipers|set|150|B|rain|all|1
7101|Floor mat set|脚垫(套)|accessories|set|480|C|flat|all|1
7102|Mud flap set|挡泥板(套)|accessories|set|160|C|flat|all|1
7103|Trunk mat|行李箱垫|accessories|pc|260|C|flat|all|1
7104|Car cover|车衣|accessories|pc|420|D|flat|all|1
9101|Charging port cover|充电口盖|ev|pc|240|C|flat|ev|1
9102|On-board charger|车载充电机|ev|pc|5200|D|flat|ev|1
9103|DC-DC converter|DC-DC转换器|ev|pc|3100|D|flat|ev|1
9104|Battery coolant pump|电池冷却水泵|ev|pc|880|C|summer|ev|1
9105|Portable charging cable|随车充电线|ev|pc|1500|C|flat|ev|1
9106|PTC cabin heater|空调PTC加热器|ev|pc|1900|C|winter|ev|1
9107|Motor controller coolant hose|电机控制器水管|ev|pc|210|C|flat|ev|1
9108|Reduction gear oil (1 L)|减速器油(1升)|ev|L|120|C|flat|ev|1
0101|Trim clip (bag of 10)|内饰卡扣(10个)|fasteners|bag|25|A|flat|gen|1
0102|Bumper clip (bag of 10)|保险杠卡扣(10个)|fasteners|bag|30|B|flat|gen|1
0103|Bolt M8x25 (bag of 10)|螺栓M8x25(10个)|fasteners|bag|12|B|flat|gen|1
0104|Nut M8 (bag of 10)|螺母M8(10个)|fasteners|bag|8|B|flat|gen|1
0105|Wheel bolt|轮胎螺栓|fasteners|pc|12|B|flat|gen|4
0106|Exhaust hanger|排气管吊耳|fasteners|pc|35|B|flat|gen|1
0107|Cable ties (100)|扎带(100根)|fasteners|bag|20|B|flat|gen|1
0108|Fuse 10 A (10)|保险丝10A(10个)|fasteners|bag|15|B|flat|gen|1
0109|Fuse 15 A (10)|保险丝15A(10个)|fasteners|bag|15|B|flat|gen|1
0110|Fuse 20 A (10)|保险丝20A(10个)|fasteners|bag|15|C|flat|gen|1
0111|O-ring kit|O型圈套装|fasteners|set|60|C|flat|gen|1
0112|Hose clamp (bag of 10)|喉箍(10个)|fasteners|bag|28|B|flat|gen|1
0201|Bulb W5W|灯泡W5W|lamps|pc|8|B|winter|gen|1
0202|Bulb P21W|灯泡P21W|lamps|pc|10|B|winter|gen|1
0203|Bulb H4|灯泡H4|lamps|pc|45|B|winter|gen|1
0204|Bulb H11|灯泡H11|lamps|pc|55|C|winter|gen|1
0301|Engine oil 0W-20 (1 L)|机油0W-20(1升)|fluids|L|78|A|flat|gen|4
0302|Engine oil 5W-40 (4 L)|机油5W-40(4升)|fluids|can|260|B|flat|gen|1
0303|Gear oil 75W-90 (1 L)|齿轮油75W-90(1升)|fluids|L|85|C|flat|gen|2
0304|Power steering fluid (1 L)|转向助力油(1升)|fluids|L|60|C|flat|gen|1
0305|Multi-purpose grease|多用途润滑脂|fluids|can|45|B|flat|gen|1
0306|Brake cleaner spray|刹车清洗剂|fluids|can|32|A|flat|gen|1
0307|Washer concentrate|玻璃水浓缩液|fluids|pc|18|B|winter|gen|1
0308|AC cleaner foam|空调清洗剂|fluids|can|58|B|summer|gen|1
0309|Throttle body cleaner|节气门清洗剂|fluids|can|42|B|flat|gen|1
0310|Fuel system cleaner|燃油系统清洗剂|fluids|pc|68|B|flat|gen|1
0311|Windscreen adhesive|风挡玻璃胶|fluids|pc|160|D|flat|gen|1
0312|Body seam sealer|车身密封胶|fluids|pc|85|C|flat|gen|1
0313|Refrigerant R1234yf (kg)|空调冷媒R1234yf(公斤)|fluids|kg|420|C|summer|gen|1
0401|Tyre 205/55 R16|轮胎205/55 R16|tyres|pc|560|B|flat|gen|2
0402|Tyre 225/60 R18|轮胎225/60 R18|tyres|pc|820|B|flat|gen|2
0403|Tyre 235/55 R19|轮胎235/55 R19|tyres|pc|980|C|flat|gen|2
0404|Tyre 215/50 R18 low rolling resistance|低滚阻轮胎215/50 R18|tyres|pc|890|C|flat|gen|2
0405|Snow chains|防滑链|tyres|set|380|C|winter|gen|1
0406|Tyre repair kit|补胎工具包|tyres|set|90|C|flat|gen|1
0501|Air freshener|车载香水|accessories|pc|68|B|flat|gen|1
0502|Dash camera|行车记录仪|accessories|pc|690|C|flat|gen|1
0503|Sunshade|遮阳挡|accessories|pc|88|C|summer|gen|1
0504|Phone holder|手机支架|accessories|pc|98|C|flat|gen|1
0505|Seat cover set|座套(套)|accessories|set|880|D|flat|gen|1
0506|Chrome trim kit (2023 edition)|镀铬装饰条(2023款)|accessories|set|560|D|flat|gen|1
0507|Anniversary badge (2023)|周年纪念车标(2023)|accessories|pc|260|D|flat|gen|1
0508|First-aid kit|急救包|accessories|pc|75|C|flat|gen|1
0509|Warning triangle|三角警示牌|accessories|pc|45|C|flat|gen|1
0510|Fire extinguisher 1 kg|车载灭火器1公斤|accessories|pc|85|C|flat|gen|1
"""

_SERVICE_DEMAND = """
OF|A|0.8|flat   OIL|A|0.8|flat   DW|A|0.8|flat   WF|A|0.35|winter   AF|B|0.3|flat
CF|B|0.35|summer   FF|C|0.04|flat   BF|B|0.15|flat   COOL|B|0.08|flat   ATF|C|0.04|flat
R134|B|0.10|summer   BPF|B|0.12|flat   BPR|B|0.10|flat   BDF|C|0.03|flat   BDR|C|0.02|flat
SP|B|0.15|flat   BAT|C|0.05|winter   BULB|B|0.10|winter   FUSE|B|0.05|flat   WBL|B|0.10|rain
WBR|B|0.10|rain   WBB|C|0.03|rain   SAF|C|0.02|flat   SAR|C|0.015|flat   WW|B|0.2|flat
TYRE|B|0.12|flat   TV|B|0.2|flat   THERM|C|0.02|flat   WP|C|0.01|flat   BELT|C|0.02|flat
BMP|D|0.01|flat   BBR|C|0.02|flat   DOOR|D|0.005|flat   BONNET|D|0.004|flat   PB|B|0.15|flat
PC|B|0.15|flat   PP|B|0.10|flat   SAND|A|0.3|flat   HVS|C|0.03|flat   HVC|C|0.05|flat
"""
# fmt: on

SUPERSEDED_FAMILIES: tuple[str, ...] = (
    "3501", "3502", "3612", "3550", "1306", "5211", "3003", "2906", "8113", "3615",
)  # fmt: skip
"""Families whose Aurora and Terra numbers were replaced (variant 00 -> 01)."""

DISCONTINUED: frozenset[str] = frozenset({"0506", "0507", "0505", "7104"})
"""Generic parts no longer sold: whatever is left of them is dead stock."""

USE_QUANTITY: dict[str, int] = {"OIL": 4, "SP": 4, "COOL": 6, "ATF": 6, "BDF": 2, "BDR": 2}
"""Units a job takes of a service part (from the operations' part lists)."""


@dataclass(frozen=True)
class DemoPart:
    number: str
    name: str
    name_zh: str
    group: str
    unit: str
    list_price: Decimal
    pack_size: int
    zone: str
    mean: Decimal
    """Uses per day at a dealer of scale 1."""
    use: int
    """Units per use."""
    season: str
    """flat, summer, winter or rain."""
    life: str
    """normal, new (sold from a while ago), slow (hardly since), dead (not for a year+),
    replaced (superseded: demand moves to its successor)."""
    life_days: int
    """Days ago the part started (new) or stopped (slow, dead, replaced) selling."""
    superseded_by: str | None = None
    stocked: bool = True
    """False: ordered for a job when needed (class D: body panels, lamps, big units)."""
    service_key: str | None = None
    """The part of the service demo it is, whose stock settings that demo owns."""


def _jitter(key: str, low: float, high: float) -> Decimal:
    """A stable number in [low, high) from ``key``: the same catalog on every seed."""
    fraction = (zlib.crc32(key.encode()) % 10_000) / 10_000
    return Decimal(str(round(low + (high - low) * fraction, 4)))


def _life(number: str) -> tuple[str, int]:
    roll = zlib.crc32(("life" + number).encode()) % 100
    if roll < 5:
        return "dead", int(_jitter(number + "d", 420, 690))
    if roll < 11:
        return "slow", int(_jitter(number + "s", 200, 330))
    if roll < 16:
        return "new", int(_jitter(number + "n", 60, 220))
    return "normal", 0


def _pack(unit: str, group: str) -> int:
    return 1 if unit in ("L", "kg") or group not in ("fasteners", "lamps") else 10


def catalog() -> list[DemoPart]:
    """Every demo part, the service demo's first (by their keys)."""
    parts: list[DemoPart] = []
    for item in _SERVICE_DEMAND.split():
        key, _class, mean, season = item.split("|")
        spec = next(p for p in SERVICE_PARTS if p[0] == key)
        _, number, name, name_zh, unit, price, group, zone, _ = spec
        parts.append(
            DemoPart(
                number, name, name_zh, group, unit, Decimal(price), 1, zone,
                Decimal(mean), USE_QUANTITY.get(key, 1), season, "normal", 0,
                service_key=key,
            )
        )  # fmt: skip
    for row in _FAMILIES.strip().splitlines():
        family, name, name_zh, group, unit, price, cls, season, models, use = row.split("|")
        fits = {
            "all": MODELS,
            "ice": MODELS[:2],
            "ev": MODELS[2:],
            "gen": (("G", "", "", Decimal(1), Decimal(1)),),
        }[models]
        for letter, model, model_zh, price_factor, weight in fits:
            current = f"HX{family}{letter}01"
            label = f"{name} ({model})" if model else name
            label_zh = f"{name_zh}（{model_zh}）" if model_zh else name_zh
            daily = CLASS_DEMAND[cls] * weight * _jitter(current, 0.6, 1.6)
            life, days = _life(current)
            if family in DISCONTINUED:
                life, days = "dead", int(_jitter(current, 400, 560))
            replaced = family in SUPERSEDED_FAMILIES and letter in ("A", "T")
            if replaced:
                days = int(_jitter(current + "r", 240, 480))
                parts.append(
                    DemoPart(
                        f"HX{family}{letter}00", f"{label} (old number)", f"{label_zh}（旧号）",
                        group, unit, (Decimal(price) * price_factor * Decimal("0.95")).quantize(
                            Decimal(1)), _pack(unit, group), ZONES[group], daily, int(use),
                        season, "replaced", days, superseded_by=current, stocked=cls != "D",
                    )
                )  # fmt: skip
                life = "new"
            parts.append(
                DemoPart(
                    current, label, label_zh, group, unit,
                    (Decimal(price) * price_factor).quantize(Decimal(1)), _pack(unit, group),
                    ZONES[group], daily, int(use), season, life, days, stocked=cls != "D",
                )
            )  # fmt: skip
    return parts
