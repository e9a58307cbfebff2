"""The per-request GraphQL context: principal, policy decisions and transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from strawberry.litestar import BaseContext
from strawberry.types import Info as StrawberryInfo

from api.auth.principal import Authentication, Principal
from api.settings import Settings
from policies.store import PolicyStore
from tenants.access.throttle import SignInThrottle
from tenants.database import ActiveTransaction, TenantScope, tenant_transaction

from .errors import Forbidden, NoDealerSelected, Unauthenticated
from .loaders import Loaders


class Context(BaseContext, kw_only=True):
    auth: Authentication
    policies: PolicyStore
    settings: Settings
    throttle: SignInThrottle
    remote_addr: str = ""
    request_id: str = ""
    connection_params: dict[str, Any] | None = None
    """The ``connection_init`` payload of a WebSocket (graphql-transport-ws)."""
    cache: dict[str, Any] = {}  # noqa: RUF012 - msgspec copies defaults per instance

    @property
    def principal(self) -> Principal:
        principal = self.auth.principal
        if principal is None:
            raise Unauthenticated(self.auth.problem or "Sign in first")
        return principal

    @property
    def dealer_id(self) -> int:
        dealer_id = self.principal.dealer_id
        if dealer_id is None:
            raise NoDealerSelected()
        return dealer_id

    def allowed(self, obj: str, action: str, dealer_id: int | None = None) -> bool:
        principal = self.principal
        dealer = dealer_id if dealer_id is not None else principal.dealer_id
        if dealer is None or dealer not in principal.allowed_dealer_ids:
            return False
        return self.policies.allowed(principal.subject, dealer, obj, action)

    def require(self, obj: str, action: str, dealer_id: int | None = None) -> int:
        """The dealer the check passed for; FORBIDDEN naming the permission otherwise."""
        dealer = dealer_id if dealer_id is not None else self.dealer_id
        if not self.allowed(obj, action, dealer):
            raise Forbidden(obj, action, dealer)
        return dealer

    def scope(self, dealer_ids: tuple[int, ...] | None = None) -> TenantScope:
        principal = self.principal
        return TenantScope.of(
            dealer_ids if dealer_ids is not None else (self.dealer_id,),
            user_id=principal.user_id,
            api_key_id=principal.api_key.id if principal.api_key else None,
        )

    @asynccontextmanager
    async def read(
        self, dealer_ids: tuple[int, ...] | None = None
    ) -> AsyncIterator[ActiveTransaction]:
        """A short read transaction of its own: resolvers run concurrently."""
        async with tenant_transaction(self.scope(dealer_ids), fresh=True) as tx:
            yield tx

    @asynccontextmanager
    async def write(
        self, obj: str, action: str, dealer_id: int | None = None
    ) -> AsyncIterator[ActiveTransaction]:
        """The one transaction of a mutation, after the permission check; at the current
        dealer, or at ``dealer_id`` for staff who act across dealers (the manufacturer's
        reviewers decide claims of every dealer they oversee)."""
        dealer = self.require(obj, action, dealer_id)
        async with tenant_transaction(self.scope((dealer,))) as tx:
            yield tx

    @property
    def loaders(self) -> Loaders:
        loaders = self.cache.get("loaders")
        if loaders is None:
            loaders = self.cache["loaders"] = Loaders(self)
        return loaders


Info = StrawberryInfo[Context, None]
