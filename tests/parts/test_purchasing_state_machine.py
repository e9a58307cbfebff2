"""The plan's state machine: draft -> submitted -> reviewed -> approved -> ordered, the
emergency fast channel, rejections, cancellation; every illegal move refused with rule
``status_transition``, every move in the history and the audit log, and segregation of
duties (the drafter never reviews or approves their own plan, the reviewer does not
also approve)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal

import asyncpg
import pytest

from policies.errors import PolicyDenied, SegregationOfDutiesError
from tenants.parts import purchase_orders, purchase_workflow, receiving
from tenants.parts.errors import RuleViolation
from tenants.parts.purchase_order_states import ALLOWED, STATUSES, refusal
from tests.factories import make_membership, make_user
from tests.parts.factories_parts import PartsShop
from tests.parts.purchasing_steps import acting, allowed_as, allowed_for, draft, ordered, status_of

TOMORROW = date.today() + timedelta(days=2)
NO_LIMIT = Decimal("1000000")


async def submit(shop: PartsShop, order_id: int, post: str = "planner") -> str:
    async with acting(shop, post) as tx:
        return (
            await purchase_workflow.submit(tx, shop.dealer_id, order_id, allowed_as(post))
        ).status


async def review(shop: PartsShop, order_id: int, post: str | int = "parts_manager") -> str:
    allowed = allowed_as(post) if isinstance(post, str) else allowed_for("parts_manager")
    async with acting(shop, post) as tx:
        return (await purchase_workflow.review(tx, shop.dealer_id, order_id, allowed, "ok")).status


async def approve(
    shop: PartsShop, order_id: int, post: str | int = "manager", limit: Decimal | None = NO_LIMIT
) -> str:
    allowed = (
        allowed_as(post)
        if isinstance(post, str)
        else allowed_for("parts_manager", "service_manager")
    )
    async with acting(shop, post) as tx:
        decision = await purchase_workflow.approve(tx, shop.dealer_id, order_id, allowed, limit)
    return decision.status


async def mark_ordered(shop: PartsShop, order_id: int) -> str:
    async with acting(shop, "planner") as tx:
        decision = await purchase_workflow.mark_ordered(
            tx, shop.dealer_id, order_id, allowed_as("planner"), TOMORROW
        )
    return decision.status


def test_the_table_refuses_every_move_off_the_process() -> None:
    for source, target in itertools.product(STATUSES, STATUSES):
        for urgency in ("regular", "emergency"):
            reason = refusal(source, target, urgency)
            fast_lane = {
                ("submitted", "approved"): "emergency",
                ("submitted", "reviewed"): "regular",
            }
            expected_ok = (source, target) in ALLOWED and fast_lane.get(
                (source, target), urgency
            ) == urgency
            assert (reason is None) == expected_ok, (source, target, urgency, reason)
    assert "nothing moves it" in (refusal("received", "cancelled", "regular") or "")
    assert "skips the review" in (refusal("submitted", "reviewed", "emergency") or "")
    assert "reviewed by the parts manager" in (refusal("submitted", "approved", "regular") or "")


async def test_a_plan_goes_draft_to_ordered_with_stamps_history_and_audit(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "10", "oil": ("24", "36")})
    assert await submit(shop, order_id) == "submitted"
    assert await review(shop, order_id) == "reviewed"
    assert await approve(shop, order_id) == "approved"
    assert await mark_ordered(shop, order_id) == "ordered"
    row = await db.fetchrow("select * from purchase_order where id = $1", order_id)
    assert row["created_by"] == row["submitted_by"] == shop.users["planner"]
    assert row["reviewed_by"] == shop.users["parts_manager"]
    assert row["approved_by"] == shop.users["manager"]
    assert row["ordered_by"] == shop.users["planner"]
    assert row["expected_on"] == TOMORROW
    assert row["decision_note"] == ""
    history = await db.fetch(
        "select from_status, to_status, actor_user_id from purchase_order_event"
        " where purchase_order_id = $1 order by id",
        order_id,
    )
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        ("draft", "submitted"),
        ("submitted", "reviewed"),
        ("reviewed", "approved"),
        ("approved", "ordered"),
    ]
    actions = await db.fetch(
        "select action, actor_user_id from audit_entry where object_type = 'purchase_order'"
        " and object_id = $1 order by id",
        str(order_id),
    )
    assert [a["action"] for a in actions] == [
        "purchase_order.create",
        "purchase_order.submitted",
        "purchase_order.reviewed",
        "purchase_order.approved",
        "purchase_order.ordered",
    ]
    # The approved plan counts as on order from approval on.
    on_order = await db.fetchval(
        "select on_order from stock_on_order where stock_item_id = $1", shop.items["filter"]
    )
    assert on_order == Decimal(10)


async def test_emergency_orders_skip_the_review(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"pad": "2"}, urgency="emergency")
    await submit(shop, order_id)
    with pytest.raises(RuleViolation) as refused:
        await review(shop, order_id)
    assert refused.value.rule == "status_transition"
    assert "skips the review" in refused.value.message
    # The parts manager approves directly (purchase_order:approve), within the limit.
    assert await approve(shop, order_id, "parts_manager", Decimal("50000")) == "approved"
    assert await db.fetchval(
        "select reviewed_by is null from purchase_order where id = $1", order_id
    )


async def test_a_regular_plan_is_not_approved_before_review_nor_by_the_parts_manager(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"})
    await submit(shop, order_id)
    with pytest.raises(RuleViolation) as early:
        await approve(shop, order_id)
    assert early.value.rule == "status_transition"
    await review(shop, order_id)
    with pytest.raises(PolicyDenied) as denied:
        await approve(shop, order_id, "parts_manager")
    assert (denied.value.object, denied.value.action) == ("parts_plan", "approve")
    assert await status_of(db, order_id) == "reviewed"


@pytest.mark.parametrize(
    ("step", "from_status"),
    [
        ("review", "draft"),
        ("approve", "draft"),
        ("order", "draft"),
        ("order", "submitted"),
        ("order", "reviewed"),
        ("submit", "reviewed"),
        ("review", "approved"),
    ],
)
async def test_moves_off_the_process_are_refused(
    db: asyncpg.Connection, parts_shop: PartsShop, step: str, from_status: str
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"})
    steps = ["submit", "review", "approve"]
    reach = {"draft": 0, "submitted": 1, "reviewed": 2, "approved": 3}[from_status]
    for name in steps[:reach]:
        await {"submit": submit, "review": review, "approve": approve}[name](shop, order_id)
    assert await status_of(db, order_id) == from_status
    run = {"submit": submit, "review": review, "approve": approve}.get(step)
    with pytest.raises(RuleViolation) as refused:
        if run is not None:
            await run(shop, order_id)
        else:
            await mark_ordered(shop, order_id)
    assert refused.value.rule == "status_transition"
    assert refused.value.extra["fromStatus"] == from_status
    assert await status_of(db, order_id) == from_status


async def test_lines_change_only_while_draft_and_a_plan_needs_lines(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"})
    async with acting(shop, "planner") as tx:
        line_id = await purchase_orders.add_line(
            tx, shop.dealer_id, order_id, shop.items["filter"], Decimal(5)
        )
        await purchase_orders.add_line(tx, shop.dealer_id, order_id, shop.items["oil"], Decimal(12))
        await purchase_orders.update_line(
            tx, shop.dealer_id, line_id, quantity=Decimal(15), unit_price=Decimal("49.50")
        )
    quantities = await db.fetch(
        "select stock_item_id, quantity, unit_price from purchase_order_line"
        " where purchase_order_id = $1 order by id",
        order_id,
    )
    assert [(r["quantity"], r["unit_price"]) for r in quantities] == [
        (Decimal(15), Decimal("49.50")),
        (Decimal(12), Decimal(35)),  # the item's cost
    ]
    await submit(shop, order_id)
    with pytest.raises(RuleViolation) as refused:
        async with acting(shop, "planner") as tx:
            await purchase_orders.update_line(tx, shop.dealer_id, line_id, quantity=Decimal(1))
    assert refused.value.rule == "draft_only"

    empty = await draft(shop, {"pad": "2"})
    pad_line = await db.fetchval(
        "select id from purchase_order_line where purchase_order_id = $1", empty
    )
    async with acting(shop, "planner") as tx:
        await purchase_orders.remove_line(tx, shop.dealer_id, pad_line)
    with pytest.raises(RuleViolation) as nothing:
        await submit(shop, empty)
    assert nothing.value.rule == "not_empty"


async def test_rejection_back_to_draft_reworks_and_for_good_closes(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"})
    await submit(shop, order_id)
    with pytest.raises(RuleViolation) as no_reason:
        async with acting(shop, "parts_manager") as tx:
            await purchase_workflow.reject(
                tx, shop.dealer_id, order_id, allowed_as("parts_manager"), " ", back_to_draft=True
            )
    assert no_reason.value.rule == "reason_required"
    async with acting(shop, "parts_manager") as tx:
        await purchase_workflow.reject(
            tx,
            shop.dealer_id,
            order_id,
            allowed_as("parts_manager"),
            "too many",
            back_to_draft=True,
        )
    row = await db.fetchrow("select * from purchase_order where id = $1", order_id)
    assert (row["status"], row["decision_note"]) == ("draft", "too many")
    assert row["submitted_by"] is None and row["rejected_by"] == shop.users["parts_manager"]
    # Reworked and handed in again; the service manager now rejects it for good.
    await submit(shop, order_id)
    await review(shop, order_id)
    async with acting(shop, "manager") as tx:
        await purchase_workflow.reject(
            tx, shop.dealer_id, order_id, allowed_as("manager"), "not now", back_to_draft=False
        )
    assert await status_of(db, order_id) == "rejected"
    for run in (submit, review, approve, mark_ordered):
        with pytest.raises(RuleViolation) as closed:
            await run(shop, order_id)  # type: ignore[operator]
        assert closed.value.rule == "status_transition"
        assert "nothing moves it" in closed.value.message


async def test_a_keeper_cannot_reject_and_a_reviewer_cannot_reject_a_reviewed_plan(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"})
    await submit(shop, order_id)
    with pytest.raises(PolicyDenied):
        async with acting(shop, "keeper") as tx:
            await purchase_workflow.reject(
                tx, shop.dealer_id, order_id, allowed_as("keeper"), "no", back_to_draft=True
            )
    await review(shop, order_id)
    with pytest.raises(PolicyDenied) as denied:
        async with acting(shop, "parts_manager") as tx:
            await purchase_workflow.reject(
                tx, shop.dealer_id, order_id, allowed_as("parts_manager"), "no", back_to_draft=True
            )
    assert (denied.value.object, denied.value.action) == ("parts_plan", "approve")


async def test_the_drafter_never_reviews_or_approves_their_own_plan(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    # The parts manager drafts (parts_plan:create) and submits: someone else reviews.
    order_id = await draft(shop, {"filter": "5"}, post="parts_manager")
    await submit(shop, order_id, "parts_manager")
    with pytest.raises(SegregationOfDutiesError):
        await review(shop, order_id, "parts_manager")
    with pytest.raises(SegregationOfDutiesError):
        async with acting(shop, "parts_manager") as tx:
            await purchase_workflow.reject(
                tx, shop.dealer_id, order_id, allowed_as("parts_manager"), "x", back_to_draft=True
            )
    # An emergency drafted by the parts manager: not theirs to approve either.
    urgent = await draft(shop, {"pad": "2"}, post="parts_manager", urgency="emergency")
    await submit(shop, urgent, "parts_manager")
    with pytest.raises(SegregationOfDutiesError):
        await approve(shop, urgent, "parts_manager", Decimal("50000"))
    assert await approve(shop, urgent, "manager") == "approved"
    assert await status_of(db, order_id) == "submitted"


async def test_whoever_submitted_someone_elses_draft_does_not_review_it(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"}, post="planner")
    await submit(shop, order_id, "parts_manager")
    with pytest.raises(SegregationOfDutiesError):
        await review(shop, order_id, "parts_manager")


async def test_one_person_holding_both_posts_does_not_review_and_approve(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    """兼职: a parts manager who is also service manager reviews, then someone else approves."""
    shop = parts_shop
    both = await make_user(db, "both-posts")
    await make_membership(db, shop.dealer_id, both, ["parts_manager", "service_manager"])
    order_id = await draft(shop, {"filter": "5"})
    await submit(shop, order_id)
    assert await review(shop, order_id, both) == "reviewed"
    with pytest.raises(SegregationOfDutiesError):
        await approve(shop, order_id, both)
    assert await approve(shop, order_id, "manager") == "approved"


async def test_cancel_before_any_receipt_only(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    plan = await draft(shop, {"filter": "5"})
    async with acting(shop, "planner") as tx:
        await purchase_workflow.cancel(tx, shop.dealer_id, plan, allowed_as("planner"), "duplicate")
    assert await status_of(db, plan) == "cancelled"

    order_id = await ordered(db, shop, {"filter": "10"})
    async with acting(shop, "keeper") as tx:
        receipt = await receiving.open_receipt(tx, shop.dealer_id, order_id)
    with pytest.raises(RuleViolation) as busy:
        async with acting(shop, "planner") as tx:
            await purchase_workflow.cancel(tx, shop.dealer_id, order_id, allowed_as("planner"), "x")
    assert busy.value.rule == "open_receipt"
    async with acting(shop, "planner") as tx:
        await receiving.check_shipping_list(tx, shop.dealer_id, receipt, {})
    line = await db.fetchval("select id from parts_receipt_line where receipt_id = $1", receipt)
    async with acting(shop, "keeper") as tx:
        await receiving.count_line(
            tx, shop.dealer_id, line, receiving.Count(Decimal(4)), allowed_as("keeper")
        )
        await receiving.post_receipt(tx, shop.dealer_id, receipt)
    assert await status_of(db, order_id) == "partially_received"
    with pytest.raises(RuleViolation) as late:
        async with acting(shop, "planner") as tx:
            await purchase_workflow.cancel(tx, shop.dealer_id, order_id, allowed_as("planner"), "x")
    assert late.value.rule == "status_transition"


async def test_an_order_is_not_expected_in_the_past(
    db: asyncpg.Connection, parts_shop: PartsShop
) -> None:
    shop = parts_shop
    order_id = await draft(shop, {"filter": "5"})
    await submit(shop, order_id)
    await review(shop, order_id)
    await approve(shop, order_id)
    with pytest.raises(RuleViolation) as past:
        async with acting(shop, "planner") as tx:
            await purchase_workflow.mark_ordered(
                tx,
                shop.dealer_id,
                order_id,
                allowed_as("planner"),
                date.today() - timedelta(days=3),
            )
    assert past.value.rule == "not_in_past"
    with pytest.raises(PolicyDenied):
        async with acting(shop, "keeper") as tx:
            await purchase_workflow.mark_ordered(
                tx, shop.dealer_id, order_id, allowed_as("keeper"), TOMORROW
            )
    assert await mark_ordered(shop, order_id) == "ordered"
