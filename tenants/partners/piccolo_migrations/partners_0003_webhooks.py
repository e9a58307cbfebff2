"""Webhooks for partner applications: subscriptions, the event outbox, one delivery per
event and subscription, and the log of every attempt.

An event is written in the transaction of the change it reports (transactional outbox)
together with one delivery per matching subscription; the worker posts each delivery
outside any transaction. Like the warranty outbox, the worker runs as the app role with
no dealer in scope, so ``webhook_delivery_due(n)`` (SECURITY DEFINER) tells it which
(dealer, delivery) pairs are due, keys only; each attempt then runs scoped to its dealer.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-26T05:20:00:000003"
VERSION = "1.38.0"
DESCRIPTION = "partner webhooks: subscriptions, outbox, deliveries, attempt log"

SQL = """
create table webhook_subscription (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  partner_app_id bigint not null,
  url text not null
    check (url ~* '^https?://[^[:space:]/?#]+[^[:space:]]*$' and length(url) <= 2000),
  event_types text[] not null check (cardinality(event_types) between 1 and 50),
  description text not null default '' check (length(description) <= 500),
  signing_secret text not null check (signing_secret like 'whsec_%'),
  -- After a rotation posts are signed with both secrets until previous_secret_until.
  previous_signing_secret text,
  previous_secret_until timestamptz,
  secret_rotated_at timestamptz,
  active boolean generated always as (disabled_at is null) stored,
  created_by bigint references staff_user(id),
  created_by_api_key_id bigint,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  disabled_at timestamptz,
  unique (dealer_id, id),
  foreign key (dealer_id, partner_app_id) references partner_app (dealer_id, id),
  foreign key (dealer_id, created_by_api_key_id) references api_key (dealer_id, id)
);
create index webhook_subscription_app_idx on webhook_subscription (dealer_id, partner_app_id, id);
-- Emission asks "who listens to this event here?" on every domain change: a small index
-- of the live subscriptions only.
create index webhook_subscription_live_idx on webhook_subscription (dealer_id)
  where disabled_at is null;

create table webhook_event (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  event_id uuid not null default gen_random_uuid() unique,
  event_type text not null check (event_type ~ '^[a-z_]+\\.[a-z_]+$'),
  payload jsonb not null,
  occurred_at timestamptz not null default now(),
  unique (dealer_id, id)
);

create table webhook_delivery (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  event_id bigint not null,
  subscription_id bigint not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  locked_until timestamptz,
  last_http_status integer,
  last_error text not null default '',
  delivered_at timestamptz,
  replay_of bigint,
  requested_by bigint references staff_user(id),
  requested_by_api_key_id bigint,
  created_at timestamptz not null default now(),
  unique (dealer_id, id),
  foreign key (dealer_id, event_id) references webhook_event (dealer_id, id),
  foreign key (dealer_id, subscription_id) references webhook_subscription (dealer_id, id),
  foreign key (dealer_id, replay_of) references webhook_delivery (dealer_id, id),
  foreign key (dealer_id, requested_by_api_key_id) references api_key (dealer_id, id),
  check (status <> 'delivered' or delivered_at is not null)
);
create index webhook_delivery_subscription_idx
  on webhook_delivery (dealer_id, subscription_id, id desc);
create index webhook_delivery_event_idx on webhook_delivery (dealer_id, event_id);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at, id)
  where status = 'pending';

create table webhook_attempt (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  delivery_id bigint not null,
  attempt integer not null check (attempt >= 1),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms integer,
  outcome text not null default 'sending'
    check (outcome in ('sending', 'delivered', 'retry', 'dead', 'lost')),
  http_status integer,
  error text not null default '',
  response_excerpt text not null default '',
  unique (dealer_id, delivery_id, attempt),
  foreign key (dealer_id, delivery_id) references webhook_delivery (dealer_id, id)
);

create function webhook_delivery_due(max_rows integer)
returns table (dealer_id bigint, id bigint, attempts integer, next_attempt_at timestamptz)
language sql stable security definer set search_path = public as $f$
  select d.dealer_id, d.id, d.attempts, d.next_attempt_at
    from webhook_delivery d
   where d.status = 'pending'
     and d.next_attempt_at <= now()
     and (d.locked_until is null or d.locked_until <= now())
   order by d.next_attempt_at, d.id
   limit max_rows
$f$;
revoke all on function webhook_delivery_due(integer) from public;
grant execute on function webhook_delivery_due(integer) to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="partners", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(
            SQL
            + protect_tenant_table("webhook_subscription")
            + protect_tenant_table("webhook_event")
            + protect_tenant_table("webhook_delivery")
            + protect_tenant_table("webhook_attempt")
        )

    manager.add_raw(run)
    return manager
