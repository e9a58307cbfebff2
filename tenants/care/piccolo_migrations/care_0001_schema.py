"""Customer care (客服): follow-up calls (回访), complaints (投诉), reminders and
outbound appointment targets, and the reports the front desk owes by the 3rd.

- ``care_settings``: the dealer's rules, one row per dealer (absent = the digest's
  defaults): revisit 1-3 days after delivery, call windows 9:00-11:30 and 14:00-19:00
  local time, at least three attempts at different times, one-to-one service (the
  order's advisor calls) or a customer-service desk, deadlines and routing rules per
  complaint level, reminder horizons, when a customer counts as lost.
- ``revisit``: one per delivered order (unique, so a generator that runs twice or dies
  half-way never duplicates), in rounds: a failed round goes back to the advisor to
  check the contact data (``contact_check``) and is tried again.
- ``revisit_attempt``: every call, append-only; ``revisit_survey_answer``: the short
  survey of an answered call (scores 1-5, CSI from them).
- ``complaint`` with its append-only ``complaint_action`` log (every routing, action,
  agreement, escalation and confirmation).
- ``care_reminder``: effective targets (三包期/保险期/保养期快到, declined work, open recalls),
  one row per vehicle, kind and due date, so a call made is remembered.
- ``care_report``: the daily problem report and the monthly follow-up and complaint
  reports, generated from the data and submitted by a person.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-26T01:20:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "customer care: revisits, complaints, reminders, reports"

TENANT_TABLES = (
    "care_settings",
    "revisit",
    "revisit_attempt",
    "revisit_survey_answer",
    "complaint",
    "complaint_action",
    "care_reminder",
    "care_report",
)

SQL = """
-- A second number to try (手机、家庭、单位) and the insurance date reminders need.
alter table customer add column alt_phone text not null default ''
  check (alt_phone = '' or alt_phone ~ '^\\+?[0-9 -]{5,20}$');
alter table vehicle add column insurance_expires_on date;

create table care_settings (
  dealer_id bigint primary key references dealer(id),
  revisit_after_days integer not null default 1 check (revisit_after_days between 0 and 7),
  revisit_within_days integer not null default 3 check (revisit_within_days between 1 and 14),
  -- [{"from": "09:00", "to": "11:30"}, ...] in the dealer's local time, in order.
  call_windows jsonb not null default
    '[{"from": "09:00", "to": "11:30"}, {"from": "14:00", "to": "19:00"}]'::jsonb
    check (jsonb_typeof(call_windows) = 'array' and jsonb_array_length(call_windows) > 0),
  one_to_one boolean not null default false,
  min_attempts integer not null default 3 check (min_attempts between 3 and 10),
  retry_gap_minutes integer not null default 120 check (retry_gap_minutes between 15 and 1440),
  -- {"grievance": 24, "general": 72, "serious": 48, "severe": 24}: hours to resolve.
  complaint_hours jsonb not null default
    '{"grievance": 24, "general": 72, "serious": 48, "severe": 24}'::jsonb,
  -- {"grievance": "customer_care", ...}: the dealer's rule routes these levels at once
  -- (no GM step); levels not named wait for the general manager.
  complaint_auto_route jsonb not null default '{}'::jsonb,
  maintenance_months integer not null default 6 check (maintenance_months between 1 and 24),
  maintenance_km integer not null default 5000 check (maintenance_km between 1000 and 50000),
  reminder_horizon_days integer not null default 30 check (reminder_horizon_days between 1 and 120),
  lost_after_months integer not null default 18 check (lost_after_months between 3 and 60),
  updated_by bigint references staff_user(id),
  updated_at timestamptz not null default now(),
  check (revisit_within_days >= revisit_after_days)
);

