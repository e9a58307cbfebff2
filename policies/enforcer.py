"""The casbin enforcer of dealernet: the model file plus an (object, action) index.

Decisions are made in memory: ``enforce()`` never touches the database, so a
permission check costs microseconds and the API can check freely. With the
"allow unless denied" effect casbin must look at every line that could match;
the index (casbin's own ``FastModel``/``fast_policy_filter``, keyed on object and
action, which the matcher compares for equality anyway) limits that to the few
lines about the requested object and action instead of the whole catalog plus
every dealer's overrides.
"""

from __future__ import annotations

from pathlib import Path

import casbin
from casbin.model import FastModel, fast_policy_filter

from policies.adapter import PolicyAdapter

MODEL_PATH = Path(__file__).with_name("model.conf")

INDEX_KEYS = (2, 3)
"""Positions of ``obj`` and ``act`` in ``p = sub, dom, obj, act, eft``."""


class PolicyEnforcer(casbin.AsyncEnforcer):
    """An AsyncEnforcer whose decisions only scan lines of the requested object/action."""

    def __init__(self, adapter: PolicyAdapter) -> None:
        # A fresh model per enforcer: casbin keeps policy state in the model, and a
        # shared one makes a second enforcer's loads silently collide with the first.
        model = FastModel(INDEX_KEYS)
        model.load_model(str(MODEL_PATH))
        super().__init__(model, adapter)

    def enforce(self, *rvals: str) -> bool:
        sub, dom, obj, act = rvals
        with fast_policy_filter(self.model.model["p"]["p"].policy, obj, act):
            result, _ = self.enforce_ex(sub, dom, obj, act)
        return bool(result)

    def lines_for(self, obj: str, act: str) -> list[list[str]]:
        """The p rules about one object and action (what ``enforce`` would scan)."""
        policy = self.model.model["p"]["p"].policy
        with fast_policy_filter(policy, obj, act):
            return [list(rule) for rule in policy]

    def has_role(self, subject: str, role_subject: str, domain: str) -> bool:
        """Whether ``subject`` holds ``role_subject`` in ``domain`` (casbin's ``g``)."""
        return bool(self.get_role_manager().has_link(subject, role_subject, domain))


async def load_enforcer(adapter: PolicyAdapter | None = None) -> PolicyEnforcer:
    """A new enforcer with the policy loaded from the database."""
    enforcer = PolicyEnforcer(adapter or PolicyAdapter())
    await enforcer.load_policy()
    return enforcer
