"""Importing CRM exports: every preset, GBK, re-import, dry run, skip-invalid and each kind of bad row."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.deals.importer import ImportRefused, import_deals
from coach.demo import load_demo
from coach.extensions import db
from coach.models import Deal

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "crm-samples"


@pytest.fixture
def demo(app):
    """The demo people, so the samples' owner e-mails exist."""
    load_demo(db.session)
    db.session.commit()


def _count() -> int:
    return db.session.scalar(select(func.count(Deal.id)))


@pytest.mark.parametrize(("preset", "outcomes"), [
    ("generic", {"QY-2026-001": "won", "QY-2026-002": "open", "QY-2026-003": "lost", "QY-2026-004": "no-decision"}),
    ("hubspot", {"9812345001": "won", "9812345002": "open", "9812345003": "lost"}),
    ("salesforce", {"0065g00000ABC01": "won", "0065g00000ABC02": "open", "0065g00000ABC03": "no-decision"}),
    ("pipedrive", {"4101": "lost", "4102": "no-decision", "4103": "open"}),
])
def test_every_preset_with_its_sample(demo, preset, outcomes):
    report = import_deals(db.session, (SAMPLES / f"{preset}.csv").read_bytes(), preset_name=preset)
    assert report.problems == [] and len(report.created) == len(outcomes)
    deals = {d.external_id: d for d in db.session.scalars(select(Deal).where(Deal.source == preset))}
    assert {key: deal.outcome for key, deal in deals.items()} == outcomes
    huaxin = next((d for d in deals.values() if d.name == "Huaxin line 3 monitoring"), None)
    if huaxin is not None:
        assert str(huaxin.amount) == "246700.00" and huaxin.owner.email == "zhang.wei@qingyun.example"
        assert huaxin.close_date.isoformat() == "2026-09-30"


def test_reimport_changes_nothing_and_updates_change(demo):
    raw = (SAMPLES / "generic.csv").read_bytes()
    import_deals(db.session, raw, preset_name="generic")
    db.session.commit()
    again = import_deals(db.session, raw, preset_name="generic")
    assert (len(again.created), len(again.changed), len(again.unchanged)) == (0, 0, 4)
    edited = raw.replace(b"2026-12-15", b"2027-01-15")
    assert import_deals(db.session, edited, preset_name="generic").changed == ["QY-2026-002 Dingsheng plant 2 pilot"]


def test_gbk_and_bom_files(demo):
    text = (SAMPLES / "generic.csv").read_text(encoding="utf-8").replace("Huaxin Precision Parts", "华信精密零件")
    for raw in (text.encode("gbk"), text.encode("gb18030"), b"\xef\xbb\xbf" + text.encode("utf-8")):
        report = import_deals(db.session, raw, preset_name="generic", dry_run=True)
        assert report.problems == [] and len(report.created) == 4
    import_deals(db.session, text.encode("gbk"), preset_name="generic")
    assert db.session.scalar(select(Deal.account).where(Deal.external_id == "QY-2026-001")) == "华信精密零件"


BAD_ROWS = [
    ("missing external id", "QY-2026-001,", ",", "row 2, column external_id: this cell is required"),
    ("amount 1,2,3", '"246,700.00"', '"1,2,3"', "row 2, column amount: '1,2,3' is not an amount"),
    ("unknown owner", "zhang.wei@qingyun.example", "nobody@qingyun.example",
     "row 2, column owner_email: no Coach user has the e-mail 'nobody@qingyun.example'"),
    ("unknown date format", "2026-09-30", "30th Sept", "row 2, column close_date: '30th Sept' is not a date"),
    ("unknown stage", ",won,", ",signed,", "row 2, column stage: unknown stage 'signed'"),
]


@pytest.mark.parametrize(("old", "new", "message"), [b[1:] for b in BAD_ROWS], ids=[b[0] for b in BAD_ROWS])
def test_a_bad_row_imports_nothing_and_is_named(demo, old, new, message):
    raw = (SAMPLES / "generic.csv").read_text(encoding="utf-8").replace(old, new, 1).encode()
    report = import_deals(db.session, raw, preset_name="generic")
    assert message in [str(p) for p in report.problems][0]
    assert report.created == [] and _count() == 0


def test_skip_invalid_imports_the_rest(demo):
    raw = (SAMPLES / "generic.csv").read_text(encoding="utf-8").replace("2026-09-30", "someday").encode()
    report = import_deals(db.session, raw, preset_name="generic", skip_invalid=True)
    assert len(report.created) == 3 and [str(p) for p in report.skipped][0].startswith("row 2, column close_date")
    assert _count() == 3


@pytest.mark.parametrize(("raw", "message"), [
    (b"", "the file is empty"),
    (b"   \n", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV text file"),
    (b"a,b,c\n1,2,3\n", "this is not a generic export: column(s) external_id, name, stage, owner_email missing"),
    (b"external_id,name,stage,owner_email\n", "the file has a header but no deals"),
])
def test_files_that_cannot_be_read(demo, raw, message):
    with pytest.raises(ImportRefused, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_deals(db.session, raw, preset_name="generic")


def test_cli_dry_run_and_errors(runner, demo, tmp_path):
    result = runner.invoke(args=["deals", "import", str(SAMPLES / "hubspot.csv"), "--preset", "hubspot", "--dry-run"])
    assert result.exit_code == 0 and "would create: 9812345001 Huaxin line 3 monitoring" in result.output
    assert _count() == 0
    bad = tmp_path / "bad.csv"
    bad.write_text((SAMPLES / "generic.csv").read_text().replace("negotiation", "signed"), encoding="utf-8")
    result = runner.invoke(args=["deals", "import", str(bad), "--preset", "generic"])
    assert result.exit_code == 1 and "row 3, column stage: unknown stage 'signed'" in result.output
    assert "nothing was imported" in result.output and _count() == 0
    ok = runner.invoke(args=["deals", "import", str(SAMPLES / "pipedrive.csv"), "--preset", "pipedrive"])
    assert ok.exit_code == 0 and "3 created" in ok.output and _count() == 3
