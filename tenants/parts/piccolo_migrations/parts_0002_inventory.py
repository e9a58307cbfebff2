"""Inventory: a balance on each stock item kept by the ledger itself, FIFO lots,
suppliers, purchasing (plans are purchase orders before they are sent), receiving
with transport-damage claims, issuing against repair-order lines, counts,
write-offs with three signers, reorder suggestions and transfers between dealers."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T22:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "parts inventory: lots, purchasing, receiving, issuing, counts, write-offs"

SQL = """
-- The balance is kept by the ledger's own trigger, so on-hand always equals the sum of
-- the movements, and the check makes negative stock impossible even when two
-- transactions race (the update takes the stock item's row lock).
alter table stock_item
  add column on_hand numeric(12, 2) not null default 0 check (on_hand >= 0),
  add column last_movement_at timestamptz,
  add column last_issue_at timestamptz,
  add column zone text not null default '',
  add column active boolean not null default true;

update stock_item s set on_hand = m.total, last_movement_at = m.last_at
  from (select dealer_id, stock_item_id, sum(quantity) as total, max(created_at) as last_at
          from stock_movement group by dealer_id, stock_item_id) m
 where m.dealer_id = s.dealer_id and m.stock_item_id = s.id;

create index stock_movement_history_idx on stock_movement (dealer_id, kind, created_at);
create index stock_item_bin_idx on stock_item (dealer_id, bin_location);

create or replace view stock_level with (security_invoker = true) as
select s.dealer_id, s.id as stock_item_id, s.part_id, s.on_hand::numeric as on_hand,
       coalesce((select sum(r.quantity) from stock_reservation r
                  where r.dealer_id = s.dealer_id and r.stock_item_id = s.id
                    and r.status = 'active'), 0) as reserved
  from stock_item s;

-- Dealer settings of the parts department.
create table parts_settings (
  dealer_id bigint primary key references dealer(id),
  service_level numeric(5, 4) not null default 0.95 check (service_level > 0.5 and service_level < 1),
  review_period_days integer not null default 7 check (review_period_days between 1 and 90),
  history_days integer not null default 730 check (history_days between 90 and 1095),
  slow_moving_days integer not null default 180 check (slow_moving_days > 0),
  dead_stock_days integer not null default 365 check (dead_stock_days > 0),
  write_off_retention_days integer not null default 30 check (write_off_retention_days >= 0),
  updated_at timestamptz not null default now()
);

-- Sequential document numbers per dealer, kind and day, e.g. SH01-PO-20261125-004;
-- the counter row's lock serialises concurrent documents, a rollback frees the number.
create table parts_document_counter (
  dealer_id bigint not null references dealer(id),
  kind text not null,
  day date not null,
  last integer not null,
  primary key (dealer_id, kind, day)
);

-- FIFO layers: every inbound movement opens a lot, every outbound one consumes the
-- oldest lots first; the allocations say which lots a movement took from.
create table stock_lot (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  stock_item_id bigint not null,
  movement_id bigint not null,
  received_at timestamptz not null,
  quantity numeric(12, 2) not null check (quantity > 0),
  remaining numeric(12, 2) not null check (remaining >= 0 and remaining <= quantity),
  unit_cost numeric(12, 2) not null default 0 check (unit_cost >= 0),
  unique (dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  foreign key (dealer_id, movement_id) references stock_movement(dealer_id, id)
);
create index stock_lot_fifo_idx on stock_lot (dealer_id, stock_item_id, received_at, id)
  where remaining > 0;

create table stock_lot_allocation (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  movement_id bigint not null,
  lot_id bigint not null,
  quantity numeric(12, 2) not null check (quantity > 0),
  unit_cost numeric(12, 2) not null,
  unique (dealer_id, id),
  foreign key (dealer_id, movement_id) references stock_movement(dealer_id, id),
  foreign key (dealer_id, lot_id) references stock_lot(dealer_id, id)
);
create index stock_lot_allocation_movement_idx on stock_lot_allocation (dealer_id, movement_id);

-- Stock on hand before this migration becomes one lot per item at its current cost.
insert into stock_lot (dealer_id, stock_item_id, movement_id, received_at, quantity, remaining,
                       unit_cost)
select s.dealer_id, s.id, m.id, m.created_at, s.on_hand, s.on_hand, s.unit_cost
  from stock_item s
  join lateral (select id, created_at from stock_movement m
                 where m.dealer_id = s.dealer_id and m.stock_item_id = s.id and m.quantity > 0
                 order by m.id desc limit 1) m on true
 where s.on_hand > 0;

-- The ledger keeps itself: each movement moves the balance (whose check refuses
-- negative stock, and whose row lock serialises racing movements of one item), an
-- inbound movement opens a lot, an outbound one takes from the oldest lots (FIFO).
create function dealernet_stock_movement_post() returns trigger
language plpgsql as $f$
declare
  left_to_take numeric := -new.quantity;
  lot record;
  take numeric;
begin
  update stock_item
     set on_hand = on_hand + new.quantity,
         last_movement_at = greatest(coalesce(last_movement_at, new.created_at), new.created_at),
         last_issue_at = case when new.kind = 'issue'
                              then greatest(coalesce(last_issue_at, new.created_at), new.created_at)
                              else last_issue_at end
   where dealer_id = new.dealer_id and id = new.stock_item_id;
  if new.quantity > 0 then
    insert into stock_lot (dealer_id, stock_item_id, movement_id, received_at, quantity,
                           remaining, unit_cost)
    values (new.dealer_id, new.stock_item_id, new.id, new.created_at, new.quantity,
            new.quantity, greatest(new.unit_cost, 0));
    return null;
  end if;
  for lot in select id, remaining, unit_cost from stock_lot
              where dealer_id = new.dealer_id and stock_item_id = new.stock_item_id
                and remaining > 0
              order by received_at, id
              for update
  loop
    exit when left_to_take <= 0;
    take := least(lot.remaining, left_to_take);
    update stock_lot set remaining = remaining - take where dealer_id = new.dealer_id and id = lot.id;
    insert into stock_lot_allocation (dealer_id, movement_id, lot_id, quantity, unit_cost)
    values (new.dealer_id, new.id, lot.id, take, lot.unit_cost);
    left_to_take := left_to_take - take;
  end loop;
  return null;
end
$f$;
create trigger stock_movement_post after insert on stock_movement
  for each row execute function dealernet_stock_movement_post();

-- Where parts come from besides the manufacturer's parts centre.
create table supplier (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  name text not null check (length(trim(name)) > 0),
  contact text not null default '',
  phone text not null default '',
  lead_time_days integer not null default 3 check (lead_time_days >= 0),
  active boolean not null default true,
  unique (dealer_id, id),
  unique (dealer_id, name)
);

-- A parts plan is a purchase order before it is sent: drafted by the planner,
-- reviewed by the parts manager, approved by the service manager, then ordered.
create table purchase_order (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  supplier_id bigint,
  urgency text not null default 'regular' check (urgency in ('regular', 'emergency')),
  source text not null default 'manual' check (source in ('manual', 'shortage', 'suggestions')),
  status text not null default 'draft' check (status in (
    'draft', 'submitted', 'reviewed', 'approved', 'ordered', 'partially_received',
    'received', 'rejected', 'cancelled')),
  note text not null default '',
  expected_on date,
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  submitted_by bigint references staff_user(id),
  submitted_at timestamptz,
  reviewed_by bigint references staff_user(id),
  reviewed_at timestamptz,
  approved_by bigint references staff_user(id),
  approved_at timestamptz,
  ordered_by bigint references staff_user(id),
  ordered_at timestamptz,
  closed_at timestamptz,
  decision_note text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, number),
  foreign key (dealer_id, supplier_id) references supplier(dealer_id, id)
);
create index purchase_order_status_idx on purchase_order (dealer_id, status, id);

create table purchase_order_line (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  purchase_order_id bigint not null,
  stock_item_id bigint not null,
  quantity numeric(12, 2) not null check (quantity > 0),
  unit_price numeric(12, 2) not null default 0 check (unit_price >= 0),
  received_qty numeric(12, 2) not null default 0 check (received_qty >= 0),
  refused_qty numeric(12, 2) not null default 0 check (refused_qty >= 0),
  closed boolean not null default false,
  note text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, purchase_order_id, stock_item_id),
  foreign key (dealer_id, purchase_order_id) references purchase_order(dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id)
);
create index purchase_order_line_item_idx on purchase_order_line (dealer_id, stock_item_id)
  where not closed;

