"""Case reviews, meetings, the loop back to training, win/loss analysis and deal pages."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from coach.errors import ValidationError
from coach.extensions import db
from coach.models import ActionItem, CaseReview, Deal, TrainingAssignment
from coach.reviews import analysis, loop, meetings, services
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "crm-samples"


def make_deal(owner, outcome="lost", *, amount=100000, competitor="DataMill", close=date(2026, 10, 1), n=[0]) -> Deal:
    n[0] += 1
    deal = Deal(source="test", external_id=f"D{n[0]}", name=f"Deal {n[0]}", account=f"Customer {n[0]}",
                amount=Decimal(amount), currency="CNY", stage=outcome, outcome=outcome, close_date=close,
                owner_id=owner.id, competitor=competitor)
    db.session.add(deal)
    db.session.flush()
    return deal


def review_of(deal, author, reasons=("price",), *, submit=True) -> CaseReview:
    data = services.ReviewInput(stage="negotiation", reasons=list(reasons), primary_reason=reasons[0],
                                lessons="Anchor on **value**")
    review = services.create_review(db.session, author=author, deal=deal, data=data)
    if submit:
        services.submit_review(db.session, actor=author, review=review)
    return review


def test_drafts_are_private_submitted_reviews_are_shared_with_the_team(client, auth, world, synced):
    teammate_deal = make_deal(world["member_a"])
    review = review_of(teammate_deal, world["member_a"], submit=False)
    db.session.commit()
    for email in ("mentor.a@example.com", "member.b@example.com"):
        auth.login(email)
        assert client.get(f"/reviews/{review.id}").status_code == 403
        auth.logout()
    services.submit_review(db.session, actor=world["member_a"], review=review)
    db.session.commit()
    auth.login("mentor.a@example.com")
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "<strong>value</strong>" in page and "Price too high" in page
    auth.logout()
    auth.login("member.b@example.com")
    assert client.get(f"/reviews/{review.id}").status_code == 403  # another team
    assert "Deal" not in client.get("/reviews/").get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]


def test_reason_rules(world, synced):
    won = make_deal(world["member_a"], "won")
    with pytest.raises(ValidationError, match="does not apply"):
        review_of(won, world["member_a"], ("price",))
    lost = make_deal(world["member_a"])
    with pytest.raises(ValidationError, match="primary"):
        services.create_review(db.session, author=world["member_a"], deal=lost, data=services.ReviewInput(
            stage=None, reasons=["price", "unknown"], primary_reason=None))
    open_deal = make_deal(world["member_a"], "open")
    with pytest.raises(ValidationError, match="Only a won, lost or no-decision deal"):
        review_of(open_deal, world["member_a"])


def test_second_save_of_an_old_copy_is_told_and_overwrites_nothing(client, auth, world, synced):
    review = review_of(make_deal(world["member_a"]), world["member_a"], submit=False)
    db.session.commit()
    form = {"stage": "negotiation", "reasons": ["price"], "primary_reason": "price", "version": str(review.version)}
    auth.login("member.a@example.com")
    first = client.post(f"/reviews/{review.id}/edit", data={**form, "went_well": "First tab"})
    assert first.status_code == 302
    second = client.post(f"/reviews/{review.id}/edit", data={**form, "went_well": "Second tab"})
    assert second.status_code == 409 and "someone else saved this review" in second.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(CaseReview, review.id).went_well == "First tab"


def test_meeting_agenda_discussion_and_record(client, auth, world, synced):
    review = review_of(make_deal(world["member_a"]), world["member_a"])
    db.session.commit()
    auth.login("manager.a@example.com")
    response = client.post("/reviews/meetings", data={"team": str(world["team_a"].id), "held_on": "2026-12-01",
                                                       "title": "December case review"})
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.post(f"/reviews/meetings/{meeting_id}/agenda", data={"review": str(review.id)})
    meeting = meetings.get_meeting(db.session, meeting_id)
    assert [i.review_id for i in meeting.agenda] == [review.id]
    client.post(f"/reviews/meetings/{meeting_id}/agenda/{meeting.agenda[0].id}/discussed")
    db.session.expire_all()
    assert db.session.get(CaseReview, review.id).status == "discussed"
    client.post(f"/reviews/meetings/{meeting_id}/record", data={
        "attendees": [str(world["member_a"].id), str(world["mentor_a"].id)], "notes": "Price came up again",
        "decisions": "Practise **anchoring**", "actions-0-text": "Role-play price objections",
        "actions-0-owner": str(world["mentor_a"].id), "actions-0-due_date": "2026-12-15"})
    page = client.get(f"/reviews/meetings/{meeting_id}").get_data(as_text=True)
    assert "<strong>anchoring</strong>" in page and "Role-play price objections" in page and "data-print" in page
    auth.logout()
    auth.login("manager.b@example.com")
    assert client.get(f"/reviews/meetings/{meeting_id}").status_code in (403, 404)


def test_a_review_added_to_the_agenda_from_two_tabs_gets_a_message_not_an_error(client, auth, world, synced,
                                                                                monkeypatch):
    """The second tab's form still offers the review; the unique key refuses it, and the page says why."""
    review = review_of(make_deal(world["member_a"]), world["member_a"])
    meeting = meetings.schedule(db.session, actor=world["manager_a"], team=world["team_a"],
                                held_on=date(2026, 12, 1), title="December")
    meetings.add_to_agenda(db.session, meeting=meeting, review=review)
    db.session.commit()
    review_id = review.id
    monkeypatch.setattr(meetings, "candidates",  # what the stale tab's form still offers
                        lambda session, meeting: [session.get(CaseReview, review_id)])
    auth.login("manager.a@example.com")
    meeting_id = meeting.id
    response = client.post(f"/reviews/meetings/{meeting_id}/agenda", data={"review": str(review_id)})
    assert response.status_code == 302
    assert "already on the agenda" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(meetings.get_meeting(db.session, meeting_id).agenda) == 1


