"""The one place citizen e-mails and SMS leave the portal (verification, activation, payment
and feedback notices). The notification outbox may later route these; keep sending here."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def send_citizen_message(*, template, context, email="", phone=""):
    """Send `templates/citizens/email/<template>.{subject.txt,txt}` by e-mail and, when an SMS
    gateway is configured (settings.SMS_GATEWAY, a dotted path to `send(phone, text)`), its
    text by SMS. Returns the channels used."""
    used = []
    text = render_to_string(f"citizens/email/{template}.txt", context).strip()
    if email:
        subject = " ".join(render_to_string(f"citizens/email/{template}.subject.txt", context).split())
        html = render_to_string(f"citizens/email/{template}.html", {**context, "text": text})
        send_mail(subject, text, None, [email], html_message=html)
        used.append("email")
    gateway = getattr(settings, "SMS_GATEWAY", "")
    if phone and gateway:
        try:
            import_string(gateway)(phone, text[:480])
            used.append("sms")
        except Exception:  # a failing gateway must not break the citizen's action
            logger.exception("SMS gateway %s failed", gateway)
    return used
