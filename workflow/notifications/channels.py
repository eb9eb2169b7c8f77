"""Delivery channels of the notification outbox: e-mail, in-app and SMS.

A provider raises `TemporaryFailure` when trying again later may work (the gateway is down,
a timeout) and `PermanentFailure` when it never will (no such address); anything else is
treated as temporary. Every send carries an idempotency key derived from the notification,
because delivery is at least once: a worker killed after the provider accepted a message but
before the outbox row was marked sent will send it again, and only the provider can drop the
repeat (an SMTP relay by Message-ID, an SMS gateway by its client reference).

`SmsProvider` is the portal's only SMS interface and NOTIFY_SMS_PROVIDER its only setting:
every SMS (dossier notices, phone verification codes, feedback answers) is an outbox row sent
through it. Writing a real SMS gateway: subclass `SmsProvider`, implement `send()`, and point
NOTIFY_SMS_PROVIDER at the class. `send()` receives the phone number in the national format
(`0912345678`), the text (Vietnamese, may need Unicode/UCS-2 encoding, keep it short) and the
idempotency key; it returns the gateway's message id.
"""

import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string

logger = logging.getLogger("workflow.notifications")


class TemporaryFailure(Exception):
    """The provider could not deliver now; retry with backoff."""


class PermanentFailure(Exception):
    """The provider will never deliver this message (bad address, rejected content)."""


# --- e-mail ------------------------------------------------------------------------------------


def send_email(*, to, subject, text, html, key):
    """Send one e-mail through NOTIFY_EMAIL_BACKEND (or EMAIL_BACKEND) with a stable Message-ID."""
    connection = get_connection(settings.NOTIFY_EMAIL_BACKEND or None, fail_silently=False)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to], connection=connection,
                                     headers={"Message-ID": key})
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (ConnectionError, TimeoutError, OSError) as exc:
        raise TemporaryFailure(str(exc)) from exc
    return key


class IdempotentFileEmailBackend(BaseEmailBackend):
    """Writes each message to NOTIFY_EMAIL_FILE_PATH as `<Message-ID>.eml`, atomically: a
    repeated send of the same notification overwrites the same file, so the sink holds exactly
    one e-mail per notification. Used in development and by the fault tests, whose worker is
    another process (the locmem backend does not cross processes)."""

    def __init__(self, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.NOTIFY_EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            key = message.extra_headers.get("Message-ID") or message.message()["Message-ID"]
            name = "".join(c if c.isalnum() or c in "-_." else "_" for c in key.strip("<>")) + ".eml"
            handle, temporary = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(message.message().as_bytes())
            os.replace(temporary, self.directory / name)
        return len(email_messages)


# --- SMS ---------------------------------------------------------------------------------------


class SmsProvider:
    """The interface of an SMS gateway. See the module docstring."""

    def send(self, *, phone: str, text: str, key: str) -> str:
        raise NotImplementedError


class LogSmsProvider(SmsProvider):
    """Development provider: writes each SMS to the log (and to NOTIFY_SMS_LOG_PATH if set).
    Nothing reaches a phone, and verification codes end up in the log: production settings
    refuse it unless NOTIFY_SMS_LOG_ONLY=true says the site really has no SMS gateway."""

    def send(self, *, phone, text, key):
        logger.info("SMS to %s [%s]: %s", phone, key, text)
        if settings.NOTIFY_SMS_LOG_PATH:
            with open(settings.NOTIFY_SMS_LOG_PATH, "a", encoding="utf-8") as log:
                log.write(f"{key}\t{phone}\t{text}\n")
        return key


def sms_provider():
    return import_string(settings.NOTIFY_SMS_PROVIDER)()


def send_sms(*, to, text, key):
    return sms_provider().send(phone=to, text=text, key=key)
