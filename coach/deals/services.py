"""Deals people may see, and deals entered by hand."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from coach import audit, policy
from coach.database import insert_or_find
from coach.errors import NotFound, PermissionDenied
from coach.deals.importer import check_amount, parse_amount
from coach.limits import column_length
from coach.models import OUTCOMES, CaseReview, Deal, User
from coach.policy import manages_team
from coach.reviews.services import visible_filter
from coach.team.services import managed_teams


ID_TEXT = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def visible_deals(session: Session, *, user: User, outcome: str = "") -> list[Deal]:
    """My deals, my team's deals, and my teams' deals as a manager; newest first."""
    query = select(Deal).options(joinedload(Deal.owner)).order_by(Deal.close_date.desc().nulls_last(), Deal.id.desc())
    if user.role != "admin":
        team_ids = [t.id for t in managed_teams(session, manager=user)] + ([user.team_id] if user.team_id else [])
        query = query.where(or_(Deal.owner_id == user.id,
                                Deal.owner_id.in_(select(User.id).where(User.team_id.in_(team_ids)))))
    if outcome:
        query = query.where(Deal.outcome == outcome)
    return list(session.scalars(query.limit(1000)))


def get_deal(session: Session, *, user: User, deal_id: int) -> tuple[Deal, list[CaseReview]]:
    """A deal the person may see, with the reviews of it they may read."""
    deal = session.scalar(select(Deal).where(Deal.id == deal_id).options(joinedload(Deal.owner).joinedload(User.team)))
    if deal is None:
        raise NotFound(_("No such deal."))
    owner_team = deal.owner.team if deal.owner else None
    if not (user.role == "admin" or deal.owner_id == user.id or (owner_team and owner_team.id == user.team_id)
            or manages_team(user, owner_team)):
        raise PermissionDenied(_("This deal belongs to another team."))
    reviews = list(session.scalars(select(CaseReview).where(CaseReview.deal_id == deal.id, visible_filter(user))
                                   .options(joinedload(CaseReview.author))))
    return deal, reviews


def create_deal(session: Session, *, actor: User, owner: User, name: str, account: str, amount: Decimal | None,
                currency: str, outcome: str, close_date: date | None, competitor: str, ip: str = "") -> Deal:
    """A deal entered by hand (source 'manual', its id as external id)."""
    deal = Deal(source="manual", external_id=f"pending-{actor.id}-{name[:40]}", name=name.strip(),
                account=account.strip(), amount=amount, currency=currency.upper(), stage=outcome, outcome=outcome,
                close_date=close_date, owner_id=owner.id, competitor=competitor.strip())
    session.add(deal)
    session.flush()
    deal.external_id = str(deal.id)
    audit.record(session, action="deal.created", actor=actor, obj=deal, ip=ip)
    return deal


API_FIELDS = ("name", "account", "amount", "currency", "stage", "outcome", "close_date", "owner_email", "competitor")
# The longest text the API takes per field: its column's length, so PostgreSQL never refuses it.
TEXT_LIMITS = {key: column_length(getattr(Deal, key)) or 0 for key in ("name", "account", "currency", "stage",
                                                                       "competitor")}
TEXT_LIMITS["owner_email"] = column_length(User.email) or 0


def api_deal(session: Session, *, user: User, source: str, external_id: str) -> Deal:
    """The deal with this source and id, when the token's user may see it (as on the deal's page)."""
    deal = session.scalar(select(Deal.id).where(Deal.source == source, Deal.external_id == external_id))
    if deal is None:
        raise NotFound("no such deal")
    return get_deal(session, user=user, deal_id=deal)[0]


def upsert_from_api(session: Session, *, source: str, external_id: str, payload: dict[str, Any],
                    actor: User) -> tuple[Deal, bool, dict[str, str]]:
    """Create or update a deal from a JSON body; returns (deal, created, field errors). Nothing is written on errors.

    Raises PermissionDenied when the deal, or its new owner, is outside what the token's user manages.
    """
    errors: dict[str, str] = {}
    unknown = sorted(set(payload) - set(API_FIELDS))
    if unknown:
        errors["body"] = f"unknown field(s): {', '.join(unknown)}"
    if not ID_TEXT.match(source) or len(external_id) > 128 or not external_id.strip() or "\x00" in external_id:
        errors["path"] = "source is lowercase letters, digits and hyphens; external_id up to 128 characters"
    values: dict[str, Any] = {}
    for key in ("name", "account", "currency", "stage", "competitor", "owner_email"):
        if key not in payload:
            continue
        if not isinstance(payload[key], str):
            errors[key] = "must be a string"
        elif "\x00" in payload[key]:  # PostgreSQL cannot store it
            errors[key] = "must not contain a NUL character"
        elif len(payload[key].strip()) > TEXT_LIMITS[key]:
            errors[key] = f"at most {TEXT_LIMITS[key]} characters"
        else:
            values[key] = payload[key].strip()
    if "outcome" in payload:
        if payload["outcome"] not in OUTCOMES:
            errors["outcome"] = f"must be one of {', '.join(OUTCOMES)}"
        else:
            values["outcome"] = payload["outcome"]
    if "amount" in payload:
        raw = payload["amount"]
        number = isinstance(raw, (int, float)) and not isinstance(raw, bool)
        try:
            values["amount"] = None if raw is None else check_amount(Decimal(str(raw))) if number else parse_amount(
                str(raw))
        except ValueError as exc:
            errors["amount"] = str(exc)
        except InvalidOperation:
            errors["amount"] = f"'{str(raw)[:40]}' is not an amount"
    if "close_date" in payload:
        try:
            values["close_date"] = None if payload["close_date"] is None else date.fromisoformat(str(payload["close_date"]))
        except ValueError:
            errors["close_date"] = "use YYYY-MM-DD"
    if "owner_email" in values:
        owner = session.scalar(select(User).where(User.email == values.pop("owner_email").lower()))
        if owner is None:
            errors["owner_email"] = f"no Coach user has the e-mail '{payload['owner_email']}'"
        else:
            values["owner_id"] = owner.id
    def find() -> Deal | None:
        return session.scalar(select(Deal).where(Deal.source == source, Deal.external_id == external_id)
                              .options(joinedload(Deal.owner).joinedload(User.team)))

    deal = find()
    if deal is None and not values.get("name"):
        errors.setdefault("name", "required when the deal is new")
    if deal is None and "owner_id" not in values and actor.role != "admin":
        errors.setdefault("owner_email", "required when the deal is new: someone in a team the token's user manages")
    if errors:
        return deal or Deal(), False, errors
    if deal is not None and not policy.can(actor, "deal.push", deal.owner):
        raise PermissionDenied("the deal belongs to a team the token's user does not manage")
    if "owner_id" in values and not policy.can(actor, "deal.push", owner):
        raise PermissionDenied("the owner is not in a team the token's user manages")
    created = deal is None
    if deal is None:
        # When another request created it a moment ago, the unique key keeps it to one and this one updates it.
        deal, created = insert_or_find(session, Deal(source=source, external_id=external_id, name=values["name"],
                                                     outcome="open", currency="CNY"), find)
    for key, value in values.items():
        setattr(deal, key, value[:3].upper() if key == "currency" and value else value)
    session.flush()
    audit.record(session, action="deal.created" if created else "deal.updated", actor=actor, obj=deal,
                 details=f"api {source}/{external_id}")
    return deal, created, {}


def deal_json(deal: Deal) -> dict[str, Any]:
    """A deal as the API returns it."""
    return {"source": deal.source, "external_id": deal.external_id, "name": deal.name, "account": deal.account,
            "amount": str(deal.amount) if deal.amount is not None else None, "currency": deal.currency,
            "stage": deal.stage, "outcome": deal.outcome,
            "close_date": deal.close_date.isoformat() if deal.close_date else None,
            "owner_email": deal.owner.email if deal.owner else None, "competitor": deal.competitor}
