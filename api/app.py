"""The Litestar application: GraphQL at /graphql, /health, and the web frontend."""

from __future__ import annotations

import hmac
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, get
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Response
from litestar.static_files import create_static_files_router
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import Scope
from redis.asyncio import Redis
from strawberry.exceptions import ConnectionRejectionError
from strawberry.litestar import make_graphql_controller
from strawberry.types.unset import UNSET, UnsetType

from api.auth.principal import DEALER_HEADER, authenticate
from api.graphql_http import GraphQLOverHTTP
from api.oversight_campaign_vins import ROUTES as CAMPAIGN_VIN_ROUTES
from api.partner_calls import CallLogging
from api.persisted_queries import DocumentIdRequests
from api.schema import schema
from api.schema.context import Context
from api.schema.error_codes import RETRY_AFTER_SECONDS, UNAVAILABLE
from api.settings import Settings
from api.settings import load as load_settings
from api.warranty_callback import warranty_callback
from api.warranty_files import ROUTES as WARRANTY_FILE_ROUTES
from policies.store import PolicyStore
from tenants.access.throttle import SignInThrottle
from tenants.database import close_pool, engine, start_pool
from tenants.partners.call_log import CallLog
from tenants.service import board_events
from tenants.warranty.delivery_queue import close_client as close_delivery_queue

log = logging.getLogger("dealernet")


@asynccontextmanager
async def lifespan(app: Litestar) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    owns_pool = await start_pool()
    redis = Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)
    store = await PolicyStore.load()
    await store.listen()
    app.state.redis = redis
    app.state.policies = store
    app.state.throttle = SignInThrottle(redis)
    call_log = app.state.call_log = CallLog()
    await call_log.start()
    try:
        yield
    finally:
        await call_log.stop()
        await store.stop()
        await board_events.close_clients()
        await close_delivery_queue()
        await redis.aclose()
        if owns_pool:
            await close_pool()


async def graphql_context(scope: Scope, state: State) -> Context:
    """Built for every GraphQL HTTP request and WebSocket; credentials are optional here.

    A WebSocket handshake is a GET that cannot carry the CSRF header: a browser's
    cookie session is confirmed in ``connection_init`` instead (``on_ws_connect``).
    """
    store: PolicyStore = state.policies
    connection: ASGIConnection[Any, Any, Any, Any] = ASGIConnection(scope)
    method = str(scope.get("method", "GET")) if scope["type"] == "http" else "GET"
    auth = await authenticate(connection.headers, connection.cookies, store, method=method)
    return Context(
        auth=auth,
        policies=store,
        settings=state.settings,
        throttle=state.throttle,
        remote_addr=connection.client.host if connection.client else "",
        request_id=connection.headers.get("x-request-id") or uuid.uuid4().hex,
    )


async def confirm_websocket(context: Context) -> None:
    """Credentials of a WebSocket from its ``connection_init`` payload.

    API clients send ``{"authorization": "Bearer <token or key>", "dealerId": ...}``;
    a browser's cookie session must echo its CSRF token as ``csrfToken`` (the
    double submit of HTTP requests), so another site's page cannot listen in.
    """
    params = context.connection_params or {}
    token = str(params.get("authorization") or params.get("Authorization") or "").strip()
    if token:
        if not token.lower().startswith("bearer "):
            token = f"Bearer {token}"
        headers = {"authorization": token}
        if params.get("dealerId"):
            headers[DEALER_HEADER] = str(params["dealerId"])
        auth = await authenticate(headers, {}, context.policies, method="GET")
        if auth.principal is None:
            raise ConnectionRejectionError({"message": auth.problem or "Not signed in"})
        context.auth = auth
        return
    session = context.auth.principal.session if context.auth.principal else None
    if session is not None and session.kind == "cookie":
        sent = str(params.get("csrfToken") or "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            raise ConnectionRejectionError({"message": "CSRF token missing or wrong"})


@get("/health", include_in_schema=False)
async def health(state: State) -> Response[dict[str, str]]:
    """200 only when both PostgreSQL and Redis answer: load balancers route on it."""
    checks: dict[str, str] = {}
    try:
        db = engine()
        assert db.pool is not None
        async with db.pool.acquire(timeout=2) as connection:
            await connection.fetchval("select 1", timeout=2)
        checks["postgres"] = "ok"
    except Exception as exc:
        checks["postgres"] = f"down: {type(exc).__name__}"
    try:
        await state.redis.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"down: {type(exc).__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return Response(
        {"status": "ok" if healthy else "unavailable", **checks},
        status_code=HTTP_200_OK if healthy else HTTP_503_SERVICE_UNAVAILABLE,
        headers={} if healthy else {"Retry-After": "5"},
    )


def service_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """PostgreSQL or Redis is unreachable before GraphQL runs (e.g. resolving the
    session): a clean 503 with retry advice in the GraphQL error shape, not a trace."""
    log.warning("backing service unavailable: %r", exc)
    return Response(
        {
            "data": None,
            "errors": [
                {
                    "message": "Service temporarily unavailable; retry shortly",
                    "extensions": {
                        "code": "SERVICE_UNAVAILABLE",
                        "retryAfterSeconds": RETRY_AFTER_SECONDS,
                    },
                }
            ],
        },
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def _frontend_routes(dist: Path) -> list[Any]:
    """Static assets plus the SPA's index.html for any other browser path."""
    index = dist / "index.html"

    def index_file() -> File:
        if not index.exists():
            raise NotFoundException("Frontend not built: run `make frontend`")
        return File(index, content_disposition_type="inline", media_type="text/html")

    @get("/", include_in_schema=False, sync_to_thread=False)
    def spa_root() -> File:
        return index_file()

    @get("/{path:path}", include_in_schema=False, sync_to_thread=False)
    def spa(path: FromPath[str]) -> File:
        return index_file()

    routes: list[Any] = [spa_root, spa]
    if (dist / "assets").is_dir():
        routes.insert(0, create_static_files_router(path="/assets", directories=[dist / "assets"]))
    return routes


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or load_settings()
    # pycasbin logs the whole model at INFO on every (re)load.
    logging.getLogger("casbin").setLevel(logging.WARNING)
    controller = make_graphql_controller(
        schema,
        path="/graphql",
        context_getter=graphql_context,
        graphql_ide="graphiql" if settings.development else None,
        allow_queries_via_get=False,
    )

    class GraphQLController(CallLogging, GraphQLOverHTTP, DocumentIdRequests, controller):  # type: ignore[valid-type,misc]
        async def on_ws_connect(self, context: Context) -> UnsetType:
            await confirm_websocket(context)
            return UNSET

    graphql = GraphQLController
    return Litestar(
        route_handlers=[
            graphql,
            health,
            warranty_callback,
            *WARRANTY_FILE_ROUTES,
            *CAMPAIGN_VIN_ROUTES,
            *_frontend_routes(settings.frontend_dist),
        ],
        lifespan=[lifespan],
        state=State({"settings": settings}),
        request_max_body_size=settings.max_body_bytes,
        exception_handlers={exc: service_unavailable for exc in UNAVAILABLE},
        debug=False,
    )
