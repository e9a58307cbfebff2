"""The care rules in the browser: the service manager (中文) edits the call windows, an
overlapping window is refused with its rule, the saved rules are what the API answers;
the customer-service specialist (English) reads them without a way to change them.

SH01's rules are put back afterwards: other browser tests call inside its windows."""

from __future__ import annotations

import asyncpg
import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


async def test_edit_the_rules_and_read_them_elsewhere(
    browser: Browser, owner: asyncpg.Connection
) -> None:
    dealer = await owner.fetchval("select id from dealer where code = 'SH01'")
    assert dealer is not None, "the demo network has no SH01"
    before = await owner.fetchrow("select * from care_settings where dealer_id = $1", dealer)
    try:
        out = browser.run("edit-the-rules", script=FRONTEND / "e2e" / "care_settings.mjs")
    finally:
        await owner.execute("delete from care_settings where dealer_id = $1", dealer)
        if before is not None:
            columns = list(before.keys())
            await owner.execute(
                f"insert into care_settings ({', '.join(columns)})"
                f" values ({', '.join(f'${i + 1}' for i in range(len(columns)))})",
                *before.values(),
            )
    assert "the manager sees the API's" in out
    assert "refused (call_windows_overlap)" in out
    assert "four attempts are saved" in out
    assert "read-only" in out
