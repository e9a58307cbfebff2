"""Customer care for the demo network (``dealernet seed``): follow-up calls on the demo
dealers' delivered repair orders of the last 13 months (the parts demo's history and the
service demo's orders), so the measures, the trend and the reports have data.

Per order, by a hash of its id: most revisits succeed on the first call, some after
three calls at different times of day, a few go back to the advisor (``contact_check``,
recent ones) or failed (older ones, with the advisor's contact check), about 2% end in a
complaint ticket (levels grievance to severe; older ones closed after the customer
confirmed, recent ones routed). Every call lies inside the default call windows
(9:00-11:30, 14:00-19:00 local). Orders still inside their revisit window stay open:
today's queue of cs.sh01 (SH02 runs one-to-one service, its advisors call).

Idempotent and fast: set work in SQL, and only orders without a revisit are touched, so a
second run writes nothing. Runs after the network, service and parts demos."""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from tenants.network.demo import DEMO_DEALERS, Counts

ONE_TO_ONE_DEALER = "SH02"

CANDIDATES_SQL = """
create temp table demo_care on commit drop as
select ro.id as order_id, ro.dealer_id, d.code, ro.customer_id, ro.vehicle_id,
       ro.advisor_user_id, ro.delivered_at, d.time_zone as tz,
       (ro.delivered_at at time zone d.time_zone)::date as day,
       ($2::timestamptz at time zone d.time_zone)::date as today,
       coalesce(s.one_to_one, false) as one_to_one,
       coalesce(s.revisit_after_days, 1) as after_days,
       coalesce(s.revisit_within_days, 3) as within_days,
       ((hashint8(ro.id) & 1023) % 100)::int as h,
       ((hashint8(ro.id) >> 12) & 3)::int as h2,
       (select m.user_id from membership m
         where m.dealer_id = ro.dealer_id and m.active
           and 'customer_service_specialist' = any(m.roles)
         order by m.user_id limit 1) as cs
  from repair_order ro
  join dealer d on d.id = ro.dealer_id
  left join care_settings s on s.dealer_id = ro.dealer_id
 where d.code = any($1::text[]) and ro.status = 'delivered'
   and ro.delivered_at >= $2::timestamptz - interval '13 months'
   and ro.delivered_at <= $2::timestamptz
   and not exists (select 1 from revisit r
                    where r.dealer_id = ro.dealer_id and r.repair_order_id = ro.id)
"""

PLAN_SQL = [
    """
    alter table demo_care add column due_from date, add column due_by date,
      add column kind text, add column assignee bigint, add column status text,
      add column outcome text, add column failure_reason text, add column level text
    """,
    """
    update demo_care set
      due_from = day + after_days, due_by = day + within_days,
      assignee = case when one_to_one then advisor_user_id else cs end,
      kind = case
        when day + within_days >= today then 'open'
        when h < 80 then 'satisfied'
        when h < 86 then 'question'
        when h < 88 then 'complaint'
        when h < 92 then 'three_calls'
        when h < 96 then 'no_answer'
        when h < 98 then 'wrong_number'
        else 'refused' end
    """,
    """
    update demo_care set
      status = case
        when kind = 'open' then 'open'
        when kind in ('satisfied', 'question', 'complaint', 'three_calls') then 'succeeded'
        when day >= today - 20 and kind <> 'refused' then 'contact_check'
        else 'failed' end,
      outcome = case kind when 'three_calls' then 'satisfied'
                          when 'satisfied' then 'satisfied' when 'question' then 'question'
                          when 'complaint' then 'complaint' end,
      failure_reason = case when kind in ('no_answer', 'wrong_number', 'refused') then kind end,
      level = case when kind <> 'complaint' then null
                   when h = 86 then (array['grievance', 'general'])[1 + h2 % 2]
                   else (array['serious', 'severe', 'general', 'grievance'])[1 + h2] end
    """,
    # The calls: (order, number, day offset, local time) per pattern, jittered by up to
    # 39 minutes, inside 9:00-11:30 and 14:00-19:00.
    """
    create temp table demo_call on commit drop as
    select c.order_id, c.dealer_id, p.no, p.result,
           case when p.result = 'answered' then c.outcome end as outcome,
           ((c.due_from + p.day_offset) + p.at + make_interval(mins => c.h % 40))::timestamp
             at time zone c.tz as called_at,
           c.assignee as caller
      from demo_care c
      join (values
        ('satisfied', 1, 0, time '09:40', 'answered'),
        ('question', 1, 0, time '09:40', 'answered'),
        ('complaint', 1, 0, time '14:20', 'answered'),
        ('three_calls', 1, 0, time '09:40', 'no_answer'),
        ('three_calls', 2, 0, time '15:20', 'busy'),
        ('three_calls', 3, 1, time '10:10', 'answered'),
        ('no_answer', 1, 0, time '09:40', 'no_answer'),
        ('no_answer', 2, 0, time '15:20', 'no_answer'),
        ('no_answer', 3, 1, time '10:10', 'no_answer'),
        ('wrong_number', 1, 0, time '09:40', 'wrong_number'),
        ('refused', 1, 0, time '14:20', 'refused')
      ) as p(kind, no, day_offset, at, result) on p.kind = c.kind
    """,
]

