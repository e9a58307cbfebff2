"""Manufacturer oversight for the demo network (``dealernet seed``), so every oversight
screen has something to show:

- ``kpi_target``: every catalog KPI with its default target, a few set tighter by the
  manufacturer (CSI 88, first-time fix 96%, fill rate 92%, dead stock 4%);
- the default audit checklist (``tenants.oversight.audit_checklist``) and two audits at
  SH01 by its regional manager: a closed one three months ago (scored, its findings
  verified) and a submitted one last month with an open and a responded finding;
- a published technical bulletin (技术通报) and a recall (召回) built on it, naming three
  demo vehicles of SH01 and three of SH02, one of them completed at SH01;
- monthly reports (月报) of the last six months for every demo dealer, generated from the
  data: most submitted on time, SH02's of four months ago late, GZ01's of three months ago
  generated but never submitted (missing), and last month's left in draft at SH01 for its
  information officer.

Idempotent: everything is keyed (codes, audit numbers, dealer and month) and inserted
with ``on conflict do nothing``; a second run writes nothing. Runs after the network,
service, parts, warranty-terms and care demos."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import asyncpg

from tenants.network.demo import DEMO_DEALERS, MANUFACTURER, Counts
from tenants.oversight.audit_checklist import ensure_default_checklist
from tenants.oversight.kpi_catalog import KPIS
from tenants.oversight.kpi_targets import default_direction
from tenants.oversight.monthly_report import body_json, due_on, report_body

OWN_TARGETS = {
    "csi": Decimal("88"),
    "first_time_fix_rate": Decimal("0.96"),
    "parts_fill_rate": Decimal("0.92"),
    "dead_stock_share": Decimal("0.04"),
}
BULLETIN_CODE = "TSB-2026-07"
RECALL_CODE = "RC-2026-OV1"
AUDIT_DEALER = "SH01"
REPORT_MONTHS = 6
LATE = ("SH02", 4)
"""(dealer, months ago) of the report submitted after its due date."""
MISSING = ("GZ01", 3)
DRAFT = ("SH01", 1)


def _count(status: str) -> int:
    return int(status.split()[-1])


def _months_before(today: date, count: int) -> list[date]:
    months, first = [], today.replace(day=1)
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(first)
    return months


async def _targets(connection: asyncpg.Connection, manufacturer: int) -> int:
    keys = [k.key for k in KPIS if k.key in OWN_TARGETS or k.default_target is not None]
    by_key = {k.key: k for k in KPIS}
    return _count(
        await connection.execute(
            "insert into kpi_target (manufacturer_id, kpi, target, direction)"
            " select $1, k, t, d from unnest($2::text[], $3::numeric[], $4::text[]) as x(k, t, d)"
            " on conflict (manufacturer_id, kpi) do nothing",
            manufacturer,
            keys,
            [OWN_TARGETS.get(k, by_key[k].default_target) for k in keys],
            [default_direction(by_key[k]) for k in keys],
        )
    )


AUDIT_SQL = """
with dealer_ as (
  select d.id, d.time_zone,
         (select ra.user_id from region_assignment ra
           where ra.region_id = d.region_id and ra.role = 'regional_manager'
           order by ra.user_id limit 1) as auditor,
         (select m.user_id from membership m where m.dealer_id = d.id and m.active
           and 'service_manager' = any(m.roles) order by m.user_id limit 1) as owner_user
    from dealer d where d.code = $1
), made as (
  insert into dealer_audit (dealer_id, number, auditor_user_id, planned_on, visited_at, status,
                            summary, created_at, submitted_at, closed_at, closed_by)
  select d.id, $2, d.auditor, $3::date,
         ($3::date + time '09:30') at time zone d.time_zone, $4, $5,
         ($3::date - 14 + time '10:00') at time zone d.time_zone,
         ($3::date + time '17:00') at time zone d.time_zone,
         case when $4 = 'closed' then ($3::date + 40 + time '11:00') at time zone d.time_zone end,
         case when $4 = 'closed' then d.auditor end
    from dealer_ d where d.auditor is not null
  on conflict (dealer_id, number) do nothing
  returning id, dealer_id, auditor_user_id, planned_on, visited_at
), scored as (
  insert into dealer_audit_score (dealer_id, audit_id, item_id, points, note, scored_by,
                                  scored_at)
  select m.dealer_id, m.id, i.id,
         greatest(0, i.weight - ((hashint8(i.id + m.id) & 7) % 3)), '', m.auditor_user_id,
         m.visited_at
    from made m
    join audit_checklist_item i on i.manufacturer_id = $6 and i.active
  returning dealer_id, audit_id, points, item_id
), findings as (
  insert into dealer_audit_finding (dealer_id, audit_id, item_id, severity, description,
    owner_user_id, due_on, status, response, responded_by, responded_at, verified_by,
    verified_at, created_by, created_at)
  select m.dealer_id, m.id, f.item_id, f.severity, f.description, d.owner_user,
         m.planned_on + f.days, f.status,
         case when f.status <> 'open' then f.response else '' end,
         case when f.status <> 'open' then d.owner_user end,
         case when f.status <> 'open' then m.visited_at + make_interval(days => f.days - 2) end,
         case when f.status = 'verified' then m.auditor_user_id end,
         case when f.status = 'verified' then m.visited_at + make_interval(days => f.days) end,
         m.auditor_user_id, m.visited_at
    from made m cross join dealer_ d
    cross join lateral (
      select * from unnest($7::text[], $8::text[], $9::int[], $10::text[], $11::text[],
                           $12::int[]) with ordinality
        as x(severity, description, days, status, response, position, n)
    ) f0
    cross join lateral (
      select f0.*, (select i.id from audit_checklist_item i
                     where i.manufacturer_id = $6 and i.active
                     order by i.position offset greatest(f0.position - 1, 0) limit 1) as item_id
    ) f
  returning 1
)
select (select count(*) from made) + (select count(*) from scored)
       + (select count(*) from findings)
