"""Announced 2026 swaps that the `holidays` package (0.109) does not know.

Official Dispatch 12729/VPCP-KGVX of 25/12/2025: civil servants rest from Thursday 1/1/2026 to
Sunday 4/1/2026, swapping the working Friday 2/1/2026 with Saturday 10/1/2026.

The rest of 2026 needs no row: Tết (14–22/2) is five package holidays on weekdays plus two
weekends, and the National Day swap (31/8 off, Saturday 22/8 worked) is in the package.
Later years stay editable data in the admin ("Ngày nghỉ, làm bù").
"""

import datetime

from django.db import migrations

DISPATCH = "Công văn 12729/VPCP-KGVX"
ROWS = [
    (datetime.date(2026, 1, 2), False, f"Nghỉ Tết Dương lịch, hoán đổi sang thứ Bảy 10/01/2026 ({DISPATCH})"),
    (datetime.date(2026, 1, 10), True, f"Làm bù cho thứ Sáu 02/01/2026 ({DISPATCH})"),
]


def create(apps, schema_editor):
    CalendarException = apps.get_model("portal", "CalendarException")
    for date, is_working_day, reason in ROWS:
        CalendarException.objects.get_or_create(
            date=date, unit=None, defaults={"is_working_day": is_working_day, "reason": reason}
        )


def remove(apps, schema_editor):
    CalendarException = apps.get_model("portal", "CalendarException")
    for date, is_working_day, reason in ROWS:
        CalendarException.objects.filter(date=date, unit=None, is_working_day=is_working_day, reason=reason).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_standard_levels_and_schedule")]
    operations = [migrations.RunPython(create, remove)]
