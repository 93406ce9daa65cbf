"""Administration: finding users and managing teams."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from coach import audit
from coach.errors import NotFound, ValidationError
from coach.models import AuditEvent, Team, User

PAGE_SIZE = 50


@dataclass
class UserPage:
    """One page of the user list."""

    users: list[User]
    total: int
    page: int
    pages: int


def list_users(
    session: Session, *, q: str = "", role: str = "", team_id: int | None = None, status: str = "active",
    page: int = 1,
) -> UserPage:
    """Search users by name or e-mail, filtered by role, team and status; paginated."""
    query = select(User)
    if q:
        pattern = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if role:
        query = query.where(User.role == role)
    if team_id:
        query = query.where(User.team_id == team_id)
    if status in ("active", "inactive"):
        query = query.where(User.active.is_(status == "active"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 1), pages)
    users = list(session.scalars(
        query.options(selectinload(User.team)).order_by(User.name, User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ))
    return UserPage(users=users, total=total, page=page, pages=pages)


def list_teams(session: Session) -> list[Team]:
    """All teams with their managers, by name."""
    return list(session.scalars(select(Team).options(selectinload(Team.managers)).order_by(Team.name)))


def team_member_counts(session: Session) -> dict[int, int]:
    """Active members per team id."""
    rows = session.execute(
        select(User.team_id, func.count(User.id)).where(User.active.is_(True), User.team_id.is_not(None))
        .group_by(User.team_id)
    ).all()
    return {team_id: count for team_id, count in rows}


def manager_candidates(session: Session) -> list[User]:
    """Active users who can manage a team (managers and administrators)."""
    return list(session.scalars(
        select(User).where(User.active.is_(True), User.role.in_(("manager", "admin"))).order_by(User.name)
    ))


def get_team(session: Session, team_id: int) -> Team:
    """Load a team or raise NotFound."""
    team = session.get(Team, team_id)
    if team is None:
        raise NotFound(_("No such team."))
    return team


def _set_managers(session: Session, team: Team, manager_ids: list[int]) -> None:
    managers = list(session.scalars(select(User).where(User.id.in_(manager_ids)))) if manager_ids else []
    if len(managers) != len(set(manager_ids)):
        raise ValidationError(_("One of the chosen managers does not exist."), field="managers")
    for user in managers:
        if user.role not in ("manager", "admin"):
            raise ValidationError(_("%(name)s is not a manager; change their role first.", name=user.name),
                                  field="managers")
    team.managers = managers


def save_team(
    session: Session, *, actor: User, name: str, manager_ids: list[int], team: Team | None = None, ip: str = ""
) -> Team:
    """Create a team or rename it and set its managers; team names are unique ignoring case."""
    name = name.strip()
    if not name:
        raise ValidationError(_("A team name is required."), field="name")
    clash = session.scalar(select(Team).where(func.lower(Team.name) == name.lower()))
    if clash is not None and (team is None or clash.id != team.id):
        raise ValidationError(_("A team called %(name)s already exists.", name=name), field="name")
    created = team is None
    if team is None:
        team = Team(name=name)
        session.add(team)
    team.name = name
    _set_managers(session, team, manager_ids)
    session.flush()
    audit.record(session, action="team.created" if created else "team.updated", actor=actor, obj=team, ip=ip,
                 details=f"managers={sorted(manager_ids)}")
    return team


def list_audit_events(session: Session, *, action: str = "", page: int = 1) -> tuple[list[AuditEvent], int]:
    """The newest audit events first, optionally of one action prefix; returns (events, pages)."""
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action.like(f"{action.strip()}%"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, (total + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 1), pages)
    events = list(session.scalars(query.order_by(AuditEvent.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)))
    return events, pages
