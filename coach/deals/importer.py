"""Importing CRM deal exports: check every row first, then upsert by (source, external id) in one go."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.deals.presets import PRESETS, REQUIRED, Preset
from coach.limits import MAX_AMOUNT
from coach.models import Deal, User

AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
CURRENCY_NOISE = re.compile(r"[¥$€£\s]|CNY|RMB|USD|EUR|元", re.IGNORECASE)
COMPARED = ("name", "account", "amount", "currency", "stage", "outcome", "close_date", "owner_id", "competitor")


@dataclass(frozen=True)
class RowProblem:
    """What is wrong with one cell: `row N, column C: message` (row 1 is the header)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRefused(ValueError):
    """The whole file cannot be read (empty, not CSV, wrong columns)."""


@dataclass
class ImportReport:
    """What an import did, or would do in a dry run."""

    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


# What a file is when its first bytes say so: files people upload by mistake instead of a CSV export.
SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx workbook?)"), (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls workbook"), (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"), (b"\xff\xfe", "UTF-16 text"), (b"\xfe\xff", "UTF-16 text"),
)
# Control characters that only binary data has (tab, line and page breaks do occur in exported cells).
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")


def decode(raw: bytes) -> str:
    """Text from UTF-8 (with or without BOM) or GBK/GB18030, the encodings Chinese Excel exports use.

    Refuses what is not CSV text, whatever the file's name says: workbooks, archives, images, binary data.
    """
    if not raw.strip():
        raise ImportRefused("the file is empty")
    kind = next((what for magic, what in SIGNATURES if raw.startswith(magic)), None)
    if kind is not None:
        raise ImportRefused(f"the file is not a CSV text file: it is {kind}; export or save it as CSV (UTF-8)")
    if b"\x00" in raw:
        raise ImportRefused("the file is not a CSV text file (it contains binary data)")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if CONTROL.search(text):
            raise ImportRefused("the file is not a CSV text file (it contains binary data)")
        return text
    raise ImportRefused("the file is neither UTF-8 nor GBK/GB18030 text")


def parse_amount(text: str) -> Decimal:
    """An amount as CRMs export it: 120000, 120,000.50, ¥120,000; refuses '1,2,3' and what the table cannot hold."""
    cleaned = CURRENCY_NOISE.sub("", text)
    if not AMOUNT.match(cleaned):
        raise ValueError(f"'{text[:40]}' is not an amount (use 120000 or 120,000.50)")
    try:
        return check_amount(Decimal(cleaned.replace(",", "")))
    except InvalidOperation as exc:
        raise ValueError(f"'{text[:40]}' is not an amount") from exc


def check_amount(amount: Decimal) -> Decimal:
    """`amount`, when the deals table can hold it; a ValueError for larger ones, NaN and infinities."""
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT:
        raise ValueError(f"'{amount}' is not an amount up to {MAX_AMOUNT:,}")
    return amount


def parse_date(text: str, formats: tuple[str, ...]) -> date:
    """A date in one of the preset's formats."""
    for fmt in formats:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date in a known format ({', '.join(f.replace('%', '') for f in formats[:3])})")


def read_rows(raw: bytes, preset: Preset) -> list[tuple[int, dict[str, str]]]:
    """The rows of the export as {our field: cell}, each with its row number; refuses unreadable files."""
    text = decode(raw)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    headers = [h.strip() for h in (reader.fieldnames or []) if h]
    if not headers:
        raise ImportRefused("the file is empty")
    wanted = {preset.columns[f]: f for f in preset.columns}
    missing = [preset.columns[f] for f in REQUIRED if preset.columns[f] not in headers]
    if missing:
        raise ImportRefused(f"this is not a {preset.name} export: column(s) {', '.join(missing)} missing "
                            f"(found {', '.join(headers[:8]) or 'none'})")
    rows = []
    for number, record in enumerate(reader, start=2):
        values = {wanted[k.strip()]: (v or "").strip() for k, v in record.items() if k and k.strip() in wanted}
        if any(values.values()):
            rows.append((number, values))
    if not rows:
        raise ImportRefused("the file has a header but no deals")
    return rows


