"""The citizen side: profiles, online drafts with their files, payments of fees, ratings and
feedback (phản ánh, kiến nghị). Dossiers themselves live in dossiers/; nothing here changes a
dossier's state except through the services of dossiers/ and workflow/."""

import secrets
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier, DossierFile
from portal.models import Unit
from procedures.models import ComponentRequirement, Procedure, ProcedureVersion


class CitizenProfile(models.Model):
    """What the portal knows about a citizen beyond the User row, reused to pre-fill forms."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="citizen_profile")
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    email_verified_at = models.DateTimeField(_("xác thực thư điện tử lúc"), null=True, blank=True)
    phone_verified_at = models.DateTimeField(_("xác thực số điện thoại lúc"), null=True, blank=True)
    # Assisted submission: the clerk who opened the account for a walk-in citizen.
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("cán bộ tạo tài khoản"))
    identity_provider = models.CharField(_("đăng nhập qua"), max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("hồ sơ công dân")
        verbose_name_plural = _("hồ sơ công dân")

    def __str__(self):
        return str(self.user)


class OnlineDraft(models.Model):
    """An online submission being filled in, saved at every step so that a dropped connection
    loses nothing. Becomes a Dossier once submitted (exactly once)."""

    class Step(models.TextChoices):
        APPLICANT = "applicant", _("Người nộp")
        COMPONENTS = "components", _("Thành phần hồ sơ")
        DELIVERY = "delivery", _("Nhận kết quả")
        REVIEW = "review", _("Xem lại và nộp")

    class State(models.TextChoices):
        OPEN = "open", _("Đang soạn")
        SUBMITTED = "submitted", _("Đã nộp")
        DISCARDED = "discarded", _("Đã hủy")

    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="online_drafts")
    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("thủ tục"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("nơi tiếp nhận"))
    step = models.CharField(max_length=12, choices=Step.choices, default=Step.APPLICANT)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    data = models.JSONField(default=dict, blank=True)
    dossier = models.OneToOneField(Dossier, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("hồ sơ trực tuyến đang soạn")
        verbose_name_plural = _("hồ sơ trực tuyến đang soạn")
        indexes = [models.Index(fields=["citizen", "state"], name="draft_citizen_state")]

    def __str__(self):
        return f"{self.citizen_id} {self.version_id} {self.state}"


def draft_file_path(instance, filename):
    return f"citizens/drafts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class DraftFile(models.Model):
    """A file of a draft: a fresh upload (checked by content at upload time) or a file reused
    from the citizen's document wallet (same stored file, no second upload)."""

    class Source(models.TextChoices):
        UPLOAD = "upload", _("Tải lên")
        WALLET = "wallet", _("Dùng lại từ kho giấy tờ")

    draft = models.ForeignKey(OnlineDraft, on_delete=models.CASCADE, related_name="files")
    requirement = models.ForeignKey(ComponentRequirement, on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="+")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.UPLOAD)
    source_file = models.ForeignKey(DossierFile, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    file = models.FileField(upload_to=draft_file_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    scan_verdict = models.CharField(max_length=10, blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("tệp hồ sơ đang soạn")
        verbose_name_plural = _("tệp hồ sơ đang soạn")

    def __str__(self):
        return self.original_name


def _payment_reference():
    return "TT" + timezone.now().strftime("%y%m%d") + secrets.token_hex(4).upper()


class Payment(models.Model):
    """A payment of the fees of a dossier: online through a provider, or recorded at the counter."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        FAILED = "failed", _("Không thành công")

    class Method(models.TextChoices):
        ONLINE = "online", _("Thanh toán trực tuyến")
        COUNTER = "counter", _("Nộp tại bộ phận một cửa")

    reference = models.CharField(_("mã giao dịch"), max_length=32, unique=True, default=_payment_reference)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="payments")
    payer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    amount = models.PositiveIntegerField(_("số tiền (đồng)"))
    description = models.CharField(_("nội dung"), max_length=300)
    method = models.CharField(_("hình thức"), max_length=10, choices=Method.choices, default=Method.ONLINE)
    provider = models.CharField(_("cổng thanh toán"), max_length=40, blank=True)
    provider_transaction = models.CharField(_("mã giao dịch của cổng"), max_length=64, blank=True)
    state = models.CharField(_("trạng thái"), max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("cán bộ thu"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thanh toán phí, lệ phí")
        verbose_name_plural = _("thanh toán phí, lệ phí")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One settled payment per dossier: a replayed callback cannot pay twice.
            models.UniqueConstraint(fields=["dossier"], condition=Q(state="paid"), name="one_paid_payment_per_dossier"),
        ]

    def __str__(self):
        return self.reference


class PaymentCallback(models.Model):
    """Every callback received from a payment provider, accepted or not: the audit trail that
    shows a replayed or tampered callback changed nothing."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Đã ghi nhận")
        DUPLICATE = "duplicate", _("Trùng lặp, bỏ qua")
        BAD_SIGNATURE = "bad_signature", _("Sai chữ ký")
        MISMATCH = "mismatch", _("Sai số tiền hoặc mã giao dịch")
        FAILED = "failed", _("Giao dịch không thành công")
        STALE = "stale", _("Quá hạn hoặc thiếu thời điểm")
        REPLAYED = "replayed", _("Gửi lại thông báo đã nhận (bị từ chối)")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="callbacks")
    provider = models.CharField(max_length=40)
    payload = models.JSONField(default=dict)
    signature = models.CharField(max_length=128, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    received_at = models.DateTimeField(default=timezone.now)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    nonce = models.CharField(max_length=64, blank=True, default="", db_default="")

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("thông báo từ cổng thanh toán")
        verbose_name_plural = _("thông báo từ cổng thanh toán")

    def __str__(self):
        return f"{self.provider} {self.outcome} {self.received_at:%Y-%m-%d %H:%M}"


class Rating(models.Model):
    """A citizen's rating of the service for one returned dossier (DOMAIN §11: five levels)."""

    class Score(models.IntegerChoices):
        DISAPPOINTED = 1, _("Thất vọng")
        POOR = 2, _("Chưa tốt")
        ACCEPTABLE = 3, _("Chấp nhận")
        GOOD = 4, _("Tốt")
        LOVED = 5, _("Yêu thích")

    class Aspect(models.TextChoices):
        TIME = "time", _("Thời gian giải quyết")
        ATTITUDE = "attitude", _("Thái độ phục vụ")
        GUIDANCE = "guidance", _("Hướng dẫn thủ tục")
        ONLINE = "online", _("Chất lượng dịch vụ trực tuyến")

    class Source(models.TextChoices):
        ACCOUNT = "account", _("Tài khoản công dân")
        KIOSK = "kiosk", _("Màn hình đánh giá tại quầy")
        SLIP = "slip", _("Mã QR trên phiếu trả kết quả")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    # Empty for a walk-in applicant without an account (the counter's kiosk or the slip's link).
    citizen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                null=True, blank=True)
    source = models.CharField(_("nơi đánh giá"), max_length=10, choices=Source.choices, default=Source.ACCOUNT)
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=Score.choices,
                                             validators=[MinValueValidator(1), MaxValueValidator(5)])
    aspects = models.JSONField(_("khía cạnh"), default=list, blank=True)
    comment = models.TextField(_("ý kiến"), blank=True, max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_score_1_5")]

    def __str__(self):
        return f"{self.dossier_id}: {self.score}"


def _tracking_code():
    return "PA" + secrets.token_hex(4).upper()


class Feedback(models.Model):
    """Phản ánh, kiến nghị: anyone may send one; a supervisor answers within the due date."""

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Phản ánh")
        PROPOSAL = "proposal", _("Kiến nghị")

    tracking_code = models.CharField(_("mã theo dõi"), max_length=16, unique=True, default=_tracking_code)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.COMPLAINT)
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    sender_name = models.CharField(_("họ và tên"), max_length=150)
    sender_email = models.EmailField(_("thư điện tử"), blank=True)
    sender_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("cơ quan bị phản ánh"))
    procedure = models.ForeignKey(Procedure, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("thủ tục liên quan"))
    dossier_code = models.CharField(_("mã hồ sơ liên quan"), max_length=64, blank=True)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [models.Index(fields=["answered_at", "due_at"], name="feedback_open_due")]

    def __str__(self):
        return self.tracking_code

    @property
    def is_answered(self):
        return self.answered_at is not None

    @property
    def is_overdue(self):
        return self.answered_at is None and timezone.now() > self.due_at

    @property
    def answered_on_time(self):
        return bool(self.answered_at and self.answered_at <= self.due_at)
