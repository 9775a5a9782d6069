"""``manage.py seed_demo [--persons N --days D]``: the demo account and its histories.

The user ``demo`` gets the three demo stories (logs/histories.py); running the
command again deletes the people it owns and rebuilds them, so counts never
grow. ``--persons N`` adds N generated people with D days of history each,
owned by a separate user ``bench`` (reset the same way), so benchmarks can load
thousands of people without burying the demo's three.

The demo's people are scanned before the command ends, so their alerts are
there the moment the app starts. The bench people are left to the periodic
sweep: scanning them one by one here would more than double the seeding time
(1,000 people over 30 days on SQLite: about 6 s to store, 13 s more to scan;
10,000 on PostgreSQL at bench/scan.py's 62 people/s: about 3 minutes more).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from alerts import engine
from logs import vocab
from logs.histories import demo_histories, generated_histories, store_histories
from logs.models import Person, User

DEMO_USERNAME = "demo"
BENCH_USERNAME = "bench"
# A public, fixed password: these accounts hold made-up data for demos and benchmarks.
DEMO_PASSWORD = "clicks-are-common"


class Command(BaseCommand):
    help = "Create or reset the demo user and its three histories; --persons adds generated people for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--persons", type=int, default=0, help=f"generated people to add, owned by the user '{BENCH_USERNAME}'"
        )
        parser.add_argument("--days", type=int, default=30, help="days of history for each generated person")

    def handle(self, *args, persons, days, **options):
        if persons < 0 or days < 1:
            raise CommandError("--persons must be 0 or more and --days at least 1.")
        now = timezone.now()
        with transaction.atomic():
            demo = reset_user(DEMO_USERNAME)
            stored = store_histories(demo_histories(now=now), owner=demo, changed_at=now)
            alerts = scan_people_of(demo, now=now)
        self.stdout.write(f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}")
        self.stdout.write(
            f"Demo: {stored.persons} persons, {stored.events} events, {stored.workouts} workouts, "
            f"{alerts} open alerts."
        )
        if persons:
            with transaction.atomic():
                bench = reset_user(BENCH_USERNAME)
                stored = store_histories(
                    generated_histories(count=persons, days=days, now=now), owner=bench, changed_at=now
                )
            self.stdout.write(f"Bench login: {BENCH_USERNAME} / {DEMO_PASSWORD}")
            self.stdout.write(
                f"Bench: {stored.persons} persons, {stored.events} events, {stored.workouts} workouts "
                f"over {days} days."
            )


def scan_people_of(owner, *, now):
    """Scan the owner's people as the sweep does; returns how many alerts that raised."""
    person_ids = Person.objects.filter(caregivers__user=owner, caregivers__role=vocab.Role.OWNER).values_list(
        "pk", flat=True
    )
    return len({change.alert.pk for person_id in person_ids for change in engine.scan(person_id, now=now)})


def reset_user(username):
    """The user ``username`` with the demo password, owning no one (their people are deleted)."""
    user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org"})
    user.set_password(DEMO_PASSWORD)
    user.is_active = True
    # The stories' days are UTC calendar days.
    user.timezone = "UTC"
    user.save()
    Person.objects.filter(caregivers__user=user, caregivers__role=vocab.Role.OWNER).delete()
    return user