-- What is ordered and not yet received: approved plans count, since the parts are
-- coming; a closed line (short-shipped for good) no longer does.
create view stock_on_order with (security_invoker = true) as
select l.dealer_id, l.stock_item_id,
       sum(greatest(l.quantity - l.received_qty, 0)) as on_order,
       bool_or(o.urgency = 'emergency') as emergency
  from purchase_order_line l
  join purchase_order o on o.dealer_id = l.dealer_id and o.id = l.purchase_order_id
 where o.status in ('approved', 'ordered', 'partially_received') and not l.closed
 group by l.dealer_id, l.stock_item_id;
grant select on stock_on_order to dealernet_app;

-- One delivery: checked against the shipping list, counted and inspected on receipt
-- (damaged lines refused), then shelved.
create table parts_receipt (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  purchase_order_id bigint not null,
  delivery_note text not null default '',
  status text not null default 'open' check (status in ('open', 'posted', 'cancelled')),
  shipping_list_checked_by bigint references staff_user(id),
  received_by bigint references staff_user(id),
  received_at timestamptz not null default now(),
  posted_at timestamptz,
  shelved_by bigint references staff_user(id),
  shelved_at timestamptz,
  note text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, number),
  foreign key (dealer_id, purchase_order_id) references purchase_order(dealer_id, id)
);

