"""Customer-care measures of dealers over periods, computed in PostgreSQL (domain sections
3 "Follow-up (回访)", "Complaints (投诉)" and 6).

A period is ``[start, end]`` in each dealer's own calendar: the instants from local
midnight of ``start`` to local midnight after ``end`` in the dealer's time zone (DST
correct, ``at time zone``). One statement answers every (dealer, period) pair, so the
12-month trend and issue 7's regional dashboard cost one query like a single figure set.

Definitions (a ratio with a zero denominator is ``None``, never 0):

- **revisit coverage (回访率, target 100%)**: repair orders delivered in the period whose
  revisit has at least one recorded call / repair orders delivered in the period.
  **Due but never called**: orders delivered in the period, no call recorded, whose last
  day to call (the revisit's ``due_by``; delivery day + the dealer's revisit window when
  no revisit exists) is before the dealer's local today.
- **success rate (回访成功率, target >= 80%)**: revisits due in the period (``due_by`` in
  the period, cancelled ones left out) that succeeded / revisits due in the period. A
  revisit still open or back with the advisor counts against the rate: the digest wants
  80% of the customers to be reached, not 80% of the finished calls.
- **attempts per success**: calls of the succeeded revisits due in the period (every
  round) / those revisits.
- **CSI (客户满意度)**: the mean of (score - 1) / 4 x 100 over the survey answers of calls
  made in the period, overall and per question (0 = all 1s, 100 = all 5s).
- **major complaint rate (重大投诉率, target <= 1%)**: complaints received in the period at
  level serious or severe / repair orders delivered in the period. Withdrawn tickets are
  left out of every complaint count.
- **time to close**: hours from a complaint's receipt to its closing (the ``closed``
  action of its log; the customer's confirmation when no such action exists), median and
  90th percentile over complaints closed in the period.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import asyncpg

COVERAGE_TARGET = Decimal("1")
SUCCESS_TARGET = Decimal("0.8")
MAJOR_COMPLAINT_TARGET = Decimal("0.01")
LEVELS = ("grievance", "general", "serious", "severe")
MAJOR_LEVELS = ("serious", "severe")
SURVEY_QUESTIONS = (
    "overall",
    "repair_quality",
    "advisor",
    "timeliness",
    "cleanliness",
    "recommend",
)

MEASURES_SQL = """
with p as (
  select d.id as dealer_id, x.period_start, x.period_end,
         (x.period_start::timestamp at time zone d.time_zone) as t0,
         ((x.period_end + 1)::timestamp at time zone d.time_zone) as t1,
         ($4::timestamptz at time zone d.time_zone)::date as today,
         d.time_zone,
         coalesce(s.revisit_within_days, 3) as within_days
    from dealer d
    left join care_settings s on s.dealer_id = d.id
   cross join unnest($2::date[], $3::date[]) as x(period_start, period_end)
   where d.id = any($1::bigint[])
)
select p.dealer_id, p.period_start, p.period_end, o.*, v.*, calls.*, csi.*, c.*, t.*
  from p
 cross join lateral (
   select count(*) as delivered_orders,
          count(*) filter (where called.has_call) as called_orders,
          count(*) filter (where not called.has_call and coalesce(rv.due_by,
            (ro.delivered_at at time zone p.time_zone)::date + p.within_days) < p.today)
            as due_never_called
     from repair_order ro
     left join revisit rv on rv.dealer_id = ro.dealer_id and rv.repair_order_id = ro.id
     cross join lateral (
       select exists (select 1 from revisit_attempt a
                       where a.dealer_id = rv.dealer_id and a.revisit_id = rv.id) as has_call
     ) called
    where ro.dealer_id = p.dealer_id and ro.status = 'delivered'
      and ro.delivered_at >= p.t0 and ro.delivered_at < p.t1
 ) o
 cross join lateral (
   select count(*) as revisits_due,
          count(*) filter (where rv.status = 'succeeded') as succeeded,
          count(*) filter (where rv.status = 'failed') as failed,
          count(*) filter (where rv.status = 'contact_check') as contact_check,
          count(*) filter (where rv.status = 'open') as still_open,
          coalesce(sum(n.calls) filter (where rv.status = 'succeeded'), 0)::bigint
            as attempts_of_succeeded
     from revisit rv
     cross join lateral (
       select count(*) as calls from revisit_attempt a
        where a.dealer_id = rv.dealer_id and a.revisit_id = rv.id
     ) n
    where rv.dealer_id = p.dealer_id and rv.status <> 'cancelled'
      and rv.due_by between p.period_start and p.period_end
 ) v
 cross join lateral (
   select count(*) as calls, count(*) filter (where a.result = 'answered') as answered_calls
     from revisit_attempt a
    where a.dealer_id = p.dealer_id and a.called_at >= p.t0 and a.called_at < p.t1
 ) calls
 cross join lateral (
   select count(*) as survey_answers,
          avg((q.score - 1) * 25.0) as csi,
          coalesce((
            select jsonb_agg(jsonb_build_object('question', question, 'answers', answers,
                                                'csi', csi) order by question)
              from (select s.question, count(*) as answers, avg((s.score - 1) * 25.0) as csi
                      from revisit_survey_answer s
                      join revisit_attempt a on a.dealer_id = s.dealer_id and a.id = s.attempt_id
                     where s.dealer_id = p.dealer_id
                       and a.called_at >= p.t0 and a.called_at < p.t1
                     group by s.question) per_question
          ), '[]'::jsonb) as csi_by_question
     from revisit_survey_answer q
     join revisit_attempt a on a.dealer_id = q.dealer_id and a.id = q.attempt_id
    where q.dealer_id = p.dealer_id and a.called_at >= p.t0 and a.called_at < p.t1
 ) csi
 cross join lateral (
   select count(*) as complaints,
          count(*) filter (where k.level in ('serious', 'severe')) as major_complaints,
          coalesce((select jsonb_object_agg(level, n) from (
              select level, count(*) as n from complaint k2
               where k2.dealer_id = p.dealer_id and k2.status <> 'withdrawn'
                 and k2.received_at >= p.t0 and k2.received_at < p.t1
               group by level) l), '{}'::jsonb) as by_level,
          coalesce((select jsonb_object_agg(channel, n) from (
              select channel, count(*) as n from complaint k2
               where k2.dealer_id = p.dealer_id and k2.status <> 'withdrawn'
                 and k2.received_at >= p.t0 and k2.received_at < p.t1
               group by channel) ch), '{}'::jsonb) as by_channel
     from complaint k
    where k.dealer_id = p.dealer_id and k.status <> 'withdrawn'
      and k.received_at >= p.t0 and k.received_at < p.t1
 ) c
 cross join lateral (
   select count(*) as closed_complaints,
          percentile_cont(0.5) within group (order by hours) as close_hours_median,
          percentile_cont(0.9) within group (order by hours) as close_hours_p90
     from (select extract(epoch from (cl.at - k.received_at)) / 3600.0 as hours
             from complaint k
            cross join lateral (
              select coalesce(max(ca.at) filter (where ca.kind = 'closed'), k.confirmed_at)
                       as at
                from complaint_action ca
               where ca.dealer_id = k.dealer_id and ca.complaint_id = k.id
            ) cl
            where k.dealer_id = p.dealer_id and k.status = 'closed'
              and cl.at >= p.t0 and cl.at < p.t1) closed
 ) t
 order by p.dealer_id, p.period_start