REVISITS_SQL = """
insert into revisit (dealer_id, repair_order_id, customer_id, vehicle_id, advisor_user_id,
  assignee_user_id, duty, delivered_at, due_from, due_by, status, next_call_at, attempts,
  unreached, outcome, failure_reason, contact_checked_by, contact_checked_at, contact_note,
  completed_by, completed_at, created_at)
select c.dealer_id, c.order_id, c.customer_id, c.vehicle_id, c.advisor_user_id, c.assignee,
       case when c.one_to_one then 'customer_group' else 'revisit_calls' end,
       c.delivered_at, c.due_from, c.due_by, c.status,
       case when c.status = 'open' then (c.due_from + time '09:00')::timestamp at time zone c.tz
       end,
       coalesce(n.calls, 0), coalesce(n.unreached, 0), c.outcome, c.failure_reason,
       case when c.status = 'failed' then c.advisor_user_id end,
       case when c.status = 'failed' then n.last_call + interval '1 day' end,
       case when c.status = 'failed' then '核实号码无误 / number confirmed with the customer'
            else '' end,
       case when c.status in ('succeeded', 'failed') then c.assignee end,
       case when c.status in ('succeeded', 'failed') then n.last_call end,
       c.delivered_at + interval '2 hours'
  from demo_care c
  left join lateral (
    select count(*) as calls, count(*) filter (where k.result <> 'answered') as unreached,
           max(k.called_at) as last_call
      from demo_call k where k.order_id = c.order_id
  ) n on true
 where c.assignee is not null
on conflict (dealer_id, repair_order_id) do nothing
"""

COMPLAINTS_SQL = """
with source as (
  select c.*, r.id as revisit_id, k.called_at,
         c.day < c.today - 14 as settled
    from demo_care c
    join revisit r on r.dealer_id = c.dealer_id and r.repair_order_id = c.order_id
    join demo_call k on k.order_id = c.order_id and k.result = 'answered'
   where c.kind = 'complaint'
), created as (
  insert into complaint (dealer_id, number, customer_id, vehicle_id, repair_order_id,
    revisit_id, channel, level, summary, detail, status, department, responsible_user_id,
    routed_by, routed_at, due_at, resolution, agreed_at, agreed_due_at, resolved_by,
    resolved_at, confirmed_at, closed_by, customer_feedback, received_by, received_at)
  select s.dealer_id, 'TS-' || to_char(s.day, 'YYYYMMDD') || '-' || s.order_id,
         s.customer_id, s.vehicle_id, s.order_id, s.revisit_id, 'revisit', s.level,
         (array['维修后异响 / noise after the repair', '等待时间过长 / waited too long',
                '费用解释不清 / charges not explained', '车辆未清洗 / car returned dirty'])
           [1 + s.h2],
         '回访时客户反映 / raised by the customer on the follow-up call',
         case when s.settled then 'closed' else 'routed' end,
         (array['workshop', 'front_desk', 'service', 'workshop'])[1 + s.h2],
         s.advisor_user_id, s.cs, s.called_at + interval '1 hour',
         s.called_at + interval '48 hours',
         case when s.settled then '返厂免费检修 / free re-check at the workshop' else '' end,
         case when s.settled then s.called_at + interval '5 hours' end,
         case when s.settled then s.called_at + interval '3 days' end,
         case when s.settled then s.advisor_user_id end,
         case when s.settled then s.called_at + interval '2 days' end,
         case when s.settled then s.called_at + interval '2 days 4 hours' end,
         case when s.settled then s.cs end,
         case when s.settled then '客户满意 / the customer is satisfied' else '' end,
         s.cs, s.called_at
    from source s
  returning id, dealer_id, revisit_id, status, received_at, routed_at, due_at, agreed_at,
            agreed_due_at, resolved_at, confirmed_at, received_by, resolved_by
), linked as (
  update revisit r set complaint_id = c.id
    from created c where r.dealer_id = c.dealer_id and r.id = c.revisit_id
  returning r.id
), actions as (
  insert into complaint_action (dealer_id, complaint_id, kind, status_from, status_to, note,
    due_at, actor_user_id, at)
  select c.dealer_id, c.id, a.kind, a.status_from, a.status_to, a.note, a.due_at, a.actor,
         a.at
    from created c
    cross join lateral (values
      ('received', null, 'received', '', null::timestamptz, c.received_by, c.received_at),
      ('routed', 'received', 'routed', '', c.due_at, c.received_by, c.routed_at),
      ('agreed', 'routed', 'agreed', '', c.agreed_due_at, c.resolved_by, c.agreed_at),
      ('resolved', 'agreed', 'resolved', '', null, c.resolved_by, c.resolved_at),
      ('closed', 'resolved', 'closed', '客户确认 / confirmed by the customer', null,
       c.received_by, c.confirmed_at)
    ) as a(kind, status_from, status_to, note, due_at, actor, at)
   where a.at is not null
  returning id
)
select (select count(*) from created) + (select count(*) from actions)
"""

