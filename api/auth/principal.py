"""Who is calling, and in which dealer: resolved once per request from its credentials.

Browser sessions come as the ``dn_session`` cookie and must echo the ``dn_csrf``
cookie in the ``X-CSRF-Token`` header (double submit), so another site cannot
make a signed-in browser call the API. API clients send ``Authorization: Bearer``
with a session token or a partner key (``dnk_...``).
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from policies.store import PolicyStore, Subject
from tenants.access import api_keys, sessions
from tenants.access.api_keys import ApiKeyIdentity
from tenants.access.sessions import Session

SESSION_COOKIE = "dn_session"
CSRF_COOKIE = "dn_csrf"
CSRF_HEADER = "x-csrf-token"
DEALER_HEADER = "x-dealer-id"


@dataclass(frozen=True)
class Principal:
    kind: Literal["user", "api_key"]
    display_name: str
    allowed_dealer_ids: frozenset[int]
    dealer_id: int | None
    user_id: int | None = None
    username: str | None = None
    locale: str = "zh-CN"
    session: Session | None = None
    api_key: ApiKeyIdentity | None = None

    @property
    def subject(self) -> Subject:
        key = self.api_key
        if key is not None:
            if key.scopes is not None:
                return Subject.partner_app_key(key.id, key.dealer_id, key.scopes)
            assert key.role is not None
            return Subject.api_key(key.id, key.dealer_id, key.role)
        assert self.user_id is not None
        return Subject.user(self.user_id)


@dataclass
class Authentication:
    principal: Principal | None = None
    problem: str | None = None
    """Why credentials that were sent are not accepted (expired, CSRF, revoked key)."""
    presented_session_token: str | None = field(default=None, repr=False)


def _pick_dealer(requested: str | None, stored: int | None, allowed: frozenset[int]) -> int | None:
    if requested:
        from api.schema.relay_conventions import (
            parse_dealer_ref,
        )  # late: schema imports this module

        dealer_id = parse_dealer_ref(requested)
        return dealer_id if dealer_id in allowed else None
    if stored in allowed:
        return stored
    return min(allowed) if allowed else None


async def authenticate(
    headers: Mapping[str, str], cookies: Mapping[str, str], store: PolicyStore, *, method: str
) -> Authentication:
    authorization = headers.get("authorization", "")
    bearer = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
    raw_key = headers.get("x-api-key") or (
        bearer if bearer and bearer.startswith(api_keys.KEY_PREFIX) else None
    )
    requested_dealer = headers.get(DEALER_HEADER)

    if raw_key:
        identity = await api_keys.authenticate(raw_key)
        if identity is None:
            return Authentication(problem="API key is unknown or revoked")
        allowed = frozenset({identity.dealer_id})
        dealer = _pick_dealer(requested_dealer, identity.dealer_id, allowed)
        return Authentication(
            Principal(
                kind="api_key",
                display_name=f"API key {identity.id}",
                allowed_dealer_ids=allowed,
                dealer_id=dealer,
                api_key=identity,
            )
        )

    token = bearer or cookies.get(SESSION_COOKIE)
    if not token:
        return Authentication()
    session = await sessions.resolve(token)
    if session is None:
        return Authentication(
            problem="Session expired or signed out", presented_session_token=token
        )
    if bearer is None and method != "GET":
        sent = headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
            return Authentication(
                problem="CSRF token missing or wrong", presented_session_token=token
            )
    allowed = store.dealer_ids_of(session.user_id)
    return Authentication(
        Principal(
            kind="user",
            display_name=session.display_name,
            allowed_dealer_ids=allowed,
            dealer_id=_pick_dealer(requested_dealer, session.current_dealer_id, allowed),
            user_id=session.user_id,
            username=session.username,
            locale=session.locale,
            session=session,
        ),
        presented_session_token=token,
    )
