"""Connected systems (issue 17): API clients of one unit with scopes, the audit of their calls
and the idempotency keys of their creates. Imported by portal/models.py so that Django finds
them under the `portal` app label."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    CATALOGUE_READ = "catalogue:read", _("Đọc danh mục thủ tục")
    DOSSIERS_READ = "dossiers:read", _("Đọc hồ sơ của đơn vị")
    DOSSIERS_CREATE = "dossiers:create", _("Tạo hồ sơ")
    STEPS_ACT = "steps:act", _("Xử lý bước của đơn vị")


class WebhookEvent(models.TextChoices):
    STATUS_CHANGED = "status_changed", _("Hồ sơ đổi trạng thái")
    RESULT_READY = "result_ready", _("Hồ sơ đã có kết quả")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Hồ sơ được yêu cầu bổ sung")


class ApiClient(models.Model):
    """A connected system (a ministry's sectoral software, the national portal's adapter...):
    a client of ONE unit. It acts through its own system account (`user`), whose memberships in
    that unit follow its scopes, so the services and workflow/policies.py decide what it may do
    exactly as for a person. Its key is stored as a SHA-256 hash only (the key is 256 random
    bits, shown once); the webhook secret is derived from SECRET_KEY and a random salt, never
    stored."""

    name = models.CharField(_("tên hệ thống"), max_length=150)
    unit = models.ForeignKey("portal.Unit", on_delete=models.PROTECT, related_name="api_clients",
                             verbose_name=_("đơn vị"))
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    scopes = models.JSONField(_("quyền"), default=list)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    webhook_url = models.URLField(_("địa chỉ nhận webhook"), blank=True)
    webhook_events = models.JSONField(_("sự kiện gửi webhook"), default=list, blank=True)
    webhook_salt = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dùng gần nhất"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("hệ thống kết nối")
        verbose_name_plural = _("hệ thống kết nối")

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    def has_scope(self, scope):
        return scope in (self.scopes or [])


class ApiCall(models.Model):
    """The audit of every call of a connected system: who, what, on which object, with what
    outcome. Append-only, like the dossier events."""

    client = models.ForeignKey(ApiClient, on_delete=models.PROTECT, null=True, blank=True, related_name="calls")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    action = models.CharField(max_length=80, blank=True)
    object = models.CharField(max_length=120, blank=True)
    status_code = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["client", "at"], name="apicall_client_at")]

    def __str__(self):
        return f"{self.client_id} {self.method} {self.path} {self.status_code}"


class IdempotencyRecord(models.Model):
    """The answer given to a create carrying an Idempotency-Key, so that the same call retried
    gets the same answer and never creates a second dossier."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="unique_idempotency_key")]

    def __str__(self):
        return f"{self.client_id} {self.key}"
