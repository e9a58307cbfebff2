"""Customer care GraphQL: reminders (being built; see tenants/care)."""

from __future__ import annotations

import strawberry


@strawberry.type
class CareRemindersQuery:
    @strawberry.field(description="PLACEHOLDER until the reminders area lands.")
    def care_reminders_placeholder(self) -> bool:
        return False


@strawberry.type
class CareRemindersMutation:
    @strawberry.mutation(description="PLACEHOLDER until the reminders area lands.")
    def care_reminders_placeholder(self) -> bool:
        return False
