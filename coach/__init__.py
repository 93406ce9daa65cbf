"""Coach: sales training and coaching for small and medium sales teams."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from coach import cli, errorhandlers, web
from coach.config import Config
from coach.extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the Flask app; no side effects beyond configuring it (no migrations, no I/O)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    web.init_app(app, login_manager=login_manager, babel=babel)
    errorhandlers.init_app(app)
    cli.init_app(app)
    if app.config.get("PROXY_COUNT"):
        # Behind N trusted reverse proxies: take the client address, scheme and host from their headers.
        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app
