"""Case-review meetings: the agenda built from submitted reviews, attendees, notes, decisions, action items."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from coach import audit
from coach.content.render import render_user_markdown
from coach.database import claim, insert_or_find
from coach.errors import Conflict, NotFound, ValidationError
from coach.models import ActionItem, AgendaItem, CaseReview, ReviewMeeting, Team, User, utcnow


def meetings_for(session: Session, *, team_ids: list[int]) -> list[ReviewMeeting]:
    """Meetings of these teams, the newest first."""
    if not team_ids:
        return []
    return list(session.scalars(select(ReviewMeeting).where(ReviewMeeting.team_id.in_(team_ids))
                                .options(joinedload(ReviewMeeting.team)).order_by(ReviewMeeting.held_on.desc())))


def get_meeting(session: Session, meeting_id: int) -> ReviewMeeting:
    """A meeting with its agenda and attendees, or NotFound."""
    meeting = session.scalar(select(ReviewMeeting).where(ReviewMeeting.id == meeting_id).options(
        joinedload(ReviewMeeting.team), selectinload(ReviewMeeting.attendees),
        selectinload(ReviewMeeting.agenda).joinedload(AgendaItem.review).joinedload(CaseReview.deal)))
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


def schedule(session: Session, *, actor: User, team: Team, held_on: date, title: str, ip: str = "") -> ReviewMeeting:
    """Schedule a case-review meeting for a team."""
    meeting = ReviewMeeting(team_id=team.id, held_on=held_on, title=title.strip()[:200], created_by_id=actor.id)
    session.add(meeting)
    session.flush()
    audit.record(session, action="meeting.scheduled", actor=actor, obj=meeting, ip=ip)
    return meeting


def candidates(session: Session, *, meeting: ReviewMeeting) -> list[CaseReview]:
    """The team's submitted reviews not yet discussed or on this agenda, oldest first."""
    on_agenda = {item.review_id for item in meeting.agenda}
    return [r for r in session.scalars(select(CaseReview).where(
        CaseReview.team_id == meeting.team_id, CaseReview.status == "submitted").options(joinedload(CaseReview.deal))
        .order_by(CaseReview.submitted_at)) if r.id not in on_agenda]


def add_to_agenda(session: Session, *, meeting: ReviewMeeting, review: CaseReview) -> AgendaItem:
    """Put a submitted review of the meeting's team on its agenda."""
    if review.team_id != meeting.team_id or review.status != "submitted":
        raise ValidationError(_("Only the team's submitted reviews can go on the agenda."), field="review")
    item, added = insert_or_find(
        session, AgendaItem(meeting_id=meeting.id, review_id=review.id, position=len(meeting.agenda)),
        lambda: session.scalar(select(AgendaItem).where(AgendaItem.meeting_id == meeting.id,
                                                        AgendaItem.review_id == review.id)))
    if not added:  # the unique key says it is there, maybe put there a moment ago by another click
        raise ValidationError(_("That review is already on the agenda."), field="review")
    session.refresh(meeting, ["agenda"])
    return item


def discuss(session: Session, *, actor: User, meeting: ReviewMeeting, item_id: int, ip: str = "") -> None:
    """Mark an agenda item discussed; its review becomes 'discussed' (once)."""
    item = next((i for i in meeting.agenda if i.id == item_id), None)
    if item is None:
        raise NotFound(_("No such agenda item."))
    if not claim(session, item, AgendaItem.discussed_at.is_(None), discussed_at=utcnow()):
        raise Conflict(_("This review has already been discussed."))  # maybe a moment ago, in another tab
    # The review may have been discussed in an earlier meeting already: then it stays as it is.
    claim(session, item.review, CaseReview.status == "submitted", status="discussed", version=CaseReview.version + 1)
    audit.record(session, action="review.discussed", actor=actor, obj=item.review, ip=ip,
                 details=f"meeting={meeting.id}")


def record(session: Session, *, actor: User, meeting: ReviewMeeting, attendees: list[User], notes: str,
           decisions: str, actions: list[tuple[str, int, date | None]], ip: str = "") -> None:
    """Save who attended, the notes, the decisions and new action items."""
    meeting.attendees = attendees
    meeting.notes, meeting.notes_html = notes.strip(), render_user_markdown(notes)
    meeting.decisions, meeting.decisions_html = decisions.strip(), render_user_markdown(decisions)
    for text, owner_id, due in actions:
        session.add(ActionItem(meeting_id=meeting.id, owner_id=owner_id, text=text.strip()[:500], due_date=due))
    audit.record(session, action="meeting.recorded", actor=actor, obj=meeting, ip=ip,
                 details=f"attendees={len(attendees)} actions={len(actions)}")


def meeting_actions(session: Session, meeting: ReviewMeeting) -> list[ActionItem]:
    """The meeting's action items."""
    return list(session.scalars(select(ActionItem).where(ActionItem.meeting_id == meeting.id)
                                .options(joinedload(ActionItem.owner)).order_by(ActionItem.id)))
