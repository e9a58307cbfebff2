"""The webhook event catalog as GraphQL types."""

from __future__ import annotations

import strawberry

from tenants.partners.event_catalog import EVENT_TYPES


@strawberry.type(name="WebhookEventType")
class WebhookEventTypeType:
    key: str
    name: str
    name_zh: str
    required_scope: str = strawberry.field(
        description="The application must hold this scope to subscribe."
    )


@strawberry.type
class WebhookEventTypesQuery:
    @strawberry.field(description="Every event a partner application can subscribe to.")
    def webhook_event_types(self) -> list[WebhookEventTypeType]:
        return [
            WebhookEventTypeType(
                key=e.key, name=e.label_en, name_zh=e.label_zh, required_scope=e.required_scope
            )
            for e in EVENT_TYPES.values()
        ]
