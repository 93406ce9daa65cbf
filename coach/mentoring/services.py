"""Mentorships and sign-off requests: assignment with capacity, decisions that happen exactly once."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from coach import audit
from coach.content.render import render_user_markdown
from coach.database import claim, lock_rows
from coach.errors import Conflict, NotFound, ValidationError
from coach.learning.programs import refresh_completion
from coach.models import Competency, CompetencyEvidence, Mentorship, SignoffRequest, User, utcnow
from coach.notifications.services import notify



def _names(competency: Competency) -> dict[str, str]:
    """Both names, so a notification shows the one of its reader's language."""
    return {"en": competency.name_en, "zh": competency.name_zh}


def current_mentorship(session: Session, *, mentee: User) -> Mentorship | None:
    """The mentee's active mentorship."""
    return session.scalar(select(Mentorship).where(Mentorship.mentee_id == mentee.id, Mentorship.active.is_(True))
                          .options(joinedload(Mentorship.mentor)))


def mentees_of(session: Session, *, mentor: User) -> list[Mentorship]:
    """The mentor's active mentorships."""
    return list(session.scalars(select(Mentorship).where(Mentorship.mentor_id == mentor.id, Mentorship.active.is_(True))
                                .options(joinedload(Mentorship.mentee).joinedload(User.team))
                                .order_by(Mentorship.start_date)))


def mentor_load(session: Session, mentor_ids: list[int]) -> dict[int, int]:
    """Active mentees per mentor."""
    if not mentor_ids:
        return {}
    return dict(session.execute(select(Mentorship.mentor_id, func.count(Mentorship.id)).where(
        Mentorship.mentor_id.in_(mentor_ids), Mentorship.active.is_(True)).group_by(Mentorship.mentor_id)).all())


def assign_mentor(session: Session, *, actor: User, mentor: User, mentee: User, start_date: date, goals: str,
                  end_date: date | None = None, ip: str = "") -> Mentorship:
    """Give a mentee a (new) mentor: the old mentorship ends and its open requests move to the new mentor."""
    if mentor.id == mentee.id:
        raise ValidationError(_("A person cannot mentor themselves."), field="mentor")
    if mentor.role not in ("mentor", "manager", "admin") or not mentor.active:
        raise ValidationError(_("%(name)s cannot mentor; give them the mentor role first.", name=mentor.name),
                              field="mentor")
    if end_date is not None and end_date < start_date:
        raise ValidationError(_("The end date is before the start date."), field="end_date")
    # Two managers assigning at once: the second waits, then sees the first's mentorship and capacity.
    lock_rows(session, User, [mentor.id, mentee.id])
    previous = current_mentorship(session, mentee=mentee)
    if previous is not None and previous.mentor_id == mentor.id:
        raise ValidationError(_("%(name)s already mentors this person.", name=mentor.name), field="mentor")
    load = mentor_load(session, [mentor.id]).get(mentor.id, 0)
    if load >= mentor.mentor_capacity:
        raise ValidationError(_("%(name)s already has %(n)d mentees, their capacity.", name=mentor.name, n=load),
                              field="mentor")
    if previous is not None:
        previous.active = False
        previous.end_date = min(start_date, date.today())
        session.flush()
    mentorship = Mentorship(mentor_id=mentor.id, mentee_id=mentee.id, start_date=start_date, end_date=end_date,
                            goals=goals.strip(), goals_html=render_user_markdown(goals), active=True,
                            created_by_id=actor.id)
    session.add(mentorship)
    session.flush()
    moved = session.execute(update(SignoffRequest).where(SignoffRequest.mentee_id == mentee.id,
                                                         SignoffRequest.status == "requested")
                            .values(mentor_id=mentor.id)).rowcount or 0
    audit.record(session, action="mentorship.assigned", actor=actor, obj=mentorship, ip=ip,
                 details=f"mentor={mentor.id} mentee={mentee.id} moved_requests={moved}")
    notify(session, user_id=mentee.id, kind="mentor_assigned", name=mentor.name, link="/mentoring/requests")
    notify(session, user_id=mentor.id, kind="mentee_assigned", name=mentee.name, link="/mentoring/")
    if moved:
        notify(session, user_id=mentor.id, kind="signoff_moved", name=mentee.name, link="/mentoring/")
    return mentorship


