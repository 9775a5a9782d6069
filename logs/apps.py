from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = "Joint-sound log"

    def ready(self):
        from tracker import postgres

        from . import event_counts

        post_migrate.connect(event_counts.install_after_migrate, sender=self)
        connection_created.connect(postgres.use_c_time_loader)
