"""Exit 0 when the PostgreSQL server at the given URL answers, 1 otherwise (used by `make test`)."""
import sys

import psycopg

try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
except (psycopg.Error, IndexError):
    sys.exit(1)
