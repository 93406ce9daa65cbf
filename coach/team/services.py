"""Who a manager may act on: their teams and the people in them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coach.models import Team, User


def managed_teams(session: Session, *, manager: User) -> list[Team]:
    """The teams this user manages (every team for an admin)."""
    if manager.role == "admin":
        return list(session.scalars(select(Team).order_by(Team.name)))
    return list(manager.managed_teams) if manager.role == "manager" else []


def assignable_people(session: Session, *, manager: User) -> list[User]:
    """Active people in the teams this user manages (everyone for an admin)."""
    query = select(User).where(User.active.is_(True)).options(joinedload(User.team)).order_by(User.name)
    if manager.role != "admin":
        team_ids = [team.id for team in managed_teams(session, manager=manager)]
        query = query.where(User.team_id.in_(team_ids))
    return list(session.scalars(query))
