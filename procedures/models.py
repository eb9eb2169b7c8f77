"""The catalogue of administrative procedures (thủ tục hành chính, TTHC).

A `Procedure` is the stable identity (national code). What it requires, costs and how long it
takes lives in `ProcedureVersion`s with effective dates: a dossier keeps the version in force
when it was received, so editing the catalogue never moves an in-flight deadline
(Decree 63/2010 art. 8; DOMAIN.md §3).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.models import Unit, UnitLevel

from .text import NATIONAL_CODE_RE, nfc, search_key

validate_national_code = RegexValidator(
    NATIONAL_CODE_RE, _("Mã thủ tục phải có dạng như 1.001193 (mã trên Cơ sở dữ liệu quốc gia về TTHC).")
)


class Field(models.Model):
    """Lĩnh vực: hộ tịch, chứng thực, đất đai..."""

    code = models.SlugField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self):
        return self.name


class LegalDocument(models.Model):
    """Căn cứ pháp lý: a law, decree, circular or decision a procedure rests on."""

    number = models.CharField(_("số, ký hiệu"), max_length=80, unique=True)
    title = models.CharField(_("trích yếu"), max_length=1000)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    expired_on = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("được thay thế bởi"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "number"]
        verbose_name = _("văn bản pháp lý")
        verbose_name_plural = _("văn bản pháp lý")

    def __str__(self):
        return f"{self.number} — {self.title}"

    def is_expired(self, on=None):
        on = on or timezone.localdate()
        return self.expired_on is not None and self.expired_on <= on

    def is_in_force(self, on=None):
        on = on or timezone.localdate()
        return not self.is_expired(on) and self.replaced_by_id is None


class ProcedureQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Procedures with a published version in force on `on` (today by default)."""
        on = on or timezone.localdate()
        return self.filter(
            models.Exists(ProcedureVersion.objects.in_force(on).filter(procedure=models.OuterRef("pk")))
        )


