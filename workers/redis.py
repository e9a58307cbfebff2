"""arq's Redis settings from REDIS_URL."""

from __future__ import annotations

import os

from arq.connections import RedisSettings

QUEUE_NAME = "dealernet:queue"
"""The one arq queue: the worker reads it, the app and the worker's crons write it."""


def redis_settings() -> RedisSettings:
    return RedisSettings.from_dsn(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
