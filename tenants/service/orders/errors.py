"""Refusals of the repair-order process: the service process's own errors
(``tenants.service.errors``), named for orders. The API maps them to
``BAD_USER_INPUT`` (with ``field`` and ``rule``) and ``NOT_FOUND``."""

from __future__ import annotations

from typing import Any

from tenants.service.errors import RecordNotFound, RuleViolation


class OrderRuleError(RuleViolation):
    """A step the process does not allow now; ``rule`` names the rule that refused it."""

    def __init__(self, rule: str, message: str, *, field: str = "status", **extra: Any) -> None:
        super().__init__(field, rule, message, **extra)


class OrderNotFound(RecordNotFound):
    """The order (or line, revision) does not exist or belongs to another dealer."""

    def __init__(self, what: str = "Repair order") -> None:
        super().__init__(what)
        self.what = what
