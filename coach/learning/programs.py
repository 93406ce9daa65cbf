"""Programs: assigning them, enrolling new hires, and each learner's steps with due dates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from coach import audit
from coach.database import lock_rows
from coach.errors import NotFound, ValidationError
from coach.team.services import assignable_people
from coach.models import (
    CompetencyEvidence,
    ModuleProgress,
    Program,
    ProgramAssignment,
    ProgramStep,
    Quiz,
    User,
    utcnow,
)

NEW_HIRE_DAYS = 90


@dataclass
class StepStatus:
    """One step of an assigned program, for one learner."""

    step: ProgramStep
    due: date
    done: bool
    overdue: bool


@dataclass
class AssignmentView:
    """An assigned program with the state of each step."""

    assignment: ProgramAssignment
    steps: list[StepStatus] = field(default_factory=list)

    @property
    def done_count(self) -> int:
        """Steps completed."""
        return sum(1 for s in self.steps if s.done)

    @property
    def overdue_count(self) -> int:
        """Steps past their due date and not done."""
        return sum(1 for s in self.steps if s.overdue)

    @property
    def next_step(self) -> StepStatus | None:
        """The first step not yet done."""
        return next((s for s in self.steps if not s.done), None)

    @property
    def percent(self) -> int:
        """Share of steps done, in percent."""
        return round(100 * self.done_count / len(self.steps)) if self.steps else 100


def list_programs(session: Session) -> list[Program]:
    """Live programs with their steps."""
    return list(session.scalars(select(Program).where(Program.retired.is_(False))
                                .options(selectinload(Program.steps)).order_by(Program.key)))


def get_program(session: Session, key: str) -> Program:
    """A live program by key, or NotFound."""
    program = session.scalar(select(Program).where(Program.key == key, Program.retired.is_(False)))
    if program is None:
        raise NotFound(_("No such program."))
    return program


def assign_program(session: Session, *, actor: User | None, program: Program, learners: list[User],
                   start_date: date, source: str = "", ip: str = "") -> int:
    """Assign a program to people from a start date; people who already have it are left alone."""
    if not learners:
        raise ValidationError(_("Choose a person or a team."), field="person")
    lock_rows(session, User, [u.id for u in learners])  # a simultaneous assignment waits, then sees this one
    existing = set(session.scalars(select(ProgramAssignment.user_id).where(
        ProgramAssignment.program_id == program.id, ProgramAssignment.user_id.in_([u.id for u in learners]))))
    created = 0
    for learner in learners:
        if learner.id in existing or not learner.active:
            continue
        session.add(ProgramAssignment(user_id=learner.id, program_id=program.id, start_date=start_date,
                                      assigned_by_id=actor.id if actor else None, source=source[:200]))
        audit.record(session, action="program.assigned", actor=actor, obj=learner, ip=ip,
                     details=f"{program.key} from {start_date.isoformat()}")
        created += 1
    session.flush()
    return created


def enroll_new_hire(session: Session, *, user: User, actor: User | None, today: date | None = None) -> int:
    """Give a newly created person the programs whose audience is new hires of their role and team."""
    today = today or date.today()
    if user.hire_date is not None and (today - user.hire_date).days > NEW_HIRE_DAYS:
        return 0
    count = 0
    for program in list_programs(session):
        audience = program.audience or {}
        teams = audience.get("teams") or []
        if not audience.get("new_hires") or user.role not in (audience.get("roles") or [user.role]):
            continue
        if teams and (user.team is None or user.team.name not in teams):
            continue
        count += assign_program(session, actor=actor, program=program, learners=[user],
                                start_date=user.hire_date or today, source="new hire")
    return count


def my_programs(session: Session, *, user: User, today: date | None = None) -> list[AssignmentView]:
    """The user's assigned programs with each step's due date and state, in a fixed number of queries."""
    return program_views(session, user_ids=[user.id], today=today).get(user.id, [])


def program_views(session: Session, *, user_ids: list[int], today: date | None = None,
                  new_hire_only: bool = False) -> dict[int, list[AssignmentView]]:
    """user id → assigned programs with each step's state, for many people in the same few queries."""
    today = today or date.today()
    if not user_ids:
        return {}
    query = (select(ProgramAssignment).where(ProgramAssignment.user_id.in_(user_ids))
             .options(selectinload(ProgramAssignment.program).selectinload(Program.steps)
                      .selectinload(ProgramStep.module),
                      selectinload(ProgramAssignment.program).selectinload(Program.steps)
                      .selectinload(ProgramStep.competency))
             .order_by(ProgramAssignment.start_date, ProgramAssignment.id))
    assignments = [a for a in session.scalars(query)
                   if not new_hire_only or (a.program.audience or {}).get("new_hires")]
    if not assignments:
        return {}
    module_ids = {s.module_id for a in assignments for s in a.program.steps if s.module_id}
    done_modules = {(uid, mid) for uid, mid in session.execute(
        select(ModuleProgress.user_id, ModuleProgress.module_id).where(
            ModuleProgress.user_id.in_(user_ids), ModuleProgress.module_id.in_(module_ids),
            ModuleProgress.completed_at.is_not(None)))} if module_ids else set()
    signoffs = signoff_levels(session, user_ids=user_ids)
    passed = quizzes_passed(session, user_ids=user_ids)
    views: dict[int, list[AssignmentView]] = {}
    for assignment in assignments:
        uid = assignment.user_id
        view = AssignmentView(assignment)
        for step in assignment.program.steps:
            if step.kind == "module":
                done = (uid, step.module_id) in done_modules
            elif step.kind == "quiz":
                done = (uid, step.quiz_key) in passed
            else:
                done = signoffs.get((uid, step.competency_id or 0), 0) >= (step.level or 0)
            due = assignment.start_date + timedelta(days=step.due_days)
            view.steps.append(StepStatus(step, due, done, overdue=not done and due < today))
        views.setdefault(uid, []).append(view)
    return views


