"""Partner-integration GraphQL: applications and scopes, call log, webhooks."""

from __future__ import annotations

from strawberry.tools import merge_types

from api.schema.partners.apps import PartnerAppsMutation, PartnerAppsQuery
from api.schema.partners.event_types import WebhookEventTypesQuery
from api.schema.partners.scopes import PartnerScopesQuery
from api.schema.partners.webhooks import WebhooksMutation, WebhooksQuery

PartnersQuery = merge_types(
    "PartnersQuery",
    (
        PartnerScopesQuery,
        WebhookEventTypesQuery,
        PartnerAppsQuery,
        WebhooksQuery,
    ),
)
PartnersMutation = merge_types("PartnersMutation", (PartnerAppsMutation, WebhooksMutation))

__all__ = ["PartnersMutation", "PartnersQuery"]
