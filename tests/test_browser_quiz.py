"""Journey in a real browser: fail a quiz, read the feedback, retake it, pass, and see the target met."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coach.extensions import db
from coach.models import Competency
from coach.skills.targets import create_target
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import PASSWORD
from tests.live import screenshot

pytestmark = pytest.mark.browser


def _answer(page, q1: str, q2: str) -> None:  # noqa: F811
    page.locator("#q-q1").get_by_label(q1).check()
    page.locator("#q-q2").get_by_label(q2).check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url(re.compile(r"/result$"))


def test_fail_feedback_retake_pass_and_target_moves(page, world, synced):  # noqa: F811
    competency = db.session.scalar(select(Competency).where(Competency.key == "discovery"))
    create_target(db.session, actor=world["manager_a"], competency_id=competency.id, level=1,
                  due_date=date.today() + timedelta(days=60), user=world["member_a"])
    db.session.commit()
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill("member.a@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/skills/targets")
    assert "On track" in page.content()

    page.goto("/quizzes/basics-quiz")
    page.get_by_role("button", name="Start the quiz").click()
    _answer(page, "False", "The price")
    assert "Not passed yet" in page.content()
    assert "No: value first." in page.content()  # the per-answer feedback
    screenshot(page, "quiz-failed")

    page.get_by_role("link", name=re.compile("try again")).click()
    page.get_by_role("button", name="Try again").click()
    _answer(page, "True", "The pain")
    assert "Passed: 100.0%" in page.content()

    page.goto("/skills/targets")
    assert "Met" in page.content()
    screenshot(page, "targets-met")
