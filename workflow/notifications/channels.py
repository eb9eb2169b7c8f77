"""Delivery channels of the notification outbox: e-mail, in-app, SMS, and HTTP (webhooks, national portal).

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

import hashlib
import hmac
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


# --- HTTP (webhooks of connected systems, the national portal; workflow/api/outbound.py) ----------


def sign(secret, timestamp, body):
    """HMAC-SHA256 of "<timestamp>.<body>" with the receiver's secret, as `sha256=<hex>`: the
    receiver recomputes it and refuses a stale timestamp, so a captured call cannot be replayed."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def post_json(*, url, body, headers, timeout=None):
    """POST `body` (bytes of JSON). 2xx is delivered; 408, 409, 425, 429 and 5xx, time-outs and
    connection errors are temporary; any other answer is permanent (the receiver refuses it)."""
    import requests

    try:
        response = requests.post(url, data=body, headers={"Content-Type": "application/json", **headers},
                                 timeout=timeout or settings.OUTBOUND_HTTP_TIMEOUT, allow_redirects=False)
    except requests.RequestException as exc:
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc
    if 200 <= response.status_code < 300:
        return response
    detail = f"HTTP {response.status_code}: {response.text[:300]}"
    if response.status_code in (408, 409, 425, 429) or response.status_code >= 500:
        raise TemporaryFailure(detail)
    raise PermanentFailure(detail)


def send_outbound(notification):
    """Deliver a webhook or national-portal row: its JSON payload, signed with a timestamp.
    The delivery id names the dossier event, so a receiver drops a repeat (delivery is at least
    once: a worker killed after the call but before marking the row sends it again). Returns
    (subject, body) to keep on the row."""
    import json
    import time

    from portal.api.clients import webhook_secret
    from portal.api.models import ApiClient

    context = notification.context or {}
    body = json.dumps(context.get("payload", {}), ensure_ascii=False, sort_keys=True).encode()
    timestamp = str(int(time.time()))
    headers = {"X-Portal-Event": notification.kind, "X-Portal-Delivery": str(context.get("event_id", "")),
               "X-Portal-Timestamp": timestamp, "Idempotency-Key": str(context.get("event_id", ""))}
    if notification.channel == "webhook":
        client = ApiClient.objects.filter(pk=context.get("client"), revoked_at=None).first()
        if client is None:
            raise PermanentFailure("the connected system was revoked")
        headers["X-Portal-Signature"] = sign(webhook_secret(client), timestamp, body)
        post_json(url=notification.address, body=body, headers=headers)
    else:
        if settings.NATIONAL_PORTAL_SECRET:
            headers["X-Portal-Signature"] = sign(settings.NATIONAL_PORTAL_SECRET, timestamp, body)
        import_string(settings.NATIONAL_PORTAL_ADAPTER)().push_status(url=notification.address, body=body,
                                                                      headers=headers)
    return notification.kind, body.decode()
