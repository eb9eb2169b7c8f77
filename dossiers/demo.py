"""Demo dossiers in every state, at several units, with dates relative to today.
Idempotent: does nothing when the demo dossiers already exist."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from portal import workdays
from portal.models import Unit, User
from procedures.models import Procedure

from .models import Channel, Delivery, Dossier, Outcome, Status
from .services import dossier_receive_at_counter, dossier_transition, next_dossier_code, record_event

DEMO_NOTE = "Hồ sơ mẫu"
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ma",
          "Triệu", "Nông", "La", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Bảo"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huyền", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]
STREETS = ["Tổ 3", "Tổ 7", "Xóm Đồng Tiến", "Xóm Tiến Thành", "Số 12 đường Bến Oánh", "Số 45 đường Lương Ngọc Quyến"]

# (unit code, procedure code, clerk username)
PLAN = [
    ("H56.20.01", "1.001193", "motcua.phandinhphung"),
    ("H56.20.01", "1.000894", "motcua.phandinhphung"),
    ("H56.20.02", "1.001193", "motcua.hoangvanthu"),
    ("H56.30.01", "1.001193", "motcua.labang"),
    ("H56.30.02", "1.000894", "motcua.hoangnong"),
]
# Each row: final status and the transitions that lead there from "received".
PATHS = [
    (Status.RECEIVED, []),
    (Status.PROCESSING, ["start_processing"]),
    (Status.SUPPLEMENT_REQUESTED, ["start_processing", "request_supplement"]),
    (Status.PAYMENT_REQUESTED, ["start_processing", "request_payment"]),
    (Status.RESULT_READY, ["start_processing", "finish"]),
    (Status.RETURNED, ["start_processing", "finish", "return_result"]),
    (Status.WITHDRAWN, ["withdraw"]),
    (Status.STOPPED, ["start_processing", "stop"]),
]
NOTES = {
    "start_processing": "Chuyển công chức chuyên môn xử lý",
    "request_supplement": "Đề nghị bổ sung giấy xác nhận nơi cư trú",
    "request_payment": "Đề nghị nộp lệ phí cấp bản sao trích lục",
    "finish": "Lãnh đạo đã ký kết quả",
    "return_result": "Người nộp đã nhận kết quả tại quầy",
    "withdraw": "Người nộp đề nghị rút hồ sơ",
    "stop": "Dừng giải quyết do hồ sơ có dấu hiệu giả mạo giấy tờ",
}


def seed(stdout=None):
    if Dossier.objects.filter(note=DEMO_NOTE).exists():
        if stdout:
            stdout.write("  demo dossiers already present")
        return
    rng = random.Random(2026)
    created = 0
    now = timezone.now()
    with transaction.atomic():
        for unit_code, procedure_code, clerk_name in PLAN:
            unit = Unit.objects.filter(code=unit_code).first()
            procedure = Procedure.objects.filter(national_code=procedure_code).first()
            clerk = User.objects.filter(username=clerk_name).first()
            version = procedure.current_version() if procedure else None
            if not (unit and version and clerk):
                continue
            for index, (target, path) in enumerate(PATHS):
                days_ago = rng.randint(1, 12) if path else 0
                received_at = _working_moment(now, days_ago, rng, unit)
                dossier = dossier_receive_at_counter(
                    clerk=clerk, unit=unit, version=version, applicant=_applicant(rng),
                    components=[{"requirement": c, "name": c.name, "originals": max(c.originals, 1),
                                 "certified_copies": c.certified_copies, "photocopies": c.photocopies}
                                for c in version.components.all() if c.is_required],
                    delivery=rng.choice([Delivery.COUNTER, Delivery.COUNTER, Delivery.POST]),
                    received_at=received_at, note=DEMO_NOTE, is_priority=(index == 3),
                )
                moment = received_at
                for step in path:
                    moment = min(moment + datetime.timedelta(hours=rng.randint(2, 20)), now)
                    changes = {}
                    if step == "finish":
                        changes = {"outcome": Outcome.APPROVED, "finished_at": moment}
                    elif step == "return_result":
                        changes = {"returned_at": moment}
                    dossier = dossier_transition(dossier=dossier, actor=clerk, transition=step, note=NOTES[step],
                                                 at=moment, **changes)
                assert dossier.status == target
                created += 1
            created += _online(rng, unit, version, now)
    if stdout:
        stdout.write(f"  {created} demo dossiers")


def _online(rng, unit, version, now):
    """Two online dossiers: one waiting for the counter's check, one refused at the check."""
    count = 0
    for refuse in (False, True):
        submitted_at = now - datetime.timedelta(hours=rng.randint(1, 30))
        dossier = Dossier.objects.create(
            code=next_dossier_code(unit=unit, day=timezone.localtime(submitted_at).date()),
            procedure=version.procedure, procedure_version=version, receiving_unit=unit, current_unit=unit,
            channel=Channel.ONLINE, delivery=Delivery.ONLINE, status=Status.SUBMITTED, submitted_at=submitted_at,
            is_priority=True, note=DEMO_NOTE, **_applicant(rng),
        )
        record_event(dossier=dossier, actor=None, transition="submit", from_status="", unit=unit,
                     note="Nộp trực tuyến", at=submitted_at)
        if refuse:
            dossier_transition(dossier=dossier, actor=None, transition="refuse_reception", at=submitted_at,
                               note="Không thuộc thẩm quyền: người nộp cư trú tại xã khác")
        count += 1
    return count


def _working_moment(now, days_ago, rng, unit):
    day = timezone.localdate(now)
    for _ in range(days_ago):
        day -= datetime.timedelta(days=1)
        while not workdays.is_working_day(day, unit=unit):
            day -= datetime.timedelta(days=1)
    local = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(7, 16), rng.choice([5, 20, 40]))))
    return min(local, now - datetime.timedelta(minutes=5))


def _applicant(rng):
    family, middle, given = rng.choice(FAMILY), rng.choice(MIDDLE), rng.choice(GIVEN)
    return {
        "applicant_name": f"{family} {middle} {given}",
        "applicant_personal_id": f"019{rng.randint(0, 999999999):09d}",
        "applicant_phone": f"09{rng.randint(0, 99999999):08d}",
        "applicant_address": f"{rng.choice(STREETS)}, tỉnh Thái Nguyên",
        "applicant_birth_date": datetime.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28)),
    }
