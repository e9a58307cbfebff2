"""The enforcer's matcher in Python decides exactly as casbin's evaluation of model.conf:
every role at two dealers, people holding several roles, API keys acting as their role,
allow and deny overrides in one dealer, and questions at a dealer where the subject holds
nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from policies.adapter import GrantRow, OverrideRow, PolicyRows, dealer_domain, user_subject
from policies.catalog import DUTIES, DUTY_ACTION, PERMISSIONS, ROLES, duty_object, role_subject
from policies.store import PolicyStore

DEALERS = (11, 12)


def _rows() -> PolicyRows:
    grants = []
    user = 100
    for dealer in DEALERS:
        for role in ROLES:
            user += 1
            grants.append(GrantRow(user, dealer, role, "membership", user))
    # One person with two roles at the first dealer, one with a role at both.
    grants += [
        GrantRow(900, DEALERS[0], "technical_director", "membership", 900),
        GrantRow(900, DEALERS[0], "team_leader", "membership", 900),
        GrantRow(901, DEALERS[0], "service_advisor", "membership", 901),
        GrantRow(901, DEALERS[1], "service_advisor", "region", 1),
    ]
    now = datetime.now(UTC)

    def override(n: int, role: str, kind: str, obj: str, action: str, effect: str) -> OverrideRow:
        return OverrideRow(n, DEALERS[0], role, kind, obj, action, effect, None, "test", 1, now)

    overrides = (
        override(1, "service_advisor", "permission", "repair_order", "create", "deny"),
        override(2, "cashier", "permission", "parts_stock", "read", "allow"),
        override(3, "technician", "duty", "parts_issuing", "", "allow"),
        override(4, "team_leader", "permission", "dispatch", "read", "deny"),
    )
    return PolicyRows(overrides, tuple(grants))


async def test_compiled_matcher_decides_as_casbin_does() -> None:
    rows = _rows()

    async def fetch() -> PolicyRows:
        return rows

    store = await PolicyStore.load(fetch)
    enforcer = store.enforcer
    assert enforcer._compiled  # the model is the one _decide implements

    subjects = sorted({user_subject(g.user_id) for g in rows.grants})
    subjects += [role_subject(role) for role in ROLES]  # API keys act as their role
    questions = [*PERMISSIONS, *((duty_object(d), DUTY_ACTION) for d in DUTIES)]
    questions.append(("no_such_object", "read"))
    decided = {True: 0, False: 0}
    for dealer in (*DEALERS, 13):
        for subject in subjects:
            for obj, action in questions:
                casbin = enforcer.enforce_by_casbin(subject, dealer_domain(dealer), obj, action)
                ours = enforcer.enforce(subject, dealer_domain(dealer), obj, action)
                assert ours == casbin, (subject, dealer, obj, action)
                decided[ours] += 1
    assert decided[True] > 1000 and decided[False] > 1000

    advisor = next(g.user_id for g in rows.grants if g.role == "service_advisor")
    assert not enforcer.enforce(user_subject(advisor), "dealer:11", "repair_order", "create")
    assert enforcer.enforce(user_subject(900), "dealer:11", "workshop_board", "read")
    assert not enforcer.enforce(user_subject(900), "dealer:12", "workshop_board", "read")
