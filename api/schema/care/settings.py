"""Customer care GraphQL: settings (being built; see tenants/care)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CareSettingsQuery:
    @strawberry.field(description="PLACEHOLDER until the settings area lands.")
    def care_settings_placeholder(self) -> bool:
        return False


@strawberry.type
class CareSettingsMutation:
    @strawberry.mutation(description="PLACEHOLDER until the settings area lands.")
    def care_settings_placeholder(self) -> bool:
        return False
