"""Which tables are not tenant-owned, and why.

Every table in schema ``public`` is tenant-owned unless it is named here: it then
carries a NOT NULL ``dealer_id``, sits behind forced row-level security and has an
index led by ``dealer_id`` (``tests/tenancy/test_tenant_tables.py`` checks this on
the migrated schema). On Citus, tenant-owned tables are distributed by
``dealer_id``; the tables below are not (see ``docs/scaling.md``).
"""

from __future__ import annotations

REFERENCE_TABLES: frozenset[str] = frozenset(
    {
        # The network itself: small, read on almost every request, joined to
        # tenant rows. Citus copies reference tables to every worker.
        "manufacturer",
        "region",
        "dealer",
        "staff_user",
        # Manufacturer staff span many dealers, so they belong to no single one.
        "region_assignment",
        "manufacturer_assignment",
        # The manufacturer's catalogs: parts and standard labour times (标准工时).
        "part",
        "labour_operation",
        "operation_part",
        # The manufacturer's warranty terms, recalls and campaigns with their VINs.
        "warranty_policy",
        "warranty_part_group_term",
        "campaign",
        "campaign_vehicle",
        # The manufacturer's oversight standards: KPI targets, the audit checklist and
        # technical bulletins, the same for every dealer of the brand.
        "kpi_target",
        "audit_checklist_item",
        "technical_bulletin",
    }
)
"""Network tables shared by all dealers; Citus reference tables."""

LOCAL_TABLES: frozenset[str] = frozenset(
    {
        # Piccolo's record of applied migrations.
        "migration",
        # Sign-in state: keyed by token and person, written on every sign-in and
        # touched on use, read only by the coordinator before a tenant scope exists.
        "auth_session",
        "auth_event",
    }
)
"""Tables that stay on the Citus coordinator only (no dealer, not replicated)."""

NON_TENANT_TABLES: frozenset[str] = REFERENCE_TABLES | LOCAL_TABLES
