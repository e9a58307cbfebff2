"""The service process: customers, vehicles, mileage, the labour operation catalog,
bays and shifts, appointments, repair orders with lines, revisions and approvals,
the walk-around, job clocks, quality checks, settlement and the order's history."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T20:00:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "service process"

TENANT_TABLES = (
    "service_settings",
    "customer",
    "vehicle",
    "mileage_reading",
    "bay",
    "technician_shift",
    "appointment",
    "appointment_item",
    "repair_order",
    "walkaround",
    "repair_order_line",
    "order_revision",
    "job_clock",
    "quality_check",
    "settlement",
    "order_event",
)

SQL = """
-- Standard labour times per manufacturer (标准工时), shared by its dealers.
create table labour_operation (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  code text not null,
  name text not null,
  name_zh text not null default '',
  kind text not null check (kind in
    ('maintenance', 'repair', 'diagnosis', 'body', 'paint', 'inspection')),
  standard_hours numeric(6, 2) not null check (standard_hours > 0),
  unique (manufacturer_id, code)
);

create table operation_part (
  operation_id bigint not null references labour_operation(id),
  part_id bigint not null references part(id),
  quantity numeric(12, 2) not null check (quantity > 0),
  primary key (operation_id, part_id)
);

create table service_settings (
  dealer_id bigint primary key references dealer(id),
  labour_rate numeric(10, 2) not null default 180 check (labour_rate >= 0),
  opens_at time not null default '08:30',
  closes_at time not null default '18:00',
  slot_minutes integer not null default 30 check (slot_minutes between 5 and 240),
  approval_link_hours integer not null default 48 check (approval_link_hours > 0)
);

create table customer (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  kind text not null default 'person' check (kind in ('person', 'company')),
  name text not null check (length(trim(name)) > 0),
  phone text not null check (phone ~ '^\\+?[0-9 -]{5,20}$'),
  email text,
  address text not null default '',
  wechat text not null default '',
  advisor_user_id bigint references staff_user(id),
  lost boolean not null default false,
  notes text not null default '',
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id)
);
create index customer_phone_idx on customer (dealer_id, phone);
create index customer_name_idx on customer (dealer_id, lower(name));

create table vehicle (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  customer_id bigint not null,
  vin text not null check (vin ~ '^[A-HJ-NPR-Z0-9]{17}$'),
  plate text not null default '',
  model text not null default '',
  model_year integer check (model_year between 1950 and 2100),
  colour text not null default '',
  sale_date date,
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, vin),
  foreign key (dealer_id, customer_id) references customer(dealer_id, id)
);
create index vehicle_plate_idx on vehicle (dealer_id, upper(plate));
create index vehicle_customer_idx on vehicle (dealer_id, customer_id);

-- Odometer readings; a lower reading than the last one needs an explicit correction.
create table mileage_reading (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  vehicle_id bigint not null,
  km integer not null check (km >= 0 and km < 3000000),
  source text not null check (source in
    ('appointment', 'reception', 'delivery', 'correction', 'import')),
  correction_reason text,
  repair_order_id bigint,
  recorded_by bigint references staff_user(id),
  recorded_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id),
  check (source <> 'correction' or length(trim(coalesce(correction_reason, ''))) > 0)
);
create index mileage_vehicle_idx on mileage_reading (dealer_id, vehicle_id, id desc);

create function dealernet_mileage_never_decreases() returns trigger language plpgsql as $f$
declare last_km integer;
begin
  if new.source = 'correction' then return new; end if;
  select km into last_km from mileage_reading
   where dealer_id = new.dealer_id and vehicle_id = new.vehicle_id
   order by id desc limit 1;
  if last_km is not null and new.km < last_km then
    raise exception 'mileage % km is below the last reading % km; record a correction', new.km, last_km
      using errcode = 'check_violation', constraint = 'mileage_never_decreases';
  end if;
  return new;
end $f$;
create trigger mileage_never_decreases before insert on mileage_reading
  for each row execute function dealernet_mileage_never_decreases();

create table bay (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  code text not null,
  name text not null,
  kind text not null default 'mechanical' check (kind in
    ('mechanical', 'quick', 'body', 'paint', 'wash', 'inspection')),
  active boolean not null default true,
  unique (dealer_id, id),
  unique (dealer_id, code)
);

-- Technicians on shift per day; their hours are the day's workshop capacity.
create table technician_shift (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  user_id bigint not null references staff_user(id),
  work_date date not null,
  hours numeric(4, 2) not null check (hours > 0 and hours <= 16),
  team text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, user_id, work_date)
);
create index technician_shift_day_idx on technician_shift (dealer_id, work_date);

