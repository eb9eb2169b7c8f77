"""Generate a realistic province for benchmarks: `python manage.py generate_load --dossiers N --seed S`.

Deterministic for a given seed. Re-running reuses the generated organisation, catalogue and
citizens and does not add dossiers twice. --dry-run only prints what would be created.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from workflow import loadgen


class Command(BaseCommand):
    help = "Tạo dữ liệu tải giả lập (đơn vị, cán bộ, thủ tục, công dân, hồ sơ) để đo hiệu năng."

    def add_arguments(self, parser):
        parser.add_argument("--dossiers", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--procedures", type=int, default=2200)
        parser.add_argument("--citizens", type=int, default=200_000)
        parser.add_argument("--years", type=int, default=3)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dossiers, seed, procedures, citizens, years, dry_run, **options):
        if dossiers < 0 or procedures < 1 or citizens < 0 or years < 1:
            raise CommandError("--dossiers, --citizens >= 0; --procedures, --years >= 1")
        if dry_run:
            self.stdout.write(f"Would create (if missing): a province of ~260 units with ~2,000 staff, {procedures} "
                              f"procedures, {citizens} citizens and {dossiers} dossiers over {years} years "
                              f"(seed {seed}).")
            return
        started = time.monotonic()
        loadgen.generate(dossiers=dossiers, seed=seed, procedures=procedures, citizens=citizens, years=years,
                         stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"done in {time.monotonic() - started:.1f} s"))
