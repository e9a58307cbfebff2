"""A campaign's VIN file over plain HTTP: GraphQL bodies are capped at 1 MB, a national
recall's VIN list may have 200,000 VINs (about 4 MB). Same credentials, dealer choice
(``X-Dealer-Id``), permission (campaign:manage) and error shape as the GraphQL mutation
``importCampaignVins``; mirrors ``api/warranty_files.py``.

    POST /api/oversight/campaigns/<campaign global id>/vins   body: the file itself
"""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, Response, post
from litestar.exceptions import ClientException
from litestar.params import FromPath

from api.rest_access import dealer_scope, error_response, rest_principal
from api.schema.errors import ApiError
from api.schema.relay_conventions import parse_global_id
from policies.store import PolicyStore
from tenants.database import tenant_transaction
from tenants.errors import ServiceError
from tenants.oversight import campaigns
from tenants.oversight.campaign_vins import MAX_BYTES

UPLOAD_LIMIT = MAX_BYTES + 64 * 1024


@post(
    "/api/oversight/campaigns/{campaign_id:str}/vins",
    request_max_body_size=UPLOAD_LIMIT,
    status_code=200,
)
async def upload_campaign_vins(
    request: Request[Any, Any, Any], campaign_id: FromPath[str]
) -> Response[dict[str, Any]]:
    found = await rest_principal(request)
    if isinstance(found, Response):
        return found
    principal = found
    store: PolicyStore = request.app.state.policies
    assert principal.dealer_id is not None
    if principal.dealer_id not in principal.allowed_dealer_ids or not store.allowed(
        principal.subject, principal.dealer_id, "campaign", "manage"
    ):
        return error_response(
            "Missing permission campaign:manage", code="FORBIDDEN", permission="campaign:manage"
        )
    try:
        campaign = parse_global_id(campaign_id, "Campaign", "campaignId")
    except ApiError as exc:
        return error_response(exc.message, **(exc.extensions or {}))
    try:
        content = await request.body()
    except ClientException as exc:
        if exc.status_code == 413:
            return error_response(
                "A VIN file may have at most 5 MB",
                code="PAYLOAD_TOO_LARGE",
                rule="file_too_large",
                maxBytes=MAX_BYTES,
            )
        raise
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex
    try:
        async with tenant_transaction(dealer_scope(principal)) as tx:
            report = await campaigns.import_vins(
                tx, principal.dealer_id, campaign, content, request_id=request_id
            )
    except ServiceError as exc:
        return error_response(exc.message, **exc.extensions)
    return Response(
        {
            "data": {
                "added": report.added,
                "alreadyListed": report.already_listed,
                "invalid": [
                    {"line": i.line, "text": i.text, "rule": i.rule, "message": i.message}
                    for i in report.invalid
                ],
                "duplicates": [
                    {"line": d.line, "vin": d.vin, "firstLine": d.first_line}
                    for d in report.duplicates
                ],
            }
        },
        status_code=200,
    )


ROUTES = [upload_campaign_vins]
