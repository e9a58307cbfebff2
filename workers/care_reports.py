"""Customer-care worker jobs: reports (being built; see tenants/care)."""

from __future__ import annotations

from typing import Any

FUNCTIONS: list[Any] = []
CRON_JOBS: list[Any] = []
