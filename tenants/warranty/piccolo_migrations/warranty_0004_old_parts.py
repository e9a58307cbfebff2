"""Old parts and warranty money, beyond the foundation: who inspected and received,
who built a shipment, charge-backs tied to the part found not confirmed, a payment is
never zero and an allocation's sign follows its kind, and the claim an old part
belongs to even when it was tagged before its claim was written."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T23:00:00:000004"
VERSION = "1.38.0"
DESCRIPTION = "old parts inspection, shipments, charge-backs of parts"

SQL = """
alter table old_part
  add column inspected_by bigint references staff_user(id),
  add column inspected_at timestamptz;
create index old_part_retention_idx on old_part (retain_until) where status in ('tagged', 'stored');
create index old_part_shipment_idx on old_part (dealer_id, shipment_id) where shipment_id is not null;
create index old_part_claim_idx on old_part (dealer_id, claim_id);
create index old_part_order_line_idx on old_part (dealer_id, repair_order_line_id);
create index old_part_movement_part_idx on old_part_movement (dealer_id, old_part_id, id);

alter table old_part_shipment
  add column note text not null default '',
  add column created_by bigint references staff_user(id),
  add column created_at timestamptz not null default now(),
  add column received_by bigint references staff_user(id);
create index old_part_shipment_status_idx on old_part_shipment (dealer_id, status, id);

-- A payment is money that moved (a remittance, or a debit note when negative).
alter table warranty_payment add constraint warranty_payment_amount_nonzero check (amount <> 0);

-- Payments to a claim are positive, charge-backs negative; a charge-back for a part
-- found not confirmed names the part, once.
alter table warranty_payment_allocation
  add column old_part_id bigint,
  add column created_by bigint references staff_user(id),
  add column created_at timestamptz not null default now(),
  add constraint warranty_payment_allocation_sign check (
    (kind = 'payment' and amount > 0) or (kind = 'charge_back' and amount < 0)),
  add constraint warranty_payment_allocation_part_kind check (
    old_part_id is null or kind = 'charge_back'),
  add foreign key (dealer_id, old_part_id) references old_part(dealer_id, id);
create unique index warranty_payment_allocation_part_idx
  on warranty_payment_allocation (dealer_id, old_part_id) where old_part_id is not null;
create index warranty_payment_allocation_payment_idx
  on warranty_payment_allocation (dealer_id, payment_id);

-- The claim line of an old part: the one it was tagged from, else the live claim line
-- of the repair-order line it came from (a part is often tagged before the claim is
-- written). Security invoker: the caller's row-level security applies.
create view old_part_claim with (security_invoker = true) as
select op.id as old_part_id, op.dealer_id,
       coalesce(op.claim_line_id, l.claim_line_id) as claim_line_id,
       coalesce(op.claim_id, l.claim_id) as claim_id
  from old_part op
  left join lateral (
    select cl.id as claim_line_id, cl.claim_id
      from warranty_claim_line cl
      join warranty_claim c on c.dealer_id = cl.dealer_id and c.id = cl.claim_id
     where op.claim_id is null
       and cl.dealer_id = op.dealer_id
       and cl.repair_order_line_id = op.repair_order_line_id
       and cl.kind = 'part'
       and c.status <> 'cancelled'
     order by cl.id desc
     limit 1
  ) l on true;
grant select on old_part_claim to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