def test_review_proposes_training_and_assigns_it_with_one_click(client, auth, world, synced):
    review = review_of(make_deal(world["member_a"]), world["member_a"], ("price",))
    db.session.commit()
    proposal = loop.for_review(db.session, review)
    assert [m.key for m in proposal.modules] == ["basics-pricing"]
    auth.login("manager.a@example.com")
    client.post(f"/reviews/{review.id}/assign", data={"who": "owner"})
    assignment = db.session.scalars(select(TrainingAssignment)).one()
    assert assignment.user_id == world["member_a"].id and assignment.review_id == review.id
    assert "Price too high" in assignment.source
    auth.logout()
    auth.login("member.a@example.com")
    page = client.get("/learn/my").get_data(as_text=True)
    assert "Training assigned from case reviews" in page and "Pricing rules" in page


def test_three_losses_for_one_reason_make_a_pattern(client, auth, world, synced):
    for _ in range(3):
        review_of(make_deal(world["member_a"]), world["member_a"], ("price",))
    review_of(make_deal(world["member_a"], "no-decision"), world["member_a"], ("no-decision",))
    db.session.commit()
    found = loop.patterns(db.session, team_id=world["team_a"].id, today=date.today())
    assert [(reason.key, count) for reason, count, _p in found] == [("price", 3)]
    auth.login("manager.a@example.com")
    assert "3 losses" in client.get("/reviews/patterns").get_data(as_text=True)
    reason_id = found[0][0].id
    client.post(f"/reviews/patterns/{world['team_a'].id}/{reason_id}/assign", data={})
    learners = set(db.session.scalars(select(TrainingAssignment.user_id)))
    assert world["member_a"].id in learners and world["member_b"].id not in learners


def test_analysis_numbers_and_csv(client, auth, world, synced):
    member = world["member_a"]
    make_deal(member, "won", amount=200000, competitor="Vibrosense", close=date(2026, 2, 1))
    make_deal(member, "won", amount=100000, competitor="DataMill", close=date(2026, 5, 1))
    review_of(make_deal(member, "lost", amount=50000, competitor="DataMill", close=date(2026, 5, 2)), member)
    make_deal(member, "no-decision", amount=80000, competitor="", close=date(2026, 5, 3))
    make_deal(world["member_b"], "won", amount=999, competitor="X")  # another team
    db.session.commit()
    filters = analysis.Filters(team_ids=[world["team_a"].id])
    total = analysis.overall(db.session, filters)
    assert (total.won, total.lost, total.no_decision, total.win_rate) == (2, 1, 1, 50.0)
    by_competitor = {r.label: r for r in analysis.by_dimension(db.session, filters, "competitor", "en")}
    assert by_competitor["DataMill"].win_rate == 50.0 and by_competitor["DataMill"].lost_amount == Decimal(50000)
    quarters = {r.label: r.closed for r in analysis.by_dimension(db.session, filters, "quarter", "en")}
    assert quarters == {"2026 Q1": 1, "2026 Q2": 3}
    assert [(r.label, r.lost) for r in analysis.by_dimension(db.session, filters, "reason", "en")] == [
        ("Price too high", 1)]
    auth.login("manager.a@example.com")
    assert "Win rate 50.0% over 4 closed deals" in client.get("/reviews/analysis").get_data(as_text=True)
    csv_response = client.get("/reviews/analysis/competitor.csv")
    assert csv_response.data.startswith("\ufeff".encode()) and "attachment" in csv_response.headers[
        "Content-Disposition"]
    assert client.get("/reviews/analysis/nonsense.csv").status_code == 404


def test_deal_pages_and_admin_upload(client, auth, world, synced):
    deal = make_deal(world["member_a"])
    review_of(deal, world["member_a"])
    db.session.commit()
    auth.login("member.a@example.com")
    page = client.get(f"/deals/{deal.id}").get_data(as_text=True)
    assert deal.name in page and "Review by" in page
    auth.logout()
    auth.login("member.b@example.com")
    assert client.get(f"/deals/{deal.id}").status_code == 403
    auth.logout()
    auth.login("admin@example.com")
    with (SAMPLES / "generic.csv").open("rb") as handle:
        report = client.post("/deals/upload", data={"preset": "generic", "dry_run": "1", "skip_invalid": "0",
                                                    "file": (handle, "generic.csv")}, content_type="multipart/form-data")
    assert "row 2, column owner_email: no Coach user has the e-mail" in report.get_data(as_text=True)
    assert db.session.scalar(select(Deal).where(Deal.source == "generic")) is None


def test_a_reviews_action_item_is_ticked_off_by_its_owner_only(client, auth, world, synced):
    """Review and meeting action items have no mentorship: their owner ticks them off; no one else, and no 500."""
    deal = make_deal(world["member_a"])
    review = services.create_review(db.session, author=world["member_a"], deal=deal, data=services.ReviewInput(
        stage=None, reasons=["price"], primary_reason="price",
        actions=[("Send the revised quote", world["member_a"].id, None)]))
    services.submit_review(db.session, actor=world["member_a"], review=review)
    db.session.commit()
    review_id = review.id
    item_id = db.session.scalar(select(ActionItem.id).where(ActionItem.review_id == review_id))
    auth.login("mentor.a@example.com")
    assert client.post(f"/mentoring/actions/{item_id}/done").status_code == 403
    auth.logout()
    auth.login("member.a@example.com")
    response = client.post(f"/mentoring/actions/{item_id}/done")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/reviews/{review_id}")
    db.session.expire_all()
    assert db.session.get(ActionItem, item_id).done_at is not None
