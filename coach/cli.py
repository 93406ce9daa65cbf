"""Flask commands: `flask --app wsgi users create`, `demo load`, ..."""
from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from coach.api.tokens import create_token
from coach.auth.services import create_user, find_user_by_email
from coach.content.fields import ID_PATTERN
from coach.content.sync import count_content_files, sync_folder
from coach.notifications.digest import SmtpSettings, create_reminders, send_digests, smtp_sender
from coach.quizzes.interchange import ImportProblem, export_bank, import_bank, read_bank
from coach.database import writing
from coach.deals.importer import ImportRefused, import_deals
from coach.deals.presets import PRESETS
from coach.demo import load_demo
from coach.errors import DomainError, ValidationError
from coach.backup import create_backup, restore_backup
from coach.extensions import db
from coach.generate import MIN_PEOPLE, PASSWORD, Generator

F = TypeVar("F", bound=Callable[..., Any])

users_cli = AppGroup("users", help="Manage user accounts.")
content_cli = AppGroup("content", help="Training content from content/.")
tokens_cli = AppGroup("tokens", help="API tokens for integrations.")
deals_cli = AppGroup("deals", help="Deals from CRM exports.")
notify_cli = AppGroup("notify", help="Reminders and e-mail digests (run from cron).")
quizzes_cli = AppGroup("quizzes", help="Move question banks in and out (GIFT, Aiken, Moodle XML, JSON).")
demo_cli = AppGroup("demo", help="Demo organisation.")
backup_cli = AppGroup("backup", help="Consistent copies of the SQLite database (PostgreSQL: pg_dump).")


def fail(message: str) -> None:
    """Print an error to stderr and exit with status 1."""
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def describe(exc: DomainError) -> str:
    """A domain error as one line, naming the field at fault."""
    return f"{exc.field}: {exc.message}" if exc.field else exc.message


def transactional(func: F) -> F:
    """Run a command as one write transaction: commit on success, roll back and exit 1 on a domain error."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with writing():
            try:
                result = func(*args, **kwargs)
            except DomainError as exc:
                db.session.rollback()
                fail(describe(exc))
            db.session.commit()
            return result

    return wrapper  # type: ignore[return-value]


@users_cli.command("create")
@click.option("--email", required=True, help="Login e-mail (unique, case ignored).")
@click.option("--name", required=True, help="Full name as colleagues know it.")
@click.option("--role", required=True, help="member, mentor, manager or admin.")
@click.option("--team", default=None, help="Team name.")
@click.option("--language", default="en", show_default=True, help="en or zh.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@transactional
def users_create(email: str, name: str, role: str, team: str | None, language: str, password_stdin: bool) -> None:
    """Create a user; the password comes from a prompt or standard input."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = create_user(db.session, email=email, name=name, role=role, password=password, team_name=team,
                       language=language)
    click.echo(f"created {user.email} ({user.role})")


@demo_cli.command("load")
@transactional
def demo_load() -> None:
    """Create the demo organisation where it is missing (safe to run again)."""
    created = load_demo(db.session)
    click.echo(f"demo organisation: {created['teams']} teams and {created['users']} users created")


@demo_cli.command("generate")
@click.option("--users", "people", type=click.IntRange(min=MIN_PEOPLE), required=True,
              help=f"How many people to generate (at least {MIN_PEOPLE}).")
@click.option("--seed", type=int, default=1, show_default=True, help="The same users and seed give the same data.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day all history counts back from, YYYY-MM-DD (default: today).")
@transactional
def demo_generate(people: int, seed: int, today: datetime | None) -> None:
    """Generate a large, realistic organisation for benchmarks, into a database without one."""
    generator = Generator(db.session, people=people, seed=seed, today=today.date() if today else None)
    with click.progressbar(length=people, label="Generating", file=sys.stderr) as bar:
        counts = generator.run(progress=bar.update)
    for table, rows in sorted(counts.items()):
        click.echo(f"{rows:>10,}  {table}")
    click.echo(f"generated {people} people in {counts['teams']} teams; every generated account's password "
               f"is {PASSWORD}")


@content_cli.command("sync")
@click.option("--check", is_flag=True, help="Only validate; change nothing.")
@click.option("--path", "path", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Content folder (default: COACH_CONTENT_DIR or content/).")
def content_sync(check: bool, path: Path | None) -> None:
    """Validate content/ and load it into the database in one transaction."""
    root = path or Path(current_app.config["CONTENT_DIR"])
    with writing(), click.progressbar(length=count_content_files(root), label="Reading content",
                                      file=sys.stderr) as bar:
        problems, result = sync_folder(db.session, root, check_only=check, progress=lambda _name: bar.update(1))
    for problem in problems.warnings:
        click.echo(str(problem), err=True)
    if problems.errors:
        db.session.rollback()
        for problem in problems.errors:
            click.echo(str(problem), err=True)
        fail(f"{len(problems.errors)} error(s) in {root}; nothing was changed")
    if check or result is None:
        click.echo(f"content OK ({len(problems.warnings)} warning(s)); nothing was changed")
        return
    with writing():
        db.session.commit()
    if not result.changed:
        click.echo("content unchanged; nothing to do")
        return
    changes = ", ".join(f"{count} {what}" for what, count in sorted(result.counts.items())) or "no row changes"
    click.echo(f"content synced (version {result.content_hash[:12]}): {changes}")


@quizzes_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["gift", "aiken", "moodle-xml"]), required=True)
@click.option("--quiz", "quiz_key", required=True, help="The quiz id (content/quizzes/<quiz>.yml).")
@click.option("--replace", is_flag=True, help="Replace the quiz's questions instead of adding to them.")
def quizzes_import(file: Path, fmt: str, quiz_key: str, replace: bool) -> None:
    """Import questions into content/quizzes/<quiz>.gift; then run `content sync`."""
    if not ID_PATTERN.match(quiz_key):
        fail("--quiz: use lowercase words joined by hyphens, e.g. negotiation-basics")
    try:
        questions = read_bank(file, fmt)
        target = import_bank(questions, content_dir=Path(current_app.config["CONTENT_DIR"]), quiz_key=quiz_key,
                             replace=replace)
    except ImportProblem as exc:
        fail(f"{exc}; nothing was imported")
    click.echo(f"imported {len(questions)} question(s) into {target}; run `flask --app wsgi content sync` to load them")