"""

FIX_SCORE_SQL = """
update dealer_audit a set score = t.score, max_score = t.max_score
  from (select s.audit_id, sum(s.points) as score, sum(i.weight) as max_score
          from dealer_audit_score s join audit_checklist_item i on i.id = s.item_id
         where s.dealer_id = $1 group by s.audit_id) t
 where a.dealer_id = $1 and a.id = t.audit_id and a.score is null
   and a.status in ('submitted', 'closed')
"""

AUDITS: tuple[tuple[str, int, str, str, list[tuple[str, str, int, str, str, int]]], ...] = (
    (
        "AUD-SH01-DEMO-1",
        95,
        "closed",
        "Reception and workshop to standard; records of returned parts incomplete."
        " / 接待和车间达标;旧件台账不完整。",
        [
            (
                "minor",
                "Tool board missing two special tools / 工具看板缺两件专用工具",
                14,
                "verified",
                "Tools returned and the board updated / 工具已归还,看板已更新",
                3,
            ),
            (
                "major",
                "Old-part ledger does not match the shelf / 旧件台账与实物不符",
                21,
                "verified",
                "Ledger recounted and signed / 台账已重新盘点签字",
                6,
            ),
        ],
    ),
    (
        "AUD-SH01-DEMO-2",
        28,
        "submitted",
        "5S in the parts store slipping; revisit records good. / 配件库5S下滑;回访记录良好。",
        [
            (
                "major",
                "Parts store aisles blocked by cartons / 配件库通道被纸箱堵塞",
                14,
                "responded",
                "Cartons cleared, daily check added / 纸箱已清理,增加每日检查",
                2,
            ),
            (
                "minor",
                "Customer lounge price list out of date / 休息区价目表过期",
                30,
                "open",
                "",
                5,
            ),
        ],
    ),
)


async def _audits(connection: asyncpg.Connection, manufacturer: int, today: date) -> int:
    written = 0
    for number, days_ago, status, summary, findings in AUDITS:
        written += int(
            await connection.fetchval(
                AUDIT_SQL,
                AUDIT_DEALER,
                number,
                today - timedelta(days=days_ago),
                status,
                summary,
                manufacturer,
                [f[0] for f in findings],
                [f[1] for f in findings],
                [f[2] for f in findings],
                [f[3] for f in findings],
                [f[4] for f in findings],
                [f[5] for f in findings],
            )
        )
    dealer = await connection.fetchval("select id from dealer where code = $1", AUDIT_DEALER)
    if dealer is not None:
        await connection.execute(FIX_SCORE_SQL, dealer)
    return written


BULLETIN_SQL = """
insert into technical_bulletin (manufacturer_id, code, title, title_zh, body, body_zh, models,
                                operation_ids, published_by, published_at)
