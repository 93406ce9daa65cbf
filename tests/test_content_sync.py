"""Syncing content: one transaction, a no-op when unchanged, progress kept across edits and renames."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from coach.content.sync import sync_folder
from coach.extensions import db
from coach.learning import services
from coach.models import ContentSync, Module, ModuleProgress, Program, SearchDocument
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401
from tests.factories import make_user


def _snapshot() -> dict[str, object]:
    modules = db.session.execute(select(Module.key, Module.version, Module.title_en, Module.retired)
                                 .order_by(Module.key)).all()
    return {"modules": modules, "syncs": db.session.scalar(select(func.count(ContentSync.id))),
            "docs": db.session.scalar(select(func.count(SearchDocument.id)))}


def test_sync_loads_everything(synced):
    assert db.session.scalar(select(func.count(Module.id))) == 3
    program = db.session.scalar(select(Program).where(Program.key == "onboarding"))
    assert [s.kind for s in program.steps] == ["module", "module", "quiz", "signoff"]
    module = db.session.scalar(select(Module).where(Module.key == "basics-discovery"))
    assert module.title_zh == "需求挖掘提问" and "admonition" in module.html_zh
    assert [c.key for c in module.competencies] == ["discovery"] and [s.key for s in module.stages] == ["lead"]


def test_unchanged_content_is_a_no_op(synced):
    before = _snapshot()
    problems, result = sync_folder(db.session, synced)
    db.session.commit()
    assert result is not None and result.changed is False
    assert _snapshot() == before


def test_a_broken_file_changes_nothing(synced):
    before = _snapshot()
    (synced / "courses/basics/02-pricing.md").write_text("---\nid: basics-pricing\ntitle: New title\n---\n# x\n",
                                                         encoding="utf-8")  # minutes missing
    path = synced / "courses/basics/01-discovery.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Discovery questions", "Changed title"), encoding="utf-8")
    problems, result = sync_folder(db.session, synced)
    db.session.rollback()
    assert result is None and problems.errors
    assert _snapshot() == before


def test_a_title_longer_than_its_column_is_a_problem_not_a_crash(synced):
    """PostgreSQL refuses a 201-character title and SQLite would keep it: both report it and keep the old sync."""
    before = _snapshot()
    path = synced / "courses/basics/01-discovery.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Discovery questions", "Q" * 201), encoding="utf-8")
    problems, result = sync_folder(db.session, synced)
    db.session.commit()  # what a caller that ignored the problems would do: the savepoint kept nothing
    assert result is None
    assert [(p.path, p.message) for p in problems.errors] == [
        ("courses/basics/01-discovery.md", "'title_en' is 201 characters long; at most 200 fit")]
    assert _snapshot() == before


def test_progress_survives_an_edit_and_is_marked_updated(synced):
    learner = make_user()
    services.mark_done(db.session, user=learner, key="basics-discovery")
    db.session.commit()
    path = synced / "courses/basics/01-discovery.md"
    path.write_text(path.read_text(encoding="utf-8").replace("before the price", "before any price"), encoding="utf-8")
    sync_folder(db.session, synced)
    db.session.commit()
    page = services.module_page(db.session, user=learner, key="basics-discovery")
    assert page.module.version == 2
    assert page.progress is not None and page.progress.completed_at is not None
    assert page.updated_since_completed
    services.mark_done(db.session, user=learner, key="basics-discovery")
    assert not services.module_page(db.session, user=learner, key="basics-discovery").updated_since_completed


def test_progress_survives_a_rename_and_a_move(synced):
    learner = make_user()
    services.mark_done(db.session, user=learner, key="basics-pricing")
    db.session.commit()
    (synced / "courses/basics/02-pricing.md").rename(synced / "courses/advanced/05-price-rules.md")
    path = synced / "courses/basics/01-discovery.md"
    path.write_text(path.read_text(encoding="utf-8").replace("02-pricing.md#the-matrix",
                                                             "../advanced/05-price-rules.md"), encoding="utf-8")
    zh = synced / "courses/basics/01-discovery.zh.md"
    zh.write_text(zh.read_text(encoding="utf-8").replace("02-pricing.md", "../advanced/05-price-rules.md"),
                  encoding="utf-8")
    problems, result = sync_folder(db.session, synced)
    assert problems.errors == []
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.key == "basics-pricing"))
    assert module.course.key == "advanced" and module.source_path == "courses/advanced/05-price-rules.md"
    progress = db.session.scalar(select(ModuleProgress).where(ModuleProgress.user_id == learner.id))
    assert progress.module_id == module.id and progress.completed_at is not None


def test_a_removed_module_is_retired_not_deleted(synced):
    learner = make_user()
    services.mark_done(db.session, user=learner, key="adv-anchoring")
    db.session.commit()
    (synced / "courses/advanced/01-anchoring.md").unlink()
    (synced / "programs/advanced.yml").unlink()
    problems, _ = sync_folder(db.session, synced)
    assert problems.errors == []
    db.session.commit()
    module = db.session.scalar(select(Module).where(Module.key == "adv-anchoring"))
    assert module.retired and db.session.scalar(select(func.count(ModuleProgress.id))) == 1


def test_cli_check_reports_path_line_message_and_exit_code(runner, content_dir: Path):
    result = runner.invoke(args=["content", "sync", "--check", "--path", str(content_dir)])
    assert result.exit_code == 0 and "content OK" in result.output
    assert db.session.scalar(select(func.count(Module.id))) == 0  # --check writes nothing
    (content_dir / "courses/basics/02-pricing.md").write_text("---\nid: basics-pricing\n---\n", encoding="utf-8")
    result = runner.invoke(args=["content", "sync", "--path", str(content_dir)])
    assert result.exit_code == 1
    assert "courses/basics/02-pricing.md:2: missing 'title'" in result.output
    assert "nothing was changed" in result.output
    assert db.session.scalar(select(func.count(Module.id))) == 0


def test_cli_sync_then_unchanged(runner, content_dir: Path):
    first = runner.invoke(args=["content", "sync"])
    assert first.exit_code == 0 and "content synced" in first.output and "3 modules created" in first.output
    second = runner.invoke(args=["content", "sync"])
    assert "content unchanged" in second.output


def test_admin_page_syncs_and_reports_errors(client, auth, world, content_dir: Path):
    auth.login("admin@example.com")
    assert "Content has never been synced." in client.get("/admin/content").get_data(as_text=True)
    response = client.post("/admin/content/sync")
    assert response.status_code == 302
    page = client.get("/admin/content").get_data(as_text=True)
    assert "Content version" in page and "courses/basics/02-pricing.md:1: warning" in page
    (content_dir / "reasons.yml").write_text("reasons: [\n", encoding="utf-8")
    broken = client.post("/admin/content/sync")
    assert broken.status_code == 422 and "reasons.yml:2: invalid YAML" in broken.get_data(as_text=True)
