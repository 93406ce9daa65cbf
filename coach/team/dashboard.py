"""The team dashboard: who is behind, which skills the team lacks, and whether training shows in results.

Every figure is computed for one team with a fixed number of queries, aggregated in SQL where the
rows could be many (evidence, attempts, deals, reviews), so the page costs the same for 10 people
or 200, and does not grow with the size of the organisation.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session, joinedload

from coach.learning.programs import AssignmentView, program_views
from coach.models import (
    ActionItem,
    CareerLevel,
    CareerRequirement,
    CaseReview,
    Competency,
    CompetencyCategory,
    Deal,
    Mentorship,
    Program,
    ProgramAssignment,
    Quiz,
    QuizAttempt,
    SignoffRequest,
    Team,
    User,
    team_managers,
)
from coach.reviews.loop import quarter_began
from coach.skills.services import NextLevel, Standing, career_ladder, current_levels, readiness_for_next_level
from coach.skills.targets import TargetStatus, targets_for_people

ONBOARDING_HISTORY_DAYS = 365
RESULTS_WINDOW_DAYS = 365
TARGET_STATUSES = ("overdue", "at_risk", "on_track", "met")


def team_people(session: Session, team: Team) -> list[User]:
    """The active people of a team, by name: not its managers or administrators, who are not coached here."""
    managers = select(team_managers.c.user_id).where(team_managers.c.team_id == team.id)
    return list(session.scalars(select(User).where(User.team_id == team.id, User.active.is_(True),
                                                   User.role != "admin", User.id.not_in(managers))
                                .order_by(User.name)))


# --- Skill heat map -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Cell:
    """One person's level in one competency against the level required of them (0 = none)."""

    current: int
    required: int

    @property
    def gap(self) -> int:
        """How many levels short of the requirement (0 when met or nothing is required)."""
        return max(self.required - self.current, 0)

    @property
    def status(self) -> str:
        """none (nothing required), meets, short1 (one level short) or short2 (two or more)."""
        if not self.required:
            return "none"
        return "meets" if not self.gap else ("short1" if self.gap == 1 else "short2")


@dataclass
class HeatMap:
    """People × competencies, with how many people fall short in each competency."""

    categories: list[tuple[CompetencyCategory, list[Competency]]]
    rows: list[tuple[User, list[Cell]]]

    @property
    def competencies(self) -> list[Competency]:
        """The columns, in framework order."""
        return [c for _cat, comps in self.categories for c in comps]

    @property
    def short_counts(self) -> list[int]:
        """Per competency: people below the level required of them."""
        return [sum(1 for _p, cells in self.rows if cells[i].gap) for i in range(len(self.competencies))]

    @property
    def required_counts(self) -> list[int]:
        """Per competency: people of whom some level is required."""
        return [sum(1 for _p, cells in self.rows if cells[i].required) for i in range(len(self.competencies))]


def _competency_columns(session: Session) -> list[tuple[CompetencyCategory, list[Competency]]]:
    categories = {c.id: c for c in session.scalars(select(CompetencyCategory).order_by(CompetencyCategory.position))}
    grouped: dict[int, list[Competency]] = defaultdict(list)
    for competency in session.scalars(select(Competency).where(Competency.retired.is_(False))
                                      .order_by(Competency.position)):
        grouped[competency.category_id].append(competency)
    return [(category, grouped[cid]) for cid, category in categories.items() if grouped[cid]]


def career_requirements(session: Session, level_keys: set[str]) -> dict[str, dict[int, int]]:
    """career level key → competency id → level it requires."""
    result: dict[str, dict[int, int]] = defaultdict(dict)
    if level_keys:
        for key, competency_id, level in session.execute(
                select(CareerLevel.key, CareerRequirement.competency_id, CareerRequirement.level)
                .join(CareerRequirement, CareerRequirement.career_level_id == CareerLevel.id)
                .where(CareerLevel.key.in_(level_keys))):
            result[key][competency_id] = level
    return result


