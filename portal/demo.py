"""Demo organisation: one province with districts, communes, departments and one account per
role per relevant unit. Real place names (Thái Nguyên, before the 2025 reform, so that the
three-level route commune → district → province can be shown); identifiers are illustrative.
Idempotent: running it again updates in place and creates nothing twice."""

import base64
import datetime

from django.conf import settings
from django.db import transaction

from .models import Membership, Role, Unit, UnitLevel, User
from .services import membership_grant
from .signatures import demo as signing_demo

UNITS = [
    # code, name, short name, level code, parent code, address, phone
    ("H56", "Ủy ban nhân dân tỉnh Thái Nguyên", "UBND tỉnh Thái Nguyên", "province", None,
     "Số 18 đường Nha Trang, phường Trưng Vương, TP Thái Nguyên", "0208 3855 669"),
    ("H56.100", "Trung tâm Phục vụ hành chính công tỉnh Thái Nguyên", "Trung tâm PVHCC tỉnh", "province-department", "H56",
     "Số 1 đường Hoàng Văn Thụ, TP Thái Nguyên", "0208 3656 888"),
    ("H56.15", "Sở Tư pháp tỉnh Thái Nguyên", "Sở Tư pháp", "province-department", "H56",
     "Số 3 đường Hoàng Văn Thụ, TP Thái Nguyên", "0208 3855 548"),
    ("H56.10", "Sở Tài chính tỉnh Thái Nguyên", "Sở Tài chính", "province-department", "H56",
     "Số 1 đường Hoàng Văn Thụ, TP Thái Nguyên", "0208 3855 350"),
    ("H56.12", "Sở Nông nghiệp và Môi trường tỉnh Thái Nguyên", "Sở Nông nghiệp và Môi trường", "province-department",
     "H56", "Số 5 đường Đội Cấn, TP Thái Nguyên", "0208 3855 190"),
    ("H56.20", "Ủy ban nhân dân thành phố Thái Nguyên", "UBND TP Thái Nguyên", "district", "H56",
     "Số 1 đường Nha Trang, TP Thái Nguyên", "0208 3855 442"),
    ("H56.20.50", "Phòng Tư pháp thành phố Thái Nguyên", "Phòng Tư pháp TP", "district-office", "H56.20",
     "Số 1 đường Nha Trang, TP Thái Nguyên", "0208 3855 471"),
    ("H56.20.60", "Phòng Tài chính - Kế hoạch thành phố Thái Nguyên", "Phòng TC-KH TP", "district-office", "H56.20",
     "Số 1 đường Nha Trang, TP Thái Nguyên", "0208 3855 473"),
    ("H56.20.70", "Chi nhánh Văn phòng Đăng ký đất đai thành phố Thái Nguyên", "Chi nhánh VPĐKĐĐ TP",
     "district-office", "H56.20", "Số 8 đường Nha Trang, TP Thái Nguyên", "0208 3857 066"),
    ("H56.20.01", "Ủy ban nhân dân phường Phan Đình Phùng", "UBND phường Phan Đình Phùng", "commune", "H56.20",
     "Số 226 đường Hoàng Văn Thụ, phường Phan Đình Phùng", "0208 3856 121"),
    ("H56.20.02", "Ủy ban nhân dân phường Hoàng Văn Thụ", "UBND phường Hoàng Văn Thụ", "commune", "H56.20",
     "Số 12 đường Bến Oánh, phường Hoàng Văn Thụ", "0208 3855 276"),
    ("H56.30", "Ủy ban nhân dân huyện Đại Từ", "UBND huyện Đại Từ", "district", "H56",
     "Tổ dân phố Sơn Tập 3, thị trấn Hùng Sơn, huyện Đại Từ", "0208 3824 103"),
    ("H56.30.50", "Phòng Tư pháp huyện Đại Từ", "Phòng Tư pháp Đại Từ", "district-office", "H56.30",
     "Thị trấn Hùng Sơn, huyện Đại Từ", "0208 3824 258"),
    ("H56.30.70", "Chi nhánh Văn phòng Đăng ký đất đai huyện Đại Từ", "Chi nhánh VPĐKĐĐ Đại Từ", "district-office",
     "H56.30", "Thị trấn Hùng Sơn, huyện Đại Từ", "0208 3824 611"),
    ("H56.30.01", "Ủy ban nhân dân xã La Bằng", "UBND xã La Bằng", "commune", "H56.30",
     "Xóm Tiến Thành, xã La Bằng, huyện Đại Từ", "0208 3731 168"),
    ("H56.30.02", "Ủy ban nhân dân xã Hoàng Nông", "UBND xã Hoàng Nông", "commune", "H56.30",
     "Xóm Đồng Tiến, xã Hoàng Nông, huyện Đại Từ", "0208 3731 201"),
]

