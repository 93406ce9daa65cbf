"""Race N callers at one state change: threads held at a barrier and released together.

`race` runs any callable (an HTTP request to a real server from tests/servers.py, say); `race_services`
runs service calls the way a view does, each caller in its own app context (so its own session and
database connection), marked as a write, committing on success and rolling back on a domain error.
Every caller's return value or exception is kept, in order, so a test can say exactly who won and
what the others were told.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from coach.database import writing
from coach.errors import DomainError
from coach.extensions import db

T = TypeVar("T")

BARRIER_TIMEOUT = 30.0


def race(n: int, work: Callable[[int], T]) -> list[T | Exception]:
    """Call work(0) ... work(n - 1) in n threads released at once; each one's result or exception."""
    barrier = threading.Barrier(n, timeout=BARRIER_TIMEOUT)
    outcomes: list[T | Exception] = [RuntimeError("did not finish")] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            outcomes[i] = work(i)
        except Exception as exc:  # noqa: BLE001 — the test judges every outcome
            outcomes[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * BARRIER_TIMEOUT)
    return outcomes


def race_services(app: Flask, n: int, work: Callable[[int], T]) -> list[T | Exception]:
    """Race n service calls as n requests would: own session each, commit once, roll back on failure."""
    db.session.commit()  # what the test set up is visible to the callers, and it holds no SQLite lock

    def one(i: int) -> T:
        with app.app_context(), writing():
            try:
                result = work(i)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            return result

    outcomes = race(n, one)
    db.session.rollback()  # end the test's own snapshot: what the callers committed is seen next
    db.session.expire_all()
    return outcomes


def winners(outcomes: list[T | Exception]) -> list[T]:
    """The callers that succeeded."""
    return [o for o in outcomes if not isinstance(o, Exception)]


def refusals(outcomes: list[object]) -> list[DomainError]:
    """The callers told no with a domain error (the 409 or message a person would see)."""
    return [o for o in outcomes if isinstance(o, DomainError)]


def crashes(outcomes: list[object]) -> list[Exception]:
    """The callers that failed with anything but a domain error: never acceptable."""
    return [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, DomainError)]