create table appointment (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  customer_id bigint not null,
  vehicle_id bigint not null,
  advisor_user_id bigint references staff_user(id),
  starts_at timestamptz not null,
  work_date date not null,
  status text not null default 'booked' check (status in
    ('booked', 'confirmed', 'arrived', 'no_show', 'cancelled')),
  channel text not null default 'phone' check (channel in
    ('phone', 'walk_in', 'online', 'outbound', 'wechat')),
  booked_hours numeric(6, 2) not null default 0 check (booked_hours >= 0),
  customer_request text not null default '',
  estimate numeric(12, 2),
  parts_expected_on date,
  bay_id bigint,
  technician_user_id bigint references staff_user(id),
  confirmed_day_before_at timestamptz,
  confirmed_day_before_by bigint references staff_user(id),
  confirmed_hour_before_at timestamptz,
  confirmed_hour_before_by bigint references staff_user(id),
  cancelled_reason text,
  repair_order_id bigint,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, customer_id) references customer(dealer_id, id),
  foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id),
  foreign key (dealer_id, bay_id) references bay(dealer_id, id)
);
create index appointment_day_idx on appointment (dealer_id, work_date, status);
create index appointment_vehicle_idx on appointment (dealer_id, vehicle_id);

create table appointment_item (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  appointment_id bigint not null,
  kind text not null check (kind in ('maintenance', 'fault', 'campaign')),
  operation_id bigint references labour_operation(id),
  description text not null default '',
  standard_hours numeric(6, 2) not null default 0 check (standard_hours >= 0),
  unique (dealer_id, id),
  foreign key (dealer_id, appointment_id) references appointment(dealer_id, id)
);
create index appointment_item_appointment_idx on appointment_item (dealer_id, appointment_id);

create table repair_order (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  customer_id bigint not null,
  vehicle_id bigint not null,
  appointment_id bigint,
  advisor_user_id bigint not null references staff_user(id),
  delivering_advisor_user_id bigint references staff_user(id),
  status text not null default 'open' check (status in
    ('open', 'awaiting_approval', 'approved', 'in_progress', 'work_done', 'ready',
     'settled', 'delivered', 'cancelled')),
  revision integer not null default 1 check (revision >= 1),
  approved_revision integer,
  mileage_in integer,
  customer_description text not null default '',
  diagnosis text not null default '',
  promised_at timestamptz,
  bay_id bigint,
  rework_count integer not null default 0 check (rework_count >= 0),
  next_service_date date,
  next_service_km integer,
  opened_at timestamptz not null default now(),
  approved_at timestamptz,
  work_done_at timestamptz,
  ready_at timestamptz,
  settled_at timestamptz,
  delivered_at timestamptz,
  cancelled_at timestamptz,
  created_by bigint references staff_user(id),
  unique (dealer_id, id),
  unique (dealer_id, number),
  foreign key (dealer_id, customer_id) references customer(dealer_id, id),
  foreign key (dealer_id, vehicle_id) references vehicle(dealer_id, id),
  foreign key (dealer_id, appointment_id) references appointment(dealer_id, id),
  foreign key (dealer_id, bay_id) references bay(dealer_id, id)
);
create index repair_order_open_idx on repair_order (dealer_id, status)
  where status not in ('delivered', 'cancelled');
create index repair_order_vehicle_idx on repair_order (dealer_id, vehicle_id, opened_at desc);
create index repair_order_opened_idx on repair_order (dealer_id, opened_at);

alter table appointment add foreign key (dealer_id, repair_order_id)
  references repair_order(dealer_id, id);
alter table mileage_reading add foreign key (dealer_id, repair_order_id)
  references repair_order(dealer_id, id);

-- The walk-around with the customer (环车检查), shown to and signed by the customer.
create table walkaround (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  checklist jsonb not null default '{}'::jsonb,
  damage_marks jsonb not null default '[]'::jsonb,
  valuables text not null default '',
  fuel_level integer check (fuel_level between 0 and 8),
  odometer_km integer check (odometer_km >= 0),
  customer_signature text,
  shown_to_customer_at timestamptz,
  recorded_by bigint references staff_user(id),
  recorded_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, repair_order_id),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id)
);

