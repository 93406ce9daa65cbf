"""Creating, checking and revoking API tokens."""
from __future__ import annotations

import hashlib
import secrets

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from coach import audit
from coach.database import claim
from coach.errors import Conflict, ValidationError
from coach.models import SCOPES, ApiToken, User, utcnow


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, actor: User | None, user: User, name: str, scopes: list[str],
                 ip: str = "") -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret, which is shown once and never stored."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise ValidationError(_("Choose scopes from: %(scopes)s", scopes=", ".join(SCOPES)), field="scopes")
    if not name.strip():
        raise ValidationError(_("Give the token a name, e.g. the system that uses it."), field="name")
    secret = "coach_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:120], token_hash=_digest(secret), prefix=secret[:12],
                     scopes=sorted(set(scopes)), created_by_id=actor.id if actor else None)
    session.add(token)
    session.flush()
    audit.record(session, action="token.created", actor=actor, obj=token, ip=ip,
                 details=f"user={user.id} scopes={','.join(token.scopes)}")
    return token, secret


def find_token(session: Session, secret: str) -> ApiToken | None:
    """The live token for a presented secret (None when unknown or revoked)."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret))
                           .options(joinedload(ApiToken.user)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


def revoke_token(session: Session, *, actor: User, token: ApiToken, ip: str = "") -> None:
    """Stop a token from working."""
    if not claim(session, token, ApiToken.revoked_at.is_(None), revoked_at=utcnow()):
        raise Conflict(_("This token is already revoked."))
    audit.record(session, action="token.revoked", actor=actor, obj=token, ip=ip)


def list_tokens(session: Session) -> list[ApiToken]:
    """Every token, newest first."""
    return list(session.scalars(select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())))
