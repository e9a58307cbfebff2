"""Parts requests (领料单) against repair-order lines: request, countersign, warranty sign-off, FIFO
issue with the old part handed back, returns."""

from __future__ import annotations

import strawberry


@strawberry.type
class IssuingQuery:
    pass


@strawberry.type
class IssuingMutation:
    pass
