"""Scaled out: two Coach instances (separate gunicorn processes) on one PostgreSQL and one Redis."""
from __future__ import annotations

import threading
import uuid

import pytest
import redis
from sqlalchemy import func, select

from coach.extensions import db
from coach.models import ReviewComment
from tests.conftest import BACKEND
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.servers import WebSession, gunicorn
from tests.team_fixtures import submitted_review

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(BACKEND != "postgresql",
                       reason="SCALE-OUT TESTS SKIPPED: they need PostgreSQL (make test runs them there)"),
    pytest.mark.skipif(not _redis_answers(), reason="SCALE-OUT TESTS SKIPPED: Redis does not answer at 127.0.0.1:6379"),
]


@pytest.fixture
def two_instances(database_url, world, synced):
    """Instances A and B: same SECRET_KEY, same database, rate limits in Redis under a fresh prefix."""
    prefix = f"coach-scale-{uuid.uuid4().hex}"
    env = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
           "LOGIN_FAILURE_LIMIT": "4 per 5 minutes"}
    db.session.commit()
    try:
        with gunicorn(database_url, **env) as a, gunicorn(database_url, **env) as b:
            yield a, b
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):  # keys look like LIMITS:LIMITER/<prefix>/...
            client.delete(key)
        client.close()


def test_a_session_made_on_one_instance_works_on_the_other(two_instances):
    a, b = two_instances
    person = WebSession(a.url)
    assert person.login("member.a@example.com").status_code == 302
    home = person.get("/", base_url=b.url)
    assert home.status_code == 200 and "/auth/login" not in home.url
    assert person.post("/auth/logout", {}, base_url=b.url).status_code == 302
    assert "/auth/login" in person.get("/", base_url=a.url).url  # logged out everywhere


def test_the_login_limit_counts_across_both_instances(two_instances):
    a, b = two_instances
    attacker = WebSession(a.url)
    for n in range(4):
        response = attacker.login("member.a@example.com", "wrong-password", base_url=(a, b)[n % 2].url)
        assert response.status_code == 200  # the form again, with an error
    assert attacker.login("member.a@example.com", base_url=a.url).status_code == 429
    assert WebSession(b.url).login("mentor.a@example.com").status_code == 302  # other accounts unaffected


def test_concurrent_writes_through_both_instances_lose_nothing(two_instances, world):
    a, b = two_instances
    review_id = submitted_review(world).id
    results: list[int] = []
    lock = threading.Lock()

    def write(base_url: str, n: int) -> None:
        person = WebSession(base_url)
        person.login("mentor.a@example.com")
        person.get(f"/reviews/{review_id}")
        for i in range(5):
            status = person.post(f"/reviews/{review_id}/comments", {"body": f"comment {n}-{i}"}).status_code
            with lock:
                results.append(status)

    threads = [threading.Thread(target=write, args=((a, b)[n % 2].url, n)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count(302) == 80, results
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ReviewComment.id)).where(ReviewComment.review_id == review_id)) == 80
