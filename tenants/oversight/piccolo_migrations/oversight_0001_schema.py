"""Manufacturer oversight (主机厂售后督导): what a regional manager needs to oversee the
dealers of a region.

- ``kpi_target``: the manufacturer's target for each KPI (reference table).
- ``dealer_kpi_month``: every dealer's KPI figures per calendar month (the dealer's local
  months), with the numerator and denominator behind each, maintained by a worker from the
  service, parts, warranty and care data, so that a dashboard over hundreds of dealers reads
  facts instead of recomputing years of orders.
- ``audit_checklist_item`` (the manufacturer's standard: process, 5S/6S, records...),
  ``dealer_audit`` (a visit, scored), ``dealer_audit_score`` (one item's points) and
  ``dealer_audit_finding`` (an owner, a due date, followed up until verified).
- ``technical_bulletin`` (技术通报, with its operations) and ``bulletin_reading`` (the
  dealer's technical director distributes it internally: who read it when); campaigns gain
  their bulletin, description and publisher; a campaign vehicle remembers the order that
  completed it, so completion flows back to the manufacturer.
- ``dealer_monthly_report``: the dealer's monthly operating report (月报), generated from
  the data, reviewed and submitted by the information officer before the manufacturer's
  deadline (``manufacturer.monthly_report_due_day``).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-26T02:10:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "manufacturer oversight: KPI facts and targets, audits, bulletins, monthly reports"

TENANT_TABLES = (
    "dealer_kpi_month",
    "dealer_audit",
    "dealer_audit_score",
    "dealer_audit_finding",
    "bulletin_reading",
    "dealer_monthly_report",
)

SQL = """
alter table manufacturer add column monthly_report_due_day integer not null default 5
  check (monthly_report_due_day between 1 and 28);

create table kpi_target (
  manufacturer_id bigint not null references manufacturer(id),
  kpi text not null,
  target numeric(14, 4) not null,
  direction text not null check (direction in ('at_least', 'at_most')),
  updated_by bigint references staff_user(id),
  updated_at timestamptz not null default now(),
  primary key (manufacturer_id, kpi)
);

create table dealer_kpi_month (
  dealer_id bigint not null references dealer(id),
  month date not null check (extract(day from month) = 1),
  kpi text not null,
  value numeric(18, 4),
  numerator numeric(18, 4),
  denominator numeric(18, 4),
  refreshed_at timestamptz not null default now(),
  primary key (dealer_id, month, kpi)
);
create index dealer_kpi_month_kpi_idx on dealer_kpi_month (dealer_id, kpi, month);

create table audit_checklist_item (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  code text not null,
  section text not null check (section in ('process', 'workplace_5s', 'records',
    'facilities', 'people', 'customer_care', 'parts', 'warranty')),
  text text not null,
  text_zh text not null default '',
  weight integer not null default 1 check (weight between 1 and 20),
  active boolean not null default true,
  position integer not null default 0,
  unique (manufacturer_id, code)
);

create table dealer_audit (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  auditor_user_id bigint not null references staff_user(id),
  planned_on date not null,
  visited_at timestamptz,
  status text not null default 'planned' check (status in
    ('planned', 'in_progress', 'submitted', 'closed', 'cancelled')),
  score numeric(8, 2),
  max_score numeric(8, 2),
  summary text not null default '',
  created_at timestamptz not null default now(),
  submitted_at timestamptz,
  closed_at timestamptz,
  closed_by bigint references staff_user(id),
  unique (dealer_id, id),
  unique (dealer_id, number)
);
create index dealer_audit_status_idx on dealer_audit (dealer_id, status, planned_on);

create table dealer_audit_score (
  dealer_id bigint not null references dealer(id),
  audit_id bigint not null,
  item_id bigint not null references audit_checklist_item(id),
  points numeric(5, 2) not null check (points >= 0),
  note text not null default '',
  scored_by bigint references staff_user(id),
  scored_at timestamptz not null default now(),
  primary key (dealer_id, audit_id, item_id),
  foreign key (dealer_id, audit_id) references dealer_audit(dealer_id, id)
);

create table dealer_audit_finding (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  audit_id bigint not null,
  item_id bigint references audit_checklist_item(id),
  severity text not null check (severity in ('minor', 'major', 'critical')),
  description text not null check (length(trim(description)) > 0),
  owner_user_id bigint references staff_user(id),
  due_on date not null,
  status text not null default 'open' check (status in ('open', 'responded', 'verified')),
  response text not null default '',
  responded_by bigint references staff_user(id),
  responded_at timestamptz,
  verified_by bigint references staff_user(id),
  verified_at timestamptz,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, audit_id) references dealer_audit(dealer_id, id)
);
create index dealer_audit_finding_open_idx on dealer_audit_finding (dealer_id, status, due_on);
create index dealer_audit_finding_audit_idx on dealer_audit_finding (dealer_id, audit_id);

create table technical_bulletin (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  code text not null,
  title text not null check (length(trim(title)) > 0),
  title_zh text not null default '',
  body text not null default '',
  body_zh text not null default '',
  models text[] not null default '{}',
  operation_ids bigint[] not null default '{}',
  published_by bigint references staff_user(id),
  published_at timestamptz not null default now(),
  unique (manufacturer_id, code)
);

create table bulletin_reading (
  dealer_id bigint not null references dealer(id),
  bulletin_id bigint not null references technical_bulletin(id),
  user_id bigint not null references staff_user(id),
  distributed_by bigint references staff_user(id),
  distributed_at timestamptz not null default now(),
  read_at timestamptz,
  primary key (dealer_id, bulletin_id, user_id)
);

alter table campaign
  add column description text not null default '',
  add column description_zh text not null default '',
  add column bulletin_id bigint references technical_bulletin(id),
  add column published_by bigint references staff_user(id),
  add column published_at timestamptz;
alter table campaign_vehicle add column completed_repair_order_id bigint;
create index campaign_vehicle_open_idx on campaign_vehicle (campaign_id) where completed_at is null;

create table dealer_monthly_report (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  month date not null check (extract(day from month) = 1),
  due_on date not null,
  status text not null default 'draft' check (status in ('draft', 'reviewed', 'submitted')),
  body jsonb not null,
  note text not null default '',
  generated_at timestamptz not null default now(),
  reviewed_by bigint references staff_user(id),
  reviewed_at timestamptz,
  submitted_by bigint references staff_user(id),
  submitted_at timestamptz,
  unique (dealer_id, id),
  unique (dealer_id, month)
);
create index dealer_monthly_report_month_idx on dealer_monthly_report (dealer_id, month desc);

grant select, insert, update, delete on kpi_target, dealer_kpi_month, audit_checklist_item,
  dealer_audit, dealer_audit_score, dealer_audit_finding, technical_bulletin, bulletin_reading,
  dealer_monthly_report to dealernet_app;
grant usage, select on all sequences in schema public to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="oversight", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + "\n".join(protect_tenant_table(t) for t in TENANT_TABLES))

    manager.add_raw(run)
    return manager
