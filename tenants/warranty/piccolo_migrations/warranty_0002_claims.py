"""Warranty claims up to submission: the causes a manufacturer excludes from warranty
and what else its policy asks of a claim (files, the duplicate window), the claims
specialist's judgement of each warranty line (cause and causal part), the service
manager's goodwill determination on the claim, and the indexes the claim checks and
the eligibility of order lines read by."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from tenants.migration_sql import protect_tenant_table, run_sql

ID = "2026-11-25T23:00:00:000002"
VERSION = "1.38.0"
DESCRIPTION = "warranty exclusions, line assessments, goodwill determination"

SQL = """
-- Causes a manufacturer does not pay for (accident jobs are insurance work); the
-- claims specialist names one of these for each warranty line he judges.
alter table warranty_policy
  add column excluded_causes text[] not null default '{accident,misuse,modification}'
    check (excluded_causes <@ array['defect', 'accident', 'misuse', 'modification',
                                    'lack_of_maintenance', 'external_influence']),
  add column requires_files boolean not null default false,
  add column duplicate_window_days integer not null default 90 check (duplicate_window_days > 0);

-- The claims specialist's judgement of a warranty line (保内鉴定): why it failed and
-- which part caused it; labour lines follow their causal part's warranty term.
create table warranty_line_assessment (
  id bigserial primary key,
  dealer_id bigint not null references dealer(id),
  repair_order_line_id bigint not null,
  cause text not null check (cause in ('defect', 'accident', 'misuse', 'modification',
                                       'lack_of_maintenance', 'external_influence')),
  causal_part_id bigint references part(id),
  note text not null default '',
  assessed_by bigint references staff_user(id),
  assessed_at timestamptz not null default now(),
  unique (dealer_id, id),
  unique (dealer_id, repair_order_line_id),
  foreign key (dealer_id, repair_order_line_id) references repair_order_line(dealer_id, id)
);

-- Goodwill (善意索赔) is the service manager's final determination, never the preparer's.
alter table warranty_claim
  add column goodwill_determined_by bigint references staff_user(id),
  add column goodwill_determined_at timestamptz,
  add column goodwill_reason text not null default '';

-- One live claim per order and fault (claims without a fault code are not yet built).
create unique index warranty_claim_order_fault_idx on warranty_claim
  (dealer_id, repair_order_id, fault_code) where status <> 'cancelled' and fault_code <> '';
create index warranty_claim_order_idx on warranty_claim (dealer_id, repair_order_id);
create index warranty_claim_created_idx on warranty_claim (dealer_id, created_at, id);
create index warranty_claim_line_order_line_idx on warranty_claim_line
  (dealer_id, repair_order_line_id);
create index warranty_claim_file_claim_idx on warranty_claim_file (dealer_id, claim_id);
create unique index warranty_claim_file_hash_idx on warranty_claim_file
  (dealer_id, claim_id, sha256);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="warranty", description=DESCRIPTION)

    async def run() -> None:
        await run_sql(SQL + protect_tenant_table("warranty_line_assessment"))

    manager.add_raw(run)
    return manager
