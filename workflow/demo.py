"""Demo dossiers in every state at several units, moved along their real routes by the demo
staff, with dates relative to today. Idempotent: nothing happens once they exist."""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dossiers.models import Channel, Delivery, Dossier, Outcome, Status
from dossiers.services import dossier_create, dossier_transition
from portal import workdays
from portal.models import Membership, Role, Unit
from portal.signatures.demo import blank_pdf
from procedures.models import Procedure
from workflow.models import Handoff
from workflow.reception.services import dossier_receive
from workflow.routing import services

DEMO_NOTE = "Hồ sơ mẫu"
# The scan of every paper received (every paper is scanned at reception).
DEMO_SCAN = blank_pdf()
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Ma",
          "Triệu", "Nông", "La", "Hà"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Ngọc", "Quang", "Thanh", "Hữu", "Bảo"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Huyền", "Khánh", "Lan",
         "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Thảo", "Trang", "Tuấn", "Yến"]
STREETS = ["Tổ 3", "Tổ 7", "Xóm Đồng Tiến", "Xóm Tiến Thành", "Số 12 đường Bến Oánh", "Số 45 đường Lương Ngọc Quyến"]

# (receiving unit, procedure): where the demo dossiers are received.
PLAN = [
    ("H56.20.01", "1.001193"),
    ("H56.20.01", "1.000894"),
    ("H56.20.02", "1.001193"),
    ("H56.30.01", "1.001193"),
    ("H56.30.02", "1.000894"),
    ("H56.20.01", "1.004227"),
]
# Final state, as a list of moves from reception.
PATHS = [
    (Status.RECEIVED, []),
    (Status.PROCESSING, ["forward"]),
    (Status.SUPPLEMENT_REQUESTED, ["forward", "supplement"]),
    (Status.PROCESSING, ["forward", "supplement", "resume", "forward"]),
    (Status.RESULT_READY, ["forward", "forward*", "approve"]),
    (Status.RETURNED, ["forward", "forward*", "approve", "return"]),
    (Status.RETURNED, ["forward", "forward*", "refuse", "return"]),
    (Status.PAYMENT_REQUESTED, ["forward", "payment"]),
    (Status.WITHDRAWN, ["withdraw"]),
    (Status.STOPPED, ["forward", "stop"]),
]


def seed(stdout=None):
    if Dossier.objects.filter(note=DEMO_NOTE).exists():
        if stdout:
            stdout.write("  demo dossiers already present")
        return
    rng = random.Random(2026)
    created = 0
    now = timezone.now()
    with transaction.atomic():
        for unit_code, procedure_code in PLAN:
            unit = Unit.objects.filter(code=unit_code).first()
            procedure = Procedure.objects.filter(national_code=procedure_code).first()
            version = procedure.current_version() if procedure else None
            clerk = _staff(unit, Role.CLERK) if unit else None
            if not (unit and version and clerk):
                continue
            for index, (_target, moves) in enumerate(PATHS):
                received_at = _working_moment(now, rng.randint(2, 9) if moves else 0, rng, unit)
                required = [c for c in version.components.all() if c.is_required]
                dossier = dossier_receive(
                    clerk=clerk, unit=unit, version=version, applicant=_applicant(rng),
                    components=[{"requirement": c, "name": c.name, "originals": max(c.originals, 1),
                                 "certified_copies": c.certified_copies, "photocopies": c.photocopies}
                                for c in required],
                    files=[(i, SimpleUploadedFile(f"scan-{i + 1}.pdf", DEMO_SCAN, content_type="application/pdf"))
                           for i in range(len(required))],
                    delivery=Delivery.COUNTER, received_at=received_at, note=DEMO_NOTE, is_priority=(index == 3),
                )
                _play(dossier, moves, clerk, received_at, now, rng)
                created += 1
            created += _online(rng, unit, version, now)
    if stdout:
        stdout.write(f"  {created} demo dossiers")


def _staff(unit, *roles):
    membership = (Membership.objects.active().filter(unit=unit, role__in=roles).select_related("user")
                  .order_by("role", "pk").first())
    return membership.user if membership else None


