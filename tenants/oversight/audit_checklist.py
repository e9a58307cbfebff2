"""The manufacturer's audit standard (巡查考核标准): the checklist a regional manager scores
at a dealer, item by item, 0 to the item's weight. The default comes from the digest's
service process (§3), 5S/6S, records, facilities, posts, customer care, parts and
warranty duties; a manufacturer may reweigh or deactivate items afterwards, so the
seed only inserts the codes it does not have yet."""

from __future__ import annotations

from typing import NamedTuple

import asyncpg

SECTIONS: tuple[str, ...] = (
    "process",
    "workplace_5s",
    "records",
    "facilities",
    "people",
    "customer_care",
    "parts",
    "warranty",
)


class ChecklistItem(NamedTuple):
    code: str
    section: str
    text: str
    text_zh: str
    weight: int


DEFAULT_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem(
        "P01",
        "process",
        "Appointments: due customers called, daily appointment sheet kept, parts pre-picked",
        "预约：到期客户主动邀约，每日预约表，预约配件100%预拣",
        5,
    ),
    ChecklistItem(
        "P02",
        "process",
        "Reception: customer received promptly, needs recorded",
        "接待：及时接待客户，记录客户需求",
        4,
    ),
    ChecklistItem(
        "P03",
        "process",
        "Walk-around pre-inspection with the customer, noted on the order",
        "预检：与客户环车检查并记录在工单上",
        4,
    ),
    ChecklistItem(
        "P04",
        "process",
        "Quotation and repair order signed by the customer before work",
        "报价与任务委托书经客户签字确认后开工",
        5,
    ),
    ChecklistItem(
        "P05",
        "process",
        "Dispatch on the workshop board, balanced load",
        "派工：维修管理看板派工，负荷均衡",
        3,
    ),
    ChecklistItem(
        "P06",
        "process",
        "Three checks: self check, team check, final inspection",
        "三检：自检、互检、总检",
        5,
    ),
    ChecklistItem(
        "P07",
        "process",
        "Delivery by the receiving advisor, invoice explained",
        "交车：接车顾问交车并解释结算单",
        3,
    ),
    ChecklistItem(
        "P08",
        "process",
        "Follow-up: revisit within three days of delivery",
        "回访：交车后三日内回访",
        4,
    ),
    ChecklistItem(
        "W01",
        "workplace_5s",
        "Sort and set in order: no unneeded items, marked places",
        "整理、整顿：无多余物品，定置标识",
        3,
    ),
    ChecklistItem(
        "W02",
        "workplace_5s",
        "Shine: workshop, bays and lounge clean",
        "清扫、清洁：车间、工位与休息区整洁",
        3,
    ),
    ChecklistItem(
        "W03",
        "workplace_5s",
        "Standardise and sustain: 5S/6S checks recorded",
        "素养：5S/6S检查有记录并坚持",
        2,
    ),
    ChecklistItem(
        "W04",
        "workplace_5s",
        "Safety: fire equipment, lifts inspected, protective gear worn",
        "安全：消防器材、举升机点检，劳保用品",
        4,
    ),
    ChecklistItem(
        "R01",
        "records",
        "Repair orders complete and signed by the customer",
        "维修工单完整并有客户签字",
        4,
    ),
    ChecklistItem(
        "R02", "records", "Parts ledger, stock cards and stock agree", "配件账、卡、物一致", 4
    ),
    ChecklistItem("R03", "records", "Claim archives complete and filed", "索赔档案完整归档", 4),
    ChecklistItem(
        "R04",
        "records",
        "Special tools numbered, borrow/return register kept",
        "专用工具编号，借还登记完整",
        3,
    ),
    ChecklistItem(
        "F01",
        "facilities",
        "Signage and corporate identity to the manufacturer's standard",
        "标识与形象符合厂家标准",
        2,
    ),
    ChecklistItem(
        "F02",
        "facilities",
        "Special tools and diagnostic equipment complete and calibrated",
        "专用工具与诊断设备齐全并校验",
        3,
    ),
    ChecklistItem(
        "F03", "facilities", "Customer lounge and reception area in order", "客户休息区与接待区", 2
    ),
    ChecklistItem("H01", "people", "Posts filled per planned headcount", "岗位按编制配齐", 4),
    ChecklistItem(
        "H02", "people", "Staff trained and certified by the manufacturer", "人员经厂家培训认证", 3
    ),
    ChecklistItem(
        "C01",
        "customer_care",
        "Revisit rate and satisfaction surveys to target",
        "回访率与满意度调查达标",
        4,
    ),
    ChecklistItem(
        "C02",
        "customer_care",
        "Complaints handled within their deadlines and analysed",
        "投诉按时处理并分析",
        4,
    ),
    ChecklistItem("S01", "parts", "First-in, first-out issuing", "先进先出", 3),
    ChecklistItem(
        "S02",
        "parts",
        "Stock quotas (min/max) set and kept, no dead stock build-up",
        "储备定额（上下限）执行，无死库存积压",
        3,
    ),
    ChecklistItem(
        "S03",
        "parts",
        "Genuine parts only; issuing against signed requests",
        "只用纯正配件，凭签字领料单出库",
        3,
    ),
    ChecklistItem(
        "G01",
        "warranty",
        "Old parts tagged, stored and returned on schedule",
        "旧件管理：挂签、存放并按期回运",
        4,
    ),
    ChecklistItem(
        "G02", "warranty", "Claims truthful: no falsified claims", "索赔真实，不弄虚作假", 5
    ),
)


def _check_default() -> None:
    codes = [i.code for i in DEFAULT_CHECKLIST]
    assert len(codes) == len(set(codes)), "duplicate checklist codes"
    assert all(i.section in SECTIONS and 1 <= i.weight <= 20 for i in DEFAULT_CHECKLIST)


_check_default()


async def ensure_default_checklist(connection: asyncpg.Connection, manufacturer_id: int) -> int:
    """Insert the default items the manufacturer lacks (by code); the number inserted."""
    rows = [
        (manufacturer_id, i.code, i.section, i.text, i.text_zh, i.weight, position)
        for position, i in enumerate(DEFAULT_CHECKLIST, start=1)
    ]
    inserted: int = await connection.fetchval(
        """
        with input as (
          select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                               $6::int[], $7::int[])
            as t(manufacturer_id, code, section, text, text_zh, weight, position)
        ), added as (
          insert into audit_checklist_item
            (manufacturer_id, code, section, text, text_zh, weight, position)
          select * from input
          on conflict (manufacturer_id, code) do nothing
          returning 1
        )
        select count(*) from added
        """,
        *(list(column) for column in zip(*rows, strict=True)),
    )
    return inserted


async def manufacturer_of_dealer(connection: asyncpg.Connection, dealer_id: int) -> int:
    """The brand whose standard applies at the dealer."""
    found: int | None = await connection.fetchval(
        "select r.manufacturer_id from dealer d join region r on r.id = d.region_id"
        " where d.id = $1",
        dealer_id,
    )
    assert found is not None, "dealer not visible"
    return found
