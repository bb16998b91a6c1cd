"""The screens' clock shows the outlet's time, whatever zone the device is set to
(displays/static/displays/js/api.js, docs/screens.md "Time").

Chromium runs in Pacific/Honolulu (UTC-10, no summer time), the demo outlet is in
Asia/Kolkata (UTC+5:30): fifteen and a half hours apart, so the device's time can
never pass for the outlet's.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from hub.models import Outlet

from .conftest import DESKTOP, Screen, token_for

pytestmark = [pytest.mark.browser, pytest.mark.postgres]

DEVICE_ZONE = "Pacific/Honolulu"


class DeviceInZone:
    """The browser, with every new context (device) set to `zone` and US English."""

    def __init__(self, browser, zone: str) -> None:
        self.browser, self.zone = browser, zone

    def new_context(self, **kwargs):
        return self.browser.new_context(timezone_id=self.zone, locale="en-US", **kwargs)


def plain(text: str) -> str:
    """ICU may put a (narrow) no-break space before AM/PM; compare with a plain one."""
    return text.replace("\u202f", " ").replace("\xa0", " ").strip()


def clock_times(zone: str) -> set[str]:
    """What a 12-hour HH:MM clock in `zone` may read now, a minute either side."""
    now = datetime.now(ZoneInfo(zone))
    return {(now + timedelta(minutes=d)).strftime("%I:%M %p") for d in (-1, 0, 1)}


@pytest.mark.parametrize(
    "username, path, outlet_zone",
    [
        ("chef", "/kds/1/", "Asia/Kolkata"),
        ("waiter", "/waiter/", "Asia/Kolkata"),
        ("driver", "/driver/", "Australia/Adelaide"),  # the zone comes from the outlet
    ],
)
def test_the_header_clock_shows_the_outlets_time_not_the_devices(
    browser, live_hub, transactional_demo, username, path, outlet_zone
):
    Outlet.objects.filter(pk=1).update(timezone=outlet_zone)
    screen = Screen(DeviceInZone(browser, DEVICE_ZONE), live_hub, token_for(username), DESKTOP)
    try:
        page = screen.open(path)
        # the device really is in Honolulu
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == DEVICE_ZONE
        # the clock comes to the outlet's time once GET /me has answered (and stays there)
        wanted = sorted(clock_times(outlet_zone))
        assert not set(wanted) & clock_times(DEVICE_ZONE)
        try:
            page.wait_for_function(
                r"""(wanted) => wanted.includes(document.getElementById("clock").textContent
                     .replace(/[\u202f\u00a0]/g, " ").trim())""",
                arg=wanted,
                timeout=5000,
            )
        except PlaywrightTimeout as exc:
            shown = plain(page.locator("#clock").inner_text())
            raise AssertionError(f"the clock shows {shown!r}, not one of {wanted}") from exc
        assert page.locator("#clock").get_attribute("data-timezone") == outlet_zone
        assert (
            page.locator("#clock").get_attribute("title") == f"Time at the outlet ({outlet_zone})"
        )
        # and what the screens format with the shared helper is in the outlet's zone too
        noon_utc = "2026-11-27T06:30:00Z"  # 12:00 in Kolkata, 20:30 the day before in Honolulu
        formatted = plain(page.evaluate(f"Hub.formatTime({noon_utc!r})"))
        expected = datetime(2026, 11, 27, 6, 30, tzinfo=ZoneInfo("UTC"))
        assert formatted == expected.astimezone(ZoneInfo(outlet_zone)).strftime("%I:%M %p")
        screen.assert_healthy()
    finally:
        screen.close()
