"""The notification centre."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from coach import policy
from coach.extensions import db
from coach.mentoring.forms import ConfirmForm
from coach.notifications import services
from coach.web_utils import require_login

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

require_login(bp)


@bp.get("/")
def centre() -> ResponseReturnValue:
    """My notifications, newest first, unread ones highlighted."""
    policy.require(current_user, "notifications.view")
    return render_template("notifications/centre.html", items=services.recent(db.session, user=current_user),
                           message=services.message, confirm=ConfirmForm())


@bp.post("/read")
def mark_read() -> ResponseReturnValue:
    """Mark all my notifications as read."""
    policy.require(current_user, "notifications.view")
    if ConfirmForm().validate_on_submit():
        services.mark_all_read(db.session, user=current_user)
        db.session.commit()
    return redirect(url_for("notifications.centre"))