create table parts_receipt_line (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  receipt_id bigint not null,
  purchase_order_line_id bigint not null,
  stock_item_id bigint not null,
  shipped_qty numeric(12, 2) not null check (shipped_qty >= 0),
  counted_qty numeric(12, 2) not null check (counted_qty >= 0),
  accepted_qty numeric(12, 2) not null check (accepted_qty >= 0),
  refused_qty numeric(12, 2) not null default 0 check (refused_qty >= 0),
  quality text not null default 'ok' check (quality in ('ok', 'damaged', 'wrong_part', 'defective')),
  unit_cost numeric(12, 2) not null check (unit_cost >= 0),
  note text not null default '',
  movement_id bigint,
  unique (dealer_id, id),
  unique (dealer_id, receipt_id, purchase_order_line_id),
  check (accepted_qty + refused_qty = counted_qty),
  foreign key (dealer_id, receipt_id) references parts_receipt(dealer_id, id),
  foreign key (dealer_id, purchase_order_line_id) references purchase_order_line(dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  foreign key (dealer_id, movement_id) references stock_movement(dealer_id, id)
);

-- Transport damage goes to the insurer or the carrier, not into stock.
create table transport_damage_claim (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  receipt_line_id bigint not null,
  against text not null check (against in ('insurer', 'carrier')),
  party text not null default '',
  quantity numeric(12, 2) not null check (quantity > 0),
  amount numeric(12, 2) not null check (amount >= 0),
  description text not null check (length(trim(description)) > 0),
  status text not null default 'open' check (status in ('open', 'settled', 'rejected')),
  settled_amount numeric(12, 2),
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  unique (dealer_id, id),
  foreign key (dealer_id, receipt_line_id) references parts_receipt_line(dealer_id, id)
);

-- A parts request (领料单) for one repair-order line: the technician asks, the advisor
-- countersigns, a warranty line also needs the claims specialist's signature, then the
-- keeper issues against the old part handed back. ``available_at_request`` records
-- first-pick availability for the fill rate. Its keys to the repair order are added
-- by the service app, which migrates after parts.
create table parts_request (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  repair_order_id bigint not null,
  repair_order_line_id bigint not null,
  stock_item_id bigint not null,
  quantity numeric(12, 2) not null check (quantity > 0),
  status text not null default 'requested' check (status in (
    'requested', 'signed', 'issued', 'returned', 'refused', 'cancelled')),
  warranty boolean not null default false,
  available_at_request boolean not null,
  requested_by bigint references staff_user(id),
  requested_at timestamptz not null default now(),
  countersigned_by bigint references staff_user(id),
  countersigned_at timestamptz,
  warranty_signed_by bigint references staff_user(id),
  warranty_signed_at timestamptz,
  issued_by bigint references staff_user(id),
  issued_at timestamptz,
  issue_movement_id bigint,
  old_part_returned boolean,
  old_part_disposition text check (old_part_disposition in (
    'keep_for_warranty', 'hand_over', 'scrap', 'none')),
  returned_qty numeric(12, 2) not null default 0 check (returned_qty >= 0),
  refusal_reason text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, number),
  check (returned_qty <= quantity),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  foreign key (dealer_id, issue_movement_id) references stock_movement(dealer_id, id)
);
create index parts_request_queue_idx on parts_request (dealer_id, status, id);
create index parts_request_line_idx on parts_request (dealer_id, repair_order_line_id);