def end_mentorship(session: Session, *, actor: User, mentorship: Mentorship, ip: str = "") -> None:
    """End a mentorship; it stays as history."""
    if not claim(session, mentorship, Mentorship.active.is_(True), active=False, end_date=date.today()):
        raise Conflict(_("This mentorship has already ended."))
    audit.record(session, action="mentorship.ended", actor=actor, obj=mentorship, ip=ip)


def get_mentorship(session: Session, mentorship_id: int) -> Mentorship:
    """A mentorship with both people, or NotFound."""
    mentorship = session.scalar(select(Mentorship).where(Mentorship.id == mentorship_id).options(
        joinedload(Mentorship.mentor), joinedload(Mentorship.mentee).joinedload(User.team)))
    if mentorship is None:
        raise NotFound(_("No such mentorship."))
    return mentorship


def request_signoff(session: Session, *, mentee: User, competency: Competency, level: int, evidence: str,
                    links: dict[str, list[int]], ip: str = "") -> SignoffRequest:
    """Ask the current mentor to sign off a competency level, with evidence."""
    # A double click waits here, then finds the first request; a new mentor assigned at this moment (which
    # locks the mentee too) is either seen here or, assigned after, takes this request over.
    lock_rows(session, User, [mentee.id])
    mentorship = current_mentorship(session, mentee=mentee)
    if mentorship is None:
        raise ValidationError(_("You have no mentor yet; ask your manager to assign one."), field="competency")
    if level not in {lvl.level for lvl in competency.levels}:
        raise ValidationError(_("%(competency)s has no level %(n)d.", competency=competency.name_en, n=level),
                              field="level")
    if competency.levels and next(lvl for lvl in competency.levels if lvl.level == level).evidence == "quiz":
        raise ValidationError(_("This level is proven by a quiz, not by a sign-off."), field="level")
    duplicate = session.scalar(select(SignoffRequest.id).where(
        SignoffRequest.mentee_id == mentee.id, SignoffRequest.competency_id == competency.id,
        SignoffRequest.level == level, SignoffRequest.status == "requested"))
    if duplicate is not None:
        raise ValidationError(_("You already have an open request for this level."), field="level")
    request = SignoffRequest(mentee_id=mentee.id, mentor_id=mentorship.mentor_id, competency_id=competency.id,
                             level=level, evidence_text=evidence.strip(), evidence_html=render_user_markdown(evidence),
                             links=links, status="requested")
    session.add(request)
    session.flush()
    audit.record(session, action="signoff.requested", actor=mentee, obj=request, ip=ip,
                 details=f"{competency.key} level {level}")
    notify(session, user_id=mentorship.mentor_id, kind="signoff_requested", name=mentee.name,
           competency=_names(competency), level=level, link=f"/mentoring/requests/{request.id}")
    return request


def get_request(session: Session, request_id: int) -> SignoffRequest:
    """A sign-off request with its people and competency, or NotFound."""
    request = session.scalar(select(SignoffRequest).where(SignoffRequest.id == request_id).options(
        joinedload(SignoffRequest.mentee).joinedload(User.team), joinedload(SignoffRequest.mentor),
        joinedload(SignoffRequest.competency).selectinload(Competency.levels)))
    if request is None:
        raise NotFound(_("No such sign-off request."))
    return request


def _claim(session: Session, request: SignoffRequest, *, to: str, **values: object) -> None:
    """Move a request out of 'requested' exactly once; a second attempt is told it was already decided."""
    if not claim(session, request, SignoffRequest.status == "requested", status=to, **values):
        raise Conflict(_("This request was already decided or withdrawn."))