"""


def ratio(numerator: int | Decimal, denominator: int | Decimal, places: int = 4) -> Decimal | None:
    """``numerator / denominator`` rounded half up, ``None`` when nothing was measured."""
    if not denominator:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(numerator) / Decimal(denominator)).quantize(quantum, ROUND_HALF_UP)


def _decimal(value: Any, places: int = 1) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class QuestionCsi:
    question: str
    answers: int
    csi: Decimal | None


@dataclass(frozen=True)
class CareMeasures:
    dealer_id: int
    start: date
    end: date
    delivered_orders: int
    called_orders: int
    due_never_called: int
    revisits_due: int
    succeeded: int
    failed: int
    contact_check: int
    still_open: int
    attempts_of_succeeded: int
    calls: int
    answered_calls: int
    survey_answers: int
    csi: Decimal | None
    csi_by_question: tuple[QuestionCsi, ...]
    complaints: int
    major_complaints: int
    complaints_by_level: dict[str, int]
    complaints_by_channel: dict[str, int]
    closed_complaints: int
    close_hours_median: Decimal | None
    close_hours_p90: Decimal | None
    coverage: Decimal | None = field(init=False)
    success_rate: Decimal | None = field(init=False)
    attempts_per_success: Decimal | None = field(init=False)
    major_complaint_rate: Decimal | None = field(init=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "coverage", ratio(self.called_orders, self.delivered_orders))
        set_(self, "success_rate", ratio(self.succeeded, self.revisits_due))
        set_(
            self,
            "attempts_per_success",
            ratio(self.attempts_of_succeeded, self.succeeded, places=2),
        )
        set_(self, "major_complaint_rate", ratio(self.major_complaints, self.delivered_orders))

    @property
    def coverage_met(self) -> bool | None:
        return None if self.coverage is None else self.coverage >= COVERAGE_TARGET

    @property
    def success_met(self) -> bool | None:
        return None if self.success_rate is None else self.success_rate >= SUCCESS_TARGET

    @property
    def major_complaint_met(self) -> bool | None:
        rate = self.major_complaint_rate
        return None if rate is None else rate <= MAJOR_COMPLAINT_TARGET

    def as_json(self) -> dict[str, Any]:
        """The figures as plain JSON (the monthly report's body keeps them)."""

        def num(value: Decimal | None) -> str | None:
            return None if value is None else str(value)

        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "delivered_orders": self.delivered_orders,
            "called_orders": self.called_orders,
            "due_never_called": self.due_never_called,
            "coverage": num(self.coverage),
            "coverage_met": self.coverage_met,
            "revisits_due": self.revisits_due,
            "succeeded": self.succeeded,
            "failed": self.failed,
            "contact_check": self.contact_check,
            "still_open": self.still_open,
            "success_rate": num(self.success_rate),
            "success_met": self.success_met,
            "attempts_per_success": num(self.attempts_per_success),
            "calls": self.calls,
            "answered_calls": self.answered_calls,
            "survey_answers": self.survey_answers,
            "csi": num(self.csi),
            "csi_by_question": [
                {"question": q.question, "answers": q.answers, "csi": num(q.csi)}
                for q in self.csi_by_question
            ],
            "complaints": self.complaints,
            "major_complaints": self.major_complaints,
            "major_complaint_rate": num(self.major_complaint_rate),
            "major_complaint_met": self.major_complaint_met,
            "complaints_by_level": self.complaints_by_level,
            "complaints_by_channel": self.complaints_by_channel,
            "closed_complaints": self.closed_complaints,
            "close_hours_median": num(self.close_hours_median),
            "close_hours_p90": num(self.close_hours_p90),
        }


