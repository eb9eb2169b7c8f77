"""Rebuild the supervision statistics' daily counters (workflow.supervision.daily_counters).

    manage.py refresh_counters                  # every day up to yesterday (back-fill), then today
    manage.py refresh_counters --recent 7       # the last 7 days and today, as the periodic task does
    manage.py refresh_counters --from 2026-01-01 --to 2026-01-31

Idempotent: each day is deleted and rebuilt in one transaction.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from workflow.supervision import daily_counters


class Command(BaseCommand):
    help = "Rebuild the daily counters of the supervision statistics."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="first", type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="last", type=datetime.date.fromisoformat)
        parser.add_argument("--recent", type=int, help="rebuild the last N complete days")
        parser.add_argument("--dry-run", action="store_true", help="count the rows without writing them")

    def handle(self, *args, first=None, last=None, recent=None, dry_run=False, **options):
        if dry_run:
            first = first or datetime.date.today() - datetime.timedelta(days=recent or 1)
            rows, steps = daily_counters.compute_range(first, last or datetime.date.today())
            self.stdout.write(f"{len(rows)} counter rows, {len(steps)} step rows (not written)")
            return
        if recent:
            daily_counters.refresh_recent(days=recent)
            result = None
        elif first or last:
            if not (first and last) or last < first:
                raise CommandError("Give both --from and --to, --to not before --from.")
            result = daily_counters.refresh_range(first, last)
        else:
            result = daily_counters.refresh_all()
            daily_counters.refresh_today()
        self.stdout.write(self.style.SUCCESS(f"Counters rebuilt: {result or 'recent days'}; complete until "
                                             f"{daily_counters.complete_until()}"))
