"""Coaching notes with action items, observed practice, and the mentor's dashboard."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coach import audit
from coach.content.render import render_user_markdown
from coach.database import claim
from coach.errors import Conflict, NotFound, ValidationError
from coach.learning.programs import AssignmentView, my_programs
from coach.models import (
    OBSERVATION_KINDS,
    ActionItem,
    CoachingNote,
    Competency,
    Mentorship,
    Observation,
    QuizAttempt,
    User,
    utcnow,
)

MAX_ACTION_ITEMS = 10


def add_note(session: Session, *, author: User, mentorship: Mentorship, held_on: date, notes: str,
             actions: list[tuple[str, int, date | None]], ip: str = "") -> CoachingNote:
    """Record a 1:1 with its action items (text, owner id, due date); owners are the mentor or the mentee."""
    if not notes.strip() and not actions:
        raise ValidationError(_("Write a note or at least one action item."), field="notes")
    owners = {mentorship.mentor_id, mentorship.mentee_id}
    for _text, owner_id, _due in actions:
        if owner_id not in owners:
            raise ValidationError(_("An action item belongs to the mentor or the mentee."), field="actions")
    note = CoachingNote(mentorship_id=mentorship.id, author_id=author.id, held_on=held_on, notes=notes.strip(),
                        notes_html=render_user_markdown(notes))
    session.add(note)
    session.flush()
    for text, owner_id, due in actions[:MAX_ACTION_ITEMS]:
        session.add(ActionItem(mentorship_id=mentorship.id, note_id=note.id, owner_id=owner_id, text=text.strip()[:500],
                               due_date=due))
    audit.record(session, action="coaching.note_added", actor=author, obj=note, ip=ip,
                 details=f"mentorship={mentorship.id} actions={len(actions)}")
    return note


def get_action_item(session: Session, item_id: int) -> ActionItem:
    """An action item with its mentorship, or NotFound."""
    item = session.scalar(select(ActionItem).where(ActionItem.id == item_id).options(
        joinedload(ActionItem.mentorship).joinedload(Mentorship.mentee)))
    if item is None:
        raise NotFound(_("No such action item."))
    return item


def complete_action(session: Session, *, user: User, item: ActionItem, ip: str = "") -> None:
    """The owner ticks off their own action item."""
    if item.owner_id != user.id:
        raise ValidationError(_("Only the owner of an action item ticks it off."), field="item")
    if not claim(session, item, ActionItem.done_at.is_(None), done_at=utcnow()):
        raise Conflict(_("This action item is already done."))
    audit.record(session, action="coaching.action_done", actor=user, obj=item, ip=ip)


def record_observation(session: Session, *, mentor: User, mentorship: Mentorship, competency: Competency, level: int,
                       kind: str, observed_on: date, scenario: str, scores: list[int], notes: str,
                       ip: str = "") -> Observation:
    """Record a role-play or a shadowed call, scored against the level's behaviours."""
    if kind not in OBSERVATION_KINDS:
        raise ValidationError(_("Choose role-play or shadowed call."), field="kind")
    behaviours = next((lvl.behaviours for lvl in competency.levels if lvl.level == level), None)
    if behaviours is None:
        raise ValidationError(_("%(competency)s has no level %(n)d.", competency=competency.name_en, n=level),
                              field="level")
    if len(scores) != len(behaviours) or any(not 1 <= s <= 4 for s in scores):
        raise ValidationError(_("Score every behaviour from 1 to 4."), field="scores")
    observation = Observation(mentor_id=mentor.id, mentee_id=mentorship.mentee_id, competency_id=competency.id,
                              level=level, kind=kind, observed_on=observed_on, scenario=scenario.strip()[:2000],
                              rubric_scores=scores, notes=notes.strip(), notes_html=render_user_markdown(notes))
    session.add(observation)
    session.flush()
    audit.record(session, action="coaching.observation", actor=mentor, obj=observation, ip=ip,
                 details=f"{competency.key} level {level} {kind}")
    return observation


def observations_of(session: Session, *, mentee_id: int) -> list[Observation]:
    """A mentee's observed practice, newest first."""
    return list(session.scalars(select(Observation).where(Observation.mentee_id == mentee_id)
                                .options(joinedload(Observation.competency), joinedload(Observation.mentor))
                                .order_by(Observation.observed_on.desc())))


@dataclass
class MenteeCard:
    """A mentee on the mentor's dashboard."""

    mentorship: Mentorship
    programs: list[AssignmentView] = field(default_factory=list)
    attempts: list[QuizAttempt] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        """Overdue program steps."""
        return sum(view.overdue_count for view in self.programs)


def mentee_cards(session: Session, *, mentorships: list[Mentorship]) -> list[MenteeCard]:
    """Each mentee's programs, overdue steps and recent quiz attempts."""
    cards = []
    for mentorship in mentorships:
        attempts = list(session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == mentorship.mentee_id,
                                                                  QuizAttempt.state != "open")
                                        .options(joinedload(QuizAttempt.quiz))
                                        .order_by(QuizAttempt.submitted_at.desc()).limit(3)))
        cards.append(MenteeCard(mentorship, my_programs(session, user=mentorship.mentee), attempts))
    return cards


def open_action_items(session: Session, *, mentorship_ids: list[int]) -> list[ActionItem]:
    """Action items not done yet, the earliest due first."""
    if not mentorship_ids:
        return []
    return list(session.scalars(select(ActionItem).where(ActionItem.mentorship_id.in_(mentorship_ids),
                                                         ActionItem.done_at.is_(None))
                                .options(joinedload(ActionItem.owner)).order_by(ActionItem.due_date)))