# username, full name, [(unit code, role, title, is_head)]
STAFF = [
    ("motcua.phandinhphung", "Nguyễn Thị Hoa", [("H56.20.01", Role.CLERK, "Công chức Tư pháp - Hộ tịch", True)]),
    ("chuyenvien.phandinhphung", "Trần Văn Bình", [("H56.20.01", Role.OFFICER, "Công chức Tư pháp - Hộ tịch", False)]),
    ("lanhdao.phandinhphung", "Lê Quang Minh", [("H56.20.01", Role.LEADER, "Chủ tịch UBND phường", True)]),
    ("motcua.hoangvanthu", "Phạm Thu Trang", [("H56.20.02", Role.CLERK, "Công chức Văn phòng - Thống kê", True)]),
    ("chuyenvien.hoangvanthu", "Đỗ Mạnh Hùng", [("H56.20.02", Role.OFFICER, "Công chức Tư pháp - Hộ tịch", False)]),
    ("lanhdao.hoangvanthu", "Vũ Thị Lan", [("H56.20.02", Role.LEADER, "Phó Chủ tịch UBND phường", True)]),
    ("motcua.labang", "Hoàng Văn Tuấn", [("H56.30.01", Role.CLERK, "Công chức Văn phòng - Thống kê", True)]),
    ("chuyenvien.labang", "Ma Thị Nguyệt", [("H56.30.01", Role.OFFICER, "Công chức Tư pháp - Hộ tịch", False)]),
    ("lanhdao.labang", "Dương Văn Sơn", [("H56.30.01", Role.LEADER, "Chủ tịch UBND xã", True)]),
    ("motcua.hoangnong", "Lưu Thị Hằng", [("H56.30.02", Role.CLERK, "Công chức Văn phòng - Thống kê", True)]),
    ("chuyenvien.hoangnong", "Triệu Văn Khánh", [("H56.30.02", Role.OFFICER, "Công chức Tư pháp - Hộ tịch", False)]),
    ("lanhdao.hoangnong", "Nông Thị Mai", [("H56.30.02", Role.LEADER, "Chủ tịch UBND xã", True)]),
    ("motcua.tpthainguyen", "Bùi Thị Ngọc", [("H56.20", Role.CLERK, "Bộ phận Một cửa thành phố", True)]),
    ("chuyenvien.tuphap.tptn", "Ngô Đức Thắng", [("H56.20.50", Role.OFFICER, "Chuyên viên Phòng Tư pháp", False)]),
    ("lanhdao.tuphap.tptn", "Đinh Thị Hạnh", [("H56.20.50", Role.LEADER, "Trưởng phòng Tư pháp", True)]),
    ("chuyenvien.tckh.tptn", "Cao Văn Lực", [("H56.20.60", Role.OFFICER, "Chuyên viên Phòng TC-KH", False)]),
    ("lanhdao.tpthainguyen", "Chu Văn Khải", [("H56.20", Role.LEADER, "Phó Chủ tịch UBND thành phố", True)]),
    ("chuyenvien.vpdk.tptn", "Lâm Thị Nhung", [("H56.20.70", Role.OFFICER, "Viên chức Chi nhánh VPĐKĐĐ", False)]),
    ("lanhdao.vpdk.tptn", "Phùng Văn Tài", [("H56.20.70", Role.LEADER, "Giám đốc Chi nhánh VPĐKĐĐ", True)]),
    ("giamsat.tpthainguyen", "Tạ Quốc Việt", [("H56.20", Role.SUPERVISOR, "Chánh Văn phòng HĐND-UBND thành phố", True)]),
    ("motcua.daitu", "La Thị Thảo", [("H56.30", Role.CLERK, "Bộ phận Một cửa huyện", True)]),
    ("chuyenvien.tuphap.daitu", "Hà Văn Đông", [("H56.30.50", Role.OFFICER, "Chuyên viên Phòng Tư pháp", False)]),
    ("lanhdao.tuphap.daitu", "Mạc Thị Yến", [("H56.30.50", Role.LEADER, "Trưởng phòng Tư pháp", True)]),
    ("lanhdao.daitu", "Âu Văn Thành", [("H56.30", Role.LEADER, "Phó Chủ tịch UBND huyện", True)]),
    ("chuyenvien.vpdk.daitu", "Quan Thị Dịu", [("H56.30.70", Role.OFFICER, "Viên chức Chi nhánh VPĐKĐĐ", False)]),
    ("giamsat.daitu", "Lý Văn Phúc", [("H56.30", Role.SUPERVISOR, "Chánh Văn phòng HĐND-UBND huyện", True)]),
    ("motcua.tinh", "Phan Thị Quỳnh", [("H56.100", Role.CLERK, "Chuyên viên Trung tâm PVHCC", True)]),
    ("chuyenvien.sotuphap", "Kiều Minh Tâm", [("H56.15", Role.OFFICER, "Chuyên viên Phòng Hành chính tư pháp", False)]),
    ("lanhdao.sotuphap", "Nguyễn Hữu Dũng", [("H56.15", Role.LEADER, "Giám đốc Sở Tư pháp", True)]),
    ("giamsat.tinh", "Trịnh Thị Loan", [("H56", Role.SUPERVISOR, "Phó Chánh Văn phòng UBND tỉnh", True)]),
    ("chuyenvien.sonnmt", "Giáp Văn Cường", [("H56.12", Role.OFFICER, "Chuyên viên Phòng Quản lý đất đai", False)]),
    ("lanhdao.sonnmt", "Thân Thị Hương", [("H56.12", Role.LEADER, "Phó Giám đốc Sở", True)]),
    ("bientap.tinh", "Đặng Văn Hải", [("H56", Role.EDITOR, "Chuyên viên Phòng Kiểm soát TTHC", False)]),
    ("kiemtra.tinh", "Hoàng Thanh Bình", [("H56", Role.AUDITOR, "Thanh tra viên Sở Thông tin và Truyền thông", False)]),
]

