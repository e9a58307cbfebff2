"""GraphQL-over-HTTP conformance on top of Strawberry's Litestar controller.

Strawberry answers every result as ``application/json`` with status 200. The
GraphQL over HTTP spec adds ``application/graphql-response+json``: a client that
asks for it gets that media type, and a *request error* (the document does not
parse or validate, or its variables do not coerce: nothing was executed) comes
back as 400 without a ``data`` entry, so a partner's HTTP tooling can tell "my
request is wrong" from "some fields failed". Clients that accept only
``application/json`` (or send no ``Accept``) keep the legacy 200 answers.
"""

from __future__ import annotations

from typing import Any

from cross_web import HTTPException  # what Strawberry raises for a 4xx of the transport
from litestar import Request
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST
from strawberry.http import GraphQLHTTPResponse
from strawberry.types.execution import ExecutionResult, PreExecutionError

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
_JSON = "application/json"
# Set on the request's state by ``process_result`` for ``execute_request`` to read.
_REQUEST_ERROR = "graphql_request_error"


def _accepted(accept: str) -> dict[str, float]:
    """Media range -> quality from an ``Accept`` header (malformed q counts as 0)."""
    ranges: dict[str, float] = {}
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges[media.lower()] = max(quality, ranges.get(media.lower(), 0.0))
    return ranges


def wants_graphql_response_json(accept: str | None) -> bool:
    """True when the client prefers ``application/graphql-response+json``.

    Only an explicit range selects it (``*/*`` and a missing header mean the legacy
    ``application/json``, as the spec advises during its transition); on a quality
    tie with ``application/json`` the newer type wins.
    """
    if not accept:
        return False
    ranges = _accepted(accept)
    preferred = ranges.get(GRAPHQL_RESPONSE_JSON, 0.0)
    legacy = max(ranges.get(_JSON, 0.0), ranges.get("application/*", 0.0), ranges.get("*/*", 0.0))
    return preferred > 0 and preferred >= legacy


class GraphQLOverHTTP:
    """Mixin for the GraphQL controller (listed before Strawberry's class)."""

    def parse_json(self, data: str | bytes) -> Any:
        """A body that is not UTF-8, nests too deep to decode, or is no JSON object (nor
        a batch array) is the client's error: 400, where Strawberry would fail with 500."""
        try:
            parsed = super().parse_json(data)  # type: ignore[misc]
        except (UnicodeDecodeError, RecursionError) as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(parsed, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object")
        return parsed

    async def process_result(
        self, request: Request[Any, Any, Any], result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        processed: GraphQLHTTPResponse = await super().process_result(  # type: ignore[misc]
            request=request, result=result
        )
        if isinstance(result, PreExecutionError) and wants_graphql_response_json(
            request.headers.get("accept")
        ):
            processed.pop("data", None)
            request.state[_REQUEST_ERROR] = True
        return processed

    async def execute_request(
        self, request: Request[Any, Any, Any], context: Any, root_value: Any
    ) -> Response[Any]:
        response: Response[Any] = await super().execute_request(  # type: ignore[misc]
            request=request, context=context, root_value=root_value
        )
        if response.media_type != _JSON or not wants_graphql_response_json(
            request.headers.get("accept")
        ):
            return response
        response.media_type = f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
        # Only a plain 200 becomes 400: a limit or throttle already chose its status.
        if request.state.get(_REQUEST_ERROR) and response.status_code == HTTP_200_OK:
            response.status_code = HTTP_400_BAD_REQUEST
        return response
