"""API routes: deals upsert, reviews, a person's progress and readiness, and the OpenAPI document."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from flask import Blueprint, g, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from coach import policy
from coach.api.openapi import openapi_document
from coach.api.tokens import find_token
from coach.deals.services import api_deal, deal_json, upsert_from_api
from coach.errors import NotFound, PermissionDenied
from coach.extensions import csrf, db
from coach.learning.programs import my_programs
from coach.models import CaseReview, Competency, User, utcnow
from coach.reviews.services import list_reviews
from coach.skills.services import readiness_for_next_level, standings
from coach.web_utils import record_denial

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def error(status: int, code: str, message: str, **extra: Any) -> ResponseReturnValue:
    """A JSON error body."""
    return jsonify(error=code, message=message, **extra), status


def forbidden(message: str) -> ResponseReturnValue:
    """403, written to the audit trail like every refusal of a page."""
    record_denial(actor=g.api_user)
    return error(403, "forbidden", message)


def scoped(scope: str) -> Callable[[Callable[..., ResponseReturnValue]], Callable[..., ResponseReturnValue]]:
    """Require a live bearer token with `scope`: 401 without a valid token, 403 without the scope."""

    def decorate(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            header = request.headers.get("Authorization", "")
            if not header.startswith("Bearer "):
                return error(401, "unauthorized", "send Authorization: Bearer <token>")
            token = find_token(db.session, header[7:].strip())
            if token is None:
                return error(401, "unauthorized", "the token is unknown or revoked")
            g.api_user = token.user
            if scope not in token.scopes:
                return forbidden(f"the token lacks the scope {scope}")
            token.last_used_at = utcnow()
            return view(*args, **kwargs)

        return wrapper

    return decorate


@bp.get("/openapi.json")
def openapi() -> ResponseReturnValue:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.put("/deals/<source>/<path:external_id>")
@scoped("deals:write")
def deal_put(source: str, external_id: str) -> ResponseReturnValue:
    """Create or update the deal with this source and external id."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return error(400, "bad_request", "the body must be a JSON object")
    try:
        deal, created, errors = upsert_from_api(db.session, source=source, external_id=external_id,
                                                payload=payload, actor=g.api_user)
    except PermissionDenied as exc:
        return forbidden(exc.message)
    if errors:
        db.session.rollback()
        return error(400, "invalid", "the deal was not saved", fields=errors)
    db.session.commit()
    return jsonify(deal_json(deal)), 201 if created else 200


@bp.get("/deals/<source>/<path:external_id>")
@scoped("deals:read")
def deal_get(source: str, external_id: str) -> ResponseReturnValue:
    """One deal."""
    try:
        deal = api_deal(db.session, user=g.api_user, source=source, external_id=external_id)
    except NotFound:
        return error(404, "not_found", "no such deal")
    except PermissionDenied:
        return forbidden("the deal belongs to a team the token's user does not see")
    return jsonify(deal_json(deal))


def _review_json(review: CaseReview) -> dict[str, Any]:
    return {"id": review.id, "deal": {"source": review.deal.source, "external_id": review.deal.external_id,
                                      "name": review.deal.name},
            "outcome": review.outcome, "status": review.status, "author": review.author.email,
            "reasons": [{"key": r.reason.key, "primary": r.primary} for r in review.reasons],
            "updated_at": review.updated_at.isoformat()}


@bp.get("/reviews")
@scoped("reviews:read")
def reviews() -> ResponseReturnValue:
    """Reviews the token's user may read; filters: status, outcome, since (YYYY-MM-DD, on last update)."""
    status, outcome = request.args.get("status", ""), request.args.get("outcome", "")
    if status not in ("", "draft", "submitted", "discussed") or outcome not in ("", "won", "lost", "no-decision"):
        return error(400, "bad_request", "unknown status or outcome filter")
    rows = list_reviews(db.session, user=g.api_user, status=status, outcome=outcome)
    if request.args.get("since"):
        try:
            since = date.fromisoformat(request.args["since"])
        except ValueError:
            return error(400, "bad_request", "since: use YYYY-MM-DD")
        rows = [r for r in rows if r.updated_at.date() >= since]
    return jsonify(reviews=[_review_json(r) for r in rows])


@bp.get("/users/<int:user_id>/progress")
@scoped("progress:read")
def progress(user_id: int) -> ResponseReturnValue:
    """A person's programs, competency levels and readiness for the next career level."""
    person = db.session.get(User, user_id)
    if person is None:
        return error(404, "not_found", "no such user")
    if not policy.can(g.api_user, "person.view", person):
        return forbidden("the token's user may not see this person")
    levels = standings(db.session, user_ids=[person.id])[person.id]
    keys = dict(db.session.execute(select(Competency.id, Competency.key)).all())
    return jsonify(
        user={"id": person.id, "email": person.email, "name": person.name, "career_level": person.career_level},
        programs=[{"program": v.assignment.program.key, "start_date": v.assignment.start_date.isoformat(),
                   "steps": len(v.steps), "done": v.done_count, "overdue": v.overdue_count}
                  for v in my_programs(db.session, user=person)],
        competencies={keys[cid]: s.level for cid, s in levels.items() if cid in keys},
        readiness=[{"level": n.level.key, "percent": n.percent,
                    "requirements": [{"competency": r.competency.key, "required": r.required, "current": r.current,
                                      "met": r.met} for r in n.requirements]}
                   for n in readiness_for_next_level(db.session, user=person, standing=levels)])