create table repair_order_line (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  kind text not null check (kind in ('labour', 'part', 'material')),
  operation_id bigint references labour_operation(id),
  part_id bigint references part(id),
  description text not null default '',
  quantity numeric(10, 2) not null default 1 check (quantity > 0),
  hours numeric(6, 2) check (hours >= 0),
  unit_price numeric(12, 2) not null check (unit_price >= 0),
  pay_type text not null default 'customer' check (pay_type in
    ('customer', 'warranty', 'insurance', 'internal')),
  status text not null default 'proposed' check (status in
    ('proposed', 'approved', 'declined', 'cancelled')),
  revision_added integer not null default 1,
  additional boolean not null default false,
  reported_by bigint references staff_user(id),
  job_status text not null default 'pending' check (job_status in
    ('pending', 'dispatched', 'in_progress', 'paused', 'done')),
  technician_user_id bigint references staff_user(id),
  team text not null default '',
  dispatched_at timestamptz,
  dispatched_by bigint references staff_user(id),
  done_at timestamptz,
  old_part_disposition text check (old_part_disposition in
    ('keep_for_warranty', 'hand_over', 'scrap')),
  declined_at timestamptz,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id),
  check ((kind = 'labour') = (hours is not null)),
  check (kind <> 'part' or part_id is not null)
);
create index repair_order_line_order_idx on repair_order_line (dealer_id, repair_order_id);
create index repair_order_line_technician_idx on repair_order_line
  (dealer_id, technician_user_id) where job_status in ('dispatched', 'in_progress', 'paused');

alter table stock_reservation add foreign key (dealer_id, appointment_id)
  references appointment(dealer_id, id);
alter table stock_reservation add foreign key (dealer_id, repair_order_line_id)
  references repair_order_line(dealer_id, id);

-- Each quotation the customer sees is a revision; approved ones are never edited.
create table order_revision (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  revision integer not null,
  lines jsonb not null,
  total numeric(12, 2) not null,
  customer_total numeric(12, 2) not null,
  promised_at timestamptz,
  status text not null default 'pending' check (status in
    ('pending', 'approved', 'declined', 'superseded')),
  requires_supervisor boolean not null default false,
  supervisor_approved_by bigint references staff_user(id),
  supervisor_approved_at timestamptz,
  approval_method text check (approval_method in ('signature', 'link')),
  signature text,
  token_hash bytea unique,
  token_expires_at timestamptz,
  decided_at timestamptz,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, repair_order_id, revision),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id)
);

-- Technicians clock on and off each job; one open clock per technician.
create table job_clock (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  line_id bigint not null,
  technician_user_id bigint not null references staff_user(id),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  unique (dealer_id, id),
  foreign key (dealer_id, line_id) references repair_order_line(dealer_id, id),
  check (ended_at is null or ended_at >= started_at)
);
create unique index job_clock_one_open_idx on job_clock (dealer_id, technician_user_id)
  where ended_at is null;
create index job_clock_line_idx on job_clock (dealer_id, line_id);

-- Self (自检), team (互检) and final (总检) checks, per rework round.
create table quality_check (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  stage text not null check (stage in ('self', 'team', 'final')),
  round integer not null default 0,
  passed boolean not null,
  notes text not null default '',
  checked_by bigint not null references staff_user(id),
  checked_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, repair_order_id, round, stage),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id)
);

create table settlement (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  labour_total numeric(12, 2) not null,
  parts_total numeric(12, 2) not null,
  materials_total numeric(12, 2) not null,
  by_pay_type jsonb not null,
  customer_amount numeric(12, 2) not null,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  paid_amount numeric(12, 2),
  payment_method text check (payment_method in
    ('cash', 'card', 'wechat', 'alipay', 'transfer', 'insurer', 'none')),
  paid_at timestamptz,
  cashier_user_id bigint references staff_user(id),
  unique (dealer_id, id),
  unique (dealer_id, repair_order_id),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id)
);

-- Every status change of an order: the board's history and the measures' source.
create table order_event (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_id bigint not null,
  from_status text,
  to_status text not null,
  note text not null default '',
  actor_user_id bigint references staff_user(id),
  at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, repair_order_id) references repair_order(dealer_id, id)
);
create index order_event_order_idx on order_event (dealer_id, repair_order_id, id);

-- A customer approves a quotation from a phone without an account: the link's token
-- finds the revision before any tenant scope exists, and reveals nothing else.
create function dealernet_revision_by_token(token bytea)
returns table (dealer_id bigint, repair_order_id bigint, revision integer,
               status text, token_expires_at timestamptz)
language sql stable security definer set search_path = public as $f$
  select dealer_id, repair_order_id, revision, status, token_expires_at
    from order_revision where token_hash = token
$f$;
revoke all on function dealernet_revision_by_token(bytea) from public;
grant execute on function dealernet_revision_by_token(bytea) to dealernet_app;

grant select, insert, update, delete on all tables in schema public to dealernet_app;
grant usage, select on all sequences in schema public to dealernet_app;
revoke update, delete, truncate on order_event, mileage_reading from dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="service", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + "".join(protect_tenant_table(t) for t in TENANT_TABLES))

    manager.add_raw(run)
    return manager
