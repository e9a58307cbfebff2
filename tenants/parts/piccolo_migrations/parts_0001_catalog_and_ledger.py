"""Parts: the manufacturer's catalog, each dealer's stock items, the stock ledger and
reservations. On-hand is the sum of the ledger; available is on-hand minus the
active reservations (appointment pre-picking, repair-order lines)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T20:00:00:000001"
VERSION = "1.38.0"
DESCRIPTION = "parts catalog, stock ledger, reservations"

SQL = """
create table part (
  id bigserial primary key,
  manufacturer_id bigint not null references manufacturer(id),
  part_number text not null,
  name text not null,
  name_zh text not null default '',
  unit text not null default 'pc',
  pack_size integer not null default 1 check (pack_size > 0),
  list_price numeric(12, 2) not null check (list_price >= 0),
  superseded_by bigint references part(id),
  part_group text not null default '',
  unique (manufacturer_id, part_number)
);

-- Parts an operation normally needs (an oil service needs a filter and oil): the
-- appointment's stock check and pre-picking come from here.
create table stock_item (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  part_id bigint not null references part(id),
  bin_location text not null default '' check (
    bin_location = '' or bin_location ~ '^[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+-[A-Z0-9]+$'),
  min_qty numeric(12, 2) not null default 0 check (min_qty >= 0),
  max_qty numeric(12, 2) not null default 0 check (max_qty >= min_qty),
  reorder_multiple numeric(12, 2) not null default 1 check (reorder_multiple > 0),
  lead_time_days integer not null default 7 check (lead_time_days >= 0),
  unit_cost numeric(12, 2) not null default 0 check (unit_cost >= 0),
  unique (dealer_id, id),
  unique (dealer_id, part_id)
);

-- Append-only: every change of quantity, with who, when, why and its document.
create table stock_movement (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  stock_item_id bigint not null,
  kind text not null check (kind in (
    'receipt', 'issue', 'return', 'transfer_in', 'transfer_out', 'count_adjustment', 'write_off')),
  quantity numeric(12, 2) not null check (quantity <> 0),
  unit_cost numeric(12, 2) not null default 0,
  document_type text not null default '',
  document_id bigint,
  reason text not null default '',
  created_by bigint references staff_user(id),
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id)
);
create index stock_movement_item_idx on stock_movement (dealer_id, stock_item_id, id);

-- Quantities held for an appointment or an order line until issued or released.
create table stock_reservation (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  stock_item_id bigint not null,
  quantity numeric(12, 2) not null check (quantity > 0),
  appointment_id bigint,
  repair_order_line_id bigint,
  status text not null default 'active' check (status in ('active', 'issued', 'released')),
  picked boolean not null default false,
  created_at timestamptz not null default now(),
  closed_at timestamptz,
  unique (dealer_id, id),
  foreign key (dealer_id, stock_item_id) references stock_item(dealer_id, id)
);
create index stock_reservation_item_idx on stock_reservation (dealer_id, stock_item_id)
  where status = 'active';

-- On-hand, reserved and available per stock item, always derived from the ledger.
create view stock_level with (security_invoker = true) as
select s.dealer_id, s.id as stock_item_id, s.part_id,
       coalesce((select sum(m.quantity) from stock_movement m
                  where m.dealer_id = s.dealer_id and m.stock_item_id = s.id), 0) as on_hand,
       coalesce((select sum(r.quantity) from stock_reservation r
                  where r.dealer_id = s.dealer_id and r.stock_item_id = s.id
                    and r.status = 'active'), 0) as reserved
  from stock_item s;
grant select on stock_level to dealernet_app;
revoke update, delete, truncate on stock_movement from dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(
            SQL
            + protect_tenant_table("stock_item")
            + protect_tenant_table("stock_movement")
            + protect_tenant_table("stock_reservation")
        )

    manager.add_raw(run)
    return manager
