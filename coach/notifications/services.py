"""Notifications: created by other areas, read in the centre, summarised in a daily e-mail digest."""
from __future__ import annotations

from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from coach.models import Notification, User, pick, utcnow


def notify(session: Session, *, user_id: int, kind: str, link: str = "", **params: Any) -> Notification:
    """Queue a notification for a person; its text is written when it is shown, in their language."""
    notification = Notification(user_id=user_id, kind=kind, params=params, link=link)
    session.add(notification)
    return notification


def message(notification: Notification) -> str:
    """The notification's text in the current language."""
    p = dict(notification.params)
    if isinstance(p.get("competency"), dict):
        names = p["competency"]
        p["competency"] = pick(names.get("en", ""), names.get("zh"), str(get_locale() or "en"))
    texts = {
        "signoff_requested": lambda: _("%(name)s asks you to sign off %(competency)s at level %(level)d.",
                                       name=p.get("name", ""), competency=p.get("competency", ""),
                                       level=p.get("level", 0)),
        "signoff_approved": lambda: _("%(name)s approved your sign-off for %(competency)s at level %(level)d.",
                                      name=p.get("name", ""), competency=p.get("competency", ""),
                                      level=p.get("level", 0)),
        "signoff_rejected": lambda: _("%(name)s did not approve your sign-off for %(competency)s yet; see the notes.",
                                      name=p.get("name", ""), competency=p.get("competency", "")),
        "signoff_revoked": lambda: _("Your sign-off for %(competency)s at level %(level)d was revoked: %(reason)s",
                                     competency=p.get("competency", ""), level=p.get("level", 0),
                                     reason=p.get("reason", "")),
        "signoff_moved": lambda: _("A sign-off request from %(name)s now waits for you.", name=p.get("name", "")),
        "mentor_assigned": lambda: _("%(name)s is now your mentor.", name=p.get("name", "")),
        "mentee_assigned": lambda: _("%(name)s is now your mentee.", name=p.get("name", "")),
        "action_due": lambda: _("Action item due %(date)s: %(text)s", date=p.get("date", ""), text=p.get("text", "")),
        "action_overdue": lambda: _("Action item overdue since %(date)s: %(text)s", date=p.get("date", ""),
                                    text=p.get("text", "")),
        "essay_to_grade": lambda: _("%(name)s submitted an essay answer to grade.", name=p.get("name", "")),
    }
    return texts.get(notification.kind, lambda: notification.kind)()


def unread_count(session: Session, *, user: User) -> int:
    """How many notifications the user has not read (one query; shown on every page)."""
    return session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def recent(session: Session, *, user: User, limit: int = 100) -> list[Notification]:
    """The user's notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.id.desc()).limit(limit)))


def mark_all_read(session: Session, *, user: User) -> int:
    """Mark every unread notification of the user as read."""
    result = session.execute(update(Notification).where(Notification.user_id == user.id,
                                                        Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