def required_levels(people: list[User], requirements: dict[str, dict[int, int]],
                    targets: list[TargetStatus]) -> dict[int, dict[int, int]]:
    """person id → competency id → the level required: the higher of their career level's and their targets'."""
    required: dict[int, dict[int, int]] = {p.id: dict(requirements.get(p.career_level or "", {})) for p in people}
    for status in targets:
        mine = required[status.person.id]
        cid = status.target.competency_id
        mine[cid] = max(mine.get(cid, 0), status.target.level)
    return required


# --- Onboarding -------------------------------------------------------------------------------

@dataclass
class OnboardingRow:
    """One new hire's onboarding program."""

    person: User
    view: AssignmentView
    today: date

    @property
    def days_since_start(self) -> int:
        """Days since the program started (usually the hire date)."""
        return (self.today - self.view.assignment.start_date).days

    @property
    def complete(self) -> bool:
        """Every step done."""
        return self.view.next_step is None

    @property
    def ramp_days(self) -> int | None:
        """Time to ramp: days from the start until every step was done, once it was."""
        completed = self.view.assignment.completed_at
        return (completed.date() - self.view.assignment.start_date).days if completed else None


@dataclass
class Onboarding:
    """The team's new hires, in progress first."""

    rows: list[OnboardingRow]

    @property
    def in_progress(self) -> int:
        """New hires still onboarding."""
        return sum(1 for r in self.rows if not r.complete)

    @property
    def overdue_people(self) -> int:
        """New hires with at least one overdue step."""
        return sum(1 for r in self.rows if r.view.overdue_count)

    @property
    def average_ramp_days(self) -> int | None:
        """Mean time to ramp of those who finished."""
        days = [r.ramp_days for r in self.rows if r.ramp_days is not None]
        return round(sum(days) / len(days)) if days else None


def onboarding(session: Session, people: list[User], today: date) -> Onboarding:
    """New-hire programs of the team: unfinished ones, and those finished in the last year."""
    by_id = {p.id: p for p in people}
    views = program_views(session, user_ids=list(by_id), today=today, new_hire_only=True)
    since = today - timedelta(days=ONBOARDING_HISTORY_DAYS)
    rows = [OnboardingRow(by_id[uid], view, today) for uid, person_views in views.items() for view in person_views
            if view.next_step is not None or view.assignment.completed_at is None
            or view.assignment.completed_at.date() >= since]
    rows.sort(key=lambda r: (r.complete, -r.view.overdue_count, r.view.assignment.start_date, r.person.name))
    return Onboarding(rows)


# --- Quizzes, mentors, reviews, action items ------------------------------------------------------

@dataclass(frozen=True)
class QuizSummary:
    """One quiz's results in the team."""

    quiz: Quiz
    people: int
    attempts: int
    people_passed: int
    average_score: float

    @property
    def pass_rate(self) -> int:
        """Share of the people who tried it and passed, in percent."""
        return round(100 * self.people_passed / self.people) if self.people else 0


def quiz_summary(session: Session, people: list[User]) -> list[QuizSummary]:
    """Graded attempts per quiz by the team's people (one grouped query, on the attempts' user index)."""
    if not people:
        return []
    rows = session.execute(
        select(Quiz, func.count(func.distinct(QuizAttempt.user_id)), func.count(QuizAttempt.id),
               func.count(func.distinct(case((QuizAttempt.passed.is_(True), QuizAttempt.user_id)))),
               func.avg(QuizAttempt.score))
        .join(QuizAttempt, QuizAttempt.quiz_id == Quiz.id)
        .where(QuizAttempt.user_id.in_([p.id for p in people]), QuizAttempt.state == "graded")
        .group_by(Quiz.id).order_by(Quiz.key)).all()
    return [QuizSummary(quiz, n_people, attempts, passed, round(float(avg or 0), 1))
            for quiz, n_people, attempts, passed, avg in rows]


