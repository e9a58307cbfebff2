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
from redis.exceptions import TimeoutError as RedisTimeoutError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension
from strawberry.relay.types import GlobalIDValueError
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
    # Class 08 (connection exception) and 57 (operator intervention: admin or crash
    # shutdown, the server starting up): PostgreSQL is restarting or failing over.
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    # A statement on a connection the server terminated between two statements (its
    # FATAL arrived unasked): "another operation is in progress". A retry gets a new one.
    asyncpg.exceptions.InternalClientError,
    asyncpg.InterfaceError,
    ConnectionError,
    OSError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 5
UNSTORABLE_TEXT = (
    asyncpg.exceptions.CharacterNotInRepertoireError,
    asyncpg.exceptions.UntranslatableCharacterError,
)
"""Text PostgreSQL cannot store (a NUL character in any string argument): the client's
input, refused wherever it reaches the database."""
UNSTORABLE_TEXT_MESSAGE = "Text may not contain NUL characters (U+0000)"


def classify(error: GraphQLError) -> dict[str, object]:
    """The extensions an error should carry, from its original exception."""
    original = error.original_error
    if error.path is None and error.message.startswith("Variable '$"):
        # A variable's value does not coerce to its declared type. graphql-core keeps
        # the scalar's own error as the original, but it is the client's input.
        return {"code": "BAD_USER_INPUT"}
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
    if isinstance(original, GlobalIDValueError):
        # Strawberry refuses an ID argument that is not a global ID before the resolver.
        return {"code": "BAD_USER_INPUT", "rule": "global_id"}
    if isinstance(original, StrawberryInputCoercionError):
        return {"code": "BAD_USER_INPUT"}
    if isinstance(original, PolicyInputError):
        return {"code": "BAD_USER_INPUT", "field": to_camel_case(original.field)}
    if isinstance(original, ServiceError):
        return original.extensions
    if isinstance(original, SegregationOfDutiesError):
        return {"code": "SEGREGATION_OF_DUTIES"}
    if isinstance(original, PolicyDenied):
        return {"code": "FORBIDDEN", "permission": f"{original.object}:{original.action}"}
    if isinstance(original, UNSTORABLE_TEXT):
        return {"code": "BAD_USER_INPUT", "rule": "text_characters"}
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
            elif isinstance(error.original_error, UNSTORABLE_TEXT):
                error.message = UNSTORABLE_TEXT_MESSAGE
            elif extensions["code"] == "SERVICE_UNAVAILABLE":
                log.warning("backing service unavailable: %r", error.original_error)
                error.message = "Service temporarily unavailable; retry shortly"
                _advise_retry(self.execution_context.context, nothing_done=result.data is None)


def _advise_retry(context: object, *, nothing_done: bool) -> None:
    """HTTP clients and proxies see the outage too: ``Retry-After`` on the answer, and
    503 when nothing of the operation could run (partial data stays a 200)."""
    response = getattr(context, "response", None)
    if response is None:  # a WebSocket: the error's extensions say it all
        return
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if nothing_done:
        response.status_code = 503
