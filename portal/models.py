"""Cross-cutting core: users, the organisation tree, working schedules and staff roles."""

import datetime

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import validate_personal_id, validate_phone, validate_unit_code


class User(AbstractUser):
    """Everyone who signs in: staff (through memberships) and citizens."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_personal_id],
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True, validators=[validate_phone])

    objects = UserManager()

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self):
        return self.get_full_name()

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self):
        return self.full_name.split()[-1] if self.full_name else self.username


class UnitLevel(models.Model):
    """A kind of unit (cấp): province, district, commune, department... Data, not an enum,
    because the 2025 reform removed the district tier and deployments differ."""

    code = models.SlugField(_("mã cấp"), max_length=40, unique=True)
    name = models.CharField(_("tên cấp"), max_length=120)
    # 1 = province, 2 = district, 3 = commune: the administrative tier used to order routes.
    tier = models.PositiveSmallIntegerField(_("bậc hành chính"))
    is_administrative = models.BooleanField(
        _("là chính quyền địa phương"),
        default=True,
        help_text=_("Bỏ chọn cho cơ quan chuyên môn (sở, phòng) thuộc một chính quyền."),
    )

    class Meta:
        ordering = ["tier", "-is_administrative", "name"]
        verbose_name = _("cấp đơn vị")
        verbose_name_plural = _("cấp đơn vị")

    def __str__(self):
        return self.name


class WorkSchedule(models.Model):
    """Office hours of a counter (giờ làm việc). Units without one use the default schedule."""

    name = models.CharField(_("tên lịch"), max_length=120, unique=True)
    is_default = models.BooleanField(_("lịch mặc định"), default=False)
    # The one cut-off of the portal (the only place the rule is cited): Decree 61/2018 art. 16(1)(b)
    # — paper received at the counter is forwarded the same working day, or at the start of the
    # next working day when received after 15:00. Read by portal.workdays (forwarding_moment,
    # same-day due dates and their explanation); per schedule, so a unit may differ.
    forwarding_cutoff = models.TimeField(_("giờ chuyển hồ sơ trong ngày"), default=datetime.time(15, 0))

    class Meta:
        ordering = ["name"]
        verbose_name = _("lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_schedule"
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        return cls.objects.filter(is_default=True).first()


class WorkPeriod(models.Model):
    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Thứ Hai")
        TUESDAY = 1, _("Thứ Ba")
        WEDNESDAY = 2, _("Thứ Tư")
        THURSDAY = 3, _("Thứ Năm")
        FRIDAY = 4, _("Thứ Sáu")
        SATURDAY = 5, _("Thứ Bảy")
        SUNDAY = 6, _("Chủ nhật")

    schedule = models.ForeignKey(WorkSchedule, on_delete=models.CASCADE, related_name="periods")
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    start = models.TimeField(_("từ"))
    end = models.TimeField(_("đến"))

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("khung giờ làm việc")
        verbose_name_plural = _("khung giờ làm việc")
        constraints = [models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="period_end_after_start")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class UnitQuerySet(models.QuerySet):
    def active(self, on=None):
        """Units in force on a date (today by default)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def subtree_of(self, *units):
        """The units and all their descendants (materialised path prefix match)."""
        if not units:
            return self.none()
        condition = Q()
        for unit in units:
            condition |= Q(path__startswith=unit.path)
        return self.filter(condition)


class Unit(models.Model):
    """An organisation unit: a People's Committee, a department, an office, a service centre.

    Units are never deleted: a merged or dissolved unit gets `valid_to` and a `successor`, so
    dossiers and hand-offs that name it keep their history.
    """

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên ngắn"), max_length=120, blank=True)
    code = models.CharField(
        _("mã định danh"),
        max_length=40,
        unique=True,
        validators=[validate_unit_code],
        help_text=_("Mã định danh điện tử của cơ quan, dùng trong mã hồ sơ (ví dụ H15.50.05.13)."),
    )
    level = models.ForeignKey(UnitLevel, on_delete=models.PROTECT, related_name="units", verbose_name=_("cấp"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
    )
    # Materialised path of primary keys ("/1/4/17/") for cheap subtree queries.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=40, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    schedule = models.ForeignKey(
        WorkSchedule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("lịch làm việc"),
        help_text=_("Để trống để dùng lịch làm việc mặc định."),
    )
    valid_from = models.DateField(_("hiệu lực từ"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("hết hiệu lực"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("đơn vị kế thừa"),
    )

    history = HistoricalRecords()
    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if path != self.path:
            old_path, self.path = self.path, path
            Unit.objects.filter(pk=self.pk).update(path=path)
            if old_path:
                # The unit moved: re-root its whole subtree in one statement.
                Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                    path=Concat(Value(path), Substr("path", len(old_path) + 1))
                )

    def clean(self):
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError({"parent": _("Đơn vị cấp trên không được là chính nó hoặc đơn vị cấp dưới.")})
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("Đơn vị không thể kế thừa chính nó.")})

    def is_active(self, on=None):
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or self.valid_to >= on)

    def ancestors(self):
        ids = [int(pk) for pk in self.path.strip("/").split("/") if pk][:-1]
        return Unit.objects.filter(pk__in=ids).order_by("path")

    def effective_schedule(self):
        return self.schedule or WorkSchedule.default()

    def current_successor(self):
        """Follow the successor chain to the unit in force today (merged units)."""
        unit, seen = self, set()
        while unit.successor_id and unit.pk not in seen:
            seen.add(unit.pk)
            unit = unit.successor
        return unit