CALLS_SQL = """
insert into revisit_attempt (dealer_id, revisit_id, round, attempt_no, called_at,
  caller_user_id, phone, result, outcome, question, note, complaint_id)
select k.dealer_id, r.id, 1, k.no, k.called_at, k.caller, cu.phone, k.result, k.outcome,
       case when k.outcome = 'question' then '下次保养时间和里程 / when is the next service'
            else '' end,
       case when k.result = 'answered' then '' else '未接通 / not reached' end,
       case when k.outcome = 'complaint' then r.complaint_id end
  from demo_call k
  join revisit r on r.dealer_id = k.dealer_id and r.repair_order_id = k.order_id
  join customer cu on cu.dealer_id = r.dealer_id and cu.id = r.customer_id
 where k.caller is not null
on conflict (dealer_id, revisit_id, attempt_no) do nothing
"""

SURVEY_SQL = """
insert into revisit_survey_answer (dealer_id, revisit_id, attempt_id, question, score)
select a.dealer_id, a.revisit_id, a.id, q.question,
       case a.outcome
         when 'complaint' then case when q.question in ('overall', 'repair_quality')
                                    then 1 + (hashint8(a.id + q.n) & 1)::int else 3 end
         when 'question' then 3 + ((hashint8(a.id + q.n) & 1023) % 3)::int
         else case when (hashint8(a.id + q.n) & 1023) % 10 = 0 then 3
                   else 4 + (hashint8(a.id + q.n) & 1)::int end
       end
  from demo_care c
  join revisit r on r.dealer_id = c.dealer_id and r.repair_order_id = c.order_id
  join revisit_attempt a on a.dealer_id = r.dealer_id and a.revisit_id = r.id
   and a.result = 'answered'
  cross join (values (1, 'overall'), (2, 'repair_quality'), (3, 'advisor'), (4, 'timeliness'),
                     (5, 'cleanliness'), (6, 'recommend')) as q(n, question)
on conflict (dealer_id, revisit_id, question) do nothing
"""


def _count(status: str) -> int:
    return int(status.split()[-1])


async def seed_care_demo(connection: asyncpg.Connection, now: datetime | None = None) -> Counts:
    """Write on ``connection`` (an owner connection) in the caller's transaction."""
    at = now or datetime.now(UTC)
    codes = [d.code for d in DEMO_DEALERS]
    written = Counts()
    dealers = await connection.fetch(
        "select id, code from dealer where code = any($1::text[]) order by code", codes
    )
    if not dealers:
        return written
    await connection.execute(
        "select set_config('app.dealer_ids', $1, true)",
        "{" + ",".join(str(r["id"]) for r in dealers) + "}",
    )
    written.added += _count(
        await connection.execute(
            "insert into care_settings (dealer_id, one_to_one)"
            " select id, true from dealer where code = $1 on conflict (dealer_id) do nothing",
            ONE_TO_ONE_DEALER,
        )
    )
    await connection.execute(CANDIDATES_SQL, codes, at)
    for statement in PLAN_SQL:
        await connection.execute(statement)
    written.added += _count(await connection.execute(REVISITS_SQL))
    written.added += int(await connection.fetchval(COMPLAINTS_SQL))
    written.added += _count(await connection.execute(CALLS_SQL))
    written.added += _count(await connection.execute(SURVEY_SQL))
    await connection.execute("drop table demo_call; drop table demo_care")
    return written


async def seed(url: str | None = None, now: datetime | None = None) -> Counts:
    """The care demo in its own owner transaction (``dealernet seed``)."""
    from tenants.network.demo import connect_owner

    connection = await connect_owner(url)
    try:
        async with connection.transaction():
            return await seed_care_demo(connection, now)
    finally:
        await connection.close()
