"""Routing and time: one Handoff per route step of a dossier (the rows of the ISO process-
control slip, Form 05), supplementation pauses, consultations and late-dossier apologies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Dossier
from portal.models import Unit
from procedures.models import RouteStep


class Timeliness(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


def timeliness(finished_at, due_at):
    """Circular 01/2018 Form 05: early if finished before the due day, on time on the due day
    (up to the due moment), late after it."""
    if due_at is None or finished_at is None:
        return ""
    if finished_at > due_at:
        return Timeliness.LATE
    if timezone.localtime(finished_at).date() < timezone.localtime(due_at).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME


class Handoff(models.Model):
    """One step of a dossier's route at one unit: when it arrived (Nhận), when it was handed
    on (Giao), by and to whom, its own due date and whether it was early, on time or late."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chưa đến lượt")
        ACTIVE = "active", _("Đang xử lý")
        DONE = "done", _("Đã chuyển")
        SKIPPED = "skipped", _("Không thực hiện")

    class Kind(models.TextChoices):
        COUNTER = "counter", _("Bộ phận một cửa")
        PROCESS = "process", _("Xử lý")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handoffs")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    step = models.ForeignKey(RouteStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROCESS)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="handoffs", verbose_name=_("đơn vị"))
    # The unit's name when the step ran: history keeps old names after a merger.
    unit_name = models.CharField(_("tên đơn vị"), max_length=255)
    action = models.CharField(_("công việc"), max_length=500)
    budget = models.DecimalField(_("thời gian"), max_digits=6, decimal_places=2)
    time_unit = models.CharField(_("đơn vị thời gian"), max_length=16)
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="assigned_handoffs", verbose_name=_("người xử lý"))
    started_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("người nhận"))
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    finished_at = models.DateTimeField(_("giao lúc"), null=True, blank=True)
    handed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("người giao"))
    outcome = models.CharField(_("kết quả"), max_length=8, choices=Timeliness.choices, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Thresholds already notified (due soon, due today, overdue): set by the deadline sweep.
    notified = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["dossier", "order"]
        verbose_name = _("bước luân chuyển")
        verbose_name_plural = _("bước luân chuyển")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "order"], name="unique_handoff_order"),
            # Running steps are a few percent of the rows: the included columns let the dashboard's
            # overdue steps by unit and by step be read from this small index alone.
            models.UniqueConstraint(fields=["dossier"], condition=Q(state="active"),
                                    include=["id", "unit", "due_at", "started_at", "finished_at", "action"],
                                    name="one_active_handoff"),
        ]
        indexes = [
            models.Index(fields=["unit", "state", "due_at"], name="handoff_inbox"),
            models.Index(fields=["assignee", "state", "due_at"], name="handoff_assignee"),
            models.Index(fields=["state", "due_at"], name="handoff_state_due"),
        ]

    def __str__(self):
        return f"{self.dossier_id}#{self.order} {self.unit_name}"

    @property
    def is_overdue(self):
        return self.state == self.State.ACTIVE and self.due_at is not None and timezone.now() > self.due_at


class Pause(models.Model):
    """A supplementation request during processing (Form 02 via the counter): the clock stops
    until the applicant supplies the missing components (DOMAIN §7)."""

    class Rule(models.TextChoices):
        PAUSE = "pause", _("Tạm dừng, tiếp tục thời gian còn lại")
        RESTART = "restart", _("Tính lại từ đầu")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    handoff = models.ForeignKey(Handoff, on_delete=models.SET_NULL, null=True, blank=True, related_name="pauses")
    rule = models.CharField(max_length=8, choices=Rule.choices)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do"))
    missing_components = models.JSONField(_("giấy tờ cần bổ sung"), default=list)
    # Working hours left on the dossier's and on the step's clock when it stopped.
    dossier_hours_left = models.DecimalField(max_digits=8, decimal_places=2)
    step_hours_left = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    resumed_at = models.DateTimeField(_("tiếp tục lúc"), null=True, blank=True)
    resumed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    due_before = models.DateTimeField(_("hạn trước khi dừng"))
    due_after = models.DateTimeField(_("hạn mới"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("tạm dừng để bổ sung")
        verbose_name_plural = _("tạm dừng để bổ sung")

    def __str__(self):
        return f"{self.dossier_id} {self.requested_at:%Y-%m-%d}"


class Consultation(models.Model):
    """Same-level coordination: a consulted unit's opinion, due by its own deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="consultations",
                             verbose_name=_("cơ quan phối hợp"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    question = models.TextField(_("nội dung xin ý kiến"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    opinion = models.TextField(_("ý kiến"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    notified = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["requested_at"]
        verbose_name = _("xin ý kiến phối hợp")
        verbose_name_plural = _("xin ý kiến phối hợp")
        indexes = [models.Index(fields=["unit", "answered_at", "due_at"], name="consultation_open")]

    def __str__(self):
        return f"{self.dossier_id} → {self.unit_id}"


class Apology(models.Model):
    """Form 04: the unit that will be late apologises with a reason and a new date, approved
    by its leader; the appointment moves once only (Decree 61/2018)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Chờ lãnh đạo duyệt")
        APPROVED = "approved", _("Đã duyệt, đã gửi người nộp")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số phiếu"), max_length=40, blank=True)
    reason = models.TextField(_("lý do chậm"))
    old_due_at = models.DateTimeField(_("hạn cũ"))
    new_due_at = models.DateTimeField(_("hạn mới"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["drafted_at"]
        verbose_name = _("phiếu xin lỗi, hẹn lại")
        verbose_name_plural = _("phiếu xin lỗi, hẹn lại")
        constraints = [
            # The appointment moves once: one apology per dossier.
            models.UniqueConstraint(fields=["dossier"], name="one_apology_per_dossier"),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.new_due_at:%Y-%m-%d}"


# --- notifications (outbox), deadline marks, digests ------------------------------------------


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    IN_APP = "in_app", _("Thông báo trên cổng")
    SMS = "sms", _("Tin nhắn SMS")


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


class DeadlineMark(models.Model):
    """A deadline threshold of a dossier already handled by the sweep (due soon, due today,
    overdue, apology due). The unique pair makes the sweep's INSERT … ON CONFLICT DO NOTHING
    claim each crossing exactly once, even with two sweeps running at the same moment."""

    # No database constraint and no index of its own on the key: the sweep inserts tens of
    # thousands of marks at once, and the unique (dossier, threshold, due_at) index serves the
    # lookups; the ORM still deletes marks with their dossier.
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                db_index=False)
    threshold = models.CharField(max_length=20)
    due_at = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "threshold", "due_at"], name="unique_deadline_mark"),
        ]

    def __str__(self):
        return f"{self.dossier_id} {self.threshold}"