create table complaint (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  customer_id bigint not null,
  vehicle_id bigint,
  repair_order_id bigint,
  revisit_id bigint,
  channel text not null check (channel in ('phone', 'revisit', 'on_site', 'letter', 'email',
    'website', 'media', 'wechat', 'government')),
  level text not null check (level in ('grievance', 'general', 'serious', 'severe')),
  summary text not null check (length(trim(summary)) > 0),
  detail text not null default '',
  status text not null default 'received' check (status in
    ('received', 'routed', 'agreed', 'resolved', 'closed', 'withdrawn')),
  department text check (department in ('service', 'workshop', 'parts', 'warranty',
    'front_desk', 'customer_care', 'sales', 'finance', 'management')),
  responsible_user_id bigint references staff_user(id),
  routed_by bigint references staff_user(id),
  routed_at timestamptz,
  due_at timestamptz,
  resolution text not null default '',
  agreed_at timestamptz,
  agreed_due_at timestamptz,
  resolved_by bigint references staff_user(id),
  resolved_at timestamptz,
  confirmed_at timestamptz,
  closed_by bigint references staff_user(id),
  customer_feedback text not null default '',
  escalation_level integer not null default 0 check (escalation_level between 0 and 3),
  escalated_at timestamptz,
  received_by bigint references staff_user(id),
  received_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, number),
  foreign key (dealer_id, customer_id) references customer(dealer_id, id),
  foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id),
  check (status = 'received' or status = 'withdrawn' or department is not null)
);
create index complaint_status_idx on complaint (dealer_id, status, due_at);
create index complaint_received_idx on complaint (dealer_id, received_at, id);
create index complaint_customer_idx on complaint (dealer_id, customer_id);
create index complaint_severe_idx on complaint (dealer_id, received_at) where level = 'severe';

create table complaint_action (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  complaint_id bigint not null,
  kind text not null check (kind in ('received', 'routed', 'rerouted', 'note', 'contact',
    'agreed', 'customer_declined', 'resolved', 'reopened', 'closed', 'withdrawn',
    'escalated', 'deadline_changed')),
  status_from text,
  status_to text,
  note text not null default '',
  due_at timestamptz,
  escalation_level integer,
  actor_user_id bigint references staff_user(id),
  at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, complaint_id) references complaint(dealer_id, id)
);
create index complaint_action_complaint_idx on complaint_action (dealer_id, complaint_id, id);

create table revisit (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  customer_id bigint not null,
  vehicle_id bigint not null,
  advisor_user_id bigint references staff_user(id),
  assignee_user_id bigint references staff_user(id),
  duty text not null check (duty in ('revisit_calls', 'customer_group')),
  delivered_at timestamptz not null,
  due_from date not null,
  due_by date not null,
  round integer not null default 1 check (round >= 1),
  status text not null default 'open' check (status in
    ('open', 'contact_check', 'succeeded', 'failed', 'cancelled')),
  next_call_at timestamptz,
  callback_requested boolean not null default false,
  attempts integer not null default 0 check (attempts >= 0),
  unreached integer not null default 0 check (unreached >= 0),
  outcome text check (outcome in ('satisfied', 'question', 'complaint')),
  failure_reason text check (failure_reason in ('wrong_number', 'mismatch', 'refused',
    'no_answer')),
  contact_checked_by bigint references staff_user(id),
  contact_checked_at timestamptz,
  contact_note text not null default '',
  complaint_id bigint,
  completed_by bigint references staff_user(id),
  completed_at timestamptz,
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, repair_order_id),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id),
  foreign key (dealer_id, customer_id) references customer(dealer_id, id),
  foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id),
  foreign key (dealer_id, complaint_id) references complaint(dealer_id, id),
  check (due_by >= due_from),
  check ((status = 'succeeded') = (outcome is not null)),
  check (status not in ('contact_check', 'failed') or failure_reason is not null)
);
create index revisit_queue_idx on revisit (dealer_id, status, due_from, next_call_at);
create index revisit_assignee_idx on revisit (dealer_id, assignee_user_id)
  where status in ('open', 'contact_check');
create index revisit_delivered_idx on revisit (dealer_id, delivered_at);

alter table complaint add foreign key (dealer_id, revisit_id) references revisit(dealer_id, id);

