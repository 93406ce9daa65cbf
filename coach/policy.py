"""Who may do what: the one table every view consults and the access-matrix test reads.

Each action maps to a rule `(user, obj) -> bool`. Views call `require(current_user, action, obj)`
as one line; templates call `can(...)` to decide which buttons to show.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _

from coach.errors import PermissionDenied
from coach.models import Team, User

Rule = Callable[[User, Any], bool]


def _anyone(user: User, obj: Any) -> bool:
    return True


def _admin(user: User, obj: Any) -> bool:
    return user.role == "admin"


def _manager_or_admin(user: User, obj: Any) -> bool:
    return user.role in ("manager", "admin")


def manages_team(user: User, team: Team | None) -> bool:
    """Whether the user is an admin or one of the team's managers."""
    if user.role == "admin":
        return True
    return team is not None and user.role == "manager" and any(t.id == team.id for t in user.managed_teams)


def _manages_team(user: User, team: Any) -> bool:
    return manages_team(user, team)


def _self_or_manager(user: User, person: Any) -> bool:
    return person.id == user.id or manages_team(user, person.team)


def _coach(user: User, obj: Any) -> bool:
    return user.role in ("mentor", "manager", "admin")


def _coaches_person(user: User, person: Any) -> bool:
    """Mentors coach people of their own team; managers their teams; admins everyone."""
    if user.role == "mentor":
        return person.team_id is not None and person.team_id == user.team_id and person.id != user.id
    return manages_team(user, person.team)


def _set_it_or_admin(user: User, target: Any) -> bool:
    return user.role == "admin" or target.set_by_id == user.id


def _in_mentorship_or_manager(user: User, mentorship: Any) -> bool:
    """Coaching notes: the mentor, the mentee and the mentee's manager only (not every admin)."""
    return user.id in (mentorship.mentor_id, mentorship.mentee_id) or (
        user.role == "manager" and manages_team(user, mentorship.mentee.team))


def _pushes_deals_of(user: User, owner: Any) -> bool:
    """An API token acts for its user: an admin's reaches every deal; anyone else's the deals of the people
    they manage, and their own."""
    if user.role == "admin":
        return True
    return owner is not None and (owner.id == user.id or manages_team(user, owner.team))


def _action_party(user: User, item: Any) -> bool:
    """A 1:1's action item: the people of that mentorship; a review's or meeting's: its owner."""
    if item.mentorship is not None:
        return _in_mentorship_or_manager(user, item.mentorship)
    return item.owner_id == user.id


def _mentor_of(user: User, mentorship: Any) -> bool:
    return mentorship.active and mentorship.mentor_id == user.id


def _signoff_party(user: User, request: Any) -> bool:
    return user.id in (request.mentee_id, request.mentor_id) or manages_team(user, request.mentee.team)


def _signoff_mentor(user: User, request: Any) -> bool:
    return request.mentor_id == user.id


def _signoff_mentee(user: User, request: Any) -> bool:
    return request.mentee_id == user.id


def _manages_mentee(user: User, request: Any) -> bool:
    return manages_team(user, request.mentee.team)


def _manages_person(user: User, person: Any) -> bool:
    return manages_team(user, person.team)


def _review_editor(user: User, review: Any) -> bool:
    """The author edits their review; the team's manager may too (e.g. in the meeting)."""
    return review.author_id == user.id or manages_team(user, review.team)


def _development_reader(user: User, development: Any) -> bool:
    """A person's development page: the person, their manager, their current mentor, admins."""
    person = development.person
    return person.id == user.id or user.id in development.mentor_ids or manages_team(user, person.team)


POLICY: dict[str, Rule] = {
    # Every signed-in person
    "home.view": _anyone,
    "account.edit": _anyone,
    # Administration
    "admin.users": _admin,
    "admin.teams": _admin,
    "admin.audit": _admin,
    "admin.tokens": _admin,
    # Learning
    "learning.view": _anyone,
    "learning.progress": _anyone,
    "program.assign": _manager_or_admin,
    "content.sync": _admin,
    # Quizzes and targets
    "quiz.take": _anyone,
    "quiz.grade": _coach,
    "quiz.analyse": _manager_or_admin,
    "target.set": _manager_or_admin,
    "target.remove": _set_it_or_admin,
    "person.coach": _coaches_person,
    # Mentoring
    "mentoring.dashboard": _coach,
    "mentorship.manage": _manager_or_admin,
    "mentorship.assign": _manages_person,
    "mentorship.view": _in_mentorship_or_manager,
    "mentorship.write": _mentor_of,
    "action.complete": _action_party,
    "signoff.request": _anyone,
    "signoff.view": _signoff_party,
    "signoff.decide": _signoff_mentor,
    "signoff.withdraw": _signoff_mentee,
    "signoff.revoke": _manages_mentee,
    "notifications.view": _anyone,
    # Case reviews, meetings and deals
    "review.read": _anyone,
    "review.write": _anyone,
    "review.edit": _review_editor,
    "meeting.manage": _manager_or_admin,
    "meeting.manage_team": _manages_team,
    "deal.manage": _manager_or_admin,
    "deal.import": _admin,
    "deal.push": _pushes_deals_of,
    # Teams and people
    "team.view": _manages_team,
    "team.manage": _manages_team,
    "team.any": _manager_or_admin,
    "person.view": _self_or_manager,
    "person.development": _development_reader,
}


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether `user` may perform `action` (on `obj`); anonymous users may do nothing here."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "active", False):
        return False
    try:
        rule = POLICY[action]
    except KeyError:  # a typo must fail loudly in tests, never grant access
        raise LookupError(f"unknown policy action {action!r}") from None
    return bool(rule(user, obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `user` may perform `action` on `obj`."""
    if not can(user, action, obj):
        raise PermissionDenied(_("You do not have permission to do that."))
