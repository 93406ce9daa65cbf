"""Journey in a real browser: a mentee asks for a sign-off, the mentor approves it, level and target change."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coach.extensions import db
from coach.mentoring.services import assign_mentor
from coach.models import Competency
from coach.skills.targets import create_target
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import PASSWORD
from tests.live import screenshot

pytestmark = pytest.mark.browser


def _login(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def _logout(page) -> None:
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/auth/login"))


def test_request_approve_level_and_target_change(page, world, synced):
    competency = db.session.scalar(select(Competency).where(Competency.key == "discovery"))
    assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"], mentee=world["member_a"],
                  start_date=date.today(), goals="Ramp up")
    create_target(db.session, actor=world["manager_a"], competency_id=competency.id, level=3,
                  due_date=date.today() + timedelta(days=30), user=world["member_a"])
    db.session.commit()

    _login(page, "member.a@example.com")
    page.goto("/mentoring/requests/new")
    page.get_by_label("Competency").select_option(label="Needs discovery")
    page.get_by_label("Level").fill("3")
    page.get_by_label("Your evidence (Markdown)").fill("Led discovery with the **plant manager** at Huaxin.")
    page.get_by_role("button", name="Send to my mentor").click()
    page.get_by_text("Waiting for the mentor").wait_for()
    _logout(page)

    _login(page, "mentor.a@example.com")
    page.goto("/mentoring/")
    page.get_by_role("link", name=re.compile("Needs discovery")).click()
    assert "plant manager" in page.content()
    page.get_by_label("Coaches others").select_option("4")
    page.get_by_label("Decision").select_option("approve")
    page.get_by_label("Notes for the mentee").fill("Convincing evidence.")
    page.get_by_role("button", name="Save decision").click()
    page.get_by_text("Decision saved.").wait_for()
    screenshot(page, "signoff-approved")
    _logout(page)

    _login(page, "member.a@example.com")
    page.goto("/skills/mine")
    assert "Mentor sign-off" in page.content()
    page.goto("/skills/targets")
    assert "Met" in page.content()
    page.goto("/notifications/")
    assert "approved your sign-off" in page.content()
