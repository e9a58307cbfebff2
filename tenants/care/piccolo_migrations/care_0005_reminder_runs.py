"""Reminder generation runs: one row per generation of a dealer's effective targets.

The nightly generation runs once per dealer and local day (03:00 in the dealer's own
time zone): the partial unique index makes the second worker, or a cron tick after a
restart, find the day done; a worker that was down at 03:00 catches up on its next
tick that day. On-demand runs (a person refreshing the list) are recorded alike, so
the screen can say when the list was last made and what changed.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-26T01:40:00:000005"
VERSION = "1.38.0"
DESCRIPTION = "customer care: reminder generation runs"

SQL = """
create table care_reminder_run (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  as_of date not null,
  trigger text not null check (trigger in ('nightly', 'on_demand')),
  inserted integer not null default 0 check (inserted >= 0),
  refreshed integer not null default 0 check (refreshed >= 0),
  expired integer not null default 0 check (expired >= 0),
  requested_by bigint references staff_user(id),
  generated_at timestamptz not null default now(),
  unique (dealer_id, id)
);
create unique index care_reminder_run_nightly_idx on care_reminder_run (dealer_id, as_of)
  where trigger = 'nightly';
create index care_reminder_run_recent_idx on care_reminder_run (dealer_id, generated_at desc);

grant select, insert, update on care_reminder_run to dealernet_app;
grant usage, select on all sequences in schema public to dealernet_app;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="care", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("care_reminder_run"))

    manager.add_raw(run)
    return manager
