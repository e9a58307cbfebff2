"""The two monthly reports due by the 3rd (seed 003: "3號上報前一個月的客戶滿意度,詳細反映
各個部門存在的問題" and "3號上報客戶投訴問題解決情況表,匯總本月出現的問題,并注明解決的結果與客戶
的反映"), built from the data of a dealer's local calendar month.

- ``monthly_revisits`` (售后跟踪质量月报): the month's measures (``tenants.care.measures``),
  the problems the calls found by category and by advisor (questions, complaints, low
  survey scores, failed revisits), complaints by department, and the failed revisits
  due in the month with their reasons.
- ``monthly_complaints`` (客户投诉问题解决情况表): every complaint received in the month and
  every older one still open at the month's end, with level, department, resolution, the
  customer's reaction, hours to close, and whether it is still open.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import asyncpg

from tenants.care.measures import measures

PROBLEMS_SQL = """
with p as (
  select d.id as dealer_id,
         ($2::date::timestamp at time zone d.time_zone) as t0,
         (($3::date + 1)::timestamp at time zone d.time_zone) as t1
    from dealer d where d.id = $1
), calls as (
  select rv.advisor_user_id, a.outcome, a.id as attempt_id
    from p
    join revisit_attempt a on a.dealer_id = p.dealer_id
     and a.called_at >= p.t0 and a.called_at < p.t1
    join revisit rv on rv.dealer_id = a.dealer_id and rv.id = a.revisit_id
), per_advisor as (
  select c.advisor_user_id,
         count(*) filter (where c.outcome = 'question') as questions,
         count(*) filter (where c.outcome = 'complaint') as complaints,
         count(*) filter (where exists (select 1 from revisit_survey_answer s
                                         where s.dealer_id = $1 and s.attempt_id = c.attempt_id
                                           and s.score <= 2)) as low_scores,
         0::bigint as failed
    from calls c group by c.advisor_user_id
  union all
  select rv.advisor_user_id, 0, 0, 0, count(*)
    from revisit rv
   where rv.dealer_id = $1 and rv.status in ('failed', 'contact_check')
     and rv.due_by between $2 and $3
   group by rv.advisor_user_id
), by_advisor as (
  select pa.advisor_user_id, u.display_name as advisor,
         sum(questions)::int as questions, sum(complaints)::int as complaints,
         sum(low_scores)::int as low_scores, sum(failed)::int as failed
    from per_advisor pa
    left join staff_user u on u.id = pa.advisor_user_id
   group by pa.advisor_user_id, u.display_name
  having sum(questions) + sum(complaints) + sum(low_scores) + sum(failed) > 0
), failed as (
  select rv.id as revisit_id, ro.number as order_number, cu.name as customer, cu.phone,
         u.display_name as advisor, rv.status, rv.round, rv.attempts, rv.failure_reason,
         rv.due_by, rv.contact_note
    from revisit rv
    join repair_order ro on ro.dealer_id = rv.dealer_id and ro.id = rv.repair_order_id
    join customer cu on cu.dealer_id = rv.dealer_id and cu.id = rv.customer_id
    left join staff_user u on u.id = rv.advisor_user_id
   where rv.dealer_id = $1 and rv.status in ('failed', 'contact_check')
     and rv.due_by between $2 and $3
), departments as (
  select coalesce(k.department, 'unrouted') as department, count(*)::int as complaints
    from p
    join complaint k on k.dealer_id = p.dealer_id
     and k.received_at >= p.t0 and k.received_at < p.t1 and k.status <> 'withdrawn'
   group by 1
)
select jsonb_build_object(
  'by_advisor', coalesce((select jsonb_agg(to_jsonb(x) - 'advisor_user_id'
                                           order by x.advisor nulls last)
                            from by_advisor x), '[]'::jsonb),
  'by_category', jsonb_build_object(
     'question', coalesce((select sum(questions) from by_advisor), 0),
     'complaint', coalesce((select sum(complaints) from by_advisor), 0),
     'low_score', coalesce((select sum(low_scores) from by_advisor), 0),
     'failed', coalesce((select sum(failed) from by_advisor), 0)),
  'complaints_by_department', coalesce((select jsonb_object_agg(department, complaints)
                                          from departments), '{}'::jsonb),
  'failed_revisits', coalesce((select jsonb_agg(to_jsonb(x) order by x.due_by, x.revisit_id)
                                 from failed x), '[]'::jsonb)
)
"""

COMPLAINTS_SQL = """
with p as (
  select d.id as dealer_id,
         ($2::date::timestamp at time zone d.time_zone) as t0,
         (($3::date + 1)::timestamp at time zone d.time_zone) as t1
    from dealer d where d.id = $1
), listed as (
  select k.id as complaint_id, k.number, k.received_at, k.level, k.channel, k.summary,
         k.department, resp.display_name as responsible, k.status, k.resolution,
         k.customer_feedback, cu.name as customer, ro.number as order_number,
         cl.at as closed_at,
         case when cl.at is not null and cl.at < p.t1
              then round((extract(epoch from (cl.at - k.received_at)) / 3600.0)::numeric, 1)
         end as hours_to_close,
         ((cl.at is null or cl.at >= p.t1)
          and not (k.status = 'withdrawn' and coalesce(cl.withdrawn_at, k.received_at) < p.t1))
           as still_open,
         (k.received_at < p.t0) as carried_over
    from p
    join complaint k on k.dealer_id = p.dealer_id and k.received_at < p.t1
    join customer cu on cu.dealer_id = k.dealer_id and cu.id = k.customer_id
    left join repair_order ro on ro.dealer_id = k.dealer_id and ro.id = k.repair_order_id
    left join staff_user resp on resp.id = k.responsible_user_id
    cross join lateral (
      select case when k.status = 'closed' then
               coalesce(max(ca.at) filter (where ca.kind = 'closed'), k.confirmed_at) end as at,
             max(ca.at) filter (where ca.kind = 'withdrawn') as withdrawn_at
        from complaint_action ca
       where ca.dealer_id = k.dealer_id and ca.complaint_id = k.id
    ) cl
), report_rows as (
  select * from listed where not carried_over or still_open
)
select jsonb_build_object(
  'complaints', coalesce((select jsonb_agg(to_jsonb(r) order by r.received_at, r.complaint_id)
                            from report_rows r), '[]'::jsonb),
  'received', (select count(*) from report_rows where not carried_over),
  'carried_over', (select count(*) from report_rows where carried_over),
  'closed', (select count(*) from report_rows where hours_to_close is not null),
  'still_open', (select count(*) from report_rows where still_open),
  'by_level', coalesce((select jsonb_object_agg(level, n) from (
      select level, count(*) as n from report_rows where not carried_over group by level) l),
      '{}'::jsonb)
)
"""


def _decoded(raw: Any) -> dict[str, Any]:
    value: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw
    return value


async def revisits_body(
    connection: asyncpg.Connection, dealer_id: int, start: date, end: date, now: datetime
) -> dict[str, Any]:
    """售后跟踪质量月报 of the dealer's month ``[start, end]``."""
    [figures] = await measures(connection, [dealer_id], [(start, end)], now)
    problems = _decoded(await connection.fetchval(PROBLEMS_SQL, dealer_id, start, end))
    return {"month": start.isoformat()[:7], "measures": figures.as_json(), **problems}


async def complaints_body(
    connection: asyncpg.Connection, dealer_id: int, start: date, end: date
) -> dict[str, Any]:
    """客户投诉问题解决情况表 of the dealer's month ``[start, end]``."""
    body = _decoded(await connection.fetchval(COMPLAINTS_SQL, dealer_id, start, end))
    return {"month": start.isoformat()[:7], **body}
