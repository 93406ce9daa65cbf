"""The dependency audit (scripts/dep_audit.py): the gate over requirements.txt, and proof it is not vacuous.

No test touches the network: every run is --offline or gets a fake `fetch`.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import subprocess
import sys
import urllib.error
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "dep_audit.py"

# scripts/ is not a package: load the module from its file (registered first, as dataclasses need).
_spec = importlib.util.spec_from_file_location("dep_audit", SCRIPT)
assert _spec is not None and _spec.loader is not None
dep_audit = importlib.util.module_from_spec(_spec)
sys.modules["dep_audit"] = dep_audit
_spec.loader.exec_module(dep_audit)

SNAPSHOT_TAKEN = dt.date.fromisoformat(json.loads(dep_audit.SNAPSHOT.read_text())["snapshot_date"])


def no_network(url: str, payload: Any, timeout: float) -> Any:
    """A fetch that fails the test: offline runs must never reach for the network."""
    raise AssertionError(f"the audit tried the network: {url}")


def run_audit(tmp_path: Path, capsys: pytest.CaptureFixture[str], requirements: str, *args: str,
              fetch: Any = no_network, offline: bool = True, today: dt.date = SNAPSHOT_TAKEN) -> tuple[int, str]:
    """Write `requirements` to a file, audit it in-process; (exit status, printed report)."""
    path = tmp_path / "requirements.txt"
    path.write_text(requirements, encoding="utf-8")
    argv = ["-r", str(path), *(["--offline"] if offline else []), *args]
    status = dep_audit.main(argv, fetch=fetch, today=today)
    return status, capsys.readouterr().out


def snapshot_advisory(advisory_id: str) -> Any:
    """One advisory of the committed snapshot, by id."""
    source, _ = dep_audit.load_snapshot(dep_audit.SNAPSHOT)
    return next(a for advisories in source.advisories.values() for a in advisories if a.id == advisory_id)


def pin(name: str, version: str) -> Any:
    """A Pin as a requirements line would give it."""
    return dep_audit.Pin(name, version, "test")


# ---- the gate -------------------------------------------------------------------------------------


def test_requirements_have_no_known_vulnerability_with_a_fix() -> None:
    """`make test` fails while any pin or installed runtime dependency has a fixed advisory."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--offline", "--installed", "-r", str(ROOT / "requirements.txt")],
        capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "dep-audit: OK" in result.stdout
    assert "SNAPSHOT taken" in result.stdout


def test_snapshot_covers_every_installed_runtime_dependency() -> None:
    """A new dependency must bring its advisories into the snapshot, or the gate would pass by ignorance."""
    requirements = dep_audit.parse_requirements(ROOT / "requirements.txt")
    installed, missing = dep_audit.installed_closure(requirements.pins)
    source, _ = dep_audit.load_snapshot(dep_audit.SNAPSHOT)
    assert missing == []
    names = {p.name for p in [*requirements.pins, *installed]}
    assert sorted(names - source.covered) == [], "record their advisories in security/advisories.json"


def test_snapshot_records_are_well_formed() -> None:
    """Unique ids, canonical covered package names, and comparable versions in every event."""
    data = json.loads(dep_audit.SNAPSHOT.read_text())
    ids = [item["id"] for item in data["advisories"]]
    assert len(ids) == len(set(ids))
    for item in data["advisories"]:
        assert item["package"] in data["covered_packages"], item["id"]
        assert item["summary"] and "\n" not in item["summary"], item["id"]
        events = [e for entry in item["affected"] for r in entry["ranges"] for e in r["events"]]
        assert events or item["affected"][0].get("versions") or item.get("withdrawn"), item["id"]
        for event in events:
            (kind, version), = event.items()
            assert kind in ("introduced", "fixed", "last_affected"), item["id"]
            assert version == "0" or dep_audit._bound(version) is not None, item["id"]
        assert item["fixed"] == [e["fixed"] for e in events if "fixed" in e], item["id"]


# ---- it finds what it should ----------------------------------------------------------------------


