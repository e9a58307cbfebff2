"""Partner apps in the browser: the service manager registers an application with
scopes, is refused one they do not hold, issues a key shown once, sees the partner's
call in the recent calls, and revokes the key, which is refused at once."""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser


def test_register_grant_issue_and_see_a_call(browser: Browser) -> None:
    out = browser.run("register-and-call", script=FRONTEND / "e2e" / "partner_apps.mjs")
    assert "registers an application with two scopes" in out
    assert "refused (SCOPE_NOT_GRANTABLE)" in out
    assert "shown once" in out and "masked" in out
    assert "appears among the recent calls" in out
    assert "refused at once (UNAUTHENTICATED)" in out
