"""Reading typed fields out of YAML mappings, each problem reported with its line."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from coach.content.bundle import Text
from coach.content.problems import Problems
from coach.content.yamlio import LineDict

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class Reader:
    """Typed access to one file's YAML, recording problems against that file."""

    def __init__(self, path: str, problems: Problems) -> None:
        self.path = path
        self.problems = problems

    def error(self, line: int, message: str) -> None:
        """Record an error in this file."""
        self.problems.error(self.path, line, message)

    def warn(self, line: int, message: str) -> None:
        """Record a warning in this file."""
        self.problems.warn(self.path, line, message)

    def mapping(self, value: Any, line: int, what: str) -> LineDict | None:
        """`value` when it is a mapping, else an error."""
        if isinstance(value, LineDict):
            return value
        self.error(line, f"{what} must be a mapping")
        return None

    def items(self, data: LineDict, key: str, *, required: bool = True) -> list[Any]:
        """A list field (missing: empty list, an error when required)."""
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.line, f"missing '{key}'")
            return []
        if not isinstance(value, list):
            self.error(data.line_of(key), f"'{key}' must be a list")
            return []
        return value

    def ident(self, data: LineDict, key: str = "id") -> str | None:
        """An identifier field: lowercase words joined by hyphens."""
        value = data.get(key)
        if value is None:
            self.error(data.line, f"missing '{key}'")
            return None
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error(data.line_of(key), f"'{key}' must be lowercase words joined by hyphens, got {value!r}")
            return None
        return value

    def integer(self, data: LineDict, key: str, *, required: bool = True, minimum: int = 0,
                maximum: int | None = None, default: int | None = None) -> int | None:
        """A whole-number field within bounds."""
        value = data.get(key)
        if value is None:
            if required:
                self.error(data.line, f"missing '{key}'")
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
                maximum is not None and value > maximum):
            bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
            self.error(data.line_of(key), f"'{key}' must be a whole number {bounds}, got {value!r}")
            return default
        return value

    def text(self, data: LineDict, key: str, *, required: bool = True) -> Text:
        """A translated text {en, zh}; a missing zh is a warning."""
        value = data.get(key)
        line = data.line_of(key)
        if value is None:
            if required:
                self.error(data.line, f"missing '{key}'")
            return Text("")
        if isinstance(value, str):
            self.warn(line, f"'{key}' has no Chinese translation (write it as {{en: ..., zh: ...}})")
            return Text(value.strip())
        if not isinstance(value, LineDict) or not isinstance(value.get("en"), str) or not value["en"].strip():
            self.error(line, f"'{key}' must be a mapping with an English text: {{en: ..., zh: ...}}")
            return Text("")
        unknown = set(value) - {"en", "zh"}
        if unknown:
            self.error(line, f"'{key}' has unknown languages: {', '.join(sorted(unknown))} (use en and zh)")
        zh = value.get("zh")
        if zh is None or (isinstance(zh, str) and not zh.strip()):
            self.warn(line, f"'{key}' has no Chinese translation")
            zh = ""
        elif not isinstance(zh, str):
            self.error(line, f"'{key}.zh' must be text")
            zh = ""
        return Text(value["en"].strip(), zh.strip())

    def text_list(self, data: LineDict, key: str) -> dict[str, list[str]]:
        """Translated lists {en: [...], zh: [...]}."""
        value = data.get(key)
        line = data.line_of(key)
        if not isinstance(value, LineDict) or not isinstance(value.get("en"), list):
            self.error(line, f"'{key}' must be a mapping with an English list: {{en: [...], zh: [...]}}")
            return {"en": [], "zh": []}
        zh = value.get("zh")
        if not isinstance(zh, list) or not zh:
            self.warn(line, f"'{key}' has no Chinese translation")
            zh = []
        elif len(zh) != len(value["en"]):
            self.warn(line, f"'{key}' has {len(value['en'])} English items but {len(zh)} Chinese ones")
        return {"en": [str(item) for item in value["en"]], "zh": [str(item) for item in zh]}

    def entries(self, root: LineDict, key: str, what: str) -> Iterator[tuple[int, LineDict, str | None]]:
        """Each mapping in the list `root[key]`: (position, entry, its id), duplicate ids reported."""
        seen: dict[str, int] = {}
        for position, item in enumerate(self.items(root, key)):
            entry = self.mapping(item, root.line_of(key), f"a {what}")
            if entry is None:
                continue
            ident = self.ident(entry)
            self.unique(seen, ident, entry.line, what)
            yield position, entry, ident

    def unique(self, seen: dict[str, int], key: str | None, line: int, what: str) -> None:
        """Report a duplicate id, naming where the first one was."""
        if key is None:
            return
        if key in seen:
            self.error(line, f"duplicate {what} id '{key}' (first defined on line {seen[key]})")
        else:
            seen[key] = line
