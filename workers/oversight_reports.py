"""Manufacturer-oversight worker jobs: reports (being built; see tenants/oversight)."""

from __future__ import annotations

from typing import Any

FUNCTIONS: list[Any] = []
CRON_JOBS: list[Any] = []
