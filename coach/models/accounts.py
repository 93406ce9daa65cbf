"""Users, teams and who manages which team."""
from __future__ import annotations

from datetime import date, datetime
from sqlalchemy import Boolean, CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coach.extensions import db
from coach.models.base import UTCDateTime, utcnow

ROLES = ("member", "mentor", "manager", "admin")
LANGUAGES = ("en", "zh")

team_managers = Table(
    "team_managers",
    db.metadata,
    Column("team_id", ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Team(db.Model):
    """A sales team: its members and the managers who lead it."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    members: Mapped[list[User]] = relationship(back_populates="team", foreign_keys="User.team_id")
    managers: Mapped[list[User]] = relationship(
        secondary=team_managers, back_populates="managed_teams", order_by="User.name"
    )

    def __repr__(self) -> str:
        return f"<Team {self.name!r}>"


class User(db.Model):
    """A person who uses Coach; `role` decides what they may do."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('member', 'mentor', 'manager', 'admin')", name="role"),
        CheckConstraint("language IN ('en', 'zh')", name="language"),
        Index("ix_users_team_active", "team_id", "active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lower-cased by the services, so the unique constraint ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    role: Mapped[str] = mapped_column(String(16), default="member", index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"), index=True)
    hire_date: Mapped[date | None] = mapped_column(Date)
    career_level: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    # How many mentees this person can mentor at once.
    mentor_capacity: Mapped[int] = mapped_column(Integer, default=4, server_default="4")
    # Bumped on logout, password change and deactivation: every cookie carrying an older
    # value stops working, which is how a signed-cookie session is ended on the server side.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])
    managed_teams: Mapped[list[Team]] = relationship(
        secondary=team_managers, back_populates="managers", order_by="Team.name"
    )

    # Flask-Login's interface, written out so that no mixin adds hidden behaviour.
    @property
    def is_authenticated(self) -> bool:
        """Always true for a loaded user."""
        return True

    @property
    def is_active(self) -> bool:
        """A deactivated user cannot log in."""
        return self.active

    @property
    def is_anonymous(self) -> bool:
        """A loaded user is never anonymous."""
        return False

    def get_id(self) -> str:
        """The session token: id plus session version, so old cookies stop matching."""
        return f"{self.id}:{self.session_version}"

    @property
    def is_admin(self) -> bool:
        """Whether the user administers Coach."""
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.email!r} {self.role}>"
