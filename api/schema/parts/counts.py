"""Stock counts: cycle, daily, monthly and quarterly; differences with cause and responsibility,
approved before they adjust stock."""

from __future__ import annotations

import strawberry


@strawberry.type
class CountsQuery:
    pass


@strawberry.type
class CountsMutation:
    pass
