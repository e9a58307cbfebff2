"""Gives every error a stable ``extensions.code`` and keeps internals out of responses.

Domain exceptions raised below the API (policies, access) are mapped to codes here,
so those packages stay free of GraphQL. Anything unexpected is logged with its
traceback and answered as INTERNAL_SERVER_ERROR without details; a database or
Redis outage is SERVICE_UNAVAILABLE with retry advice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import asyncpg
from redis.exceptions import ConnectionError as RedisConnectionError
from strawberry.extensions import SchemaExtension
from strawberry.utils.str_converters import to_camel_case

from api.schema.errors import ApiError
from graphql import GraphQLError
from policies.errors import PolicyDenied, PolicyInputError, SegregationOfDutiesError
from tenants.access.errors import AccessError, SignInThrottled
from tenants.errors import ServiceError

log = logging.getLogger("dealernet.graphql")

UNAVAILABLE = (
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.InterfaceError,
    ConnectionError,
    OSError,
    RedisConnectionError,
)
RETRY_AFTER_SECONDS = 5


def classify(error: GraphQLError) -> dict[str, object]:
    """The extensions an error should carry, from its original exception."""
    original = error.original_error
    if original is None:
        if error.extensions and "code" in error.extensions:
            return dict(error.extensions)
        code = (
            "GRAPHQL_PARSE_FAILED"
            if "Syntax Error" in error.message
            else ("GRAPHQL_VALIDATION_FAILED")
        )
        return {"code": code}
    if isinstance(original, ApiError):
        return dict(original.extensions or {})
    if isinstance(original, SignInThrottled):
        return {"code": original.code, "retryAfterSeconds": original.retry_after_seconds}
    if isinstance(original, AccessError):
        return {"code": original.code}
    if isinstance(original, PolicyInputError):
        return {"code": "BAD_USER_INPUT", "field": to_camel_case(original.field)}
    if isinstance(original, ServiceError):
        return original.extensions
    if isinstance(original, SegregationOfDutiesError):
        return {"code": "SEGREGATION_OF_DUTIES"}
    if isinstance(original, PolicyDenied):
        return {"code": "FORBIDDEN", "permission": f"{original.object}:{original.action}"}
    if isinstance(original, UNAVAILABLE):
        return {"code": "SERVICE_UNAVAILABLE", "retryAfterSeconds": RETRY_AFTER_SECONDS}
    return {"code": "INTERNAL_SERVER_ERROR"}


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        for error in result.errors:
            extensions = classify(error)
            error.extensions = extensions
            if extensions["code"] == "INTERNAL_SERVER_ERROR":
                log.error("unhandled error in %s", error.path, exc_info=error.original_error)
                error.message = "Internal server error"
            elif extensions["code"] == "SERVICE_UNAVAILABLE":
                log.warning("backing service unavailable: %r", error.original_error)
                error.message = "Service temporarily unavailable; retry shortly"
