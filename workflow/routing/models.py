"""Models of routing: one Handoff per route step of a dossier (the rows of the ISO process-
control slip, Form 05), supplementation pauses, consultations and late-dossier apologies."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

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


class Handoff(FSMModelMixin, models.Model):
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
    # Changed only by the transitions below and by skip_pending (workflow/routing/services.py).
    state = FSMField(_("tình trạng"), max_length=10, choices=State.choices, default=State.PENDING, protected=True)
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

    @transition(field=state, source=State.PENDING, target=State.ACTIVE)
    def activate(self):
        """The step arrives at its unit (Nhận)."""

    @transition(field=state, source=State.ACTIVE, target=State.DONE)
    def finish(self):
        """The unit hands the dossier on (Giao), or decides, or returns the result."""

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

    @property
    def is_overdue(self):
        return self.answered_at is None and self.due_at is not None and timezone.now() > self.due_at

    @property
    def answered_late(self):
        return self.answered_at is not None and self.due_at is not None and self.answered_at > self.due_at

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