def _outcome(values: dict[str, str], preset: Preset, row: int, problems: list[RowProblem]) -> str:
    if preset.status_values:
        status = values.get("status", "").lower()
        outcome = preset.status_values.get(status)
        if outcome is None:
            problems.append(RowProblem(row, preset.columns["status"], f"unknown status '{values.get('status', '')}'"))
            return "open"
        if outcome == "lost" and "no decision" in values.get("lost_reason", "").lower():
            return "no-decision"
        if status == "open" and values["stage"].lower() not in preset.stages:
            problems.append(RowProblem(row, preset.columns["stage"], f"unknown stage '{values['stage']}'"))
        return outcome
    outcome = preset.stages.get(values["stage"].lower())
    if outcome is None:
        known = ", ".join(sorted(preset.stages))
        problems.append(RowProblem(row, preset.columns["stage"], f"unknown stage '{values['stage']}' (known: {known})"))
        return "open"
    return outcome


def check_row(row: int, values: dict[str, str], preset: Preset, owners: dict[str, User]) -> tuple[dict[str, Any],
                                                                                              list[RowProblem]]:
    """The deal's fields from one row, and every problem with its cells."""
    problems: list[RowProblem] = []
    col = preset.columns
    for required in ("external_id", "name", "stage", "owner_email"):
        if not values.get(required):
            problems.append(RowProblem(row, col[required], "this cell is required"))
    if len(values.get("external_id", "")) > 128:
        # Cutting an id short could make two deals one; descriptive cells below are cut to their columns instead.
        problems.append(RowProblem(row, col["external_id"], "an id has at most 128 characters"))
    fields: dict[str, Any] = {"external_id": values.get("external_id", "")[:128], "name": values.get("name", "")[:300],
                              "account": values.get("account", "")[:300], "stage": values.get("stage", "")[:120],
                              "competitor": values.get("competitor", "")[:200],
                              "currency": (values.get("currency") or preset.default_currency).upper()[:3]}
    if values.get("amount"):
        try:
            fields["amount"] = parse_amount(values["amount"])
        except ValueError as exc:
            problems.append(RowProblem(row, col["amount"], str(exc)))
    else:
        fields["amount"] = None
    if values.get("close_date"):
        try:
            fields["close_date"] = parse_date(values["close_date"], preset.date_formats)
        except ValueError as exc:
            problems.append(RowProblem(row, col["close_date"], str(exc)))
    else:
        fields["close_date"] = None
    email = values.get("owner_email", "").lower()
    if email:
        owner = owners.get(email)
        if owner is None:
            problems.append(RowProblem(row, col["owner_email"], f"no Coach user has the e-mail '{email}'"))
        fields["owner_id"] = owner.id if owner else None
    if values.get("stage"):
        fields["outcome"] = _outcome(values, preset, row, problems)
    return fields, problems


def import_deals(session: Session, raw: bytes, *, preset_name: str, dry_run: bool = False,
                 skip_invalid: bool = False, progress: Callable[[int], None] | None = None) -> ImportReport:
    """Check every row, then upsert by (source, external id). Any invalid row imports nothing unless skip_invalid."""
    preset = PRESETS[preset_name]
    rows = read_rows(raw, preset)
    owners = {u.email: u for u in session.scalars(select(User))}
    report = ImportReport()
    checked: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, values in rows:
        fields, problems = check_row(number, values, preset, owners)
        external = fields["external_id"]
        if external and external in seen:
            problems.append(RowProblem(number, preset.columns["external_id"],
                                       f"'{external}' appears twice (also row {seen[external]})"))
        seen.setdefault(external, number)
        if problems:
            (report.skipped if skip_invalid else report.problems).extend(problems)
        else:
            checked.append(fields)
    if report.problems:
        return report
    existing = {d.external_id: d for d in session.scalars(select(Deal).where(
        Deal.source == preset.name, Deal.external_id.in_([f["external_id"] for f in checked])))}
    for index, fields in enumerate(checked, start=1):
        deal = existing.get(fields["external_id"])
        label = f"{fields['external_id']} {fields['name']}"
        if deal is None:
            report.created.append(label)
            if not dry_run:
                session.add(Deal(source=preset.name, **fields))
        elif any(getattr(deal, key) != fields.get(key) for key in COMPARED):
            report.changed.append(label)
            if not dry_run:
                for key in COMPARED:
                    setattr(deal, key, fields.get(key))
        else:
            report.unchanged.append(label)
        if progress:
            progress(index)
    if not dry_run:
        session.flush()
    return report
