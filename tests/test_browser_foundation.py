"""Journey in a real browser: log in, home page, switch to Chinese, log out, back button shows nothing."""
from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.live import screenshot

pytestmark = pytest.mark.browser


def test_login_language_logout(page, world):
    page.goto("/")
    assert "/auth/login" in page.url
    page.get_by_label("E-mail").fill("member.a@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert "Team A" in page.content()

    page.select_option("#language-select", "zh")  # the switcher submits by itself
    page.wait_for_load_state()
    page.get_by_role("heading", name=re.compile("欢迎")).wait_for()
    assert "退出登录" in page.content()
    screenshot(page, "home-zh")

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(re.compile(r"/auth/login"))
    page.go_back()
    page.wait_for_load_state()
    assert "欢迎" not in page.content() and "Team A" not in page.content()
    assert "/auth/login" in page.url