select $1, $2, 'Front shock absorber mount: inspect and re-torque',
       '前减震器安装座检查及重新紧固',
       'Inspect the front shock absorber upper mounts for cracks; replace cracked mounts and'
       ' torque the nuts to 62 Nm. Applies to the VINs of recall RC-2026-OV1.',
       '检查前减震器上安装座有无裂纹;更换有裂纹的安装座,螺母按62牛·米紧固。适用于召回'
       ' RC-2026-OV1 所列车架号。',
       array['HX Terra 2.0T'],
       coalesce((select array_agg(o.id) from labour_operation o
                  where o.manufacturer_id = $1 and o.code = 'SHOCK-F'), '{}'),
       (select ra.user_id from region_assignment ra join region r on r.id = ra.region_id
         where r.manufacturer_id = $1 and ra.role = 'regional_manager'
         order by ra.user_id limit 1),
       $3
on conflict (manufacturer_id, code) do nothing
"""

RECALL_SQL = """
with made as (
  insert into campaign (manufacturer_id, code, kind, title, title_zh, operation_id, starts_on,
                        description, description_zh, bulletin_id, published_by, published_at)
  select b.manufacturer_id, $2, 'recall', 'Front shock absorber mount recall',
         '前减震器安装座召回',
         (select o.id from labour_operation o where o.manufacturer_id = $1 and o.code = 'SHOCK-F'),
         $3::date,
         'Cracks may form in the front shock absorber upper mount; inspect and re-torque per'
         ' bulletin TSB-2026-07.',
         '前减震器上安装座可能出现裂纹;按技术通报 TSB-2026-07 检查并重新紧固。',
         b.id, b.published_by, $4
    from technical_bulletin b where b.manufacturer_id = $1 and b.code = $5
  on conflict (manufacturer_id, code) do nothing
  returning id
), vins as (
  select v.vin, v.dealer_id, d.code,
         row_number() over (partition by v.dealer_id order by v.id) as n
    from vehicle v join dealer d on d.id = v.dealer_id
   where d.code = any($6::text[])
), added as (
  insert into campaign_vehicle (campaign_id, vin, completed_dealer_id, completed_at,
                                completed_repair_order_id)
  select m.id, x.vin,
         case when x.code = $7 and x.n = 1 then x.dealer_id end,
         case when x.code = $7 and x.n = 1 then $4::timestamptz + interval '12 days' end,
         case when x.code = $7 and x.n = 1 then
           (select ro.id from repair_order ro join vehicle v2 on v2.dealer_id = ro.dealer_id
               and v2.id = ro.vehicle_id
             where ro.dealer_id = x.dealer_id and v2.vin = x.vin and ro.status = 'delivered'
             order by ro.delivered_at desc limit 1) end
    from made m cross join vins x where x.n <= 3
  on conflict do nothing
  returning 1
)
select (select count(*) from made) + (select count(*) from added)
"""


async def _bulletin_and_recall(
    connection: asyncpg.Connection, manufacturer: int, now: datetime
) -> int:
    published = now - timedelta(days=30)
    written = _count(await connection.execute(BULLETIN_SQL, manufacturer, BULLETIN_CODE, published))
    written += int(
        await connection.fetchval(
            RECALL_SQL,
            manufacturer,
            RECALL_CODE,
            published.date(),
            published,
            BULLETIN_CODE,
            ["SH01", "SH02"],
            "SH01",
        )
    )
    return written


REPORT_SQL = """
insert into dealer_monthly_report (dealer_id, month, due_on, status, body, note, generated_at,
  reviewed_by, reviewed_at, submitted_by, submitted_at)
