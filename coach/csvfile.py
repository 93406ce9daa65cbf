"""CSV downloads that Excel opens correctly, Chinese included."""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from flask import Response

# Cells that a spreadsheet would run as a formula (CSV injection) get a leading apostrophe.
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and _FORMULA.match(value) and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """A table as CSV text starting with a byte-order mark (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()


def csv_download(filename: str, header: list[str], rows: Iterable[Iterable[Any]]) -> Response:
    """A CSV attachment (never shown inline, never sniffed); `filename` is a plain ASCII name without extension."""
    if not _FILENAME.fullmatch(filename):
        raise ValueError(f"not a plain file name: {filename!r}")  # it goes into a header unquoted
    return Response(csv_text(header, rows), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename={filename}.csv", "X-Content-Type-Options": "nosniff"})
