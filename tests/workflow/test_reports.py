import datetime
import io
import subprocess
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from dossiers.models import Status
from tests.dossiers.factories import DossierFactory
from tests.helpers import assert_queries_do_not_grow
from tests.workflow.factories import ApologyFactory, ConsultationFactory, HandoffFactory, PauseFactory, at
from workflow.models import Handoff


def pdftotext(pdf):
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def page_size_mm(pdf):
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72)


@pytest.fixture
def routed(org, clerk, officer, leader, officer_c1):
    """A dossier received in commune C1 and sent up to the province's justice department:
    counter (early) → department appraisal (late) → department leader (on time) → commune
    officer (active) → counter return (pending)."""
    dossier = DossierFactory(
        receiving_unit=org.c1, current_unit=org.c1, applicant_name="Đặng Thị Ỷ Lan",
        code="P01.20.01-261116-0007", received_at=at(16, 8, 30), due_at=at(24, 17), received_by=clerk,
    )
    HandoffFactory(dossier=dossier, order=1, kind=Handoff.Kind.COUNTER, unit=org.c1, action="Tiếp nhận, chuyển hồ sơ",
                   state=Handoff.State.DONE, assignee=clerk, received_by=clerk, started_at=at(16, 8, 30),
                   due_at=at(17, 17), finished_at=at(16, 10), handed_by=clerk)
    HandoffFactory(dossier=dossier, order=2, unit=org.department, state=Handoff.State.DONE, assignee=officer,
                   received_by=officer, started_at=at(16, 14), due_at=at(19, 17), finished_at=at(20, 9),
                   handed_by=officer, note="Đã xác minh với Công an xã")
    HandoffFactory(dossier=dossier, order=3, unit=org.department, unit_name="Lãnh đạo Sở Tư pháp",
                   action="Phê duyệt", state=Handoff.State.DONE, assignee=leader, started_at=at(20, 9, 15),
                   due_at=at(20, 17), finished_at=at(20, 16), handed_by=leader)
    current = HandoffFactory(dossier=dossier, order=4, unit=org.c1, action="Ký giấy chứng nhận",
                             state=Handoff.State.ACTIVE, assignee=officer_c1, received_by=officer_c1,
                             started_at=at(21, 8), due_at=at(23, 17))
    HandoffFactory(dossier=dossier, order=5, kind=Handoff.Kind.COUNTER, unit=org.c3,
                   unit_name="Bộ phận một cửa xã Đồng Tâm", action="Trả kết quả")
    PauseFactory(dossier=dossier, handoff=current, requested_by=officer_c1, requested_at=at(21, 10),
                 reason="Thiếu giấy chứng sinh", resumed_at=at(22, 9), resumed_by=clerk)
    ConsultationFactory(dossier=dossier, unit=org.c2, requested_by=officer)
    return dossier


# --- Form 05 -------------------------------------------------------------------------------


