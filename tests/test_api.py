"""The JSON API: bearer tokens (none, revoked, wrong scope), deal upsert, reviews, progress, OpenAPI."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coach.api.tokens import create_token, revoke_token
from coach.extensions import db
from coach.models import ApiToken, AuditEvent, Deal
from coach.reviews.services import ReviewInput, create_review, submit_review
from tests.content_fixtures import app_config, content_dir, synced  # noqa: F401

BODY = {"name": "Huaxin line 3", "account": "Huaxin Precision", "amount": "246,700.00", "currency": "cny",
        "stage": "Contract sent", "outcome": "open", "close_date": "2026-12-31", "owner_email": "member.a@example.com"}


@pytest.fixture
def token(world) -> str:
    _row, secret = create_token(db.session, actor=world["admin"], user=world["manager_a"], name="CRM",
                                scopes=["deals:write", "deals:read", "reviews:read", "progress:read"])
    db.session.commit()
    return secret


def _put(client, secret, body=None, path="/api/v1/deals/hubspot/9812345001", **kwargs):
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return client.put(path, json=body if body is not None else BODY, headers=headers, **kwargs)


def _deals() -> int:
    return db.session.scalar(select(func.count(Deal.id)))


def test_upsert_creates_then_updates(client, token):
    created = _put(client, token)
    assert created.status_code == 201
    assert created.get_json()["amount"] == "246700.00" and created.get_json()["currency"] == "CNY"
    updated = _put(client, token, {"outcome": "won", "stage": "Closed won"})
    assert updated.status_code == 200 and updated.get_json()["outcome"] == "won"
    assert updated.get_json()["name"] == "Huaxin line 3" and _deals() == 1
    fetched = client.get("/api/v1/deals/hubspot/9812345001", headers={"Authorization": f"Bearer {token}"})
    assert fetched.get_json()["outcome"] == "won"


def _denials() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "access.denied"))


def _team_b_deal(world) -> Deal:
    deal = Deal(source="hubspot", external_id="B-1", name="Jinlong", outcome="open", owner_id=world["member_b"].id)
    db.session.add(deal)
    db.session.commit()
    return deal


@pytest.mark.parametrize(("method", "body"), [("GET", None), ("PUT", {"name": "Mine now"}),
                                              ("PUT", {"owner_email": "member.a@example.com"})])
def test_a_managers_token_does_not_reach_another_teams_deal(client, world, token, method, body):
    """The token acts for manager A: team B's deal is neither read nor changed nor taken over, and it is audited."""
    _team_b_deal(world)
    response = client.open("/api/v1/deals/hubspot/B-1", method=method, json=body,
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403 and response.get_json()["error"] == "forbidden"
    db.session.expire_all()
    deal = db.session.scalars(select(Deal)).one()
    assert (deal.name, deal.owner_id) == ("Jinlong", world["member_b"].id)
    assert _denials() == 1


def test_a_managers_token_cannot_give_a_deal_to_another_team_or_to_no_one(client, world, token):
    moved = _put(client, token, {**BODY, "owner_email": "member.b@example.com"})
    assert moved.status_code == 403 and _deals() == 0
    unowned = _put(client, token, {key: value for key, value in BODY.items() if key != "owner_email"})
    assert unowned.status_code == 400 and "owner_email" in unowned.get_json()["fields"] and _deals() == 0


def test_an_admins_token_reaches_every_deal(client, world):
    _row, secret = create_token(db.session, actor=world["admin"], user=world["admin"], name="Company CRM",
                                scopes=["deals:write", "deals:read"])
    _team_b_deal(world)
    assert _put(client, secret, {"stage": "Won"}, path="/api/v1/deals/hubspot/B-1").status_code == 200
    unowned = {key: value for key, value in BODY.items() if key != "owner_email"}
    assert _put(client, secret, unowned).status_code == 201 and _deals() == 2


@pytest.mark.parametrize(("case", "status", "code"), [
    ("no token", 401, "unauthorized"), ("bad token", 401, "unauthorized"), ("revoked", 401, "unauthorized"),
    ("no scope", 403, "forbidden"), ("malformed json", 400, "bad_request"), ("bad fields", 400, "invalid"),
])
def test_refusals_write_nothing(client, world, token, case, status, code):
    secret = token
    kwargs = {}
    body = None
    if case == "no token":
        secret = None
    elif case == "bad token":
        secret = "coach_nope"
    elif case == "revoked":
        row = db.session.scalars(select(ApiToken)).one()
        revoke_token(db.session, actor=world["admin"], token=row)
        db.session.commit()
    elif case == "no scope":
        _row, secret = create_token(db.session, actor=None, user=world["manager_a"], name="x", scopes=["reviews:read"])
        db.session.commit()
    elif case == "malformed json":
        response = client.put("/api/v1/deals/hubspot/1", data="{not json", content_type="application/json",
                              headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 400 and response.get_json()["error"] == code
        assert _deals() == 0
        return
    else:
        body = {**BODY, "amount": "1,2,3", "owner_email": "ghost@example.com", "colour": "red"}
    response = _put(client, secret, body, **kwargs)
    assert response.status_code == status and response.get_json()["error"] == code
    if case == "bad fields":
        fields = response.get_json()["fields"]
        assert set(fields) == {"amount", "owner_email", "body"}
    assert _deals() == 0


def test_api_needs_no_csrf_token(app, client, token):
    app.config["WTF_CSRF_ENABLED"] = True
    assert _put(client, token).status_code == 201


def test_reviews_and_progress(client, world, synced, token):
    deal = Deal(source="hubspot", external_id="1", name="Jiahe", outcome="lost", owner_id=world["member_a"].id)
    db.session.add(deal)
    db.session.flush()
    review = create_review(db.session, author=world["member_a"], deal=deal, data=ReviewInput(
        stage=None, reasons=["price"], primary_reason="price"))
    submit_review(db.session, actor=world["member_a"], review=review)
    draft = create_review(db.session, author=world["member_a"], deal=deal, data=ReviewInput(
        stage=None, reasons=[], primary_reason=None))
    db.session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    data = client.get("/api/v1/reviews?outcome=lost", headers=headers).get_json()
    assert [r["id"] for r in data["reviews"]] == [review.id] and draft.id != review.id
    assert data["reviews"][0]["reasons"] == [{"key": "price", "primary": True}]
    assert client.get("/api/v1/reviews?status=weird", headers=headers).status_code == 400
    progress = client.get(f"/api/v1/users/{world['member_a'].id}/progress", headers=headers).get_json()
    assert progress["user"]["email"] == "member.a@example.com" and "readiness" in progress
    other_team = client.get(f"/api/v1/users/{world['member_b'].id}/progress", headers=headers)
    assert other_team.status_code == 403


def test_openapi_documents_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, ops in document["paths"].items() for method in ops
                  if method != "parameters"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<path:", "{").replace(
                "<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (path, method)


def test_tokens_from_cli_and_admin(runner, client, auth, world):
    result = runner.invoke(args=["tokens", "create", "--email", "manager.a@example.com", "--scope", "deals:write"])
    assert result.exit_code == 0 and result.output.startswith("coach_")
    assert _put(client, result.output.strip()).status_code == 201
    assert runner.invoke(args=["tokens", "create", "--email", "x@example.com"]).exit_code == 1
    auth.login("admin@example.com")
    page = client.post("/admin/tokens", data={"user": str(world["manager_a"].id), "name": "Salesforce",
                                               "scopes": ["reviews:read"]}).get_data(as_text=True)
    assert "Copy the token now" in page
    row = db.session.scalars(select(ApiToken).where(ApiToken.name == "Salesforce")).one()
    assert row.token_hash not in page and row.prefix in page
    client.post(f"/admin/tokens/{row.id}/revoke")
    db.session.refresh(row)
    assert row.revoked_at is not None
