"""Case reviews: who sees which, the structured content, saving without silent overwrites, status."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from coach import audit
from coach.database import claim
from coach.content.render import render_user_markdown
from coach.errors import Conflict, NotFound, PermissionDenied, ValidationError
from coach.models import (
    ActionItem,
    CaseReview,
    Competency,
    Deal,
    Module,
    Reason,
    ReviewComment,
    ReviewReason,
    SalesStage,
    User,
    utcnow,
)
from coach.policy import manages_team
from coach.team.services import managed_teams


@dataclass
class ReviewInput:
    """What the review form carries."""

    stage: str | None
    reasons: list[str]
    primary_reason: str | None
    competitors: str = ""
    decision_criteria: str = ""
    went_well: str = ""
    to_change: str = ""
    lessons: str = ""
    competency_ids: list[int] = field(default_factory=list)
    module_ids: list[int] = field(default_factory=list)
    actions: list[tuple[str, int, date | None]] = field(default_factory=list)


def visible_filter(user: User):  # noqa: ANN201 — a SQL condition
    """Reviews a person may read: own drafts; their team's submitted ones; all of their managed teams'."""
    shared = CaseReview.status.in_(("submitted", "discussed"))
    if user.role == "admin":
        return or_(shared, CaseReview.author_id == user.id)
    team_ids = [t.id for t in user.managed_teams] if user.role == "manager" else []
    if user.team_id:
        team_ids.append(user.team_id)
    return or_(CaseReview.author_id == user.id, shared & CaseReview.team_id.in_(team_ids))


def can_read(user: User, review: CaseReview) -> bool:
    """Object-level version of visible_filter."""
    if review.author_id == user.id:
        return True
    if review.status == "draft":
        return False
    return user.role == "admin" or review.team_id == user.team_id or manages_team(user, review.team)


def list_reviews(session: Session, *, user: User, status: str = "", outcome: str = "") -> list[CaseReview]:
    """The reviews this person may see, newest first."""
    query = select(CaseReview).where(visible_filter(user)).options(
        joinedload(CaseReview.deal), joinedload(CaseReview.author), selectinload(CaseReview.reasons)
        .joinedload(ReviewReason.reason)).order_by(CaseReview.updated_at.desc())
    if status:
        query = query.where(CaseReview.status == status)
    if outcome:
        query = query.where(CaseReview.outcome == outcome)
    return list(session.scalars(query.limit(500)))


def get_review(session: Session, *, user: User, review_id: int) -> CaseReview:
    """A review the person may read (others' drafts and other teams' reviews are refused)."""
    review = session.scalar(select(CaseReview).where(CaseReview.id == review_id).options(
        joinedload(CaseReview.deal).joinedload(Deal.owner), joinedload(CaseReview.author),
        joinedload(CaseReview.stage), selectinload(CaseReview.reasons).joinedload(ReviewReason.reason),
        selectinload(CaseReview.competencies), selectinload(CaseReview.modules),
        selectinload(CaseReview.comments).joinedload(ReviewComment.author)))
    if review is None:
        raise NotFound(_("No such case review."))
    if not can_read(user, review):
        raise PermissionDenied(_("This review is not shared with you."))
    return review


def _reviewable(session: Session, user: User):  # noqa: ANN202 — a select
    """Closed deals this person may review: their own, or their teams' for a manager (admins: all)."""
    query = select(Deal).where(Deal.outcome != "open")
    if user.role == "admin":
        return query
    team_ids = [t.id for t in managed_teams(session, manager=user)]
    if not team_ids:
        return query.where(Deal.owner_id == user.id)
    return query.where(or_(Deal.owner_id == user.id,
                           Deal.owner_id.in_(select(User.id).where(User.team_id.in_(team_ids)))))


def reviewable_deals(session: Session, *, user: User) -> list[Deal]:
    """The deals offered in the review form, newest first."""
    return list(session.scalars(_reviewable(session, user).options(joinedload(Deal.owner))
                                .order_by(Deal.close_date.desc())))


