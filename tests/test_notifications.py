"""The notification centre, its one-query unread count, reminders, and e-mail digests over real SMTP."""
from __future__ import annotations

import socket
from datetime import date, timedelta
from email import message_from_bytes
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from coach.extensions import db
from coach.mentoring import coaching, services
from coach.models import DigestLog, Notification
from coach.notifications.digest import SmtpSettings, create_reminders, send_digests, smtp_sender
from coach.notifications.services import notify
from tests.queries import count_queries


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 OK"


@pytest.fixture
def smtp():
    """A real SMTP server on a free local port for the test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


def test_unread_count_costs_one_query_and_centre_lists(client, auth, world):
    notify(db.session, user_id=world["member_a"].id, kind="mentor_assigned", name="Li Na", link="/mentoring/requests")
    db.session.commit()
    auth.login("member.a@example.com")
    with count_queries(db.engine) as statements:
        page = client.get("/").get_data(as_text=True)
    assert sum("notifications" in s for s in statements) == 1
    assert '<span class="count">1</span>' in page
    assert "Li Na is now your mentor." in client.get("/notifications/").get_data(as_text=True)
    client.post("/notifications/read")
    assert '<span class="count">' not in client.get("/").get_data(as_text=True)


def test_reminders_for_due_and_overdue_items(world):
    mentorship = services.assign_mentor(db.session, actor=world["manager_a"], mentor=world["mentor_a"],
                                        mentee=world["member_a"], start_date=date.today(), goals="")
    today = date.today()
    coaching.add_note(db.session, author=world["mentor_a"], mentorship=mentorship, held_on=today, notes="",
                      actions=[("Call back Huaxin", world["member_a"].id, today)])
    assert create_reminders(db.session, today=today) == 1
    assert create_reminders(db.session, today=today) == 0
    assert create_reminders(db.session, today=today + timedelta(days=1)) == 1  # now overdue
    assert create_reminders(db.session, today=today + timedelta(days=2)) == 0
    kinds = db.session.scalars(select(Notification.kind).where(Notification.user_id == world["member_a"].id)).all()
    assert "action_due" in kinds and "action_overdue" in kinds


def test_digest_in_each_language_once_a_day(world, smtp, app):
    port, inbox = smtp
    world["member_a"].language = "zh"
    notify(db.session, user_id=world["member_a"].id, kind="mentor_assigned", name="李娜", link="/mentoring/requests")
    notify(db.session, user_id=world["member_b"].id, kind="mentor_assigned", name="David Zhou", link="/mentoring/")
    db.session.commit()
    settings = SmtpSettings("127.0.0.1", port, "", "", False, "coach@qingyun.example")
    today = date.today()
    sent = send_digests(db.session, today=today, send=smtp_sender(settings), base_url="https://coach.example",
                        sender=settings.sender)
    assert sent == 2 and len(inbox.messages) == 2
    by_recipient = {m["To"]: m for m in inbox.messages}
    chinese = by_recipient["member.a@example.com"].get_content()
    assert "李娜 现在是您的导师。" in chinese
    assert "https://coach.example/mentoring/requests" in chinese
    english = by_recipient["member.b@example.com"]
    assert english["Subject"] == "Coach: 1 new notifications" and "David Zhou is now your mentor." in english.get_content()
    notify(db.session, user_id=world["member_b"].id, kind="mentor_assigned", name="Again", link="")
    db.session.commit()
    assert send_digests(db.session, today=today, send=smtp_sender(settings), base_url="x", sender="x") == 0
    assert len(inbox.messages) == 2  # never twice on one day
    assert db.session.scalar(select(func.count(DigestLog.id))) == 2
    assert send_digests(db.session, today=today + timedelta(days=1), send=smtp_sender(settings), base_url="x",
                        sender="x") == 1


def test_notify_send_command(runner, world, smtp, app):
    port, inbox = smtp
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    notify(db.session, user_id=world["member_b"].id, kind="mentee_assigned", name="Zhao Lei", link="/mentoring/")
    db.session.commit()
    result = runner.invoke(args=["notify", "send"])
    assert result.exit_code == 0 and "1 digest(s) sent" in result.output
    assert "Zhao Lei is now your mentee." in inbox.messages[0].get_content()
