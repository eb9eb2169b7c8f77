"""Periods of the supervision statistics: a month, a quarter, a year or chosen days, in local
time (Asia/Ho_Chi_Minh), as [first day 00:00, day after the last day 00:00)."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from portal import workdays

TZ = workdays.TZ


class PeriodError(ValueError):
    """A period the page cannot use; the message is shown to the user as is."""


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | custom
    first: datetime.date
    last: datetime.date  # inclusive
    # A period may begin or end at a moment within its first or last day (today's counters in
    # daily_counters cover the day up to a moment; direct_counts counts the rest).
    since: datetime.datetime | None = None
    until: datetime.datetime | None = None

    @property
    def start(self):
        if self.since is not None:
            return self.since
        return datetime.datetime.combine(self.first, datetime.time.min, tzinfo=TZ)

    @property
    def end(self):
        """Exclusive end: the day after the last day, 00:00 local time."""
        if self.until is not None:
            return self.until
        return datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=TZ)

    def cutoff(self, now=None):
        """The moment 'in progress' is measured at: the period's end, or now if earlier."""
        now = now or timezone.now()
        return min(self.end, now)

    @property
    def label(self):
        if self.kind == "month":
            return _("Tháng %(month)s/%(year)s") % {"month": self.first.month, "year": self.first.year}
        if self.kind == "quarter":
            return _("Quý %(quarter)s/%(year)s") % {"quarter": (self.first.month - 1) // 3 + 1,
                                                    "year": self.first.year}
        if self.kind == "year":
            return _("Năm %(year)s") % {"year": self.first.year}
        return _("Từ %(first)s đến %(last)s") % {"first": self.first.strftime("%d/%m/%Y"),
                                                  "last": self.last.strftime("%d/%m/%Y")}

    def query(self):
        """The GET parameters that select this period again."""
        if self.kind == "custom":
            return {"period": "custom", "from": self.first.isoformat(), "to": self.last.isoformat()}
        values = {"period": self.kind, "year": self.first.year}
        if self.kind == "month":
            values["month"] = self.first.month
        if self.kind == "quarter":
            values["quarter"] = (self.first.month - 1) // 3 + 1
        return values

    def months(self):
        """(year, month) of every month the period touches, for trend charts."""
        year, month, result = self.first.year, self.first.month, []
        while (year, month) <= (self.last.year, self.last.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result


FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_CUSTOM_DAYS = 366 * 3


def month_period(year, month):
    return Period("month", datetime.date(year, month, 1),
                  datetime.date(year, month, calendar.monthrange(year, month)[1]))


def parse_period(params, *, today=None):
    """A Period from GET parameters (`period` = month | quarter | year | custom with `year`,
    `month`, `quarter`, `from`, `to`); the current month when nothing is given. Raises
    PeriodError with a Vietnamese message for anything else."""
    today = today or timezone.localdate()
    kind = params.get("period") or "month"

    def number(name, default, low, high):
        raw = params.get(name)
        if raw in (None, ""):
            return default
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise PeriodError(_("Kỳ báo cáo không hợp lệ.")) from None
        if not low <= value <= high:
            raise PeriodError(_("Kỳ báo cáo không hợp lệ."))
        return value

    if kind == "month":
        return month_period(number("year", today.year, FIRST_YEAR, LAST_YEAR), number("month", today.month, 1, 12))
    if kind == "quarter":
        year = number("year", today.year, FIRST_YEAR, LAST_YEAR)
        quarter = number("quarter", (today.month - 1) // 3 + 1, 1, 4)
        last_month = quarter * 3
        return Period("quarter", datetime.date(year, last_month - 2, 1),
                      datetime.date(year, last_month, calendar.monthrange(year, last_month)[1]))
    if kind == "year":
        year = number("year", today.year, FIRST_YEAR, LAST_YEAR)
        return Period("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))
    if kind == "custom":
        try:
            first = datetime.date.fromisoformat(params.get("from") or "")
            last = datetime.date.fromisoformat(params.get("to") or "")
        except ValueError:
            raise PeriodError(_("Hãy nhập ngày bắt đầu và ngày kết thúc hợp lệ.")) from None
        if not (FIRST_YEAR <= first.year <= LAST_YEAR and FIRST_YEAR <= last.year <= LAST_YEAR):
            raise PeriodError(_("Kỳ báo cáo không hợp lệ."))
        if last < first:
            raise PeriodError(_("Ngày kết thúc phải sau ngày bắt đầu."))
        if (last - first).days > MAX_CUSTOM_DAYS:
            raise PeriodError(_("Kỳ báo cáo tối đa 3 năm."))
        return Period("custom", first, last)
    raise PeriodError(_("Kỳ báo cáo không hợp lệ."))
