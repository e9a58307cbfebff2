"""The casbin enforcer of dealernet: the model file plus an (object, action) index.

Decisions are made in memory: ``enforce()`` never touches the database, so a
permission check costs microseconds and the API can check freely. With the
"allow unless denied" effect casbin must look at every line that could match;
the index (casbin's own ``FastModel``/``fast_policy_filter``, keyed on object and
action, which the matcher compares for equality anyway) limits that to the few
lines about the requested object and action instead of the whole catalog plus
every dealer's overrides.

A first decision then still evaluated ``model.conf``'s matcher as text, through
simpleeval, once per line: about four lines, and most of a first decision's time (with
1,000 dealers about 0.1-0.4 ms, see docs/performance.md). While the model is the one
below, ``enforce`` runs the same matcher and effect as Python instead (``_decide``); a
different model falls back to casbin's evaluation by itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import casbin
from casbin.model import FastModel, fast_policy_filter

from policies.adapter import PolicyAdapter, ReadOnlyPolicyError

MODEL_PATH = Path(__file__).with_name("model.conf")

INDEX_KEYS = (2, 3)
"""Positions of ``obj`` and ``act`` in ``p = sub, dom, obj, act, eft``."""

COMPILED_MODEL = {
    ("r", "r"): "r_sub, r_dom, r_obj, r_act",
    ("p", "p"): "p_sub, p_dom, p_obj, p_act, p_eft",
    ("g", "g"): "_, _, _",
    ("e", "e"): "some(where (p_eft == allow)) && !some(where (p_eft == deny))",
    ("m", "m"): 'r_obj == p_obj && r_act == p_act && (p_dom == "*" || p_dom == r_dom)'
    " && g(r_sub, p_sub, r_dom)",
}
"""``model.conf`` as casbin holds it once loaded, for which ``_decide`` is exact."""


class PolicyEnforcer(casbin.AsyncEnforcer):
    """An AsyncEnforcer whose decisions only scan lines of the requested object/action."""

    def __init__(self, adapter: PolicyAdapter) -> None:
        # A fresh model per enforcer: casbin keeps policy state in the model, and a
        # shared one makes a second enforcer's loads silently collide with the first.
        self._expressions: dict[str, Any] = {}
        model = FastModel(INDEX_KEYS)
        model.load_model(str(MODEL_PATH))
        super().__init__(model, adapter)
        # Role and domain names are compared exactly. casbin's domain manager defaults
        # to an equality *function*, which makes it pattern-match every role against
        # every other one when a dealer's role links are built: quadratic per dealer.
        self.get_role_manager().add_matching_func(None)
        self._compiled = all(
            self._model_text(sec, key) == text for (sec, key), text in COMPILED_MODEL.items()
        )

    def _model_text(self, sec: str, key: str) -> str | None:
        assertion = self.model.model.get(sec, {}).get(key)
        if assertion is None:
            return None
        if sec in ("r", "p"):
            return ", ".join(assertion.tokens)
        return str(assertion.value)

    def _get_expression(self, expr: str, functions: dict[str, Any] | None = None) -> Any:
        # casbin parses the matcher again on every decision; the matcher text and the
        # role manager behind ``g`` are fixed for this enforcer's life (reloads make a
        # new enforcer), so the parsed evaluator can be reused.
        cached = self._expressions.get(expr)
        if cached is None:
            cached = self._expressions[expr] = super()._get_expression(expr, functions)
        return cached

    def enforce(self, *rvals: str) -> bool:
        sub, dom, obj, act = rvals
        policy = self.model.model["p"]["p"].policy
        with fast_policy_filter(policy, obj, act):
            if self._compiled:
                return self._decide(policy, sub, dom, obj, act)
            result, _ = self.enforce_ex(sub, dom, obj, act)
        return bool(result)

    def enforce_by_casbin(self, sub: str, dom: str, obj: str, act: str) -> bool:
        """casbin's own evaluation of the model, over the same indexed lines."""
        with fast_policy_filter(self.model.model["p"]["p"].policy, obj, act):
            result, _ = self.enforce_ex(sub, dom, obj, act)
        return bool(result)

    def _decide(self, rules: Any, sub: str, dom: str, obj: str, act: str) -> bool:
        """``COMPILED_MODEL`` in Python: the matcher per line, and allowed when some
        matching line allows and none denies (an effect other than allow or deny, like
        casbin's indeterminate, counts for neither)."""
        links = self.rm_map["g"]
        allowed = False
        for p_sub, p_dom, p_obj, p_act, p_eft in rules:
            if (
                p_obj == obj
                and p_act == act
                and (p_dom == "*" or p_dom == dom)
                and links.has_link(sub, p_sub, dom)
            ):
                if p_eft == "deny":
                    return False
                if p_eft == "allow":
                    allowed = True
        return allowed

    def lines_for(self, obj: str, act: str) -> list[list[str]]:
        """The p rules about one object and action (what ``enforce`` would scan)."""
        policy = self.model.model["p"]["p"].policy
        with fast_policy_filter(policy, obj, act):
            return [list(rule) for rule in policy]

    # Read-only. The adapter refuses writes too, but casbin changes its in-memory model
    # *before* asking the adapter on removals (and clears it before a filtered load),
    # so a refused write would still alter decisions. Stop every write path up front.

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise ReadOnlyPolicyError()

    _add_policy = _add_policies = _refuse
    _update_policy = _update_policies = _update_filtered_policies = _refuse
    _remove_policy = _remove_policies = _remove_filtered_policy = _refuse
    _remove_filtered_policy_returns_effects = _refuse
    clear_policy = load_filtered_policy = load_increment_filtered_policy = _refuse
    save_policy = enable_enforce = enable_auto_save = _refuse
