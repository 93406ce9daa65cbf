"""How each CRM's CSV export names its columns and stages, and which stages mean won, lost or no decision."""
from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("external_id", "name", "account", "amount", "currency", "stage", "status", "close_date", "owner_email",
          "competitor", "lost_reason")
REQUIRED = ("external_id", "name", "stage", "owner_email")


@dataclass(frozen=True)
class Preset:
    """One CRM's export format."""

    name: str
    columns: dict[str, str]
    stages: dict[str, str]
    date_formats: tuple[str, ...]
    default_currency: str = "CNY"
    status_values: dict[str, str] = field(default_factory=dict)


_OPEN = "open"
ISO_DATES = ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y年%m月%d日")

PRESETS: dict[str, Preset] = {
    "generic": Preset(
        "generic",
        {"external_id": "external_id", "name": "name", "account": "account", "amount": "amount",
         "currency": "currency", "stage": "stage", "close_date": "close_date", "owner_email": "owner_email",
         "competitor": "competitor"},
        {"lead": _OPEN, "first-contact": _OPEN, "needs-discovery": _OPEN, "solution-presentation": _OPEN,
         "negotiation": _OPEN, "closing": _OPEN, "won": "won", "delivery": "won", "account-care": "won",
         "lost": "lost", "no-decision": "no-decision"},
        ISO_DATES),
    "hubspot": Preset(
        "hubspot",
        {"external_id": "Record ID", "name": "Deal Name", "account": "Associated Company", "amount": "Amount",
         "currency": "Currency", "stage": "Deal Stage", "close_date": "Close Date",
         "owner_email": "Deal Owner Email", "competitor": "Competitor"},
        {"appointment scheduled": _OPEN, "qualified to buy": _OPEN, "presentation scheduled": _OPEN,
         "decision maker bought-in": _OPEN, "contract sent": _OPEN, "closed won": "won", "closed lost": "lost",
         "closed - no decision": "no-decision"},
        ISO_DATES),
    "salesforce": Preset(
        "salesforce",
        {"external_id": "Opportunity ID", "name": "Opportunity Name", "account": "Account Name", "amount": "Amount",
         "currency": "Opportunity Currency", "stage": "Stage", "close_date": "Close Date",
         "owner_email": "Opportunity Owner Email", "competitor": "Main Competitor(s)"},
        {"prospecting": _OPEN, "qualification": _OPEN, "needs analysis": _OPEN, "value proposition": _OPEN,
         "id. decision makers": _OPEN, "perception analysis": _OPEN, "proposal/price quote": _OPEN,
         "negotiation/review": _OPEN, "closed won": "won", "closed lost": "lost",
         "closed - no decision": "no-decision"},
        ("%m/%d/%Y", *ISO_DATES)),
    "pipedrive": Preset(
        "pipedrive",
        {"external_id": "Deal - ID", "name": "Deal - Title", "account": "Deal - Organization",
         "amount": "Deal - Value", "currency": "Deal - Currency", "stage": "Deal - Stage",
         "status": "Deal - Status", "close_date": "Deal - Expected close date", "owner_email": "Deal - Owner email",
         "competitor": "Deal - Competitor", "lost_reason": "Deal - Lost reason"},
        {"lead in": _OPEN, "contact made": _OPEN, "demo scheduled": _OPEN, "proposal made": _OPEN,
         "negotiations started": _OPEN},
        ISO_DATES,
        status_values={"open": _OPEN, "won": "won", "lost": "lost"}),
}
