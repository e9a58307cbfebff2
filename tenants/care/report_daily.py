"""The daily problem report (每天将当天存在维修质量、服务质量和预警问题的跟踪记录上交给前台主管):
what the day's follow-up calls and complaints brought up, for the front-desk supervisor.

One statement builds the body for a dealer's local day ``[day 00:00, day+1 00:00)``:

- ``calls_with_problems``: answered calls whose outcome was a question or a complaint;
- ``failed_revisits``: revisits whose last call fell on the day and that failed
  (back with the advisor, ``contact_check``, or finally ``failed``), with the reason;
- ``contact_checks``: failed revisits whose contact data the advisor checked that day;
- ``new_complaints``: tickets received that day; ``overdue_complaints``: tickets not
  yet resolved whose deadline (the agreed one when there is one) passed by the day's end;
- ``low_scores``: survey answers of 1 or 2 given that day, with the order and advisor.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import asyncpg

DAILY_BODY_SQL = """
with p as (
  select d.id as dealer_id, $2::date as day,
         ($2::date::timestamp at time zone d.time_zone) as t0,
         (($2::date + 1)::timestamp at time zone d.time_zone) as t1
    from dealer d where d.id = $1
), revisit_info as (
  select rv.id, rv.dealer_id, rv.status, rv.round, rv.attempts, rv.failure_reason,
         rv.contact_checked_at, rv.contact_note, rv.contact_checked_by,
         ro.number as order_number, cu.name as customer, cu.phone,
         rv.advisor_user_id, adv.display_name as advisor
    from revisit rv
    join repair_order ro on ro.dealer_id = rv.dealer_id and ro.id = rv.repair_order_id
    join customer cu on cu.dealer_id = rv.dealer_id and cu.id = rv.customer_id
    left join staff_user adv on adv.id = rv.advisor_user_id
   where rv.dealer_id = $1
), problem_calls as (
  select ri.id as revisit_id, ri.order_number, ri.customer, ri.phone, ri.advisor,
         a.called_at, a.outcome, a.question, a.note, caller.display_name as caller,
         k.number as complaint_number, k.level as complaint_level
    from p
    join revisit_attempt a on a.dealer_id = p.dealer_id
     and a.called_at >= p.t0 and a.called_at < p.t1
     and a.result = 'answered' and a.outcome in ('question', 'complaint')
    join revisit_info ri on ri.id = a.revisit_id
    left join staff_user caller on caller.id = a.caller_user_id
    left join complaint k on k.dealer_id = a.dealer_id and k.id = a.complaint_id
), failed as (
  select ri.id as revisit_id, ri.order_number, ri.customer, ri.phone, ri.advisor,
         ri.status, ri.round, ri.attempts, ri.failure_reason, last.called_at as last_called_at
    from p
    join revisit_info ri on ri.status in ('contact_check', 'failed')
    cross join lateral (
      select max(a.called_at) as called_at from revisit_attempt a
       where a.dealer_id = ri.dealer_id and a.revisit_id = ri.id
    ) last
   where last.called_at >= p.t0 and last.called_at < p.t1
), checks as (
  select ri.id as revisit_id, ri.order_number, ri.customer, ri.phone, ri.advisor,
         ri.status, ri.round, ri.contact_checked_at, ri.contact_note,
         checker.display_name as checked_by
    from p
    join revisit_info ri on ri.contact_checked_at >= p.t0 and ri.contact_checked_at < p.t1
    left join staff_user checker on checker.id = ri.contact_checked_by
), complaints as (
  select k.id as complaint_id, k.number, k.level, k.channel, k.summary, k.status,
         k.department, k.received_at, coalesce(k.agreed_due_at, k.due_at) as due_at,
         k.escalation_level, cu.name as customer, resp.display_name as responsible,
         ro.number as order_number,
         (k.received_at >= p.t0 and k.received_at < p.t1) as is_new,
         (k.status in ('received', 'routed', 'agreed')
          and coalesce(k.agreed_due_at, k.due_at) < p.t1) as is_overdue
    from p
    join complaint k on k.dealer_id = p.dealer_id and k.received_at < p.t1
    join customer cu on cu.dealer_id = k.dealer_id and cu.id = k.customer_id
    left join repair_order ro on ro.dealer_id = k.dealer_id and ro.id = k.repair_order_id
    left join staff_user resp on resp.id = k.responsible_user_id
   where k.status <> 'withdrawn'
), low as (
  select ri.id as revisit_id, ri.order_number, ri.customer, ri.phone, ri.advisor,
         s.question, s.score, a.called_at
    from p
    join revisit_attempt a on a.dealer_id = p.dealer_id
     and a.called_at >= p.t0 and a.called_at < p.t1
    join revisit_survey_answer s on s.dealer_id = a.dealer_id and s.attempt_id = a.id
     and s.score <= 2
    join revisit_info ri on ri.id = a.revisit_id
)
select jsonb_build_object(
  'day', (select day from p),
  'calls_with_problems', coalesce((select jsonb_agg(to_jsonb(x) order by x.called_at)
                                     from problem_calls x), '[]'::jsonb),
  'failed_revisits', coalesce((select jsonb_agg(to_jsonb(x) order by x.last_called_at)
                                 from failed x), '[]'::jsonb),
  'contact_checks', coalesce((select jsonb_agg(to_jsonb(x) order by x.contact_checked_at)
                                from checks x), '[]'::jsonb),
  'new_complaints', coalesce((select jsonb_agg(to_jsonb(x) - 'is_new' - 'is_overdue'
                                               order by x.received_at)
                                from complaints x where x.is_new), '[]'::jsonb),
  'overdue_complaints', coalesce((select jsonb_agg(to_jsonb(x) - 'is_new' - 'is_overdue'
                                                   order by x.due_at)
                                    from complaints x where x.is_overdue), '[]'::jsonb),
  'low_scores', coalesce((select jsonb_agg(to_jsonb(x) order by x.called_at, x.question)
                            from low x), '[]'::jsonb)
)
"""


async def daily_body(connection: asyncpg.Connection, dealer_id: int, day: date) -> dict[str, Any]:
    """The body of the dealer's problem report for its local ``day``."""
    raw = await connection.fetchval(DAILY_BODY_SQL, dealer_id, day)
    body: dict[str, Any] = json.loads(raw) if isinstance(raw, str) else raw
    body["counts"] = {
        key: len(body[key])
        for key in (
            "calls_with_problems",
            "failed_revisits",
            "contact_checks",
            "new_complaints",
            "overdue_complaints",
            "low_scores",
        )
    }
    return body