@dataclass(frozen=True)
class MentorLoad:
    """A mentor of the team's people: how many mentees, against capacity, and requests waiting."""

    mentor: User
    mentees: int
    open_requests: int
    oldest_request: datetime | None

    @property
    def full(self) -> bool:
        """At or over capacity."""
        return self.mentees >= self.mentor.mentor_capacity


def mentor_load(session: Session, people: list[User]) -> list[MentorLoad]:
    """The team's mentors and anyone mentoring its people (three queries)."""
    mentee_counts: dict[int, int] = {mentor_id: count for mentor_id, count in session.execute(
        select(Mentorship.mentor_id, func.count(Mentorship.id))
        .where(Mentorship.active.is_(True), Mentorship.mentee_id.in_([p.id for p in people]))
        .group_by(Mentorship.mentor_id))} if people else {}
    mentor_ids = set(mentee_counts) | {p.id for p in people if p.role == "mentor"}
    if not mentor_ids:
        return []
    requests = {mentor_id: (count, oldest) for mentor_id, count, oldest in session.execute(
        select(SignoffRequest.mentor_id, func.count(SignoffRequest.id), func.min(SignoffRequest.created_at))
        .where(SignoffRequest.mentor_id.in_(mentor_ids), SignoffRequest.status == "requested")
        .group_by(SignoffRequest.mentor_id))}
    known = {p.id: p for p in people}
    outside = mentor_ids - set(known)
    if outside:
        known.update({u.id: u for u in session.scalars(select(User).where(User.id.in_(outside)))})
    loads = [MentorLoad(known[mid], mentee_counts.get(mid, 0), *requests.get(mid, (0, None)))
             for mid in mentor_ids]
    return sorted(loads, key=lambda m: (-m.mentees, m.mentor.name))


@dataclass
class ReviewCounts:
    """Case reviews of one author (or the team): drafts, filed (submitted or discussed), discussed."""

    drafts: int = 0
    filed: int = 0
    discussed: int = 0
    filed_this_quarter: int = 0


@dataclass
class ReviewActivity:
    """The team's case reviews, in total and per author."""

    total: ReviewCounts
    by_author: list[tuple[User, ReviewCounts]]


def review_activity(session: Session, team: Team, people: list[User], today: date) -> ReviewActivity:
    """Reviews filed to the team, by status and author, and filed this quarter (one grouped query)."""
    since = quarter_began(today)
    this_quarter = func.sum(case((CaseReview.submitted_at >= since, 1), else_=0))
    counts: dict[int, ReviewCounts] = defaultdict(ReviewCounts)
    total = ReviewCounts()
    for author_id, status, count, recent in session.execute(
            select(CaseReview.author_id, CaseReview.status, func.count(CaseReview.id), this_quarter)
            .where(CaseReview.team_id == team.id).group_by(CaseReview.author_id, CaseReview.status)):
        for bucket in (counts[author_id], total):
            if status == "draft":
                bucket.drafts += count
                continue
            bucket.filed += count
            bucket.filed_this_quarter += int(recent or 0)
            if status == "discussed":
                bucket.discussed += count
    by_author = [(p, counts[p.id]) for p in people if p.id in counts]
    return ReviewActivity(total, by_author)


def overdue_actions(session: Session, people: list[User], today: date) -> list[ActionItem]:
    """Open action items owned by the team's people and past their due date, oldest first."""
    if not people:
        return []
    return list(session.scalars(select(ActionItem).where(
        ActionItem.owner_id.in_([p.id for p in people]), ActionItem.done_at.is_(None), ActionItem.due_date < today)
        .options(joinedload(ActionItem.owner)).order_by(ActionItem.due_date, ActionItem.id)))


# --- Training vs results ------------------------------------------------------------------------

