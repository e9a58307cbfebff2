"""Refusals of the repair-order process, free of GraphQL: the API maps them to
``BAD_USER_INPUT`` (with ``field`` and ``rule``) and ``NOT_FOUND``."""

from __future__ import annotations


class OrderRuleError(Exception):
    """A step the process does not allow now; ``rule`` names the rule that refused it."""

    code = "BAD_USER_INPUT"

    def __init__(self, rule: str, message: str, *, field: str = "status") -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.field = field


class OrderNotFound(Exception):
    """The order (or line, revision) does not exist or belongs to another dealer."""

    code = "NOT_FOUND"

    def __init__(self, what: str = "Repair order") -> None:
        super().__init__(f"{what} not found")
        self.what = what
