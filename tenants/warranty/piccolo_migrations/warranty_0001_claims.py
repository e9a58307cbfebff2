"""Warranty: the manufacturer's terms (coverage by months and mileage from the sale
date, part-group periods, exclusions, first service, recalls and campaigns), claims
built from repair-order lines with their status history and files, the transactional
outbox that delivers them to the manufacturer exactly once in effect, the
manufacturer's side (its received copies, decisions, callbacks), claimed old parts on
their own ledger with shipments, and payments reconciled against approved amounts."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T23:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "warranty terms, claims, outbox, old parts, settlement"

SQL = """
-- The manufacturer's warranty policy (质量担保/三包): reference data.
create table warranty_policy (
  manufacturer_id bigint primary key references manufacturer(id),
  base_months integer not null default 36 check (base_months > 0),
  base_km integer not null default 100000 check (base_km > 0),
  first_service_months integer not null default 6 check (first_service_months > 0),
  first_service_km integer not null default 7500 check (first_service_km > 0),
  claim_deadline_days integer not null default 30 check (claim_deadline_days > 0),
  old_part_retention_days integer not null default 90 check (old_part_retention_days >= 0),
  -- 三包预警: repeated repairs of one fault, cumulative days off the road.
  repeat_repair_threshold integer not null default 2 check (repeat_repair_threshold > 0),
  cumulative_repair_days_threshold integer not null default 30 check (cumulative_repair_days_threshold > 0),
  warning_window_months integer not null default 24 check (warning_window_months > 0),
  labour_rate numeric(12, 2) not null default 0 check (labour_rate >= 0),
  parts_markup numeric(5, 4) not null default 0 check (parts_markup >= 0),
  connector text not null default 'inbox' check (connector in ('inbox', 'http')),
  endpoint_url text not null default '',
  signing_secret text not null default '',
  check (connector = 'inbox' or (endpoint_url <> '' and signing_secret <> ''))
);

-- Part groups with their own periods (e.g. battery 24 months, wear parts 6 months).
create table warranty_part_group_term (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  part_group text not null check (length(part_group) > 0),
  months integer not null check (months >= 0),
  km integer not null check (km >= 0),
  must_return boolean not null default true,
  unique (manufacturer_id, part_group)
);

-- Recalls and service campaigns with their affected VINs and operation.
create table campaign (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  code text not null,
  kind text not null check (kind in ('recall', 'service_campaign')),
  title text not null,
  title_zh text not null default '',
  operation_id bigint references labour_operation(id),
  starts_on date not null,
  ends_on date,
  status text not null default 'open' check (status in ('open', 'closed')),
  unique (manufacturer_id, code)
);

create table campaign_vehicle (
  campaign_id bigint not null references campaign(id),
  vin text not null,
  completed_dealer_id bigint references dealer(id),
  completed_at timestamptz,
  primary key (campaign_id, vin)
);
create index campaign_vehicle_vin_idx on campaign_vehicle (vin);

-- A claim (索赔申请) of one repair order's warranty lines.
create table warranty_claim (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  repair_order_id bigint not null,
  vehicle_id bigint not null,
  vin text not null,
  mileage integer not null check (mileage >= 0),
  claim_type text not null check (claim_type in ('standard', 'first_service', 'campaign', 'goodwill')),
  campaign_id bigint references campaign(id),
  status text not null default 'draft' check (status in (
    'draft', 'submitted', 'accepted', 'approved', 'partially_approved', 'rejected',
    'returned', 'paid', 'cancelled')),
  fault_code text not null default '',
  fault_date date not null,
  complaint text not null default '',
  cause text not null default '',
  correction text not null default '',
  causal_part_id bigint references part(id),
  requested_amount numeric(12, 2) not null default 0,
  approved_amount numeric(12, 2),
  paid_amount numeric(12, 2) not null default 0,
  decision_reason text not null default '',
  submission_count integer not null default 0,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  submitted_by bigint references staff_user(id),
  submitted_at timestamptz,
  decided_at timestamptz,
  unique (dealer_id, id),
  unique (dealer_id, number),
  check ((claim_type = 'campaign') = (campaign_id is not null))
);
create index warranty_claim_status_idx on warranty_claim (dealer_id, status, id);
create index warranty_claim_vin_idx on warranty_claim (dealer_id, vin, fault_code, fault_date);

create table warranty_claim_line (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  claim_id bigint not null,
  repair_order_line_id bigint,
  kind text not null check (kind in ('labour', 'part', 'sublet')),
  operation_id bigint references labour_operation(id),
  part_id bigint references part(id),
  description text not null default '',
  quantity numeric(10, 2) not null default 1 check (quantity > 0),
  hours numeric(6, 2) check (hours >= 0),
  standard_hours numeric(6, 2),
  unit_price numeric(12, 2) not null check (unit_price >= 0),
  amount numeric(12, 2) not null check (amount >= 0),
  approved_amount numeric(12, 2) check (approved_amount >= 0),
  decision text check (decision in ('approved', 'reduced', 'rejected')),
  decision_reason text not null default '',
  unique (dealer_id, id),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id)
);
create index warranty_claim_line_claim_idx on warranty_claim_line (dealer_id, claim_id);

-- Every change of a claim's status, append-only.
create table warranty_claim_event (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  claim_id bigint not null,
  from_status text,
  to_status text not null,
  actor_user_id bigint references staff_user(id),
  actor text not null default '',
  note text not null default '',
  at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id)
);
create index warranty_claim_event_claim_idx on warranty_claim_event (dealer_id, claim_id, id);

