"""Due dates of received dossiers, checked against values computed by hand."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from procedures.models import TimeUnit
from tests.dossiers.factories import published_version, walk_in

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def receive_at(clerk, unit, version, moment):
    return walk_in(clerk=clerk, unit=unit, version=version,
                   applicant={"applicant_name": "Lê Thị Hà", "applicant_phone": "0912000111"}, received_at=moment)


def test_three_working_days_across_tet_2027(org, clerk):
    # Wed 3/2/2027 16:00: 1 h that day; 4–10/2 is Tết; Thu 11 and Fri 12 give 16 h; Monday 15
    # gives the remaining 7 h: 4.5 h in the morning and 2.5 h from 13:30 -> 16:00.
    version = published_version(processing_time=Decimal("3"))
    dossier = receive_at(clerk, org.c1, version, datetime.datetime(2027, 2, 3, 16, 0, tzinfo=HANOI))
    assert timezone.localtime(dossier.due_at) == datetime.datetime(2027, 2, 15, 16, 0, tzinfo=HANOI)


def test_same_day_procedure_received_after_15_00_is_due_the_next_working_day(org, clerk):
    # Mon 23/11/2026 15:30, after the cut-off; Tue 24/11 is Vietnamese Culture Day (from 2026),
    # so the next working day is Wed 25/11, due at its closing.
    version = published_version(time_unit=TimeUnit.SAME_DAY, processing_time=Decimal("0"))
    dossier = receive_at(clerk, org.c1, version, datetime.datetime(2026, 11, 23, 15, 30, tzinfo=HANOI))
    assert timezone.localtime(dossier.due_at) == datetime.datetime(2026, 11, 25, 17, 0, tzinfo=HANOI)


def test_same_day_procedure_received_before_15_00_is_due_at_closing(org, clerk):
    version = published_version(time_unit=TimeUnit.SAME_DAY, processing_time=Decimal("0"))
    dossier = receive_at(clerk, org.c1, version, datetime.datetime(2026, 11, 23, 9, 10, tzinfo=HANOI))
    assert timezone.localtime(dossier.due_at) == datetime.datetime(2026, 11, 23, 17, 0, tzinfo=HANOI)


def test_reception_across_30_4_and_1_5_2026(org, clerk):
    # Wed 29/4/2026 09:00 + 2 working days (16 h): 29/4 gives 6 h (09:00–11:30, 13:30–17:00),
    # 30/4 and 1/5 are holidays, the weekend follows; Mon 4/5 gives 8 h (14 h in all), so 2 h
    # remain on Tue 5/5: 07:00 + 2 h -> 09:00.
    version = published_version(processing_time=Decimal("2"))
    dossier = receive_at(clerk, org.c1, version, datetime.datetime(2026, 4, 29, 9, 0, tzinfo=HANOI))
    assert timezone.localtime(dossier.due_at) == datetime.datetime(2026, 5, 5, 9, 0, tzinfo=HANOI)


def test_the_one_cut_off_is_the_work_schedules(client, org, clerk):
    """Paper received after the cut-off moves to the next working day: the schedule's cut-off,
    for every procedure; the catalogue page states the same one."""
    from django.urls import reverse

    from portal.models import WorkSchedule

    WorkSchedule.objects.filter(is_default=True).update(forwarding_cutoff=datetime.time(16, 0))
    version = published_version(time_unit=TimeUnit.SAME_DAY, processing_time=Decimal("0"))
    dossier = receive_at(clerk, org.c1, version, datetime.datetime(2026, 11, 23, 15, 30, tzinfo=HANOI))
    assert timezone.localtime(dossier.due_at) == datetime.datetime(2026, 11, 23, 17, 0, tzinfo=HANOI)
    body = client.get(reverse("procedures:detail", args=[version.procedure.national_code])).content.decode()
    assert "Hồ sơ nhận sau 16:00 được giải quyết và trả kết quả trong ngày làm việc tiếp theo." in body
