"""Deal pages: my and my team's deals, a deal with its reviews, entering one by hand, uploading an export."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from coach import policy
from coach.deals import services
from coach.deals.importer import ImportRefused, import_deals
from coach.deals.presets import PRESETS
from coach.extensions import db
from coach.form_helpers import choices
from coach.reviews.forms import DealForm, UploadForm
from coach.team.services import assignable_people
from coach.web_utils import client_ip, require_login

bp = Blueprint("deals", __name__, url_prefix="/deals")
MAX_UPLOAD = 5 * 1024 * 1024

require_login(bp)


@bp.get("/")
def index() -> ResponseReturnValue:
    """Deals I may see, with a link to review the closed ones."""
    policy.require(current_user, "review.read")
    return render_template("deals/index.html", deals=services.visible_deals(
        db.session, user=current_user, outcome=request.args.get("outcome", "")[:16]))


@bp.get("/<int:deal_id>")
def view(deal_id: int) -> ResponseReturnValue:
    """A deal and its reviews."""
    policy.require(current_user, "review.read")
    deal, reviews = services.get_deal(db.session, user=current_user, deal_id=deal_id)
    return render_template("deals/view.html", deal=deal, reviews=reviews)


@bp.route("/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    """Enter a deal by hand (for deals that never were in the CRM)."""
    policy.require(current_user, "deal.manage")
    form = DealForm()
    people = {str(p.id): p for p in assignable_people(db.session, manager=current_user)}
    form.owner.choices = choices((key, p.name) for key, p in people.items())
    if form.validate_on_submit():
        deal = services.create_deal(db.session, actor=current_user, owner=people[form.owner.data],
                                    name=form.name.data, account=form.account.data or "", amount=form.amount.data,
                                    currency=form.currency.data, outcome=form.outcome.data,
                                    close_date=form.close_date.data, competitor=form.competitor.data or "",
                                    ip=client_ip())
        db.session.commit()
        flash(_("Deal saved."), "success")
        return redirect(url_for("deals.view", deal_id=deal.id))
    return render_template("deals/new.html", form=form)


@bp.route("/upload", methods=["GET", "POST"])
def upload() -> ResponseReturnValue:
    """Upload a CRM export; the same checks and report as `flask deals import`."""
    policy.require(current_user, "deal.import")
    form = UploadForm()
    form.preset.choices = choices((name, name) for name in sorted(PRESETS))
    report, refused = None, None
    if form.validate_on_submit():
        file = request.files.get("file")
        raw = file.read(MAX_UPLOAD + 1) if file else b""
        # Every refusal names the file, so a person who picked the wrong one sees which.
        named = f"{file.filename[:200]}: " if file and file.filename else ""
        if len(raw) > MAX_UPLOAD:
            refused = named + _("The file is larger than 5 MB.")
        else:
            try:
                report = import_deals(db.session, raw, preset_name=form.preset.data, dry_run=form.dry_run.data == "1",
                                      skip_invalid=form.skip_invalid.data == "1")
            except ImportRefused as exc:
                refused = f"{named}{exc}"
            if report is None or report.problems or form.dry_run.data == "1":
                db.session.rollback()
            else:
                db.session.commit()
    return render_template("deals/upload.html", form=form, report=report, refused=refused)
