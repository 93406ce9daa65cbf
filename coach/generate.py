"""A generated organisation of any size, for benchmarks and for trying the manager dashboards.

`flask --app wsgi demo generate --users N --seed S` builds, in one transaction, on synced content:

- N people in teams of about 8–14 ("Team 001 — East China"). Each team has one manager (role manager,
  team_id the team, listed in team_managers), one to three mentors and members. Names mix Chinese and
  English, languages en and zh. E-mails are p000001@generated.example, ...; everyone shares PASSWORD.
  admin@generated.example is added when the database has no administrator.
- Career levels from the synced ladder: most members at its first level, some on the expert track,
  mentors one level up, managers two.
- About 20% of members are new hires, hired in the last 120 days, with the new-hire programs from their
  hire date; some veterans have another program from their manager. Learners go through the steps at
  their own pace (slow ones are overdue): a module step becomes a completed ModuleProgress, a quiz step a
  passed attempt with its evidence, a sign-off step an approved request. `completed_at` is set exactly
  when every step is done by the rules of coach.learning.programs.
- Mentorships inside each team, never above a mentor's `mentor_capacity`, plus ended ones as history,
  with 1:1 notes and action items (some done, some overdue).
- Quiz history: attempts with snapshots drawn as `start_attempt` draws them, answers graded by the
  question types (about 100 answers per person), retakes after a fail, yearly refreshers where evidence
  expires, essays graded by a mentor or manager or still waiting, a few attempts left open. Each passed
  attempt of a quiz that evidences a competency has its evidence, source "quiz:<key>:<attempt id>".
- Sign-off requests in every state; approved and revoked ones have sign-off evidence "signoff:<id>",
  linked back through `evidence_id`.
- Capability targets for each team and for some people, due in the past and in the future.
- 10–20 CRM deals per rep (source "generated"); case reviews of about 30% of the closed ones, with
  reasons from the taxonomy; monthly case-review meetings per team with agendas, attendees, and action
  items on reviews and meetings.

The same N, seed and `today` give the same rows: one random.Random(seed) makes every choice, every date
counts back from `today`, and rows are written with bulk Core inserts in a fixed order. Ids come from the
database (INSERT ... RETURNING), so only they differ between a fresh database and a used one.
"""
from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, selectinload

from coach import audit
from coach.auth.services import hash_password
from coach.content.render import render_user_markdown
from coach.errors import ValidationError
from coach.models import (
    ActionItem,
    AgendaItem,
    CapabilityTarget,
    CareerLevel,
    CareerTrack,
    CaseReview,
    CoachingNote,
    Competency,
    CompetencyEvidence,
    Deal,
    Mentorship,
    Module,
    ModuleProgress,
    Program,
    ProgramAssignment,
    ProgramStep,
    Quiz,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    Reason,
    ReviewMeeting,
    ReviewReason,
    SalesStage,
    SignoffRequest,
    Team,
    User,
    meeting_attendees,
    module_competencies,
    review_competencies,
    review_modules,
    team_managers,
)
from coach.quizzes.services import draw_snapshot
from coach.quizzes.types import REGISTRY

DOMAIN = "generated.example"
PASSWORD = "coach-generated-2026"
MIN_PEOPLE = 10
DEAL_SOURCE = "generated"
CHUNK = 2_000  # rows per INSERT batch
BATCH_PEOPLE = 500  # people simulated before their rows are written
SNAPSHOT_VARIANTS = 6  # distinct question draws per quiz and language

Row = dict[str, Any]
Progress = Callable[[int], None]

SURNAMES = (("王", "Wang"), ("李", "Li"), ("张", "Zhang"), ("刘", "Liu"), ("陈", "Chen"), ("杨", "Yang"),
            ("黄", "Huang"), ("赵", "Zhao"), ("吴", "Wu"), ("周", "Zhou"), ("徐", "Xu"), ("孙", "Sun"),
            ("马", "Ma"), ("朱", "Zhu"), ("胡", "Hu"), ("郭", "Guo"), ("何", "He"), ("林", "Lin"),
            ("高", "Gao"), ("罗", "Luo"), ("郑", "Zheng"), ("梁", "Liang"), ("谢", "Xie"), ("宋", "Song"))
GIVEN = (("伟", "Wei"), ("芳", "Fang"), ("娜", "Na"), ("敏", "Min"), ("静", "Jing"), ("磊", "Lei"),
         ("洋", "Yang"), ("军", "Jun"), ("杰", "Jie"), ("涛", "Tao"), ("明", "Ming"), ("超", "Chao"),
         ("秀英", "Xiuying"), ("晓东", "Xiaodong"), ("海燕", "Haiyan"), ("建华", "Jianhua"), ("志强", "Zhiqiang"),
         ("丽华", "Lihua"), ("文博", "Wenbo"), ("思雨", "Siyu"), ("子涵", "Zihan"), ("俊杰", "Junjie"))
ENGLISH = ("Emily", "David", "Sarah", "Michael", "Grace", "Kevin", "Linda", "Jason", "Amy", "Eric", "Cindy",
           "Tony", "Helen", "Frank", "Vivian", "Peter", "Iris", "Leo", "Nora", "Sam")
REGIONS = ("East China", "South China", "North China", "Central China", "West China", "Northeast",
           "Greater Bay", "Yangtze Delta", "Key Accounts", "Channel Partners", "Export", "Food & Beverage")
COMPANIES = ("Huaxin", "Dingsheng", "Jiahe", "Ruifeng", "Yongtai", "Hengtong", "Minsheng", "Taihu", "Baosheng",
             "Lanxi", "Zhongda", "Jinlong", "Xinyuan", "Tianrun", "Hongda", "Anping")
INDUSTRIES = ("Precision Parts", "Beverages", "Textiles", "Chemicals", "Auto Parts", "Food Machinery",
              "Brewing", "Machining", "Paper", "Steel", "Pharma", "Plastics")
PROJECTS = ("line 3 monitoring", "pump fleet sensors", "compressor pilot", "plant 2 rollout", "cold chain alerts",
            "press line retrofit", "spindle monitoring", "cloud upgrade")
COMPETITORS = ("DataMill", "Vibrosense", "", "", "SenseIQ", "in-house team")
WRONG_TEXT = ("not sure", "不确定", "basic", "MTTR")
ACTIONS = ("Send the downtime calculation to the plant manager", "Role-play the price objection",
           "Update the CRM next steps", "Read the negotiation module again", "Shadow a senior rep on a visit",
           "Prepare the give/get list before the next meeting")
