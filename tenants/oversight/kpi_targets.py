"""The manufacturer's target for each KPI: its own ``kpi_target`` row, else the catalog's
default (the seeds' figures), so a dashboard always compares against something stated.

The direction comes from the catalog's ``better``: a KPI where higher is better is met
``at_least`` its target, one where lower is better ``at_most``; a KPI that is neither
(claim counts and amounts: a signal, not a goal) still gets ``at_most`` when a
manufacturer sets a ceiling for it."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

import asyncpg

from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.errors import RuleViolation
from tenants.oversight.kpi_catalog import KPI_BY_KEY, KPIS, KpiDefinition

Direction = Literal["at_least", "at_most"]
DIRECTIONS: tuple[Direction, ...] = ("at_least", "at_most")


def default_direction(kpi: KpiDefinition) -> Direction:
    return "at_most" if kpi.better == "lower" else "at_least"


async def targets_for(
    connection: asyncpg.Connection, manufacturer_id: int
) -> dict[str, tuple[Decimal | None, str]]:
    """Every catalog KPI -> (target, direction): the manufacturer's row where it set one,
    the catalog default otherwise (``None`` where the catalog names no target)."""
    rows = await connection.fetch(
        "select kpi, target, direction from kpi_target where manufacturer_id = $1",
        manufacturer_id,
    )
    own = {r["kpi"]: (r["target"], r["direction"]) for r in rows}
    result: dict[str, tuple[Decimal | None, str]] = {}
    for kpi in KPIS:
        result[kpi.key] = own.get(kpi.key, (kpi.default_target, default_direction(kpi)))
    return result


async def set_target(
    tx: ActiveTransaction,
    audit_dealer_id: int,
    manufacturer_id: int,
    kpi: str,
    target: Decimal | None,
    direction: str | None = None,
    *,
    request_id: str = "",
) -> tuple[Decimal | None, str]:
    """Set (or, with ``target=None``, remove, falling back to the catalog default) the
    manufacturer's target for one KPI; one audit entry with before and after. The audit
    entry is filed under ``audit_dealer_id`` (the dealer the regional manager acts from),
    as the warranty policy's changes are."""
    definition = KPI_BY_KEY.get(kpi)
    if definition is None:
        raise RuleViolation("kpi", "unknown_kpi", f"Unknown KPI {kpi!r}", kpi=kpi)
    chosen = direction or default_direction(definition)
    if chosen not in DIRECTIONS:
        raise RuleViolation("direction", "direction", "Direction is at_least or at_most")
    if target is not None:
        if not target.is_finite() or target < 0:
            raise RuleViolation("target", "not_negative", "A target is a number >= 0")
        if definition.unit == "ratio" and definition.key not in _UNBOUNDED_RATIOS and target > 1:
            raise RuleViolation("target", "ratio_range", "A rate is a fraction between 0 and 1")
    connection = tx.connection
    before = await connection.fetchrow(
        "select target, direction from kpi_target where manufacturer_id = $1 and kpi = $2"
        " for update",
        manufacturer_id,
        kpi,
    )
    if target is None:
        await connection.execute(
            "delete from kpi_target where manufacturer_id = $1 and kpi = $2", manufacturer_id, kpi
        )
        after: tuple[Decimal | None, str] = (
            definition.default_target,
            default_direction(definition),
        )
    else:
        await connection.execute(
            """
            insert into kpi_target (manufacturer_id, kpi, target, direction, updated_by)
            values ($1, $2, $3, $4, $5)
            on conflict (manufacturer_id, kpi) do update
               set target = excluded.target, direction = excluded.direction,
                   updated_by = excluded.updated_by, updated_at = now()
            """,
            manufacturer_id,
            kpi,
            target,
            chosen,
            tx.scope.user_id,
        )
        after = (target, chosen)
    await record(
        dealer_id=audit_dealer_id,
        action="kpi_target.remove" if target is None else "kpi_target.set",
        object_type="kpi_target",
        object_id=f"{manufacturer_id}:{kpi}",
        before=dict(before) if before is not None else None,
        after={"target": after[0], "direction": after[1], "default": target is None},
        request_id=request_id,
    )
    return after


_UNBOUNDED_RATIOS = frozenset({"efficiency", "parts_turnover", "claims_per_100_orders"})
"""Ratios that are not shares of a whole, so their targets may exceed 1."""
