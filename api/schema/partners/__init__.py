"""Partner-integration GraphQL: applications and scopes, call log, webhooks."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.partners.event_types import WebhookEventTypesQuery
from api.schema.partners.scopes import PartnerScopesQuery

PartnersQuery = merge_types(
    "PartnersQuery",
    (
        PartnerScopesQuery,
        WebhookEventTypesQuery,
    ),
)

__all__ = ["PartnersQuery"]
