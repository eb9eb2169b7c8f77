"""The working-day calendar: hand-computed due dates around Vietnamese holidays, office-hour
edge cases, unit-scoped calendar exceptions and schedules.

Default schedule: Monday–Friday 07:00–11:30 and 13:30–17:00 (8 hours), cut-off 15:00.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from portal import workdays
from portal.models import CalendarException, WorkPeriod, WorkSchedule
from portal.workdays import TZ, Due, WorkingCalendar, calendar_for, compute_due, unit_calendars
from tests.helpers import count_queries

D = datetime.date


def at(year, month, day, hour=0, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.fixture
def saturday_morning_schedule(db):
    schedule = WorkSchedule.objects.create(name="Thứ Hai – sáng thứ Bảy")
    for weekday in range(5):
        WorkPeriod.objects.create(schedule=schedule, weekday=weekday, start=datetime.time(7), end=datetime.time(11, 30))
        WorkPeriod.objects.create(
            schedule=schedule, weekday=weekday, start=datetime.time(13, 30), end=datetime.time(17)
        )
    WorkPeriod.objects.create(schedule=schedule, weekday=5, start=datetime.time(7), end=datetime.time(11, 30))
    return schedule


# The default schedule --------------------------------------------------------------------------


def test_default_schedule_in_database_is_the_usual_office_hours(db):
    calendar = calendar_for(None)
    assert calendar.periods == WorkingCalendar().periods
    assert calendar.hours_per_day == 8
    assert calendar.forwarding_cutoff == datetime.time(15)


def test_calendar_falls_back_to_usual_hours_without_a_default_schedule(db):
    WorkSchedule.objects.update(is_default=False)
    assert workdays.add_working_days(at(2026, 11, 16, 7), 1) == at(2026, 11, 16, 17)


# Counting convention ------------------------------------------------------------------------------


def test_one_working_day_from_opening_is_due_at_closing_the_same_day(db):
    assert workdays.add_working_days(at(2026, 11, 16, 7), 1) == at(2026, 11, 16, 17)


def test_one_working_day_from_monday_0800_is_due_tuesday_0800(db):
    assert workdays.add_working_days(at(2026, 11, 16, 8), 1) == at(2026, 11, 17, 8)


def test_three_working_days_from_monday_opening_are_due_wednesday_closing(db):
    assert workdays.add_working_days(at(2026, 11, 16, 7), 3) == at(2026, 11, 18, 17)


def test_half_a_working_day_is_four_hours(db):
    assert workdays.add_working_days(at(2026, 11, 16, 7), Decimal("0.5")) == at(2026, 11, 16, 11)
    assert workdays.add_working_days(at(2026, 11, 16, 8), 0.5) == at(2026, 11, 16, 14)


def test_fractional_days_accept_decimal_and_float_alike(db):
    assert workdays.add_working_days(at(2026, 11, 16, 8), Decimal("1.5")) == workdays.add_working_days(
        at(2026, 11, 16, 8), 1.5
    )
    assert workdays.add_working_days(at(2026, 11, 16, 8), 1.5) == at(2026, 11, 17, 14)


def test_times_in_other_zones_are_computed_in_ho_chi_minh_time(db):
    received = datetime.datetime(2026, 11, 16, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Hà Nội
    due = workdays.add_working_days(received, 1)
    assert due == at(2026, 11, 17, 8)
    assert due.tzinfo == TZ


def test_naive_datetimes_are_refused(db):
    with pytest.raises(ValueError, match="aware"):
        workdays.add_working_hours(datetime.datetime(2026, 11, 16, 8), 1)


def test_negative_budget_is_refused(db):
    with pytest.raises(ValueError):
        compute_due(at(2026, 11, 16, 8), amount=-1, time_unit="working_days")


def test_unknown_time_unit_is_refused(db):
    with pytest.raises(ValueError, match="weeks"):
        compute_due(at(2026, 11, 16, 8), amount=1, time_unit="weeks")


# Reception moments -------------------------------------------------------------------------------


def test_reception_before_opening_counts_from_opening(db):
    due = compute_due(at(2026, 11, 16, 6, 30), amount=1, time_unit="working_days")
    assert due.start_at == at(2026, 11, 16, 7)
    assert due.due_at == at(2026, 11, 16, 17)
    assert "Tiếp nhận trước giờ làm việc: bắt đầu tính từ Thứ Hai 16/11/2026 lúc 07:00." in due.explanation


def test_reception_during_lunch_counts_from_1330(db):
    due = compute_due(at(2026, 11, 16, 12), amount=Decimal("0.5"), time_unit="working_days")
    assert due.start_at == at(2026, 11, 16, 13, 30)
    # 13:30–17:00 is 3.5 h; the last half hour is Tuesday 07:00–07:30.
    assert due.due_at == at(2026, 11, 17, 7, 30)
    assert "Tiếp nhận trong giờ nghỉ trưa: bắt đầu tính từ Thứ Hai 16/11/2026 lúc 13:30." in due.explanation


def test_reception_after_closing_counts_from_next_working_morning(db):
    due = compute_due(at(2026, 11, 20, 17, 45), amount=4, time_unit="hours")
    assert due.start_at == at(2026, 11, 23, 7)
    assert due.due_at == at(2026, 11, 23, 11)
    assert "Tiếp nhận sau giờ làm việc: bắt đầu tính từ Thứ Hai 23/11/2026 lúc 07:00." in due.explanation


def test_reception_on_a_saturday_counts_from_monday_opening(db):
    due = compute_due(at(2026, 11, 21, 9), amount=1, time_unit="working_days")
    assert due.start_at == at(2026, 11, 23, 7)
    assert due.due_at == at(2026, 11, 23, 17)
    assert (
        "Ngày tiếp nhận là ngày nghỉ (Ngày nghỉ hằng tuần): bắt đầu tính từ Thứ Hai 23/11/2026 lúc 07:00."
        in due.explanation
    )
    assert due.skipped_days == (
        (D(2026, 11, 21), "Ngày nghỉ hằng tuần"),
        (D(2026, 11, 22), "Ngày nghỉ hằng tuần"),
    )


def test_same_day_procedure_received_before_cutoff_is_due_at_closing_today(db):
    due = compute_due(at(2026, 11, 16, 14, 59), amount=0, time_unit="same_day")
    assert due.due_at == at(2026, 11, 16, 17)
    assert due.start_at == at(2026, 11, 16, 14, 59)


def test_same_day_procedure_received_at_1500_sharp_is_still_due_today(db):
    assert compute_due(at(2026, 11, 16, 15), amount=0, time_unit="same_day").due_at == at(2026, 11, 16, 17)


def test_same_day_procedure_received_after_1500_is_due_at_closing_next_working_day(db):
    due = compute_due(at(2026, 11, 16, 15, 30), amount=0, time_unit="same_day")
    assert due.start_at == at(2026, 11, 17, 7)
    assert due.due_at == at(2026, 11, 17, 17)
    assert (
        "Tiếp nhận sau 15:00 nên chuyển sang ngày làm việc tiếp theo (Nghị định 61/2018/NĐ-CP): "
        "bắt đầu tính từ Thứ Ba 17/11/2026 lúc 07:00." in due.explanation
    )


def test_same_day_procedure_received_on_friday_after_1500_before_a_holiday_skips_to_wednesday(db):
    # Monday 23/11/2026 works, Tuesday 24/11/2026 is Vietnam Cultural Day.
    assert compute_due(at(2026, 11, 20, 16), amount=0, time_unit="same_day").due_at == at(2026, 11, 23, 17)
    assert compute_due(at(2026, 11, 23, 16), amount=0, time_unit="same_day").due_at == at(2026, 11, 25, 17)


def test_paper_received_before_cutoff_is_forwarded_at_once(db):
    assert workdays.forwarding_moment(at(2026, 11, 16, 10)) == at(2026, 11, 16, 10)


def test_paper_received_after_cutoff_is_forwarded_next_working_morning(db):
    assert workdays.forwarding_moment(at(2026, 11, 20, 15, 1)) == at(2026, 11, 23, 7)


def test_paper_received_on_a_day_off_is_forwarded_next_working_morning(db):
    assert workdays.forwarding_moment(at(2026, 11, 24, 9)) == at(2026, 11, 25, 7)


def test_forwarding_cutoff_comes_from_the_schedule(db):
    WorkSchedule.objects.filter(is_default=True).update(forwarding_cutoff=datetime.time(16))
    assert workdays.forwarding_moment(at(2026, 11, 16, 15, 30)) == at(2026, 11, 16, 15, 30)


# National holidays (holidays.VN) ---------------------------------------------------------------


@pytest.mark.parametrize("day", [D(2026, 2, 14) + datetime.timedelta(days=n) for n in range(9)])
def test_tet_2026_break_from_14_to_22_february_is_off(db, day):
    assert not workdays.is_working_day(day)


def test_tet_2026_days_have_their_names(db):
    assert workdays.day_off_reason(D(2026, 2, 17)) == "Tết Nguyên Đán"
    assert workdays.day_off_reason(D(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert workdays.day_off_reason(D(2026, 2, 14)) == "Ngày nghỉ hằng tuần"
    assert workdays.day_off_reason(D(2026, 2, 23)) is None


def test_holiday_names_follow_the_active_language(db):
    with translation.override("en"):
        assert workdays.day_off_reason(D(2026, 2, 17)) == "Lunar New Year"


def test_dossier_received_before_tet_2026_is_due_after_the_break(db):
    # Friday 13/2 10:00: 5 h that day, the remaining 3 h on Monday 23/2.
    due = compute_due(at(2026, 2, 13, 10), amount=1, time_unit="working_days")
    assert due.due_at == at(2026, 2, 23, 10)
    assert [day for day, _reason in due.skipped_days] == [D(2026, 2, 14) + datetime.timedelta(days=n) for n in range(9)]
    assert "Không tính Thứ Ba 17/02/2026: Tết Nguyên Đán." in due.explanation


def test_new_year_2026_swap_is_seeded_by_migration(db):
    # Dispatch 12729/VPCP-KGVX: Friday 2/1/2026 off, Saturday 10/1/2026 worked instead.
    assert not workdays.is_working_day(D(2026, 1, 2))
    assert "12729/VPCP-KGVX" in workdays.day_off_reason(D(2026, 1, 2))
    assert workdays.is_working_day(D(2026, 1, 10))
    # Wednesday 31/12/2025 13:30: 3.5 h; 1/1 to 4/1 off; 4.5 h on Monday 5/1.
    assert workdays.add_working_days(at(2025, 12, 31, 13, 30), 1) == at(2026, 1, 5, 11, 30)
    assert workdays.add_working_days(at(2026, 1, 9, 13, 30), 1) == at(2026, 1, 10, 11, 30)


def test_hung_kings_day_2026_on_sunday_is_observed_on_monday(db):
    assert not workdays.is_working_day(D(2026, 4, 27))
    assert workdays.day_off_reason(D(2026, 4, 27)) == "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)"


def test_reunification_and_labour_days_2026(db):
    # Wednesday 29/4 13:30: 3.5 h; Thursday 30/4 and Friday 1/5 are off; 4.5 h on Monday 4/5.
    due = compute_due(at(2026, 4, 29, 13, 30), amount=1, time_unit="working_days")
    assert due.due_at == at(2026, 5, 4, 11, 30)
    assert (D(2026, 4, 30), "Ngày Chiến thắng") in due.skipped_days
    assert (D(2026, 5, 1), "Ngày Quốc tế Lao động") in due.skipped_days


def test_reunification_and_labour_days_2027_with_monday_observed(db):
    # Thursday 29/4 08:00: 7 h; Friday 30/4, Saturday 1/5 and Monday 3/5 (observed) off;
    # Tuesday 4/5 8 h; the last hour on Wednesday 5/5.
    assert not workdays.is_working_day(D(2027, 5, 3))
    assert workdays.add_working_days(at(2027, 4, 29, 8), 2) == at(2027, 5, 5, 8)


def test_national_day_2026_with_31_august_swapped_for_saturday_22_august(db):
    assert workdays.is_working_day(D(2026, 8, 22))
    assert workdays.day_off_reason(D(2026, 8, 31)) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    # Friday 21/8 13:30: 3.5 h, then the make-up Saturday 07:00–11:30.
    assert workdays.add_working_days(at(2026, 8, 21, 13, 30), 1) == at(2026, 8, 22, 11, 30)
    # Friday 28/8 13:30: 3.5 h; 31/8, 1/9 and 2/9 are off; 4.5 h on Thursday 3/9.
    due = compute_due(at(2026, 8, 28, 13, 30), amount=1, time_unit="working_days")
    assert due.due_at == at(2026, 9, 3, 11, 30)
    assert [day for day, _reason in due.skipped_days] == [
        D(2026, 8, 29),
        D(2026, 8, 30),
        D(2026, 8, 31),
        D(2026, 9, 1),
        D(2026, 9, 2),
    ]


def test_national_day_2027_thursday_and_friday(db):
    assert not workdays.is_working_day(D(2027, 9, 2)) and not workdays.is_working_day(D(2027, 9, 3))
    assert workdays.add_working_days(at(2027, 9, 1, 7), 2) == at(2027, 9, 6, 17)


def test_tet_2027_from_4_to_10_february(db):
    assert [day for day in workdays.iter_working_days(D(2027, 2, 1), D(2027, 2, 12))] == [
        D(2027, 2, 1),
        D(2027, 2, 2),
        D(2027, 2, 3),
        D(2027, 2, 11),
        D(2027, 2, 12),
    ]
    # Wednesday 3/2 15:00: 2 h; Thursday 11/2 07:00–11:30 and 13:30–15:00.
    assert workdays.add_working_days(at(2027, 2, 3, 15), 1) == at(2027, 2, 11, 15)


def test_vietnam_cultural_day_24_november_from_2026(db):
    assert workdays.day_off_reason(D(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    assert workdays.is_working_day(D(2025, 11, 24))
    # Monday 23/11 09:00: 6 h; Tuesday off; 2 h on Wednesday.
    assert workdays.add_working_days(at(2026, 11, 23, 9), 1) == at(2026, 11, 25, 9)


# Calendar exceptions ---------------------------------------------------------------------------


def test_make_up_working_saturday_from_an_exception_uses_standard_hours(db):
    CalendarException.objects.create(date=D(2026, 12, 5), is_working_day=True, reason="Làm bù cho ngày 28/12/2026")
    assert workdays.is_working_day(D(2026, 12, 5))
    # Friday 4/12 13:30: 3.5 h, then Saturday 5/12 07:00–11:30.
    assert workdays.add_working_days(at(2026, 12, 4, 13, 30), 1) == at(2026, 12, 5, 11, 30)
    assert workdays.add_working_days(at(2026, 12, 5, 7), 1) == at(2026, 12, 5, 17)


def test_compensatory_day_off_from_an_exception_is_skipped_with_its_reason(db):
    CalendarException.objects.create(date=D(2026, 12, 28), is_working_day=False, reason="Nghỉ bù Tết Dương lịch")
    due = compute_due(at(2026, 12, 25, 13, 30), amount=1, time_unit="working_days")
    assert due.due_at == at(2026, 12, 29, 11, 30)
    assert "Không tính Thứ Hai 28/12/2026: Nghỉ bù Tết Dương lịch." in due.explanation


def test_exception_can_cancel_a_national_holiday(db):
    CalendarException.objects.create(date=D(2026, 11, 24), is_working_day=True, reason="Trực tiếp nhận hồ sơ")
    assert workdays.is_working_day(D(2026, 11, 24))


def test_district_exception_applies_to_its_communes_but_not_to_another_district(org):
    CalendarException.objects.create(date=D(2026, 12, 10), is_working_day=False, reason="Bầu cử bổ sung", unit=org.d1)
    assert not workdays.is_working_day(D(2026, 12, 10), unit=org.d1)
    assert not workdays.is_working_day(D(2026, 12, 10), unit=org.c1)
    assert not workdays.is_working_day(D(2026, 12, 10), unit=org.c2)
    assert workdays.is_working_day(D(2026, 12, 10), unit=org.c3)
    assert workdays.is_working_day(D(2026, 12, 10), unit=org.province)
    assert workdays.is_working_day(D(2026, 12, 10))
    assert workdays.day_off_reason(D(2026, 12, 10), unit=org.c1) == "Bầu cử bổ sung"


def test_commune_exception_does_not_apply_to_its_sibling_commune(org):
    CalendarException.objects.create(date=D(2026, 12, 10), is_working_day=False, reason="Sửa trụ sở", unit=org.c1)
    assert not workdays.is_working_day(D(2026, 12, 10), unit=org.c1)
    assert workdays.is_working_day(D(2026, 12, 10), unit=org.c2)
    assert workdays.is_working_day(D(2026, 12, 10), unit=org.d1)
    # Wednesday 9/12 13:30 at Mỹ Hà: 3.5 h, Thursday skipped, 4.5 h on Friday.
    assert workdays.add_working_days(at(2026, 12, 9, 13, 30), 1, unit=org.c1) == at(2026, 12, 11, 11, 30)
    assert workdays.add_working_days(at(2026, 12, 9, 13, 30), 1, unit=org.c2) == at(2026, 12, 10, 11, 30)


def test_nearest_unit_exception_wins_over_ancestor_and_global_rows(org):
    day = D(2026, 12, 12)  # a Saturday
    CalendarException.objects.create(date=day, is_working_day=True, reason="Làm bù toàn tỉnh")
    CalendarException.objects.create(date=day, is_working_day=False, reason="Huyện không làm bù", unit=org.d1)
    CalendarException.objects.create(date=day, is_working_day=True, reason="Xã trực", unit=org.c1)
    assert workdays.is_working_day(day, unit=org.c3)  # global row
    assert not workdays.is_working_day(day, unit=org.c2)  # district row beats the global one
    assert workdays.day_off_reason(day, unit=org.c2) == "Huyện không làm bù"
    assert workdays.is_working_day(day, unit=org.c1)  # commune row beats the district one


def test_exceptions_are_loaded_in_one_query_not_per_day(org):
    for n in range(10):
        CalendarException.objects.create(
            date=D(2026, 12, 1) + datetime.timedelta(days=n), is_working_day=False, reason=f"Nghỉ {n}"
        )
    calendar = calendar_for(org.c1)
    queries, due, _captured = count_queries(calendar.add_working_days, at(2026, 11, 16, 8), 30)
    assert queries == 1
    assert due == at(2027, 1, 11, 8)


# Schedules per unit ------------------------------------------------------------------------------


def test_saturday_morning_schedule_makes_saturday_a_working_morning(org, saturday_morning_schedule):
    org.c3.schedule = saturday_morning_schedule
    org.c3.save()
    assert workdays.is_working_day(D(2026, 11, 21), unit=org.c3)
    assert not workdays.is_working_day(D(2026, 11, 21), unit=org.c1)
    # Friday 20/11 13:30: 3.5 h; Saturday 07:00–11:30 finishes the 8 h.
    assert workdays.add_working_days(at(2026, 11, 20, 13, 30), 1, unit=org.c3) == at(2026, 11, 21, 11, 30)
    assert workdays.add_working_days(at(2026, 11, 20, 13, 30), 1, unit=org.c1) == at(2026, 11, 23, 11, 30)
    # A working day is still 8 hours: Saturday's 4.5 h do not make it a short "day".
    assert calendar_for(org.c3).hours_per_day == 8


def test_saturday_schedule_still_skips_a_holiday_on_saturday(org, saturday_morning_schedule):
    org.c3.schedule = saturday_morning_schedule
    org.c3.save()
    assert not workdays.is_working_day(D(2027, 2, 6), unit=org.c3)  # Tết 2027
    assert workdays.day_off_reason(D(2027, 2, 6), unit=org.c3) == "Tết Nguyên Đán"


def test_same_day_on_saturday_morning_closes_at_1130(org, saturday_morning_schedule):
    org.c3.schedule = saturday_morning_schedule
    org.c3.save()
    due = compute_due(at(2026, 11, 21, 9), amount=0, time_unit="same_day", unit=org.c3)
    assert due.due_at == at(2026, 11, 21, 11, 30)
    # After Saturday's closing the paper waits for Monday even though it is before 15:00.
    assert workdays.forwarding_moment(at(2026, 11, 21, 12), unit=org.c3) == at(2026, 11, 23, 7)


# Calendar days ------------------------------------------------------------------------------------


def test_calendar_days_ending_on_a_working_day_keep_the_time(db):
    assert workdays.add_calendar_days(at(2026, 11, 16, 10), 3) == at(2026, 11, 19, 10)


def test_calendar_days_ending_on_a_day_off_move_to_next_working_opening(db):
    assert workdays.add_calendar_days(at(2026, 11, 16, 10), 5) == at(2026, 11, 23, 7)
    # 8 days land on Tuesday 24/11/2026, Vietnam Cultural Day.
    assert workdays.add_calendar_days(at(2026, 11, 16, 10), 8) == at(2026, 11, 25, 7)


def test_calendar_day_due_explains_the_move(db):
    due = compute_due(at(2026, 2, 6, 16), amount=10, time_unit="calendar_days")
    assert due.due_at == at(2026, 2, 23, 7)
    assert "Thời hạn giải quyết: 10 ngày, tính cả ngày nghỉ." in due.explanation
    assert "Ngày nghỉ: Thứ Hai 16/02/2026 (Giao thừa Tết Nguyên Đán)." in due.explanation
    assert len(due.skipped_days) == 7


# Measuring time -----------------------------------------------------------------------------------


def test_working_hours_between_skips_nights_lunch_and_weekends(db):
    assert workdays.working_hours_between(at(2026, 11, 20, 10), at(2026, 11, 23, 14)) == Decimal("10")
    assert workdays.working_hours_between(at(2026, 11, 16, 12), at(2026, 11, 16, 13)) == 0
    assert workdays.working_days_between(at(2026, 11, 16, 7), at(2026, 11, 17, 11)) == Decimal("1.5")


def test_working_hours_between_is_negative_when_end_is_earlier(db):
    assert workdays.working_hours_between(at(2026, 11, 17, 8), at(2026, 11, 16, 16)) == -2


def test_working_hours_across_tet_2026(db):
    # Friday 13/2 16:00 to Monday 23/2 08:00: 1 h + 1 h.
    assert workdays.working_hours_between(at(2026, 2, 13, 16), at(2026, 2, 23, 8)) == 2


# Explanations ------------------------------------------------------------------------------------


def test_explanation_lists_reception_start_budget_skipped_days_and_due(db):
    due = compute_due(at(2026, 11, 20, 16), amount=Decimal("1.5"), time_unit="working_days")
    assert isinstance(due, Due)
    # Friday 1 h, Monday 8 h, Tuesday is a holiday, the last 3 h on Wednesday morning.
    assert due.due_at == at(2026, 11, 25, 10)
    assert due.explanation == [
        "Tiếp nhận: Thứ Sáu 20/11/2026 lúc 16:00.",
        "Tiếp nhận trong giờ làm việc: bắt đầu tính ngay từ lúc tiếp nhận.",
        "Thời hạn giải quyết: 1,5 ngày làm việc, tức 12 giờ làm việc (mỗi ngày làm việc 8 giờ).",
        "Không tính Thứ Bảy 21/11/2026: Ngày nghỉ hằng tuần.",
        "Không tính Chủ nhật 22/11/2026: Ngày nghỉ hằng tuần.",
        "Không tính Thứ Ba 24/11/2026: Ngày Văn hóa Việt Nam.",
        "Hạn trả kết quả: Thứ Tư 25/11/2026 lúc 10:00.",
    ]
    assert workdays.explain_due(at(2026, 11, 20, 16), amount=Decimal("1.5"), time_unit="working_days") == (
        due.explanation
    )


def test_hours_budget_explanation(db):
    due = compute_due(at(2026, 11, 16, 8), amount=Decimal("2.5"), time_unit="hours")
    assert due.due_at == at(2026, 11, 16, 10, 30)
    assert "Thời hạn giải quyết: 2,5 giờ làm việc." in due.explanation


def test_one_request_builds_each_units_calendar_once_and_a_saved_exception_is_seen(org):
    """Inside a web request a unit's calendar is built once (a dossier page asks several
    times); saving an exception in that request is seen at once; outside a request, and in the
    next request, calendars are built anew."""
    from django.core.signals import request_finished, request_started

    # Django's request signals drive the memo (sending them here would also close the test's
    # database connection, so their receivers are called directly below).
    assert ("calendars-begin", id(None)) in [key for key, *_rest in request_started.receivers]
    assert ("calendars-end", id(None)) in [key for key, *_rest in request_finished.receivers]
    day = D(2026, 12, 10)
    outside = [calendar_for(org.c1), calendar_for(org.c1)]
    assert outside[0] is not outside[1]
    unit_calendars.begin_request_calendars()
    try:
        first = calendar_for(org.c1)
        queries, again, _sql = count_queries(calendar_for, org.c1)
        assert again is first and queries == 0
        assert calendar_for(org.c3) is not first  # another unit, its own calendar
        assert first.is_working_day(day)
        CalendarException.objects.create(date=day, is_working_day=False, reason="Bầu cử bổ sung", unit=org.d1)
        assert not calendar_for(org.c1).is_working_day(day)
    finally:
        unit_calendars.end_request_calendars()
    assert calendar_for(org.c1) is not first


def test_next_request_reads_the_calendar_from_the_shared_cache_until_a_change(org, saturday_morning_schedule):
    """Between requests (and nodes) a calendar's data is kept in the shared cache: the next
    request builds the same calendar without a query. Saving or deleting an exception, an
    office period, a schedule or a unit is seen by the next request."""
    saturday = D(2026, 12, 12)
    holiday = D(2026, 12, 10)

    def in_a_request(func):
        unit_calendars.begin_request_calendars()
        try:
            return func()
        finally:
            unit_calendars.end_request_calendars()

    def working(day):
        return in_a_request(lambda: calendar_for(org.c1).is_working_day(day))

    assert working(holiday) and not working(saturday)
    queries, answer, _sql = count_queries(working, holiday)
    assert queries == 0 and answer

    exception = CalendarException.objects.create(date=holiday, is_working_day=False, reason="Bầu cử", unit=org.d1)
    assert not working(holiday)
    assert count_queries(working, holiday)[0] == 0
    exception.delete()
    assert working(holiday)

    org.c1.schedule = saturday_morning_schedule  # a unit saved with another schedule
    org.c1.save()
    assert working(saturday)
    WorkPeriod.objects.filter(schedule=saturday_morning_schedule, weekday=5).delete()  # signals per row
    assert not working(saturday)

    # Outside a request nothing is read from the shared cache.
    assert count_queries(lambda: calendar_for(org.c1).is_working_day(holiday))[0] > 0