@dataclass
class Side:
    """People on one side of a comparison and their closed deals."""

    people: int = 0
    won: int = 0
    lost: int = 0

    @property
    def closed(self) -> int:
        """Won plus lost."""
        return self.won + self.lost

    @property
    def win_rate(self) -> int | None:
        """Won out of closed, in percent; None without closed deals."""
        return round(100 * self.won / self.closed) if self.closed else None


@dataclass
class TrainingResult:
    """For one competency: win rate of people who reach the required level against those who do not."""

    competency: Competency
    met: Side = field(default_factory=Side)
    not_met: Side = field(default_factory=Side)


def deal_results(session: Session, owner_ids: list[int], since: date) -> dict[int, tuple[int, int]]:
    """person id → (won, lost) of deals they own that closed since `since` (one grouped query)."""
    if not owner_ids:
        return {}
    won = func.sum(case((Deal.outcome == "won", 1), else_=0))
    lost = func.sum(case((Deal.outcome == "lost", 1), else_=0))
    return {owner: (int(w or 0), int(lo or 0)) for owner, w, lo in session.execute(
        select(Deal.owner_id, won, lost).where(Deal.owner_id.in_(owner_ids), Deal.outcome.in_(("won", "lost")),
                                               Deal.close_date >= since)
        .group_by(Deal.owner_id))}


def training_vs_results(competencies: list[Competency], people: list[User], levels: dict[int, dict[int, int]],
                        required: dict[int, dict[int, int]], results: dict[int, tuple[int, int]]
                        ) -> list[TrainingResult]:
    """Per competency required of someone in the team: the two groups' win rates, with their sizes."""
    table = []
    for competency in competencies:
        row = TrainingResult(competency)
        for person in people:
            need = required.get(person.id, {}).get(competency.id, 0)
            if not need:
                continue
            side = row.met if levels.get(person.id, {}).get(competency.id, 0) >= need else row.not_met
            won, lost = results.get(person.id, (0, 0))
            side.people += 1
            side.won += won
            side.lost += lost
        if row.met.people or row.not_met.people:
            table.append(row)
    return table


# --- The whole dashboard ------------------------------------------------------------------------

@dataclass
class Readiness:
    """One person's readiness for each level they can move to next."""

    person: User
    current: CareerLevel | None
    options: list[NextLevel]

    @property
    def best(self) -> int:
        """The highest readiness among the options (0 when there is none)."""
        return max((o.percent for o in self.options), default=0)


@dataclass
class Dashboard:
    """Everything on one team's dashboard."""

    team: Team
    today: date
    people: list[User]
    heatmap: HeatMap
    onboarding: Onboarding
    targets: list[TargetStatus]
    readiness: list[Readiness]
    quizzes: list[QuizSummary]
    mentors: list[MentorLoad]
    reviews: ReviewActivity
    actions: list[ActionItem]
    training: list[TrainingResult]
    results_since: date

    @property
    def target_counts(self) -> dict[str, int]:
        """Targets per status (one per person a target applies to)."""
        counts = dict.fromkeys(TARGET_STATUSES, 0)
        for status in self.targets:
            counts[status.status(self.today)] += 1
        return counts

    @property
    def open_targets(self) -> list[TargetStatus]:
        """Targets not yet met, the most urgent first."""
        order = {s: i for i, s in enumerate(TARGET_STATUSES)}
        return sorted((t for t in self.targets if t.status(self.today) != "met"),
                      key=lambda t: (order[t.status(self.today)], t.target.due_date, t.person.name))