def _from_row(row: asyncpg.Record) -> CareMeasures:
    return CareMeasures(
        dealer_id=row["dealer_id"],
        start=row["period_start"],
        end=row["period_end"],
        delivered_orders=row["delivered_orders"],
        called_orders=row["called_orders"],
        due_never_called=row["due_never_called"],
        revisits_due=row["revisits_due"],
        succeeded=row["succeeded"],
        failed=row["failed"],
        contact_check=row["contact_check"],
        still_open=row["still_open"],
        attempts_of_succeeded=row["attempts_of_succeeded"],
        calls=row["calls"],
        answered_calls=row["answered_calls"],
        survey_answers=row["survey_answers"],
        csi=_decimal(row["csi"]),
        csi_by_question=tuple(
            QuestionCsi(q["question"], int(q["answers"]), _decimal(q["csi"]))
            for q in _json(row["csi_by_question"])
        ),
        complaints=row["complaints"],
        major_complaints=row["major_complaints"],
        complaints_by_level={level: int(_json(row["by_level"]).get(level, 0)) for level in LEVELS},
        complaints_by_channel={k: int(v) for k, v in _json(row["by_channel"]).items()},
        closed_complaints=row["closed_complaints"],
        close_hours_median=_decimal(row["close_hours_median"]),
        close_hours_p90=_decimal(row["close_hours_p90"]),
    )


async def measures(
    connection: asyncpg.Connection,
    dealer_ids: Sequence[int],
    periods: Sequence[tuple[date, date]],
    now: datetime,
) -> list[CareMeasures]:
    """Every dealer's figures for every period, ordered by dealer then period; ``now``
    (UTC-aware) fixes each dealer's local today for "due but never called"."""
    for start, end in periods:
        if end < start:
            raise ValueError(f"period {start}..{end} ends before it starts")
    rows = await connection.fetch(
        MEASURES_SQL,
        list(dealer_ids),
        [p[0] for p in periods],
        [p[1] for p in periods],
        now,
    )
    return [_from_row(r) for r in rows]


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_end(first: date) -> date:
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def previous_month(first: date) -> date:
    return month_start(first - timedelta(days=1))


def trailing_months(today: date, months: int) -> list[tuple[date, date]]:
    """The ``months`` calendar months ending with today's month, oldest first."""
    first = month_start(today)
    starts = [first]
    for _ in range(months - 1):
        starts.append(previous_month(starts[-1]))
    return [(s, month_end(s)) for s in reversed(starts)]
