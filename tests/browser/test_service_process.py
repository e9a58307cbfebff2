"""The service process in a real browser, against the seeded demo network.

The service advisor's own steps are done in the page (reception of a walk-in, the
walk-around with a damage mark and the customer's signature, quotation lines, approval
by signature, settlement, delivery); the other roles along the way (dispatch, the
technician's clock, the three quality checks by three people, the cashier) act through
the API, as their screens are not the point here. Each scenario opens its own orders,
so they are independent of one another and of the order they run in.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import FRONTEND, Browser

pytestmark = pytest.mark.browser

SERVICE = FRONTEND / "e2e" / "service.mjs"


def test_advisor_takes_a_walk_in_from_reception_to_delivery(browser: Browser) -> None:
    out = browser.run("reception-to-delivery", script=SERVICE)
    assert "walk-around recorded with a dent on the left front door" in out
    assert "approved by the customer’s signature" in out
    assert "promised 17:30" in out
    assert "自检/互检/总检 by" in out
    assert "delivered with the next service date and mileage; the server agrees" in out


def test_customer_approves_on_a_phone_through_a_one_time_link(browser: Browser) -> None:
    out = browser.run("approval-link", script=SERVICE)
    assert "a signed-out phone (中文) saw the quotation and approved it" in out
    assert "the link refuses a second use" in out
    assert "the order is approved on the server" in out
    assert "turned approved by itself" in out


def test_advisor_books_an_appointment_waiting_for_parts_and_confirms_it(browser: Browser) -> None:
    out = browser.run("appointment-booking", script=SERVICE)
    assert "booking refused with PARTS_MISSING" in out
    assert "booked waiting for parts" in out
    assert "confirmed from the day-before queue" in out


def test_full_day_offers_other_days_and_books_on_one(browser: Browser) -> None:
    out = browser.run("capacity-full", script=SERVICE)
    assert "day(s) with room offered" in out
    assert "booked on the suggested day" in out


def test_supervisor_dispatches_and_the_technician_clocks_the_job(browser: Browser) -> None:
    out = browser.run("workshop-jobs", script=SERVICE)
    assert "on the dispatch screen" in out
    assert "clocked on, off (paused) and on again" in out
    assert "reported an additional fault" in out
    assert "the order is work done on the server" in out
