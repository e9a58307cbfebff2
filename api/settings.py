"""Runtime settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    env: str = field(default_factory=lambda: os.environ.get("DEALERNET_ENV", "development"))
    redis_url: str = field(
        default_factory=lambda: os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    frontend_dist: Path = field(
        default_factory=lambda: Path(
            os.environ.get("DEALERNET_FRONTEND_DIST", ROOT / "frontend" / "dist")
        )
    )
    persisted_only: bool = field(
        default_factory=lambda: os.environ.get("DEALERNET_PERSISTED_ONLY", "") == "1"
    )
    """Every API key may only run registered operations (production sets it)."""
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 4000
    max_body_bytes: int = 1_000_000
    max_query_cost: int = 10_000
    """The most one request may cost (api/schema/query_cost.py); bucket capacity >= this."""
    cost_bucket_capacity: int = 50_000
    cost_refill_per_second: float = 100.0
    """An API key's token bucket: a burst of ``capacity``, then ``refill`` per second."""

    @property
    def development(self) -> bool:
        return self.env in {"development", "test"}

    @property
    def secure_cookies(self) -> bool:
        """Production serves HTTPS only; local runs are plain HTTP on loopback."""
        return self.env == "production"


def load() -> Settings:
    return Settings()