TEXTS: dict[str, tuple[str, ...]] = {
    "well": ("Good access to the maintenance team from the first visit.",
             "The pilot found two real bearing faults in the first week.", "维护经理全程支持，试点效果明显。"),
    "change": ("We quoted before purchasing knew the cost of downtime.", "We never met the person who signed.",
               "让步太早，没有换取任何条件。"),
    "lessons": ("Put the **cost of one unplanned stop** in the first written quote.",
                "Ask *who signs* in the first meeting.", "每次让步都要换取条件，例如**三年合同**。"),
    "criteria": ("Price per sensor, payback within a year, local installation support.",
                 "Integration with the existing CMMS; IT security review.", "投资回收期、本地服务能力。"),
    "goals": ("Get through onboarding on time; first solo discovery call by week 6.",
              "Lead negotiations with purchasing on your own.", "本季度独立负责两个试点项目。"),
    "notes": ("Reviewed the last calls. Strong on product facts; practise *implication* questions.",
              "Went through the pipeline: two deals need a decision maker.", "复盘了上周的演示，价值陈述更清晰了。"),
    "evidence": ("Led discovery at a customer plant and mapped the downtime cost with the maintenance manager.",
                 "Prepared the renewal: BATNA, walk-away and a give/get list.", "独立完成了一次客户演示并拿到试点。"),
    "decision": ("Clear value story tied to their numbers.", "Solid preparation; keep it up.", "表现扎实。"),
    "reject": ("Show one more customer conversation where you led the questions.",
               "The plan has no walk-away price yet.", "还需要一次完整的需求挖掘记录。"),
    "revoke": ("Signed off too early; the rubric was not met on a real call.", "Evidence could not be verified."),
    "essay": ("I would ask about the cost of one unplanned stop before talking about price.",
              "先确认决策链，再用客户自己的数据算投资回报。", "Trade the discount for a longer contract term."),
    "meeting": ("Most losses went to DataMill on price before the value was agreed.",
                "Wins came where a champion shared downtime numbers early.", "丢单主要集中在价格阶段。"),
    "decisions": ("1. Every quote over 100,000 yuan carries the downtime calculation.",
                  "1. Each rep runs one price-objection role-play this month.", "1. 所有报价附上停机成本测算。"),
    "target": ("Needed before the spring trade fair.", "Part of the team plan for this half-year.", ""),
}


def _day(value: date, hours: float = 9.0) -> datetime:
    """A UTC moment on a given day."""
    return datetime.combine(value, time(0), UTC) + timedelta(hours=hours)


@lru_cache(maxsize=None)
def _html(text: str) -> str:
    """The rendered Markdown of a template text, rendered once."""
    return render_user_markdown(text)


def _response(rng: random.Random, question: dict[str, Any], right: bool) -> Any:
    """A response as the attempt form would have produced it: the right one or a plausible mistake."""
    kind = question["type"]
    if kind in ("single", "truefalse"):
        best = max(question["options"], key=lambda o: o["fraction"])
        wrong = [o for o in question["options"] if o["fraction"] < best["fraction"]]
        return (best if right or not wrong else rng.choice(wrong))["id"]
    if kind == "multiple":
        good = sorted(o["id"] for o in question["options"] if o["fraction"] > 0)
        picked = sorted(o["id"] for o in question["options"] if rng.random() < 0.5)
        return good if right else (picked or good[:1] or None)
    if kind == "shortanswer":
        return max(question["accepted"], key=lambda a: a["fraction"])["text"] if right else rng.choice(WRONG_TEXT)
    if kind == "numerical":
        exact = [n for n in question["numbers"] if not n.get("any")]
        if right and exact:
            best = max(exact, key=lambda n: n["fraction"])
            return f"{(best['low'] + best['high']) / 2:.4f}".rstrip("0").rstrip(".")
        return str(rng.randint(1, 999))
    if kind == "matching":
        return {p["id"]: p["right"] if right else rng.choice(question["choices"]) for p in question["pairs"]}
    if kind == "ordering":
        places = list(range(1, len(question["items"]) + 1))
        if not right:
            rng.shuffle(places)
        return {item["id"]: place for item, place in zip(question["items"], places, strict=True)}
    if kind == "essay":
        return rng.choice(TEXTS["essay"])
    return None


@dataclass
class Content:
    """The synced content the organisation is built on, read once."""

    competencies: dict[int, Competency]
    quizzes: dict[str, Quiz]
    variants: dict[tuple[str, str], list[list[dict[str, Any]]]]  # (quiz key, language) → snapshots
    modules: dict[int, Module]  # by id, in key order
    programs: list[Program]
    tracks: list[list[str]]  # career level keys per track, the management track first
    requirements: dict[str, list[tuple[int, int]]]  # career level key → (competency id, level)
    reasons: list[Reason]
    stages: list[SalesStage]
    modules_for: dict[int, list[int]]  # competency id → module ids

    def rule(self, competency_id: int, level: int) -> str:
        """The evidence rule of a competency level ('' when the level does not exist)."""
        return next((lvl.evidence for lvl in self.competencies[competency_id].levels if lvl.level == level), "")

    def behaviours(self, competency_id: int, level: int) -> int:
        """How many behaviours a level's rubric scores."""
        return next((len(lvl.behaviours) for lvl in self.competencies[competency_id].levels if lvl.level == level), 0)


def load_content(session: Session, rng: random.Random) -> Content:
    """Read the synced content; refuse when it is missing."""
    competencies = {c.id: c for c in session.scalars(
        select(Competency).where(Competency.retired.is_(False)).options(selectinload(Competency.levels))
        .order_by(Competency.key))}
    quizzes = {q.key: q for q in session.scalars(select(Quiz).where(Quiz.retired.is_(False)).order_by(Quiz.key))}
    bank: dict[int, list[QuizQuestion]] = defaultdict(list)
    for question in session.scalars(select(QuizQuestion).where(QuizQuestion.retired.is_(False))
                                    .order_by(QuizQuestion.quiz_id, QuizQuestion.position)):
        bank[question.quiz_id].append(question)
    quizzes = {key: quiz for key, quiz in quizzes.items() if bank[quiz.id]}
    modules = list(session.scalars(select(Module).where(Module.retired.is_(False)).order_by(Module.key)))
    tracks = list(session.scalars(select(CareerTrack).order_by(CareerTrack.position, CareerTrack.key).options(
        selectinload(CareerTrack.levels).selectinload(CareerLevel.requirements))))
    reasons = list(session.scalars(select(Reason).options(selectinload(Reason.competencies))
                                   .order_by(Reason.position, Reason.key)))
    stages = list(session.scalars(select(SalesStage).order_by(SalesStage.position, SalesStage.key)))
    missing = [name for name, rows in (("competencies", competencies), ("career levels", tracks), ("modules", modules),
                                       ("quizzes with questions", quizzes), ("win/loss reasons", reasons),
                                       ("sales stages", stages)) if not rows]
    if missing:
        raise ValidationError(f"content has not been synced (no {', '.join(missing)}); "
                              "run `flask --app wsgi content sync` first")
    programs = list(session.scalars(select(Program).where(Program.retired.is_(False)).order_by(Program.key)
                                    .options(selectinload(Program.steps))))
    modules_for: dict[int, list[int]] = defaultdict(list)
    for module_id, competency_id in session.execute(select(module_competencies.c.module_id,
                                                           module_competencies.c.competency_id)):
        modules_for[competency_id].append(module_id)
    variants = {}
    for quiz in quizzes.values():
        for language in ("en", "zh"):
            variants[(quiz.key, language)] = [draw_snapshot(quiz, bank[quiz.id], language, rng)
                                              for _ in range(SNAPSHOT_VARIANTS)]
    return Content(
        competencies=competencies, quizzes=quizzes, variants=variants, modules={m.id: m for m in modules},
        programs=programs,
        tracks=[[level.key for level in track.levels] for track in tracks if track.levels],
        requirements={level.key: sorted((r.competency_id, r.level) for r in level.requirements
                                        if r.competency_id in competencies)
                      for track in tracks for level in track.levels},
        reasons=reasons, stages=stages, modules_for={k: sorted(v) for k, v in sorted(modules_for.items())})