-- Counts: cycle counts of moved items, daily, monthly and quarterly (with finance).
create table stock_count (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  kind text not null check (kind in ('cycle', 'daily', 'monthly', 'quarterly')),
  status text not null default 'open' check (status in (
    'open', 'submitted', 'approved', 'rejected', 'cancelled')),
  scope_note text not null default '',
  finance_witness text not null default '',
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  submitted_by bigint references staff_user(id),
  submitted_at timestamptz,
  approved_by bigint references staff_user(id),
  approved_at timestamptz,
  decision_note text not null default '',
  unique (dealer_id, id),
  unique (dealer_id, number)
);

create table stock_count_line (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  stock_count_id bigint not null,
  stock_item_id bigint not null,
  expected_qty numeric(12, 2) not null,
  counted_qty numeric(12, 2) check (counted_qty >= 0),
  counted_by bigint references staff_user(id),
  counted_at timestamptz,
  cause text not null default '',
  responsibility text check (responsibility in (
    'warehouse_keeper', 'technician', 'supplier', 'recording_error', 'theft', 'unknown')),
  responsible_user_id bigint references staff_user(id),
  adjustment_movement_id bigint,
  unique (dealer_id, id),
  unique (dealer_id, stock_count_id, stock_item_id),
  foreign key (dealer_id, stock_count_id) references stock_count(dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  foreign key (dealer_id, adjustment_movement_id) references stock_movement(dealer_id, id)
);

-- Write-offs (报损): three signers in three capacities, none the requester; the
-- loss split (70% company, 10% each service manager, parts manager, keeper).
create table write_off (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  number text not null,
  stock_item_id bigint not null,
  quantity numeric(12, 2) not null check (quantity > 0),
  reason text not null check (reason in ('damaged', 'defective', 'obsolete')),
  description text not null check (length(trim(description)) > 0),
  cannot_claim boolean not null,
  cannot_return boolean not null,
  cannot_repair boolean not null,
  human_caused boolean not null default false,
  unit_cost numeric(12, 2) not null default 0,
  status text not null default 'requested' check (status in (
    'requested', 'approved', 'rejected', 'disposed', 'cancelled')),
  requested_by bigint references staff_user(id),
  requested_at timestamptz not null default now(),
  decided_at timestamptz,
  movement_id bigint,
  disposed_by bigint references staff_user(id),
  disposed_at timestamptz,
  unique (dealer_id, id),
  unique (dealer_id, number),
  check (cannot_claim and cannot_return and cannot_repair and not human_caused),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  foreign key (dealer_id, movement_id) references stock_movement(dealer_id, id)
);

create table write_off_signature (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  write_off_id bigint not null,
  capacity text not null check (capacity in ('service_manager', 'claims_supervisor', 'parts_manager')),
  user_id bigint not null references staff_user(id),
  decision text not null check (decision in ('approved', 'rejected')),
  note text not null default '',
  signed_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, write_off_id, capacity),
  unique (dealer_id, write_off_id, user_id),
  foreign key (dealer_id, write_off_id) references write_off(dealer_id, id)
);

create table write_off_loss_share (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  write_off_id bigint not null,
  party text not null check (party in (
    'company', 'service_manager', 'parts_manager', 'warehouse_keeper')),
  user_id bigint references staff_user(id),
  share numeric(5, 4) not null check (share > 0 and share <= 1),
  amount numeric(12, 2) not null check (amount >= 0),
  unique (dealer_id, id),
  unique (dealer_id, write_off_id, party),
  foreign key (dealer_id, write_off_id) references write_off(dealer_id, id)
);

-- Reorder suggestions: one run per dealer (nightly or on demand), one suggestion per
-- stock item with the numbers behind it.
create table reorder_run (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  trigger text not null check (trigger in ('nightly', 'on_demand')),
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
  requested_by bigint references staff_user(id),
  requested_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  as_of date not null,
  parameters jsonb not null default '{}',
  items_considered integer not null default 0,
  suggestions integer not null default 0,
  error text not null default '',
  unique (dealer_id, id)
);
create unique index reorder_run_pending_idx on reorder_run (dealer_id)
  where status in ('queued', 'running');

