"""The app starts, serves the health check and the login page."""


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_login_and_home(client, auth, world):
    response = auth.login("member.a@example.com")
    assert response.status_code == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Team A" in page.get_data(as_text=True)
