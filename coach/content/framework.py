"""competencies.yml, careers.yml, sales-process.yml and reasons.yml."""
from __future__ import annotations

from typing import Any

from coach.content.bundle import CareerLevelDef, CategoryDef, CompetencyDef, LevelDef, ReasonDef, StageDef, TrackDef
from coach.content.fields import Reader
from coach.content.yamlio import LineDict
from coach.models import CATEGORIES, EVIDENCE_RULES

OUTCOMES = ("won", "lost", "no-decision")
REQUIRED_REASONS = ("unknown", "no-decision")


def read_competencies(data: Any, r: Reader) -> tuple[list[CategoryDef], list[CompetencyDef]]:
    """The categories and competencies of the framework."""
    root = r.mapping(data, 1, "competencies.yml")
    if root is None:
        return [], []
    categories: list[CategoryDef] = []
    raw_categories = r.mapping(root.get("categories"), root.line_of("categories"), "'categories'")
    if raw_categories is not None:
        for position, key in enumerate(raw_categories):
            if key not in CATEGORIES:
                r.error(raw_categories.line_of(key), f"unknown category '{key}'; use {', '.join(CATEGORIES)}")
                continue
            holder = LineDict({key: raw_categories[key]})
            holder.line, holder.key_lines = raw_categories.line, raw_categories.key_lines
            categories.append(CategoryDef(key, position, r.text(holder, key)))
        for key in set(CATEGORIES) - set(raw_categories):
            r.error(raw_categories.line, f"category '{key}' is missing")
    competencies: list[CompetencyDef] = []
    for position, entry, key in r.entries(root, "competencies", "competency"):
        category = entry.get("category")
        if category not in CATEGORIES:
            r.error(entry.line_of("category"), f"unknown category {category!r} for competency '{key}'")
        valid_days = r.integer(entry, "valid_days", required=False, minimum=1)
        levels = _levels(entry, r, key)
        if key and category in CATEGORIES:
            competencies.append(CompetencyDef(key, category, position, r.text(entry, "name"),
                                              r.text(entry, "description", required=False), valid_days, levels))
    return categories, competencies


def _levels(entry: LineDict, r: Reader, key: str | None) -> list[LevelDef]:
    levels: list[LevelDef] = []
    for item in r.items(entry, "levels"):
        level_map = r.mapping(item, entry.line_of("levels"), "a level")
        if level_map is None:
            continue
        number = r.integer(level_map, "level", minimum=1, maximum=4)
        evidence = level_map.get("evidence")
        if evidence not in EVIDENCE_RULES:
            r.error(level_map.line_of("evidence"),
                    f"'evidence' must be one of {', '.join(EVIDENCE_RULES)}, got {evidence!r}")
        behaviours = []
        for behaviour in r.items(level_map, "behaviours"):
            holder = LineDict({"behaviour": behaviour})
            holder.line, holder.key_lines = level_map.line_of("behaviours"), {}
            behaviours.append(r.text(holder, "behaviour"))
        if not behaviours:
            r.error(level_map.line, f"level {number} of '{key}' needs at least one behaviour")
        if number is not None and evidence in EVIDENCE_RULES:
            levels.append(LevelDef(number, evidence, behaviours))
    numbers = sorted(level.level for level in levels)
    if numbers != [1, 2, 3, 4] and len(levels) == len(r.items(entry, "levels", required=False)):
        r.error(entry.line_of("levels"), f"competency '{key}' must define levels 1, 2, 3 and 4 exactly once")
    return levels


def read_careers(data: Any, r: Reader, competency_levels: dict[str, set[int]]) -> list[TrackDef]:
    """The career tracks and what each level requires."""
    root = r.mapping(data, 1, "careers.yml")
    if root is None:
        return []
    tracks: list[TrackDef] = []
    seen_levels: dict[str, int] = {}
    afters: list[tuple[str, int]] = []
    position = 0
    for track_position, entry, key in r.entries(root, "tracks", "track"):
        after = entry.get("after")
        if after is not None:
            afters.append((str(after), entry.line_of("after")))
        levels = []
        for level_item in r.items(entry, "levels"):
            level_map = r.mapping(level_item, entry.line_of("levels"), "a career level")
            if level_map is None:
                continue
            level_key = r.ident(level_map)
            r.unique(seen_levels, level_key, level_map.line, "career level")
            requires = _requirements(level_map, r, competency_levels)
            if level_key:
                levels.append(CareerLevelDef(level_key, position, r.text(level_map, "name"), requires))
                position += 1
        if key:
            tracks.append(TrackDef(key, track_position, r.text(entry, "name"), after, levels))
    for after, line in afters:
        if after not in seen_levels:
            r.error(line, f"'after' names unknown career level '{after}'")
    return tracks


def _requirements(level_map: LineDict, r: Reader, competency_levels: dict[str, set[int]]) -> dict[str, int]:
    raw = level_map.get("requires")
    if raw is None:
        return {}
    requires = r.mapping(raw, level_map.line_of("requires"), "'requires'")
    result: dict[str, int] = {}
    for competency, level in (requires or {}).items():
        line = requires.line_of(competency) if requires is not None else level_map.line
        if competency not in competency_levels:
            r.error(line, f"unknown competency '{competency}'")
        elif not isinstance(level, int) or level not in competency_levels[competency]:
            r.error(line, f"competency '{competency}' has no level {level!r}")
        else:
            result[competency] = level
    return result


def read_stages(data: Any, r: Reader) -> list[StageDef]:
    """The stages of the sales process."""
    root = r.mapping(data, 1, "sales-process.yml")
    if root is None:
        return []
    stages: list[StageDef] = []
    for position, entry, key in r.entries(root, "stages", "stage"):
        purpose = r.text(entry, "purpose", required=False)
        details = {"purpose": {"en": purpose.en, "zh": purpose.zh}}
        for field in ("key_actions", "outputs", "exit_criteria"):
            details[field] = r.text_list(entry, field)
        if key:
            stages.append(StageDef(key, position, r.text(entry, "name"), details))
    return stages


def read_reasons(data: Any, r: Reader, competencies: set[str]) -> list[ReasonDef]:
    """The win/loss reasons and the competencies each maps to."""
    root = r.mapping(data, 1, "reasons.yml")
    if root is None:
        return []
    reasons: list[ReasonDef] = []
    for position, entry, key in r.entries(root, "reasons", "reason"):
        applies_to = [str(v) for v in r.items(entry, "applies_to")]
        for value in applies_to:
            if value not in OUTCOMES:
                r.error(entry.line_of("applies_to"), f"'applies_to' takes {', '.join(OUTCOMES)}, got '{value}'")
        mapped = [str(v) for v in r.items(entry, "competencies", required=False)]
        for competency in mapped:
            if competency not in competencies:
                r.error(entry.line_of("competencies"), f"unknown competency '{competency}'")
        if key:
            reasons.append(ReasonDef(key, position, applies_to, r.text(entry, "name"),
                                     r.text(entry, "description", required=False), mapped))
    keys = {reason.key for reason in reasons}
    for required in REQUIRED_REASONS:
        if required not in keys and root.get("reasons") is not None:
            r.error(root.line_of("reasons"), f"the reason '{required}' must exist")
    return reasons
