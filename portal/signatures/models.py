"""Signing certificates of units and the trust list used to verify signed PDFs."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UnitCertificateQuerySet(models.QuerySet):
    def usable(self, *, at=None):
        at = at or timezone.now()
        return self.filter(revoked_at__isnull=True, retired_at__isnull=True, not_before__lte=at, not_after__gt=at)


class UnitCertificate(models.Model):
    """A unit's organisational signing certificate and its private key, uploaded by an
    administrator as a PKCS#12 file. The key is kept only encrypted (`keys.seal`, with the
    `SIGNING_KEY_SECRET` from the environment) and is never shown or downloaded again."""

    unit = models.ForeignKey("portal.Unit", on_delete=models.PROTECT, related_name="certificates",
                             verbose_name=_("đơn vị"))
    subject = models.CharField(_("chủ thể"), max_length=255)
    issuer = models.CharField(_("tổ chức cấp"), max_length=255)
    serial = models.CharField(_("số hiệu"), max_length=80)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hết hạn"))
    sealed_key = models.BinaryField(editable=False)
    certificate_der = models.BinaryField(editable=False)
    # The issuing CAs (PEM), embedded in signatures so verifiers can build the path.
    chain_pem = models.TextField(blank=True, default="", editable=False)
    is_demo = models.BooleanField(_("chứng thư thử nghiệm"), default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("bị thu hồi lúc"), null=True, blank=True)
    retired_at = models.DateTimeField(_("ngừng sử dụng lúc"), null=True, blank=True)
    expiry_warned_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = UnitCertificateQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "-not_after"]
        verbose_name = _("chứng thư số của đơn vị")
        verbose_name_plural = _("chứng thư số của đơn vị")
        indexes = [models.Index(fields=["not_after"], condition=Q(revoked_at__isnull=True, retired_at__isnull=True),
                                name="unitcert_live_expiry")]

    def __str__(self):
        return f"{self.subject} ({self.unit})"

    @property
    def expired(self):
        return self.not_after <= timezone.now()

    @property
    def usable(self):
        now = timezone.now()
        return self.revoked_at is None and self.retired_at is None and self.not_before <= now < self.not_after


class TrustAnchor(models.Model):
    """A root certificate signatures are validated against (the national root CAs, configured
    by the operator; a demo root in development). `SIGNING_TRUST_ROOTS` adds PEM files."""

    name = models.CharField(_("tên"), max_length=255)
    certificate_der = models.BinaryField(editable=False)
    fingerprint = models.CharField(max_length=64, unique=True)
    not_after = models.DateTimeField(_("hết hạn"))
    is_demo = models.BooleanField(_("thử nghiệm"), default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("chứng thư gốc tin cậy")
        verbose_name_plural = _("chứng thư gốc tin cậy")

    def __str__(self):
        return self.name