select d.id, $2, $3, $4, $5::jsonb, $6,
       (($2::date + interval '1 month')::date + time '02:10') at time zone d.time_zone,
       case when $4 <> 'draft' then $7::bigint end,
       case when $4 <> 'draft' then $8::timestamptz - interval '2 hours' end,
       case when $4 = 'submitted' then $7::bigint end,
       case when $4 = 'submitted' then $8::timestamptz end
  from dealer d where d.id = $1
on conflict (dealer_id, month) do nothing
"""


async def _reports(connection: asyncpg.Connection, now: datetime) -> int:
    dealers = await connection.fetch(
        "select d.id, d.code, d.time_zone, m.monthly_report_due_day as due_day,"
        " ($2::timestamptz at time zone d.time_zone)::date as today,"
        " (select mb.user_id from membership mb where mb.dealer_id = d.id and mb.active"
        "   and 'information_officer' = any(mb.roles) order by mb.user_id limit 1) as officer"
        " from dealer d join region r on r.id = d.region_id"
        " join manufacturer m on m.id = r.manufacturer_id"
        " where d.code = any($1::text[]) order by d.code",
        [d.code for d in DEMO_DEALERS],
        now,
    )
    written = 0
    for d in dealers:
        have = {
            r["month"]
            for r in await connection.fetch(
                "select month from dealer_monthly_report where dealer_id = $1", d["id"]
            )
        }
        for ago, month in enumerate(_months_before(d["today"], REPORT_MONTHS), start=1):
            if month in have:
                continue
            due = due_on(month, d["due_day"])
            status, note = "submitted", ""
            submit_day = due - timedelta(days=1)
            if (d["code"], ago) == LATE:
                submit_day, note = due + timedelta(days=2), "延迟上报:等待索赔结算数据"
            elif (d["code"], ago) in (MISSING, DRAFT):
                status = "draft"
            submitted_at = datetime.combine(
                submit_day, time(16, 0), ZoneInfo(d["time_zone"])
            ).astimezone(UTC)
            if submitted_at > now:
                status = "reviewed" if status == "submitted" else status
            body = await report_body(connection, d["id"], month, now)
            written += _count(
                await connection.execute(
                    REPORT_SQL,
                    d["id"],
                    month,
                    due,
                    status,
                    json.dumps(body_json(body)),
                    note,
                    d["officer"],
                    min(submitted_at, now),
                )
            )
    return written


async def seed_oversight_demo(
    connection: asyncpg.Connection, now: datetime | None = None
) -> Counts:
    """Write on ``connection`` (an owner connection) in the caller's transaction."""
    at = now or datetime.now(UTC)
    written = Counts()
    manufacturer = await connection.fetchval(
        "select id from manufacturer where code = $1", MANUFACTURER.code
    )
    if manufacturer is None:
        return written
    dealer_ids = [
        r["id"]
        for r in await connection.fetch(
            "select id from dealer where code = any($1::text[])", [d.code for d in DEMO_DEALERS]
        )
    ]
    await connection.execute(
        "select set_config('app.dealer_ids', $1, true)",
        "{" + ",".join(str(d) for d in dealer_ids) + "}",
    )
    written.added += await _targets(connection, manufacturer)
    written.added += await ensure_default_checklist(connection, manufacturer)
    written.added += await _audits(connection, manufacturer, at.date())
    written.added += await _bulletin_and_recall(connection, manufacturer, at)
    written.added += await _reports(connection, at)
    return written


async def seed(url: str | None = None, now: datetime | None = None) -> Counts:
    """The oversight demo in its own owner transaction (``dealernet seed``)."""
    from tenants.network.demo import connect_owner

    connection = await connect_owner(url)
    try:
        async with connection.transaction():
            return await seed_oversight_demo(connection, now)
    finally:
        await connection.close()
