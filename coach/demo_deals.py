"""The demo's deals, case reviews and case-review meetings: enough history to run the next meeting."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from coach.models import Deal, Reason, Team, User
from coach.reviews.meetings import add_to_agenda, discuss, record, schedule
from coach.reviews.services import ReviewInput, create_review, submit_review

# (id, name, account, amount, outcome, days ago closed, owner, competitor)
DEALS = (
    ("QY-2026-101", "Huaxin line 3 monitoring", "Huaxin Precision Parts", 246700, "won", 60, "zhang.wei", "Vibrosense"),
    ("QY-2026-102", "Dingsheng plant 2 pilot", "Changzhou Dingsheng Auto Parts", 15000, "open", -20, "emily.xu", ""),
    ("QY-2026-103", "Jiahe bottling lines", "Jiahe Beverages", 388000, "lost", 40, "huang.min", "DataMill"),
    ("QY-2026-104", "Ruifeng dye house sensors", "Ruifeng Textiles", 126500, "no-decision", 55, "sun.li", ""),
    ("QY-2026-105", "Yongtai chemical pumps", "Yongtai Chemicals", 512000, "open", -45, "he.tao", "Vibrosense"),
    ("QY-2026-106", "Hengtong stamping presses", "Hengtong Auto Parts", 198000, "lost", 35, "zhang.wei", "DataMill"),
    ("QY-2026-107", "Minsheng compressors", "Minsheng Food Machinery", 164000, "lost", 25, "emily.xu", "DataMill"),
    ("QY-2026-108", "Taihu brewery cold chain", "Taihu Brewing", 92000, "lost", 12, "chen.jing", "DataMill"),
    ("QY-2026-109", "Baosheng CNC spindles", "Baosheng Machining", 310000, "won", 18, "emily.xu", "Vibrosense"),
    ("QY-2026-110", "Lanxi textile looms", "Lanxi Textiles", 143000, "won", 30, "sun.li", "DataMill"),
)

# (deal id, author, stage, reasons (primary first), went well, to change, lessons, submitted?)
REVIEWS = (
    ("QY-2026-106", "zhang.wei", "negotiation", ("price", "value-not-clear"),
     "Good relationship with the maintenance manager; the pilot showed two real bearing faults.",
     "We quoted before purchasing knew the downtime cost; they compared per-sensor prices with DataMill.",
     "Put the **cost of one unplanned stop** in the first written quote.", True),
    ("QY-2026-107", "emily.xu", "solution-presentation", ("price", "missed-decision-maker"),
     "Fast response to the RFQ.", "We never met the GM, who decided on price alone.",
     "Ask *who signs* in the first meeting and get them into the demo.", True),
    ("QY-2026-108", "chen.jing", "negotiation", ("price",),
     "Clear demo of the cold-chain alerts.", "Gave 12% too early without asking anything back.",
     "Never give a concession without getting one: trade the discount for a 3-year term.", True),
    ("QY-2026-109", "emily.xu", "closing", ("clear-roi", "strong-champion"),
     "The ROI sheet built with the plant manager carried the decision.", "Paperwork took three weeks.",
     "Start the legal review in parallel with the pilot.", False),
)


def load_deals_and_reviews(session: Session, users: dict[str, User], teams: dict[str, Team], today: date,
                           domain: str) -> None:
    """Create the deals, reviews and meetings once; a second run changes nothing."""
    if session.scalar(select(Deal.id).where(Deal.source == "demo").limit(1)) is not None:
        return
    if session.scalar(select(Reason.id).limit(1)) is None:
        return  # content not synced yet
    deals = {}
    for external, name, account, amount, outcome, days, owner, competitor in DEALS:
        deal = Deal(source="demo", external_id=external, name=name, account=account, amount=Decimal(amount),
                    currency="CNY", stage=outcome, outcome=outcome, close_date=today - timedelta(days=days),
                    owner_id=users[f"{owner}@{domain}"].id, competitor=competitor)
        session.add(deal)
        deals[external] = deal
    session.flush()
    reviews = {}
    for external, author, stage, reasons, well, change, lessons, submitted in REVIEWS:
        user = users[f"{author}@{domain}"]
        review = create_review(session, author=user, deal=deals[external], data=ReviewInput(
            stage=stage, reasons=list(reasons), primary_reason=reasons[0], competitors=deals[external].competitor,
            decision_criteria="Price per sensor, payback within a year, local installation support.",
            went_well=well, to_change=change, lessons=lessons))
        if submitted:
            submit_review(session, actor=user, review=review)
        reviews[external] = review
    east = teams["East China Sales"]
    manager = users[f"wang.jun@{domain}"]
    past = schedule(session, actor=manager, team=east, held_on=today - timedelta(days=14), title="Monthly case review")
    for external in ("QY-2026-106", "QY-2026-107"):
        item = add_to_agenda(session, meeting=past, review=reviews[external])
        session.flush()
        discuss(session, actor=manager, meeting=past, item_id=item.id)
    record(session, actor=manager, meeting=past,
           attendees=[users[f"{n}@{domain}"] for n in ("wang.jun", "li.na", "david.zhou", "zhang.wei", "emily.xu")],
           notes="Both losses went to DataMill on price. In both, purchasing saw a per-sensor price before "
                 "anyone had agreed the cost of downtime.",
           decisions="1. Every quote over 100,000 yuan carries the downtime calculation.\n"
                     "2. Li Na runs a price-objection role-play with each rep this month.",
           actions=[("Add the downtime calculation to the quote template", users[f"david.zhou@{domain}"].id,
                     today + timedelta(days=3))])
    schedule(session, actor=manager, team=east, held_on=today + timedelta(days=14), title="Monthly case review")