create table reorder_suggestion (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  run_id bigint not null,
  stock_item_id bigint not null,
  demand_per_day numeric(14, 4) not null,
  demand_sd_per_day numeric(14, 4) not null,
  seasonal_factor numeric(8, 4) not null default 1,
  lead_time_days integer not null,
  lead_time_demand numeric(12, 2) not null,
  safety_stock numeric(12, 2) not null,
  reorder_point numeric(12, 2) not null,
  order_up_to numeric(12, 2) not null,
  on_hand numeric(12, 2) not null,
  reserved numeric(12, 2) not null,
  on_order numeric(12, 2) not null,
  suggested_qty numeric(12, 2) not null check (suggested_qty >= 0),
  edited_qty numeric(12, 2) check (edited_qty >= 0),
  emergency boolean not null default false,
  explanation jsonb not null default '{}',
  status text not null default 'open' check (status in (
    'open', 'accepted', 'dismissed', 'transferred', 'superseded')),
  purchase_order_line_id bigint,
  decided_by bigint references staff_user(id),
  decided_at timestamptz,
  unique (dealer_id, id),
  unique (dealer_id, run_id, stock_item_id),
  foreign key (dealer_id, run_id) references reorder_run(dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id),
  foreign key (dealer_id, purchase_order_line_id) references purchase_order_line(dealer_id, id)
);
create index reorder_suggestion_open_idx on reorder_suggestion (dealer_id, status, stock_item_id);

-- Transfers (调拨) between dealers of a region: owned by the requesting dealer,
-- visible to and decided by the giving dealer (its own policy below). Each side
-- books only its own ledger: transfer_out when the giver ships, transfer_in on receipt.
create table parts_transfer (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  source_dealer_id bigint not null references dealer(id),
  number text not null,
  part_id bigint not null references part(id),
  quantity numeric(12, 2) not null check (quantity > 0),
  unit_cost numeric(12, 2) not null default 0,
  status text not null default 'requested' check (status in (
    'requested', 'approved', 'shipped', 'received', 'rejected', 'cancelled')),
  suggestion_id bigint,
  note text not null default '',
  requested_by bigint references staff_user(id),
  requested_at timestamptz not null default now(),
  decided_by bigint references staff_user(id),
  decided_at timestamptz,
  decision_note text not null default '',
  shipped_by bigint references staff_user(id),
  shipped_at timestamptz,
  out_movement_id bigint,
  received_by bigint references staff_user(id),
  received_at timestamptz,
  in_movement_id bigint,
  unique (dealer_id, id),
  unique (dealer_id, number),
  check (source_dealer_id <> dealer_id),
  foreign key (dealer_id, suggestion_id) references reorder_suggestion(dealer_id, id)
);
create index parts_transfer_source_idx on parts_transfer (source_dealer_id, status, id);
create index parts_transfer_status_idx on parts_transfer (dealer_id, status, id);
"""

TRANSFER_POLICY = """
alter table parts_transfer enable row level security;
alter table parts_transfer force row level security;
create policy tenant_isolation on parts_transfer
  using (dealer_id = any (dealernet_allowed_dealers())
         or source_dealer_id = any (dealernet_allowed_dealers()))
  with check (dealer_id = any (dealernet_allowed_dealers())
              or source_dealer_id = any (dealernet_allowed_dealers()));
"""

TENANT_TABLES = (
    "parts_settings",
    "parts_document_counter",
    "stock_lot",
    "stock_lot_allocation",
    "supplier",
    "purchase_order",
    "purchase_order_line",
    "parts_receipt",
    "parts_receipt_line",
    "transport_damage_claim",
    "parts_request",
    "stock_count",
    "stock_count_line",
    "write_off",
    "write_off_signature",
    "write_off_loss_share",
    "reorder_run",
    "reorder_suggestion",
)

APPEND_ONLY = "revoke update, delete, truncate on stock_lot_allocation, write_off_signature from dealernet_app;"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(
            SQL
            + "".join(protect_tenant_table(t) for t in TENANT_TABLES)
            + TRANSFER_POLICY
            + APPEND_ONLY
        )

    manager.add_raw(run)
    return manager