def test_process_slip_lists_every_handoff_with_its_result(client_for, clerk, routed):
    response = client_for(clerk).get(reverse("workflow:process_slip", args=[routed.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert "Kèm theo hồ sơ của: Đặng Thị Ỷ Lan" in text
    assert "Quyển số 2026, Số thứ tự 0007" in text and routed.code in text
    for name in ("Ủy ban nhân dân xã Mỹ Hà", "Sở Tư pháp tỉnh Thử Nghiệm", "Lãnh đạo Sở Tư pháp",
                 "Bộ phận một cửa xã Đồng Tâm"):
        assert name in text
    # Lead unit: the first step that is not the counter; consulted: the Consultation rows.
    assert "Cơ quan, đơn vị chủ trì giải quyết: Sở Tư pháp tỉnh Thử Nghiệm" in text
    assert "Cơ quan, đơn vị phối hợp giải quyết: Ủy ban nhân dân xã Mỹ Thắng" in text
    # Counter finished the day before its due day, the department a day late, the leader on the day.
    assert text.count("Trước hạn") == 1 + 1  # the column header "(Trước hạn/đúng hạn/quá hạn)"
    assert text.count("Quá hạn") == 1 and text.count("Đúng hạn") == 1
    assert text.index("Trước hạn", text.index("Tiếp nhận, chuyển hồ sơ")) < text.index("Quá hạn")
    # Hand-over into the department: given by the clerk at 10:00, received by the officer at 14:00.
    assert "Giao: 10:00 ngày 16/11/2026 — Nguyễn Thị Hoa" in text
    assert "Nhận: 14:00 ngày 16/11/2026 — Kiều Minh Tâm" in text
    # The leader step has no received_by: the assignee is named.
    assert "Nhận: 09:15 ngày 20/11/2026 — Nguyễn Hữu Dũng" in text
    assert "Đang xử lý" in text and "Chưa đến lượt" in text
    assert "Yêu cầu bổ sung ngày 21/11/2026 (Thiếu giấy chứng sinh); bổ sung đủ ngày 22/11/2026" in text
    assert "Đã xác minh với Công an xã" in text
    assert page_size_mm(response.content) == (297, 210)


def test_process_slip_names_who_received_each_step_person_unit_and_time(client_for, clerk, routed):
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[routed.code])).content)
    # The first step: handed over by the applicant, received by the clerk at the commune's counter.
    assert "Nhận: 08:30 ngày 16/11/2026 — Nguyễn Thị Hoa (Ủy ban nhân dân xã Mỹ Hà)" in text
    # Into the department: the clerk of the commune hands over, the department's officer receives.
    assert "Giao: 10:00 ngày 16/11/2026 — Nguyễn Thị Hoa (Ủy ban nhân dân xã Mỹ Hà)" in text
    assert "Nhận: 14:00 ngày 16/11/2026 — Kiều Minh Tâm (Sở Tư pháp tỉnh Thử Nghiệm)" in text
    # A step named after its role keeps that name as the unit.
    assert "Nhận: 09:15 ngày 20/11/2026 — Nguyễn Hữu Dũng (Lãnh đạo Sở Tư pháp)" in text
    assert "(Mẫu số 06, Thông tư số 03/2025/TT-VPCP)" in text


def test_process_slip_receiver_of_an_unassigned_active_step_is_its_unit(client_for, clerk, org):
    dossier = DossierFactory(receiving_unit=org.c1, current_unit=org.c1, received_at=at(16, 8, 30), due_at=at(24, 17),
                             received_by=clerk)
    HandoffFactory(dossier=dossier, order=1, kind=Handoff.Kind.COUNTER, unit=org.c1, state=Handoff.State.DONE,
                   assignee=clerk, received_by=clerk, started_at=at(16, 8, 30), due_at=at(17, 17),
                   finished_at=at(16, 9), handed_by=clerk)
    HandoffFactory(dossier=dossier, order=2, unit=org.department, state=Handoff.State.ACTIVE, assignee=None,
                   started_at=at(16, 9, 5), due_at=at(19, 17))
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[dossier.code])).content)
    assert "Nhận: 09:05 ngày 16/11/2026 — Sở Tư pháp tỉnh Thử Nghiệm" in text


def test_pending_steps_come_after_the_ones_that_ran(client_for, clerk, routed):
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[routed.code])).content)
    assert text.index("Ký giấy chứng nhận") < text.index("Bộ phận một cửa xã Đồng Tâm") < text.index("Chưa đến lượt")


def test_process_slip_shows_both_due_dates_after_an_approved_apology(client_for, clerk, leader_c1, routed):
    ApologyFactory(dossier=routed, unit=routed.receiving_unit, number="03/PXL", old_due_at=at(24, 17),
                   new_due_at=at(27, 17), drafted_by=clerk, approved_by=leader_c1, approved_at=at(23, 9))
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[routed.code])).content)
    assert "Thời gian trả kết quả theo giấy tiếp nhận: 17 giờ 00 phút, ngày 24 tháng 11 năm 2026" in text
    assert "Hẹn lại theo Văn bản xin lỗi số 03/PXL: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026" in text


