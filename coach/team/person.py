"""One person's development in one place, for them, their manager and their mentor."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coach.errors import NotFound
from coach.learning.programs import AssignmentView, my_programs
from coach.models import (
    CaseReview,
    Competency,
    CompetencyCategory,
    Mentorship,
    ModuleProgress,
    QuizAttempt,
    SignoffRequest,
    User,
)
from coach.reviews.services import visible_filter
from coach.skills.services import (
    NextLevel,
    Standing,
    career_ladder,
    find_level,
    framework,
    readiness_for_next_level,
    standings,
)
from coach.skills.targets import TargetStatus, targets_for_people
from coach.team.dashboard import Cell, career_requirements, required_levels

RECENT = 100


@dataclass(frozen=True)
class Development:
    """Whose development page this is and who mentors them: what the policy needs to decide."""

    person: User
    mentor_ids: frozenset[int]


@dataclass(frozen=True)
class Event:
    """One dated thing on a person's timeline."""

    when: datetime
    kind: str
    title: str
    link: str = ""
    detail: str = ""


@dataclass
class PersonPage:
    """Everything the person page shows."""

    person: User
    mentorships: list[Mentorship]
    categories: list[tuple[CompetencyCategory, list[Competency]]]
    standing: dict[int, Standing]
    required: dict[int, int]
    targets: list[TargetStatus]
    readiness: list[NextLevel]
    programs: list[AssignmentView]
    attempts: list[QuizAttempt]
    signoffs: list[SignoffRequest]
    reviews: list[CaseReview]
    timeline: list[Event] = field(default_factory=list)
    career_level_name: str = ""
    today: date = field(default_factory=date.today)

    def level(self, competency_id: int) -> int:
        """Current level in a competency."""
        return self.standing[competency_id].level if competency_id in self.standing else 0

    def cell(self, competency_id: int) -> Cell:
        """Current against required level in a competency, as on the heat map."""
        return Cell(self.level(competency_id), self.required.get(competency_id, 0))


def development_of(session: Session, user_id: int) -> Development:
    """The person (active or not) and their current mentors, or NotFound."""
    person = session.get(User, user_id)
    if person is None:
        raise NotFound(_("No such person."))
    mentors = session.scalars(select(Mentorship.mentor_id).where(Mentorship.mentee_id == person.id,
                                                                 Mentorship.active.is_(True)))
    return Development(person, frozenset(mentors))


def _at(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def person_page(session: Session, *, viewer: User, person: User, language: str) -> PersonPage:
    """One person's levels, evidence, attempts, sign-offs, programs and reviews, with a timeline."""
    mentorships = list(session.scalars(select(Mentorship).where(Mentorship.mentee_id == person.id)
                                       .options(joinedload(Mentorship.mentor)).order_by(Mentorship.start_date.desc())))
    standing = standings(session, user_ids=[person.id])[person.id]
    levels = {person.id: {cid: s.level for cid, s in standing.items()}}
    targets = targets_for_people(session, [person], levels=levels)
    requirements = career_requirements(session, {person.career_level} if person.career_level else set())
    tracks = career_ladder(session)
    current = find_level(tracks, person.career_level)
    attempts = list(session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == person.id)
                                    .options(joinedload(QuizAttempt.quiz))
                                    .order_by(QuizAttempt.started_at.desc()).limit(RECENT)))
    signoffs = list(session.scalars(select(SignoffRequest).where(SignoffRequest.mentee_id == person.id)
                                    .options(joinedload(SignoffRequest.competency), joinedload(SignoffRequest.mentor),
                                             joinedload(SignoffRequest.mentee))
                                    .order_by(SignoffRequest.created_at.desc()).limit(RECENT)))
    reviews = list(session.scalars(select(CaseReview).where(CaseReview.author_id == person.id,
                                                            visible_filter(viewer))
                                   .options(joinedload(CaseReview.deal))
                                   .order_by(CaseReview.created_at.desc()).limit(RECENT)))
    completions = session.execute(select(ModuleProgress).where(
        ModuleProgress.user_id == person.id, ModuleProgress.completed_at.is_not(None))
        .options(joinedload(ModuleProgress.module)).order_by(ModuleProgress.completed_at.desc()).limit(RECENT)
    ).scalars().all()
    page = PersonPage(
        person=person, mentorships=mentorships, categories=framework(session), standing=standing,
        required=required_levels([person], requirements, targets)[person.id], targets=targets,
        readiness=readiness_for_next_level(session, user=person, tracks=tracks, standing=standing),
        programs=my_programs(session, user=person), attempts=attempts, signoffs=signoffs, reviews=reviews,
        career_level_name=current.t("name", language) if current else "")
    page.timeline = _timeline(page, completions, language)
    return page


def _timeline(page: PersonPage, completions: list[ModuleProgress], language: str) -> list[Event]:
    events: list[Event] = []
    for view in page.programs:
        program = view.assignment.program
        events.append(Event(_at(view.assignment.start_date), "program", _("Program started: %(name)s",
                                                                         name=program.t("title", language))))
        if view.assignment.completed_at:
            events.append(Event(view.assignment.completed_at, "program_done",
                                _("Program completed: %(name)s", name=program.t("title", language))))
    for progress in completions:
        if progress.completed_at:
            events.append(Event(progress.completed_at, "module", _("Module completed: %(name)s",
                                                                    name=progress.module.t("title", language)),
                                link=f"/learn/modules/{progress.module.key}"))
    for attempt in page.attempts:
        if attempt.submitted_at and attempt.state == "graded":
            verdict = _("passed") if attempt.passed else _("not passed")
            events.append(Event(attempt.submitted_at, "attempt", _("Quiz: %(name)s", name=attempt.quiz.t(
                "title", language)), link=f"/quizzes/attempts/{attempt.id}/result",
                detail=f"{attempt.score:g}% · {verdict}"))
    for request in page.signoffs:
        name = request.competency.t("name", language)
        events.append(Event(request.created_at, "signoff_requested",
                            _("Sign-off requested: %(name)s level %(level)d", name=name, level=request.level),
                            link=f"/mentoring/requests/{request.id}"))
        if request.decided_at and request.status in ("approved", "rejected"):
            title = (_("Signed off: %(name)s level %(level)d", name=name, level=request.level)
                     if request.status == "approved" else
                     _("Sign-off not yet given: %(name)s level %(level)d", name=name, level=request.level))
            events.append(Event(request.decided_at, "signoff_" + request.status, title,
                                link=f"/mentoring/requests/{request.id}"))
    for review in page.reviews:
        if review.submitted_at:
            events.append(Event(review.submitted_at, "review", _("Case review filed: %(name)s", name=review.deal.name),
                                link=f"/reviews/{review.id}"))
    for mentorship in page.mentorships:
        events.append(Event(_at(mentorship.start_date), "mentorship",
                            _("Mentored by %(name)s", name=mentorship.mentor.name)))
    events.sort(key=lambda e: e.when, reverse=True)
    return events[:RECENT]
