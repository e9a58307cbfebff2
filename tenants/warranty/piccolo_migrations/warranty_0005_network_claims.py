"""Claims of the same VIN at the manufacturer's other dealers.

Row-level security rightly hides other dealers' claims, yet the manufacturer rejects a
second claim for the same fault, or a second first service, wherever it was made. One
SECURITY DEFINER function answers just that: for a dealer in the caller's scope and one
VIN, the live claims made at the same manufacturer's other dealers, with the dealer's code,
type, fault code and date; no amounts, no customer, nothing of another brand.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-26T01:10:00:000005"
VERSION = "1.38.0"
DESCRIPTION = "warranty: the VIN's claims at the manufacturer's other dealers"

SQL = """
create index warranty_claim_network_vin_idx on warranty_claim (vin, dealer_id)
  where status not in ('draft', 'cancelled');

create function warranty_network_claims(asking_dealer bigint, claim_vin text)
returns table (dealer_code text, claim_type text, fault_code text, fault_date date,
               status text)
language sql stable security definer set search_path = public as $f$
  select d.code, c.claim_type, c.fault_code, c.fault_date, c.status
    from warranty_claim c
    join dealer d on d.id = c.dealer_id
    join region r on r.id = d.region_id
   where c.vin = claim_vin
     and c.dealer_id <> asking_dealer
     and c.status not in ('draft', 'cancelled')
     and asking_dealer = any(
           coalesce(nullif(current_setting('app.dealer_ids', true), ''), '{}')::bigint[])
     and r.manufacturer_id = (select r2.manufacturer_id
                                from dealer d2 join region r2 on r2.id = d2.region_id
                               where d2.id = asking_dealer)
   order by c.fault_date, d.code
$f$;
revoke all on function warranty_network_claims(bigint, text) from public;
grant execute on function warranty_network_claims(bigint, text) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