def test_officer_of_the_province_department_sees_the_slip_of_a_dossier_at_his_unit(client_for, officer, org, routed):
    # Visible through current_unit: the dossier is now at the department.
    routed.current_unit = org.department
    routed.save(update_fields=["current_unit"])
    assert client_for(officer).get(reverse("workflow:process_slip", args=[routed.code])).status_code == 200


def test_citizen_who_owns_the_dossier_gets_the_slip(client_for, citizen, routed):
    routed.citizen = citizen
    routed.save(update_fields=["citizen"])
    assert client_for(citizen).get(reverse("workflow:process_slip", args=[routed.code])).status_code == 200


def test_clerk_of_other_commune_gets_404_on_the_process_slip(client_for, other_clerk, routed):
    assert client_for(other_clerk).get(reverse("workflow:process_slip", args=[routed.code])).status_code == 404


def test_citizen_who_does_not_own_the_dossier_gets_404_on_the_process_slip(client_for, citizen, routed):
    assert client_for(citizen).get(reverse("workflow:process_slip", args=[routed.code])).status_code == 404


def test_anonymous_is_sent_to_login_for_the_process_slip(client, routed):
    response = client.get(reverse("workflow:process_slip", args=[routed.code]))
    assert response.status_code == 302 and "/accounts/login/" in response.url



def test_process_slip_of_a_dossier_not_yet_routed(client_for, clerk, org):
    dossier = DossierFactory(receiving_unit=org.c1)
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[dossier.code])).content)
    assert dossier.code in text and "Hồ sơ chưa được chuyển xử lý." in text


def test_dossier_not_received_yet_has_no_process_slip(client_for, clerk, org):
    dossier = DossierFactory(receiving_unit=org.c1, received_at=None, due_at=None, status=Status.SUBMITTED)
    assert client_for(clerk).get(reverse("workflow:process_slip", args=[dossier.code])).status_code == 404


def test_process_slip_query_count_does_not_grow_with_handoffs(client_for, clerk, org, routed):
    client = client_for(clerk)
    orders = iter(range(10, 100))

    def make_rows(n):
        for _ in range(n):
            step = HandoffFactory(dossier=routed, order=next(orders), unit=org.department, state=Handoff.State.DONE,
                                  assignee=clerk, received_by=clerk, handed_by=clerk, started_at=at(20, 9),
                                  due_at=at(21, 17), finished_at=at(21, 9))
            PauseFactory(dossier=routed, handoff=step, requested_by=clerk)

    assert_queries_do_not_grow(make_rows=make_rows,
                               fetch=lambda: client.get(reverse("workflow:process_slip", args=[routed.code])))


# --- Form 04 -------------------------------------------------------------------------------


@pytest.fixture
def apology(routed, org, clerk, leader_c1):
    return ApologyFactory(dossier=routed, unit=org.c1, number="12/PXL-UBND", old_due_at=at(24, 17),
                          new_due_at=at(27, 10, 30), reason="Cần xác minh nơi cư trú của người mẹ tại tỉnh khác",
                          drafted_by=clerk, approved_by=leader_c1, approved_at=at(23, 9))