class Procedure(models.Model):
    """The stable identity of a procedure: its national code. Its content is versioned."""

    national_code = models.CharField(
        _("mã thủ tục"), max_length=40, unique=True, validators=[validate_national_code]
    )
    field = models.ForeignKey(Field, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("lĩnh vực"))
    # Denormalised from the current published version (or the latest draft until then) so
    # that listing and search need no join.
    # Limits of text fields follow the national procedure database (CSDLQG về TTHC), whose
    # names, notes and component names run longer than a form would suggest (issue #21).
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    # Diacritics stripped, lower case: the SQLite search column (PostgreSQL uses an
    # unaccent + trigram expression index on `name`, see migration 0002).
    search_text = models.CharField(max_length=1100, editable=False, db_index=True, default="")
    managing_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_procedures",
        verbose_name=_("đơn vị quản lý danh mục"),
        help_text=_("Cán bộ biên tập của đơn vị này (và cấp trên) được sửa thủ tục. Để trống: cấp tỉnh."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        ordering = ["field__name", "name"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self):
        return f"{self.national_code} {self.name}"

    def save(self, *args, **kwargs):
        self.name = nfc(self.name).strip()
        self.search_text = search_key(f"{self.name} {self.national_code}")
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def current_version(self, on=None):
        """The published version in force on `on` (today by default), or None."""
        return ProcedureVersion.objects.in_force(on).filter(procedure=self).first()

    def latest_version(self):
        return self.versions.order_by("-number").first()


class ProcedureVersionQuerySet(models.QuerySet):
    def in_force(self, on=None):
        """Versions that were published and whose validity covers `on`. A version superseded
        on a later date stays `published` until that date; it is in force until then."""
        on = on or timezone.localdate()
        return self.filter(
            Q(status__in=[ProcedureVersion.Status.PUBLISHED, ProcedureVersion.Status.RETIRED]),
            Q(effective_from__lte=on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=on),
        )


class OnlineLevel(models.IntegerChoices):
    """Decree 43/2011 levels; Decree 42/2022 calls 4 "toàn trình" and 3 "một phần"."""

    LEVEL_1 = 1, _("Mức độ 1 — cung cấp thông tin")
    LEVEL_2 = 2, _("Mức độ 2 — tải mẫu đơn, tờ khai")
    LEVEL_3 = 3, _("Mức độ 3 — nộp và xử lý trực tuyến")
    LEVEL_4 = 4, _("Mức độ 4 — trực tuyến toàn bộ, thanh toán và nhận kết quả trực tuyến")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày (tính cả ngày nghỉ)")
    HOURS = "hours", _("giờ làm việc")
    SAME_DAY = "same_day", _("trong ngày")


class ProcedureVersion(models.Model):
    """One published (or drafted) content of a procedure, valid between two dates."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")
        RETIRED = "retired", _("Hết hiệu lực")

    class ClockRule(models.TextChoices):
        # DOMAIN §7: the 2018 text restarts the clock; many systems pause and resume.
        PAUSE = "pause", _("Tạm dừng và tính tiếp thời gian còn lại")
        RESTART = "restart", _("Tính lại từ đầu khi nhận đủ hồ sơ")

    class FeePayment(models.TextChoices):
        BEFORE = "before", _("Nộp khi tiếp nhận hồ sơ")
        AFTER = "after", _("Nộp khi nhận kết quả")

    OnlineLevel = OnlineLevel
    TimeUnit = TimeUnit

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("thủ tục")
    )
    number = models.PositiveIntegerField(_("phiên bản số"))
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    effective_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    effective_to = models.DateField(_("hết hiệu lực từ ngày"), null=True, blank=True)
    decision_number = models.CharField(
        _("quyết định công bố"), max_length=255, blank=True, help_text=_("Ví dụ: 1234/QĐ-UBND ngày 15/3/2025.")
    )
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    authority_level = models.ForeignKey(
        UnitLevel,
        on_delete=models.PROTECT,
        null=True,
        related_name="procedure_versions",
        verbose_name=_("cấp thực hiện"),
    )
    # A procedure the national database lists at several levels ("Cấp Tỉnh, Cấp Huyện, Cấp Xã")
    # keeps them all: the main one above, the others here.
    other_levels = models.ManyToManyField(
        UnitLevel, blank=True, related_name="+", verbose_name=_("cấp thực hiện khác")
    )
    implementing_units = models.ManyToManyField(
        Unit, blank=True, related_name="implemented_procedure_versions", verbose_name=_("cơ quan thực hiện")
    )
    receiving_units = models.ManyToManyField(
        Unit, blank=True, related_name="received_procedure_versions", verbose_name=_("nơi tiếp nhận hồ sơ")
    )
    subjects = models.TextField(_("đối tượng thực hiện"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    requirements = models.TextField(_("yêu cầu, điều kiện"), blank=True)
    online_level = models.PositiveSmallIntegerField(
        _("mức độ dịch vụ công trực tuyến"), choices=OnlineLevel.choices, default=OnlineLevel.LEVEL_2
    )
    time_unit = models.CharField(
        _("đơn vị thời gian"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    processing_time = models.DecimalField(
        _("thời hạn giải quyết"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Tổng thời gian theo quy định; bằng tổng thời gian các bước của quy trình."),
    )
    processing_time_note = models.CharField(
        _("ghi chú thời hạn"), max_length=2000, blank=True,
        help_text=_("Ví dụ: trường hợp cần xác minh thì không quá 05 ngày làm việc."),
    )
    supplement_clock_rule = models.CharField(
        _("tính thời gian khi bổ sung hồ sơ"), max_length=10, choices=ClockRule.choices, default=ClockRule.PAUSE
    )
    supplement_window_days = models.PositiveSmallIntegerField(
        _("hạn yêu cầu bổ sung (ngày làm việc)"), default=3, validators=[MaxValueValidator(30)]
    )
    fee_payment = models.CharField(
        _("thời điểm nộp phí, lệ phí"), max_length=10, choices=FeePayment.choices, default=FeePayment.BEFORE
    )
    legal_documents = models.ManyToManyField(
        LegalDocument, blank=True, related_name="procedure_versions", verbose_name=_("căn cứ pháp lý")
    )
    settled_on_spot = models.BooleanField(_("giải quyết ngay"), default=False)
    change_note = models.CharField(_("nội dung thay đổi"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ngày cập nhật"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người công bố"),
    )

    history = HistoricalRecords(m2m_fields=[legal_documents, implementing_units, receiving_units, other_levels])
    objects = ProcedureVersionQuerySet.as_manager()

    class Meta:
        ordering = ["procedure", "-number"]
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="unique_procedure_version_number"),
            models.UniqueConstraint(
                fields=["procedure"], condition=Q(status="draft"), name="one_draft_per_procedure"
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="version_effective_to_after_from",
            ),
        ]

    def __str__(self):
        return f"{self.procedure.national_code} v{self.number}"

    @property
    def online_class(self):
        """The Decree 42/2022 vocabulary: "toàn trình" (level 4), "một phần" (level 3), else None."""
        if self.online_level == OnlineLevel.LEVEL_4:
            return _("Dịch vụ công trực tuyến toàn trình")
        if self.online_level == OnlineLevel.LEVEL_3:
            return _("Dịch vụ công trực tuyến một phần")
        return None

    @property
    def accepts_online(self):
        return self.online_level >= OnlineLevel.LEVEL_3

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    def route_total(self):
        return sum((step.budget for step in self.steps.all()), Decimal("0"))


class ProcedureMethod(models.Model):
    """Cách thức thực hiện: counter, online or postal, each with its own time and fee."""

    class Channel(models.TextChoices):
        COUNTER = "counter", _("Trực tiếp")
        ONLINE = "online", _("Trực tuyến")
        POSTAL = "postal", _("Dịch vụ bưu chính")

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="methods")
    channel = models.CharField(_("cách thức"), max_length=10, choices=Channel.choices)
    processing_time = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    fee_amount = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    # The fee as published when it is not a bare amount in đồng (as Fee.amount_text).
    fee_text = models.CharField(_("phí, lệ phí (như công bố)"), max_length=500, blank=True, db_default="")
    fee_note = models.CharField(_("ghi chú phí"), max_length=1000, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "channel"]
        verbose_name = _("cách thức thực hiện")
        verbose_name_plural = _("cách thức thực hiện")
        constraints = [models.UniqueConstraint(fields=["version", "channel"], name="unique_method_per_channel")]

    def __str__(self):
        return self.get_channel_display()


class Fee(models.Model):
    """Phí, lệ phí, with who is exempt."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=1000)
    amount = models.PositiveIntegerField(_("mức thu (đồng)"), default=0)
    # The fee as published when it is not a bare amount in đồng ("25 USD", "Theo quy định",
    # "3.000 đồng/bản"): kept as text; `amount` is the đồng it starts with, if any, else 0.
    amount_text = models.CharField(_("mức thu (như công bố)"), max_length=500, blank=True, db_default="")
    exemptions = models.TextField(_("miễn, giảm"), blank=True)
    # A fee charged only when the applicant asks for what it pays for (the 8.000 đ copy of a
    # civil-status extract, per copy): asked with a number of copies, never charged by default.
    is_optional = models.BooleanField(
        _("chỉ thu khi người nộp yêu cầu"), default=False, db_default=False,
        help_text=_("Ví dụ: phí cấp bản sao trích lục (tính theo số bản người nộp yêu cầu)."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self):
        return self.name


def form_template_path(instance, filename):
    return f"procedures/forms/{instance.version.procedure.national_code}/v{instance.version.number}/{filename}"


class ComponentRequirement(models.Model):
    """Thành phần hồ sơ: one document of the dossier, with how many copies of each kind."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=1000)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("bản sao chứng thực"), default=0)
    photocopies = models.PositiveSmallIntegerField(_("bản photo"), default=0)
    is_required = models.BooleanField(_("bắt buộc"), default=True)
    # "Xuất trình": the original is only shown (an ID card, a marriage certificate) to be
    # checked, never handed in nor scanned, online or at the counter.
    presented_only = models.BooleanField(_("chỉ xuất trình bản chính"), default=False, db_default=False)
    accepted_types = models.CharField(
        _("định dạng tệp chấp nhận"), max_length=100, default="pdf,jpg,jpeg,png", blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=1000, blank=True)
    # Stored under MEDIA_ROOT and served only through procedures:form_template.
    form_template = models.FileField(_("mẫu đơn, tờ khai"), upload_to=form_template_path, blank=True, max_length=300)
    # Tờ khai điện tử: the declaration as data (procedures/eforms, docs/eforms.md); empty = none.
    # Lives on the component, so it is versioned with the procedure version.
    eform = models.JSONField(_("tờ khai điện tử"), default=dict, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self):
        return self.name

    @property
    def needs_upload(self):
        """Whether a file stands for this component: not when the applicant fills it as an
        electronic declaration, nor when the original is only shown (xuất trình)."""
        return not self.eform and not self.presented_only

    @property
    def has_eform(self):
        return bool(self.eform)

    def accepted_type_list(self):
        return [t.strip().lower().lstrip(".") for t in self.accepted_types.split(",") if t.strip()]


class RouteStep(models.Model):
    """One step of the internal route (quy trình nội bộ) with its time budget, in the
    version's time unit. Handled by a level (any unit of that level along the dossier's
    path), by a named unit, or by the receiving counter."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_counter = models.BooleanField(_("bộ phận một cửa"), default=False)
    handler_level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("cấp xử lý")
    )
    handler_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("đơn vị xử lý")
    )
    action = models.CharField(_("công việc"), max_length=1000)
    budget = models.DecimalField(
        _("thời gian"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(handler_level__isnull=False) & Q(handler_unit__isnull=False))
                & (Q(handler_level__isnull=False) | Q(handler_unit__isnull=False) | Q(is_counter=True)),
                name="route_step_has_one_handler",
            )
        ]

    def __str__(self):
        return f"{self.order}. {self.action}"

    def handler_display(self):
        if self.handler_unit_id:
            return self.handler_unit.name
        if self.is_counter and self.handler_level_id:
            return _("Bộ phận Một cửa — %(level)s") % {"level": self.handler_level.name}
        if self.is_counter:
            return _("Bộ phận Tiếp nhận và Trả kết quả")
        return self.handler_level.name


class ImportJob(models.Model):
    """An import of procedures from a file: validated (preview), then applied in one
    transaction. Progress and the per-row errors are stored here for the polling page."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ")
        VALIDATING = "validating", _("Đang kiểm tra")
        INVALID = "invalid", _("Có lỗi, chưa nhập")
        PREVIEW = "preview", _("Chờ xác nhận")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Thất bại")

    file = models.FileField(_("tệp"), upload_to="procedures/imports/%Y/%m/", max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    format = models.CharField(_("định dạng"), max_length=8)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lượt nhập danh mục")
        verbose_name_plural = _("lượt nhập danh mục")

    def __str__(self):
        return self.original_name

    @property
    def percent(self):
        if not self.total_rows:
            return 100 if self.status in {self.Status.DONE, self.Status.INVALID, self.Status.PREVIEW} else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_running(self):
        return self.status in {self.Status.PENDING, self.Status.VALIDATING, self.Status.IMPORTING}