@dataclass(eq=False)
class Person:
    """A generated person, before and after their row is written."""

    number: int
    role: str
    name: str
    language: str
    hire_date: date
    career_level: str | None
    skill: float  # chance of answering a question right
    pace: float  # 1.0: every program step exactly on its due day
    capacity: int = 4
    active: bool = True
    new_hire: bool = False
    team: TeamPlan | None = None
    current: Pairing | None = None
    past: Pairing | None = None
    id: int = 0

    @property
    def email(self) -> str:
        """The login e-mail."""
        return f"p{self.number:06d}@{DOMAIN}"


@dataclass(eq=False)
class TeamPlan:
    """A generated team: its manager comes first in `people`."""

    name: str
    people: list[Person] = field(default_factory=list)
    id: int = 0

    @property
    def manager(self) -> Person:
        """The team's manager."""
        return self.people[0]

    def with_role(self, role: str) -> list[Person]:
        """The team's people with this role."""
        return [p for p in self.people if p.role == role]


@dataclass(eq=False)
class Pairing:
    """A mentorship; `end` None means it is active."""

    mentor: Person
    mentee: Person
    start: date
    end: date | None
    id: int = 0


@dataclass(eq=False)
class Attempt:
    """A quiz attempt with its answers and, for a pass, its evidence."""

    key: str
    row: Row
    answers: list[Row]
    evidence: Row | None
    finished: datetime  # submitted, or graded when an essay waited for its grader
    id: int = 0


@dataclass(eq=False)
class Request:
    """A sign-off request with its evidence once approved."""

    row: Row
    evidence: Row | None
    attempts: list[Attempt]
    modules: list[int]


@dataclass
class Learner:
    """What one person has done so far, to decide which program steps are done and when."""

    person: Person
    read: dict[int, Row] = field(default_factory=dict)  # module id → progress row
    passes: dict[str, datetime] = field(default_factory=dict)  # quiz key → first passing evidence
    numbers: Counter[str] = field(default_factory=Counter)  # quiz key → attempts so far
    signed: list[tuple[int, int, datetime, datetime | None]] = field(default_factory=list)
    open_requests: set[tuple[int, int]] = field(default_factory=set)
    attempts: list[Attempt] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def signed_at(self, competency_id: int, level: int, valid_after: datetime) -> datetime | None:
        """When a still-valid sign-off at this level or above was first recorded."""
        times = [at for cid, lvl, at, expires in self.signed
                 if cid == competency_id and lvl >= level and (expires is None or expires > valid_after)]
        return min(times, default=None)


