"""Journey in a real browser: review an imported lost deal, discuss it in a meeting, assign the training."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coach.deals.importer import import_deals
from coach.extensions import db
from coach.models import CaseReview, TrainingAssignment
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import PASSWORD
from tests.live import screenshot

pytestmark = pytest.mark.browser

EXPORT = (b"external_id,name,account,amount,currency,stage,close_date,owner_email,competitor\n"
          b"QY-9,Jiahe bottling lines,Jiahe Beverages,388000,CNY,lost,2026-10-20,member.a@example.com,DataMill\n")


def _login(page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/$"))


def test_review_an_imported_deal_and_discuss_it(page, world, synced):
    report = import_deals(db.session, EXPORT, preset_name="generic")
    assert report.created
    db.session.commit()

    _login(page, "member.a@example.com")
    page.goto("/deals/")
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_label("Stage the deal reached").select_option(label="Negotiation")
    page.get_by_label("Reasons").select_option(["price"])
    page.get_by_label("Primary reason").select_option("price")
    page.get_by_label("Competitors").fill("DataMill")
    page.get_by_label("What went well").fill("Strong demo to the plant manager.")
    page.get_by_label("Lessons (Markdown)").fill("Anchor on the **cost of downtime** before purchasing joins.")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Review saved as a draft.").wait_for()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Submit to the team").click()
    page.get_by_text("Review submitted to the team.").wait_for()
    page.get_by_role("button", name="Log out").click()

    _login(page, "manager.a@example.com")
    page.goto("/reviews/meetings")
    page.get_by_label("Title").fill("December case review")
    page.get_by_role("button", name="Schedule a meeting").click()
    page.get_by_role("button", name="Add to the agenda").click()
    page.get_by_role("button", name="Mark discussed").click()
    page.get_by_text("Discussed").first.wait_for()
    screenshot(page, "meeting")
    page.get_by_role("link", name="Jiahe bottling lines").click()
    assert "Pricing rules" in page.content()  # training mapped to the loss reason
    page.get_by_role("button", name="Assign this training").click()
    page.get_by_text("assignments created").wait_for()

    db.session.rollback()
    review = db.session.scalars(select(CaseReview)).one()
    assert review.status == "discussed"
    assert db.session.scalars(select(TrainingAssignment)).one().user_id == world["member_a"].id