@pytest.mark.parametrize(("line", "advisory_id", "fixed_in"), [
    ("Jinja2==3.1.5", "PYSEC-2026-1471", "3.1.6"),
    ("Werkzeug==2.2.2", "PYSEC-2023-58", "2.2.3"),
    ("Flask==2.3.1", "PYSEC-2023-62", "2.3.2"),
    ("gunicorn==21.2.0", "PYSEC-2026-1434", "22.0.0"),
    ("PyYAML==5.3", "PYSEC-2020-96", "5.3.1"),
    ("idna==3.6", "PYSEC-2024-60", "3.7"),
])
def test_vulnerable_pin_is_reported_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              line: str, advisory_id: str, fixed_in: str) -> None:
    """An old, known-vulnerable pin is named with its advisory and fix, and the exit status is 1."""
    status, out = run_audit(tmp_path, capsys, f"{line}\n")
    assert status == 1
    assert "VULNERABLE, fix available:" in out
    name, version = line.split("==")
    assert f"{name.lower()}=={version} [requirements.txt:1]" in out
    advisory_line = next(text for text in out.splitlines() if advisory_id in text)
    assert snapshot_advisory(advisory_id).summary in advisory_line
    assert fixed_in in out.split(advisory_line, 1)[1].splitlines()[1]


@pytest.mark.parametrize("line", ["Jinja2==3.1.6", "Werkzeug==3.1.6", "Flask==3.1.3", "gunicorn==22.0.0"])
def test_fixed_version_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str], line: str) -> None:
    """The first release carrying every fix passes."""
    status, out = run_audit(tmp_path, capsys, f"{line}\n")
    assert status == 0
    assert "dep-audit: OK" in out and "VULNERABLE" not in out


