"""Models of notifications: the outbox and each person's preferences."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    IN_APP = "in_app", _("Thông báo trên cổng")
    SMS = "sms", _("Tin nhắn SMS")
    # Calls to other systems (issue 17, workflow/api/outbound.py): delivered in order per dossier.
    WEBHOOK = "webhook", _("Webhook hệ thống kết nối")
    NATIONAL = "national", _("Cổng Dịch vụ công quốc gia")


class Notification(models.Model):
    """The outbox: one message to one person on one channel, written in the same transaction as
    the event that caused it, sent after commit by a Celery task, re-sent by a periodic task
    while unsent. Claimed with a conditional UPDATE, so it is sent at most once per claim;
    the e-mail carries a Message-ID derived from the row, so a provider can drop a repeat."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="notifications", verbose_name=_("người nhận"))
    # E-mail address or phone number when the recipient has no account (walk-in applicants).
    address = models.CharField(_("địa chỉ nhận"), max_length=254, blank=True)
    channel = models.CharField(_("kênh"), max_length=8, choices=NotificationChannel.choices)
    kind = models.CharField(_("loại thông báo"), max_length=40)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    context = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="vi")
    # Makes a notification idempotent across re-runs of the sweep and concurrent sweeps.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"), blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    failed_permanently = models.BooleanField(_("gửi thất bại"), default=False)
    read_at = models.DateTimeField(_("đọc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True, failed_permanently=False),
                         name="notification_pending"),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["created_at"], condition=Q(failed_permanently=True), name="notification_failed"),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient_id or self.address} ({self.channel})"


class NotificationPreference(models.Model):
    """Which channels a person wants notifications on, and in which language."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference")
    email = models.BooleanField(_("nhận qua thư điện tử"), default=True)
    sms = models.BooleanField(_("nhận qua tin nhắn SMS"), default=True)
    in_app = models.BooleanField(_("nhận thông báo trên cổng"), default=True)
    digest = models.BooleanField(_("nhận bản tổng hợp hằng ngày"), default=True)
    language = models.CharField(_("ngôn ngữ"), max_length=8, choices=settings.LANGUAGES, default="vi")

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")

    def __str__(self):
        return str(self.user_id)
