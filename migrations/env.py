"""Alembic environment: runs migrations against the Flask app's database.

Migrations never import `coach`; they get the metadata and engine from the Flask-Migrate
extension of whichever app runs them (`flask db ...` or the test suite).
"""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


# Search indexes that only one database has (SQLite's FTS5 table, PostgreSQL's expression
# index) are created by hand in their migration; autogenerate must not try to drop them.
HAND_MADE = {"table": ("search_fts",), "index": ("ix_search_documents_tsv",)}


def include_object(obj, name, type_, reflected, compare_to):
    """Leave the hand-made, database-specific search objects out of autogenerate."""
    return not any(name and name.startswith(prefix) for prefix in HAND_MADE.get(type_, ()))


def render_item(type_, obj, autogen_context):
    """Write app column types as plain SQLAlchemy types, so migrations never import coach."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def skip_empty_autogenerate(context, revision, directives):
    """Write no revision file when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_offline():
    """Emit SQL for the migrations without connecting."""
    url = target_db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_db.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations over a connection of the app's engine."""
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    conf_args.setdefault("include_object", include_object)
    conf_args.setdefault("render_item", render_item)
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