def team_dashboard(session: Session, team: Team, today: date | None = None) -> Dashboard:
    """Compute one team's dashboard in a fixed number of queries."""
    today = today or date.today()
    people = team_people(session, team)
    ids = [p.id for p in people]
    levels = current_levels(session, user_ids=ids)
    targets = targets_for_people(session, people, levels=levels)
    requirements = career_requirements(session, {p.career_level for p in people if p.career_level})
    required = required_levels(people, requirements, targets)
    categories = _competency_columns(session)
    competencies = [c for _cat, comps in categories for c in comps]
    heatmap = HeatMap(categories, [(p, [Cell(levels.get(p.id, {}).get(c.id, 0), required[p.id].get(c.id, 0))
                                        for c in competencies]) for p in people])
    tracks = career_ladder(session)
    by_key = {lvl.key: lvl for track in tracks for lvl in track.levels}
    readiness = []
    for person in people:
        standing = {cid: Standing(level=lvl) for cid, lvl in levels.get(person.id, {}).items()}
        readiness.append(Readiness(person, by_key.get(person.career_level or ""),
                                   readiness_for_next_level(session, user=person, tracks=tracks, standing=standing)))
    readiness.sort(key=lambda r: (-r.best, r.person.name))
    since = today - timedelta(days=RESULTS_WINDOW_DAYS)
    return Dashboard(
        team=team, today=today, people=people, heatmap=heatmap, onboarding=onboarding(session, people, today),
        targets=targets, readiness=readiness, quizzes=quiz_summary(session, people),
        mentors=mentor_load(session, people), reviews=review_activity(session, team, people, today),
        actions=overdue_actions(session, people, today),
        training=training_vs_results(competencies, people, levels, required, deal_results(session, [p.id for p in people], since)),
        results_since=since)


# --- Organisation overview ----------------------------------------------------------------------

@dataclass
class TeamSummary:
    """One line per team on the overview."""

    team: Team
    people: int = 0
    onboarding: int = 0
    overdue_actions: int = 0
    reviews_this_quarter: int = 0
    won: int = 0
    lost: int = 0

    @property
    def win_rate(self) -> int | None:
        """Won out of won plus lost in the last year, in percent."""
        closed = self.won + self.lost
        return round(100 * self.won / closed) if closed else None


def team_summaries(session: Session, teams: list[Team], today: date | None = None) -> list[TeamSummary]:
    """Headline figures for several teams: grouped queries over all of them at once (six queries)."""
    today = today or date.today()
    summaries = {t.id: TeamSummary(t) for t in teams}
    ids = list(summaries)
    if not ids:
        return []
    active = and_(User.active.is_(True), User.role != "admin", User.team_id.in_(ids))

    def add(query: Select[tuple[int, int]], attribute: str) -> None:
        for team_id, value in session.execute(query):
            setattr(summaries[team_id], attribute, int(value or 0))

    add(select(User.team_id, func.count(User.id)).where(active).group_by(User.team_id), "people")
    new_hire_programs = [p.id for p in session.scalars(select(Program)) if (p.audience or {}).get("new_hires")]
    if new_hire_programs:
        add(select(User.team_id, func.count(ProgramAssignment.id)).join(User, User.id == ProgramAssignment.user_id)
            .where(active, ProgramAssignment.completed_at.is_(None),
                   ProgramAssignment.program_id.in_(new_hire_programs)).group_by(User.team_id), "onboarding")
    add(select(User.team_id, func.count(ActionItem.id)).join(User, User.id == ActionItem.owner_id)
        .where(active, ActionItem.done_at.is_(None), ActionItem.due_date < today).group_by(User.team_id),
        "overdue_actions")
    since = quarter_began(today)
    add(select(CaseReview.team_id, func.count(CaseReview.id)).where(
        CaseReview.team_id.in_(ids), CaseReview.status != "draft", CaseReview.submitted_at >= since)
        .group_by(CaseReview.team_id), "reviews_this_quarter")
    # Deals per owner on the owners' index, then per team here: joining deals to users lets the planner
    # scan every deal of the organisation instead.
    team_of = {user_id: team_id for user_id, team_id in session.execute(select(User.id, User.team_id).where(active))}
    for owner, (won, lost) in deal_results(session, list(team_of), today - timedelta(days=RESULTS_WINDOW_DAYS)).items():
        summary = summaries[team_of[owner]]
        summary.won += won
        summary.lost += lost
    return [summaries[t.id] for t in teams]
