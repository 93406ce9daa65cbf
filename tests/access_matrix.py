"""The access matrix: every route × method, and which of our test personas may use it.

Personas (see the `world` fixture and `_objects` in the test): anonymous; member (member A, the mentee whose
things the URLs name); mentor (a mentor in team A who does not mentor member A); mentee_mentor (member A's
mentor); manager_same (manages team A); manager_other (manages team B only); admin.
`tests/test_access_matrix.py` walks `app.url_map` and fails when a route is missing here.

`CROSS_TEAM` lists the object-level cases: someone changes an id in the URL or the form to reach team B's
things. Each must be refused and must write nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "member", "mentor", "mentee_mentor", "manager_same", "manager_other", "admin")
EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = frozenset({"admin"})
TEAM_MANAGERS = frozenset({"manager_same", "admin"})
MANAGERS = frozenset({"manager_same", "manager_other", "admin"})
COACHES = frozenset({"mentor", "mentee_mentor", "manager_same", "manager_other", "admin"})
# Writing in a mentorship and deciding a sign-off: the mentee's own mentor only, not another mentor.
MENTOR = frozenset({"mentee_mentor"})
# Coaching notes: the mentor, the mentee and the mentee's manager only — not other admins.
MENTORSHIP = frozenset({"member", "mentee_mentor", "manager_same"})
SIGNOFF_PARTIES = frozenset({"member", "mentee_mentor", "manager_same", "admin"})
# Team A's shared things (a submitted review, a meeting, a deal): its people, its manager, admins.
TEAM_A = frozenset({"member", "mentor", "mentee_mentor", "manager_same", "admin"})
# Essays are graded by anyone who coaches the learner: team A's mentors, its manager, admins.
TEAM_A_COACHES = frozenset({"mentor", "mentee_mentor", "manager_same", "admin"})
REVIEW_EDITORS = frozenset({"member", "manager_same", "admin"})


@dataclass(frozen=True)
class Route:
    """One endpoint and method, the URL to call (placeholders filled from the world) and who may."""

    endpoint: str
    method: str
    path: str
    allowed: frozenset[str]
    data: dict[str, Any] = field(default_factory=dict)


MATRIX: tuple[Route, ...] = (
    Route("main.healthz", "GET", "/healthz", EVERYONE),
    Route("main.home", "GET", "/", SIGNED_IN),
    Route("main.language", "POST", "/language", EVERYONE, {"language": "zh"}),
    Route("auth.login", "GET", "/auth/login", EVERYONE),
    Route("auth.login", "POST", "/auth/login", EVERYONE, {"email": "nobody@example.com", "password": "wrong-password"}),
    Route("auth.logout", "POST", "/auth/logout", SIGNED_IN),
    Route("auth.password", "GET", "/auth/password", SIGNED_IN),
    Route("auth.password", "POST", "/auth/password", SIGNED_IN, {"current_password": "x"}),
    Route("admin.users", "GET", "/admin/users", ADMIN),
    Route("admin.user_new", "GET", "/admin/users/new", ADMIN),
    Route("admin.user_new", "POST", "/admin/users/new", ADMIN, {"email": "bad"}),
    Route("admin.user_edit", "GET", "/admin/users/{member_a}", ADMIN),
    Route("admin.user_edit", "POST", "/admin/users/{member_a}", ADMIN, {"name": ""}),
    Route("admin.user_active", "POST", "/admin/users/{member_b}/active?to=off", ADMIN),
    Route("admin.teams", "GET", "/admin/teams", ADMIN),
    Route("admin.team_edit", "GET", "/admin/teams/{team_a}", ADMIN),
    Route("admin.team_edit", "POST", "/admin/teams/{team_a}", ADMIN, {"name": ""}),
    Route("admin.audit_trail", "GET", "/admin/audit", ADMIN),
    Route("admin.content", "GET", "/admin/content", ADMIN),
    Route("admin.content_sync", "POST", "/admin/content/sync", ADMIN),
    Route("learning.catalogue", "GET", "/learn/", SIGNED_IN),
    Route("learning.course", "GET", "/learn/courses/basics", SIGNED_IN),
    Route("learning.module", "GET", "/learn/modules/basics-discovery", SIGNED_IN),
    Route("learning.module_done", "POST", "/learn/modules/basics-discovery/done", SIGNED_IN),
    Route("learning.module_position", "POST", "/learn/modules/basics-discovery/position", SIGNED_IN,
          {"section": "open-questions"}),
    Route("learning.my_learning", "GET", "/learn/my", SIGNED_IN),
    Route("learning.search", "GET", "/learn/search?q=pain", SIGNED_IN),
    Route("learning.content_file", "GET", "/learn/files/courses/basics/images/dot.png", SIGNED_IN),
    Route("learning.program_list", "GET", "/learn/programs", MANAGERS),
    Route("learning.program_assign", "POST", "/learn/programs/onboarding/assign", MANAGERS,
          {"person": "{member_a}", "start_date": "2026-12-01"}),
    Route("skills.framework", "GET", "/skills/", SIGNED_IN),
    Route("skills.mine", "GET", "/skills/mine", SIGNED_IN),
    Route("skills.careers", "GET", "/skills/careers", SIGNED_IN),
    Route("skills.my_targets", "GET", "/skills/targets", SIGNED_IN),
    Route("skills.team_targets", "GET", "/skills/targets/team", MANAGERS),
    Route("skills.team_targets", "POST", "/skills/targets/team", MANAGERS, {"level": "9"}),
    Route("skills.target_remove", "POST", "/skills/targets/{target}/remove", TEAM_MANAGERS),
    Route("quizzes.index", "GET", "/quizzes/", SIGNED_IN),
    Route("quizzes.overview", "GET", "/quizzes/basics-quiz", SIGNED_IN),
    Route("quizzes.start", "POST", "/quizzes/basics-quiz/start", SIGNED_IN),
    Route("quizzes.attempt", "GET", "/quizzes/attempts/{attempt}", frozenset({"member"})),
    Route("quizzes.save", "POST", "/quizzes/attempts/{attempt}/save", frozenset({"member"})),
    Route("quizzes.submit", "POST", "/quizzes/attempts/{attempt}/submit", frozenset({"member"})),
    Route("quizzes.result", "GET", "/quizzes/attempts/{attempt}/result", frozenset({"member"})),
    Route("quizzes.grading_queue", "GET", "/quizzes/grading", COACHES),
    Route("quizzes.grade", "POST", "/quizzes/answers/{essay_answer}/grade", TEAM_A_COACHES, {"score": "50"}),
    Route("quizzes.analysis", "GET", "/quizzes/basics-quiz/analysis", MANAGERS),
    Route("mentoring.dashboard", "GET", "/mentoring/", COACHES),
    Route("mentoring.mentorships", "GET", "/mentoring/mentorships", MANAGERS),
    Route("mentoring.mentorships", "POST", "/mentoring/mentorships", MANAGERS, {"mentee": "0"}),
    Route("mentoring.mentorship_end", "POST", "/mentoring/mentorships/{mentorship}/end", TEAM_MANAGERS),
    Route("mentoring.mentorship", "GET", "/mentoring/mentorships/{mentorship}", MENTORSHIP),
    Route("mentoring.note_add", "POST", "/mentoring/mentorships/{mentorship}/notes", MENTOR),
    Route("mentoring.observation_add", "POST", "/mentoring/mentorships/{mentorship}/observations", MENTOR),
    Route("mentoring.action_done", "POST", "/mentoring/actions/{action}/done", MENTORSHIP),
    Route("mentoring.my_requests", "GET", "/mentoring/requests", SIGNED_IN),
    Route("mentoring.request_new", "GET", "/mentoring/requests/new", SIGNED_IN),
    Route("mentoring.request_new", "POST", "/mentoring/requests/new", SIGNED_IN, {"level": "9"}),
    Route("mentoring.request_view", "GET", "/mentoring/requests/{signoff}", SIGNOFF_PARTIES),
    Route("mentoring.request_decide", "POST", "/mentoring/requests/{signoff}/decide", MENTOR),
    Route("mentoring.request_withdraw", "POST", "/mentoring/requests/{signoff}/withdraw", frozenset({"member"})),
    Route("mentoring.request_revoke", "POST", "/mentoring/requests/{approved}/revoke", TEAM_MANAGERS,
          {"reason": "Test"}),
    Route("reviews.index", "GET", "/reviews/", SIGNED_IN),
    Route("reviews.new", "GET", "/reviews/new", SIGNED_IN),
    Route("reviews.new", "POST", "/reviews/new", SIGNED_IN, {"deal": "0"}),
    Route("reviews.edit", "GET", "/reviews/{review}/edit", REVIEW_EDITORS),
    Route("reviews.edit", "POST", "/reviews/{review}/edit", REVIEW_EDITORS, {"version": "2"}),
    Route("reviews.view", "GET", "/reviews/{review}", TEAM_A),
    Route("reviews.submit", "POST", "/reviews/{review}/submit", REVIEW_EDITORS),
    Route("reviews.comment", "POST", "/reviews/{review}/comments", TEAM_A, {"body": "Good review"}),
    Route("reviews.assign_training", "POST", "/reviews/{review}/assign", TEAM_MANAGERS, {"who": "owner"}),
    Route("reviews.analysis_page", "GET", "/reviews/analysis", MANAGERS),
    Route("reviews.analysis_csv", "GET", "/reviews/analysis/reason.csv", MANAGERS),
    Route("reviews.meetings_index", "GET", "/reviews/meetings", SIGNED_IN),
    Route("reviews.meetings_index", "POST", "/reviews/meetings", MANAGERS, {"team": "0"}),
    Route("reviews.meeting", "GET", "/reviews/meetings/{meeting}", TEAM_A),
    Route("reviews.meeting_agenda", "POST", "/reviews/meetings/{meeting}/agenda", TEAM_MANAGERS),
    Route("reviews.meeting_discussed", "POST", "/reviews/meetings/{meeting}/agenda/{agenda_item}/discussed",
          TEAM_MANAGERS),
    Route("reviews.meeting_record", "POST", "/reviews/meetings/{meeting}/record", TEAM_MANAGERS),
    Route("reviews.patterns", "GET", "/reviews/patterns", MANAGERS),
    Route("reviews.pattern_assign", "POST", "/reviews/patterns/{team_a}/{reason}/assign", TEAM_MANAGERS),
    Route("deals.index", "GET", "/deals/", SIGNED_IN),
    Route("deals.view", "GET", "/deals/{deal}", TEAM_A),
    Route("deals.new", "GET", "/deals/new", MANAGERS),
    Route("deals.new", "POST", "/deals/new", MANAGERS, {"name": ""}),
    Route("deals.upload", "GET", "/deals/upload", ADMIN),
    Route("deals.upload", "POST", "/deals/upload", ADMIN, {"preset": "generic"}),
    Route("admin.tokens", "GET", "/admin/tokens", ADMIN),
    Route("admin.tokens", "POST", "/admin/tokens", ADMIN, {"name": ""}),
    Route("admin.token_revoke", "POST", "/admin/tokens/{token}/revoke", ADMIN),
    Route("notifications.centre", "GET", "/notifications/", SIGNED_IN),
    Route("notifications.mark_read", "POST", "/notifications/read", SIGNED_IN),
    Route("team.index", "GET", "/team/", MANAGERS),
    Route("team.teams_csv", "GET", "/team/teams.csv", MANAGERS),
    Route("team.dashboard_page", "GET", "/team/{team_a}", TEAM_MANAGERS),
    Route("team.heatmap_page", "GET", "/team/{team_a}/heatmap", TEAM_MANAGERS),
    Route("team.team_csv", "GET", "/team/{team_a}/export/heatmap.csv", TEAM_MANAGERS),
    # A person's development: themselves, their mentor, their manager, admins.
    Route("team.person_page", "GET", "/team/people/{member_a}", SIGNOFF_PARTIES),
    Route("team.person_csv", "GET", "/team/people/{member_a}/export/timeline.csv", SIGNOFF_PARTIES),
)

# Endpoints that serve files to everyone and hold nothing private; the API authenticates with bearer tokens
# and has its own tests (tests/test_api.py).
EXEMPT_ENDPOINTS = frozenset({"static", "api.openapi", "api.deal_put", "api.deal_get", "api.reviews", "api.progress"})


@dataclass(frozen=True)
class CrossTeam:
    """Someone allowed on a route names team B's thing by id, in the URL (`kind="url"`, refused with 403 or 404)
    or in a form field (`kind="form"`, refused with a form error); either way nothing is written."""

    persona: str
    method: str
    path: str
    kind: str = "url"
    data: dict[str, Any] = field(default_factory=dict)
    # The control: the same request on team A's things (team A's ids for the `_b` ones, or this data) must work
    # and, for a POST, write; `None` when no such request exists (the service refuses it for other reasons).
    own: dict[str, Any] | None = field(default_factory=dict)


_NEW_TARGET = {"competency": "{discovery}", "level": "2", "due_date": "2027-03-31"}

CROSS_TEAM: tuple[CrossTeam, ...] = (
    # Team A's manager, with team B's ids in the URL.
    CrossTeam("manager_same", "GET", "/team/{team_b}"),
    CrossTeam("manager_same", "GET", "/team/{team_b}/heatmap"),
    CrossTeam("manager_same", "GET", "/team/{team_b}/export/heatmap.csv"),
    CrossTeam("manager_same", "GET", "/team/people/{member_b}"),
    CrossTeam("manager_same", "GET", "/team/people/{member_b}/export/timeline.csv"),
    CrossTeam("manager_same", "GET", "/reviews/{review_b}"),
    CrossTeam("manager_same", "GET", "/reviews/{review_b}/edit"),
    CrossTeam("manager_same", "POST", "/reviews/{review_b}/edit",
              data={"version": "2", "reasons": "price", "primary_reason": "price", "lessons": "mine now"}),
    CrossTeam("manager_same", "POST", "/reviews/{review_b}/comments", data={"body": "Sneaky"}),
    CrossTeam("manager_same", "POST", "/reviews/{review_b}/assign", data={"who": "team"}),
    CrossTeam("manager_same", "GET", "/reviews/meetings/{meeting_b}"),
    CrossTeam("manager_same", "POST", "/reviews/meetings/{meeting_b}/agenda", data={"review": "{spare_review_b}"}),
    CrossTeam("manager_same", "POST", "/reviews/meetings/{meeting_b}/agenda/{agenda_item_b}/discussed"),
    CrossTeam("manager_same", "POST", "/reviews/meetings/{meeting_b}/record", data={"notes": "Sneaky"}),
    CrossTeam("manager_same", "POST", "/reviews/patterns/{team_b}/{reason}/assign"),
    CrossTeam("manager_same", "GET", "/deals/{deal_b}"),
    CrossTeam("manager_same", "POST", "/skills/targets/{target_b}/remove"),
    CrossTeam("manager_same", "GET", "/mentoring/mentorships/{mentorship_b}"),
    CrossTeam("manager_same", "POST", "/mentoring/mentorships/{mentorship_b}/end"),
    CrossTeam("manager_same", "POST", "/mentoring/actions/{action_b}/done", own=None),  # only its owner ticks it
    CrossTeam("manager_same", "GET", "/mentoring/requests/{signoff_b}"),
    CrossTeam("manager_same", "POST", "/mentoring/requests/{approved_b}/revoke", data={"reason": "Sneaky"}),
    # Team A's manager, with team B's ids in a form on a page of their own.
    CrossTeam("manager_same", "POST", "/learn/programs/onboarding/assign", "form",
              {"person": "{member_b}", "start_date": "2026-12-01"}),
    CrossTeam("manager_same", "POST", "/learn/programs/onboarding/assign", "form",
              {"team": "{team_b}", "start_date": "2026-12-01"}),
    CrossTeam("manager_same", "POST", "/mentoring/mentorships", "form",
              {"mentee": "{member_b}", "mentor": "{mentor_a}", "start_date": "2026-12-01"},
              own={"mentee": "{mentor_a2}", "mentor": "{mentor_a}", "start_date": "2026-12-01"}),
    CrossTeam("manager_same", "POST", "/mentoring/mentorships", "form",
              {"mentee": "{mentor_a2}", "mentor": "{mentor_b}", "start_date": "2026-12-01"},
              own={"mentee": "{mentor_a2}", "mentor": "{mentor_a}", "start_date": "2026-12-01"}),
    CrossTeam("manager_same", "POST", "/skills/targets/team", "form", {**_NEW_TARGET, "person": "{member_b}"}),
    CrossTeam("manager_same", "POST", "/skills/targets/team", "form", {**_NEW_TARGET, "team": "{team_b}"}),
    # A career-level target would reach team B's people too: only an admin sets one.
    CrossTeam("manager_same", "POST", "/skills/targets/team", "form", {**_NEW_TARGET, "career_level": "rep"},
              own=None),
    CrossTeam("manager_same", "POST", "/reviews/meetings", "form",
              {"team": "{team_b}", "held_on": "2026-12-10", "title": "Sneaky"}),
    CrossTeam("manager_same", "POST", "/reviews/meetings/{meeting}/agenda", "form", {"review": "{spare_review_b}"}),
    CrossTeam("manager_same", "POST", "/reviews/new", "form", {"deal": "{deal_b}"}),
    CrossTeam("manager_same", "POST", "/deals/new", "form",
              {"name": "Sneaky", "currency": "CNY", "outcome": "lost", "owner": "{member_b}"}),
    # Member A's mentor, reaching another mentee's mentorship, sign-off and essay.
    CrossTeam("mentee_mentor", "POST", "/mentoring/mentorships/{mentorship_b}/notes",
              data={"held_on": "2026-11-20", "notes": "Sneaky"}),
    CrossTeam("mentee_mentor", "POST", "/mentoring/mentorships/{mentorship_b}/observations",
              data={"competency": "{discovery}", "level": "2", "kind": "role-play", "observed_on": "2026-11-20",
                    "scores": "3"}),
    CrossTeam("mentee_mentor", "POST", "/mentoring/requests/{signoff_b}/decide",
              data={"decision": "reject", "notes": "Not yet", "scores-0": "2", "scores-1": "2"}),
    CrossTeam("mentee_mentor", "POST", "/quizzes/answers/{essay_answer_b}/grade", data={"score": "100"}),
    CrossTeam("mentee_mentor", "GET", "/team/people/{member_b}"),
    # Another mentor of team A, reaching member A's mentorship and sign-off.
    CrossTeam("mentor", "GET", "/mentoring/mentorships/{mentorship}"),
    CrossTeam("mentor", "POST", "/mentoring/mentorships/{mentorship}/notes",
              data={"held_on": "2026-11-20", "notes": "Sneaky"}),
    CrossTeam("mentor", "POST", "/mentoring/requests/{signoff}/decide", data={"decision": "reject", "notes": "No", "scores-0": "2",
                                                                          "scores-1": "2"}),
    # Member A, reaching member B's things.
    CrossTeam("member", "GET", "/quizzes/attempts/{attempt_b}"),
    CrossTeam("member", "POST", "/quizzes/attempts/{attempt_b}/save", data={"q1": "mine"}),
    CrossTeam("member", "POST", "/quizzes/attempts/{attempt_b}/submit"),
    CrossTeam("member", "GET", "/quizzes/attempts/{attempt_b}/result"),
    CrossTeam("member", "GET", "/mentoring/requests/{signoff_b}"),
    CrossTeam("member", "POST", "/mentoring/requests/{signoff_b}/withdraw"),
    CrossTeam("member", "GET", "/reviews/{review_b}"),
    CrossTeam("member", "GET", "/reviews/{draft_b}/edit"),
    CrossTeam("member", "POST", "/reviews/{draft_b}/submit"),
    CrossTeam("member", "POST", "/reviews/{review_b}/comments", data={"body": "Sneaky"}),
    CrossTeam("member", "GET", "/deals/{deal_b}"),
    CrossTeam("member", "POST", "/mentoring/actions/{action_b}/done"),
    CrossTeam("member", "GET", "/team/people/{member_b}"),
    CrossTeam("member", "POST", "/reviews/new", "form", {"deal": "{deal_b}"}),
    CrossTeam("member", "POST", "/mentoring/requests/new", "form",
              {"competency": "{discovery}", "level": "2", "evidence": "Their attempt", "attempts": "{attempt_b}"},
              own={"competency": "{discovery}", "level": "2", "evidence": "My own work"}),
)
