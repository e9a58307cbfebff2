"""Every ``extensions.code`` the API can answer with, and what a client should do about it.

Kept apart from the code that raises them (``api/schema/errors.py``, the domains'
``errors`` modules) because clients need one list: the reference documentation
(``api/api_docs.py``) prints it, and a test fails when a code appears in the code base
without an entry here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class ErrorCode:
    code: str
    meaning: str
    extensions: str = ""
    """Further ``extensions`` keys that come with the code."""
    http: str = "200"
    """The HTTP status of a GraphQL answer carrying it (request errors: see ``meaning``)."""


_CODES: tuple[ErrorCode, ...] = (
    ErrorCode(
        "UNAUTHENTICATED",
        "No valid session, token or API key (a revoked or expired key included), or a wrong "
        "username/password at sign-in. Sign in again or check the key.",
    ),
    ErrorCode(
        "FORBIDDEN",
        "The principal lacks the permission at this dealer. For partner keys: the key's role or "
        "scopes do not cover it; ask the dealer to grant it.",
        extensions="`permission` (`object:action`)",
    ),
    ErrorCode(
        "DEALER_REQUIRED",
        "The principal works at several dealers and none is selected: send `X-Dealer-Id` or call "
        "`switchDealer`.",
    ),
    ErrorCode(
        "BAD_USER_INPUT",
        "An argument is invalid or the move is illegal in the record's state. Fix the input; "
        "retrying unchanged fails again.",
        extensions="`field` (the input field, camelCase) when one is at fault, often `rule` (a"
        " stable rule name, e.g. `mileage_never_decreases`, `global_id` for an ID that is not"
        " one)",
    ),
    ErrorCode(
        "NOT_FOUND",
        "The record does not exist or belongs to another dealer (both look alike on purpose).",
    ),
    ErrorCode(
        "SEGREGATION_OF_DUTIES",
        "The same person would act twice where the process needs two people (e.g. approve their "
        "own draft).",
    ),
    ErrorCode(
        "POLICY_ERROR",
        "A policy change was refused for a reason not covered by a more specific code.",
    ),
    ErrorCode(
        "CAPACITY_FULL",
        "Booking: the workshop day has fewer free hours than the booking needs.",
        extensions="`suggestedDates`, `neededHours`, `freeHours`, `field`, `rule`",
    ),
    ErrorCode(
        "PARTS_MISSING",
        "Booking: parts the items need are not available; book with `waitForParts` to wait for "
        "them.",
        extensions="`missing` (part numbers and quantities), `field`, `rule`",
    ),
    ErrorCode(
        "INSUFFICIENT_STOCK",
        "A stock movement would take more than is on the shelf or free of reservations.",
        extensions="`field`, `rule`, the part and quantities",
    ),
    ErrorCode(
        "UNKNOWN_SCOPE",
        "Partner applications: a scope key that is not in the scope catalog (`partnerScopes`).",
        extensions="`field`, `scopes`",
    ),
    ErrorCode(
        "SCOPE_NOT_GRANTABLE",
        "Partner applications: the granting person lacks a permission the scope covers, and cannot"
        " hand a partner more than they may do.",
        extensions="`field`, `scopes`, `missingPermissions`",
    ),
    ErrorCode(
        "SCOPE_NOT_GRANTED",
        "Webhooks: the event needs a scope the application was not granted.",
        extensions="`field`, `rule`",
    ),
    ErrorCode(
        "PARTNER_APP_NAME_TAKEN",
        "Partner applications: the dealer already has an application of that name.",
        extensions="`field`",
    ),
    ErrorCode(
        "PARTNER_APP_DISABLED",
        "Partner applications: keys cannot be issued for a disabled application; enable it first.",
    ),
    ErrorCode(
        "TOO_MANY_ATTEMPTS",
        "Sign-in is slowed after repeated failures.",
        extensions="`retryAfterSeconds`",
    ),
    ErrorCode(
        "GRAPHQL_PARSE_FAILED",
        "The document is not valid GraphQL, or longer than the token limit. Nothing ran.",
        extensions="",
        http="200 (`application/json`) or 400 (`application/graphql-response+json`)",
    ),
    ErrorCode(
        "GRAPHQL_VALIDATION_FAILED",
        "The document does not validate against the schema (unknown field, wrong argument type, "
        "depth or alias limit, bad variables). Nothing ran.",
        extensions="",
        http="200 (`application/json`) or 400 (`application/graphql-response+json`)",
    ),
    ErrorCode(
        "QUERY_TOO_COSTLY",
        "The operation's calculated cost is above the per-request maximum. Ask for smaller pages "
        "or fewer fields.",
        extensions="`cost`, `limit`",
    ),
    ErrorCode(
        "RATE_LIMITED",
        "An API key's cost budget cannot pay for the operation now; nothing ran and nothing was "
        "charged. Retry after the given seconds.",
        extensions="`cost`, `remaining`, `retryAfterSeconds`",
        http="429 with `Retry-After`",
    ),
    ErrorCode(
        "PERSISTED_QUERY_NOT_FOUND",
        "The persisted id names no registered operation (see `graphql/persisted.json`).",
        extensions="`documentId`",
    ),
    ErrorCode(
        "PERSISTED_QUERY_REQUIRED",
        "The API key may only run persisted operations: send "
        "`extensions.persistedQuery.sha256Hash` or `documentId` instead of `query`.",
    ),
    ErrorCode(
        "PERSISTED_QUERY_HASH_MISMATCH",
        "A query was sent together with a persisted id it does not hash to.",
        extensions="`documentId`",
    ),
    ErrorCode(
        "PERSISTED_QUERY_INVALID",
        "The persisted-query extension is malformed.",
    ),
    ErrorCode(
        "PAYLOAD_TOO_LARGE",
        "An upload to a plain-HTTP route (claim files, campaign VIN files) is larger than allowed.",
        extensions="",
        http="413",
    ),
    ErrorCode(
        "SERVICE_UNAVAILABLE",
        "PostgreSQL or Redis does not answer (for API keys also when the cost budget cannot be "
        "read). Retry after the given seconds.",
        extensions="`retryAfterSeconds`",
        http="200, or 503 with `Retry-After`",
    ),
    ErrorCode(
        "INTERNAL_SERVER_ERROR",
        "An unexpected failure; it is logged with its traceback on the server and no details leave"
        " it. Report it with the time of the call.",
    ),
)

ERROR_CODES: Mapping[str, ErrorCode] = MappingProxyType({c.code: c for c in _CODES})