def _play(dossier, moves, clerk, moment, now, rng):
    """Apply `moves` with plausible, increasing times; stop quietly where no demo staff can act."""
    for move in moves:
        moment = min(moment + datetime.timedelta(hours=rng.randint(1, 9)), now)
        dossier.refresh_from_db()
        active = dossier.handoffs.filter(state=Handoff.State.ACTIVE).select_related("unit").first()
        unit = active.unit if active else dossier.receiving_unit
        if move in ("forward", "forward*"):
            # forward* = keep forwarding until the decision step is reached.
            while True:
                active = dossier.handoffs.filter(state=Handoff.State.ACTIVE).select_related("unit").first()
                last = dossier.handoffs.filter(kind=Handoff.Kind.PROCESS).order_by("-order").first()
                if active is None or (last and active.order == last.order):
                    break
                actor = clerk if active.kind == Handoff.Kind.COUNTER else _staff(active.unit, Role.OFFICER,
                                                                                 Role.LEADER)
                if actor is None:
                    return
                dossier = services.dossier_forward(dossier=dossier, actor=actor, at=moment)
                moment = min(moment + datetime.timedelta(hours=rng.randint(2, 12)), now)
                if move == "forward":
                    break
        elif move in ("approve", "refuse"):
            leader = _staff(unit, Role.LEADER)
            if leader is None:
                return
            dossier = services.dossier_decide(
                dossier=dossier, leader=leader, outcome=Outcome.APPROVED if move == "approve" else Outcome.REFUSED,
                note="" if move == "approve" else "Người yêu cầu không đủ điều kiện theo quy định", at=moment)
        elif move == "supplement":
            dossier = services.supplement_request(
                dossier=dossier, actor=_staff(unit, Role.OFFICER, Role.LEADER) or clerk,
                reason="Đề nghị bổ sung giấy xác nhận nơi cư trú", missing_components=["Giấy xác nhận nơi cư trú"],
                at=moment)
        elif move == "payment":
            dossier = services.payment_request(
                dossier=dossier, actor=_staff(unit, Role.OFFICER, Role.LEADER) or clerk,
                note="Đề nghị nộp lệ phí cấp bản sao trích lục: 8.000 đồng/bản", at=moment)
        elif move == "resume":
            dossier = services.supplement_resume(dossier=dossier, actor=clerk, at=moment)
        elif move == "return":
            # Demo results are on paper only: returned despite the warnings (no scan, fee).
            dossier = services.dossier_return(dossier=dossier, clerk=clerk, collected_by=dossier.applicant_name,
                                              at=moment, confirmed=True)
        elif move == "withdraw":
            dossier = services.dossier_withdraw(dossier=dossier, actor=clerk, reason="Người nộp đề nghị rút hồ sơ",
                                                at=moment)
        elif move == "stop":
            leader = _staff(unit, Role.LEADER)
            if leader is None:
                return
            dossier = services.dossier_stop(dossier=dossier, leader=leader,
                                            reason="Dừng giải quyết do phát hiện giấy tờ giả mạo", at=moment)


def _online(rng, unit, version, now):
    """Online dossiers waiting for the counter's check, and one refused at the check."""
    count = 0
    for refuse in (False, False, True):
        submitted_at = now - datetime.timedelta(hours=rng.randint(1, 30))
        dossier = dossier_create(version=version, unit=unit, channel=Channel.ONLINE, status=Status.SUBMITTED,
                                 applicant=_applicant(rng), actor=None, at=submitted_at, delivery=Delivery.ONLINE,
                                 note=DEMO_NOTE)
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
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(rng.randint(7, 15),
                                                                              rng.choice([5, 20, 40]))))
    return min(moment, now - datetime.timedelta(minutes=5))


def _applicant(rng):
    return {
        "applicant_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "applicant_personal_id": f"019{rng.randint(0, 999999999):09d}",
        "applicant_phone": f"09{rng.randint(0, 99999999):08d}",
        "applicant_address": f"{rng.choice(STREETS)}, tỉnh Thái Nguyên",
        "applicant_birth_date": datetime.date(rng.randint(1955, 2004), rng.randint(1, 12), rng.randint(1, 28)),
    }


