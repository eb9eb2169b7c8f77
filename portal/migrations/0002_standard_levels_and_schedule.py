"""Standard unit levels and the default office hours, so that every installation starts with
them. Both stay editable data: a province can add levels or schedules of its own."""

import datetime

from django.db import migrations

LEVELS = [
    # code, name, tier, is_administrative
    ("province", "Cấp tỉnh", 1, True),
    ("province-department", "Sở, ban, ngành cấp tỉnh", 1, False),
    ("district", "Cấp huyện", 2, True),
    ("district-office", "Phòng, ban cấp huyện", 2, False),
    ("commune", "Cấp xã", 3, True),
]

# Usual office hours: 07:00–11:30 and 13:30–17:00, Monday to Friday.
MORNING = (datetime.time(7, 0), datetime.time(11, 30))
AFTERNOON = (datetime.time(13, 30), datetime.time(17, 0))
DEFAULT_SCHEDULE = "Giờ hành chính (thứ Hai – thứ Sáu)"


def create(apps, schema_editor):
    UnitLevel = apps.get_model("portal", "UnitLevel")
    WorkSchedule = apps.get_model("portal", "WorkSchedule")
    WorkPeriod = apps.get_model("portal", "WorkPeriod")
    for code, name, tier, administrative in LEVELS:
        UnitLevel.objects.get_or_create(
            code=code, defaults={"name": name, "tier": tier, "is_administrative": administrative}
        )
    schedule, created = WorkSchedule.objects.get_or_create(
        name=DEFAULT_SCHEDULE, defaults={"is_default": True, "forwarding_cutoff": datetime.time(15, 0)}
    )
    if created:
        for weekday in range(5):
            for start, end in (MORNING, AFTERNOON):
                WorkPeriod.objects.create(schedule=schedule, weekday=weekday, start=start, end=end)


def remove(apps, schema_editor):
    apps.get_model("portal", "WorkSchedule").objects.filter(name=DEFAULT_SCHEDULE).delete()
    apps.get_model("portal", "UnitLevel").objects.filter(code__in=[c for c, *_ in LEVELS], units=None).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
