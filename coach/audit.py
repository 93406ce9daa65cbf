"""Writing the audit trail. Rows are only ever added; the database refuses updates and deletes."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from coach.models import AuditEvent, User


def record(
    session: Session,
    *,
    action: str,
    actor: User | None = None,
    actor_label: str = "",
    obj: Any = None,
    ip: str = "",
    details: str = "",
) -> AuditEvent:
    """Add one audit event for `actor` doing `action` to `obj`."""
    event = AuditEvent(
        actor=actor,
        actor_label=actor_label or (actor.email if actor is not None else ""),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(getattr(obj, "id", "") or "") if obj is not None else "",
        ip=ip[:64],
        details=details[:2000],
    )
    session.add(event)
    return event
