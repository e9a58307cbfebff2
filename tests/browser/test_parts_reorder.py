"""Reorder suggestions and a region transfer, in the browser, with a real arq worker.

The parts planner runs the suggestions on demand and sees the run go from queued to done
(the worker beside the server computes it), opens the numbers behind a suggestion,
edits it and accepts it into a draft plan; the giving dealer's parts manager, in 中文,
approves the transfer asked of it; its keeper ships (API) and the requesting dealer's
keeper receives it in the browser; both dealers' stock moved by the transferred quantity.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.conftest import FRONTEND, ROOT, Browser

pytestmark = pytest.mark.browser


@pytest.fixture
def worker(live_server: Any) -> Iterator[None]:
    """The arq worker on the live server's database and Redis, for the test's duration."""
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker"],
        cwd=ROOT,
        env={**os.environ, "DEALERNET_ENV": "test"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_planner_reviews_a_run_and_a_transfer_moves_both_ledgers(
    browser: Browser, worker: None
) -> None:
    out = browser.run("reorder-and-transfer", script=FRONTEND / "e2e" / "parts_reorder.mjs")
    assert "asked for a run" in out
    assert "the worker finished the run" in out
    assert "the why panel of" in out
    assert "one more pack" in out
    assert "accepted into draft plan" in out
    assert "in 中文" in out
    assert "shipped it (API)" in out
    assert "both ledgers moved" in out
