"""Sign-in, sign-out, dealer switching and partner API keys."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from api.auth.principal import CSRF_COOKIE, SESSION_COOKIE, Authentication, Principal
from api.schema.context import Info
from api.schema.errors import BadUserInput, NotFound, Unauthenticated
from api.schema.relay_conventions import parse_global_id
from api.schema.roles import RoleType, role_exists, role_type
from api.schema.viewer import Viewer
from tenants.access import api_keys, sessions
from tenants.access.errors import SignInThrottled
from tenants.audit.recorder import record


@strawberry.enum(description="COOKIE for browsers (HttpOnly cookie), TOKEN for API clients.")
class SignInMode(Enum):
    COOKIE = "cookie"
    TOKEN = "bearer"


@strawberry.input
class SignInInput:
    username: str
    password: str
    mode: SignInMode = SignInMode.COOKIE


@strawberry.type
class SignInPayload:
    viewer: Viewer
    token: str | None = strawberry.field(
        description="Bearer token for API clients (TOKEN mode only); shown once."
    )
    csrf_token: str = strawberry.field(
        description="Send as X-CSRF-Token with cookie-authenticated requests."
    )
    expires_at: datetime


@strawberry.type
class ApiKey(relay.Node):
    id: relay.NodeID[int]
    name: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None
    persisted_only: bool = strawberry.field(
        description="Only registered (persisted) operations are accepted from this key;"
        " DEALERNET_PERSISTED_ONLY=1 puts every key in this mode whatever this says."
    )
    role_key: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Any) -> ApiKey:
        return cls(
            id=row["id"],
            name=row["name"],
            prefix=row["prefix"],
            created_at=row["created_at"],
            revoked_at=row["revoked_at"],
            last_used_at=row["last_used_at"],
            persisted_only=row["persisted_only"],
            role_key=row["role"],
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Any, required: bool = False
    ) -> list[ApiKey | None]:
        if not info.context.allowed("api_key", "read"):
            return [None for _ in node_ids]
        keys = [int(n) if n.isdigit() else 0 for n in node_ids]
        rows = await info.context.loaders.api_key.load_many(keys)
        return [cls.from_row(r) if r else None for r in rows]

    @strawberry.field(
        description="The role a role-bound key acts in; null for a partner application's key,"
        " which acts by its application's scopes."
    )
    def role(self) -> RoleType | None:
        return role_type(self.role_key) if self.role_key is not None else None


@strawberry.type
class IssuedApiKey:
    api_key: ApiKey
    key: str = strawberry.field(description="The full key; shown once, store it now.")


@strawberry.type
class AccessQuery:
    @strawberry.field(description="Partner API keys of the current dealer.")
    async def api_keys(self, info: Info, include_revoked: bool = False) -> list[ApiKey]:
        dealer = info.context.require("api_key", "read")
        async with info.context.read() as tx:
            rows = await tx.connection.fetch(
                "select * from api_key where dealer_id = $1"
                " and ($2 or revoked_at is null) order by id",
                dealer,
                include_revoked,
            )
        return [ApiKey.from_row(r) for r in rows]


@strawberry.type
class AccessMutation:
    @strawberry.mutation
    async def sign_in(self, info: Info, input: SignInInput) -> SignInPayload:
        context = info.context
        if not input.username.strip():
            raise BadUserInput("username", "Username is required")
        if not input.password:
            raise BadUserInput("password", "Password is required")
        cookie_mode = input.mode is SignInMode.COOKIE
        try:
            issued = await sessions.sign_in(
                input.username,
                input.password,
                kind=input.mode.value,
                throttle=context.throttle,
                remote_addr=context.remote_addr,
                replaces_token=context.auth.presented_session_token if cookie_mode else None,
            )
        except SignInThrottled as throttled:
            # HTTP clients and proxies read the wait where they look for it, not only
            # in the error's retryAfterSeconds.
            if context.response is not None:
                context.response.headers["Retry-After"] = str(throttled.retry_after_seconds)
            raise
        session = issued.session
        allowed = context.policies.dealer_ids_of(session.user_id)
        context.auth = Authentication(
            Principal(
                kind="user",
                display_name=session.display_name,
                allowed_dealer_ids=allowed,
                dealer_id=session.current_dealer_id,
                user_id=session.user_id,
                username=session.username,
                locale=session.locale,
                session=session,
            )
        )
        if cookie_mode and context.response is not None:
            max_age = int(sessions.LIFETIME["cookie"].total_seconds())
            secure = context.settings.secure_cookies
            context.response.set_cookie(
                SESSION_COOKIE,
                issued.token,
                max_age=max_age,
                httponly=True,
                samesite="lax",
                secure=secure,
                path="/",
            )
            context.response.set_cookie(
                CSRF_COOKIE,
                session.csrf_token,
                max_age=max_age,
                httponly=False,
                samesite="strict",
                secure=secure,
                path="/",
            )
        return SignInPayload(
            viewer=Viewer(),
            token=None if cookie_mode else issued.token,
            csrf_token=session.csrf_token,
            expires_at=session.expires_at,
        )

    @strawberry.mutation(description="Ends the current session (cookie or bearer token).")
    async def sign_out(self, info: Info) -> bool:
        principal = info.context.principal
        if principal.session is None:
            raise BadUserInput("session", "API keys have no session; revoke the key instead")
        await sessions.revoke(principal.session.id)
        if info.context.response is not None:
            info.context.response.delete_cookie(SESSION_COOKIE, path="/")
            info.context.response.delete_cookie(CSRF_COOKIE, path="/")
        return True

    @strawberry.mutation(description="Work in another of the viewer's dealers from now on.")
    async def switch_dealer(self, info: Info, dealer_id: strawberry.ID) -> Viewer:
        context = info.context
        principal = context.principal
        dealer = parse_global_id(dealer_id, "Dealer", "dealerId")
        if principal.session is None:
            raise BadUserInput("dealerId", "API keys are bound to one dealer")
        if dealer not in principal.allowed_dealer_ids:
            raise NotFound("Dealer")
        await sessions.switch_dealer(principal.session.id, dealer)
        async with context.read((dealer,)):
            await record(
                dealer_id=dealer,
                action="session.switch_dealer",
                object_type="auth_session",
                object_id=principal.session.id,
                before={"dealer_id": principal.dealer_id},
                after={"dealer_id": dealer},
                request_id=context.request_id,
            )
        context.auth = Authentication(
            Principal(
                kind=principal.kind,
                display_name=principal.display_name,
                allowed_dealer_ids=principal.allowed_dealer_ids,
                dealer_id=dealer,
                user_id=principal.user_id,
                username=principal.username,
                locale=principal.locale,
                session=principal.session,
            )
        )
        return Viewer()

    @strawberry.mutation(description="Register a partner integration's key for this dealer.")
    async def issue_api_key(self, info: Info, name: str, role: str) -> IssuedApiKey:
        if not name.strip() or len(name) > 120:
            raise BadUserInput("name", "Name is required (at most 120 characters)")
        if not role_exists(role):
            raise BadUserInput("role", f"Unknown role {role!r}")
        if info.context.principal.user_id is None:
            raise Unauthenticated("Only a signed-in person may issue API keys")
        async with info.context.write("api_key", "manage") as tx:
            issued = await api_keys.issue(dealer_id=tx.scope.dealer_ids[0], name=name, role=role)
            row = await tx.connection.fetchrow("select * from api_key where id = $1", issued.id)
        return IssuedApiKey(api_key=ApiKey.from_row(row), key=issued.secret)

    @strawberry.mutation
    async def revoke_api_key(self, info: Info, id: strawberry.ID) -> ApiKey:
        key_id = parse_global_id(id, "ApiKey")
        async with info.context.write("api_key", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            if not await api_keys.revoke(dealer_id=dealer, key_id=key_id):
                raise NotFound("Active API key")
            row = await tx.connection.fetchrow("select * from api_key where id = $1", key_id)
        return ApiKey.from_row(row)

    @strawberry.mutation(
        description="Allow this key only registered (persisted) operations, or ad-hoc ones too."
    )
    async def set_api_key_persisted_only(
        self, info: Info, id: strawberry.ID, persisted_only: bool
    ) -> ApiKey:
        key_id = parse_global_id(id, "ApiKey")
        async with info.context.write("api_key", "manage") as tx:
            dealer = tx.scope.dealer_ids[0]
            if not await api_keys.set_persisted_only(
                dealer_id=dealer, key_id=key_id, persisted_only=persisted_only
            ):
                raise NotFound("API key")
            row = await tx.connection.fetchrow("select * from api_key where id = $1", key_id)
        return ApiKey.from_row(row)
