"""Load the demo data of every app: `python manage.py seed_demo` (idempotent).

Each app that has demo data exposes `<app>.demo.seed(stdout=...)`; they run in dependency
order. Refused on a production database unless DEBUG is on or --force is given.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import DEMO_TOTP_BASE32, accounts

APPS_IN_ORDER = ["portal", "procedures", "dossiers", "workflow", "citizens"]


class Command(BaseCommand):
    help = "Tạo dữ liệu mẫu (đơn vị, tài khoản, thủ tục, hồ sơ). Chạy lại nhiều lần không tạo trùng."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Chạy cả khi DEBUG tắt.")

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password; use --force outside DEBUG.")
        for app in APPS_IN_ORDER:
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
                continue
            self.stdout.write(f"{app}:")
            module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"\nDemo accounts (password: {settings.DEMO_PASSWORD}):"))
        for username, description in accounts():
            self.stdout.write(f"  {username:<28} {description}")
        self.stdout.write(self.style.WARNING(
            f"\nDEMO ONLY - staff sign in with a second step. Every demo staff authenticator uses the public key "
            f"{DEMO_TOTP_BASE32}\n(add it to an authenticator app, or print the current code with "
            f"`python manage.py demo_mfa_code`)."))
