"""DEMO ONLY: print the current second-step code of the demo staff accounts (seed_demo gives
them all one public authenticator key, portal/demo.py). Refused unless DEBUG is on: the key
is public, but a real site has no business with it."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.demo import demo_code


class Command(BaseCommand):
    help = "In mã xác thực hai bước hiện tại của các tài khoản cán bộ mẫu (chỉ cho bản trình diễn)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_mfa_code is for the demo (DEBUG) only.")
        self.stdout.write(demo_code())
