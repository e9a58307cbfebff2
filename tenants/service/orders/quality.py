"""Quality checks (质量检验): self (自检), team (互检) and final (总检) per round, by three
different people; the final check only after self and team passed in the round.

A failed check sends the order back to rework (work_done -> in_progress, counted in
``rework_count``, which the first-time-fix measure reads) and the next round starts;
a passed final check makes the order ready for settlement.
"""

from __future__ import annotations

import asyncpg

from policies.segregation import ensure_distinct_approvers
from tenants.audit.recorder import record
from tenants.database import ActiveTransaction
from tenants.service.board_events import publish_board_change

from .errors import OrderRuleError
from .quotation import lock_order
from .state_machine import transition

STAGES = ("self", "team", "final")
PERMISSION_OF_STAGE = {"self": "self_check", "team": "team_check", "final": "final_check"}
"""The ``quality_check`` action that records each stage."""


async def record_check(
    tx: ActiveTransaction,
    order_id: int,
    stage: str,
    *,
    passed: bool,
    notes: str = "",
    request_id: str = "",
) -> asyncpg.Record:
    connection = tx.connection
    if stage not in STAGES:
        raise OrderRuleError("check_stage", f"stage is one of {STAGES}", field="stage")
    order = await lock_order(connection, order_id)
    if order["status"] != "work_done":
        raise OrderRuleError(
            "check_after_work_done",
            f"the order is {order['status']}; checks are made when the work is done",
        )
    if not passed and not notes.strip():
        raise OrderRuleError("rework_needs_reason", "say what failed", field="notes")
    round_no: int = order["rework_count"]
    done = await connection.fetch(
        "select stage, passed, checked_by from quality_check"
        " where repair_order_id = $1 and round = $2",
        order_id,
        round_no,
    )
    by_stage = {row["stage"]: row for row in done}
    if stage in by_stage:
        raise OrderRuleError(
            "check_already_recorded", f"the {stage} check of this round is recorded"
        )
    needed = STAGES[: STAGES.index(stage)]
    missing = [s for s in needed if s not in by_stage or not by_stage[s]["passed"]]
    if missing:
        raise OrderRuleError(
            f"{stage}_check_needs_{'_and_'.join(missing)}",
            f"the {stage} check comes after the {' and '.join(missing)} check passed",
            field="stage",
        )
    assert tx.scope.user_id is not None
    ensure_distinct_approvers(
        None,
        [(row["checked_by"], row["stage"]) for row in done] + [(tx.scope.user_id, stage)],
        STAGES,
        what="quality check",
    )
    row = await connection.fetchrow(
        "insert into quality_check (dealer_id, repair_order_id, stage, round, passed, notes,"
        " checked_by) values ($1, $2, $3, $4, $5, $6, $7) returning *",
        order["dealer_id"],
        order_id,
        stage,
        round_no,
        passed,
        notes.strip(),
        tx.scope.user_id,
    )
    assert row is not None
    await record(
        dealer_id=order["dealer_id"],
        action=f"quality_check.{stage}",
        object_type="repair_order",
        object_id=order_id,
        after={"round": round_no, "passed": passed, "notes": notes.strip()},
        request_id=request_id,
    )
    if not passed:
        await transition(
            tx,
            order_id,
            "in_progress",
            f"{stage} check failed: {notes.strip()}",
            request_id=request_id,
        )
    elif stage == "final":
        await transition(tx, order_id, "ready", "final check passed", request_id=request_id)
    else:
        await publish_board_change(order["dealer_id"], order_id)
    return row
