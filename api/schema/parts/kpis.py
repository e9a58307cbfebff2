"""Parts measures per dealer and per region: fill rate, turnover, days of supply, dead stock,
aging, emergency order share."""

from __future__ import annotations

import strawberry


@strawberry.type
class KpisQuery:
    pass


@strawberry.type
class KpisMutation:
    pass
