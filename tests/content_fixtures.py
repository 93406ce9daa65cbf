"""Fixtures for content tests: the small content tree under tests/data/content, copied and synced."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coach.content.sync import sync_folder
from coach.extensions import db

FIXTURE_CONTENT = Path(__file__).resolve().parent / "data" / "content"
SHIPPED_CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private, editable copy of the fixture content tree."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, target)
    return target


@pytest.fixture
def app_config(content_dir: Path) -> dict[str, str]:
    """Point the app at the test's content copy."""
    return {"CONTENT_DIR": str(content_dir)}


@pytest.fixture
def synced(app, content_dir: Path) -> Path:
    """The fixture content, synced into this test's database."""
    problems, result = sync_folder(db.session, content_dir)
    assert not problems.errors, problems.errors
    assert result is not None and result.changed
    db.session.commit()
    return content_dir
