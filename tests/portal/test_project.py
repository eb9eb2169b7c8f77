"""Project-wide guarantees: migrations complete, production settings secure, every Vietnamese
string translated, Celery configured for reliability."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_no_missing_migrations(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_production_settings_pass_the_deploy_check():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
            "SECRET_KEY": "k9$Lq2!vZx7#Wm4pR8tY1uN6bE3cH5jD0aF^sG&hK*oP-lQ+iU=",
            "ALLOWED_HOSTS": "motcua.example.gov.vn",
            "DATABASE_URL": "postgres://portal:secret@db:5432/portal",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp+tls://portal:secret@mail.example.gov.vn:587",
            "NOTIFY_SMS_LOG_ONLY": "true",
            "ADMIN_URL": "quan-tri-he-thong-4c1e/",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deploy_check_warns_of_the_admin_at_its_well_known_path():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "portal.settings.prod",
            "SECRET_KEY": "k9$Lq2!vZx7#Wm4pR8tY1uN6bE3cH5jD0aF^sG&hK*oP-lQ+iU=",
            "ALLOWED_HOSTS": "motcua.example.gov.vn",
            "DATABASE_URL": "postgres://portal:secret@db:5432/portal",
            "NOTIFY_SMS_LOG_ONLY": "true",
        },
    )
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr


def test_production_settings_refuse_a_weak_secret_key():
    result = manage(
        "check",
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.prod", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"},
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be a random string" in result.stderr


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_is_translated(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    untranslated = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(po)], capture_output=True, text=True, check=True
    ).stdout
    # msgattrib prints only the header entry when nothing matches.
    assert untranslated.count("msgid ") <= 1, untranslated[:3000]
    assert fuzzy.count("msgid ") <= 1, fuzzy[:3000]


def msgids(po_text):
    return {line for line in po_text.splitlines() if line.startswith('msgid "')}


def test_po_files_are_current(tmp_path):
    """Every translatable string in the code is in the catalogue (else run `make makemessages`).
    makemessages runs on a copy of the tree, so the checkout's own files are never touched."""
    import shutil

    copy = tmp_path / "tree"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "var", "*.pyc", "__pycache__",
                                                               "db.sqlite3", "artifacts", ".pytest_cache"))
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--ignore=.venv", "--ignore=bench",
         "--ignore=tests", "--no-obsolete", "--no-wrap"],
        cwd=copy, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
    )
    assert result.returncode == 0, result.stderr
    relative = Path("locale") / "vi" / "LC_MESSAGES" / "django.po"
    fresh = subprocess.run(["msgattrib", "--no-obsolete", "--no-wrap", str(copy / relative)], capture_output=True,
                           text=True, check=True).stdout
    committed = subprocess.run(["msgattrib", "--no-obsolete", "--no-wrap", str(ROOT / relative)],
                               capture_output=True, text=True, check=True).stdout
    missing = msgids(fresh) - msgids(committed)
    assert not missing, "strings missing from locale/vi (run make makemessages):\n" + "\n".join(sorted(missing))


def test_celery_is_configured_for_reliable_delivery():
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    assert settings.CELERY_TASK_TIME_LIMIT > settings.CELERY_TASK_SOFT_TIME_LIMIT > 0
    assert "portal-heartbeat" in settings.CELERY_BEAT_SCHEDULE


def test_settings_default_to_vietnamese_and_hanoi_time():
    assert settings.LANGUAGE_CODE == "vi"
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert [code for code, _ in settings.LANGUAGES] == ["vi", "en"]
    assert settings.AUTH_USER_MODEL == "portal.User"


def test_production_collectstatic_resolves_every_referenced_asset(tmp_path):
    """The manifest storage fails on a CSS url() to a file that was not vendored."""
    result = manage(
        "collectstatic", "--noinput", "-v", "0",
        env={"DJANGO_SETTINGS_MODULE": "portal.settings.prod", "SECRET_KEY": "k" * 60 + "Z9!",
             "ALLOWED_HOSTS": "motcua.example.gov.vn", "STATIC_ROOT": str(tmp_path / "static"),
             "NOTIFY_SMS_LOG_ONLY": "true"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()


PROD_ENV = {"DJANGO_SETTINGS_MODULE": "portal.settings.prod", "ALLOWED_HOSTS": "motcua.example.gov.vn",
            "SECRET_KEY": "k9$Lq2!vZx7#Wm4pR8tY1uN6bE3cH5jD0aF^sG&hK*oP-lQ+iU=", "NOTIFY_SMS_LOG_ONLY": "true"}


def test_production_has_no_sandbox_payments_unless_a_staging_site_enables_them():
    show = ["shell", "--no-imports", "-c",
            "from django.conf import settings; print(sorted(settings.PAYMENT_PROVIDERS))"]
    assert "PAYMENT_SANDBOX_ENABLED" not in os.environ and "PAYMENT_SANDBOX_SECRET" not in os.environ
    result = manage(*show, env=PROD_ENV)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stderr
    refused = manage(*show, env={**PROD_ENV, "PAYMENT_SANDBOX_ENABLED": "true"})
    assert refused.returncode != 0 and "PAYMENT_SANDBOX_SECRET" in refused.stderr
    staging = manage(*show, env={**PROD_ENV, "PAYMENT_SANDBOX_ENABLED": "true", "PAYMENT_SANDBOX_SECRET": "s" * 40})
    assert staging.returncode == 0 and staging.stdout.strip() == "['sandbox']", staging.stderr


def test_production_refuses_the_log_only_sms_provider_unless_a_site_chooses_it():
    show = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.NOTIFY_SMS_PROVIDER)"]
    assert "NOTIFY_SMS_PROVIDER" not in os.environ and "NOTIFY_SMS_LOG_ONLY" not in os.environ
    unset = {k: v for k, v in PROD_ENV.items() if k != "NOTIFY_SMS_LOG_ONLY"}
    refused = manage(*show, env=unset)
    assert refused.returncode != 0 and "NOTIFY_SMS_LOG_ONLY" in refused.stderr
    assert "ImproperlyConfigured" in refused.stderr
    # The module path of older .env.example files is the same provider, refused the same way.
    old_path = manage(*show, env={**unset, "NOTIFY_SMS_PROVIDER": "workflow.channels.LogSmsProvider"})
    assert old_path.returncode != 0 and "NOTIFY_SMS_LOG_ONLY" in old_path.stderr
    chosen = manage(*show, env={**unset, "NOTIFY_SMS_LOG_ONLY": "true",
                                "NOTIFY_SMS_PROVIDER": "workflow.channels.LogSmsProvider"})
    assert chosen.returncode == 0, chosen.stderr
    assert chosen.stdout.strip() == "workflow.notifications.channels.LogSmsProvider"
    gateway = manage(*show, env={**unset, "NOTIFY_SMS_PROVIDER": "tests.citizens.test_accounts.RecordingSms"})
    assert gateway.returncode == 0 and gateway.stdout.strip() == "tests.citizens.test_accounts.RecordingSms"
