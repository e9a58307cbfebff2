"""Purchasing and receiving, beyond the inventory schema: each stock item's preferred
supplier (shortage plans group by it), who rejected or cancelled a plan, a plan's
history of moves, who closed a line short, and the three inspections of a receipt
(shipping list checked, each line counted, shelved) with who did each and when."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T22:00:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "purchasing: preferred suppliers, plan history, receipt inspections"

SQL = """
-- Null: the manufacturer's parts centre, the default source of genuine parts.
alter table stock_item
  add column supplier_id bigint,
  add foreign key (dealer_id, supplier_id) references supplier(dealer_id, id);

alter table purchase_order
  add column rejected_by bigint references staff_user(id),
  add column rejected_at timestamptz,
  add column cancelled_by bigint references staff_user(id),
  add column cancelled_at timestamptz;

alter table purchase_order_line
  add column closed_by bigint references staff_user(id),
  add column closed_at timestamptz,
  add column close_reason text not null default '';

alter table parts_receipt
  add column shipping_list_checked_at timestamptz,
  add column posted_by bigint references staff_user(id),
  add column cancelled_by bigint references staff_user(id),
  add column cancelled_at timestamptz;
create index parts_receipt_order_idx on parts_receipt (dealer_id, purchase_order_id);
create index parts_receipt_status_idx on parts_receipt (dealer_id, status, id);

-- Counted: null until the keeper has counted the line (0 is a count: nothing came).
alter table parts_receipt_line
  add column counted_by bigint references staff_user(id),
  add column counted_at timestamptz,
  add column over_delivery_accepted boolean not null default false;
create index parts_receipt_line_receipt_idx on parts_receipt_line (dealer_id, receipt_id);

alter table transport_damage_claim
  add column closed_by bigint references staff_user(id),
  add column decision_note text not null default '';
create index transport_damage_claim_status_idx on transport_damage_claim (dealer_id, status, id);
create index transport_damage_claim_line_idx on transport_damage_claim (dealer_id, receipt_line_id);

-- Every move of a plan / purchase order, for its history and the printed plan form.
create table purchase_order_event (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  purchase_order_id bigint not null,
  from_status text,
  to_status text not null,
  actor_user_id bigint references staff_user(id),
  note text not null default '',
  at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, purchase_order_id) references purchase_order(dealer_id, id)
);
create index purchase_order_event_order_idx
  on purchase_order_event (dealer_id, purchase_order_id, id);
revoke update, delete, truncate on purchase_order_event from dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="parts", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("purchase_order_event"))

    manager.add_raw(run)
    return manager
