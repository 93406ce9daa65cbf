"""Win/loss analysis: win rate, counts and amounts by reason, stage reached, competitor, owner and quarter."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from coach.models import CaseReview, Deal, Reason, ReviewReason, SalesStage, User

DIMENSIONS = ("reason", "stage", "competitor", "owner", "quarter")


@dataclass
class Row:
    """One group: deals won, lost and undecided, their amounts, and the win rate."""

    label: str
    won: int
    lost: int
    no_decision: int
    won_amount: Decimal
    lost_amount: Decimal

    @property
    def closed(self) -> int:
        """Deals with an outcome."""
        return self.won + self.lost + self.no_decision

    @property
    def win_rate(self) -> float:
        """Share of closed deals won, in percent (0 when none closed)."""
        return round(100 * self.won / self.closed, 1) if self.closed else 0.0


@dataclass
class Filters:
    """Which deals count."""

    team_ids: list[int] | None
    start: date | None = None
    end: date | None = None
    owner_id: int | None = None


def _sums(outcome_column):  # noqa: ANN001, ANN202
    amount = func.coalesce(Deal.amount, 0)
    return (func.sum(case((outcome_column == "won", 1), else_=0)), func.sum(case((outcome_column == "lost", 1), else_=0)),
            func.sum(case((outcome_column == "no-decision", 1), else_=0)),
            func.sum(case((outcome_column == "won", amount), else_=0)),
            func.sum(case((outcome_column == "lost", amount), else_=0)))


def _where(query, filters: Filters):  # noqa: ANN001, ANN202
    query = query.where(Deal.outcome != "open")
    if filters.team_ids is not None:
        query = query.where(Deal.owner_id.in_(select(User.id).where(User.team_id.in_(filters.team_ids))))
    if filters.start:
        query = query.where(Deal.close_date >= filters.start)
    if filters.end:
        query = query.where(Deal.close_date <= filters.end)
    if filters.owner_id:
        query = query.where(Deal.owner_id == filters.owner_id)
    return query


def _rows(result, label) -> list[Row]:  # noqa: ANN001
    return [Row(label(r[0]), int(r[1] or 0), int(r[2] or 0), int(r[3] or 0), Decimal(r[4] or 0), Decimal(r[5] or 0))
            for r in result]


def overall(session: Session, filters: Filters) -> Row:
    """All closed deals in scope."""
    result = session.execute(_where(select(func.count(Deal.id), *_sums(Deal.outcome)), filters)).one()
    return _rows([("", *result[1:])], lambda _x: "")[0]


def by_dimension(session: Session, filters: Filters, dimension: str, language: str) -> list[Row]:
    """Rows for one dimension, computed in SQL (one query; quarters fold months in Python)."""
    if dimension == "reason":
        key = Reason.name_zh if language == "zh" else Reason.name_en
        query = (select(key, *_sums(Deal.outcome)).select_from(Deal).join(CaseReview, CaseReview.deal_id == Deal.id)
                 .join(ReviewReason, ReviewReason.review_id == CaseReview.id).join(Reason, Reason.id == ReviewReason.reason_id)
                 .where(CaseReview.status != "draft").group_by(key))
    elif dimension == "stage":
        key = SalesStage.name_zh if language == "zh" else SalesStage.name_en
        query = (select(key, *_sums(Deal.outcome)).select_from(Deal).join(CaseReview, CaseReview.deal_id == Deal.id)
                 .join(SalesStage, SalesStage.id == CaseReview.stage_id).where(CaseReview.status != "draft")
                 .group_by(key, SalesStage.position).order_by(SalesStage.position))
    elif dimension == "competitor":
        query = select(Deal.competitor, *_sums(Deal.outcome)).group_by(Deal.competitor)
    elif dimension == "owner":
        query = select(User.name, *_sums(Deal.outcome)).select_from(Deal).join(User, User.id == Deal.owner_id) \
            .group_by(User.name)
    else:
        year, month = func.extract("year", Deal.close_date), func.extract("month", Deal.close_date)
        result = session.execute(_where(select(year, month, *_sums(Deal.outcome)).where(
            Deal.close_date.is_not(None)).group_by(year, month), filters)).all()
        quarters: dict[str, list] = {}
        for y, m, *sums in result:
            label = f"{int(y)} Q{(int(m) - 1) // 3 + 1}"
            slot = quarters.setdefault(label, [0, 0, 0, Decimal(0), Decimal(0)])
            for index, value in enumerate(sums):
                slot[index] += value or 0
        return sorted(_rows([(label, *vals) for label, vals in quarters.items()], str), key=lambda r: r.label)
    rows = _rows(session.execute(_where(query, filters)).all(), lambda value: value or "—")
    return rows if dimension == "stage" else sorted(rows, key=lambda r: -r.closed)


def csv_table(rows: list[Row], heading: str) -> tuple[list[str], list[list[object]]]:
    """A table's header and rows for CSV export."""
    return ([heading, "won", "lost", "no decision", "closed", "win rate %", "won amount", "lost amount"],
            [[row.label, row.won, row.lost, row.no_decision, row.closed, row.win_rate, row.won_amount,
              row.lost_amount] for row in rows])