def test_apology_has_old_and_new_dates_and_the_reason(client_for, clerk, apology):
    response = client_for(clerk).get(reverse("workflow:apology_pdf", args=[apology.dossier.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text
    assert "(Mẫu số 04, Thông tư số 03/2025/TT-VPCP)" in text
    assert "Số: 12/PXL-UBND" in text
    assert "Kính gửi: Đặng Thị Ỷ Lan" in text
    assert "Ngày 16 tháng 11 năm 2026, Ủy ban nhân dân xã Mỹ Hà tiếp nhận" in text
    assert "Mã hồ sơ: P01.20.01-261116-0007" in text and "Đăng ký khai sinh" in text
    assert "Thời hạn trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 24 tháng 11 năm 2026" in text
    assert "Lý do: Cần xác minh nơi cư trú của người mẹ tại tỉnh khác" in text
    assert "10 giờ 30 phút, ngày 27 tháng 11 năm 2026" in text
    assert "THỦ TRƯỞNG CƠ QUAN" in text and "Lê Quang Minh" in text
    assert page_size_mm(response.content) == (148, 210)


def test_draft_apology_is_not_printed(client_for, clerk, apology):
    type(apology).objects.filter(pk=apology.pk).update(state="draft", approved_by=None, approved_at=None)
    assert client_for(clerk).get(reverse("workflow:apology_pdf", args=[apology.dossier.code])).status_code == 404


def test_dossier_without_apology_has_no_apology_pdf(client_for, clerk, routed):
    assert client_for(clerk).get(reverse("workflow:apology_pdf", args=[routed.code])).status_code == 404


def test_apology_is_404_outside_the_users_scope(client_for, other_clerk, citizen, apology):
    url = reverse("workflow:apology_pdf", args=[apology.dossier.code])
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(citizen).get(url).status_code == 404


def test_citizen_who_owns_the_dossier_gets_the_apology(client_for, citizen, apology):
    type(apology.dossier).objects.filter(pk=apology.dossier.pk).update(citizen=citizen)
    assert client_for(citizen).get(reverse("workflow:apology_pdf", args=[apology.dossier.code])).status_code == 200


# --- Form 06 -------------------------------------------------------------------------------

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def local(*args):
    return datetime.datetime(*args, tzinfo=HANOI)


@pytest.fixture
def book(org):
    """Dossiers of commune C1 in November 2026, and others that must stay out of its book."""
    inside = [
        DossierFactory(code="P01.20.01-261102-0001", receiving_unit=org.c1, applicant_name="Nguyễn Văn Ước",
                       applicant_address="Thôn Đông, xã Mỹ Hà", applicant_phone="0912000111", sets_count=2,
                       received_at=local(2026, 11, 2, 8, 5), due_at=local(2026, 11, 5, 17),
                       returned_at=local(2026, 11, 4, 10), status=Status.RETURNED),
        DossierFactory(code="P01.20.01-261115-0002", receiving_unit=org.c1, applicant_name="Đỗ Thị Ngát",
                       organisation_name="Hợp tác xã Mỹ Hà", received_at=local(2026, 11, 15, 14, 0),
                       status=Status.WITHDRAWN),
        # The last minutes of 30 November in Hà Nội are still November (16:30 UTC).
        DossierFactory(code="P01.20.01-261130-0003", receiving_unit=org.c1, applicant_name="Lương Thế Vinh",
                       received_at=local(2026, 11, 30, 23, 30)),
    ]
    outside = [
        DossierFactory(code="P01.20.01-261031-0009", receiving_unit=org.c1, applicant_name="Người Tháng Mười",
                       received_at=local(2026, 10, 31, 16, 0)),
        # 00:10 on 1 December in Hà Nội is still 30 November in UTC.
        DossierFactory(code="P01.20.01-261201-0001", receiving_unit=org.c1, applicant_name="Người Tháng Chạp",
                       received_at=local(2026, 12, 1, 0, 10)),
        DossierFactory(code="P01.20.02-261110-0001", receiving_unit=org.c2, applicant_name="Người Xã Khác",
                       received_at=local(2026, 11, 10, 9, 0)),
    ]
    return inside, outside


def book_url(**params):
    return reverse("workflow:tracking_book") + "?" + "&".join(f"{k}={v}" for k, v in params.items())


def test_book_pdf_has_the_units_dossiers_of_the_period_only(client_for, clerk, org, book):
    inside, outside = book
    response = client_for(clerk).get(book_url(unit=org.c1.code, format="pdf", **NOVEMBER))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdftotext(response.content)
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    for dossier in inside:
        assert dossier.code in text and dossier.applicant_name in text
    for dossier in outside:
        assert dossier.code not in text and dossier.applicant_name not in text
    assert "Hợp tác xã Mỹ Hà" in text and "Thôn Đông, xã Mỹ Hà; 0912000111" in text
    assert "Đã rút hồ sơ" in text  # the withdrawn dossier's note
    assert "02/11/2026 08:05" in text and "04/11/2026 10:00" in text
    assert "Trang 1/1" in text and "Tổng số: 3 hồ sơ" in text
    assert page_size_mm(response.content) == (297, 210)


def test_book_xlsx_has_the_same_rows_with_real_dates(client_for, clerk, org, book):
    inside, outside = book
    response = client_for(clerk).get(book_url(unit=org.c1.code, format="xlsx", **NOVEMBER))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="so-theo-doi-P01.20.01-20261101-20261130.xlsx"' in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "SỔ THEO DÕI HỒ SƠ"
    assert "Ủy ban nhân dân xã Mỹ Hà" in rows[1][0] and "01/11/2026" in rows[1][0]
    assert rows[3][:4] == ("TT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)")
    assert sheet["B4"].font.b
    body = rows[4:]
    assert [r[1] for r in body] == [d.code for d in inside]
    first = body[0]
    assert first[0] == 1 and first[2] == "Đăng ký khai sinh" and first[3] == 2 and first[4] == "Nguyễn Văn Ước"
    assert first[6] == datetime.datetime(2026, 11, 2, 8, 5)  # a real date, in Hà Nội time
    assert first[8] == datetime.datetime(2026, 11, 4, 10, 0)
    assert sheet["G5"].number_format == "dd/mm/yyyy hh:mm"
    assert body[1][10] == "Đã rút hồ sơ"
    assert sheet.column_dimensions["C"].width == 40
    assert sheet.freeze_panes == "A5" and sheet.page_setup.orientation == "landscape"
    assert not {d.code for d in outside} & {r[1] for r in body}


def test_book_page_defaults_to_the_current_month_and_the_clerks_unit(client_for, clerk, org):
    response = client_for(clerk).get(reverse("workflow:tracking_book"))
    assert response.status_code == 200
    form = response.context["form"]
    today = datetime.date.today()
    assert form.cleaned_data["date_from"] == today.replace(day=1)
    assert form.cleaned_data["date_to"].month == today.month and (form.cleaned_data["date_to"]
                                                                  + datetime.timedelta(days=1)).day == 1
    assert form.cleaned_data["unit"] == org.c1


def test_book_page_previews_the_rows(client_for, leader_c1, org, book):
    body = client_for(leader_c1).get(book_url(unit=org.c1.code, **NOVEMBER)).content.decode()
    assert "P01.20.01-261102-0001" in body and "Người Xã Khác" not in body
    assert 'data-testid="book-pdf"' in body and 'data-testid="book-xlsx"' in body


def test_unit_select_lists_only_the_users_units(client_for, clerk, supervisor_d1, org):
    body = client_for(clerk).get(reverse("workflow:tracking_book")).content.decode()
    assert f'value="{org.c1.code}"' in body and f'value="{org.c2.code}"' not in body
    body = client_for(supervisor_d1).get(reverse("workflow:tracking_book")).content.decode()
    assert f'value="{org.c1.code}"' in body and f'value="{org.c2.code}"' in body
    assert f'value="{org.c3.code}"' not in body


def test_clerk_cannot_pick_a_unit_they_do_not_belong_to(client_for, clerk, org, book):
    for export in ("pdf", "xlsx", ""):
        response = client_for(clerk).get(book_url(unit=org.c2.code, format=export, **NOVEMBER))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        body = response.content.decode()
        assert "Bạn không được xem sổ theo dõi của đơn vị này." in body
        assert "Người Xã Khác" not in body


def test_district_supervisor_gets_the_book_of_a_commune_below(client_for, supervisor_d1, org, book):
    response = client_for(supervisor_d1).get(book_url(unit=org.c2.code, format="pdf", **NOVEMBER))
    assert response.status_code == 200
    assert "Người Xã Khác" in pdftotext(response.content)


def test_citizen_gets_403_on_the_book_page(client_for, citizen):
    assert client_for(citizen).get(reverse("workflow:tracking_book")).status_code == 403


def test_officer_gets_403_on_the_book_page(client_for, officer):
    assert client_for(officer).get(reverse("workflow:tracking_book")).status_code == 403


@pytest.mark.parametrize(("params", "message"), [
    ({"date_from": "2026-13-45", "date_to": "2026-11-30"}, "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm."),
    ({"date_from": "hôm qua", "date_to": "2026-11-30"}, "Ngày không hợp lệ, hãy nhập theo dạng ngày/tháng/năm."),
    ({"date_from": "0001-01-01", "date_to": "0001-01-31"}, "Hãy chọn ngày trong khoảng từ năm 2000 đến năm 2100."),
    ({"date_from": "9999-12-01", "date_to": "9999-12-31"}, "Hãy chọn ngày trong khoảng từ năm 2000 đến năm 2100."),
    ({"date_from": "2026-11-30", "date_to": "2026-11-01"}, "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu."),
    ({"date_from": "2025-01-01", "date_to": "2026-01-02"}, "Mỗi lần xuất sổ tối đa 366 ngày."),
    ({"date_from": "", "date_to": "2026-11-30"}, "Hãy nhập ngày bắt đầu."),
])
def test_bad_periods_are_refused_with_a_vietnamese_message(client_for, clerk, org, params, message):
    for export in ("pdf", "xlsx"):
        response = client_for(clerk).get(book_url(unit=org.c1.code, format=export, **params))
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert message in response.content.decode()


def test_a_leap_year_of_366_days_is_accepted_and_dd_mm_yyyy_is_understood(client_for, clerk, org, book):
    response = client_for(clerk).get(book_url(unit=org.c1.code, date_from="01/01/2024", date_to="31/12/2024",
                                              format="pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("export", ["", "pdf", "xlsx"])
def test_book_query_count_does_not_grow_with_rows(client_for, clerk, org, export):
    client = client_for(clerk)

    def make_rows(n):
        for _ in range(n):
            DossierFactory(receiving_unit=org.c1, received_at=local(2026, 11, 12, 9, 0))

    def fetch():
        response = client.get(book_url(unit=org.c1.code, format=export, **NOVEMBER))
        if export == "xlsx":
            response.content_bytes = b"".join(response.streaming_content)
        return response

    assert_queries_do_not_grow(make_rows=make_rows, fetch=fetch)


def test_too_long_a_book_for_a_pdf_asks_for_a_shorter_period(client_for, clerk, org, book, monkeypatch):
    monkeypatch.setattr("workflow.forms.printed.PDF_ROW_LIMIT", 2)
    response = client_for(clerk).get(book_url(unit=org.c1.code, format="pdf", **NOVEMBER))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Sổ có 3 hồ sơ, quá nhiều để in một lần (tối đa 2)" in response.content.decode()
    # The spreadsheet has no such limit.
    response = client_for(clerk).get(book_url(unit=org.c1.code, format="xlsx", **NOVEMBER))
    assert response["Content-Type"].endswith("spreadsheetml.sheet")


# --- Circular 01/2018 → Circular 03/2025 (in force 15/9/2025) --------------------------------


def sept_2025(day, hour=9, minute=0):
    """Hà Nội time in September 2025 (any hour, unlike `at`)."""
    return datetime.datetime(2025, 9, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def received_around_the_change(org, clerk):
    """A dossier received on 12/9/2025 (Circular 01/2018) and one just after midnight of
    15/9/2025 in Hà Nội, still 14/9 in UTC (Circular 03/2025)."""
    before = DossierFactory(receiving_unit=org.c1, current_unit=org.c1, received_by=clerk,
                            received_at=sept_2025(12, 8, 30), due_at=sept_2025(19, 17))
    after = DossierFactory(receiving_unit=org.c1, current_unit=org.c1, received_by=clerk,
                           received_at=sept_2025(15, 0, 30), due_at=sept_2025(22, 17))
    return before, after


def test_process_slip_is_form_05_of_2018_before_15_9_2025_and_form_06_of_2025_after(
        client_for, clerk, received_around_the_change):
    before, after = received_around_the_change
    client = client_for(clerk)
    old = pdftotext(client.get(reverse("workflow:process_slip", args=[before.code])).content)
    new = pdftotext(client.get(reverse("workflow:process_slip", args=[after.code])).content)
    assert "(Mẫu số 05, Thông tư số 01/2018/TT-VPCP)" in old and "03/2025" not in old
    assert "(Mẫu số 06, Thông tư số 03/2025/TT-VPCP)" in new and "01/2018" not in new
    for text in (old, new):
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text


def test_apology_title_follows_the_circular_in_force_on_its_approval(client_for, clerk, leader_c1,
                                                                     received_around_the_change):
    before, after = received_around_the_change
    old = ApologyFactory(dossier=before, unit=before.current_unit, number="01/PXL", drafted_by=clerk,
                         approved_by=leader_c1, approved_at=sept_2025(12, 15))
    new = ApologyFactory(dossier=after, unit=after.current_unit, number="02/VBXL", drafted_by=clerk,
                         approved_by=leader_c1, approved_at=sept_2025(16, 9))
    client = client_for(clerk)
    old_text = pdftotext(client.get(reverse("workflow:apology_pdf", args=[old.dossier.code])).content)
    new_text = pdftotext(client.get(reverse("workflow:apology_pdf", args=[new.dossier.code])).content)
    # Reprinted today, the 2018 letter keeps its 2018 title and number.
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in old_text
    assert "(Mẫu số 04, Thông tư số 01/2018/TT-VPCP)" in old_text and "VĂN BẢN XIN LỖI" not in old_text
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in new_text
    assert "(Mẫu số 04, Thông tư số 03/2025/TT-VPCP)" in new_text and "PHIẾU XIN LỖI" not in new_text
    # The process slip of each dossier names the apology as its own circular does.
    old_slip = pdftotext(client.get(reverse("workflow:process_slip", args=[before.code])).content)
    new_slip = pdftotext(client.get(reverse("workflow:process_slip", args=[after.code])).content)
    assert "Hẹn lại theo Phiếu xin lỗi số 01/PXL" in old_slip
    assert "Hẹn lại theo Văn bản xin lỗi số 02/VBXL" in new_slip


def test_book_is_form_06_of_2018_for_a_period_before_15_9_2025_and_form_07_of_2025_from_it(
        client_for, clerk, org, received_around_the_change):
    before, after = received_around_the_change
    client = client_for(clerk)
    old = pdftotext(client.get(book_url(unit=org.c1.code, format="pdf", date_from="2025-09-01",
                                        date_to="2025-09-14")).content)
    new = pdftotext(client.get(book_url(unit=org.c1.code, format="pdf", date_from="2025-09-15",
                                        date_to="2025-09-30")).content)
    assert "(Mẫu số 06, Thông tư số 01/2018/TT-VPCP)" in old and before.code in old and after.code not in old
    assert "(Mẫu số 07, Thông tư số 03/2025/TT-VPCP)" in new and after.code in new and before.code not in new
    for text in (old, new):
        assert "SỔ THEO DÕI HỒ SƠ" in text
