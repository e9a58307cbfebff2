"""What the plain-HTTP routes (file uploads and downloads, which GraphQL's 1 MB cap does
not fit) share with GraphQL: the same credentials and dealer choice, a tenant scope for
the principal, and GraphQL's error shape (``{"errors": [{"message", "extensions"}]}``)
with an HTTP status that matches the code."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response

from api.auth.principal import Principal, authenticate
from policies.store import PolicyStore
from tenants.database import TenantScope

_STATUS = {
    "UNAUTHENTICATED": 401,
    "FORBIDDEN": 403,
    "DEALER_REQUIRED": 400,
    "NOT_FOUND": 404,
    "BAD_USER_INPUT": 400,
    "PAYLOAD_TOO_LARGE": 413,
}


def error_response(message: str, **extensions: Any) -> Response[dict[str, Any]]:
    return Response(
        {"errors": [{"message": message, "extensions": extensions}]},
        status_code=(
            413
            if extensions.get("rule") == "file_too_large"
            else _STATUS.get(str(extensions.get("code")), 400)
        ),
    )


async def rest_principal(
    request: Request[Any, Any, Any],
) -> Principal | Response[dict[str, Any]]:
    """The signed-in principal at a dealer, or the error response to return."""
    store: PolicyStore = request.app.state.policies
    auth = await authenticate(request.headers, request.cookies, store, method=request.method)
    if auth.principal is None:
        return error_response(auth.problem or "Sign in first", code="UNAUTHENTICATED")
    if auth.principal.dealer_id is None:
        return error_response("No dealer selected", code="DEALER_REQUIRED")
    return auth.principal


def dealer_scope(principal: Principal) -> TenantScope:
    assert principal.dealer_id is not None
    return TenantScope.of(
        (principal.dealer_id,),
        user_id=principal.user_id,
        api_key_id=principal.api_key.id if principal.api_key else None,
    )
