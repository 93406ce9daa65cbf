"""Reminders for action items and the daily e-mail digest, sent by `flask notify send` from cron."""
from __future__ import annotations

import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coach.models import ActionItem, DigestLog, Notification, User, utcnow
from coach.notifications.services import message, notify

Sender = Callable[[EmailMessage], None]


def create_reminders(session: Session, *, today: date) -> int:
    """Notify owners of action items due today, and once more when they become overdue."""
    count = 0
    items = session.scalars(select(ActionItem).where(ActionItem.done_at.is_(None), ActionItem.due_date.is_not(None),
                                                     ActionItem.due_date <= today))
    for item in items:
        assert item.due_date is not None
        if item.due_date == today and item.reminded_on is None:
            kind = "action_due"
        elif item.due_date < today and (item.reminded_on is None or item.reminded_on <= item.due_date):
            kind = "action_overdue"
        else:
            continue
        notify(session, user_id=item.owner_id, kind=kind, date=item.due_date.isoformat(), text=item.text,
               link=item.link)
        item.reminded_on = today
        count += 1
    session.flush()
    return count


@dataclass
class SmtpSettings:
    """Where digests go out."""

    server: str
    port: int
    username: str
    password: str
    use_tls: bool
    sender: str

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> SmtpSettings:
        """Read the MAIL_* settings."""
        return cls(config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USERNAME"], config["MAIL_PASSWORD"],
                   config["MAIL_USE_TLS"], config["MAIL_FROM"])


def smtp_sender(settings: SmtpSettings) -> Sender:
    """A function that sends one message through the configured SMTP server."""

    def send(mail: EmailMessage) -> None:
        with smtplib.SMTP(settings.server, settings.port, timeout=30) as smtp:
            if settings.use_tls:
                smtp.starttls()
            if settings.username:
                smtp.login(settings.username, settings.password)
            smtp.send_message(mail)

    return send


def compose(user: User, notifications: list[Notification], *, base_url: str, sender: str) -> EmailMessage:
    """The digest for one person, written in their language."""
    with force_locale(user.language):
        mail = EmailMessage()
        mail["Subject"] = _("Coach: %(num)d new notifications", num=len(notifications))
        mail["From"] = sender
        mail["To"] = user.email
        lines = [_("Hello %(name)s,", name=user.name), "", _("Here is what happened in Coach:"), ""]
        for notification in notifications:
            link = f" {base_url.rstrip('/')}{notification.link}" if notification.link else ""
            lines.append(f"- {message(notification)}{link}")
        lines += ["", _("You get at most one such e-mail a day.")]
        mail.set_content("\n".join(lines))
    return mail


def send_digests(session: Session, *, today: date, send: Sender, base_url: str, sender: str) -> int:
    """One digest per person per day with their unread, not yet e-mailed notifications; never twice."""
    pending = list(session.scalars(select(Notification).where(Notification.read_at.is_(None),
                                                              Notification.emailed_at.is_(None))
                                   .order_by(Notification.user_id, Notification.id)))
    by_user: dict[int, list[Notification]] = {}
    for notification in pending:
        by_user.setdefault(notification.user_id, []).append(notification)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(by_user), User.active.is_(True)))}
    sent = 0
    for user_id, notifications in by_user.items():
        user = users.get(user_id)
        if user is None:
            continue
        try:
            with session.begin_nested():
                session.add(DigestLog(user_id=user_id, sent_on=today, notifications=len(notifications)))
                session.flush()
        except IntegrityError:
            continue  # already had today's digest
        now = utcnow()
        for notification in notifications:
            notification.emailed_at = now
        session.commit()  # recorded before sending: a crash can lose a digest but never send one twice
        send(compose(user, notifications, base_url=base_url, sender=sender))
        sent += 1
    return sent
