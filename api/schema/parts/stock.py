"""Stock items of the current dealer: catalog search with supersessions, bin and quota settings,
the ledger and FIFO lots behind each balance."""

from __future__ import annotations

import strawberry


@strawberry.type
class StockQuery:
    pass


@strawberry.type
class StockMutation:
    pass