def refresh_completion(session: Session, *, user_id: int) -> int:
    """Stamp `completed_at` on this person's programs whose every step is now done; returns how many.

    Called after each write that can finish a step (module done, quiz passed, sign-off approved), so
    that time to ramp is a stored fact rather than something every dashboard recomputes.
    """
    finished = 0
    now = utcnow()
    for view in program_views(session, user_ids=[user_id]).get(user_id, []):
        if view.assignment.completed_at is None and view.steps and view.next_step is None:
            view.assignment.completed_at = now
            finished += 1
    if finished:
        session.flush()
    return finished


def signoff_levels(session: Session, *, user_ids: list[int]) -> dict[tuple[int, int], int]:
    """(user id, competency id) → highest level signed off and still valid."""
    now = utcnow()
    rows = session.execute(
        select(CompetencyEvidence.user_id, CompetencyEvidence.competency_id, func.max(CompetencyEvidence.level))
        .where(CompetencyEvidence.user_id.in_(user_ids), CompetencyEvidence.kind == "signoff",
               CompetencyEvidence.revoked_at.is_(None),
               or_(CompetencyEvidence.expires_at.is_(None), CompetencyEvidence.expires_at > now))
        .group_by(CompetencyEvidence.user_id, CompetencyEvidence.competency_id))
    return {(user_id, competency_id): level for user_id, competency_id, level in rows}


def quizzes_passed(session: Session, *, user_ids: list[int]) -> set[tuple[int, str]]:
    """(user id, quiz key) for each passing quiz evidence (sources look like 'quiz:<key>:<attempt id>')."""
    rows = session.execute(select(CompetencyEvidence.user_id, CompetencyEvidence.source).where(
        CompetencyEvidence.user_id.in_(user_ids), CompetencyEvidence.kind == "quiz",
        CompetencyEvidence.revoked_at.is_(None), CompetencyEvidence.source.like("quiz:%")))
    return {(user_id, source.split(":")[1]) for user_id, source in rows if source.count(":") >= 2}


def learners_for(session: Session, *, manager: User, person_id: str | None, team_id: str | None) -> list[User]:
    """The person, or the active members of one of the manager's teams, named by the form."""
    people = assignable_people(session, manager=manager)
    if person_id:
        return [p for p in people if str(p.id) == person_id]
    if team_id:
        return [p for p in people if str(p.team_id) == team_id]
    raise ValidationError(_("Choose a person or a team."), field="person")


def quiz_titles(session: Session, *, language: str) -> dict[str, str]:
    """Quiz key → title in the reader's language, for program steps."""
    return {quiz.key: quiz.t("title", language) for quiz in session.scalars(select(Quiz))}
