"""Each drill's figures (requests, faults injected, records lost), for docs/reliability.md.

A drill calls ``record`` once with what it did and found. With
``DEALERNET_DRILL_FIGURES`` set (``make drills`` sets it) the figures are appended
to that file as JSON lines, which ``python -m tests.reliability.report`` turns into
the tables of ``docs/reliability.md``; otherwise recording does nothing, so the
drills run the same inside ``make test``.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

ENV = "DEALERNET_DRILL_FIGURES"


def record(drill: str, **figures: int | float | str) -> None:
    """Append one drill's figures, e.g. ``record("cross_tenant", requests=4000, foreign_seen=0)``."""
    target = os.environ.get(ENV)
    if not target:
        return
    line = {"drill": drill, "at": datetime.now(UTC).isoformat(timespec="seconds"), **figures}
    with Path(target).open("a", encoding="utf-8") as out:
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
