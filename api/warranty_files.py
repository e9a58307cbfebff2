"""Claim files over plain HTTP: GraphQL requests are capped at 1 MB, a fault photo or
video may have 10 MB. The same credentials as GraphQL (a cookie session echoing its
CSRF token on POST, or a bearer token), the same dealer choice (``X-Dealer-Id`` or the
session's), the same permissions (warranty_claim:create to upload, :read to download)
and the same error shape (``{"errors": [{"message", "extensions": {"code", ...}}]}``).

    POST /api/warranty/claims/<claim global id>/files   body: the file itself
         Content-Type: the file's type; X-File-Name: its name, percent-encoded UTF-8
    GET  /api/warranty/claim-files/<file id>

Under /api/ so that no route here shadows a page of the web app: Litestar's router does
not fall back to the app's catch-all once a static prefix such as /warranty/ matched.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote, unquote

from litestar import Request, Response, get, post
from litestar.exceptions import ClientException
from litestar.params import FromPath

from api.auth.principal import Principal
from api.rest_access import dealer_scope, error_response, rest_principal
from api.schema.errors import ApiError
from api.schema.relay_conventions import global_id, parse_global_id
from policies.store import PolicyStore
from tenants.database import tenant_transaction
from tenants.errors import ServiceError
from tenants.warranty import claim_files

UPLOAD_LIMIT = claim_files.MAX_BYTES + 64 * 1024
"""The file plus room for nothing else: the body is the file."""


def _allowed(request: Request[Any, Any, Any], principal: Principal, action: str) -> bool:
    store: PolicyStore = request.app.state.policies
    assert principal.dealer_id is not None
    return store.allowed(principal.subject, principal.dealer_id, "warranty_claim", action)


@post(
    "/api/warranty/claims/{claim_id:str}/files", request_max_body_size=UPLOAD_LIMIT, status_code=201
)
async def upload_claim_file(
    request: Request[Any, Any, Any], claim_id: FromPath[str]
) -> Response[dict[str, Any]]:
    found = await rest_principal(request)
    if isinstance(found, Response):
        return found
    principal = found
    if not _allowed(request, principal, "create"):
        return error_response(
            "Missing permission warranty_claim:create",
            code="FORBIDDEN",
            permission="warranty_claim:create",
        )
    try:
        claim = parse_global_id(claim_id, "WarrantyClaim", "claimId")
    except ApiError as exc:
        return error_response(exc.message, **(exc.extensions or {}))
    try:
        content = await request.body()
    except ClientException as exc:
        if exc.status_code == 413:
            return error_response(
                "A file may have at most 10 MB",
                code="PAYLOAD_TOO_LARGE",
                rule="file_too_large",
                maxBytes=claim_files.MAX_BYTES,
            )
        raise
    name = unquote(request.headers.get("x-file-name", ""))
    kind = request.headers.get("content-type", "")
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    try:
        async with tenant_transaction(dealer_scope(principal)) as tx:
            assert principal.dealer_id is not None
            stored = await claim_files.add_file(
                tx,
                principal.dealer_id,
                claim,
                file_name=name,
                content_type=kind,
                content=content,
                request_id=request_id,
            )
    except ServiceError as exc:
        return error_response(exc.message, **exc.extensions)
    file_id = global_id("WarrantyClaimFile", stored.id)
    return Response(
        {
            "data": {
                "id": file_id,
                "fileName": stored.file_name,
                "contentType": stored.content_type,
                "sizeBytes": stored.size_bytes,
                "sha256": stored.sha256,
                "url": f"/api/warranty/claim-files/{stored.id}",
            }
        },
        status_code=201,
    )


@get("/api/warranty/claim-files/{file_id:int}")
async def download_claim_file(
    request: Request[Any, Any, Any], file_id: FromPath[int]
) -> Response[Any]:
    found = await rest_principal(request)
    if isinstance(found, Response):
        return found
    principal = found
    if not _allowed(request, principal, "read"):
        return error_response(
            "Missing permission warranty_claim:read",
            code="FORBIDDEN",
            permission="warranty_claim:read",
        )
    try:
        async with tenant_transaction(dealer_scope(principal), fresh=True) as tx:
            assert principal.dealer_id is not None
            row = await claim_files.file_content(tx.connection, principal.dealer_id, file_id)
    except ServiceError as exc:
        return error_response(exc.message, **exc.extensions)
    return Response(
        bytes(row["content"]),
        media_type=row["content_type"],
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row['file_name'])}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "ETag": f'"{row["sha256"]}"',
        },
    )


ROUTES = [upload_claim_file, download_claim_file]