def _apply(session: Session, review: CaseReview, data: ReviewInput) -> None:
    reasons = {r.key: r for r in session.scalars(select(Reason).where(Reason.key.in_(data.reasons)))}
    unknown = set(data.reasons) - set(reasons)
    if unknown:
        raise ValidationError(_("Unknown reason: %(key)s", key=", ".join(sorted(unknown))), field="reasons")
    for reason in reasons.values():
        if review.outcome not in reason.applies_to and reason.key != "unknown":
            raise ValidationError(_("%(reason)s does not apply to a deal that was %(outcome)s.",
                                    reason=reason.name_en, outcome=review.outcome), field="reasons")
    if data.reasons and data.primary_reason not in data.reasons:
        raise ValidationError(_("Mark one of the chosen reasons as the primary one."), field="primary_reason")
    stage = session.scalar(select(SalesStage).where(SalesStage.key == data.stage)) if data.stage else None
    if data.stage and stage is None:
        raise ValidationError(_("Unknown sales stage."), field="stage")
    review.stage = stage
    review.reasons.clear()
    session.flush()  # old reasons go before new ones come, or the (review, reason) key would clash
    review.reasons = [ReviewReason(reason=reasons[key], primary=key == data.primary_reason) for key in data.reasons]
    review.competitors, review.decision_criteria = data.competitors.strip()[:300], data.decision_criteria.strip()
    review.went_well, review.to_change = data.went_well.strip(), data.to_change.strip()
    review.lessons, review.lessons_html = data.lessons.strip(), render_user_markdown(data.lessons)
    review.competencies = list(session.scalars(select(Competency).where(Competency.id.in_(data.competency_ids))))
    review.modules = list(session.scalars(select(Module).where(Module.id.in_(data.module_ids))))
    for text, owner_id, due in data.actions:
        session.add(ActionItem(review_id=review.id, owner_id=owner_id, text=text.strip()[:500], due_date=due))


def create_review(session: Session, *, author: User, deal: Deal, data: ReviewInput, ip: str = "") -> CaseReview:
    """Start a review of a closed deal (a draft until submitted)."""
    if deal.outcome == "open":
        raise ValidationError(_("Only a won, lost or no-decision deal can be reviewed."), field="deal")
    if session.scalar(_reviewable(session, author).where(Deal.id == deal.id).with_only_columns(Deal.id)) is None:
        raise PermissionDenied(_("You can review your own deals and, as a manager, your teams' deals."))
    owner_team = deal.owner.team_id if deal.owner else author.team_id
    review = CaseReview(deal_id=deal.id, author_id=author.id, team_id=owner_team, outcome=deal.outcome,
                        status="draft", version=1)
    session.add(review)
    session.flush()
    _apply(session, review, data)
    session.flush()
    audit.record(session, action="review.created", actor=author, obj=review, ip=ip, details=f"deal={deal.id}")
    return review


def save_review(session: Session, *, actor: User, review: CaseReview, data: ReviewInput, seen_version: int,
                ip: str = "") -> CaseReview:
    """Save changes made on top of `seen_version`; if someone saved in between, refuse and say so."""
    if not claim(session, review, CaseReview.version == seen_version, version=seen_version + 1, updated_at=utcnow()):
        raise Conflict(_("Someone else saved this review after you opened it. Reload it to see their changes, "
                         "then make yours again."))
    _apply(session, review, data)
    session.flush()
    audit.record(session, action="review.saved", actor=actor, obj=review, ip=ip, details=f"version={review.version}")
    return review


def submit_review(session: Session, *, actor: User, review: CaseReview, ip: str = "") -> None:
    """Share a draft with the team; it needs at least one reason."""
    if not review.reasons:
        raise ValidationError(_("Give at least one reason (\"unknown\" is allowed) before submitting."),
                              field="reasons")
    if not claim(session, review, CaseReview.status == "draft", status="submitted", submitted_at=utcnow(),
                 version=CaseReview.version + 1):
        raise Conflict(_("This review has already been submitted."))
    audit.record(session, action="review.submitted", actor=actor, obj=review, ip=ip)


def add_comment(session: Session, *, author: User, review: CaseReview, body: str) -> ReviewComment:
    """Add a comment (Markdown, sanitized) to the review's thread."""
    if not body.strip():
        raise ValidationError(_("Write something first."), field="body")
    comment = ReviewComment(review_id=review.id, author_id=author.id, body=body.strip(),
                            body_html=render_user_markdown(body))
    session.add(comment)
    session.flush()
    return comment


def review_action_items(session: Session, review: CaseReview) -> list[ActionItem]:
    """The review's action items."""
    return list(session.scalars(select(ActionItem).where(ActionItem.review_id == review.id)
                                .options(joinedload(ActionItem.owner)).order_by(ActionItem.id)))