-- Photos and files of a claim, kept in the database (bounded size) with their hash.
create table warranty_claim_file (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  claim_id bigint not null,
  file_name text not null,
  content_type text not null,
  size_bytes integer not null check (size_bytes > 0 and size_bytes <= 10485760),
  sha256 text not null,
  content bytea not null,
  uploaded_by bigint references staff_user(id),
  uploaded_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id)
);

-- The transactional outbox: written in the transaction that changes the claim's status;
-- a worker delivers each message with its idempotency key, retrying with backoff until
-- delivered or dead (a person sees dead messages and retries them).
create table warranty_outbox (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  claim_id bigint not null,
  kind text not null check (kind in ('submit', 'withdraw')),
  idempotency_key text not null,
  payload jsonb not null,
  connector text not null check (connector in ('inbox', 'http')),
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_error text not null default '',
  created_at timestamptz not null default now(),
  delivered_at timestamptz,
  response jsonb,
  unique (dealer_id, id),
  unique (idempotency_key),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id)
);
create index warranty_outbox_due_idx on warranty_outbox (next_attempt_at) where status = 'pending';

-- The manufacturer's side of the inbox connector: the copy it received (once per
-- idempotency key) and its decisions; its reviewers see it through their region.
create table warranty_submission (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  claim_id bigint not null,
  idempotency_key text not null unique,
  payload jsonb not null,
  received_at timestamptz not null default now(),
  status text not null default 'received' check (status in ('received', 'decided', 'withdrawn')),
  unique (dealer_id, id),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id)
);

create table warranty_decision (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  claim_id bigint not null,
  submission_id bigint,
  decision text not null check (decision in (
    'accepted', 'approved', 'partially_approved', 'rejected', 'returned')),
  approved_amount numeric(12, 2),
  reason text not null default '',
  lines jsonb not null default '[]',
  decided_by bigint references staff_user(id),
  source text not null check (source in ('inbox', 'callback')),
  external_ref text,
  decided_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id),
  foreign key (dealer_id, submission_id) references warranty_submission(dealer_id, id)
);
create unique index warranty_decision_external_idx on warranty_decision (dealer_id, external_ref)
  where external_ref is not null;

-- Claimed old parts (旧件) on their own ledger: tagged at removal, stored, shipped back
-- in batches with a packing list when asked, inspected; others scrapped after retention.
create table old_part (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  tag text not null,
  claim_id bigint,
  claim_line_id bigint,
  repair_order_line_id bigint,
  part_id bigint not null references part(id),
  quantity numeric(10, 2) not null default 1 check (quantity > 0),
  must_return boolean not null default true,
  status text not null default 'tagged' check (status in (
    'tagged', 'stored', 'requested', 'shipped', 'inspected', 'scrapped', 'handed_over')),
  location text not null default '',
  inspection_result text check (inspection_result in ('confirmed', 'not_confirmed', 'not_received')),
  inspection_note text not null default '',
  shipment_id bigint,
  retain_until date,
  tagged_by bigint references staff_user(id),
  tagged_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, tag),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id),
  foreign key (dealer_id, claim_line_id) references warranty_claim_line(dealer_id, id)
);
create index old_part_status_idx on old_part (dealer_id, status);

create table old_part_movement (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  old_part_id bigint not null,
  from_status text,
  to_status text not null,
  note text not null default '',
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, old_part_id) references old_part(dealer_id, id)
);

create table old_part_shipment (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  status text not null default 'packing' check (status in ('packing', 'shipped', 'received')),
  carrier text not null default '',
  tracking text not null default '',
  requested_by_manufacturer_at timestamptz,
  shipped_by bigint references staff_user(id),
  shipped_at timestamptz,
  received_at timestamptz,
  unique (dealer_id, id),
  unique (dealer_id, number)
);
alter table old_part add foreign key (dealer_id, shipment_id)
  references old_part_shipment(dealer_id, id);

-- Money: the manufacturer's payments and their allocation to claims; differences and
-- charge-backs (negative allocations) show per claim and per month.
create table warranty_payment (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  reference text not null,
  paid_on date not null,
  amount numeric(14, 2) not null,
  note text not null default '',
  recorded_by bigint references staff_user(id),
  recorded_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, reference)
);

create table warranty_payment_allocation (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  payment_id bigint not null,
  claim_id bigint not null,
  amount numeric(12, 2) not null,
  kind text not null default 'payment' check (kind in ('payment', 'charge_back')),
  note text not null default '',
  unique (dealer_id, id),
  foreign key (dealer_id, payment_id) references warranty_payment(dealer_id, id),
  foreign key (dealer_id, claim_id) references warranty_claim(dealer_id, id)
);
create index warranty_payment_allocation_claim_idx on warranty_payment_allocation (dealer_id, claim_id);

alter table warranty_claim
  add foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id),
  add foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id);
alter table warranty_claim_line
  add foreign key (dealer_id, repair_order_line_id) references repair_order_line(dealer_id, id);
alter table old_part
  add foreign key (dealer_id, repair_order_line_id) references repair_order_line(dealer_id, id);
revoke update, delete, truncate on warranty_claim_event, old_part_movement from dealernet_app;
"""

TENANT_TABLES = (
    "warranty_claim",
    "warranty_claim_line",
    "warranty_claim_event",
    "warranty_claim_file",
    "warranty_outbox",
    "warranty_submission",
    "warranty_decision",
    "old_part",
    "old_part_movement",
    "old_part_shipment",
    "warranty_payment",
    "warranty_payment_allocation",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + "".join(protect_tenant_table(t) for t in TENANT_TABLES))

    manager.add_raw(run)
    return manager
