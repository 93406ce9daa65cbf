"""The `flask users create` and `flask demo load` commands."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coach.auth.services import check_password
from coach.demo import PEOPLE
from coach.extensions import db
from tests.content_fixtures import SHIPPED_CONTENT
from coach.models import (
    CapabilityTarget,
    CaseReview,
    ModuleProgress,
    ProgramAssignment,
    QuizAttempt,
    ReviewMeeting,
    Team,
    User,
)


def _count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def test_users_create_from_stdin(runner, world):
    result = runner.invoke(args=["users", "create", "--email", "Ann@Example.com", "--name", "Ann", "--role", "mentor",
                                 "--team", "team a", "--password-stdin"], input="a good passphrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "ann@example.com"))
    assert user.role == "mentor" and user.team.name == "Team A"
    assert check_password(user, "a good passphrase")


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["--email", "nope", "--name", "N", "--role", "member"], "a good passphrase", "email: Invalid e-mail address"),
        (["--email", "member.a@example.com", "--name", "N", "--role", "member"], "a good passphrase", "email: A user with"),
        (["--email", "n@example.com", "--name", "N", "--role", "boss"], "a good passphrase", "role: Unknown role boss"),
        (["--email", "n@example.com", "--name", "N", "--role", "member", "--team", "Nowhere"], "a good passphrase",
         "team: Unknown team: Nowhere"),
        (["--email", "n@example.com", "--name", "N", "--role", "member"], "short", "password: Use at least 8"),
        (["--email", "n@example.com", "--name", "N", "--role", "member", "--language", "fr"], "a good passphrase",
         "language: Unknown language fr"),
    ],
)
def test_users_create_bad_input(runner, world, args, password, message):
    before = _count()
    result = runner.invoke(args=["users", "create", *args, "--password-stdin"], input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert _count() == before


def test_demo_load_is_idempotent(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "2 teams and 14 users created" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "0 teams and 0 users created" in second.output
    assert _count() == len(PEOPLE)
    roles = dict(db.session.execute(select(User.role, func.count(User.id)).group_by(User.role)).all())
    assert roles == {"admin": 1, "manager": 2, "mentor": 3, "member": 8}
    assert all(team.managers for team in db.session.scalars(select(Team)))
    languages = set(db.session.scalars(select(User.language)))
    assert languages == {"en", "zh"}


def test_demo_new_hires_get_onboarding_with_some_progress(runner, app):
    assert runner.invoke(args=["content", "sync", "--path", str(SHIPPED_CONTENT)]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    rows = dict(db.session.execute(
        select(User.email, func.count(ModuleProgress.id)).join(ModuleProgress, ModuleProgress.user_id == User.id)
        .group_by(User.email)).all())
    assert set(rows) == {"zhao.lei@qingyun.example", "chen.jing@qingyun.example", "michael.wu@qingyun.example"}
    assert all(count > 0 for count in rows.values())
    assigned = db.session.scalar(select(func.count(ProgramAssignment.id)))
    assert assigned == 3  # the three new hires; veterans were hired long ago
    runner.invoke(args=["demo", "load"])
    assert db.session.scalar(select(func.count(ModuleProgress.id))) == sum(rows.values())


def test_demo_has_quiz_history_and_targets(runner, app):
    assert runner.invoke(args=["content", "sync", "--path", str(SHIPPED_CONTENT)]).exit_code == 0
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    attempts = db.session.scalars(select(QuizAttempt)).all()
    assert len(attempts) == 8 and all(a.passed for a in attempts)  # the shipped quizzes grade their own answers
    assert db.session.scalar(select(func.count(CapabilityTarget.id))) == 4
    statuses = dict(db.session.execute(select(CaseReview.status, func.count(CaseReview.id)).group_by(
        CaseReview.status)).all())
    assert statuses == {"discussed": 2, "submitted": 1, "draft": 1}
    assert db.session.scalar(select(func.count(ReviewMeeting.id))) == 2
    runner.invoke(args=["demo", "load"])
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 8
    assert db.session.scalar(select(func.count(CaseReview.id))) == 4
