"""Processing in the browser: a birth-registration-like procedure at a commune and a
three-level procedure (commune → district office → province department → back), with a
supplementation pause, ending with the Form 05 slip listing every hand-off."""

import subprocess

import pytest

from dossiers.models import Dossier, Status
from portal.models import Role
from tests.e2e.conftest import screenshot
from tests.factories import staff
from tests.helpers import real_pdf
from tests.workflow.test_processing import commune_version, receive, three_level_version

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def open_dossier(page, code):
    page.goto(f"/dossiers/{code}/")
    assert page.get_by_test_id("dossier-code").inner_text() == code


def slip_text(page, code):
    response = page.request.get(f"/dossiers/{code}/process-slip.pdf")
    assert response.status == 200
    return " ".join(subprocess.run(["pdftotext", "-layout", "-", "-"], input=response.body(), capture_output=True,
                                   check=True).stdout.decode().split())


def test_commune_procedure_from_reception_to_return(session, clerk, officer_c1, leader_c1, org, tmp_path):
    dossier = receive(clerk, org.c1, commune_version())
    counter = session("clerk")
    open_dossier(counter, dossier.code)
    counter.get_by_test_id("act-forward").click()
    assert counter.get_by_text("Đã chuyển hồ sơ sang bước tiếp theo").is_visible()

    officer = session("officer_c1")
    officer.goto("/inbox/")
    officer.get_by_role("link", name=dossier.code).click()
    officer.get_by_test_id("act-forward").click()

    leader = session("leader_c1")
    open_dossier(leader, dossier.code)
    result = tmp_path / "trich-luc-khai-sinh.pdf"
    result.write_bytes(real_pdf().read())
    leader.locator("#result-file").set_input_files(str(result))
    leader.get_by_test_id("act-result").click()
    leader.get_by_test_id("act-approve").click()
    assert leader.get_by_text("Đã phê duyệt kết quả").is_visible()

    open_dossier(counter, dossier.code)
    counter.get_by_test_id("act-return").click()
    assert counter.get_by_text("Đã trả kết quả.").is_visible()
    screenshot(counter, "dossier-returned")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.files.filter(kind="result").count() == 1
    text = slip_text(counter, dossier.code)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert text.count("Ủy ban nhân dân xã Mỹ Hà") >= 4
    assert "Trước hạn" in text or "Đúng hạn" in text


def test_three_level_procedure_with_a_supplementation_pause(session, clerk, officer, leader, org, tmp_path):
    version, office = three_level_version(org)
    staff(Role.OFFICER, office, username="cv_huyen", full_name="Vi Văn Đức")
    dossier = receive(clerk, org.c1, version)
    counter = session("clerk")
    open_dossier(counter, dossier.code)
    counter.get_by_test_id("act-forward").click()

    district = session("cv_huyen")
    district.goto("/inbox/")
    district.get_by_role("link", name=dossier.code).click()
    district.get_by_label("Tờ khai đăng ký khai sinh").check()
    district.get_by_label("Lý do yêu cầu bổ sung").fill("Tờ khai thiếu chữ ký của người yêu cầu")
    district.get_by_test_id("act-supplement").click()
    assert district.get_by_text("thời hạn giải quyết tạm dừng").is_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED

    # The applicant brings the signed form to the counter that received the dossier.
    open_dossier(counter, dossier.code)
    signed = tmp_path / "to-khai-da-ky.pdf"
    signed.write_bytes(PDF)
    counter.locator("#resume-files").set_input_files(str(signed))
    counter.get_by_test_id("act-resume").click()
    assert counter.get_by_test_id("pauses").is_visible()

    open_dossier(district, dossier.code)
    district.get_by_test_id("act-forward").click()

    province = session("leader")
    province.goto("/inbox/")
    province.get_by_role("link", name=dossier.code).click()
    province.get_by_test_id("act-approve").click()

    open_dossier(counter, dossier.code)
    # No result file was uploaded: the counter is warned and confirms (a paper result).
    assert counter.get_by_test_id("return-warnings").get_by_text("Chưa có văn bản kết quả").is_visible()
    counter.get_by_label("Vẫn trả kết quả").check()
    counter.get_by_test_id("act-return").click()
    assert counter.get_by_text("Đã trả kết quả.").is_visible()
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.status == Status.RETURNED and dossier.supplement_count == 1
    screenshot(counter, "three-level-returned")
    text = slip_text(counter, dossier.code)
    for unit_name in ("Ủy ban nhân dân xã Mỹ Hà", "Phòng Tư pháp huyện Mỹ Lộc", "Sở Tư pháp tỉnh Thử Nghiệm"):
        assert unit_name in text
    marks = sum(text.count(mark) for mark in ("Trước hạn", "Đúng hạn", "Quá hạn"))
    assert marks >= 4
