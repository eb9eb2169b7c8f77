"""The dossier (hồ sơ) and its lifecycle: a django-fsm state machine whose every state maps to
the national portal's status vocabulary, an append-only event trail, the received components
and files, and the per-unit daily sequence behind the dossier code."""

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from portal.models import Unit
from portal.validators import validate_personal_id, validate_phone
from procedures.models import ComponentRequirement, Fee, Procedure, ProcedureVersion


def label_of(choices, value):
    """The translated label of `value` in a TextChoices/IntegerChoices class (the value itself
    when it is not one of them), as get_FOO_display() returns it."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value

class NationalStatus(models.IntegerChoices):
    """Status codes used when syncing with the national public service portal (DOMAIN §5)."""

    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_ACCEPTED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT = 5, _("Yêu cầu bổ sung giấy tờ")
    PAYMENT = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWN = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    DONE = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.IntegerChoices):
    COUNTER = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


class Delivery(models.TextChoices):
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính")
    ONLINE = "online", _("Nhận trực tuyến")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Mới đăng ký")
    RECEIVED = "received", _("Đã tiếp nhận")
    NOT_ACCEPTED = "not_accepted", _("Không được tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung giấy tờ")
    PAYMENT_REQUESTED = "payment_requested", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")
    RESULT_READY = "result_ready", _("Đã có kết quả, chờ trả")
    RETURNED = "returned", _("Đã trả kết quả")


class StatusGroup:
    """The named groups of statuses, defined here once: every module that asks "is the dossier
    open / in progress / is its clock running / is it finished" uses these, so the words mean
    the same thing on every page, in the sweep and in the statistics. Tuples: usable with `in`
    and with `status__in=`."""

    # Received and not finished: being handled, the clock possibly stopped for the applicant.
    IN_PROGRESS = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED)
    # Open: not finished, including online dossiers waiting for the counter's check.
    OPEN = (Status.SUBMITTED, *IN_PROGRESS)
    # The processing clock runs; it stops while the applicant is asked for a supplement (DOMAIN §7).
    CLOCK_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.PAYMENT_REQUESTED)
    # The applicant holds the dossier up (a supplement to bring, a result to collect): an active
    # step is not its unit's delay meanwhile.
    WAITING_FOR_APPLICANT = (Status.SUPPLEMENT_REQUESTED, Status.RESULT_READY)
    # A result exists: approved, or refused after appraisal.
    FINISHED = (Status.RESULT_READY, Status.RETURNED)
    # Received and still with the units until its result is returned (the inboxes' dossiers).
    IN_HAND = (*IN_PROGRESS, Status.RESULT_READY)
    # Still moving: open, or a result waiting at the counter (a unit merger must move these).
    IN_FLIGHT = (*OPEN, Status.RESULT_READY)
    # Dropped without a finishing moment (no finished_at): not accepted at reception, withdrawn.
    DROPPED = (Status.NOT_ACCEPTED, Status.WITHDRAWN)
    # Ended without a result: dropped, or stopped by the unit (national status 8).
    ENDED_WITHOUT_RESULT = (*DROPPED, Status.STOPPED)
    # Nothing more will happen.
    FINAL = (Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)


NATIONAL_STATUS = {
    Status.SUBMITTED: NationalStatus.NEW,
    Status.RECEIVED: NationalStatus.RECEIVED,
    Status.NOT_ACCEPTED: NationalStatus.NOT_ACCEPTED,
    Status.PROCESSING: NationalStatus.PROCESSING,
    Status.SUPPLEMENT_REQUESTED: NationalStatus.SUPPLEMENT,
    Status.PAYMENT_REQUESTED: NationalStatus.PAYMENT,
    Status.WITHDRAWN: NationalStatus.WITHDRAWN,
    Status.STOPPED: NationalStatus.STOPPED,
    Status.RESULT_READY: NationalStatus.DONE,
    Status.RETURNED: NationalStatus.RETURNED,
}
OPEN_STATES = [
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.PAYMENT_REQUESTED,
]
FINAL_STATES = [Status.NOT_ACCEPTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED]


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Giải quyết")
    REFUSED = "refused", _("Từ chối giải quyết")


# The lookup secret printed on the receipt (issue 19 item 5): 10 characters of Crockford's
# base 32 (no I, L, O or U, so nothing is misread), 50 bits: with the lock after 5 wrong tries
# per code (portal/throttle.py LOOKUP_CODE) guessing one is hopeless. Receipts printed before
# carry 6 digits; those stay valid under the same lock.
LOOKUP_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LOOKUP_SECRET_LENGTH = 10


def _new_pin():
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_SECRET_LENGTH))


def normalise_lookup_secret(value):
    """What a person typed from the receipt: case, spaces and dashes ignored, O read as 0 and
    I or L as 1 (Crockford)."""
    cleaned = "".join(ch for ch in (value or "").upper() if ch.isalnum())
    return cleaned.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


class DossierSequence(models.Model):
    """The last number issued in a series for a unit on a day (dossier codes: per day; slips:
    per year, stored on 1 January). The row is locked for the length of the transaction that
    uses the number, so numbers are gap-free and never duplicated."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    series = models.CharField(max_length=20, default="dossier")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "series", "day"], name="unique_sequence_per_unit_series_day")
        ]

    def __str__(self):
        return f"{self.unit_id} {self.series} {self.day}: {self.last}"


