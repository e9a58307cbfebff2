"""Delivery of the warranty outbox: the two doors the app role needs before it knows
which dealer a message belongs to, and the indexes of the dealer's delivery panel.

The worker and the manufacturer's callback run as ``dealernet_app`` with no dealer in
scope; row-level security then hides every outbox row. Rather than giving them a scope
of every dealer (one transaction that could touch all tenants), two SECURITY DEFINER
functions answer exactly one question each, returning keys only:

- ``warranty_outbox_due(n)``: which (dealer, message) pairs are due now. The worker then
  handles each message in a transaction scoped to that one dealer.
- ``warranty_message_by_key(manufacturer, key)``: which dealer and claim a manufacturer's
  answer refers to, by the idempotency key it received, among that manufacturer's dealers
  only (a manufacturer cannot reach another brand's claims by guessing keys).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import run_sql

ID = "2026-11-25T23:00:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "warranty delivery: due messages, callback lookup"

SQL = """
create function warranty_outbox_due(max_rows integer)
returns table (dealer_id bigint, id bigint, attempts integer, next_attempt_at timestamptz)
language sql stable security definer set search_path = public as $f$
  select o.dealer_id, o.id, o.attempts, o.next_attempt_at
    from warranty_outbox o
   where o.status = 'pending'
     and o.next_attempt_at <= now()
     and (o.locked_until is null or o.locked_until <= now())
   order by o.next_attempt_at, o.id
   limit max_rows
$f$;
revoke all on function warranty_outbox_due(integer) from public;
grant execute on function warranty_outbox_due(integer) to dealernet_app;

create function warranty_message_by_key(manufacturer bigint, key text)
returns table (dealer_id bigint, claim_id bigint, message_id bigint)
language sql stable security definer set search_path = public as $f$
  select o.dealer_id, o.claim_id, o.id
    from warranty_outbox o
    join dealer d on d.id = o.dealer_id
    join region r on r.id = d.region_id
   where o.idempotency_key = key and r.manufacturer_id = manufacturer
$f$;
revoke all on function warranty_message_by_key(bigint, text) from public;
grant execute on function warranty_message_by_key(bigint, text) to dealernet_app;

-- The dealer's delivery panel: a claim's messages, and the dead letters to retry.
create index warranty_outbox_claim_idx on warranty_outbox (dealer_id, claim_id, id);
create index warranty_outbox_dead_idx on warranty_outbox (dealer_id, id) where status = 'dead';
-- The reviewers' inbox: newest received copies of their dealers.
create index warranty_submission_status_idx on warranty_submission (dealer_id, status, id);
create index warranty_submission_claim_idx on warranty_submission (dealer_id, claim_id, id);
create index warranty_decision_claim_idx on warranty_decision (dealer_id, claim_id, id);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL)

    manager.add_raw(run)
    return manager