create table revisit_attempt (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  revisit_id bigint not null,
  round integer not null,
  attempt_no integer not null check (attempt_no >= 1),
  called_at timestamptz not null,
  caller_user_id bigint not null references staff_user(id),
  phone text not null default '',
  result text not null check (result in ('answered', 'busy', 'no_answer', 'unreachable',
    'switched_off', 'rejected_call', 'not_present', 'call_back_later', 'driving',
    'wrong_number', 'mismatch', 'refused')),
  outcome text check (outcome in ('satisfied', 'question', 'complaint')),
  question text not null default '',
  note text not null default '',
  callback_at timestamptz,
  complaint_id bigint,
  unique (dealer_id, id),
  unique (dealer_id, revisit_id, attempt_no),
  foreign key (dealer_id, revisit_id) references revisit(dealer_id, id),
  foreign key (dealer_id, complaint_id) references complaint(dealer_id, id),
  check ((result = 'answered') = (outcome is not null))
);
create index revisit_attempt_called_idx on revisit_attempt (dealer_id, called_at);

create table revisit_survey_answer (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  revisit_id bigint not null,
  attempt_id bigint not null,
  question text not null check (question in ('overall', 'repair_quality', 'advisor',
    'timeliness', 'cleanliness', 'recommend')),
  score smallint not null check (score between 1 and 5),
  unique (dealer_id, id),
  unique (dealer_id, revisit_id, question),
  foreign key (dealer_id, revisit_id) references revisit(dealer_id, id),
  foreign key (dealer_id, attempt_id) references revisit_attempt(dealer_id, id)
);

create table care_reminder (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  kind text not null check (kind in ('maintenance', 'insurance', 'warranty_expiry',
    'declined_work', 'recall')),
  customer_id bigint not null,
  vehicle_id bigint not null,
  due_on date not null,
  -- what the target is about: the declined order line, the campaign, '' otherwise
  source_key text not null default '',
  basis jsonb not null default '{}'::jsonb,
  status text not null default 'open' check (status in
    ('open', 'contacted', 'booked', 'declined', 'dismissed', 'expired')),
  appointment_id bigint,
  contacted_by bigint references staff_user(id),
  contacted_at timestamptz,
  note text not null default '',
  generated_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, vehicle_id, kind, due_on, source_key),
  foreign key (dealer_id, customer_id) references customer(dealer_id, id),
  foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id),
  foreign key (dealer_id, appointment_id) references appointment(dealer_id, id)
);
create index care_reminder_list_idx on care_reminder (dealer_id, status, kind, due_on);

create table care_report (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  kind text not null check (kind in ('daily_problems', 'monthly_revisits',
    'monthly_complaints')),
  period_start date not null,
  period_end date not null,
  due_on date not null,
  body jsonb not null,
  status text not null default 'generated' check (status in ('generated', 'submitted')),
  generated_at timestamptz not null default now(),
  submitted_by bigint references staff_user(id),
  submitted_at timestamptz,
  note text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, kind, period_start),
  check (period_end >= period_start)
);
create index care_report_list_idx on care_report (dealer_id, kind, period_start desc);

-- Calls and the complaint log are what the manufacturer audits: never rewritten.
create trigger revisit_attempt_append_only before update or delete on revisit_attempt
  for each row execute function dealernet_ledger_append_only();
create trigger complaint_action_append_only before update or delete on complaint_action
  for each row execute function dealernet_ledger_append_only();

-- Delivered orders not yet given a revisit: the generator's work list, small.
create index repair_order_delivered_idx on repair_order (dealer_id, delivered_at)
  where status = 'delivered';

grant select, insert, update, delete on care_settings, revisit, revisit_survey_answer, complaint,
  care_reminder, care_report to dealernet_app;
grant select, insert on revisit_attempt, complaint_action to dealernet_app;
grant usage, select on all sequences in schema public to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="care", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + "\n".join(protect_tenant_table(t) for t in TENANT_TABLES))

    manager.add_raw(run)
    return manager
