"""Fault drills: they kill workers and stop PostgreSQL, Redis and pgbouncer, always their
own (``cluster.py``), never the services of the rest of the suite.

They take a minute or two together, so they run under ``make drills`` (which sets
``DEALERNET_DRILLS=1``) and are skipped by a plain ``make test``; run one by hand with
``DEALERNET_DRILLS=1 .venv/bin/pytest tests/reliability/drills/<file>``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.reliability.drills.cluster import DrillCluster

ENABLED = os.environ.get("DEALERNET_DRILLS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="fault drill: run with `make drills` (DEALERNET_DRILLS=1)")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cluster() -> Iterator[DrillCluster]:
    """The drills' PostgreSQL and Redis, running (left running afterwards: restarting a
    cluster per session costs seconds; ``make services-down`` does not touch it)."""
    services = DrillCluster()
    services.start_postgres()
    services.start_redis()
    yield services
    # A drill that failed half-way may have left one stopped: the next finds it running.
    services.start_postgres()
    services.start_redis()
