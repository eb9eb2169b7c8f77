"""Run the static beat schedule (CELERY_BEAT_SCHEDULE) in this process.

For `make run` without Redis, where there is no beat and no worker: tasks run eagerly and this
command takes beat's place, so the deadline sweep, the resend of unsent notifications, the
digests and the catalogue watch still happen on time. With Redis, run `celery -A portal beat`
and a worker instead. Every scheduled task is idempotent, so running this next to a real beat
by mistake sends nothing twice.

    manage.py run_periodic            # loop forever, like beat
    manage.py run_periodic --once     # run every scheduled task once now and exit
    manage.py run_periodic --once --task workflow.tasks.deadline_sweep
"""

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("workflow.periodic")


class Command(BaseCommand):
    help = "Run the tasks of CELERY_BEAT_SCHEDULE in this process, on their schedule (beat without Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run the tasks once now and exit.")
        parser.add_argument("--task", action="append", default=[], help="Only this task (dotted name); repeatable.")
        parser.add_argument("--max-sleep", type=float, default=30.0, help="Longest nap between checks, seconds.")

    def handle(self, *args, once=False, task=(), max_sleep=30.0, **options):
        entries = {name: entry for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
                   if not task or entry["task"] in task}
        if not entries:
            raise CommandError("No scheduled task matches.")
        if once:
            for name, entry in entries.items():
                self.run(name, entry)
            return
        now = timezone.now()
        last_run = {name: now for name in entries}
        self.stdout.write(f"Running {len(entries)} periodic tasks in-process; Ctrl+C to stop.")
        try:
            while True:
                naps = []
                for name, entry in entries.items():
                    schedule = entry["schedule"]
                    due, next_seconds = schedule.is_due(last_run[name])
                    if due:
                        last_run[name] = timezone.now()
                        self.run(name, entry)
                        due, next_seconds = schedule.is_due(last_run[name])
                    naps.append(next_seconds)
                time.sleep(max(0.5, min([max_sleep, *naps])))
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def run(self, name, entry):
        try:
            task = import_string(entry["task"])
            result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
            if result.failed():
                raise result.result
            self.stdout.write(f"{timezone.localtime():%H:%M:%S} {name}: {result.result!r}")
        except Exception:  # noqa: BLE001  (one failing job must not stop the others)
            logger.exception("periodic task %s failed", name)