@quizzes_cli.command("export")
@click.argument("quiz_key")
@click.option("--format", "fmt", type=click.Choice(["gift", "moodle-xml", "json"]), required=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of standard output.")
def quizzes_export(quiz_key: str, fmt: str, output: Path | None) -> None:
    """Export a quiz's question bank."""
    try:
        text = export_bank(content_dir=Path(current_app.config["CONTENT_DIR"]), quiz_key=quiz_key, fmt=fmt)
    except ImportProblem as exc:
        fail(str(exc))
    if output is None:
        click.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


@notify_cli.command("send")
def notify_send() -> None:
    """Create due and overdue reminders, then e-mail each person at most one digest a day."""
    today = date.today()
    with writing():
        reminders = create_reminders(db.session, today=today)
        db.session.commit()
        settings = SmtpSettings.from_config(current_app.config)
        if not settings.server:
            click.echo(f"{reminders} reminder(s) created; MAIL_SERVER is not set, so no e-mail was sent")
            return
        sent = send_digests(db.session, today=today, send=smtp_sender(settings),
                            base_url=current_app.config["BASE_URL"], sender=settings.sender)
        db.session.commit()
    click.echo(f"{reminders} reminder(s) created, {sent} digest(s) sent")


@deals_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--preset", type=click.Choice(sorted(PRESETS)), required=True, help="Which CRM exported the file.")
@click.option("--dry-run", is_flag=True, help="Show what would be created, changed and left alone; change nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and list the invalid ones.")
def deals_import(file: Path, preset: str, dry_run: bool, skip_invalid: bool) -> None:
    """Import deals from a CRM's CSV export (UTF-8 with or without BOM, or GBK/GB18030)."""
    raw = file.read_bytes()
    with writing(), click.progressbar(length=max(1, raw.count(b"\n")), label="Importing", file=sys.stderr) as bar:
        try:
            report = import_deals(db.session, raw, preset_name=preset, dry_run=dry_run, skip_invalid=skip_invalid,
                                  progress=lambda n: bar.update(1))
        except ImportRefused as exc:
            fail(f"{file}: {exc}; nothing was imported")
    if report.problems:
        db.session.rollback()
        for problem in report.problems:
            click.echo(f"{file}: {problem}", err=True)
        fail(f"{len(report.problems)} problem(s); nothing was imported (use --skip-invalid to import the rest)")
    for problem in report.skipped:
        click.echo(f"{file}: skipped: {problem}", err=True)
    if dry_run:
        db.session.rollback()
        for label in report.created:
            click.echo(f"would create: {label}")
        for label in report.changed:
            click.echo(f"would change: {label}")
    else:
        with writing():
            db.session.commit()
    verb = "would be" if dry_run else "were"
    click.echo(f"{len(report.created)} created, {len(report.changed)} changed, {len(report.unchanged)} left alone, "
               f"{len(report.skipped)} skipped ({verb} imported from {file.name})")


@tokens_cli.command("create")
@click.option("--email", required=True, help="The user the token acts as.")
@click.option("--name", default="CRM", show_default=True, help="What uses the token.")
@click.option("--scope", "scopes", multiple=True, default=("deals:write",), show_default=True,
              help="deals:write, deals:read, reviews:read or progress:read; repeat for several.")
@transactional
def tokens_create(email: str, name: str, scopes: tuple[str, ...]) -> None:
    """Create an API token and print its secret once (only a hash is kept)."""
    user = find_user_by_email(db.session, email)
    if user is None:
        raise ValidationError(f"no user with the e-mail {email}", field="email")
    _token, secret = create_token(db.session, actor=None, user=user, name=name, scopes=list(scopes))
    click.echo(secret)


def _progress_bar(label: str) -> tuple[Any, Callable[[int, int], None]]:
    bar = click.progressbar(length=1, label=label, file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.length = max(total, 1)
        bar.update(done - bar.pos)

    return bar, update


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_create(path: Path) -> None:
    """Copy the live SQLite database to PATH while Coach keeps running, and check the copy."""
    bar, update = _progress_bar("Copying")
    try:
        with bar:
            size = create_backup(current_app.config["SQLALCHEMY_DATABASE_URI"], path, progress=update)
    except DomainError as exc:
        fail(describe(exc))
    click.echo(f"backup written to {path} ({size:,} bytes), integrity checked")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore(path: Path, yes: bool) -> None:
    """Replace the database with the backup at PATH (stop the app first)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if not yes:
        click.confirm(f"Replace everything in {url} with {path}? Stop Coach first.", abort=True)
    db.engine.dispose()
    bar, update = _progress_bar("Restoring")
    try:
        with bar:
            restore_backup(url, path, progress=update)
    except DomainError as exc:
        fail(describe(exc))
    click.echo(f"database restored from {path}; run `flask --app wsgi db upgrade` if it came from an older release")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(content_cli)
    app.cli.add_command(quizzes_cli)
    app.cli.add_command(notify_cli)
    app.cli.add_command(deals_cli)
    app.cli.add_command(tokens_cli)
    app.cli.add_command(backup_cli)
