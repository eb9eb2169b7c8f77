"""Pre-aggregated daily counters of the supervision statistics (workflow/supervision/daily_counters.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Unit


class DailyCounter(models.Model):
    """What happened on one local day to the dossiers of one receiving unit and procedure: the
    event figures of workflow.supervision.direct_counts (received by channel, finished early / on time / late,
    refusals, withdrawals, ...), so that a period's statistics sum a few thousand rows instead
    of counting a million dossiers. Rebuilt per day by workflow.supervision.daily_counters.refresh_range."""

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
