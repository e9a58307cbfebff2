"""Errors of the policy layer.

Plain exceptions with a stable ``code`` so the API layer can map them to GraphQL
error extensions without knowing the policy internals.
"""

from __future__ import annotations


class PolicyError(Exception):
    """Base of every policy error; ``code`` is the client-facing error code."""

    code = "POLICY_ERROR"


class PolicyInputError(PolicyError):
    """A policy change names something the catalogs do not know, or is malformed."""

    code = "BAD_USER_INPUT"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class SegregationOfDutiesError(PolicyError):
    """The same person would act twice where the process requires two people."""

    code = "SEGREGATION_OF_DUTIES"

    def __init__(self, message: str, *, user_id: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.user_id = user_id


class PolicyDenied(PolicyError):
    """The subject may not perform ``action`` on ``object``."""

    code = "FORBIDDEN"

    def __init__(self, object: str, action: str, message: str | None = None) -> None:
        self.object = object
        self.action = action
        self.message = message or f"not allowed: {object}:{action}"
        super().__init__(self.message)
