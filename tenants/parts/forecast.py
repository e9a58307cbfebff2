"""The parameters of a dealer's demand forecast and reorder levels.

They come from the dealer's parts settings (service level, review period, history),
plus the fixed rules of the method: the recent window the mean demand is taken over,
and how seasonality is measured and bounded. The service level becomes a z value
here, once per run, so the SQL only multiplies (PostgreSQL has no inverse normal).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from statistics import NormalDist
from typing import Any

import asyncpg

WINDOW_DAYS = 90
"""Mean and spread of daily demand are taken over the last 90 days: recent enough to
follow a trend, long enough for slow movers to show a rate."""
SEASON_MONTHS = 3
"""Seasonality compares the coming three calendar months, one year earlier, with that
year's average month."""
SEASON_MIN_QTY = Decimal(12)
"""Below about one a month over the year, a seasonal pattern is noise: the factor stays 1."""
FACTOR_MIN = Decimal("0.5")
FACTOR_MAX = Decimal(2)


@dataclass(frozen=True)
class ForecastParameters:
    service_level: Decimal
    z: Decimal
    """Standard normal quantile of the service level (1.6449 for 95%)."""
    history_days: int
    review_period_days: int
    slow_moving_days: int
    window_days: int = WINDOW_DAYS
    season_months: int = SEASON_MONTHS
    season_min_qty: Decimal = SEASON_MIN_QTY
    factor_min: Decimal = FACTOR_MIN
    factor_max: Decimal = FACTOR_MAX

    def as_json(self) -> dict[str, Any]:
        """What the run records as its ``parameters``, so a run can be explained later."""
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(self).items()}


def z_value(service_level: Decimal) -> Decimal:
    """The safety factor for a cycle service level, rounded as the screen shows it."""
    return Decimal(str(round(NormalDist().inv_cdf(float(service_level)), 4)))


DEFAULTS_SQL = """
select coalesce(ps.service_level, 0.95) as service_level,
       coalesce(ps.review_period_days, 7) as review_period_days,
       coalesce(ps.history_days, 730) as history_days,
       coalesce(ps.slow_moving_days, 180) as slow_moving_days
  from dealer d left join parts_settings ps on ps.dealer_id = d.id
 where d.id = $1
"""


async def load_parameters(connection: asyncpg.Connection, dealer_id: int) -> ForecastParameters:
    """The dealer's settings (the schema's defaults when it never saved any)."""
    row = await connection.fetchrow(DEFAULTS_SQL, dealer_id)
    if row is None:
        raise LookupError(f"dealer {dealer_id} not found")
    level = Decimal(row["service_level"])
    return ForecastParameters(
        service_level=level,
        z=z_value(level),
        history_days=row["history_days"],
        review_period_days=row["review_period_days"],
        slow_moving_days=row["slow_moving_days"],
    )
