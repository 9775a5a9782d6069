"""Django's PostgreSQL backend, with a health check that needs no round trip and times read by
psycopg's C loader. Everything else is Django's.

- Health check (CONN_HEALTH_CHECKS): Django asks the server ``SELECT 1`` at the start of every
  request, a round trip as dear as a request's own queries. A server that ends a connection
  (a restart, a terminated backend) says so and closes the socket, which then reads; a live,
  idle connection has nothing to read. So: usable while psycopg holds it open and its socket
  has nothing to say. Anything unexpected to read counts as unusable: the connection is then
  made again, as Django's check would.
- Times: Django 5.2 loads every timestamptz through a Python subclass of psycopg's Python
  loader, only to set tzinfo to UTC. On a UTC session psycopg's C loader answers exactly that,
  three times faster: half the time of reading a page of 100 events.
"""

import datetime
import select

from django.db.backends.postgresql import base
from psycopg import pq

try:
    from psycopg_binary._psycopg import TimestamptzLoader as CTimestamptzLoader
except ImportError:  # psycopg without its C extension: Django's loader stays
    CTimestamptzLoader = None


class UtcTimestamptzLoader:
    """Makes psycopg's C loader (a final class: it cannot be subclassed) and carries the
    ``timezone`` that Django's create_cursor compares with the connection's before it keeps
    the connection's loader."""

    timezone = datetime.UTC
    format = CTimestamptzLoader.format if CTimestamptzLoader is not None else None

    def __new__(cls, oid, context=None):
        return CTimestamptzLoader(oid, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def init_connection_state(self):
        super().init_connection_state()  # sets the session's time zone
        session_zone = self.connection.info.parameter_status("TimeZone")
        if CTimestamptzLoader is not None and self.timezone is datetime.UTC and session_zone in ("UTC", "Etc/UTC"):
            self.connection.adapters.register_loader("timestamptz", UtcTimestamptzLoader)

    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken or connection.pgconn.status != pq.ConnStatus.OK:
            return False
        readable, _, _ = select.select([connection.fileno()], [], [], 0)
        return not readable