class Generator:
    """Plans the organisation with one random generator and writes it in bulk."""

    def __init__(self, session: Session, *, people: int, seed: int, today: date | None = None) -> None:
        """Check that generation may start and read the content; nothing is written yet."""
        if people < MIN_PEOPLE:
            raise ValidationError(f"generate at least {MIN_PEOPLE} people", field="users")
        if session.scalar(select(User.id).where(User.email.like(f"%@{DOMAIN}")).limit(1)) is not None:
            raise ValidationError("this database already holds a generated organisation; use a fresh database")
        self.session, self.people, self.seed = session, people, seed
        self.today = today or date.today()
        self.cutoff = _day(self.today - timedelta(days=1), 20)  # nothing generated happens later than this
        self.valid_after = _day(self.today + timedelta(days=2))  # evidence still valid then counts as valid now
        self.rng = random.Random(seed)
        self.content = load_content(session, self.rng)
        self.counts: Counter[str] = Counter()
        self.password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
        self.admin_id = 0

    # ---------------------------------------------------------------- writing

    def _insert(self, table: Table, rows: list[Row], *, ids: bool = False) -> list[int]:
        """Insert rows in chunks; with `ids`, return the new ids in the rows' order."""
        created: list[int] = []
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            if ids:
                statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
                created.extend(self.session.execute(statement, chunk).scalars())
            else:
                self.session.execute(insert(table), chunk)
        self.counts[table.name] += len(rows)
        return created

    # ---------------------------------------------------------------- run

    def run(self, progress: Progress | None = None) -> Counter[str]:
        """Generate and write everything; returns rows written per table."""
        self.admin_id = self._admin()
        teams = self._plan_teams()
        self._write_people(teams)
        pairings = self._plan_mentorships(teams)
        self._write_mentorships(pairings)
        batch: list[TeamPlan] = []
        for index, team in enumerate(teams):
            batch.append(team)
            if sum(len(t.people) for t in batch) >= BATCH_PEOPLE or index == len(teams) - 1:
                self._write_batch(batch, pairings)
                if progress:
                    progress(sum(len(t.people) for t in batch))
                batch = []
        audit.record(self.session, action="demo.generated", actor_label="cli",
                     details=f"people={self.people} seed={self.seed} today={self.today}")
        self.session.flush()
        return self.counts

    def _admin(self) -> int:
        """An administrator's id: the existing one, or admin@generated.example."""
        existing = self.session.scalar(select(User.id).where(User.role == "admin").order_by(User.id).limit(1))
        if existing is not None:
            return existing
        row = self._user_row(email=f"admin@{DOMAIN}", name="Grace Lin 林晓雯", role="admin", team_id=None,
                             hire_date=self.today - timedelta(days=2200), career_level=None, language="en")
        return self._insert(User.__table__, [row], ids=True)[0]

    def _user_row(self, **values: Any) -> Row:
        """A users row with the shared password hash."""
        created = _day(values["hire_date"], 8)
        return {"password_hash": self.password_hash, "active": True, "mentor_capacity": 4, "session_version": 1,
                "created_at": created, "last_login_at": None, **values}

    # ---------------------------------------------------------------- people

    def _plan_teams(self) -> list[TeamPlan]:
        """Teams of about 8–14 people: a manager, one to three mentors, members."""
        rng, count = self.rng, max(1, round(self.people / 11))
        sizes = [self.people // count + (1 if i < self.people % count else 0) for i in range(count)]
        for _ in range(count * 2):
            a, b, shift = rng.randrange(count), rng.randrange(count), rng.randint(1, 3)
            if a != b and sizes[a] - shift >= 8 and sizes[b] + shift <= 14:
                sizes[a], sizes[b] = sizes[a] - shift, sizes[b] + shift
        teams, number = [], 0
        for index, size in enumerate(sizes, start=1):
            team = TeamPlan(f"Team {index:03d} — {REGIONS[(index - 1) % len(REGIONS)]}")
            mentors = 1 if size <= 9 else rng.randint(2, 3)
            for position in range(size):
                number += 1
                role = "manager" if position == 0 else "mentor" if position <= mentors else "member"
                team.people.append(self._person(number, role, team))
            teams.append(team)
        return teams

    def _person(self, number: int, role: str, team: TeamPlan) -> Person:
        """One person: a name in their language, a hire date and career level fitting their role."""
        rng = self.rng
        language = "zh" if rng.random() < 0.6 else "en"
        (surname, surname_py), (given, given_py) = rng.choice(SURNAMES), rng.choice(GIVEN)
        if language == "zh":
            name = f"{surname}{given} {surname_py} {given_py}"
        else:
            name = f"{rng.choice(ENGLISH)} {surname_py}" + (f" {surname}{given}" if rng.random() < 0.5 else "")
        new_hire = role == "member" and rng.random() < 0.2
        days = {"manager": (900, 4000), "mentor": (500, 3000)}.get(role, (1, 120) if new_hire else (121, 2200))
        tracks = self.content.tracks
        management, expert = tracks[0], tracks[1] if len(tracks) > 1 else tracks[0]
        if role == "manager":
            level = management[min(2, len(management) - 1)]
        elif role == "mentor":
            level = rng.choice([management[min(1, len(management) - 1)], expert[0]])
        else:
            level = expert[0] if not new_hire and rng.random() < 0.15 else management[0]
        fast = rng.random() < 0.8
        return Person(number=number, role=role, name=name, language=language, team=team, new_hire=new_hire,
                      hire_date=self.today - timedelta(days=rng.randint(*days)), career_level=level,
                      skill=rng.uniform(0.62, 0.95) + (0.04 if role != "member" else 0.0),
                      pace=rng.uniform(0.6, 1.2) if fast else rng.uniform(1.4, 2.8),
                      capacity=rng.randint(2, 5) if role == "mentor" else 4,
                      active=role != "member" or new_hire or rng.random() > 0.02)

    def _write_people(self, teams: list[TeamPlan]) -> None:
        """Teams, their people and who manages which team."""
        team_ids = self._insert(Team.__table__, [{"name": t.name, "created_at": _day(self.today - timedelta(
            days=4000))} for t in teams], ids=True)
        people = [p for team in teams for p in team.people]
        for team, team_id in zip(teams, team_ids, strict=True):
            team.id = team_id
        rows = [self._user_row(email=p.email, name=p.name, role=p.role, team_id=p.team.id if p.team else None,
                               hire_date=p.hire_date, career_level=p.career_level, language=p.language)
                | {"active": p.active, "mentor_capacity": p.capacity} for p in people]
        for person, user_id in zip(people, self._insert(User.__table__, rows, ids=True), strict=True):
            person.id = user_id
        self._insert(team_managers, [{"team_id": t.id, "user_id": t.manager.id} for t in teams])

    # ---------------------------------------------------------------- mentoring

    def _plan_mentorships(self, teams: list[TeamPlan]) -> list[Pairing]:
        """Active mentorships within each team up to each mentor's capacity, and ended ones as history."""
        rng, pairings = self.rng, []
        for index, team in enumerate(teams):
            mentors, load = team.with_role("mentor"), Counter[int]()
            members = [p for p in team.with_role("member") if p.active]
            for mentee in [p for p in members if p.new_hire] + [p for p in members if not p.new_hire]:
                free = [m for m in mentors if load[m.number] < m.capacity]
                if not free or (not mentee.new_hire and rng.random() < 0.5):
                    continue
                mentor = min(free, key=lambda m: (load[m.number], m.number))
                load[mentor.number] += 1
                tenure = (self.today - mentee.hire_date).days
                start = mentee.hire_date if mentee.new_hire else self.today - timedelta(
                    days=rng.randint(20, max(21, min(400, tenure - 1))))
                mentee.current = Pairing(mentor, mentee, start, None)
                pairings.append(mentee.current)
            previous = teams[index - 1].manager if len(teams) > 1 else None
            for person in team.people:
                if person.role == "member":
                    mentor = rng.choice(mentors) if mentors and rng.random() < 0.6 else None
                else:
                    mentor = team.manager if person.role == "mentor" else previous
                if mentor is None:
                    continue
                start = max(person.hire_date, mentor.hire_date)
                end = min(start + timedelta(days=rng.randint(90, 300)), self.today - timedelta(days=2))
                if person.current is not None:
                    end = min(end, person.current.start - timedelta(days=1))
                if end > start + timedelta(days=30):
                    person.past = Pairing(mentor, person, start, end)
                    pairings.append(person.past)
        return pairings

    def _write_mentorships(self, pairings: list[Pairing]) -> None:
        """The mentorships, created by the mentee's manager."""
        rows = []
        for pairing in pairings:
            goals = self.rng.choice(TEXTS["goals"])
            team = pairing.mentee.team
            creator = self.admin_id if pairing.mentee.role == "manager" or team is None else team.manager.id
            rows.append({"mentor_id": pairing.mentor.id, "mentee_id": pairing.mentee.id, "start_date": pairing.start,
                         "end_date": pairing.end, "goals": goals, "goals_html": _html(goals),
                         "active": pairing.end is None, "created_by_id": creator,
                         "created_at": _day(pairing.start, 8)})
        for pairing, pairing_id in zip(pairings, self._insert(Mentorship.__table__, rows, ids=True), strict=True):
            pairing.id = pairing_id

    def _between(self, start: datetime, end: datetime) -> datetime:
        """A random moment between two others."""
        return start + (end - start) * self.rng.random()

    def _write_batch(self, teams: list[TeamPlan], pairings: list[Pairing]) -> None:
        """Everything that hangs off a group of teams' people, written in dependency order."""
        people = [p for team in teams for p in team.people]
        learners, assignments = [], []
        for person in people:
            learner, rows = self._learn(person)
            learners.append(learner)
            assignments.extend(rows)
        self._write_learning(learners, assignments)
        numbers = {p.number for p in people}
        self._write_notes([p for p in pairings if p.mentee.number in numbers])
        for team in teams:
            self._write_deals(team)
        self._write_targets(teams)

    # ---------------------------------------------------------------- learning

    def _learn(self, person: Person) -> tuple[Learner, list[Row]]:
        """One person's history: modules, quizzes, sign-offs, programs and how far they got."""
        rng, learner = self.rng, Learner(person)
        programs = self._programs_for(person)
        horizon = min([_day(start) for _p, start, _by in programs] + [self.cutoff])
        self._history(learner, _day(person.hire_date + timedelta(days=3)), horizon)
        for program, start, _by in programs:
            self._follow(learner, program, start)
        self._signoff_history(learner)
        if person.active and rng.random() < 0.06:
            self._open_attempt(learner)
        rows = []
        for program, start, assigned_by in programs:
            done = [self._step_done(learner, step) for step in program.steps]
            finished = None
            if program.steps and all(at is not None for at in done):
                finished = max([at for at in done if at is not None] + [_day(start, 9)])
            rows.append({"user_id": person.id, "program_id": program.id, "start_date": start,
                         "assigned_by_id": assigned_by, "source": "new hire" if assigned_by is None else "team",
                         "created_at": _day(start, 8), "completed_at": finished})
        return learner, rows

    def _programs_for(self, person: Person) -> list[tuple[Program, date, int | None]]:
        """(program, start, assigned by): new-hire programs from the hire date, sometimes one from the manager."""
        chosen = []
        for program in self.content.programs:
            audience = program.audience or {}
            teams = audience.get("teams") or []
            if person.role not in (audience.get("roles") or [person.role]) or not person.active or (
                    teams and (person.team is None or person.team.name not in teams)):
                continue
            if audience.get("new_hires") and person.new_hire:
                chosen.append((program, person.hire_date, None))
            elif not audience.get("new_hires") and not person.new_hire and self.rng.random() < 0.2:
                start = self.today - timedelta(days=self.rng.randint(5, 90))
                chosen.append((program, start, person.team.manager.id if person.team else None))
        return chosen

    def _step_done(self, learner: Learner, step: ProgramStep) -> datetime | None:
        """When a program step became done, by the rules of coach.learning.programs (None: not done)."""
        if step.kind == "module":
            row = learner.read.get(step.module_id or 0)
            return row["completed_at"] if row else None
        if step.kind == "quiz":
            return learner.passes.get(step.quiz_key or "")
        return learner.signed_at(step.competency_id or 0, step.level or 0, self.valid_after)

    def _read(self, learner: Learner, module: Module, at: datetime, *, done: bool = True) -> None:
        """A module read to the end (or, with done=False, started) at a moment."""
        row = learner.read.get(module.id)
        if row is not None and row["completed_at"] is not None:
            return
        learner.read[module.id] = {"user_id": learner.person.id, "module_id": module.id, "last_section": "",
                                   "last_viewed_at": at, "completed_at": at if done else None,
                                   "completed_version": module.version if done else None}

    def _history(self, learner: Learner, start: datetime, until: datetime) -> None:
        """Before any program: modules read, quizzes taken and retaken, yearly refreshers."""
        rng, person = self.rng, learner.person
        if until - start < timedelta(days=7):
            return
        share = 0.4 if person.role == "member" else 0.6
        for module in self.content.modules.values():
            if rng.random() < share:
                self._read(learner, module, self._between(start, until))
        campaigns = []
        for key, quiz in self.content.quizzes.items():
            if rng.random() > 0.75:
                continue
            at = self._between(start, until)
            campaigns.append((at, key))
            while quiz.valid_days and not quiz.attempts_allowed and rng.random() < 0.65:
                at += timedelta(days=quiz.valid_days - rng.randint(0, 30))
                if at >= until:
                    break
                campaigns.append((at, key))
        for at, key in sorted(campaigns):
            self._campaign(learner, self.content.quizzes[key], at, until)

    def _follow(self, learner: Learner, program: Program, start: date) -> None:
        """Work through a program's steps in order at the learner's pace, as far as today allows."""
        rng, person = self.rng, learner.person
        at = _day(start, 9)
        for step in program.steps:
            target = _day(start, 9) + timedelta(days=step.due_days * person.pace + rng.uniform(-1, 1))
            at = max(at + timedelta(hours=rng.uniform(1, 20)), target)
            module = self.content.modules.get(step.module_id or 0)
            if at > self.cutoff:
                if module is not None and rng.random() < 0.5:
                    self._read(learner, module, self.cutoff - timedelta(hours=rng.uniform(1, 72)), done=False)
                return
            if step.kind == "module":
                if module is None:
                    return
                self._read(learner, module, at)
            elif step.kind == "quiz":
                quiz = self.content.quizzes.get(step.quiz_key or "")
                if quiz is not None and step.quiz_key not in learner.passes:
                    self._campaign(learner, quiz, at, self.cutoff)
                passed = learner.passes.get(step.quiz_key or "")  # only a pass with evidence completes a step
                if passed is None:
                    return
                at = max(at, passed)
            elif step.kind == "signoff":
                signed = learner.signed_at(step.competency_id or 0, step.level or 0, self.valid_after) or \
                    self._signoff(learner, person.current, step.competency_id or 0, step.level or 0, at, "approved")
                if signed is None:
                    return
                at = max(at, signed)

    # ---------------------------------------------------------------- quizzes

    def _campaign(self, learner: Learner, quiz: Quiz, at: datetime, until: datetime) -> datetime | None:
        """Attempts at a quiz until a pass (its time returned), the attempt limit, an essay waiting, or `until`."""
        skill = learner.person.skill
        for _ in range(4):
            if at >= until or (quiz.attempts_allowed and learner.numbers[quiz.key] >= quiz.attempts_allowed):
                return None
            attempt = self._attempt(learner, quiz, at, skill)
            if attempt.row["state"] != "graded":
                return None
            if attempt.row["passed"]:
                if attempt.evidence is not None:
                    learner.passes.setdefault(quiz.key, attempt.finished)
                return attempt.finished
            at = attempt.finished + timedelta(days=self.rng.uniform(1, 4))
            skill = min(0.98, skill + 0.08)
        return None

    def _grader(self, person: Person) -> int:
        """Who grades this person's essays: a mentor of their team, their manager, or the administrator."""
        team = person.team
        if team is None or person.role == "manager":
            return self.admin_id
        mentors = [m for m in team.with_role("mentor") if m is not person]
        return mentors[person.number % len(mentors)].id if person.role == "member" and mentors else team.manager.id

    def _attempt(self, learner: Learner, quiz: Quiz, at: datetime, skill: float, *, submit: bool = True) -> Attempt:
        """One attempt: a drawn snapshot, responses, grading as submit_attempt and the essay graders do it."""
        rng, person = self.rng, learner.person
        snapshot = rng.choice(self.content.variants[(quiz.key, person.language)])
        learner.numbers[quiz.key] += 1
        limit = quiz.time_limit_minutes
        submitted = at + timedelta(minutes=rng.uniform(3, limit * 0.95 if limit else 30))
        answers, finished = [], submitted
        for question in snapshot:
            kind = REGISTRY[question["type"]]
            if not kind.gradable:
                continue
            right = rng.random() < skill
            response = _response(rng, question, right) if rng.random() > 0.03 else None
            saved = self._between(at, submitted)
            if not submit:
                if response is not None and rng.random() < 0.5:
                    answers.append(self._answer(question["key"], response, saved, None, "", None, None))
                continue
            fraction, feedback = kind.grade(question, response)
            grader, graded_at = None, None
            if fraction is None:
                wait = rng.uniform(0.3, 4) if rng.random() < 0.7 else rng.uniform(4, 30)  # some graders are slow
                graded_at = submitted + timedelta(days=wait)
                if graded_at <= self.cutoff:
                    fraction = round(min(1.0, max(0.0, rng.gauss(0.85 if right else 0.45, 0.12))), 7)
                    grader, finished = self._grader(person), max(finished, graded_at)
                else:
                    graded_at = None
            answers.append(self._answer(question["key"], response, saved, fraction, feedback, grader, graded_at))
        gradable = len([q for q in snapshot if REGISTRY[q["type"]].gradable])
        score = round(100 * sum(a["fraction"] or 0.0 for a in answers) / gradable, 2) if gradable else 0.0
        state = "open" if not submit else "pending_review" if any(a["fraction"] is None for a in answers) else "graded"
        passed = score >= quiz.pass_mark if state == "graded" else None
        row = {"user_id": person.id, "quiz_id": quiz.id, "number": learner.numbers[quiz.key],
               "language": person.language, "state": state, "started_at": at,
               "deadline_at": at + timedelta(minutes=limit) if limit else None,
               "submitted_at": submitted if submit else None, "score": score if submit else None, "passed": passed,
               "snapshot": snapshot, "pass_mark": quiz.pass_mark, "show_answers": quiz.show_answers}
        evidence = None
        if passed and quiz.competency_id and quiz.level:
            evidence = {"user_id": person.id, "competency_id": quiz.competency_id, "level": quiz.level,
                        "kind": "quiz", "source": "", "note": f"{quiz.title_en}: {score:g}%", "recorded_at": finished,
                        "expires_at": finished + timedelta(days=quiz.valid_days) if quiz.valid_days else None,
                        "revoked_at": None}
        attempt = Attempt(quiz.key, row, answers, evidence, finished)
        learner.attempts.append(attempt)
        return attempt

    @staticmethod
    def _answer(key: str, response: Any, saved: datetime, fraction: float | None, feedback: str,
                grader: int | None, graded_at: datetime | None) -> Row:
        """A quiz_answers row; the attempt id is filled in once the attempt is written."""
        return {"attempt_id": 0, "question_key": key, "response": response, "saved_at": saved, "fraction": fraction,
                "feedback": feedback, "graded_by_id": grader, "graded_at": graded_at}

    def _open_attempt(self, learner: Learner) -> None:
        """An attempt started last night, after everything else, and not submitted (at most one per person)."""
        quizzes = [q for q in self.content.quizzes.values()
                   if not q.attempts_allowed or learner.numbers[q.key] < q.attempts_allowed]
        if quizzes:
            quiz = self.rng.choice(quizzes)
            self._attempt(learner, quiz, self.cutoff + timedelta(hours=self.rng.uniform(1, 3)), learner.person.skill,
                          submit=False)

    # ---------------------------------------------------------------- sign-offs

    def _signoff(self, learner: Learner, pairing: Pairing | None, competency_id: int, level: int, at: datetime,
                 status: str) -> datetime | None:
        """A sign-off request to the pairing's mentor; returns when approved evidence was recorded, if it was."""
        rng, person = self.rng, learner.person
        if pairing is None or at.date() < pairing.start or self.content.rule(competency_id, level) in ("", "quiz"):
            return None
        if status == "approved" and rng.random() < 0.2:
            self._signoff(learner, pairing, competency_id, level, at, "rejected")
            at += timedelta(days=rng.uniform(7, 20))
        decided = at + timedelta(days=rng.uniform(0.5, 5))
        if decided > self.cutoff and pairing.end is None and status != "withdrawn":
            status = "requested"
        if status == "requested" and (pairing.end is not None or (competency_id, level) in learner.open_requests):
            return None
        if status == "requested":
            learner.open_requests.add((competency_id, level))
        elif decided > self.cutoff:
            return None
        behaviours = self.content.behaviours(competency_id, level)
        low = 1 if status == "rejected" else 3
        scores = [rng.randint(low, low + 1) for _ in range(behaviours)] if status in (
            "approved", "rejected", "revoked") else []
        notes = rng.choice(TEXTS["reject" if status == "rejected" else "decision"]) if scores else ""
        evidence_text = rng.choice(TEXTS["evidence"])
        manager = person.team.manager.id if person.team and person.role != "manager" else self.admin_id
        revoked = status == "revoked"
        revoked_at = decided + timedelta(days=rng.uniform(5, 60)) if revoked else None
        if revoked_at is not None and revoked_at > self.cutoff:
            revoked, status, revoked_at = False, "approved", None
        reason = rng.choice(TEXTS["revoke"]) if revoked else ""
        decided_by = pairing.mentor.id if scores else None
        row = {"mentee_id": person.id, "mentor_id": pairing.mentor.id, "competency_id": competency_id, "level": level,
               "status": status, "evidence_text": evidence_text, "evidence_html": _html(evidence_text), "links": {},
               "rubric_scores": scores, "decision_notes": notes, "decided_by_id": decided_by,
               "decided_at": decided if scores else None, "evidence_id": None,
               "revoked_by_id": manager if revoked else None, "revoke_reason": reason, "created_at": at}
        evidence = None
        if status in ("approved", "revoked"):
            valid = self.content.competencies[competency_id].valid_days
            expires = decided + timedelta(days=valid) if valid else None
            evidence = {"user_id": person.id, "competency_id": competency_id, "level": level, "kind": "signoff",
                        "source": "", "note": notes[:500], "recorded_at": decided, "expires_at": expires,
                        "revoked_at": revoked_at}
            if not revoked:
                learner.signed.append((competency_id, level, decided, expires))
        passed = [a for a in learner.attempts if a.row["passed"] and a.row["started_at"] < at]
        related = set(self.content.modules_for.get(competency_id, []))
        modules = sorted(m for m, r in learner.read.items()
                         if m in related and r["completed_at"] and r["completed_at"] < at)
        learner.requests.append(Request(row, evidence, passed[-1:], modules[:3]))
        return decided if status == "approved" else None

    def _signoff_history(self, learner: Learner) -> None:
        """Sign-offs asked for during the learner's mentorships, in every state."""
        rng, person = self.rng, learner.person
        wanted = [(cid, lvl) for cid, required in self.content.requirements.get(person.career_level or "", [])
                  for lvl in range(1, required + 1) if self.content.rule(cid, lvl) not in ("", "quiz")]
        for pairing in (person.past, person.current):
            if pairing is None or not wanted:
                continue
            end = _day(pairing.end) if pairing.end else self.cutoff
            for _ in range(rng.randint(0, 3 if person.role == "member" else 5)):
                competency_id, level = rng.choice(wanted)
                status = rng.choices(("approved", "rejected", "withdrawn", "revoked", "requested"),
                                     (55, 15, 7, 5, 18 if pairing.end is None else 0))[0]
                self._signoff(learner, pairing, competency_id, level, self._between(_day(pairing.start), end), status)

    def _write_learning(self, learners: list[Learner], assignments: list[Row]) -> None:
        """Assignments, progress, attempts with answers and evidence, sign-off requests with theirs."""
        self._insert(ProgramAssignment.__table__, assignments)
        self._insert(ModuleProgress.__table__, [row for learner in learners for row in learner.read.values()])
        attempts = [a for learner in learners for a in learner.attempts]
        answers, evidence = [], []
        for attempt, attempt_id in zip(attempts, self._insert(QuizAttempt.__table__, [a.row for a in attempts],
                                                              ids=True), strict=True):
            attempt.id = attempt_id
            for answer in attempt.answers:
                answer["attempt_id"] = attempt_id
            answers.extend(attempt.answers)
            if attempt.evidence is not None:
                attempt.evidence["source"] = f"quiz:{attempt.key}:{attempt_id}"
                evidence.append(attempt.evidence)
        self._insert(QuizAnswer.__table__, answers)
        self._insert(CompetencyEvidence.__table__, evidence)
        requests = [r for learner in learners for r in learner.requests]
        for request in requests:
            request.row["links"] = {"modules": request.modules, "attempts": [a.id for a in request.attempts]}
        approved = []
        for request, request_id in zip(requests, self._insert(SignoffRequest.__table__, [r.row for r in requests],
                                                              ids=True), strict=True):
            if request.evidence is not None:
                request.evidence["source"] = f"signoff:{request_id}"
                approved.append((request_id, request.evidence))
        evidence_ids = self._insert(CompetencyEvidence.__table__, [e for _rid, e in approved], ids=True)
        if approved:
            table = SignoffRequest.__table__
            self.session.execute(update(table).where(table.c.id == bindparam("request_id"))
                                 .values(evidence_id=bindparam("new_evidence_id")),
                                 [{"request_id": rid, "new_evidence_id": eid}
                                  for (rid, _e), eid in zip(approved, evidence_ids, strict=True)])

    # ---------------------------------------------------------------- notes, deals, reviews, targets

    def _action(self, owner: int, due: date, **links: int | None) -> Row:
        """An action item; due ones are mostly done, some overdue."""
        done = None
        if due < self.today and self.rng.random() < 0.8:
            done = min(_day(due, self.rng.uniform(-48, 48)), self.cutoff)
        return {"mentorship_id": None, "review_id": None, "meeting_id": None, "note_id": None, **links,
                "owner_id": owner, "text": self.rng.choice(ACTIONS), "due_date": due, "done_at": done,
                "reminded_on": None}

    def _write_notes(self, pairings: list[Pairing]) -> None:
        """1:1 notes of each mentorship, with action items for the mentor or the mentee."""
        rng, notes, owners = self.rng, [], []
        for pairing in pairings:
            end = min(pairing.end or self.today, self.today - timedelta(days=1))
            for _ in range(rng.randint(1, 4) if pairing.end is None else rng.randint(0, 2)):
                held = pairing.start + timedelta(days=rng.randint(0, max(0, (end - pairing.start).days)))
                text = rng.choice(TEXTS["notes"])
                notes.append({"mentorship_id": pairing.id, "author_id": pairing.mentor.id, "held_on": held,
                              "notes": text, "notes_html": _html(text), "created_at": _day(held, 17)})
                owners.append(pairing)
        items = []
        for note, pairing, note_id in zip(notes, owners, self._insert(CoachingNote.__table__, notes, ids=True),
                                          strict=True):
            for _ in range(rng.randint(0, 2)):
                owner = rng.choice((pairing.mentor.id, pairing.mentee.id))
                items.append(self._action(owner, note["held_on"] + timedelta(days=rng.randint(5, 21)),
                                          mentorship_id=pairing.id, note_id=note_id))
        self._insert(ActionItem.__table__, items)

    def _write_deals(self, team: TeamPlan) -> None:
        """The team's deals, case reviews of some closed ones, monthly meetings that discuss them."""
        rng, deals, owners = self.rng, [], []
        for person in team.people:
            if person.role == "manager":
                continue
            for k in range(rng.randint(10, 20)):
                outcome = rng.choices(("open", "won", "lost", "no-decision"), (30, 30, 30, 10))[0]
                days = rng.randint(-20, 120) if outcome == "open" else -rng.randint(1, 365)  # open: expected close
                close = self.today + timedelta(days=days)
                stage = rng.choice(self.content.stages[:6]).name_en if outcome == "open" else outcome
                company = f"{rng.choice(COMPANIES)} {rng.choice(INDUSTRIES)}"
                created = _day(close - timedelta(days=rng.randint(30, 180)))
                deals.append({"source": DEAL_SOURCE, "external_id": f"G-{person.number:06d}-{k + 1:02d}",
                              "name": f"{company.split()[0]} {rng.choice(PROJECTS)}", "account": company,
                              "amount": Decimal(rng.randrange(15_000, 800_000, 500)), "currency": "CNY",
                              "stage": stage, "outcome": outcome, "close_date": close, "owner_id": person.id,
                              "competitor": rng.choice(COMPETITORS), "created_at": created,
                              "updated_at": min(_day(close), self.cutoff) if outcome != "open" else created})
                owners.append(person)
        deal_ids = self._insert(Deal.__table__, deals, ids=True)
        past = sorted(self.today - timedelta(days=30 * k + rng.randint(0, 4)) for k in range(1, 7))
        upcoming = self.today + timedelta(days=rng.randint(3, 20))
        reviews, plans = [], []
        for deal, owner, deal_id in zip(deals, owners, deal_ids, strict=True):
            age = (self.today - deal["close_date"]).days
            if deal["outcome"] == "open" or age > 190 or rng.random() > 0.55:
                continue
            author = owner if rng.random() < 0.9 else team.manager
            created = min(_day(deal["close_date"] + timedelta(days=rng.randint(1, 14)), 10), self.cutoff)
            submitted = created + timedelta(days=rng.uniform(0, 5)) if rng.random() < 0.8 else None
            if submitted is not None and submitted > self.cutoff:
                submitted = None
            meeting = next((m for m in past if submitted and _day(m) > submitted), None)
            meeting = meeting if meeting and rng.random() < 0.85 else (
                upcoming if submitted and rng.random() < 0.5 else None)
            status = "draft" if submitted is None else "discussed" if meeting and meeting < self.today else "submitted"
            texts = {k: rng.choice(TEXTS[k]) for k in ("well", "change", "lessons", "criteria")}
            stages = self.content.stages[2:-2] or self.content.stages
            reviews.append({"deal_id": deal_id, "author_id": author.id, "team_id": team.id, "outcome": deal["outcome"],
                            "stage_id": rng.choice(stages).id, "competitors": deal["competitor"],
                            "decision_criteria": texts["criteria"], "went_well": texts["well"],
                            "to_change": texts["change"], "lessons": texts["lessons"],
                            "lessons_html": _html(texts["lessons"]), "status": status,
                            "version": {"draft": 1, "submitted": 2, "discussed": 3}[status], "created_at": created,
                            "updated_at": submitted or created, "submitted_at": submitted})
            plans.append((author, meeting))
        review_ids = self._insert(CaseReview.__table__, reviews, ids=True)
        self._write_review_details(team, reviews, review_ids, plans, past + [upcoming])

    def _write_review_details(self, team: TeamPlan, reviews: list[Row], review_ids: list[int],
                              plans: list[tuple[Person, date | None]], dates: list[date]) -> None:
        """Reasons, competencies, modules and action items of the reviews; the team's meetings and agendas."""
        rng, reasons, competencies, modules, items = self.rng, [], [], [], []
        for review, review_id, (author, _meeting) in zip(reviews, review_ids, plans, strict=True):
            fitting = [r for r in self.content.reasons
                       if review["outcome"] in (r.applies_to or []) and r.key != "unknown"]
            chosen = rng.sample(fitting, min(len(fitting), rng.randint(1, 3))) if fitting and rng.random() > 0.05 else [
                r for r in self.content.reasons if r.key == "unknown"][:1]
            reasons.extend({"review_id": review_id, "reason_id": r.id, "primary": i == 0} for i, r in enumerate(chosen))
            linked = sorted({c.id for r in chosen for c in r.competencies})
            picked = rng.sample(linked, min(len(linked), rng.randint(0, 2)))
            competencies.extend({"review_id": review_id, "competency_id": c} for c in sorted(picked))
            trained = sorted({m for c in picked for m in self.content.modules_for.get(c, [])})
            modules.extend({"review_id": review_id, "module_id": m}
                           for m in sorted(rng.sample(trained, min(len(trained), rng.randint(0, 2)))))
            if review["status"] != "draft":
                for _ in range(rng.randint(0, 2)):
                    due = review["created_at"].date() + timedelta(days=rng.randint(7, 30))
                    items.append(self._action(author.id, due, review_id=review_id))
        self._insert(ReviewReason.__table__, reasons)
        self._insert(review_competencies, competencies)
        self._insert(review_modules, modules)
        meetings = []
        for held in dates:
            notes, decided = (rng.choice(TEXTS["meeting"]), rng.choice(TEXTS["decisions"])) if held < self.today \
                else ("", "")
            meetings.append({"team_id": team.id, "held_on": held, "title": "Monthly case review", "notes": notes,
                             "notes_html": _html(notes) if notes else "", "decisions": decided,
                             "decisions_html": _html(decided) if decided else "", "created_by_id": team.manager.id,
                             "created_at": _day(held - timedelta(days=14), 8)})
        meeting_ids = self._insert(ReviewMeeting.__table__, meetings, ids=True)
        by_date = dict(zip(dates, meeting_ids, strict=True))
        agenda, attendees = [], []
        positions: Counter[date] = Counter()
        for review, review_id, (_author, held) in zip(reviews, review_ids, plans, strict=True):
            if held is not None:
                discussed = _day(held, 10) + timedelta(minutes=15 * positions[held]) if held < self.today else None
                agenda.append({"meeting_id": by_date[held], "review_id": review_id, "position": positions[held],
                               "discussed_at": discussed})
                positions[held] += 1
        active = [p for p in team.people if p.active]
        for held, meeting_id in by_date.items():
            if held >= self.today:
                continue
            present = [p for p in active if p.role != "member" or rng.random() < 0.5]
            attendees.extend({"meeting_id": meeting_id, "user_id": p.id} for p in present)
            for _ in range(rng.randint(1, 2)):
                owner = rng.choice(present).id
                items.append(self._action(owner, held + timedelta(days=rng.randint(7, 21)), meeting_id=meeting_id))
        self._insert(AgendaItem.__table__, agenda)
        self._insert(meeting_attendees, attendees)
        self._insert(ActionItem.__table__, items)

    def _write_targets(self, teams: list[TeamPlan]) -> None:
        """Capability targets for each team (its reps' level) and for some people (their next level)."""
        rng, rows, tracks = self.rng, [], self.content.tracks
        for team in teams:
            scopes: list[tuple[str | None, int | None, int | None]] = [(tracks[0][0], team.id, None)
                                                                        for _ in range(rng.randint(1, 3))]
            for person in team.with_role("member"):
                if person.active and rng.random() < 0.1:
                    track = next((t for t in tracks if person.career_level in t), tracks[0])
                    index = track.index(person.career_level) if person.career_level in track else 0
                    scopes.append((track[min(index + 1, len(track) - 1)], None, person.id))
            for level_key, team_id, user_id in scopes:
                options = self.content.requirements.get(level_key or "", [])
                if not options:
                    continue
                competency_id, level = rng.choice(options)
                text = rng.choice(TEXTS["target"])
                rows.append({"competency_id": competency_id, "level": level,
                             "due_date": self.today + timedelta(days=rng.randint(-60, 150)), "user_id": user_id,
                             "team_id": team_id, "career_level_key": None, "set_by_id": team.manager.id, "note": text,
                             "created_at": _day(self.today - timedelta(days=rng.randint(61, 200))),
                             "active": rng.random() > 0.1})
        self._insert(CapabilityTarget.__table__, rows)

