"""The daily watch warns, once, 30 days before a unit certificate expires: the unit's leaders
and the administrators, in the app and by e-mail; the e-mail renders."""

import datetime

from django.core import mail
from django.utils import timezone

from portal.signatures.models import UnitCertificate
from tests.factories import UserFactory
from workflow.deadlines.digests import certificate_expiry_watch
from workflow.models import Notification
from workflow.tasks import certificate_watch


def test_certificate_expiring_within_30_days_is_warned_once(unit_certificate, leader_c1, leader, clerk):
    admin = UserFactory(username="quantri", is_superuser=True, email="qt@example.org")
    now = timezone.now()
    UnitCertificate.objects.filter(pk=unit_certificate.pk).update(not_after=now + datetime.timedelta(days=31))
    assert certificate_expiry_watch(now=now) == 0
    UnitCertificate.objects.filter(pk=unit_certificate.pk).update(not_after=now + datetime.timedelta(days=29, hours=2))
    assert certificate_expiry_watch(now=now) == 1
    recipients = set(Notification.objects.filter(kind="certificate_expiry", channel="in_app")
                     .values_list("recipient__username", flat=True))
    assert recipients == {leader_c1.username, admin.username}  # not the province department's leader, not clerks
    row = Notification.objects.get(kind="certificate_expiry", recipient=admin, channel="in_app")
    assert row.context["days"] == 29 and row.context["unit"] == "Ủy ban nhân dân xã Mỹ Hà"
    assert certificate_watch() == 0  # claimed: the task, run again, warns nobody twice


def test_warning_email_names_the_unit_and_the_date(unit_certificate, leader_c1, settings):
    from workflow.notifications.outbox import deliver

    admin = UserFactory(username="quantri", is_superuser=True, email="qt@example.org")
    now = timezone.now()
    UnitCertificate.objects.filter(pk=unit_certificate.pk).update(not_after=now + datetime.timedelta(days=10))
    certificate_expiry_watch(now=now)
    deliver(Notification.objects.get(kind="certificate_expiry", recipient=admin, channel="email").pk)
    sent = [m for m in mail.outbox if "qt@example.org" in m.to]
    assert sent and "Ủy ban nhân dân xã Mỹ Hà" in sent[0].subject
    assert "/signing/certificates/" in sent[0].body and admin


def test_expired_revoked_or_retired_certificates_are_not_warned(unit_certificate, leader_c1):
    now = timezone.now()
    UnitCertificate.objects.filter(pk=unit_certificate.pk).update(not_after=now + datetime.timedelta(days=3),
                                                                    retired_at=now)
    assert certificate_expiry_watch(now=now) == 0
