"""Taking quizzes: attempts, saving, the time limit, grading every type, idempotent submit, evidence."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from coach.extensions import db
from coach.models import CompetencyEvidence, QuizAnswer, QuizAttempt, utcnow
from coach.quizzes import services
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401


def _start(client) -> int:
    response = client.post("/quizzes/basics-quiz/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def _attempt(attempt_id: int) -> QuizAttempt:
    db.session.expire_all()
    return db.session.get(QuizAttempt, attempt_id)


def _option(attempt: QuizAttempt, key: str, text: str) -> str:
    question = next(q for q in attempt.snapshot if q["key"] == key)
    return next(o["id"] for o in question["options"] if text in o["text"])


def test_fail_feedback_retake_pass_and_evidence(client, auth, world, synced):
    auth.login("member.a@example.com")
    first = _start(client)
    attempt = _attempt(first)
    client.post(f"/quizzes/attempts/{first}/submit", data={
        "q-q1": _option(attempt, "q1", "false"), "q-q2": _option(attempt, "q2", "price")})
    result = client.get(f"/quizzes/attempts/{first}/result").get_data(as_text=True)
    assert "Not passed yet" in result and "No: value first." in result
    assert _attempt(first).score == 0 and _attempt(first).passed is False
    second = _start(client)
    assert second != first
    attempt = _attempt(second)
    client.post(f"/quizzes/attempts/{second}/submit", data={
        "q-q1": _option(attempt, "q1", "true"), "q-q2": _option(attempt, "q2", "pain")})
    assert _attempt(second).passed is True and _attempt(second).score == 100
    evidence = db.session.scalars(select(CompetencyEvidence)).one()
    assert (evidence.kind, evidence.level, evidence.source) == ("quiz", 1, f"quiz:basics-quiz:{second}")


def test_start_is_idempotent_and_one_attempt_is_open(client, auth, world, synced):
    auth.login("member.a@example.com")
    assert _start(client) == _start(client)
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_answers_are_saved_as_you_go_and_resume(client, auth, world, synced):
    auth.login("member.a@example.com")
    attempt_id = _start(client)
    attempt = _attempt(attempt_id)
    response = client.post(f"/quizzes/attempts/{attempt_id}/save", data={"q-q2": _option(attempt, "q2", "pain")},
                           headers={"Accept": "application/json"})
    assert response.get_json() == {"saved": True}
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert "checked" in page


def test_forged_posts_are_refused(client, auth, world, synced):
    auth.login("member.a@example.com")
    attempt_id = _start(client)
    assert client.post(f"/quizzes/attempts/{attempt_id}/save", data={"q-q2": "99"}).status_code == 400
    assert client.post(f"/quizzes/attempts/{attempt_id}/save", data={"q-nope": "1"}).status_code == 400
    assert db.session.scalar(select(func.count(QuizAnswer.id))) == 0
    client.post("/auth/logout")
    auth.login("member.b@example.com")
    assert client.post(f"/quizzes/attempts/{attempt_id}/submit", data={}).status_code == 403
    assert client.get(f"/quizzes/attempts/{attempt_id}/result").status_code == 403
    assert _attempt(attempt_id).state == "open"


def test_time_limit_is_enforced_on_the_server(client, auth, world, synced):
    auth.login("member.a@example.com")
    attempt_id = _start(client)
    attempt = _attempt(attempt_id)
    correct = _option(attempt, "q2", "pain")
    client.post(f"/quizzes/attempts/{attempt_id}/save", data={"q-q1": _option(attempt, "q1", "true")})
    attempt.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    late = client.post(f"/quizzes/attempts/{attempt_id}/save", data={"q-q2": correct},
                       headers={"Accept": "application/json"})
    assert late.status_code == 409
    client.post(f"/quizzes/attempts/{attempt_id}/submit", data={"q-q2": correct})
    graded = _attempt(attempt_id)
    assert graded.state == "graded" and graded.score == 50  # the late answer did not count


def test_double_submit_gives_one_graded_attempt(client, auth, world, synced):
    auth.login("member.a@example.com")
    attempt_id = _start(client)
    attempt = _attempt(attempt_id)
    data = {"q-q1": _option(attempt, "q1", "true"), "q-q2": _option(attempt, "q2", "pain")}
    assert client.post(f"/quizzes/attempts/{attempt_id}/submit", data=data).status_code == 302
    assert client.post(f"/quizzes/attempts/{attempt_id}/submit", data=data).status_code == 302
    assert db.session.scalar(select(func.count(CompetencyEvidence.id))) == 1
    assert db.session.scalar(select(func.count(QuizAnswer.id))) == 2


def test_snapshot_survives_an_edit_of_the_bank(client, auth, world, synced):
    from coach.content.sync import sync_folder  # noqa: PLC0415

    auth.login("member.a@example.com")
    attempt_id = _start(client)
    gift = synced / "quizzes/basics-quiz.gift"
    gift.write_text(gift.read_text(encoding="utf-8").replace("What comes first?", "Which comes first?"),
                    encoding="utf-8")
    assert sync_folder(db.session, synced)[0].errors == []
    db.session.commit()
    page = client.get(f"/quizzes/attempts/{attempt_id}").get_data(as_text=True)
    assert "What comes first?" in page
    assert services.get_quiz(db.session, "basics-quiz").questions[1].data["en"]["text"] == "Which comes first?"
