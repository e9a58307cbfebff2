"""Segregation of duties: on people, whatever roles they hold."""

from __future__ import annotations

import asyncpg
import pytest

from policies.catalog import WRITE_OFF_CAPACITIES
from policies.errors import SegregationOfDutiesError
from policies.segregation import ensure_distinct_approvers, ensure_not_requester
from policies.store import PolicyStore, Subject
from tests.factories import Network, make_membership, make_user

WRITE_OFF = tuple(WRITE_OFF_CAPACITIES)  # service_manager, claims_supervisor, parts_manager
REQUESTER = 1


def test_requester_never_approves_own_request() -> None:
    with pytest.raises(SegregationOfDutiesError) as error:
        ensure_not_requester(5, 5, "write-off")
    assert error.value.code == "SEGREGATION_OF_DUTIES"
    assert error.value.user_id == 5
    assert "write-off" in str(error.value)
    ensure_not_requester(5, 6, "write-off")
    ensure_not_requester(5, None, "write-off")


def test_write_off_needs_three_different_people_none_the_requester() -> None:
    approvals = [(2, "service_manager"), (3, "claims_supervisor"), (4, "parts_manager")]
    assert ensure_distinct_approvers(REQUESTER, approvals, WRITE_OFF) == frozenset()


def test_partial_approvals_report_what_is_missing() -> None:
    missing = ensure_distinct_approvers(REQUESTER, [(2, "service_manager")], WRITE_OFF)
    assert missing == {"claims_supervisor", "parts_manager"}
    assert ensure_distinct_approvers(REQUESTER, [], WRITE_OFF) == set(WRITE_OFF)


@pytest.mark.parametrize(
    "approvals",
    [
        [(2, "service_manager"), (2, "parts_manager")],  # one person, two capacities
        [(REQUESTER, "service_manager")],  # the requester signs
        [(2, "service_manager"), (3, "claims_supervisor"), (REQUESTER, "parts_manager")],
        [(2, "service_manager"), (3, "service_manager")],  # a capacity signed twice
    ],
)
def test_violations_are_refused(approvals: list[tuple[int, str]]) -> None:
    with pytest.raises(SegregationOfDutiesError) as error:
        ensure_distinct_approvers(REQUESTER, approvals, WRITE_OFF, what="write-off")
    assert error.value.code == "SEGREGATION_OF_DUTIES"


def test_unknown_capacity_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        ensure_distinct_approvers(REQUESTER, [(2, "janitor")], WRITE_OFF)


async def test_holding_two_signing_roles_still_gives_one_signature(
    db: asyncpg.Connection, store: PolicyStore, network: Network
) -> None:
    a = network.dealer_ids[0]
    both = await make_user(db)
    await make_membership(db, a, both, ["service_manager", "parts_manager"])
    await store.reload()
    subject = Subject.user(both)
    capacities = [
        capacity
        for capacity, role in WRITE_OFF_CAPACITIES.items()
        if any(g.role == role for g in store.roles_of(subject, a))
    ]
    assert capacities == ["service_manager", "parts_manager"]
    assert store.allowed(subject, a, "parts_write_off", "approve")
    ensure_distinct_approvers(REQUESTER, [(both, capacities[0])], WRITE_OFF)
    with pytest.raises(SegregationOfDutiesError):
        ensure_distinct_approvers(REQUESTER, [(both, c) for c in capacities], WRITE_OFF)
    with pytest.raises(SegregationOfDutiesError):
        ensure_distinct_approvers(both, [(both, capacities[0])], WRITE_OFF)
