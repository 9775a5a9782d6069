"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import logging
import os
import warnings

from celery import Celery, bootsteps, signals
from celery.exceptions import SecurityWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

logger = logging.getLogger(__name__)

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class SweepOnConnect(bootsteps.StartStopStep):
    """Each time the worker connects to the broker, at start and after an outage, it asks for a sweep.

    What the broker lost or never took while it was away (scans of events written
    then, e-mails owed) is in the database, and the sweep finds it: the outage is
    caught up as soon as the broker is back, not at the next scheduled sweep.
    """

    requires = {"celery.worker.consumer.tasks:Tasks"}

    def start(self, consumer):
        from alerts.tasks import request_sweep

        try:
            request_sweep()
        except Exception:  # noqa: BLE001 - an error here would stop the worker; the scheduled sweep still runs
            logger.exception("Could not ask for a sweep after connecting to the broker")


app.steps["consumer"].add(SweepOnConnect)


@signals.celeryd_init.connect
def accept_root_on_the_embedded_broker(conf, **kwargs):
    """A bin/run worker started as root (a development container) starts without the root warning.

    Celery warns that a root worker is dangerous because whoever can write to the
    broker could make it unpickle code as root; it refuses to start at all if
    pickle is accepted. Here only JSON is accepted, and the embedded broker is a
    folder under the var dir of the user running bin/run, so that risk is closed
    by configuration. On Redis (deployments, which run unprivileged: see the
    Dockerfile) the warning still shows.
    """
    if conf.broker_url.startswith("filesystem://") and set(conf.accept_content) == {"json"}:
        warnings.filterwarnings("ignore", category=SecurityWarning, module="celery.platforms")
