"""The web app shell in a real browser: sign-in, header, role-aware navigation, 我的权限,
the dealer switcher and the language switch, for users of different roles.

Each check compares the page with the API's own answer for the same session, so the
tests follow the policy catalog rather than restating it.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import Browser

pytestmark = pytest.mark.browser


def test_sign_in_screen_defaults_to_the_browser_language_and_reports_bad_credentials(
    browser: Browser,
) -> None:
    out = browser.run("sign-in")
    assert "a Chinese browser gets the sign-in screen in 中文" in out
    assert "(UNAUTHENTICATED)" in out


def test_service_advisor_sees_only_what_the_role_allows(
    browser: Browser, demo_users: dict[str, Any]
) -> None:
    advisor = demo_users["advisor"]
    out = browser.run("user", advisor["username"])
    # The advisor's catalog grants the service process but neither staff nor audit
    # reading: the navigation lists the one and not the others.
    navigation = next(line for line in out.splitlines() if "navigation: " in line)
    assert "What I may do here | Appointments | Reception | Repair orders" in navigation
    assert "Staff & headcount" not in navigation
    assert "Audit log" not in navigation
    assert "refused at /staff" in out
    assert "refused at /audit-log" in out
    assert "中文: navigation, labels and roles in Chinese" in out


def test_manager_sees_staff_and_headcount(browser: Browser, demo_users: dict[str, Any]) -> None:
    manager = demo_users["manager"]
    assert manager["roles"] != demo_users["advisor"]["roles"]
    out = browser.run("user", manager["username"])
    # The staff page opened from the navigation and listed people and headcount lines.
    assert "Staff & headcount: " in out
    assert "refused at /staff" not in out


def test_multi_dealer_user_switches_dealer_and_everything_refetches(
    browser: Browser, demo_users: dict[str, Any]
) -> None:
    multi = demo_users["multiDealer"]
    assert multi["dealers"] > 1
    out = browser.run("user", multi["username"], "--switch")
    assert "switcher shown" in out
    assert "switched dealer" in out
