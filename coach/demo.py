"""The demo organisation: Qingyun Sensing's two sales teams, for trying Coach out."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.admin.services import save_team
from coach.auth.services import create_user, find_user_by_email
from coach.demo_deals import load_deals_and_reviews
from coach.learning.programs import my_programs
from coach.learning.services import mark_done
from coach.mentoring.coaching import add_note, record_observation
from coach.mentoring.services import assign_mentor, decide, request_signoff
from coach.quizzes.services import start_attempt, submit_attempt
from coach.skills.targets import create_target
from coach.models import CapabilityTarget, Competency, Mentorship, Quiz, Team, User

DEMO_PASSWORD = "coach-demo-2026"
DOMAIN = "qingyun.example"


@dataclass(frozen=True)
class DemoPerson:
    """One person of the demo company."""

    email: str
    name: str
    role: str
    team: str | None
    language: str
    hired_days_ago: int
    career_level: str | None = "sales-rep"


TEAMS = ("East China Sales", "South China Sales")

PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson(f"admin@{DOMAIN}", "Grace Lin 林晓雯", "admin", None, "en", 2200, None),
    DemoPerson(f"wang.jun@{DOMAIN}", "王军 Wang Jun", "manager", "East China Sales", "zh", 1900, "sales-manager"),
    DemoPerson(f"sarah.chen@{DOMAIN}", "Sarah Chen 陈莎", "manager", "South China Sales", "en", 1500, "sales-manager"),
    DemoPerson(f"li.na@{DOMAIN}", "李娜 Li Na", "mentor", "East China Sales", "zh", 1400, "sales-supervisor"),
    DemoPerson(f"david.zhou@{DOMAIN}", "David Zhou 周大卫", "mentor", "East China Sales", "en", 1100, "senior-sales-specialist"),
    DemoPerson(f"liu.yang@{DOMAIN}", "刘洋 Liu Yang", "mentor", "South China Sales", "zh", 1250, "sales-supervisor"),
    DemoPerson(f"zhang.wei@{DOMAIN}", "张伟 Zhang Wei", "member", "East China Sales", "zh", 720),
    DemoPerson(f"emily.xu@{DOMAIN}", "Emily Xu 徐艾米", "member", "East China Sales", "en", 420),
    DemoPerson(f"zhao.lei@{DOMAIN}", "赵磊 Zhao Lei", "member", "East China Sales", "zh", 12),
    DemoPerson(f"chen.jing@{DOMAIN}", "陈静 Chen Jing", "member", "East China Sales", "zh", 33),
    DemoPerson(f"huang.min@{DOMAIN}", "黄敏 Huang Min", "member", "South China Sales", "zh", 560),
    DemoPerson(f"michael.wu@{DOMAIN}", "Michael Wu 吴迈克", "member", "South China Sales", "en", 20),
    DemoPerson(f"sun.li@{DOMAIN}", "孙丽 Sun Li", "member", "South China Sales", "zh", 300),
    DemoPerson(f"he.tao@{DOMAIN}", "何涛 He Tao", "member", "South China Sales", "zh", 900),
)

MANAGERS = {"East China Sales": f"wang.jun@{DOMAIN}", "South China Sales": f"sarah.chen@{DOMAIN}"}


def load_demo(session: Session, *, today: date | None = None) -> dict[str, int]:
    """Create whatever of the demo organisation is missing; running it twice changes nothing."""
    today = today or date.today()
    created = {"teams": 0, "users": 0}
    teams: dict[str, Team] = {}
    for name in TEAMS:
        team = session.scalar(select(Team).where(Team.name == name))
        if team is None:
            team = Team(name=name)
            session.add(team)
            created["teams"] += 1
        teams[name] = team
    session.flush()
    users: dict[str, User] = {}
    for person in PEOPLE:
        user = find_user_by_email(session, person.email)
        if user is None:
            user = create_user(
                session, email=person.email, name=person.name, role=person.role, password=DEMO_PASSWORD,
                team=teams[person.team] if person.team else None, language=person.language,
                hire_date=today - timedelta(days=person.hired_days_ago), career_level=person.career_level,
            )
            created["users"] += 1
        users[person.email] = user
    admin = users[f"admin@{DOMAIN}"]
    for team_name, manager_email in MANAGERS.items():
        team = teams[team_name]
        if not team.managers:
            save_team(session, actor=admin, name=team.name, manager_ids=[users[manager_email].id], team=team)
    session.flush()
    _demo_progress(session, users)
    _demo_quizzes_and_targets(session, users, teams, today)
    _demo_mentoring(session, users, today)
    load_deals_and_reviews(session, users, teams, today, DOMAIN)
    return created


MENTORSHIPS = (("li.na", "zhao.lei", "Get through onboarding on time; first solo discovery call by week 6."),
               ("li.na", "chen.jing", "Own two pilot (proof-of-value) projects this quarter."),
               ("david.zhou", "emily.xu", "Move from demos to leading negotiations with purchasing."),
               ("david.zhou", "zhang.wei", "Prepare for the senior specialist level."),
               ("liu.yang", "michael.wu", "Ramp up on the product line and the discount policy."),
               ("liu.yang", "sun.li", "Lift the win rate on price-sensitive food & beverage deals."))


def _demo_mentoring(session: Session, users: dict[str, User], today: date) -> None:
    """Mentorships, a queue of sign-off requests, decisions, 1:1 notes and an observation, once."""
    competencies = {c.key: c for c in session.scalars(select(Competency))}
    if not competencies or session.scalar(select(Mentorship.id).limit(1)) is not None:
        return

    def person(name: str) -> User:
        return users[f"{name}@{DOMAIN}"]

    pairs = {}
    for mentor, mentee, goals in MENTORSHIPS:
        manager = users[MANAGERS[person(mentee).team.name]] if person(mentee).team else users[f"admin@{DOMAIN}"]
        pairs[mentee] = assign_mentor(session, actor=manager, mentor=person(mentor), mentee=person(mentee),
                                      start_date=min(person(mentee).hire_date or today, today), goals=goals)
    ask = (("chen.jing", "needs-discovery", 1, "Led discovery at **Huaxin Precision**: mapped the downtime cost of "
                                             "line 3 (about 40,000 yuan a shift) with the maintenance manager."),
           ("zhang.wei", "negotiation-preparation", 3, "Prepared the Dingsheng renewal: BATNA, walk-away and a "
                                                      "give/get list reviewed with my manager before the meeting."),
           ("emily.xu", "product-demo", 3, "Ran the tailored QY Cloud demo for three plant managers; two asked "
                                           "for a pilot the same week."))
    requests = {name: request_signoff(session, mentee=person(name), competency=competencies[key], level=level,
                                      evidence=text, links={}) for name, key, level, text in ask}
    decide(session, mentor=person("david.zhou"), request=requests["emily.xu"], approve=True, scores=[4, 3, 3],
           notes="Clear value story tied to their downtime numbers. Next: handle the IT manager's security questions.")
    zhao = pairs["zhao.lei"]
    add_note(session, author=person("li.na"), mentorship=zhao, held_on=today - timedelta(days=3),
             notes="Reviewed the first week. Strong on product facts; needs practice asking *implication* questions.",
             actions=[("Finish the sales process modules", person("zhao.lei").id, today + timedelta(days=4)),
                      ("Role-play a discovery call with Li Na", person("li.na").id, today + timedelta(days=7)),
                      ("Shadow Zhang Wei on a customer visit", person("zhao.lei").id, today - timedelta(days=1))])
    record_observation(session, mentor=person("liu.yang"), mentorship=pairs["michael.wu"],
                       competency=competencies["objection-handling"], level=2, kind="role-play",
                       observed_on=today - timedelta(days=2), scenario="Purchasing says DataMill is 40% cheaper.",
                       scores=[3, 2, 2], notes="Acknowledged well; jumped to a discount too early. Practise the "
                                               "cost-of-downtime reframe.")


# Veterans who passed quizzes before Coach's demo starts; (e-mail, quiz id).
PASSED = (("zhang.wei", "product-basics"), ("zhang.wei", "sales-process-basics"), ("emily.xu", "product-basics"),
          ("huang.min", "company-policy-basics"), ("he.tao", "product-basics"), ("he.tao", "customer-service-basics"),
          ("sun.li", "sales-process-basics"), ("chen.jing", "company-policy-basics"))


def _right_responses(snapshot: list[dict[str, Any]]) -> dict[str, Any]:
    """The answers that earn full credit (for demo history only)."""
    responses: dict[str, Any] = {}
    for q in snapshot:
        kind = q["type"]
        if kind in ("single", "truefalse"):
            responses[q["key"]] = max(q["options"], key=lambda o: o["fraction"])["id"]
        elif kind == "multiple":
            responses[q["key"]] = [o["id"] for o in q["options"] if o["fraction"] > 0]
        elif kind == "shortanswer":
            responses[q["key"]] = max(q["accepted"], key=lambda a: a["fraction"])["text"]
        elif kind == "numerical":
            best = max((n for n in q["numbers"] if not n.get("any")), key=lambda n: n["fraction"])
            responses[q["key"]] = str((best["low"] + best["high"]) / 2)
        elif kind == "matching":
            responses[q["key"]] = {p["id"]: p["right"] for p in q["pairs"]}
        elif kind == "ordering":
            responses[q["key"]] = {item["id"]: i for i, item in enumerate(q["items"], start=1)}
    return responses


def _demo_quizzes_and_targets(session: Session, users: dict[str, User], teams: dict[str, Team], today: date) -> None:
    """Quiz passes for veterans and the managers' capability targets, once."""
    quizzes = {q.key: q for q in session.scalars(select(Quiz).where(Quiz.retired.is_(False)))}
    if not quizzes or session.scalar(select(CapabilityTarget.id).limit(1)) is not None:
        return
    for name, key in PASSED:
        user = users[f"{name}@{DOMAIN}"]
        if key in quizzes:
            attempt = start_attempt(session, user=user, quiz=quizzes[key], seed=7)
            submit_attempt(session, attempt=attempt, responses=_right_responses(attempt.snapshot))
    competencies = {c.key: c for c in session.scalars(select(Competency))}
    plan = ((MANAGERS["East China Sales"], "product-portfolio", 2, 60, {"team": teams["East China Sales"]}),
            (MANAGERS["South China Sales"], "needs-discovery", 1, 45, {"team": teams["South China Sales"]}),
            (MANAGERS["East China Sales"], "negotiation-preparation", 2, 120,
             {"user": users[f"zhang.wei@{DOMAIN}"]}),
            (f"admin@{DOMAIN}", "pricing-policy", 1, 30, {"career_level_key": "sales-rep"}))
    for manager, competency, level, days, scope in plan:
        if competency in competencies:
            create_target(session, actor=users[manager], competency_id=competencies[competency].id, level=level,
                          due_date=today + timedelta(days=days), note="", **scope)


def _demo_progress(session: Session, users: dict[str, User]) -> None:
    """New hires have read the modules due in their first days (about one module per two days)."""
    for person in new_hires():
        user = users[person.email]
        for view in my_programs(session, user=user):
            read_so_far = person.hired_days_ago // 2
            for status in view.steps[:read_so_far]:
                if status.step.kind == "module" and status.step.module is not None and not status.done:
                    mark_done(session, user=user, key=status.step.module.key)


def new_hires() -> list[DemoPerson]:
    """The demo's new hires (hired within the last 60 days)."""
    return [p for p in PEOPLE if p.role == "member" and p.hired_days_ago <= 60]