class Role(models.TextChoices):
    CLERK = "clerk", _("Cán bộ một cửa")
    OFFICER = "officer", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    SUPERVISOR = "supervisor", _("Giám sát")
    EDITOR = "editor", _("Biên tập danh mục thủ tục")
    # Reads the read audit log of their unit and the units below it (issue 19); sees no dossier.
    AUDITOR = "auditor", _("Kiểm tra nhật ký truy cập")


class MembershipQuerySet(models.QuerySet):
    def active(self, on=None):
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            user__is_active=True,
        ).filter(Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=on))


class Membership(models.Model):
    """A staff member's role in a unit. A user may hold several (clerk here, officer there)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cán bộ"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    title = models.CharField(_("chức danh"), max_length=120, blank=True)
    is_head = models.BooleanField(
        _("phụ trách"),
        default=False,
        help_text=_("Người đứng đầu bộ phận (ví dụ trưởng bộ phận một cửa), nhận báo cáo chậm trễ."),
    )
    valid_from = models.DateField(_("từ ngày"), default=datetime.date(2000, 1, 1))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class CalendarException(models.Model):
    """An override of the national holiday calendar (from the `holidays` package): a
    compensatory day off (is_working_day=False) or a make-up working Saturday (True),
    as the government announces each year. Optionally limited to one unit's subtree."""

    date = models.DateField(_("ngày"))
    is_working_day = models.BooleanField(_("là ngày làm việc"))
    reason = models.CharField(_("lý do"), max_length=255)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_exceptions",
        verbose_name=_("chỉ áp dụng cho đơn vị"),
        help_text=_("Để trống để áp dụng cho toàn tỉnh."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ, làm bù")
        verbose_name_plural = _("ngày nghỉ, làm bù")
        constraints = [
            models.UniqueConstraint(fields=["date"], condition=Q(unit__isnull=True), name="unique_global_exception"),
            models.UniqueConstraint(fields=["date", "unit"], name="unique_unit_exception"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y}: {self.reason}"


class Throttle(models.Model):
    """Failed attempts (or requests) counted under one key of one scope, and the lock they led
    to: per account and per address for sign-in, per code for the public lookup... Kept in the
    database so that every web process sees the same counters and locks (portal/throttle.py)."""

    scope = models.CharField(_("phạm vi"), max_length=40)
    key = models.CharField(_("khóa"), max_length=100)
    failures = models.PositiveIntegerField(_("số lần"), default=0)
    window_started_at = models.DateTimeField(_("bắt đầu đếm lúc"), default=timezone.now)
    locked_until = models.DateTimeField(_("khóa đến"), null=True, blank=True)
    lockouts = models.PositiveIntegerField(_("số lần bị khóa"), default=0)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("giới hạn thử")
        verbose_name_plural = _("giới hạn thử")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="unique_throttle_key")]

    def __str__(self):
        return f"{self.scope} {self.key}"


class ReadAccess(models.Model):
    """One read of personal data: a dossier page, a file, a slip, an export, a clerk's lookup of
    an ID number, allowed or refused (issue 19; security level 3 asks for such logs kept 12
    months). Append-only: a PostgreSQL trigger (migration 'read_access') refuses UPDATE and
    DELETE, except the purge of rows past the retention by the SQL function
    portal_read_access_purge (portal/audit.py). The foreign keys carry no database constraint,
    so that deleting a user or a unit never has to touch (or is blocked by) the log."""

    class Action(models.TextChoices):
        DOSSIER = "dossier", _("Xem hồ sơ")
        FILE = "file", _("Tải tệp hồ sơ")
        SLIP = "slip", _("Xem, in phiếu")
        EXPORT = "export", _("Xuất dữ liệu cá nhân")
        LOOKUP = "lookup", _("Tra cứu công dân theo số định danh")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    user = models.ForeignKey("User", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
                             related_name="+")
    username = models.CharField(_("tài khoản"), max_length=150, blank=True)
    role = models.CharField(_("vai trò"), max_length=12, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True,
                             related_name="+")
    action = models.CharField(_("thao tác"), max_length=8, choices=Action.choices)
    target = models.CharField(_("đối tượng"), max_length=200, blank=True)
    # The dossier read (its id, and its receiving unit for the auditors' scope): plain values, so
    # that the core app depends on no business app (docs/architecture.md).
    dossier_pk = models.BigIntegerField(_("hồ sơ"), null=True, blank=True)
    dossier_unit = models.ForeignKey(Unit, on_delete=models.DO_NOTHING, db_constraint=False, null=True,
                                     blank=True, related_name="+")
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    allowed = models.BooleanField(_("được phép"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("lượt truy cập dữ liệu")
        verbose_name_plural = _("nhật ký truy cập dữ liệu")
        indexes = [models.Index(fields=["dossier_pk", "-at"], name="read_access_dossier_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.target}"


from .api.models import ApiCall, ApiClient, IdempotencyRecord  # noqa: E402,F401
from .signatures.models import TrustAnchor, UnitCertificate  # noqa: E402,F401
