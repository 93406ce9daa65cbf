"""Every table of the team dashboard and the person page, as header + rows for CSV."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import gettext as _

from coach.team.dashboard import Dashboard, TeamSummary
from coach.team.person import PersonPage

Table = tuple[list[str], Iterable[list[Any]]]


def _rate(value: int | None) -> Any:
    return "" if value is None else value


def heatmap(d: Dashboard, lang: str) -> Table:
    """One row per person: current and required level per competency."""
    header = [_("Person"), _("Career level")]
    for competency in d.heatmap.competencies:
        name = competency.t("name", lang)
        header += [_("%(name)s: current", name=name), _("%(name)s: required", name=name)]
    rows = ([p.name, p.career_level or ""] + [v for cell in cells for v in (cell.current, cell.required or "")]
            for p, cells in d.heatmap.rows)
    return header, rows


def onboarding(d: Dashboard, lang: str) -> Table:
    """New hires' onboarding programs."""
    header = [_("Person"), _("Program"), _("Start"), _("Steps done"), _("Steps"), _("Overdue steps"),
              _("Days since start"), _("Completed"), _("Time to ramp (days)")]
    rows = ([r.person.name, r.view.assignment.program.t("title", lang), r.view.assignment.start_date.isoformat(),
             r.view.done_count, len(r.view.steps), r.view.overdue_count, r.days_since_start,
             r.view.assignment.completed_at.date().isoformat() if r.view.assignment.completed_at else "",
             _rate(r.ramp_days)] for r in d.onboarding.rows)
    return header, rows


def targets(d: Dashboard, lang: str) -> Table:
    """Every target for every person it applies to, with its status."""
    header = [_("Person"), _("Competency"), _("Level"), _("Current level"), _("Due"), _("Status"), _("Set for")]
    rows = ([t.person.name, t.target.competency.t("name", lang), t.target.level, t.current,
             t.target.due_date.isoformat(), t.status(d.today),
             "person" if t.target.user_id else ("team" if t.target.team_id else f"career:{t.target.career_level_key}")]
            for t in sorted(d.targets, key=lambda t: (t.person.name, t.target.due_date)))
    return header, rows


def readiness(d: Dashboard, lang: str) -> Table:
    """Readiness for each next career level."""
    header = [_("Person"), _("Career level"), _("Next level"), _("Requirements met"), _("Requirements"),
              _("Readiness %")]
    rows = ([r.person.name, r.current.t("name", lang) if r.current else "", o.level.t("name", lang), o.met_count,
             len(o.requirements), o.percent] for r in d.readiness for o in r.options)
    return header, rows


def quizzes(d: Dashboard, lang: str) -> Table:
    """Quiz results per quiz."""
    header = [_("Quiz"), _("People"), _("Attempts"), _("People passed"), _("Pass rate %"), _("Average score %")]
    rows = ([q.quiz.t("title", lang), q.people, q.attempts, q.people_passed, q.pass_rate, q.average_score]
            for q in d.quizzes)
    return header, rows


def mentors(d: Dashboard, lang: str) -> Table:
    """Mentor load."""
    header = [_("Mentor"), _("Mentees"), _("Capacity"), _("Open sign-off requests"), _("Oldest request")]
    rows = ([m.mentor.name, m.mentees, m.mentor.mentor_capacity, m.open_requests,
             m.oldest_request.date().isoformat() if m.oldest_request else ""] for m in d.mentors)
    return header, rows


def reviews(d: Dashboard, lang: str) -> Table:
    """Case reviews per author."""
    header = [_("Person"), _("Filed"), _("Filed this quarter"), _("Discussed"), _("Drafts")]
    rows = ([p.name, c.filed, c.filed_this_quarter, c.discussed, c.drafts] for p, c in d.reviews.by_author)
    return header, rows


def actions(d: Dashboard, lang: str) -> Table:
    """Overdue action items."""
    header = [_("Owner"), _("Action"), _("Due"), _("Days overdue")]
    rows = ([a.owner.name, a.text, a.due_date.isoformat() if a.due_date else "",
             (d.today - a.due_date).days if a.due_date else ""] for a in d.actions)
    return header, rows


