"""In a real browser: a manager opens the team dashboard and its heat map, in English and in Chinese."""
from __future__ import annotations

import re

import pytest

from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import PASSWORD
from tests.live import screenshot
from tests.team_fixtures import team  # noqa: F401

pytestmark = pytest.mark.browser

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_manager_reads_the_dashboard_and_heat_map_in_both_languages(page, team):
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill("manager.a@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))

    page.get_by_role("link", name="Team dashboard").click()
    page.get_by_role("heading", name="Team A", level=1).wait_for()
    heatmap = page.locator("table.heatmap")
    row = heatmap.locator("tbody tr", has_text="Rep One")
    assert row.locator("td.heat-short1").first.inner_text() == "0/1"
    colour = row.locator("td.heat-short1").first.evaluate("cell => getComputedStyle(cell).backgroundColor")
    assert colour == "rgb(253, 184, 99)"  # the stylesheet is served locally and applied
    assert page.get_by_text("Call the buyer back").is_visible()
    screenshot(page, "team-dashboard-en")

    page.get_by_role("link", name="Printable heat map").click()
    page.get_by_role("heading", name=re.compile("Skill heat map"), level=1).wait_for()
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name="Print").is_visible()  # controls hide on paper
    assert page.locator("table.heatmap").is_visible()
    page.emulate_media(media="screen")
    screenshot(page, "team-heatmap-en")

    page.select_option("#language-select", "zh")  # the switcher submits by itself: wait for the new page
    page.get_by_role("heading", level=1, name=CHINESE).wait_for()
    title = page.get_by_role("heading", level=1).inner_text()
    assert CHINESE.search(title) and "Team A" in title
    assert page.locator("table.heatmap td.heat-short2").count() > 0
    screenshot(page, "team-heatmap-zh")

    page.get_by_role("link", name="Team A").click()
    page.locator("#heatmap").wait_for()
    assert CHINESE.search(page.locator("#heatmap").inner_text())
    assert CHINESE.search(page.locator("#onboarding").inner_text())
    screenshot(page, "team-dashboard-zh")
