"""Capability targets: competency X at level N by date D, for a person, a team or a career level."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from coach import audit
from coach.database import claim
from coach.errors import Conflict, NotFound, ValidationError
from coach.models import CapabilityTarget, Competency, CompetencyEvidence, Quiz, Team, User, utcnow
from coach.skills.services import current_levels

AT_RISK_DAYS = 14


@dataclass
class TargetStatus:
    """A target as it stands for one person."""

    target: CapabilityTarget
    person: User
    current: int

    def status(self, today: date) -> str:
        """met, overdue, at_risk (due within two weeks and not met) or on_track."""
        if self.current >= self.target.level:
            return "met"
        if self.target.due_date < today:
            return "overdue"
        if self.target.due_date <= today + timedelta(days=AT_RISK_DAYS):
            return "at_risk"
        return "on_track"


def create_target(session: Session, *, actor: User, competency_id: int, level: int, due_date: date,
                  user: User | None = None, team: Team | None = None, career_level_key: str | None = None,
                  note: str = "", ip: str = "") -> CapabilityTarget:
    """Set a target for exactly one of: a person, a team, a career level."""
    if sum(x is not None for x in (user, team, career_level_key)) != 1:
        raise ValidationError(_("Choose a person, a team or a career level."), field="person")
    if career_level_key is not None and actor.role != "admin":  # it would apply to every team's people
        raise ValidationError(_("Only an administrator sets a target for a career level across the company; "
                                "choose a person or one of your teams."), field="career_level")
    competency = session.get(Competency, competency_id)
    if competency is None or competency.retired:
        raise ValidationError(_("Unknown competency."), field="competency")
    if level not in {lvl.level for lvl in competency.levels}:
        raise ValidationError(_("That competency has no level %(n)d.", n=level), field="level")
    target = CapabilityTarget(competency_id=competency.id, level=level, due_date=due_date,
                              user_id=user.id if user else None, team_id=team.id if team else None,
                              career_level_key=career_level_key, set_by_id=actor.id, note=note.strip()[:2000])
    session.add(target)
    session.flush()
    audit.record(session, action="target.created", actor=actor, obj=target, ip=ip,
                 details=f"{competency.key}>={level} by {due_date.isoformat()}")
    return target


def remove_target(session: Session, *, actor: User, target_id: int, ip: str = "") -> None:
    """Retire a target (kept for history)."""
    target = session.get(CapabilityTarget, target_id)
    if target is None:
        raise NotFound(_("No such target."))
    # Removed a moment ago in another tab: the conditional update says so, and nothing is recorded twice.
    if not claim(session, target, CapabilityTarget.active.is_(True), active=False):
        raise Conflict(_("This target has already been removed."))
    audit.record(session, action="target.removed", actor=actor, obj=target, ip=ip)


def targets_for_people(session: Session, people: list[User],
                       levels: dict[int, dict[int, int]] | None = None) -> list[TargetStatus]:
    """Every active target that applies to these people, with each one's current level (three queries)."""
    if not people:
        return []
    team_ids = {p.team_id for p in people if p.team_id}
    career_levels = {p.career_level for p in people if p.career_level}
    targets = list(session.scalars(select(CapabilityTarget).where(CapabilityTarget.active.is_(True), or_(
        CapabilityTarget.user_id.in_([p.id for p in people]), CapabilityTarget.team_id.in_(team_ids),
        CapabilityTarget.career_level_key.in_(career_levels))).options(joinedload(CapabilityTarget.competency))
        .order_by(CapabilityTarget.due_date)))
    levels = levels if levels is not None else current_levels(session, user_ids=[p.id for p in people])
    result = []
    for target in targets:
        for person in people:
            applies = (target.user_id == person.id or (target.team_id and target.team_id == person.team_id)
                       or (target.career_level_key and target.career_level_key == person.career_level))
            if applies:
                result.append(TargetStatus(target, person, levels.get(person.id, {}).get(target.competency_id, 0)))
    return result


def refreshers_due(session: Session, *, user: User) -> list[Quiz]:
    """Quizzes to retake because their evidence expired and nothing newer replaced it."""
    now = utcnow()
    rows = list(session.scalars(select(CompetencyEvidence).where(
        CompetencyEvidence.user_id == user.id, CompetencyEvidence.kind == "quiz",
        CompetencyEvidence.revoked_at.is_(None))))
    valid = {e.competency_id for e in rows if e.expires_at is None or e.expires_at > now}
    keys = {e.source.split(":")[1] for e in rows
            if e.expires_at is not None and e.expires_at <= now and e.competency_id not in valid
            and e.source.count(":") >= 2}
    if not keys:
        return []
    return list(session.scalars(select(Quiz).where(Quiz.key.in_(keys), Quiz.retired.is_(False))))