def training(d: Dashboard, lang: str) -> Table:
    """Win rate of people who reach the required level against those who do not."""
    header = [_("Competency"), _("People at required level"), _("Their won"), _("Their lost"), _("Their win rate %"),
              _("People below it"), _("Their won"), _("Their lost"), _("Their win rate %")]
    rows = ([r.competency.t("name", lang), r.met.people, r.met.won, r.met.lost, _rate(r.met.win_rate),
             r.not_met.people, r.not_met.won, r.not_met.lost, _rate(r.not_met.win_rate)] for r in d.training)
    return header, rows


TEAM_TABLES: dict[str, Callable[[Dashboard, str], Table]] = {
    "heatmap": heatmap, "onboarding": onboarding, "targets": targets, "readiness": readiness, "quizzes": quizzes,
    "mentors": mentors, "reviews": reviews, "actions": actions, "training": training,
}


def teams_table(summaries: list[TeamSummary]) -> Table:
    """The overview of teams."""
    header = [_("Team"), _("People"), _("Onboarding"), _("Overdue action items"), _("Reviews this quarter"),
              _("Won"), _("Lost"), _("Win rate %")]
    rows = ([s.team.name, s.people, s.onboarding, s.overdue_actions, s.reviews_this_quarter, s.won, s.lost,
             _rate(s.win_rate)] for s in summaries)
    return header, rows


def person_levels(p: PersonPage, lang: str) -> Table:
    """Current and required level per competency, with the evidence count."""
    header = [_("Competency"), _("Current level"), _("Required level"), _("Evidence"), _("Expired evidence")]
    rows = ([c.t("name", lang), p.level(c.id), p.required.get(c.id, ""),
             len(p.standing[c.id].evidence) if c.id in p.standing else 0,
             len(p.standing[c.id].expired) if c.id in p.standing else 0]
            for _cat, comps in p.categories for c in comps)
    return header, rows


def person_attempts(p: PersonPage, lang: str) -> Table:
    """Quiz attempts."""
    header = [_("Quiz"), _("Attempt"), _("State"), _("Submitted"), _("Score %"), _("Passed")]
    rows = ([a.quiz.t("title", lang), a.number, a.state, a.submitted_at.isoformat() if a.submitted_at else "",
             "" if a.score is None else a.score, "" if a.passed is None else ("yes" if a.passed else "no")]
            for a in p.attempts)
    return header, rows


def person_signoffs(p: PersonPage, lang: str) -> Table:
    """Sign-off requests."""
    header = [_("Competency"), _("Level"), _("Mentor"), _("Status"), _("Requested"), _("Decided")]
    rows = ([r.competency.t("name", lang), r.level, r.mentor.name, r.status, r.created_at.date().isoformat(),
             r.decided_at.date().isoformat() if r.decided_at else ""] for r in p.signoffs)
    return header, rows


def person_programs(p: PersonPage, lang: str) -> Table:
    """Programs and their steps."""
    header = [_("Program"), _("Start"), _("Steps done"), _("Steps"), _("Overdue steps"), _("Completed")]
    rows = ([v.assignment.program.t("title", lang), v.assignment.start_date.isoformat(), v.done_count,
             len(v.steps), v.overdue_count,
             v.assignment.completed_at.date().isoformat() if v.assignment.completed_at else ""] for v in p.programs)
    return header, rows


def person_reviews(p: PersonPage, lang: str) -> Table:
    """Case reviews written."""
    header = [_("Deal"), _("Outcome"), _("Status"), _("Submitted")]
    rows = ([r.deal.name, r.outcome, r.status, r.submitted_at.date().isoformat() if r.submitted_at else ""]
            for r in p.reviews)
    return header, rows


def person_timeline(p: PersonPage, lang: str) -> Table:
    """The timeline."""
    header = [_("When"), _("What"), _("Detail")]
    return header, ([e.when.date().isoformat(), e.title, e.detail] for e in p.timeline)


PERSON_TABLES: dict[str, Callable[[PersonPage, str], Table]] = {
    "levels": person_levels, "attempts": person_attempts, "signoffs": person_signoffs,
    "programs": person_programs, "reviews": person_reviews, "timeline": person_timeline,
}
