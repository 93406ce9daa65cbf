"""What the home page shows each role."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach.learning.programs import AssignmentView, my_programs
from coach.mentoring.services import current_mentorship, mentees_of, requests_for_mentor
from coach.models import Mentorship, SignoffRequest, Team, User
from coach.skills.targets import TargetStatus, targets_for_people


@dataclass
class HomeSummary:
    """What the home page shows: my next steps for everyone, the queue for mentors, teams for managers."""

    role: str
    team_name: str | None = None
    managed_teams: list[tuple[str, int]] = field(default_factory=list)
    user_count: int = 0
    team_count: int = 0
    programs: list[AssignmentView] = field(default_factory=list)
    targets: list[TargetStatus] = field(default_factory=list)
    mentor: Mentorship | None = None
    mentee_count: int = 0
    requests_waiting: list[SignoffRequest] = field(default_factory=list)


def home_summary(session: Session, *, user: User) -> HomeSummary:
    """Gather the home page's figures for this user in a fixed number of queries."""
    summary = HomeSummary(role=user.role, team_name=user.team.name if user.team else None)
    summary.programs = my_programs(session, user=user)
    summary.targets = targets_for_people(session, [user])
    summary.mentor = current_mentorship(session, mentee=user)
    if user.role in ("mentor", "manager", "admin"):
        summary.mentee_count = len(mentees_of(session, mentor=user))
        summary.requests_waiting = requests_for_mentor(session, mentor=user)
    if user.role == "manager":
        team_ids = [team.id for team in user.managed_teams]
        counts = dict(
            session.execute(
                select(User.team_id, func.count(User.id))
                .where(User.active.is_(True), User.team_id.in_(team_ids))
                .group_by(User.team_id)
            ).all()
        ) if team_ids else {}
        summary.managed_teams = [(team.name, counts.get(team.id, 0)) for team in user.managed_teams]
    if user.role == "admin":
        summary.user_count = session.scalar(select(func.count(User.id)).where(User.active.is_(True))) or 0
        summary.team_count = session.scalar(select(func.count(Team.id))) or 0
    return summary