def test_includes_extras_comments_and_continuations_are_followed(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """A vulnerable pin inside a `-r` include, behind extras or a hash continuation, is still found."""
    (tmp_path / "base.txt").write_text(
        "# runtime\nFlask-Limiter[redis]==4.1.1  # rate limits\nWerkzeug==3.0.0 \\\n    --hash=sha256:00\n"
    )
    status, out = run_audit(tmp_path, capsys, "-r base.txt\njinja2 [i18n] == 3.1.4 ; python_version >= '3'\n")
    assert status == 1
    assert "werkzeug==3.0.0 [base.txt:3]" in out
    assert "jinja2==3.1.4 [requirements.txt:2]" in out
    parsed = dep_audit.parse_requirements(tmp_path / "requirements.txt")
    assert [(p.name, p.version, p.extras) for p in parsed.pins] == [
        ("flask-limiter", "4.1.1", frozenset({"redis"})),
        ("werkzeug", "3.0.0", frozenset()),
        ("jinja2", "3.1.4", frozenset({"i18n"})),
    ]


def test_include_cycle_and_spelling_variants(tmp_path: Path) -> None:
    """Includes that loop are read once; names are normalised as PEP 503 says."""
    (tmp_path / "a.txt").write_text("--requirement=b.txt\nFlask_SQLAlchemy==3.1.1\n")
    (tmp_path / "b.txt").write_text("-ra.txt\nJINJA2===3.1.6\n")
    parsed = dep_audit.parse_requirements(tmp_path / "a.txt")
    assert [(p.name, p.version) for p in parsed.pins] == [("jinja2", "3.1.6"), ("flask-sqlalchemy", "3.1.1")]


# ---- OSV range semantics --------------------------------------------------------------------------


@pytest.mark.parametrize(("advisory_id", "version", "affected"), [
    # introduced/fixed, two ranges: [0, 2.2.5) and [2.3.0, 2.3.2)
    ("PYSEC-2023-62", "0.1", True), ("PYSEC-2023-62", "2.2.4", True), ("PYSEC-2023-62", "2.2.5", False),
    ("PYSEC-2023-62", "2.3.0", True), ("PYSEC-2023-62", "2.3.1", True), ("PYSEC-2023-62", "2.3.2", False),
    # introduced at a real version, three ranges
    ("PYSEC-2023-45", "4.1.4", False), ("PYSEC-2023-45", "4.2.0", True), ("PYSEC-2023-45", "4.3.6", False),
    ("PYSEC-2023-45", "4.4.0", True), ("PYSEC-2023-45", "4.5.3", False),
    # introduced at a pre-release
    ("PYSEC-2026-3417", "1.0.1", False), ("PYSEC-2026-3417", "2.0.0rc1", True), ("PYSEC-2026-3417", "3.0.6", False),
    # last_affected: 3.8 is affected, later releases are not
    ("PYSEC-2026-89", "3.7", True), ("PYSEC-2026-89", "3.8", True), ("PYSEC-2026-89", "3.8.1", False),
    ("PYSEC-2026-89", "3.11.3", False),
])
def test_range_semantics(advisory_id: str, version: str, affected: bool) -> None:
    """Real snapshot records read the way OSV defines ECOSYSTEM ranges."""
    advisory = snapshot_advisory(advisory_id)
    assert (dep_audit.check_pin(pin(advisory.package, version), advisory) is not None) is affected


def test_fixes_offered_are_the_ones_above_the_pin() -> None:
    """A fix on an older branch is not offered; last_affected offers 'anything later'."""
    redis = dep_audit.check_pin(pin("redis", "4.4.1"), snapshot_advisory("PYSEC-2023-45"))
    assert redis is not None and redis.fixes == ("4.4.3", "4.5.3")
    markdown = dep_audit.check_pin(pin("markdown", "3.8"), snapshot_advisory("PYSEC-2026-89"))
    assert markdown is not None and markdown.fixes == (">3.8",)


def test_explicit_versions_list_without_ranges() -> None:
    """Listed versions are affected, others are not, and with no range there is no fix to offer."""
    advisory = dep_audit.Advisory("TEST-1", "examplepkg", "listed only", (), ({"versions": ["1.0.0", "1.2.0"]},))
    assert dep_audit.check_pin(pin("examplepkg", "1.1.0"), advisory) is None
    finding = dep_audit.check_pin(pin("examplepkg", "1.2.0"), advisory)
    assert finding is not None and finding.fixes == ()


def test_withdrawn_advisory_is_ignored() -> None:
    """redis has withdrawn records with no upper bound; they must not flag every redis release."""
    withdrawn = snapshot_advisory("PYSEC-2023-73")
    assert dep_audit.check_pin(pin("redis", "7.4.1"), withdrawn) is None
    assert dep_audit.check_pin(pin("redis", "7.4.1"), dataclasses.replace(withdrawn, withdrawn=None)) is not None


# ---- what passes, warns or errors ----------------------------------------------------------------


def write_snapshot(path: Path, advisories: list[dict[str, Any]], covered: list[str]) -> Path:
    """A small snapshot file for one test."""
    path.write_text(json.dumps({"snapshot_date": "2026-01-01", "data_as_of": "2026-01-01", "source": "test",
                                "covered_packages": covered, "advisories": advisories}))
    return path


def test_affected_without_fix_warns_and_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No fixed release: reported as a warning, exit 0."""
    snapshot = write_snapshot(tmp_path / "snap.json", [{
        "id": "TEST-2", "aliases": ["CVE-0000-0001"], "package": "examplepkg", "summary": "Unfixed flaw",
        "affected": [{"ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}], "fixed": [],
    }], ["examplepkg"])
    status, out = run_audit(tmp_path, capsys, "examplepkg==2.0\n", "--snapshot", str(snapshot))
    assert status == 0
    assert "WARNING, affected but no fix known:" in out and "TEST-2 (CVE-0000-0001): Unfixed flaw" in out
    assert "NO FIX AVAILABLE" in out and "1 warning(s)" in out


def test_unknown_and_unpinned_packages_pass_with_a_note(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A package the snapshot has never heard of is fine, but the report says it was not covered."""
    status, out = run_audit(tmp_path, capsys, "surely-not-a-real-package==1.0\nflask>=3\n")
    assert status == 0
    assert "surely-not-a-real-package==1.0 is not in the snapshot" in out
    assert "flask>=3 (not pinned to one version" in out


@pytest.mark.parametrize("problem", ["missing requirements", "broken snapshot", "bad line"])
def test_unusable_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], problem: str) -> None:
    """A missing file, an unreadable snapshot or a line that is no requirement is an error, not a pass."""
    (tmp_path / "broken.json").write_text("{")
    args = {"missing requirements": ["-r", str(tmp_path / "nope.txt")],
            "broken snapshot": ["--snapshot", str(tmp_path / "broken.json")]}.get(problem, [])
    requirements = "flask==3.1.3\n" if problem != "bad line" else "flask==3.1.3 !!\n"
    status, out = run_audit(tmp_path, capsys, requirements, *args)
    assert status == 2
    assert "dep-audit: error:" in out