def decide(session: Session, *, mentor: User, request: SignoffRequest, approve: bool, scores: list[int],
           notes: str, ip: str = "") -> SignoffRequest:
    """Approve or reject with a rubric score per behaviour; an approval becomes sign-off evidence."""
    behaviours = next((lvl.behaviours for lvl in request.competency.levels if lvl.level == request.level), [])
    if len(scores) != len(behaviours) or any(not 1 <= s <= 4 for s in scores):
        raise ValidationError(_("Score every behaviour from 1 to 4."), field="scores")
    if not approve and not notes.strip():
        raise ValidationError(_("Say what is missing, so the mentee knows what to work on."), field="notes")
    _claim(session, request, to="approved" if approve else "rejected", rubric_scores=scores,
           decision_notes=notes.strip(), decided_by_id=mentor.id, decided_at=utcnow())
    if approve:
        competency = request.competency
        now = utcnow()
        evidence = CompetencyEvidence(
            user_id=request.mentee_id, competency_id=competency.id, level=request.level, kind="signoff",
            source=f"signoff:{request.id}", recorded_at=now, note=notes.strip()[:500],
            expires_at=now + timedelta(days=competency.valid_days) if competency.valid_days else None)
        session.add(evidence)
        session.flush()
        request.evidence_id = evidence.id
        refresh_completion(session, user_id=request.mentee_id)
    audit.record(session, action="signoff.approved" if approve else "signoff.rejected", actor=mentor, obj=request,
                 ip=ip, details=f"scores={scores}")
    notify(session, user_id=request.mentee_id, kind="signoff_approved" if approve else "signoff_rejected",
           name=mentor.name, competency=_names(request.competency), level=request.level,
           link=f"/mentoring/requests/{request.id}")
    return request


def withdraw(session: Session, *, mentee: User, request: SignoffRequest, ip: str = "") -> None:
    """The mentee takes a request back before it is decided."""
    _claim(session, request, to="withdrawn")
    audit.record(session, action="signoff.withdrawn", actor=mentee, obj=request, ip=ip)


def revoke(session: Session, *, manager: User, request: SignoffRequest, reason: str, ip: str = "") -> None:
    """A manager revokes an approval, giving a reason; the evidence stops counting."""
    if not reason.strip():
        raise ValidationError(_("Give the reason for revoking."), field="reason")
    if not claim(session, request, SignoffRequest.status == "approved", status="revoked", revoked_by_id=manager.id,
                 revoke_reason=reason.strip()):
        raise Conflict(_("Only an approved sign-off can be revoked."))
    if request.evidence_id:
        evidence = session.get(CompetencyEvidence, request.evidence_id)
        if evidence is not None:
            evidence.revoked_at = utcnow()
    audit.record(session, action="signoff.revoked", actor=manager, obj=request, ip=ip, details=reason.strip()[:500])
    notify(session, user_id=request.mentee_id, kind="signoff_revoked", competency=_names(request.competency),
           level=request.level, reason=reason.strip()[:200], link=f"/mentoring/requests/{request.id}")


def requests_for_mentor(session: Session, *, mentor: User) -> list[SignoffRequest]:
    """Open requests waiting for this mentor, oldest first."""
    return list(session.scalars(select(SignoffRequest).where(SignoffRequest.mentor_id == mentor.id,
                                                             SignoffRequest.status == "requested")
                                .options(joinedload(SignoffRequest.mentee), joinedload(SignoffRequest.competency))
                                .order_by(SignoffRequest.created_at)))


def requests_of(session: Session, *, mentee: User) -> list[SignoffRequest]:
    """A mentee's requests, newest first."""
    return list(session.scalars(select(SignoffRequest).where(SignoffRequest.mentee_id == mentee.id)
                                .options(joinedload(SignoffRequest.mentor), joinedload(SignoffRequest.competency))
                                .order_by(SignoffRequest.created_at.desc())))