CITIZENS = [
    # username, full name, personal id, phone, email
    ("congdan", "Nguyễn Văn An", "019090001234", "0912345678", "nguyenvanan@example.vn"),
]


@transaction.atomic
def seed(stdout=None):
    units = {}
    levels = {level.code: level for level in UnitLevel.objects.all()}
    for code, name, short_name, level, parent, address, phone in UNITS:
        unit, _ = Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short_name,
                "level": levels[level],
                "parent": units.get(parent),
                "address": address,
                "phone": phone,
                "valid_from": datetime.date(2020, 1, 1),
            },
        )
        units[code] = unit
    password = settings.DEMO_PASSWORD
    for username, full_name, roles in STAFF:
        user = _account(username, full_name, password)
        demo_authenticator(user)
        for unit_code, role, title, is_head in roles:
            membership_grant(user=user, unit=units[unit_code], role=role, title=title, is_head=is_head,
                             valid_from=datetime.date(2020, 1, 1))
    for username, full_name, personal_id, phone, email in CITIZENS:
        user = _account(username, full_name, password)
        User.objects.filter(pk=user.pk).update(personal_id=personal_id, phone=phone, email=email)
    if stdout:
        stdout.write(f"  {len(units)} units, {Membership.objects.count()} staff memberships")
    signing_demo.seed(stdout=stdout)
    return units


# DEMO ONLY. Every demo staff account's authenticator shares this public key, so that `make run`
# stays usable with the second sign-in step on: add DEMO_TOTP_BASE32 to an authenticator app,
# or print the current code with `python manage.py demo_mfa_code`. Real accounts set their own
# authenticator up on first sign-in (portal/mfa.py).
DEMO_TOTP_KEY = b"demo-totp-not-secret".hex()
DEMO_TOTP_BASE32 = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def demo_authenticator(user):
    """The demo staff member's authenticator, with the public demo key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).exclude(name="demo").delete()
    TOTPDevice.objects.update_or_create(user=user, name="demo", defaults={"key": DEMO_TOTP_KEY, "confirmed": True})


def demo_code():
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(DEMO_TOTP_KEY)):06d}"


def _account(username, full_name, password):
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    if created or not user.check_password(password):
        user.full_name = full_name
        user.set_password(password)
        user.save()
    return user


def accounts():
    """(username, description) of every demo account, for the command's printout and README."""
    rows = []
    for username, full_name, roles in STAFF:
        for unit_code, role, _title, _head in roles:
            unit_name = next(u[2] for u in UNITS if u[0] == unit_code)
            rows.append((username, f"{Role(role).label} — {unit_name} ({full_name})"))
    for username, full_name, *_ in CITIZENS:
        rows.append((username, f"Công dân ({full_name})"))
    return rows
