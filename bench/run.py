"""The benchmark: `make bench` (SIZE=S|M|L, DB=sqlite|postgres). See bench/README.md.

Generates an organisation of the chosen size, serves Coach and a bare Flask hello-world with the same
gunicorn settings (5 sync workers), measures both in the same run with wrk, drives 50 concurrent
learners through quiz saves and submits, and checks that no answer was lost. Prints a table and writes
bench/results/latest.json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
WORK = BENCH / "work"
RESULTS = BENCH / "results"
PYTHON = sys.executable
SIZES = {"S": 200, "M": 2_000, "L": 20_000}
SEED = 1
PASSWORD = "coach-generated-2026"
WORKERS = 5
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 16
LEARNERS = 50
SECRET = "bench-secret-key"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

# Targets (DESIGN.md §7, issue "Proven at scale").
MODULE_RATIO_TARGET = 0.5
DASHBOARD_P95_TARGET_MS = 150.0


def log(message: str) -> None:
    """Progress on stderr, with the time since the start."""
    print(f"[{time.monotonic() - START:6.1f}s] {message}", file=sys.stderr, flush=True)


START = time.monotonic()


def free_port() -> int:
    """A local TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- The dataset ------------------------------------------------------------------------------

def flask(env: dict[str, str], *args: str) -> str:
    """Run a flask command against the bench database; stop the run on failure."""
    result = subprocess.run([PYTHON, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_sqlite(size: str) -> str:
    """A generated SQLite database of this size, built once and then reused (copied fresh per run)."""
    WORK.mkdir(exist_ok=True)
    cached = WORK / f"generated-{size}-seed{SEED}.sqlite3"
    if not cached.exists():
        building = cached.with_suffix(".building")
        building.unlink(missing_ok=True)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{building}"}
        log(f"generating the {size} dataset ({SIZES[size]:,} people) into {cached.name}")
        flask(env, "db", "upgrade")
        flask(env, "content", "sync")
        flask(env, "demo", "generate", "--users", str(SIZES[size]), "--seed", str(SEED))
        env_copy = {**env}
        flask(env_copy, "backup", "create", str(cached))  # a checked, self-contained copy
        building.unlink()
        for suffix in ("-wal", "-shm"):
            Path(str(building) + suffix).unlink(missing_ok=True)
    run_copy = WORK / f"run-{size}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(run_copy) + suffix).unlink(missing_ok=True)
    shutil.copyfile(cached, run_copy)
    return f"sqlite:///{run_copy}"


def prepare_postgres(size: str) -> str:
    """A fresh PostgreSQL database with the generated organisation."""
    import psycopg  # noqa: PLC0415 — only the PostgreSQL run needs it

    name = f"coach_bench_{size.lower()}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    env = {**os.environ, "DATABASE_URL": url}
    log(f"generating the {size} dataset ({SIZES[size]:,} people) in PostgreSQL database {name}")
    flask(env, "db", "upgrade")
    flask(env, "content", "sync")
    flask(env, "demo", "generate", "--users", str(SIZES[size]), "--seed", str(SEED))
    return url


@dataclass
class Subjects:
    """Who and what the benchmark requests: chosen from the generated data."""

    module_key: str
    quiz_key: str
    learner_email: str
    manager_email: str
    team_id: int
    team_size: int
    learners: list[str]
    token: str
    answers_before: int


def choose_subjects(database_url: str) -> Subjects:
    """Pick a typical module, quiz, learner and team, and create an API token (through Coach itself)."""
    sys.path.insert(0, str(ROOT))
    from sqlalchemy import func, select  # noqa: PLC0415

    from coach import create_app  # noqa: PLC0415
    from coach.api.tokens import create_token  # noqa: PLC0415
    from coach.database import writing  # noqa: PLC0415
    from coach.extensions import db  # noqa: PLC0415
    from coach.models import Module, Quiz, QuizAnswer, Team, User, team_managers  # noqa: PLC0415

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context(), writing():
        module_key = db.session.scalar(select(Module.key).where(Module.retired.is_(False))
                                       .order_by(func.length(Module.html_en).desc()).limit(1))
        quiz_key = db.session.scalar(select(Quiz.key).where(Quiz.retired.is_(False), Quiz.attempts_allowed == 0,
                                                            Quiz.time_limit_minutes == 0).order_by(Quiz.key))
        sizes = db.session.execute(select(User.team_id, func.count(User.id)).where(
            User.team_id.is_not(None), User.active.is_(True)).group_by(User.team_id)).all()
        typical = sorted(sizes, key=lambda row: row[1])[len(sizes) // 2]
        team = db.session.get(Team, typical[0])
        manager = db.session.scalar(select(User).join(team_managers, team_managers.c.user_id == User.id)
                                    .where(team_managers.c.team_id == team.id))
        members = list(db.session.scalars(select(User.email).where(User.role == "member", User.active.is_(True))
                                          .order_by(User.id).limit(LEARNERS + 1)))
        admin = db.session.scalar(select(User).where(User.role == "admin").order_by(User.id))
        _row, secret = create_token(db.session, actor=None, user=admin, name="bench", scopes=["deals:write"])
        answers = db.session.scalar(select(func.count(QuizAnswer.id))) or 0
        subjects = Subjects(module_key, quiz_key, members[0], manager.email, team.id, typical[1], members[1:],
                            secret, answers)
        db.session.commit()
        db.engine.dispose()
    return subjects


# --- Servers ---------------------------------------------------------------------------------

@contextmanager
def gunicorn(app: str, env: dict[str, str], chdir: Path) -> Iterator[str]:
    """Serve `app` with the deployment's gunicorn settings and 5 sync workers; yields the base URL."""
    port = free_port()
    command = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "deploy" / "gunicorn.conf.py"), "--workers", str(WORKERS),
               "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--max-requests", "0",
               "--no-control-socket", "--chdir", str(chdir), app]
    process = subprocess.Popen(command, cwd=chdir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/", timeout=30)
                break
            except (requests.ConnectionError, requests.Timeout):
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"gunicorn {app} did not start: {process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
                time.sleep(0.3)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def login(base_url: str, email: str) -> requests.Session:
    """A logged-in session (through the login form, CSRF included)."""
    session = requests.Session()
    page = session.get(base_url + "/auth/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    response = session.post(base_url + "/auth/login", data={"csrf_token": token, "email": email,
                                                            "password": PASSWORD}, allow_redirects=False, timeout=60)
    if response.status_code != 302:
        sys.exit(f"could not log in as {email}: {response.status_code}")
    return session


def cookie_header(session: requests.Session) -> str:
    """The session's cookies as one Cookie header for wrk."""
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# --- Measuring ---------------------------------------------------------------------------------

@dataclass
class Result:
    """One endpoint's figures."""

    rps: float
    p50_ms: float
    p95_ms: float
    errors: int
    requests: int
    ratio_to_hello: float | None = None
    clients: int = CONNECTIONS
    notes: str = ""

    def as_json(self) -> dict[str, Any]:
        """The figures as stored in latest.json."""
        return {"rps": round(self.rps, 1), "p50_ms": round(self.p50_ms, 1), "p95_ms": round(self.p95_ms, 1),
                "ratio_to_hello": None if self.ratio_to_hello is None else round(self.ratio_to_hello, 3),
                "errors": self.errors, "requests": self.requests, "clients": self.clients,
                **({"notes": self.notes} if self.notes else {})}


def wrk(url: str, *, cookie: str = "", connections: int = CONNECTIONS, headers: dict[str, str] | None = None,
        put: bool = False) -> Result:
    """Drive one URL with wrk for DURATION seconds."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--timeout", "10s",
               "-s", str(BENCH / "wrk_report.lua")]
    for name, value in {**({"Cookie": cookie} if cookie else {}), **(headers or {})}.items():
        command += ["-H", f"{name}: {value}"]
    env = {**os.environ, **({"COACH_BENCH_PUT": "1"} if put else {})}
    output = subprocess.run([*command, url], capture_output=True, text=True, env=env, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    seconds = data["duration_us"] / 1e6
    return Result(rps=data["requests"] / seconds, p50_ms=data["p50_us"] / 1000, p95_ms=data["p95_us"] / 1000,
                  errors=data["errors"], requests=data["requests"], clients=connections)


class FormReader(HTMLParser):
    """The answer fields of a quiz attempt page, filled with a plausible answer each."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self.csrf = ""
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name == "csrf_token":
            self.csrf = a.get("value", "")
        elif tag == "input" and name.startswith("q-"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                self.fields.setdefault(name, a.get("value", ""))
            elif kind in ("text", "number"):
                self.fields.setdefault(name, "42")
        elif tag == "textarea" and name.startswith("q-"):
            self.fields.setdefault(name, "We would ask about the cost of downtime first.")
        elif tag == "select" and name.startswith("q-"):
            self._select = name
        elif tag == "option" and self._select and a.get("value"):
            self.fields.setdefault(self._select, a["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


@dataclass
class LearnerRun:
    """What the concurrent-learner test saw."""

    save_ms: list[float] = field(default_factory=list)
    submit_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    attempts: list[int] = field(default_factory=list)
    elapsed: float = 0.0


def learners(base_url: str, subjects: Subjects, saves: int = 5) -> LearnerRun:
    """50 learners at once: start the quiz, save answers several times as they go, then submit."""
    run = LearnerRun()
    lock = threading.Lock()
    sessions = [login(base_url, email) for email in subjects.learners]
    barrier = threading.Barrier(len(sessions))

    def learner(session: requests.Session) -> None:
        try:
            overview = session.get(f"{base_url}/quizzes/{subjects.quiz_key}", timeout=60).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', overview).group(1)  # type: ignore[union-attr]
            started = session.post(f"{base_url}/quizzes/{subjects.quiz_key}/start", data={"csrf_token": token},
                                   timeout=60)
            attempt_id = int(re.search(r"/attempts/(\d+)", started.url).group(1))  # type: ignore[union-attr]
            form = FormReader()
            form.feed(started.text)
            fields = sorted(form.fields.items())
            barrier.wait(timeout=120)
            for n in range(1, saves + 1):
                part = dict(fields[: max(1, len(fields) * n // saves)])
                began = time.perf_counter()
                response = session.post(f"{base_url}/quizzes/attempts/{attempt_id}/save", data={"csrf_token": form.csrf, **part},
                                        headers={"Accept": "application/json"}, timeout=60)
                took = (time.perf_counter() - began) * 1000
                with lock:
                    run.save_ms.append(took)
                    if response.status_code != 200 or not response.json().get("saved"):
                        run.errors.append(f"save {attempt_id}: {response.status_code}")
            began = time.perf_counter()
            response = session.post(f"{base_url}/quizzes/attempts/{attempt_id}/submit",
                                    data={"csrf_token": form.csrf, **dict(fields)}, allow_redirects=False, timeout=60)
            took = (time.perf_counter() - began) * 1000
            with lock:
                run.submit_ms.append(took)
                run.attempts.append(attempt_id)
                if response.status_code != 302:
                    run.errors.append(f"submit {attempt_id}: {response.status_code}")
        except Exception as exc:  # noqa: BLE001 — every failure is counted and reported
            with lock:
                run.errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=learner, args=(s,)) for s in sessions]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed = time.monotonic() - began
    return run


def lost_answers(database_url: str, run: LearnerRun) -> tuple[int, int]:
    """(attempts not graded exactly once, answers missing) for the learners' attempts, read from the database."""
    from sqlalchemy import func, select  # noqa: PLC0415

    from coach import create_app  # noqa: PLC0415
    from coach.extensions import db  # noqa: PLC0415
    from coach.models import QuizAnswer, QuizAttempt  # noqa: PLC0415
    from coach.quizzes.types import REGISTRY  # noqa: PLC0415

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        ids = list(run.attempts)
        attempts = {a.id: a for a in db.session.scalars(select(QuizAttempt).where(QuizAttempt.id.in_(ids)))}
        counts = dict(db.session.execute(select(QuizAnswer.attempt_id, func.count(QuizAnswer.id))
                                         .where(QuizAnswer.attempt_id.in_(ids)).group_by(QuizAnswer.attempt_id)).all())
        expected = {i: sum(1 for q in a.snapshot if REGISTRY[q["type"]].gradable) for i, a in attempts.items()}
        states = {i: a.state for i, a in attempts.items()}
        db.engine.dispose()
    ungraded = sum(1 for i in ids if states.get(i) not in ("graded", "pending_review"))
    missing = sum(max(expected.get(i, 0) - counts.get(i, 0), 0) for i in ids)
    return ungraded, missing


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) of a list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


# --- The run ---------------------------------------------------------------------------------

def machine() -> str:
    """A one-line description of this machine."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))) // 1024 // 1024
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    """Run the benchmark and report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="M")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    database_url = prepare_sqlite(args.size) if args.db == "sqlite" else prepare_postgres(args.size)
    subjects = choose_subjects(database_url)
    log(f"dataset ready: {subjects.answers_before:,} quiz answers; team {subjects.team_id} has "
        f"{subjects.team_size} people")
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET}
    results: dict[str, Result] = {}
    with gunicorn("hello:app", env, BENCH) as hello_url:
        log("hello-world")
        results["hello"] = wrk(hello_url + "/")
    with gunicorn("wsgi:app", env, ROOT) as url:
        learner = login(url, subjects.learner_email)
        manager = login(url, subjects.manager_email)
        learner_cookie, manager_cookie = cookie_header(learner), cookie_header(manager)
        # One warm-up request per page, so no worker's first-request set-up is measured.
        for path, session in ((f"/learn/modules/{subjects.module_key}", learner), (f"/team/{subjects.team_id}", manager)):
            for _ in range(WORKERS * 2):
                session.get(url + path, timeout=60)
        plan = [
            ("module_page", f"/learn/modules/{subjects.module_key}", learner_cookie, CONNECTIONS),
            ("quiz_page", f"/quizzes/{subjects.quiz_key}", learner_cookie, CONNECTIONS),
            ("my_learning", "/learn/my", learner_cookie, CONNECTIONS),
            ("team_dashboard", f"/team/{subjects.team_id}", manager_cookie, 1),
            ("team_dashboard_loaded", f"/team/{subjects.team_id}", manager_cookie, CONNECTIONS),
            ("win_loss_analysis", "/reviews/analysis", manager_cookie, CONNECTIONS),
        ]
        for name, path, cookie, clients in plan:
            log(f"{name} ({clients} client{'s' if clients > 1 else ''})")
            results[name] = wrk(url + path, cookie=cookie, connections=clients)
        log("API deal upsert")
        results["api_deal_upsert"] = wrk(url + "/", put=True, headers={"Authorization": f"Bearer {subjects.token}"})
        log(f"{LEARNERS} learners saving and submitting a quiz at once")
        run = learners(url, subjects)
    ungraded, missing = lost_answers(database_url, run)
    saves, submits = len(run.save_ms), len(run.submit_ms)
    results["quiz_answer_save"] = Result(
        rps=saves / run.elapsed, p50_ms=statistics.median(run.save_ms or [0]), p95_ms=percentile(run.save_ms, 95),
        errors=sum(e.startswith("save") for e in run.errors), requests=saves, clients=LEARNERS,
        notes=f"{LEARNERS} learners at once; answers missing afterwards: {missing}")
    results["quiz_submit"] = Result(
        rps=submits / run.elapsed, p50_ms=statistics.median(run.submit_ms or [0]),
        p95_ms=percentile(run.submit_ms, 95), errors=len(run.errors) - results["quiz_answer_save"].errors,
        requests=submits, clients=LEARNERS, notes=f"attempts not graded exactly once: {ungraded}")
    hello_rps = results["hello"].rps
    for result in results.values():
        result.ratio_to_hello = result.rps / hello_rps if hello_rps else None

    module_ratio = results["module_page"].ratio_to_hello or 0
    dashboard_p95 = results["team_dashboard"].p95_ms
    targets = {
        "module_page_ratio_at_least_0.5": module_ratio >= MODULE_RATIO_TARGET,
        "team_dashboard_p95_under_150ms_one_client": dashboard_p95 < DASHBOARD_P95_TARGET_MS,
        "fifty_learners_no_errors_no_lost_answers": not run.errors and not missing and not ungraded
        and submits == LEARNERS,
    }
    if args.size == "L" and (RESULTS / f"M-{args.db}.json").exists():
        m_p95 = json.loads((RESULTS / f"M-{args.db}.json").read_text())["endpoints"]["team_dashboard"]["p95_ms"]
        targets["team_dashboard_p95_at_L_at_most_1.5x_M"] = dashboard_p95 <= 1.5 * m_p95
    report = {"size": args.size, "db": args.db, "people": SIZES[args.size], "quiz_answers": subjects.answers_before,
              "team_size": subjects.team_size, "machine": machine(), "workers": WORKERS, "seconds_per_endpoint":
              DURATION, "endpoints": {name: r.as_json() for name, r in results.items()}, "targets": targets,
              "learner_errors": run.errors[:20]}
    RESULTS.mkdir(exist_ok=True)
    for path in (RESULTS / "latest.json", RESULTS / f"{args.size}-{args.db}.json"):
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nCoach benchmark: size {args.size} ({SIZES[args.size]:,} people, {subjects.answers_before:,} quiz "
          f"answers), {args.db}, {WORKERS} gunicorn sync workers, {machine()}")
    print(f"{'endpoint':<24}{'clients':>8}{'req/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'× hello':>9}{'errors':>8}")
    for name, r in results.items():
        ratio = "" if r.ratio_to_hello is None else f"{r.ratio_to_hello:.2f}"
        print(f"{name:<24}{r.clients:>8}{r.rps:>10.1f}{r.p50_ms:>9.1f}{r.p95_ms:>9.1f}{ratio:>9}{r.errors:>8}")
    print()
    for name, met in targets.items():
        print(f"{'MET    ' if met else 'NOT MET'}  {name}")
    if run.errors:
        print("learner errors:", *run.errors[:10], sep="\n  ")
    print(f"\nwritten: {RESULTS / 'latest.json'}")


if __name__ == "__main__":
    main()
