"""Due dates (hạn giải quyết): the due date of a processing time on a working calendar, and
the explanation a dossier page shows (when the clock started, which days were not counted and why)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.workdays.calendars import (
    _MICROSECONDS_PER_DAY,
    Number,
    WorkingCalendar,
    _decimal,
    _microseconds,
    to_local,
)

# Time units of a processing time; the same values as procedures.TimeUnit.
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"
HOURS = "hours"
SAME_DAY = "same_day"
TIME_UNITS = (WORKING_DAYS, CALENDAR_DAYS, HOURS, SAME_DAY)

WEEKDAY_NAMES = (
    gettext_lazy("Thứ Hai"),
    gettext_lazy("Thứ Ba"),
    gettext_lazy("Thứ Tư"),
    gettext_lazy("Thứ Năm"),
    gettext_lazy("Thứ Sáu"),
    gettext_lazy("Thứ Bảy"),
    gettext_lazy("Chủ nhật"),
)


@dataclass(frozen=True)
class Due:
    """A computed due date that can explain itself (DOMAIN §7).

    `explanation` holds translated, human-readable lines: when the dossier was received, when
    the clock started and why, the budget, every day that was not counted and why, and the
    due date. `skipped_days` holds the same days as (date, reason) pairs for templates."""

    due_at: datetime.datetime
    start_at: datetime.datetime
    explanation: list[str] = field(default_factory=list)
    skipped_days: tuple[tuple[datetime.date, str], ...] = ()


def compute_due_in(calendar: WorkingCalendar, received_at: datetime.datetime, *, amount: Number, time_unit: str) -> Due:
    """The due date of a processing time of `amount` `time_unit` for something received
    at `received_at` on `calendar`, with its explanation. `time_unit` is one of TIME_UNITS:

    * working_days: amount × hours_per_day working hours from the normalised start;
    * hours: amount working hours from the normalised start;
    * calendar_days: amount × 24 h from the normalised start, moved to the next working
      day's opening when it ends on a day off;
    * same_day (amount ignored): closing time of the reception day, or of the next working
      day when received after the forwarding cut-off, after closing or on a day off.
    """
    if time_unit not in TIME_UNITS:
        raise ValueError(f"Unknown time unit {time_unit!r}; expected one of {TIME_UNITS}.")
    received = to_local(received_at)
    amount = _decimal(amount)
    if amount < 0:
        raise ValueError("A processing time cannot be negative.")
    lines = [_("Tiếp nhận: %(moment)s.") % {"moment": format_moment(received)}]

    if time_unit == SAME_DAY:
        start = calendar.normalise(calendar.forwarding_moment(received))
        due = calendar.closing(start.date())
        lines.append(_start_line(calendar, received, start, same_day=True))
        lines.append(_("Thời hạn giải quyết: trong ngày làm việc, trả kết quả trước khi hết giờ làm việc."))
        skipped = list(calendar.iter_days_off(received.date(), due.date()))
        lines.extend(_skipped_line(day, reason) for day, reason in skipped)
    elif time_unit == CALENDAR_DAYS:
        start = calendar.normalise(received)
        lines.append(_start_line(calendar, received, start))
        lines.append(_("Thời hạn giải quyết: %(days)s ngày, tính cả ngày nghỉ.") % {"days": format_number(amount)})
        plain_end = start + datetime.timedelta(microseconds=_microseconds(amount, _MICROSECONDS_PER_DAY))
        due = calendar.add_calendar_days(start, amount)
        skipped = list(calendar.iter_days_off(plain_end.date(), due.date() - datetime.timedelta(days=1)))
        if skipped:
            lines.append(
                _(
                    "Ngày cuối của thời hạn là ngày nghỉ nên hạn chuyển sang đầu giờ làm việc của ngày làm việc "
                    "tiếp theo."
                )
            )
            lines.extend(
                _("Ngày nghỉ: %(weekday)s %(date)s (%(reason)s).") % _day_values(day, reason) for day, reason in skipped
            )
    else:
        start = calendar.normalise(received)
        lines.append(_start_line(calendar, received, start))
        if time_unit == WORKING_DAYS:
            hours = amount * calendar.hours_per_day
            lines.append(
                _(
                    "Thời hạn giải quyết: %(days)s ngày làm việc, tức %(hours)s giờ làm việc "
                    "(mỗi ngày làm việc %(per_day)s giờ)."
                )
                % {
                    "days": format_number(amount),
                    "hours": format_number(hours),
                    "per_day": format_number(calendar.hours_per_day),
                }
            )
        else:
            hours = amount
            lines.append(_("Thời hạn giải quyết: %(hours)s giờ làm việc.") % {"hours": format_number(hours)})
        due = calendar.add_working_hours(start, hours)
        skipped = list(calendar.iter_days_off(received.date(), due.date()))
        lines.extend(_skipped_line(day, reason) for day, reason in skipped)

    lines.append(_("Hạn trả kết quả: %(moment)s.") % {"moment": format_moment(due)})
    return Due(due_at=due, start_at=start, explanation=lines, skipped_days=tuple(skipped))


def _start_line(calendar, received, start, *, same_day=False):
    values = {"start": format_moment(start)}
    day = received.date()
    if not calendar.is_working_day(day):
        values["reason"] = calendar.day_off_reason(day)
        return _("Ngày tiếp nhận là ngày nghỉ (%(reason)s): bắt đầu tính từ %(start)s.") % values
    if same_day and received.time() > calendar.forwarding_cutoff:
        values["cutoff"] = received.replace(
            hour=calendar.forwarding_cutoff.hour, minute=calendar.forwarding_cutoff.minute
        ).strftime("%H:%M")
        return (
            _(
                "Tiếp nhận sau %(cutoff)s nên chuyển sang ngày làm việc tiếp theo "
                "(Nghị định 61/2018/NĐ-CP): bắt đầu tính từ %(start)s."
            )
            % values
        )
    if start == received:
        return _("Tiếp nhận trong giờ làm việc: bắt đầu tính ngay từ lúc tiếp nhận.")
    periods = calendar.periods_on(day)
    if received < periods[0][0]:
        return _("Tiếp nhận trước giờ làm việc: bắt đầu tính từ %(start)s.") % values
    if received >= periods[-1][1]:
        return _("Tiếp nhận sau giờ làm việc: bắt đầu tính từ %(start)s.") % values
    return _("Tiếp nhận trong giờ nghỉ trưa: bắt đầu tính từ %(start)s.") % values


def format_moment(moment: datetime.datetime) -> str:
    """A moment as "Thứ Hai 16/11/2026 lúc 08:15" in the active language."""
    moment = to_local(moment)
    return _("%(weekday)s %(date)s lúc %(time)s") % {
        "weekday": WEEKDAY_NAMES[moment.weekday()],
        "date": moment.strftime("%d/%m/%Y"),
        "time": moment.strftime("%H:%M"),
    }


def format_number(value: Number) -> str:
    """A number without trailing zeros, with the active language's decimal separator."""
    value = _decimal(value)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(value)


def _day_values(day, reason):
    return {"weekday": WEEKDAY_NAMES[day.weekday()], "date": day.strftime("%d/%m/%Y"), "reason": reason}


def _skipped_line(day, reason):
    return _("Không tính %(weekday)s %(date)s: %(reason)s.") % _day_values(day, reason)
