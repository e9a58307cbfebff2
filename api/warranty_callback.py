"""``POST /callbacks/warranty/{manufacturer_code}``: a manufacturer's own warranty system
answers claims it received over the HTTP connector. No session or API key: the HMAC
signature over the raw body is the credential (``tenants.warranty.callbacks``)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, post
from litestar.params import FromPath
from litestar.response import Response

from tenants.warranty import callbacks


@post("/callbacks/warranty/{manufacturer_code:str}", include_in_schema=False, status_code=200)
async def warranty_callback(
    request: Request[Any, Any, Any], manufacturer_code: FromPath[str]
) -> Response[dict[str, Any]]:
    body = await request.body()
    answer = await callbacks.receive(
        manufacturer_code,
        request.headers,
        body,
        request_id=request.headers.get("x-request-id") or uuid.uuid4().hex,
    )
    return Response(answer.body, status_code=answer.status)