def test_snapshot_age_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The snapshot always announces itself; --max-age-days after it was taken it also says how old it is."""
    _, fresh = run_audit(tmp_path, capsys, "flask==3.1.3\n", today=SNAPSHOT_TAKEN + dt.timedelta(days=10))
    assert "SNAPSHOT taken" in fresh and "may be stale" in fresh and "days old" not in fresh
    _, old = run_audit(tmp_path, capsys, "flask==3.1.3\n", "--max-age-days", "30",
                       today=SNAPSHOT_TAKEN + dt.timedelta(days=45))
    assert "the snapshot data is 45 days old (over 30)" in old


# ---- the live source, faked -----------------------------------------------------------------------

LIVE_RECORD = {
    "id": "GHSA-live-0001", "aliases": ["CVE-2099-0001"], "summary": "Only OSV knows this one",
    "affected": [{"package": {"name": "Flask", "ecosystem": "PyPI"},
                  "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "3.0.0"}, {"fixed": "3.9.0"}]}]}],
}


def test_live_osv_answer_is_used_when_reachable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """With OSV answering, its advisories are checked and the snapshot is not mentioned."""
    calls: list[tuple[str, Any]] = []

    def fake_osv(url: str, payload: Any, timeout: float) -> Any:
        calls.append((url, payload))
        assert timeout <= 3
        if url == dep_audit.OSV_BATCH_URL:
            return {"results": [{"vulns": [{"id": "GHSA-live-0001"}]}]}
        return LIVE_RECORD

    status, out = run_audit(tmp_path, capsys, "flask==3.1.3\n", fetch=fake_osv, offline=False)
    assert status == 1
    assert calls[0] == (dep_audit.OSV_BATCH_URL, {"queries": [
        {"package": {"name": "flask", "ecosystem": "PyPI"}, "version": "3.1.3"}]})
    assert "GHSA-live-0001 (CVE-2099-0001): Only OSV knows this one" in out and "fixed in 3.9.0" in out
    assert "OSV (api.osv.dev, live)" in out and "SNAPSHOT" not in out


def test_unreachable_osv_falls_back_loudly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No answer from OSV: say so, name the snapshot date, warn it may be stale, and still gate."""
    def unreachable(url: str, payload: Any, timeout: float) -> Any:
        raise urllib.error.URLError("Name or service not known")

    status, out = run_audit(tmp_path, capsys, "Jinja2==3.1.5\n", fetch=unreachable, offline=False)
    assert status == 1
    assert "OSV live source unavailable (URLError" in out and "falling back to the committed snapshot" in out
    assert "SNAPSHOT taken 2026-11-27" in out and "may be stale" in out
    assert "PYSEC-2026-1471" in out


def test_write_snapshot_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--write-snapshot keeps one of a PYSEC/GHSA pair, and the file it writes audits like the original."""
    twin = {**LIVE_RECORD, "id": "PYSEC-2099-1", "aliases": ["GHSA-live-0001", "CVE-2099-0001"],
            "modified": "2099-01-02T00:00:00Z"}

    def fake_osv(url: str, payload: Any, timeout: float) -> Any:
        assert url == dep_audit.OSV_QUERY_URL
        return {"vulns": [twin, LIVE_RECORD] if payload["package"]["name"] == "flask" else []}

    snapshot = tmp_path / "fresh.json"
    status, out = run_audit(tmp_path, capsys, "flask==3.1.3\n", "--write-snapshot", "--snapshot", str(snapshot),
                            fetch=fake_osv, offline=False, today=dt.date(2099, 1, 3))
    assert status == 0 and "wrote 1 advisories for 1 packages" in out
    data = json.loads(snapshot.read_text())
    assert (data["snapshot_date"], data["data_as_of"], data["covered_packages"]) == ("2099-01-03", "2099-01-02",
                                                                                      ["flask"])
    assert [(a["id"], a["fixed"]) for a in data["advisories"]] == [("PYSEC-2099-1", ["3.9.0"])]
    status, out = run_audit(tmp_path, capsys, "flask==3.1.3\n", "--snapshot", str(snapshot),
                            today=dt.date(2099, 1, 3))
    assert status == 1 and "PYSEC-2099-1" in out
