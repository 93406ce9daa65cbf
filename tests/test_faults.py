"""Faults: a worker killed mid-request, the database gone and back, a full disk, a read-only database."""
from __future__ import annotations

import gc
import os
import signal
import sqlite3
import threading
import time
import warnings

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url

from flask import request

from coach import create_app
from coach.api.tokens import create_token
from coach.extensions import db
from coach.models import ReviewComment
from coach.web_utils import client_ip
from tests.conftest import BACKEND, AuthActions, config_for
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.servers import TcpProxy, WebSession, gunicorn
from tests.team_fixtures import submitted_review


def _comments(review_id: int) -> int:
    db.session.commit()  # end the test's own read transaction: a new one sees what servers committed since
    return db.session.scalar(select(func.count(ReviewComment.id)).where(ReviewComment.review_id == review_id)) or 0


def test_a_worker_killed_mid_request_loses_no_committed_data(database_url, world, synced):
    review_id = submitted_review(world).id
    done: list[int] = []
    attempts: list[int] = []
    stop = threading.Event()
    with gunicorn(database_url, workers=2) as server:

        def write(n: int) -> None:
            person = WebSession(server.url)
            person.login("mentor.a@example.com")
            person.get(f"/reviews/{review_id}")
            i = 0
            while not stop.is_set():
                attempts.append(1)
                try:
                    response = person.post(f"/reviews/{review_id}/comments", {"body": f"note {n}-{i}"})
                except Exception:  # noqa: BLE001 — a connection cut by the kill is expected
                    continue
                if response.status_code == 302:
                    done.append(1)
                i += 1

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        victims = server.worker_pids()
        assert victims, "no gunicorn workers found"
        os.kill(victims[0], signal.SIGKILL)
        time.sleep(1.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        # Every write the server confirmed is there; nothing beyond what was sent.
        stored = _comments(review_id)
        assert len(done) > 0 and len(done) <= stored <= len(attempts)
        # The master replaced the worker and the next request succeeds.
        after = WebSession(server.url)
        assert after.login("member.a@example.com").status_code == 302
        assert after.get(f"/reviews/{review_id}").status_code == 200
    if BACKEND == "sqlite":
        path = make_url(database_url).database
        with sqlite3.connect(path) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _token(world) -> str:
    _token_row, secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name="CRM",
                                      scopes=["reviews:read"])
    db.session.commit()
    return secret


def _assert_unavailable_then_back(client, secret: str, cut, restore) -> None:
    assert AuthActions(client).login("member.a@example.com").status_code == 302
    cut()
    page = client.get("/")
    assert page.status_code == 503
    assert "temporarily unavailable" in page.get_data(as_text=True) and "Traceback" not in page.get_data(as_text=True)
    api = client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {secret}"})
    assert api.status_code == 503 and api.json["error"] == "unavailable"
    restore()
    assert client.get("/").status_code == 200  # recovered by itself
    assert client.get("/api/v1/reviews", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


@pytest.mark.skipif(BACKEND != "sqlite", reason="the PostgreSQL run cuts the network instead (next test)")
def test_sqlite_database_gone_gives_503_and_recovers(app, database_url, world, tmp_path):
    secret = _token(world)
    folder = tmp_path / "data"
    folder.mkdir()
    with sqlite3.connect(make_url(database_url).database) as source, sqlite3.connect(folder / "coach.sqlite3") as copy:
        source.backup(copy)
    other = create_app(config_for(SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'coach.sqlite3'}"))

    def cut() -> None:
        folder.rename(tmp_path / "away")
        with other.app_context():
            db.engine.dispose()  # pooled connections still hold the old file open

    def restore() -> None:
        (tmp_path / "away").rename(folder)

    _assert_unavailable_then_back(other.test_client(), secret, cut, restore)
    with other.app_context():
        db.engine.dispose()


@pytest.mark.skipif(BACKEND != "postgresql", reason="needs PostgreSQL (make test runs it there)")
def test_postgresql_unreachable_gives_503_and_recovers(app, database_url, world):
    secret = _token(world)
    url = make_url(database_url)
    proxy = TcpProxy(url.port or 5432, url.host or "127.0.0.1")
    proxy.start()
    other = create_app(config_for(SQLALCHEMY_DATABASE_URI=url.set(host="127.0.0.1", port=proxy.port)
                                  .render_as_string(hide_password=False)))
    try:
        _assert_unavailable_then_back(other.test_client(), secret, proxy.stop, proxy.start)
    finally:
        proxy.stop()
        with other.app_context():
            db.engine.dispose()
        # The connections the cut broke are dropped without a clean close; collect them here, so their
        # ResourceWarning is not raised later inside some other test.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()


def _on_connect(statement: str):
    def run(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(statement)
        cursor.close()
    return run


def _fresh_connections() -> None:
    """Close every connection (so the next ones are opened without the test's setting) and collect them."""
    db.session.remove()
    db.engine.dispose()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()


def _refused_then_recovered(client, review_id: int, statement: str, expected: str) -> None:
    """With `statement` run on every new connection, a write is refused with `expected` and leaves nothing;
    once the setting is gone, the same write goes through."""
    listener = _on_connect(statement)
    event.listen(db.engine, "connect", listener)
    db.session.close()
    db.engine.dispose()
    try:
        before = _comments(review_id)
        response = client.post(f"/reviews/{review_id}/comments", data={"body": "x" * 5000})
        assert response.status_code == 503
        assert expected in response.get_data(as_text=True)
        assert _comments(review_id) == before  # nothing half-written
    finally:
        event.remove(db.engine, "connect", listener)
        _fresh_connections()
    assert client.post(f"/reviews/{review_id}/comments", data={"body": "it works again"}).status_code == 302
    assert _comments(review_id) == 1


@pytest.mark.skipif(BACKEND != "sqlite", reason="a full disk is simulated with SQLite's max_page_count")
def test_full_disk_gives_a_clear_error_and_no_partial_write(app, client, auth, world, synced):
    review_id = submitted_review(world).id
    auth.login("mentor.a@example.com")
    pages = db.session.execute(db.text("PRAGMA page_count")).scalar()
    _refused_then_recovered(client, review_id, f"PRAGMA max_page_count = {pages}", "disk is full")


def test_read_only_database_gives_a_clear_error_and_no_partial_write(app, client, auth, world, synced):
    review_id = submitted_review(world).id
    auth.login("mentor.a@example.com")
    statement = "PRAGMA query_only = ON" if BACKEND == "sqlite" else "SET default_transaction_read_only = on"
    _refused_then_recovered(client, review_id, statement, "read-only")


def test_behind_a_proxy_the_client_address_comes_from_its_header(database_url):
    for proxies, expected in ((1, "203.0.113.7"), (0, "127.0.0.1")):
        app = create_app(config_for(SQLALCHEMY_DATABASE_URI=database_url, PROXY_COUNT=proxies))
        app.add_url_rule("/test-ip", "test_ip", lambda: f"{client_ip()} {request.scheme}")
        response = app.test_client().get("/test-ip", headers={"X-Forwarded-For": "203.0.113.7",
                                                              "X-Forwarded-Proto": "https"},
                                         environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert response.get_data(as_text=True) == f"{expected} {'https' if proxies else 'http'}"
