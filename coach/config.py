"""Configuration read from the environment, plus the configuration the tests use."""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
# The largest request body unless COACH_MAX_UPLOAD_MB says otherwise: room for the biggest legitimate one
# (a 5 MB CRM export on /deals/upload), small enough that no worker buffers much.
DEFAULT_UPLOAD_MB = 10


def database_url(raw: str | None) -> str:
    """Normalise a DATABASE_URL so PostgreSQL always goes through psycopg 3."""
    if not raw:
        return f"sqlite:///{BASE_DIR / 'instance' / 'coach.sqlite3'}"
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix):]
    return raw


def upload_limit(environ: Mapping[str, str]) -> int:
    """The largest request body in bytes: COACH_MAX_UPLOAD_MB, else MAX_CONTENT_LENGTH (bytes, the older name)."""
    if environ.get("COACH_MAX_UPLOAD_MB"):
        return int(float(environ["COACH_MAX_UPLOAD_MB"]) * 1024 * 1024)
    if environ.get("MAX_CONTENT_LENGTH"):
        return int(environ["MAX_CONTENT_LENGTH"])
    return DEFAULT_UPLOAD_MB * 1024 * 1024


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for a running Coach, each one overridable by an environment variable."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CONTENT_DIR = os.environ.get("COACH_CONTENT_DIR", str(BASE_DIR / "content"))

    # Sessions are signed cookies so that any app instance can serve any request.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    PERMANENT_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("SESSION_HOURS", "12")))
    # A login ends after this long without a request, and in any case this long after it was made.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "120"))
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", os.environ.get("SESSION_HOURS", "12")))
    # The login lasts SESSION_HOURS from when it was made; re-signing the cookie on every response would
    # only slide that window and cost every page a serialisation, a compression and a signature.
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Bigger bodies are refused with 413 before any view runs (so nothing is written).
    MAX_CONTENT_LENGTH = upload_limit(os.environ)
    # A multipart text part (not a file) may hold 500 KB: the longest text field, 20,000 Chinese characters,
    # is 60 KB in UTF-8. URL-encoded forms are bounded by MAX_CONTENT_LENGTH only (Werkzeug reads them whole).
    MAX_FORM_MEMORY_SIZE = 500_000
    # Fields per multipart form; the biggest forms (a review, a meeting) have a few dozen plus their selections.
    MAX_FORM_PARTS = 1_000

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # Keeps the counters of several Coach installations apart when they share one Redis.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "10 per 5 minutes")

    # argon2id cost; the defaults are argon2-cffi's recommended profile.
    ARGON2_TIME_COST = int(os.environ.get("ARGON2_TIME_COST", "3"))
    ARGON2_MEMORY_COST = int(os.environ.get("ARGON2_MEMORY_COST", "65536"))

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_FROM = os.environ.get("MAIL_FROM", "coach@localhost")
    # Links in e-mails point here.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    # How many reverse proxies stand in front of Coach (0: none); their X-Forwarded-* headers are trusted.
    PROXY_COUNT = int(os.environ.get("COACH_PROXY_COUNT", "0"))


class TestConfig(Config):
    """Settings for the test suite: an in-memory rate limiter, no CSRF unless a test turns it on."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SESSION_COOKIE_SECURE = False
    # Cheap hashing keeps the suite fast; production keeps the defaults above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
