"""Languages: profile, browser and switcher; every message has a Chinese translation."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from coach.extensions import db

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2)}


def _source_messages() -> set[str]:
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
        str(ROOT / "coach"), method_map, keywords=KEYWORDS, options_map={}
    ):
        found.add((message[0] if isinstance(message, tuple) else message, context))
    return found


def test_every_message_has_a_chinese_translation():
    with (ROOT / "coach/translations/zh/LC_MESSAGES/messages.po").open("rb") as handle:
        catalog = read_po(handle)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = (message.id[0] if isinstance(message.id, tuple) else message.id, message.context)
        value = message.string if isinstance(message.string, str) else all(message.string)
        translated[key] = bool(value) and not message.fuzzy
    missing = sorted(f"{m[1]}|{m[0]}" if m[1] else m[0] for m in _source_messages() if not translated.get(m))
    assert not missing, f"{len(missing)} messages lack a Chinese translation (run make extract-messages):\n" + \
        "\n".join(missing[:40])


def test_browser_language_is_used_before_login(client):
    page = client.get("/auth/login", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert "登录" in page.get_data(as_text=True)
    assert 'lang="zh-CN"' in page.get_data(as_text=True)
    english = client.get("/auth/login", headers={"Accept-Language": "en-US"})
    assert "Log in to Coach" in english.get_data(as_text=True)


def test_profile_language_wins(client, auth, world):
    world["member_a"].language = "zh"
    db.session.commit()
    auth.login("member.a@example.com")
    assert "欢迎" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_switcher_changes_profile(client, auth, world):
    auth.login("member.a@example.com")
    response = client.post("/language", data={"language": "zh", "next": "/"})
    assert response.headers["Location"] == "/"
    db.session.refresh(world["member_a"])
    assert world["member_a"].language == "zh"
    assert "欢迎" in client.get("/").get_data(as_text=True)


def test_switcher_for_anonymous_visitors(client):
    client.post("/language", data={"language": "zh", "next": "https://evil.example/"})
    assert "登录" in client.get("/auth/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
