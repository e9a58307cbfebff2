"""Campaign completion flows back to the manufacturer, through one narrow door.

``campaign_vehicle`` is a reference table (the manufacturer's VIN list, no dealer, no
row-level security), yet a dealer's delivery must mark a VIN's campaign done. The app role
keeps reading and adding VINs (the regional manager imports them) but loses UPDATE and
DELETE on it; one SECURITY DEFINER function, ``campaign_complete``, sets the completion
columns of one (campaign, VIN) pair, once, and only when:

- the dealer is in the transaction's scope (``app.dealer_ids``),
- the repair order is that dealer's, delivered, on a vehicle with that VIN,
- the order holds an approved line of the campaign's labour operation,
- the campaign is open and of the dealer's manufacturer.

It returns whether it completed the row (false when already completed or not eligible).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T02:20:00:000006"
VERSION = "1.38.0"
DESCRIPTION = "oversight: campaign completion through a checked SECURITY DEFINER function"

SQL = """
revoke update, delete, truncate on campaign_vehicle from dealernet_app;

create function campaign_complete(dealer bigint, vehicle_vin text, campaign bigint,
                                  repair_order bigint, at timestamptz)
returns boolean
language sql volatile security definer set search_path = public as $f$
  with eligible as (
    select 1
      from repair_order o
      join vehicle v on v.dealer_id = o.dealer_id and v.id = o.vehicle_id
      join campaign c on c.id = campaign
      join dealer d on d.id = o.dealer_id
      join region r on r.id = d.region_id
     where o.id = repair_order
       and o.dealer_id = dealer
       and o.status = 'delivered'
       and v.vin = vehicle_vin
       and c.status = 'open'
       and c.manufacturer_id = r.manufacturer_id
       and dealer = any(dealernet_allowed_dealers())
       and exists (select 1 from repair_order_line l
                    where l.dealer_id = o.dealer_id and l.repair_order_id = o.id
                      and l.kind = 'labour' and l.operation_id = c.operation_id
                      and l.status = 'approved')
  ), done as (
    update campaign_vehicle cv
       set completed_at = at, completed_dealer_id = dealer,
           completed_repair_order_id = repair_order
     where cv.campaign_id = campaign and cv.vin = vehicle_vin and cv.completed_at is null
       and exists (select 1 from eligible)
    returning 1
  )
  select exists (select 1 from done)
$f$;
revoke all on function campaign_complete(bigint, text, bigint, bigint, timestamptz) from public;
grant execute on function campaign_complete(bigint, text, bigint, bigint, timestamptz)
  to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="oversight", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