class DigestLog(models.Model):
    """The daily digest sent to one person on one day: the unique row is the claim."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_day")]

    def __str__(self):
        return f"{self.user_id} {self.day}"


class LegalBasisFlag(models.Model):
    """A published procedure version resting on an expired or replaced legal document, flagged
    once to its editors by the daily catalogue watch."""

    version = models.ForeignKey("procedures.ProcedureVersion", on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey("procedures.LegalDocument", on_delete=models.CASCADE, related_name="+")
    flagged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["version", "document"], name="unique_legal_basis_flag")]

    def __str__(self):
        return f"{self.version_id} {self.document_id}"


# --- Pre-aggregated daily counters of the supervision statistics (workflow/aggregates.py) -----


class DailyCounter(models.Model):
    """What happened on one local day to the dossiers of one receiving unit and procedure: the
    event figures of workflow.stats (received by channel, finished early / on time / late,
    refusals, withdrawals, ...), so that a period's statistics sum a few thousand rows instead
    of counting a million dossiers. Rebuilt per day by workflow.aggregates.refresh_days."""

    day = models.DateField(_("ngày"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị tiếp nhận"))
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    received = models.PositiveIntegerField(default=0)
    received_counter = models.PositiveIntegerField(default=0)
    received_online = models.PositiveIntegerField(default=0)
    received_postal = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)
    finished_early = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    finished_late = models.PositiveIntegerField(default=0)
    supplement_requests = models.PositiveIntegerField(default=0)
    refusals = models.PositiveIntegerField(default=0)
    withdrawals = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    electronic_result = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    # Working days from reception to result of the dossiers finished that day (for averages).
    days_sum = models.DecimalField(max_digits=14, decimal_places=4, default=0)
    days_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        verbose_name_plural = _("số liệu tổng hợp theo ngày")
        constraints = [models.UniqueConstraint(fields=["day", "unit", "procedure"], name="unique_daily_counter")]
        indexes = [models.Index(fields=["day", "unit"], name="daily_counter_day_unit")]

    def __str__(self):
        return f"{self.day} {self.unit_id} {self.procedure_id}"


class DailyStepCounter(models.Model):
    """The steps (hand-offs) a unit finished on one local day, by outcome (Form 05)."""

    day = models.DateField(_("ngày"))
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị"))
    steps_finished = models.PositiveIntegerField(default=0)
    steps_early = models.PositiveIntegerField(default=0)
    steps_on_time = models.PositiveIntegerField(default=0)
    steps_late = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số bước xử lý tổng hợp theo ngày")
        verbose_name_plural = _("số bước xử lý tổng hợp theo ngày")
        constraints = [models.UniqueConstraint(fields=["day", "unit"], name="unique_daily_step_counter")]

    def __str__(self):
        return f"{self.day} {self.unit_id}"


class CounterRefresh(models.Model):
    """The last day whose counters were rebuilt: days after it are counted directly."""

    name = models.CharField(max_length=40, unique=True)
    complete_until = models.DateField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.name}: {self.complete_until}"


class HandoffMark(models.Model):
    """A deadline threshold of a hand-off already handled by the sweep. Insert-only, like
    DeadlineMark: claiming a crossing never rewrites the busy, heavily indexed hand-off row,
    and a step whose due date moves (a resumed pause) can cross again."""

    handoff = models.ForeignKey(Handoff, on_delete=models.CASCADE, related_name="+", db_constraint=False,
                                db_index=False)  # see DeadlineMark.dossier
    threshold = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["handoff", "threshold", "due_at"], name="unique_handoff_mark"),
        ]

    def __str__(self):
        return f"{self.handoff_id} {self.threshold}"
