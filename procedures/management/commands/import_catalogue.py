"""Import a catalogue file from the command line, with the same checks and the same single
transaction as the editor's screen:

    python manage.py import_catalogue danh-muc.xlsx --user bientap.tinh [--dry-run]

Prints each bad row (row, column, problem) and imports nothing if there is any.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from procedures.importing.jobs import run_import, run_validation
from procedures.models import ImportJob


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục từ tệp CSV, XLSX hoặc JSON (xem docs/catalogue-import-format.md)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="Tên đăng nhập của cán bộ biên tập thực hiện.")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra và xem trước, không ghi.")

    def handle(self, path, user, dry_run=False, **options):
        source = Path(path)
        fmt = source.suffix.lower().lstrip(".")
        if fmt not in {"csv", "xlsx", "json"} or not source.is_file():
            raise CommandError("Cần một tệp .csv, .xlsx hoặc .json có sẵn.")
        try:
            editor = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Không có tài khoản {user}.") from None
        with source.open("rb") as handle:
            job = ImportJob(original_name=source.name, format=fmt, created_by=editor)
            job.file.save(source.name, File(handle), save=True)
        run_validation(job.pk)
        job.refresh_from_db()
        for error in job.errors:
            self.stdout.write(f"dòng {error['row']}\t{error['column']}\t{error['message']}")
        if job.status != ImportJob.Status.PREVIEW:
            raise CommandError(f"{len(job.errors)} lỗi: không thủ tục nào được nhập.")
        counts = job.summary
        self.stdout.write(f"tạo mới {counts['create']}, cập nhật {counts['update']}, không đổi {counts['unchanged']}")
        if dry_run:
            ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.INVALID, message="--dry-run")
            return
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
        run_import(job.pk, editor.pk)
        job.refresh_from_db()
        if job.status != ImportJob.Status.DONE:
            raise CommandError(job.message or "Nhập không thành công.")
        self.stdout.write(self.style.SUCCESS("Đã nhập xong."))