class Dossier(ConcurrentTransitionMixin, models.Model):
    """One application (hồ sơ) with ONE identity across every unit that handles it."""

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    lookup_pin = models.CharField(_("mã tra cứu"), max_length=16, default=_new_pin, editable=False)
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="dossiers",
                                  verbose_name=_("thủ tục"))
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("phiên bản thủ tục")
    )
    # Applicant (người nộp hồ sơ), as declared at reception.
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=150)
    applicant_personal_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, blank=True, validators=[validate_personal_id], db_index=True
    )
    applicant_birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, validators=[validate_phone])
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    organisation_name = models.CharField(_("tên tổ chức, doanh nghiệp"), max_length=300, blank=True)
    organisation_tax_code = models.CharField(_("mã số thuế, mã số doanh nghiệp"), max_length=20, blank=True)
    representative_name = models.CharField(_("người được ủy quyền"), max_length=150, blank=True)
    representative_personal_id = models.CharField(
        _("số định danh người được ủy quyền"), max_length=12, blank=True, validators=[validate_personal_id]
    )
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="dossiers",
        verbose_name=_("tài khoản công dân"),
    )
    receiving_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="received_dossiers",
                                       verbose_name=_("đơn vị tiếp nhận"))
    current_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="current_dossiers",
                                     verbose_name=_("đơn vị đang xử lý"))
    channel = models.PositiveSmallIntegerField(_("kênh nộp"), choices=Channel.choices, default=Channel.COUNTER)
    delivery = models.CharField(_("hình thức nhận kết quả"), max_length=10, choices=Delivery.choices,
                                default=Delivery.COUNTER)
    sets_count = models.PositiveSmallIntegerField(_("số bộ hồ sơ"), default=1)
    status = FSMField(_("trạng thái"), max_length=24, choices=Status.choices, default=Status.SUBMITTED,
                      protected=True)
    outcome = models.CharField(_("kết quả giải quyết"), max_length=10, choices=Outcome.choices, blank=True)
    is_priority = models.BooleanField(_("ưu tiên"), default=False)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cán bộ tiếp nhận"),
    )
    due_at = models.DateTimeField(_("hẹn trả lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("giải quyết xong lúc"), null=True, blank=True)
    returned_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Decision 766: a dossier that needed more than one supplementation request counts late.
    supplement_count = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    decision_note = models.TextField(_("nội dung kết quả, lý do từ chối"), blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("cán bộ trả kết quả"),
    )
    collected_by = models.CharField(_("người nhận kết quả"), max_length=150, blank=True)
    post_tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=40, blank=True)
    # A dossier that arrived by post (channel 3, bưu chính công ích): the parcel's tracking number.
    intake_tracking_number = models.CharField(_("số hiệu bưu gửi khi nộp"), max_length=40, blank=True, default="",
                                              db_default="")
    # The counter form's token: a retried submission of the same form finds this dossier
    # instead of receiving the papers a second time (workflow.reception.services).
    reception_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["receiving_unit", "received_at"], name="dossier_receiving_day"),
            models.Index(fields=["current_unit", "status", "due_at"], name="dossier_unit_status_due"),
            models.Index(fields=["status", "due_at"], name="dossier_status_due"),
            models.Index(fields=["citizen", "received_at"], name="dossier_citizen"),
            # Dossiers not yet returned are a few percent of the table: the supervision dashboard
            # and statistics count and join them from this small index alone (index-only scans).
            models.Index(fields=["status", "due_at"],
                         include=["id", "receiving_unit", "current_unit", "procedure", "received_at", "finished_at",
                                  "supplement_count"],
                         condition=Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING,
                                                 Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED,
                                                 Status.RESULT_READY]),
                         name="dossier_open"),
            # The counter's two queues, per receiving unit in the order they are worked through
            # (without them: a bitmap AND of 100,000 rows of a busy unit with every result ready).
            models.Index(fields=["receiving_unit", "due_at"], condition=Q(status=Status.RESULT_READY),
                         name="dossier_counter_to_return"),
            models.Index(fields=["receiving_unit", "submitted_at"], condition=Q(status=Status.SUBMITTED),
                         name="dossier_counter_to_check"),
            # The dashboard's processing times by channel (finished dossiers received by the
            # supervised units in the last 30 days) from this index alone: without it, a heap
            # visit per dossier of the province's month (136 ms at 1,000,000 dossiers).
            models.Index(fields=["receiving_unit", "received_at"], include=["channel", "finished_at"],
                         condition=Q(status__in=[Status.RESULT_READY, Status.RETURNED]),
                         name="dossier_finished_by_reception"),
        ]

    def __str__(self):
        return self.code

    # Labels of the status, read on every row of every dossier table: Django's generated
    # get_FOO_display rebuilds a dict of the lazily translated choices on each call (about a
    # tenth of the inbox's time); the enum's own lookup gives the same text.
    def get_status_display(self):
        return label_of(Status, self.status)

    def get_channel_display(self):
        return label_of(Channel, self.channel)

    def get_delivery_display(self):
        return label_of(Delivery, self.delivery)

    @property
    def national_status(self):
        return NATIONAL_STATUS[self.status]

    @property
    def is_open(self):
        return self.status in OPEN_STATES

    @property
    def is_overdue(self):
        return bool(self.due_at and self.is_open and timezone.now() > self.due_at)

    def lookup_pin_display(self):
        """The lookup secret as printed: 'K7Q2M-9XH4T' (groups of five)."""
        pin = self.lookup_pin
        return pin if len(pin) <= 6 else f"{pin[:5]}-{pin[5:]}"

    def masked_applicant_name(self):
        """'Nguyễn Văn An' -> 'N*** V** An': what the public lookup may show."""
        words = self.applicant_name.split()
        if len(words) <= 1:
            return (words[0][0] + "***") if words else ""
        return " ".join([w[0] + "*" * (len(w) - 1) for w in words[:-1]] + [words[-1]])

    # --- transitions -------------------------------------------------------------------------
    # Only services (dossiers/services.py, workflow/services.py) call these, inside a
    # transaction that also writes the DossierEvent row.

    @transition(field=status, source=Status.SUBMITTED, target=Status.RECEIVED)
    def receive(self):
        """The counter checked an online dossier and accepts it (Decree 61/2018 art. 15)."""

    @transition(field=status, source=Status.SUBMITTED, target=Status.NOT_ACCEPTED)
    def refuse_reception(self):
        """Not eligible: refused with reasons (Form 03)."""

    @transition(field=status, source=[Status.SUBMITTED, Status.PROCESSING, Status.RECEIVED],
                target=Status.SUPPLEMENT_REQUESTED)
    def request_supplement(self):
        """Incomplete: one complete list of what is missing (Form 02)."""

    @transition(field=status, source=Status.SUPPLEMENT_REQUESTED, target=Status.PROCESSING,
                conditions=[lambda d: d.received_at is not None])
    def resume_after_supplement(self):
        """The applicant supplied the missing components; the clock resumes."""

    @transition(field=status, source=Status.SUPPLEMENT_REQUESTED, target=Status.SUBMITTED,
                conditions=[lambda d: d.received_at is None])
    def resubmit(self):
        """An online dossier completed before reception goes back to the counter's check."""

    @transition(field=status, source=Status.RECEIVED, target=Status.PROCESSING)
    def start_processing(self):
        """The counter forwarded the dossier to the processing unit."""

    @transition(field=status, source=Status.PROCESSING, target=Status.PAYMENT_REQUESTED)
    def request_payment(self):
        """The applicant must pay a fee or tax before the result (national status 6)."""

    @transition(field=status, source=Status.PAYMENT_REQUESTED, target=Status.PROCESSING)
    def confirm_payment(self):
        """The payment arrived."""

    @transition(field=status, source=[Status.RECEIVED, Status.PROCESSING], target=Status.RESULT_READY)
    def finish(self):
        """Approved, or refused after appraisal (a refusal with reasons is a result too)."""

    @transition(field=status, source=Status.RESULT_READY, target=Status.RETURNED)
    def return_result(self):
        """The result was handed to the applicant (counter, post or online)."""

    @transition(field=status, source=OPEN_STATES, target=Status.WITHDRAWN)
    def withdraw(self):
        """The applicant withdrew the dossier (national status 7)."""

    @transition(field=status, source=[Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED],
                target=Status.STOPPED)
    def stop(self):
        """The unit stopped processing, with a notice to the applicant (national status 8)."""


