"""Django's PostgreSQL backend with two costs of every request taken out (issue 9).

``ENGINE = "tracker.postgres"`` (tracker/settings.py) for a PostgreSQL DATABASE_URL. See base.py.
"""
