import io
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.dossiers.factories import DossierFactory
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


def test_pending_steps_come_after_the_ones_that_ran(client_for, clerk, routed):
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[routed.code])).content)
    assert text.index("Ký giấy chứng nhận") < text.index("Bộ phận một cửa xã Đồng Tâm") < text.index("Chưa đến lượt")


def test_process_slip_shows_both_due_dates_after_an_approved_apology(client_for, clerk, leader_c1, routed):
    ApologyFactory(dossier=routed, unit=routed.receiving_unit, number="03/PXL", old_due_at=at(24, 17),
                   new_due_at=at(27, 17), drafted_by=clerk, approved_by=leader_c1, approved_at=at(23, 9))
    text = pdftotext(client_for(clerk).get(reverse("workflow:process_slip", args=[routed.code])).content)
    assert "Thời gian trả kết quả theo giấy tiếp nhận: 17 giờ 00 phút, ngày 24 tháng 11 năm 2026" in text
    assert "Hẹn lại theo Phiếu xin lỗi số 03/PXL: 17 giờ 00 phút, ngày 27 tháng 11 năm 2026" in text


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
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text
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
