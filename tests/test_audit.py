"""The audit trail is append-only, enforced by the database itself."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from coach import audit
from coach.extensions import db
from coach.models import AuditEvent


def test_database_refuses_update_and_delete(world):
    event = audit.record(db.session, action="test.event", actor=world["admin"], ip="10.0.0.1")
    db.session.commit()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(update(AuditEvent).values(action="forged"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(delete(AuditEvent))
    db.session.rollback()
    with pytest.raises(DatabaseError, match="append-only"):
        db.session.execute(text("DELETE FROM audit_events WHERE id = :id"), {"id": event.id})
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).action == "test.event"


def test_events_have_utc_time_and_actor(world):
    event = audit.record(db.session, action="test.event", actor=world["admin"], obj=world["member_a"], ip="10.0.0.1")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id)
    assert stored.created_at.utcoffset().total_seconds() == 0
    assert stored.actor_label == "admin@example.com"
    assert (stored.object_type, stored.object_id) == ("User", str(world["member_a"].id))
