from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LogsConfig(AppConfig):
    name = "logs"
    verbose_name = "Joint-sound log"

    def ready(self):
        from . import event_counts

        post_migrate.connect(event_counts.install_after_migrate, sender=self)
