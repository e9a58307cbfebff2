"""Records every GraphQL request made with an API key into the partner call log.

``CallFacts`` (a schema extension) notes the operation's name and type and the
persisted id; ``CallLogging`` (a mixin for the GraphQL controller) adds the cost from
``extensions.cost``, the error codes, the final HTTP status and the duration, and
offers the record to the in-process ``CallLog`` (``tenants/partners/call_log.py``),
which writes in batches off the request path. Requests without a key (people) are
not logged here; their audit trail is the audit log.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from litestar import Request
from litestar.response import Response
from strawberry.extensions import SchemaExtension
from strawberry.http import GraphQLHTTPResponse
from strawberry.types.execution import ExecutionResult

from api.persisted_queries import requested_id
from graphql import OperationDefinitionNode
from tenants.partners.call_log import CallLog, CallRecord

_FACTS = "partner_call"
_RESULT = "partner_call_result"


class CallFacts(SchemaExtension):
    """Notes what the request asked for on the context, for ``CallLogging``."""

    def on_operation(self) -> Iterator[None]:
        yield
        ctx = self.execution_context
        cache = getattr(ctx.context, "cache", None)
        if not isinstance(cache, dict):
            return
        name = ctx.operation_name or ""
        kind = ""
        document = ctx.graphql_document
        if document is not None:
            operations = [
                d
                for d in document.definitions
                if isinstance(d, OperationDefinitionNode)
                and (not name or (d.name is not None and d.name.value == name))
            ]
            if len(operations) == 1:
                kind = operations[0].operation.value
                if not name and operations[0].name is not None:
                    name = operations[0].name.value
        cache[_FACTS] = (name, kind, requested_id(ctx.operation_extensions))


def _codes(result: ExecutionResult) -> tuple[str, ...]:
    codes: list[str] = []
    for error in result.errors or ():
        code = (error.extensions or {}).get("code")
        codes.append(str(code) if code else "GRAPHQL_ERROR")
    return tuple(dict.fromkeys(codes))


def _cost(result: ExecutionResult) -> int:
    cost = (result.extensions or {}).get("cost")
    requested = cost.get("requested") if isinstance(cost, dict) else None
    return int(requested) if isinstance(requested, int) else 0


class CallLogging:
    """Mixin for the GraphQL controller (listed first, so it sees the final status)."""

    async def process_result(
        self, request: Request[Any, Any, Any], result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        request.state[_RESULT] = (_codes(result), _cost(result))
        processed: GraphQLHTTPResponse = await super().process_result(  # type: ignore[misc]
            request=request, result=result
        )
        return processed

    async def execute_request(
        self, request: Request[Any, Any, Any], context: Any, root_value: Any
    ) -> Response[Any]:
        started = time.perf_counter()
        response: Response[Any] = await super().execute_request(  # type: ignore[misc]
            request=request, context=context, root_value=root_value
        )
        auth = getattr(context, "auth", None)
        principal = auth.principal if auth is not None else None
        call_log: CallLog | None = getattr(request.app.state, "call_log", None)
        if principal is None or principal.api_key is None or call_log is None:
            return response
        key = principal.api_key
        name, kind, persisted = context.cache.get(_FACTS) or ("", "", None)
        codes, cost = request.state.get(_RESULT) or ((), 0)
        call_log.offer(
            CallRecord(
                dealer_id=key.dealer_id,
                api_key_id=key.id,
                partner_app_id=key.partner_app_id,
                at=datetime.now(UTC),
                operation_name=name,
                operation_type=kind,
                persisted_hash=persisted,
                cost=cost,
                http_status=response.status_code or 200,
                error_codes=codes,
                duration_ms=round((time.perf_counter() - started) * 1000),
                remote_addr=getattr(context, "remote_addr", "") or "",
            )
        )
        return response
