"""Competency levels derived from evidence, and readiness for the next career level."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from coach.models import (
    CareerLevel,
    CareerRequirement,
    CareerTrack,
    Competency,
    CompetencyCategory,
    CompetencyEvidence,
    CompetencyLevel,
    User,
    utcnow,
)


def framework(session: Session) -> list[tuple[CompetencyCategory, list[Competency]]]:
    """Categories with their live competencies and levels, in order (two queries)."""
    categories = list(session.scalars(select(CompetencyCategory).order_by(CompetencyCategory.position)))
    competencies = session.scalars(select(Competency).where(Competency.retired.is_(False))
                                   .options(selectinload(Competency.levels)).order_by(Competency.position))
    by_category: dict[int, list[Competency]] = defaultdict(list)
    for competency in competencies:
        by_category[competency.category_id].append(competency)
    return [(category, by_category[category.id]) for category in categories]


def level_met(rule: str, quiz_level: int, signoff_level: int, level: int) -> bool:
    """Whether evidence at these levels satisfies a level's rule (quiz, signoff, both, either)."""
    has_quiz, has_signoff = quiz_level >= level, signoff_level >= level
    return {"quiz": has_quiz, "signoff": has_signoff, "both": has_quiz and has_signoff,
            "either": has_quiz or has_signoff}.get(rule, False)


def highest_level(rules: dict[int, str], best: dict[str, int]) -> int:
    """The highest level whose rule the best quiz and sign-off evidence satisfy (0 if none)."""
    return max((lvl for lvl, rule in rules.items() if level_met(rule, best["quiz"], best["signoff"], lvl)), default=0)


@dataclass
class Standing:
    """A person's current level in one competency and the evidence behind it."""

    level: int = 0
    evidence: list[CompetencyEvidence] = field(default_factory=list)
    expired: list[CompetencyEvidence] = field(default_factory=list)


def rules_by_competency(session: Session) -> dict[int, dict[int, str]]:
    """competency id → {level: evidence rule}."""
    rules: dict[int, dict[int, str]] = defaultdict(dict)
    for competency_id, level, evidence in session.execute(
            select(CompetencyLevel.competency_id, CompetencyLevel.level, CompetencyLevel.evidence)):
        rules[competency_id][level] = evidence
    return rules


def standings(session: Session, *, user_ids: list[int], now: datetime | None = None,
              rules: dict[int, dict[int, str]] | None = None) -> dict[int, dict[int, Standing]]:
    """user id → competency id → Standing, from unrevoked evidence; expired evidence no longer counts."""
    now = now or utcnow()
    rules = rules if rules is not None else rules_by_competency(session)
    result: dict[int, dict[int, Standing]] = defaultdict(lambda: defaultdict(Standing))
    if not user_ids:
        return result
    best: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"quiz": 0, "signoff": 0})
    rows = session.scalars(select(CompetencyEvidence).where(
        CompetencyEvidence.user_id.in_(user_ids), CompetencyEvidence.revoked_at.is_(None))
        .options(joinedload(CompetencyEvidence.competency)).order_by(CompetencyEvidence.recorded_at.desc()))
    for evidence in rows:
        standing = result[evidence.user_id][evidence.competency_id]
        if evidence.expires_at is not None and evidence.expires_at <= now:
            standing.expired.append(evidence)
            continue
        standing.evidence.append(evidence)
        kinds = best[(evidence.user_id, evidence.competency_id)]
        kinds[evidence.kind] = max(kinds.get(evidence.kind, 0), evidence.level)
    for (user_id, competency_id), kinds in best.items():
        result[user_id][competency_id].level = highest_level(rules.get(competency_id, {}), kinds)
    return result


def current_levels(session: Session, *, user_ids: list[int], now: datetime | None = None,
                   rules: dict[int, dict[int, str]] | None = None) -> dict[int, dict[int, int]]:
    """user id → competency id → current level, with the evidence aggregated in SQL.

    The same answer as `standings`, for dashboards: one grouped query returns at most one row per
    person, competency and evidence kind, however much evidence there is.
    """
    now = now or utcnow()
    rules = rules if rules is not None else rules_by_competency(session)
    result: dict[int, dict[int, int]] = defaultdict(dict)
    if not user_ids:
        return result
    best: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: {"quiz": 0, "signoff": 0})
    for user_id, competency_id, kind, level in session.execute(
            select(CompetencyEvidence.user_id, CompetencyEvidence.competency_id, CompetencyEvidence.kind,
                   func.max(CompetencyEvidence.level))
            .where(CompetencyEvidence.user_id.in_(user_ids), CompetencyEvidence.revoked_at.is_(None),
                   or_(CompetencyEvidence.expires_at.is_(None), CompetencyEvidence.expires_at > now))
            .group_by(CompetencyEvidence.user_id, CompetencyEvidence.competency_id, CompetencyEvidence.kind)):
        best[(user_id, competency_id)][kind] = level
    for (user_id, competency_id), kinds in best.items():
        result[user_id][competency_id] = highest_level(rules.get(competency_id, {}), kinds)
    return result


@dataclass
class Requirement:
    """One requirement of a career level and whether the person meets it."""

    competency: Competency
    required: int
    current: int

    @property
    def met(self) -> bool:
        """Whether the current level reaches the required one."""
        return self.current >= self.required


@dataclass
class NextLevel:
    """A career level someone can move to, with the breakdown of what it requires."""

    level: CareerLevel
    requirements: list[Requirement]

    @property
    def met_count(self) -> int:
        """How many requirements are met."""
        return sum(1 for r in self.requirements if r.met)

    @property
    def percent(self) -> int:
        """Readiness: the share of requirements met, in percent."""
        return round(100 * self.met_count / len(self.requirements)) if self.requirements else 100


def career_ladder(session: Session) -> list[CareerTrack]:
    """Tracks with their levels and requirements (three queries)."""
    return list(session.scalars(select(CareerTrack).order_by(CareerTrack.position).options(
        selectinload(CareerTrack.levels).selectinload(CareerLevel.requirements)
        .joinedload(CareerRequirement.competency))))


def next_levels(tracks: list[CareerTrack], current_key: str | None) -> list[CareerLevel]:
    """The levels a person at `current_key` can move to: the next in their track, and tracks that branch there."""
    options: list[CareerLevel] = []
    for track in tracks:
        keys = [level.key for level in track.levels]
        if current_key in keys:
            index = keys.index(current_key)
            if index + 1 < len(track.levels):
                options.append(track.levels[index + 1])
        elif track.after_level_key == current_key and track.levels:
            options.append(track.levels[0])
    if current_key is None:
        options = [track.levels[0] for track in tracks if track.levels and track.after_level_key is None]
    return options


def readiness_for_next_level(session: Session, *, user: User, tracks: list[CareerTrack] | None = None,
                             standing: dict[int, Standing] | None = None) -> list[NextLevel]:
    """Readiness for each level the user can move to next, with the breakdown."""
    tracks = tracks if tracks is not None else career_ladder(session)
    standing = standing if standing is not None else standings(session, user_ids=[user.id])[user.id]
    return [NextLevel(level, [Requirement(r.competency, r.level, standing[r.competency_id].level
                                          if r.competency_id in standing else 0)
                              for r in sorted(level.requirements, key=lambda r: r.competency.position)])
            for level in next_levels(tracks, user.career_level)]


def find_level(tracks: list[CareerTrack], key: str | None) -> CareerLevel | None:
    """The career level with this key."""
    return next((level for track in tracks for level in track.levels if level.key == key), None)

