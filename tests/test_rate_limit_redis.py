"""The login limit with Redis storage (RATELIMIT_STORAGE_URI), as used when several instances run."""
from __future__ import annotations

import uuid

import pytest
import redis

from coach import create_app
from coach.extensions import db
from tests.conftest import AuthActions, config_for

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="REDIS NOT AVAILABLE at 127.0.0.1:6379: Redis limiter test skipped")
def test_login_limit_counts_in_redis_across_two_app_instances(database_url, world):
    prefix = f"coach-test-{uuid.uuid4().hex}"
    settings = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": REDIS_URL,
                "RATELIMIT_KEY_PREFIX": prefix}
    first, second = create_app(config_for(**settings)), create_app(config_for(**settings))
    try:
        for n in range(10):
            client = (first if n % 2 else second).test_client()
            assert AuthActions(client).login("member.a@example.com", "wrong-password").status_code == 200
        assert AuthActions(first.test_client()).login("member.a@example.com").status_code == 429
        assert AuthActions(second.test_client()).login("mentor.a@example.com").status_code == 302
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(f"*{prefix}*"):  # keys look like LIMITS:LIMITER/<prefix>/...
            client.delete(key)
        client.close()
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()
