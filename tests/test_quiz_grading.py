"""Essay grading, item analysis, and 50 simultaneous submits of one attempt."""
from __future__ import annotations

import threading

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from coach.content.sync import sync_folder
from coach.database import writing
from coach.extensions import db
from coach.models import CompetencyEvidence, Quiz, QuizAttempt, User
from coach.quizzes import grading, services
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user
from tests.races import crashes, race_services, winners

ESSAY = "\n\n::essay::Explain why value comes before price.{}\n"


def _with_essay(synced) -> None:
    gift = synced / "quizzes/basics-quiz.gift"
    gift.write_text(gift.read_text(encoding="utf-8") + ESSAY, encoding="utf-8")
    assert sync_folder(db.session, synced)[0].errors == []
    db.session.commit()


def _take(user: User, *, right: bool, essay: str | None = None) -> QuizAttempt:
    quiz = services.get_quiz(db.session, "basics-quiz")
    attempt = services.start_attempt(db.session, user=user, quiz=quiz, seed=1)
    responses = {}
    for q in attempt.snapshot:
        if q["type"] in ("truefalse", "single"):
            best = max(q["options"], key=lambda o: o["fraction"])
            worst = min(q["options"], key=lambda o: o["fraction"])
            responses[q["key"]] = (best if right else worst)["id"]
        elif q["type"] == "essay":
            responses[q["key"]] = essay
    services.submit_attempt(db.session, attempt=attempt, responses=responses)
    db.session.commit()
    return attempt


def test_essay_waits_for_the_mentor_then_counts(client, auth, world, synced):
    _with_essay(synced)
    attempt = _take(world["member_a"], right=True, essay="Because the customer pays for value.")
    assert attempt.state == "pending_review" and attempt.passed is None
    assert db.session.scalar(select(func.count(CompetencyEvidence.id))) == 0
    auth.login("mentor.a@example.com")
    queue = client.get("/quizzes/grading").get_data(as_text=True)
    assert "Because the customer pays for value." in queue
    answer = next(a for a in attempt.answers if a.question_key == "essay")
    client.post(f"/quizzes/answers/{answer.id}/grade", data={"score": "80", "feedback": "Good point."})
    db.session.expire_all()
    graded = db.session.get(QuizAttempt, attempt.id)
    assert graded.state == "graded" and graded.score == round(100 * 2.8 / 3, 2) and graded.passed
    assert db.session.scalar(select(func.count(CompetencyEvidence.id))) == 1
    again = client.post(f"/quizzes/answers/{answer.id}/grade", data={"score": "10"})
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).score == graded.score  # graded once


def test_other_teams_mentor_cannot_grade(client, auth, world, synced):
    _with_essay(synced)
    attempt = _take(world["member_a"], right=True, essay="text")
    outsider = make_user("mentor", team=world["team_b"], email="mentor.b@example.com")
    db.session.commit()
    auth.login(outsider.email)
    assert "text" not in client.get("/quizzes/grading").get_data(as_text=True).split("<main")[1]
    answer = next(a for a in attempt.answers if a.question_key == "essay")
    assert client.post(f"/quizzes/answers/{answer.id}/grade", data={"score": "100"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(QuizAttempt, attempt.id).state == "pending_review"


def test_item_analysis_flags_questions(client, auth, world, synced):
    for n in range(10):
        _take(make_user(email=f"learner{n}@example.com"), right=n >= 3)
    quiz = db.session.scalar(select(Quiz).where(Quiz.key == "basics-quiz"))
    count, stats = grading.item_analysis(db.session, quiz=quiz)
    assert count == 10
    by_key = {s.key: s for s in stats}
    assert by_key["q1"].facility == 0.7 and by_key["q1"].discrimination == 1.0
    auth.login("manager.a@example.com")
    page = client.get("/quizzes/basics-quiz/analysis").get_data(as_text=True)
    assert "q1" in page and "70.0%" in page


def test_fifty_simultaneous_submits_give_one_graded_attempt(app, world, synced, database_url):
    attempt = services.start_attempt(db.session, user=world["member_a"], quiz=services.get_quiz(db.session,
                                                                                               "basics-quiz"))
    db.session.commit()
    attempt_id = attempt.id
    engine = create_engine(database_url, pool_size=10, max_overflow=50)
    results: list[bool] = []
    errors: list[Exception] = []
    barrier = threading.Barrier(50)

    def submit() -> None:
        try:
            with writing(), Session(engine) as session:
                barrier.wait()
                mine = session.get(QuizAttempt, attempt_id)
                results.append(services.submit_attempt(session, attempt=mine, responses={"q1": "0", "q2": None}))
                session.commit()
        except Exception as exc:  # noqa: BLE001 — every failure is reported
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
    assert results.count(True) == 1
    db.session.rollback()  # end the test's own read snapshot before looking
    graded = db.session.get(QuizAttempt, attempt_id)
    assert graded.state == "graded"
    assert len(graded.answers) == 2


def test_the_last_two_essays_graded_at_once_finish_the_attempt(app, world, synced):
    """A mentor and the manager each grade one of the two essays at the same moment: the attempt is scored."""
    gift = synced / "quizzes/basics-quiz.gift"
    gift.write_text(gift.read_text(encoding="utf-8") + ESSAY + "\n::essay2::What is anchoring?{}\n",
                    encoding="utf-8")
    assert sync_folder(db.session, synced)[0].errors == []
    db.session.commit()
    attempt = _take(world["member_a"], right=True, essay="Because the customer pays for value.")
    essays = sorted(a.id for a in attempt.answers if a.fraction is None)
    assert len(essays) == 2 and attempt.state == "pending_review"
    attempt_id, graders = attempt.id, [world["mentor_a"].id, world["manager_a"].id]
    outcomes = race_services(app, 2, lambda i: grading.grade_answer(
        db.session, grader=db.session.get(User, graders[i]), answer=grading.get_answer(db.session, essays[i]),
        percent=100, feedback="Clear"))
    assert crashes(outcomes) == [] and len(winners(outcomes)) == 2
    db.session.expire_all()
    finished = db.session.get(QuizAttempt, attempt_id)
    assert (finished.state, finished.passed) == ("graded", True)
    assert db.session.scalar(select(func.count(CompetencyEvidence.id))) == 1
