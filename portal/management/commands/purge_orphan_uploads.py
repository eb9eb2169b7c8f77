"""Delete stored uploads that no row refers to: `python manage.py purge_orphan_uploads`.

Also run weekly by beat (portal.tasks.purge_orphan_uploads). Files written less than
`--hours` ago are kept, so an upload whose transaction is still running is never touched.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.storage_sweep import UPLOAD_ROOTS, orphan_files_purge


class Command(BaseCommand):
    help = "Xóa các tệp tải lên không còn thuộc hồ sơ, bản nháp hay tệp chờ nào (sót lại khi giao dịch bị hủy)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="Chỉ xóa tệp cũ hơn số giờ này (mặc định 24).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không xóa.")

    def handle(self, *args, hours, dry_run, **options):
        found = orphan_files_purge(older_than=timezone.now() - datetime.timedelta(hours=max(hours, 1)),
                                   dry_run=dry_run)
        for path in found:
            self.stdout.write(path)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{len(found)} orphan upload(s) {verb} under {', '.join(UPLOAD_ROOTS)}.")
