"""Audit pinned requirements (and, with --installed, their installed dependencies) for known advisories.

pip-audit's approach without pip-audit, which cannot run here: ask OSV (api.osv.dev) first, and when it
does not answer, say so loudly and use the committed snapshot security/advisories.json (OSV facts copied
from the PyPA advisory database). Exit 1 when a pinned or installed version is affected and a fixed
version exists; an affected version with no fix is a warning (exit 0). Exit 2 for unusable input.

    python scripts/dep_audit.py [-r requirements.txt] [--installed] [--offline] [--max-age-days 90]
    python scripts/dep_audit.py --installed --write-snapshot    # refresh the snapshot (needs OSV)
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import re
import sys
import urllib.request
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import InvalidVersion, Version
except ImportError:  # a bare venv has no packaging, but pip always vendors one
    from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
    from pip._vendor.packaging.utils import canonicalize_name
    from pip._vendor.packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "security" / "advisories.json"
OSV_BATCH_URL = "https://api.osv.dev/v1/querybatch"
OSV_VULN_URL = "https://api.osv.dev/v1/vulns/{}"
OSV_QUERY_URL = "https://api.osv.dev/v1/query"
LIVE_TIMEOUT = 3.0

Fetch = Callable[[str, "dict[str, Any] | None", float], Any]


class AuditError(Exception):
    """Input the audit cannot use: a missing file, a bad line, a broken snapshot."""


@dataclass(frozen=True)
class Pin:
    """One exact package version to check, and where it came from."""

    name: str
    version: str
    origin: str
    extras: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Advisory:
    """One advisory for one package: OSV `affected` entries (ranges and explicit versions)."""

    id: str
    package: str
    summary: str
    aliases: tuple[str, ...]
    affected: tuple[dict[str, Any], ...]
    withdrawn: str | None = None


@dataclass(frozen=True)
class Finding:
    """A pin that an advisory affects, with the versions that fix it (empty: no fix known)."""

    pin: Pin
    advisory: Advisory
    fixes: tuple[str, ...]


@dataclass
class Requirements:
    """What a requirements file asks for: exact pins, plus lines that cannot be audited as pins."""

    pins: list[Pin]
    unpinned: list[str]


@dataclass
class Source:
    """Where advisories came from: OSV live, or the snapshot (which lists the packages it covers)."""

    label: str
    advisories: dict[str, list[Advisory]]
    covered: frozenset[str] | None  # None: every package (live OSV)


# ---- requirements ---------------------------------------------------------------------------------

_COMMENT = re.compile(r"(^|\s)#.*$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(?P<path>\S+)$")
_LINE_OPTION = re.compile(r"\s--?[A-Za-z][\w-]*.*$")  # per-line options such as --hash=...


def logical_lines(text: str) -> Iterable[tuple[int, str]]:
    """Yield (line number, line) with comments stripped and backslash continuations joined."""
    buffer, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = _COMMENT.sub("", raw).rstrip()
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1] + " "
            continue
        joined, buffer = (buffer + line).strip(), ""
        if joined:
            yield start, joined


def parse_requirements(path: Path, _seen: set[Path] | None = None) -> Requirements:
    """Read a requirements file, following `-r` includes relative to the including file."""
    seen = set() if _seen is None else _seen
    path = path.resolve()
    if path in seen:
        return Requirements([], [])
    seen.add(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise AuditError(f"cannot read requirements file {path}: {error}") from error
    result = Requirements([], [])
    for number, line in logical_lines(text):
        origin = f"{path.name}:{number}"
        include = _INCLUDE.match(line)
        if include:
            nested = parse_requirements(path.parent / include["path"], seen)
            result.pins += nested.pins
            result.unpinned += nested.unpinned
        elif line.startswith("-"):
            # -c constraints install nothing; -e/--index-url and friends are not pins either.
            result.unpinned.append(f"{origin}: {line} (option, not audited)")
        else:
            pin = _pin_from_line(_LINE_OPTION.sub("", line), origin)
            if isinstance(pin, Pin):
                result.pins.append(pin)
            else:
                result.unpinned.append(pin)
    return result


def _pin_from_line(line: str, origin: str) -> Pin | str:
    """A Pin for `name[extras]==version`, or a note saying why the line is not a pin."""
    try:
        requirement = Requirement(line)
    except InvalidRequirement as error:
        raise AuditError(f"{origin}: cannot parse {line!r}: {error}") from error
    specs = list(requirement.specifier)
    if requirement.url or len(specs) != 1 or specs[0].operator not in ("==", "===") or "*" in specs[0].version:
        return f"{origin}: {line} (not pinned to one version; audit it with --installed)"
    return Pin(canonicalize_name(requirement.name), specs[0].version, origin, frozenset(requirement.extras))


def installed_closure(roots: Iterable[Pin]) -> tuple[list[Pin], list[str]]:
    """The installed versions of the roots and everything they require, via importlib.metadata."""
    dists: dict[str, importlib.metadata.Distribution] = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            dists.setdefault(canonicalize_name(name), dist)  # first on sys.path wins, as for import
    pins: dict[str, Pin] = {}
    extras_seen: dict[str, set[str]] = {}
    missing: list[str] = []
    queue = [(root.name, set(root.extras), "requirements") for root in roots]
    while queue:
        name, extras, parent = queue.pop(0)
        known = extras_seen.get(name)
        if known is not None and extras <= known:
            continue
        extras_seen.setdefault(name, set()).update(extras)
        dist = dists.get(name)
        if dist is None:
            missing.append(f"{name} (required by {parent}) is not installed")
            continue
        pins.setdefault(name, Pin(name, dist.version, f"installed, required by {parent}"))
        environments = [{"extra": extra} for extra in sorted(extras_seen[name])] or [{"extra": ""}]
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                queue.append((canonicalize_name(requirement.name), set(requirement.extras), name))
    return sorted(pins.values(), key=lambda pin: pin.name), missing


# ---- advisories -----------------------------------------------------------------------------------


def advisories_from_osv(record: dict[str, Any]) -> list[Advisory]:
    """One Advisory per PyPI package named in an OSV record (its `affected` entries kept as they are)."""
    by_package: dict[str, list[dict[str, Any]]] = {}
    for entry in record.get("affected", []):
        package = entry.get("package", {})
        if package.get("ecosystem") == "PyPI" and package.get("name"):
            by_package.setdefault(canonicalize_name(package["name"]), []).append(entry)
    summary = record.get("summary") or (record.get("details") or "").strip().split("\n")[0][:160]
    return [
        Advisory(record["id"], package, summary, tuple(record.get("aliases", [])), tuple(entries),
                 record.get("withdrawn"))
        for package, entries in by_package.items()
    ]


def load_snapshot(path: Path) -> tuple[Source, dict[str, Any]]:
    """The committed snapshot as a Source, plus its header (dates, origin)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        advisories: dict[str, list[Advisory]] = {}
        for item in data["advisories"]:
            advisory = Advisory(item["id"], canonicalize_name(item["package"]), item["summary"],
                                tuple(item.get("aliases", [])), tuple(item["affected"]), item.get("withdrawn"))
            advisories.setdefault(advisory.package, []).append(advisory)
        covered = frozenset(canonicalize_name(name) for name in data["covered_packages"])
        dt.date.fromisoformat(data["snapshot_date"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise AuditError(f"unusable advisory snapshot {path}: {error!r}") from error
    return Source(f"snapshot {path.name} of {data['snapshot_date']}", advisories, covered), data


def _bound(value: str) -> Version | None:
    """An event's version; None for introduced "0" and for strings that are not PEP 440 (git hashes)."""
    try:
        return None if value == "0" else Version(value)
    except InvalidVersion:
        return None


def _events(ranges: Iterable[dict[str, Any]]) -> list[tuple[str, str, Version | None]]:
    """(kind, text, version) of each comparable event, lowest first ("0" before everything)."""
    usable = [next(iter(e.items())) for r in ranges for e in r.get("events", []) if len(e) == 1]
    usable = [(kind, text, _bound(text)) for kind, text in usable if text == "0" or _bound(text)]
    return sorted(usable, key=lambda event: (event[2] is not None, event[2] or Version("0")))


def in_range(version: Version, events: Sequence[dict[str, str]]) -> bool:
    """OSV ECOSYSTEM range semantics: introduced <= v, and v < fixed, and v <= last_affected."""
    affected = False
    for kind, _, bound in _events([{"events": events}]):
        if kind == "introduced" and (bound is None or version >= bound):
            affected = True
        elif kind == "fixed" and bound is not None and version >= bound:
            affected = False
        elif kind == "last_affected" and bound is not None and version > bound:
            affected = False
    return affected


def check_pin(pin: Pin, advisory: Advisory) -> Finding | None:
    """A Finding when the advisory affects the pinned version, None otherwise."""
    version = _bound(pin.version)
    if version is None or advisory.withdrawn:
        return None
    affected, fixes = False, []
    for entry in advisory.affected:
        ranges = [r for r in entry.get("ranges", []) if r.get("type") in ("ECOSYSTEM", "SEMVER")]
        listed = {_bound(text) for text in entry.get("versions", [])}
        if version in listed or any(in_range(version, r.get("events", [])) for r in ranges):
            affected = True
        for kind, text, bound in _events(ranges):
            if kind == "fixed" and bound is not None and bound > version:
                fixes.append(text)
            elif kind == "last_affected" and bound is not None and bound >= version:
                fixes.append(f">{text}")  # no release is named as the fix, but later ones are unaffected
    return Finding(pin, advisory, tuple(dict.fromkeys(fixes))) if affected else None


# ---- live source ----------------------------------------------------------------------------------


def fetch_json(url: str, payload: dict[str, Any] | None, timeout: float) -> Any:
    """GET (or POST `payload` as JSON) and decode the JSON answer."""
    body = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 — fixed https URLs
        return json.load(response)


def live_source(pins: Sequence[Pin], fetch: Fetch, timeout: float = LIVE_TIMEOUT) -> Source:
    """Ask OSV which advisories affect each pin (querybatch), then fetch each advisory once."""
    queries = [{"package": {"name": pin.name, "ecosystem": "PyPI"}, "version": pin.version} for pin in pins]
    results = fetch(OSV_BATCH_URL, {"queries": queries}, timeout)["results"]
    ids = sorted({vuln["id"] for result in results for vuln in result.get("vulns") or []})
    advisories: dict[str, list[Advisory]] = {}
    for vuln_id in ids:
        for advisory in advisories_from_osv(fetch(OSV_VULN_URL.format(vuln_id), None, timeout)):
            advisories.setdefault(advisory.package, []).append(advisory)
    return Source("OSV (api.osv.dev, live)", advisories, None)


def write_snapshot(names: Iterable[str], path: Path, fetch: Fetch, today: dt.date) -> int:
    """Rewrite the snapshot from OSV's full advisory history of each package; returns the advisory count."""
    entries: list[dict[str, Any]] = []
    newest = ""
    for name in sorted(set(names)):
        seen: set[str] = set()
        token = None
        while True:
            query: dict[str, Any] = {"package": {"name": name, "ecosystem": "PyPI"}}
            answer = fetch(OSV_QUERY_URL, {**query, "page_token": token} if token else query, LIVE_TIMEOUT * 5)
            for record in answer.get("vulns") or []:
                newest = max(newest, record.get("modified", "")[:10])
                for advisory in advisories_from_osv(record):
                    if advisory.package != name or {advisory.id, *advisory.aliases} & seen:
                        continue  # OSV lists a PYSEC record and its GHSA twin: keep one
                    seen |= {advisory.id, *advisory.aliases}
                    entries.append(_snapshot_entry(advisory))
            token = answer.get("next_page_token")
            if not token:
                break
    document = {
        "snapshot_date": today.isoformat(),
        "data_as_of": newest or today.isoformat(),
        "source": f"OSV API {OSV_QUERY_URL} (PyPI ecosystem), written by scripts/dep_audit.py --write-snapshot",
        "ecosystem": "PyPI",
        "covered_packages": sorted(set(names)),
        "advisories": entries,
    }
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def _snapshot_entry(advisory: Advisory) -> dict[str, Any]:
    """An advisory as the snapshot stores it: OSV facts, with the fixed versions spelled out."""
    affected = [{key: entry[key] for key in ("ranges", "versions") if key in entry} for entry in advisory.affected]
    fixed = [e["fixed"] for entry in affected for r in entry.get("ranges", []) for e in r.get("events", [])
             if "fixed" in e and r.get("type") == "ECOSYSTEM"]
    entry: dict[str, Any] = {"id": advisory.id, "aliases": list(advisory.aliases), "package": advisory.package,
                             "summary": advisory.summary, "affected": affected, "fixed": fixed}
    if advisory.withdrawn:
        entry["withdrawn"] = advisory.withdrawn
    return entry


# ---- command line ---------------------------------------------------------------------------------


def describe(finding: Finding) -> str:
    """The report lines for one finding: package, pinned version, advisory, summary, fix."""
    pin, advisory = finding.pin, finding.advisory
    aliases = f" ({', '.join(advisory.aliases)})" if advisory.aliases else ""
    fix = f"fixed in {', '.join(finding.fixes)}" if finding.fixes else "NO FIX AVAILABLE"
    return f"  {pin.name}=={pin.version} [{pin.origin}]\n      {advisory.id}{aliases}: {advisory.summary}\n      -> {fix}"


def build_parser() -> argparse.ArgumentParser:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-r", "--requirement", type=Path, default=ROOT / "requirements.txt")
    parser.add_argument("--installed", action="store_true",
                        help="also check the installed versions of the requirements and their dependencies")
    parser.add_argument("--offline", action="store_true", help="do not try OSV; use the snapshot only")
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    parser.add_argument("--max-age-days", type=int, default=90, help="warn when the snapshot data is older")
    parser.add_argument("--write-snapshot", action="store_true",
                        help="rewrite --snapshot from OSV for the checked and already covered packages")
    return parser


def choose_source(args: argparse.Namespace, pins: Sequence[Pin], fetch: Fetch, today: dt.date) -> Source:
    """OSV when it answers; otherwise the snapshot, announced with its date and a staleness warning."""
    if not args.offline:
        try:
            return live_source(pins, fetch)
        except Exception as error:  # whatever broke (DNS, timeout, 404, bad JSON), fall back loudly
            print(f"!! OSV live source unavailable ({type(error).__name__}: {error}); "
                  "falling back to the committed snapshot")
    source, header = load_snapshot(args.snapshot)
    data_as_of = dt.date.fromisoformat(header.get("data_as_of", header["snapshot_date"]))
    print(f"!! using the advisory SNAPSHOT taken {header['snapshot_date']} (newest record {data_as_of}); "
          "it may be stale: advisories published since then are not known here")
    age = (today - dt.date.fromisoformat(header["snapshot_date"])).days  # since the source was last read
    if age > args.max_age_days:
        print(f"!! the snapshot data is {age} days old (over {args.max_age_days}): refresh it with --write-snapshot")
    return source


def report(pins: Sequence[Pin], source: Source, notes: Sequence[str]) -> int:
    """Print what was checked and found; 1 when a fix exists for an affected pin, else 0."""
    print(f"dep-audit: {len(pins)} package versions checked against {source.label}")
    uncovered = [p for p in pins if source.covered is not None and p.name not in source.covered]
    for note in [*notes, *(f"{p.name}=={p.version} is not in the snapshot (no data either way)" for p in uncovered)]:
        print(f"  note: {note}")
    findings = [f for pin in pins for a in source.advisories.get(pin.name, []) if (f := check_pin(pin, a))]
    fixable = [f for f in findings if f.fixes]
    unfixed = [f for f in findings if not f.fixes]
    for title, group in (("VULNERABLE, fix available:", fixable), ("WARNING, affected but no fix known:", unfixed)):
        if group:
            print(title, *(describe(f) for f in group), sep="\n")
    if fixable:
        names = sorted({f"{f.pin.name}=={f.pin.version}" for f in fixable})
        print(f"dep-audit: FAILED: {len(fixable)} advisories with a fix available affect {', '.join(names)}")
        return 1
    print(f"dep-audit: OK: no known vulnerability with a fix available ({len(unfixed)} warning(s))")
    return 0


def main(argv: Sequence[str] | None = None, *, fetch: Fetch = fetch_json, today: dt.date | None = None) -> int:
    """Run the audit (or --write-snapshot) and print the report; returns the exit status."""
    args = build_parser().parse_args(argv)
    today = today or dt.date.today()
    try:
        requirements = parse_requirements(args.requirement)
        pins, missing = list(requirements.pins), []
        if args.installed:
            installed, missing = installed_closure(requirements.pins)
            pins += installed
        unique: dict[tuple[str, str], Pin] = {}
        for pin in pins:  # a requirements line names the origin better than "installed"
            unique.setdefault((pin.name, pin.version), pin)
        pins = list(unique.values())
        if args.write_snapshot:
            covered = load_snapshot(args.snapshot)[0].covered if args.snapshot.exists() else frozenset()
            names = {pin.name for pin in pins} | set(covered or ())
            try:
                count = write_snapshot(names, args.snapshot, fetch, today)
            except Exception as error:  # the snapshot is left as it was
                raise AuditError(f"cannot refresh from OSV ({type(error).__name__}: {error})") from error
            print(f"dep-audit: wrote {count} advisories for {len(names)} packages to {args.snapshot}")
            return 0
        source = choose_source(args, pins, fetch, today)
    except AuditError as error:
        print(f"dep-audit: error: {error}")
        return 2
    return report(pins, source, requirements.unpinned + missing)


if __name__ == "__main__":
    sys.exit(main())
