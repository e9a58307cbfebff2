"""The workshop board (维修管理看板) updates live in every browser watching it.

Two browsers (an advisor in English, the workshop supervisor in 中文) watch the board;
orders opened and quoted through the API, and an order cancelled in the first browser,
appear, move and leave in both without a reload, through the workshopBoardChanged
subscription over WebSocket.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_two_browsers_see_board_changes_without_reloading(browser: Browser) -> None:
    out = browser.run("live-board", script=FRONTEND / "e2e" / "service.mjs")
    assert 'both show "live"' in out
    assert "appears on both boards" in out
    assert "moved to “awaiting approval” on both boards" in out
    assert "the card left the second board" in out
    assert "no reload" in out
