"""Segregation of duties (职责分离): checks that hold whatever roles a person holds.

Permissions say who *may* act; these checks say who may not act *on this item*:
whoever requests a write-off does not approve it, and the three signatures of a
write-off (service manager, claims supervisor, parts manager) come from three
different people. Roles cannot express this because one person may hold several
roles (兼职), so the check is on people, at the moment of signing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from policies.errors import SegregationOfDutiesError


def ensure_not_requester(actor_user_id: int, requested_by_user_id: int | None, what: str) -> None:
    """The person who asked for ``what`` cannot approve it."""
    if requested_by_user_id is not None and actor_user_id == requested_by_user_id:
        raise SegregationOfDutiesError(
            f"{what}: the requester cannot approve their own request", user_id=actor_user_id
        )


def ensure_distinct_approvers(
    requester: int | None,
    approvals: Sequence[tuple[int, str]],
    required_capacities: Collection[str],
    *,
    what: str = "approval",
) -> frozenset[str]:
    """Check the signatures collected so far; return the capacities still missing.

    ``approvals`` are (user_id, capacity) pairs. Each capacity is signed at most
    once, each person signs at most once (not twice in two capacities), and the
    requester signs not at all. Call it before saving each new signature; the
    item is approved when the returned set is empty.
    """
    required = frozenset(required_capacities)
    seen_people: dict[int, str] = {}
    seen_capacities: set[str] = set()
    for user_id, capacity in approvals:
        if capacity not in required:
            raise ValueError(
                f"{what}: {capacity!r} is not a signing capacity ({', '.join(sorted(required))})"
            )
        ensure_not_requester(user_id, requester, what)
        if capacity in seen_capacities:
            raise SegregationOfDutiesError(
                f"{what}: the {capacity} signature is already given", user_id=user_id
            )
        if user_id in seen_people:
            raise SegregationOfDutiesError(
                f"{what}: the same person cannot sign as {seen_people[user_id]} and as {capacity}",
                user_id=user_id,
            )
        seen_people[user_id] = capacity
        seen_capacities.add(capacity)
    return required - seen_capacities
