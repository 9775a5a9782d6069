"""kombu's Redis transport, with a channel that closes cleanly while Redis is down.

With kombu 5.7.0 (the latest release) and celery 5.7.0, a worker that loses Redis
while it runs a task and waits for the next one exits with
``Unrecoverable error: AttributeError("'NoneType' object has no attribute 'hostname'")``:

1. On connection loss the worker's consumer calls ``Connection.collect()``, which
   closes the default channel. ``Channel.close()`` first drains the pending BRPOP;
   with Redis gone that read raises ``ConnectionError`` and the close stops half
   done: its connection pools dropped, the channel not marked closed.
2. ``collect()`` then detaches the transport from its connection (``client = None``).
3. The consumer closes the connection again (celery 5.7's ``on_connection_error_after_connected``);
   the half-closed channel closes for real and restores its unacknowledged message
   (the task in flight, ``acks_late``), which needs a new pool, whose address comes
   from the detached client: ``None.hostname``. An AttributeError is no connection
   error, so the worker does not reconnect; it stops.

An idle worker has no unacknowledged message and survives. This channel drains the
BRPOP ignoring connection errors, as it already ignores an empty reply, so the
first close completes (the restore fails as a connection error, and the message
waits in Redis for ``visibility_timeout`` or the finishing task's ack), and the
worker reconnects. ``CELERY_BROKER_TRANSPORT`` selects it in tracker/settings.py;
tests/alerts/test_broker_outage.py stops a real Redis under a worker running a task.
"""

from queue import Empty

from kombu.transport import redis


class Channel(redis.Channel):
    def close(self):
        if self._in_poll:
            try:
                self._brpop_read()
            except (Empty, *self.connection_errors):
                pass  # the reply is lost either way; what matters is that the close goes on
        super().close()


class Transport(redis.Transport):
    Channel = Channel
