"""Merge a unit into another: `python manage.py merge_units <source> <target> --effective
YYYY-MM-DD [--dry-run] [--no-keep-staff]`.

Run by an administrator when a merger decision takes effect (Decree 118/2025: districts
dissolved, communes merged). Safe to re-run: the same merger a second time changes nothing
and says so. With --dry-run everything runs and is rolled back, and the report is printed.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from portal.models import Unit
from workflow.mergers.services import unit_merge


class Command(BaseCommand):
    help = "Sáp nhập một đơn vị vào đơn vị khác, chuyển hồ sơ đang giải quyết và cán bộ, giữ lịch sử."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Mã định danh của đơn vị bị sáp nhập.")
        parser.add_argument("target", help="Mã định danh của đơn vị nhận sáp nhập.")
        parser.add_argument("--effective", required=True, help="Ngày sáp nhập có hiệu lực (YYYY-MM-DD).")
        parser.add_argument("--dry-run", action="store_true", help="Chạy thử: in báo cáo, không lưu thay đổi.")
        parser.add_argument(
            "--no-keep-staff", dest="keep_staff", action="store_false",
            help="Chỉ kết thúc phân công cán bộ ở đơn vị cũ, không phân công lại ở đơn vị mới.",
        )

    def handle(self, *args, source, target, effective, dry_run=False, keep_staff=True, **options):
        try:
            effective_date = datetime.date.fromisoformat(effective)
        except ValueError:
            message = _("Ngày hiệu lực không hợp lệ: %(value)s (cần dạng YYYY-MM-DD, ví dụ 2025-07-01).")
            raise CommandError(message % {"value": effective}) from None
        units = [self._unit(code) for code in (source, target)]
        try:
            report = unit_merge(
                source=units[0], target=units[1], effective=effective_date, dry_run=dry_run, keep_staff=keep_staff
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(report.summary())
        if options["verbosity"] >= 2 and report.dossiers:
            self.stdout.write(_("Mã hồ sơ đã chuyển: %(codes)s") % {"codes": ", ".join(report.dossiers)})

    def _unit(self, code):
        try:
            return Unit.objects.get(code=code.strip())
        except Unit.DoesNotExist:
            raise CommandError(_("Không tìm thấy đơn vị có mã định danh %(code)s.") % {"code": code}) from None
