"""Programs: assigning them, enrolling new hires, and each learner's steps with due dates."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coach import audit
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
    """The user's assigned programs with each step's due date and state, in four queries."""
    today = today or date.today()
    assignments = list(session.scalars(
        select(ProgramAssignment).where(ProgramAssignment.user_id == user.id)
        .options(selectinload(ProgramAssignment.program).selectinload(Program.steps).selectinload(ProgramStep.module),
                 selectinload(ProgramAssignment.program).selectinload(Program.steps)
                 .selectinload(ProgramStep.competency))
        .order_by(ProgramAssignment.start_date)))
    done_modules = set(session.scalars(select(ModuleProgress.module_id).where(
        ModuleProgress.user_id == user.id, ModuleProgress.completed_at.is_not(None))))
    signoffs = _signoff_levels(session, user_id=user.id)
    passed_quizzes = quiz_keys_passed(session, user_id=user.id)
    views = []
    for assignment in assignments:
        view = AssignmentView(assignment)
        for step in assignment.program.steps:
            if step.kind == "module":
                done = step.module_id in done_modules
            elif step.kind == "quiz":
                done = step.quiz_key in passed_quizzes
            else:
                done = signoffs.get(step.competency_id or 0, 0) >= (step.level or 0)
            due = assignment.start_date + timedelta(days=step.due_days)
            view.steps.append(StepStatus(step, due, done, overdue=not done and due < today))
        views.append(view)
    return views


def _signoff_levels(session: Session, *, user_id: int) -> dict[int, int]:
    now = utcnow()
    levels: dict[int, int] = {}
    for competency_id, level, expires_at in session.execute(
            select(CompetencyEvidence.competency_id, CompetencyEvidence.level, CompetencyEvidence.expires_at)
            .where(CompetencyEvidence.user_id == user_id, CompetencyEvidence.kind == "signoff",
                   CompetencyEvidence.revoked_at.is_(None))):
        if expires_at is None or expires_at > now:
            levels[competency_id] = max(levels.get(competency_id, 0), level)
    return levels


def quiz_keys_passed(session: Session, *, user_id: int) -> set[str]:
    """Keys of the quizzes this user has a passing quiz evidence for (sources look like 'quiz:<key>:<id>')."""
    sources = session.scalars(select(CompetencyEvidence.source).where(
        CompetencyEvidence.user_id == user_id, CompetencyEvidence.kind == "quiz",
        CompetencyEvidence.revoked_at.is_(None)))
    return {source.split(":")[1] for source in sources if source.startswith("quiz:") and source.count(":") >= 2}


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