class DossierEvent(models.Model):
    """Append-only trail of every transition: the audit log, the public history and (with
    the hand-offs of workflow/) the process-control slip. Never updated, never deleted."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("người thực hiện"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("đơn vị"))
    transition = models.CharField(_("thao tác"), max_length=40)
    from_status = models.CharField(_("từ trạng thái"), max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=24, choices=Status.choices)
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        indexes = [models.Index(fields=["dossier", "at"], name="event_dossier_at")]

    def __str__(self):
        return f"{self.dossier_id} {self.transition} {self.from_status}→{self.to_status}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("DossierEvent rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("DossierEvent rows are append-only.")

    def get_from_status_display(self):
        return label_of(Status, self.from_status)

    def get_to_status_display(self):
        return label_of(Status, self.to_status)


class DossierComponent(models.Model):
    """A component received with the dossier, checked against the procedure's checklist."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="components")
    requirement = models.ForeignKey(ComponentRequirement, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    originals = models.PositiveSmallIntegerField(_("bản chính"), default=0)
    certified_copies = models.PositiveSmallIntegerField(_("bản sao chứng thực"), default=0)
    photocopies = models.PositiveSmallIntegerField(_("bản photo"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("thành phần hồ sơ đã nhận")
        verbose_name_plural = _("thành phần hồ sơ đã nhận")

    def __str__(self):
        return self.name


class RequestedFee(models.Model):
    """An optional fee the applicant asked for (`Fee.is_optional`: copies of the extract),
    with how many: charged only for what was asked (dossiers/fees.py sums the fees due)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="requested_fees")
    fee = models.ForeignKey(Fee, on_delete=models.PROTECT, related_name="+", verbose_name=_("phí, lệ phí"))
    quantity = models.PositiveSmallIntegerField(_("số lượng"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["fee__order", "pk"]
        verbose_name = _("phí tùy chọn đã yêu cầu")
        verbose_name_plural = _("phí tùy chọn đã yêu cầu")
        constraints = [models.UniqueConstraint(fields=["dossier", "fee"], name="one_request_per_fee")]

    def __str__(self):
        return f"{self.fee} × {self.quantity}"


class Declaration(models.Model):
    """Tờ khai điện tử: the answers of an electronic declaration filled online or at the
    counter, for one component of the dossier. The definition it was filled with is copied
    here, so the dossier keeps its form whatever the catalogue becomes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="declarations")
    component = models.OneToOneField(DossierComponent, on_delete=models.CASCADE, related_name="declaration")
    code = models.CharField(_("loại tờ khai"), max_length=40, db_index=True)
    title = models.CharField(_("tên tờ khai"), max_length=300)
    definition = models.JSONField(_("mẫu tờ khai"))
    data = models.JSONField(_("nội dung khai"), default=dict)
    search_text = models.TextField(_("nội dung tìm kiếm"), blank=True)
    file = models.ForeignKey("DossierFile", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("bản in tờ khai"))
    filled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("người khai"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["dossier", "component__order", "pk"]
        verbose_name = _("tờ khai điện tử")
        verbose_name_plural = _("tờ khai điện tử")

    def __str__(self):
        return f"{self.dossier_id} {self.code}"


def dossier_file_path(instance, filename):
    # Random names in dated folders: nothing guessable, nothing derived from user input.
    now = timezone.now()
    return f"dossiers/{now:%Y/%m}/{uuid.uuid4().hex}"


class DossierFile(models.Model):
    """A scanned or uploaded file. Stored outside the web root under a random name and only
    ever served through a permission-checked view (it may hold personal data, Law 91/2025)."""

    class Kind(models.TextChoices):
        COMPONENT = "component", _("Thành phần hồ sơ")
        RESULT = "result", _("Kết quả giải quyết")
        OTHER = "other", _("Tài liệu khác")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey(DossierComponent, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="files")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.COMPONENT)
    file = models.FileField(upload_to=dossier_file_path, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The signatures found in a PDF (portal.signatures.verification.pdf_verify), checked when
    # it was stored or signed: "" for images; the worst signature's verdict, and every one's details.
    signature_verdict = models.CharField(_("chữ ký số"), max_length=12, blank=True, default="", db_default="")
    signature_check = models.JSONField(null=True, blank=True, editable=False)
    signed_by_portal = models.BooleanField(_("đã ký số bởi đơn vị"), default=False, db_default=False)
    # Printed by the portal itself (a declaration's PDF), not uploaded: the only files served
    # inline (dossiers.files.served_inline).
    portal_generated = models.BooleanField(default=False, db_default=False, editable=False)
    # The antivirus verdict when it was stored (portal.antivirus): "clean", "error" (clamd could
    # not be asked and CLAMD_FAIL_OPEN let it in) or "" (no scanner configured). Infected files
    # are never stored.
    scan_verdict = models.CharField(_("kiểm tra virus"), max_length=10, blank=True, default="", db_default="",
                                    editable=False)

    class Meta:
        ordering = ["component__order", "uploaded_at", "pk"]
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="dossier_file_not_empty"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def signature(self):
        from portal.signatures.verification import check_from_json

        return check_from_json(self.signature_check)


class CounterSlip(models.Model):
    """A slip handed over at the counter without receiving the dossier: a request to complete
    it (Form 02: every missing component, once) or a refusal (Form 03: the reasons). No
    dossier code is consumed; the slip has its own yearly number per unit."""

    class Kind(models.TextChoices):
        COMPLETION = "completion", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSAL = "refusal", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    number = models.CharField(_("số phiếu"), max_length=40)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="counter_slips")
    clerk = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    procedure_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="slips")
    applicant_name = models.CharField(_("họ và tên người nộp"), max_length=150)
    applicant_personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    applicant_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    # [{"name": ..., "originals": n, "certified_copies": n, "photocopies": n}]
    missing_components = models.JSONField(_("giấy tờ cần bổ sung"), default=list, blank=True)
    reason = models.TextField(_("lý do"))
    # The counter form's token: a form posted again returns this slip instead of a second one.
    reception_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phiếu tại quầy")
        verbose_name_plural = _("phiếu tại quầy")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "number"], name="unique_slip_number")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


def staged_upload_path(instance, filename):
    return f"staging/{timezone.now():%Y/%m/%d}/{uuid.uuid4().hex}"


class StagedUpload(models.Model):
    """A file uploaded on a reception form that has not been submitted successfully yet, so
    that a validation error elsewhere on the form never makes the clerk upload it again.
    Attached to the dossier on reception; stale rows are purged by a periodic task."""

    token = models.UUIDField(db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requirement = models.ForeignKey(ComponentRequirement, on_delete=models.CASCADE, null=True, related_name="+")
    file = models.FileField(upload_to=staged_upload_path, max_length=200)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    scan_verdict = models.CharField(max_length=10, blank=True, default="", db_default="", editable=False)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.original_name


class UploadDay(models.Model):
    """Files and bytes an account uploaded on one day, counted as they are accepted: the daily
    quota (dossiers.uploads.daily_quota_take) holds even if files are deleted and uploaded
    again. Rows older than a few days are pruned (dossiers.tasks.purge_staged_uploads)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    files = models.PositiveIntegerField(default=0)
    bytes = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="unique_upload_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}: {self.files} / {self.bytes}"
