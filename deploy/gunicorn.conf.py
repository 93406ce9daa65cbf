"""gunicorn settings for Coach: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Each value can be overridden with an environment variable of the same name prefixed COACH_GUNICORN_.
"""
import multiprocessing
import os

# Sync workers: Coach's requests are short and database-bound. Two per core, plus one, is a sound start;
# the benchmark in bench/ runs 5 workers on a 2-core machine.
workers = int(os.environ.get("COACH_GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
bind = os.environ.get("COACH_GUNICORN_BIND", "127.0.0.1:8000")
# Behind the reverse proxy only: trust its X-Forwarded-* headers, and no one else's.
forwarded_allow_ips = os.environ.get("COACH_GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
timeout = int(os.environ.get("COACH_GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so that a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("COACH_GUNICORN_LOGLEVEL", "info")
