"""Teams: who a manager may act on, and the manager dashboards (see views.py)."""
