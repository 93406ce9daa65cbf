"""Accounts: passwords, logging in and out, creating and changing users."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coach import audit
from coach.database import claim
from coach.errors import NotFound, ValidationError
from coach.learning.programs import enroll_new_hire
from coach.models import LANGUAGES, ROLES, Team, User, utcnow

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
_hasher = PasswordHasher()
# Verifying against this keeps a login for an unknown e-mail as slow as one for a known e-mail.
_DUMMY_HASH = _hasher.hash("coach-timing-equaliser")


def configure_hashing(*, time_cost: int, memory_cost: int) -> None:
    """Set argon2id's cost (from the app config); existing hashes are upgraded at their next login."""
    global _hasher, _DUMMY_HASH  # noqa: PLW0603 — one process-wide hasher, set once at start-up
    if (_hasher.time_cost, _hasher.memory_cost) == (time_cost, memory_cost):
        return
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
    _DUMMY_HASH = _hasher.hash("coach-timing-equaliser")


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    """The shipped list of passwords too common to allow."""
    path = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str) -> str | None:
    """Say what is wrong with a new password, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
    if password.lower() in _common_passwords():
        return _("This password is one of the most common ones; choose another.")
    return None


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Whether the password matches; takes as long for an unknown user as for a known one."""
    try:
        return _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def normalize_email(raw: str, *, field: str = "email") -> str:
    """Validate an e-mail address and return it lower-cased."""
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(_("Invalid e-mail address: %(reason)s", reason=str(exc)), field=field) from exc
    return result.normalized.lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    """The user with this e-mail, ignoring case, or None."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(session: Session, *, email: str, password: str, ip: str) -> User | None:
    """Check credentials, record the attempt in the audit trail, return the user or None."""
    user = find_user_by_email(session, email)
    if user is not None and user.active and check_password(user, password):
        user.last_login_at = utcnow()
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        audit.record(session, action="auth.login", actor=user, obj=user, ip=ip)
        return user
    if user is None:
        check_password(None, password)
    reason = "inactive" if user is not None and not user.active else "bad-credentials"
    audit.record(session, action="auth.login_failed", actor=user, actor_label=email.strip().lower()[:254],
                 ip=ip, details=reason)
    return None


def end_sessions(user: User) -> None:
    """Invalidate every session cookie issued to this user so far."""
    user.session_version += 1


def change_password(session: Session, *, user: User, current: str, new: str, ip: str) -> None:
    """Change a user's own password after checking the current one; ends other sessions."""
    if not check_password(user, current):
        raise ValidationError(_("The current password is not correct."), field="current_password")
    problem = password_problem(new)
    if problem:
        raise ValidationError(problem, field="new_password")
    user.password_hash = hash_password(new)
    end_sessions(user)
    audit.record(session, action="auth.password_changed", actor=user, obj=user, ip=ip)


def _team_by_name(session: Session, name: str | None, *, field: str = "team") -> Team | None:
    if not name:
        return None
    team = session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))
    if team is None:
        raise ValidationError(_("Unknown team: %(name)s", name=name), field=field)
    return team


def _check_choice(value: str, allowed: tuple[str, ...], field: str) -> str:
    if value not in allowed:
        raise ValidationError(
            _("Unknown %(field)s %(value)s; use one of: %(allowed)s", field=field, value=value,
              allowed=", ".join(allowed)),
            field=field,
        )
    return value


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    team: Team | None = None,
    team_name: str | None = None,
    language: str = "en",
    hire_date: date | None = None,
    career_level: str | None = None,
    actor: User | None = None,
    ip: str = "",
) -> User:
    """Create a user after checking every field; nothing is written when one is wrong."""
    normalized = normalize_email(email)
    if not name.strip():
        raise ValidationError(_("A name is required."), field="name")
    _check_choice(role, ROLES, "role")
    _check_choice(language, LANGUAGES, "language")
    if team is None:
        team = _team_by_name(session, team_name)
    if find_user_by_email(session, normalized) is not None:
        raise ValidationError(_("A user with the e-mail %(email)s already exists.", email=normalized), field="email")
    problem = password_problem(password)
    if problem:
        raise ValidationError(problem, field="password")
    user = User(
        email=normalized, name=name.strip(), role=role, team=team, language=language,
        hire_date=hire_date, career_level=career_level, password_hash=hash_password(password),
        active=True, session_version=1,
    )
    session.add(user)
    session.flush()
    audit.record(session, action="user.created", actor=actor, obj=user, ip=ip, details=f"role={role}")
    enroll_new_hire(session, user=user, actor=actor)
    return user


def update_user(
    session: Session,
    *,
    user: User,
    actor: User,
    name: str,
    role: str,
    team: Team | None,
    language: str,
    hire_date: date | None,
    career_level: str | None,
    ip: str = "",
) -> User:
    """Change a user's profile as an administrator; role changes are audited."""
    if not name.strip():
        raise ValidationError(_("A name is required."), field="name")
    _check_choice(role, ROLES, "role")
    _check_choice(language, LANGUAGES, "language")
    if user.id == actor.id and role != "admin" and user.role == "admin":
        raise ValidationError(_("You cannot remove your own administrator role."), field="role")
    if role != user.role:
        audit.record(session, action="user.role_changed", actor=actor, obj=user, ip=ip,
                     details=f"{user.role}->{role}")
    if (team.id if team else None) != user.team_id:
        audit.record(session, action="user.team_changed", actor=actor, obj=user, ip=ip,
                     details=f"{user.team.name if user.team else '-'}->{team.name if team else '-'}")
    user.name, user.role, user.team, user.language = name.strip(), role, team, language
    user.hire_date, user.career_level = hire_date, career_level or None
    session.flush()
    return user


def set_active(session: Session, *, user: User, actor: User, active: bool, ip: str = "") -> User:
    """Deactivate or reactivate a user; deactivation ends their open sessions at once."""
    if user.id == actor.id and not active:
        raise ValidationError(_("You cannot deactivate yourself."), field="active")
    if not claim(session, user, User.active.is_(not active), active=active):
        return user  # already so, maybe a moment ago by another admin: nothing to record twice
    if not active:
        end_sessions(user)
    audit.record(session, action="user.activated" if active else "user.deactivated", actor=actor, obj=user, ip=ip)
    session.flush()
    return user


def set_language(session: Session, *, user: User, language: str) -> None:
    """Store the user's preferred language."""
    user.language = _check_choice(language, LANGUAGES, "language")


def get_user(session: Session, user_id: int) -> User:
    """Load a user or raise NotFound."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user
