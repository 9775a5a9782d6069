"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import os
import warnings

from celery import Celery, signals
from celery.exceptions import SecurityWarning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
