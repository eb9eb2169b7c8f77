"""Browser journey of a signed electronic result: the leader uploads and approves (the result
is signed with the commune's certificate), the counter returns it online, the citizen
downloads it from "my dossiers", and the public "check a result" page says it is valid."""

from dossiers.models import Status
from tests.citizens.conftest import online_version, submitted
from tests.e2e.conftest import screenshot
from tests.helpers import real_pdf
from workflow.routing import services as wf


def test_approve_sign_return_online_download_and_check(session, clerk, officer_c1, leader_c1, citizen, org,
                                                       tmp_path, settings, unit_certificate, page):
    settings.MEDIA_ROOT = tmp_path / "media"
    dossier = submitted(citizen, online_version(org), org)
    dossier = wf.online_accept(dossier=dossier, clerk=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=officer_c1)

    leader = session("leader_c1")
    leader.goto(f"/dossiers/{dossier.code}/")
    result = tmp_path / "trich-luc-khai-sinh.pdf"
    result.write_bytes(real_pdf().read())
    leader.locator("#result-file").set_input_files(str(result))
    leader.get_by_test_id("act-result").click()
    assert leader.get_by_text("Đã tải lên văn bản kết quả").is_visible()
    leader.get_by_test_id("act-approve").click()
    assert leader.get_by_text("Đã phê duyệt kết quả").is_visible()
    stored = dossier.files.get(kind="result")
    badge = leader.get_by_test_id(f"signature-{stored.pk}")
    assert "Chữ ký hợp lệ" in badge.inner_text() and "Ký bởi UBND xã Mỹ Hà" in badge.inner_text()
    assert leader.get_by_test_id("timeline").get_by_text("Ký số văn bản kết quả").first.is_visible()
    screenshot(leader, "signature-approved-signed")

    counter = session("clerk")
    counter.goto(f"/dossiers/{dossier.code}/")
    counter.get_by_test_id("act-return").click()
    assert counter.get_by_text("Đã trả kết quả.").is_visible()
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED

    me = session("citizen")
    me.goto("/my/")
    me.get_by_role("link", name=dossier.code).first.click()
    link = me.get_by_test_id("result-download")
    assert link.is_visible()
    assert "Chữ ký hợp lệ" in me.get_by_test_id(f"signature-{stored.pk}").inner_text()
    response = me.request.get(link.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    downloaded = tmp_path / "downloaded.pdf"
    downloaded.write_bytes(response.body())
    screenshot(me, "signature-citizen-result")

    page.goto("/")
    page.get_by_test_id("result-check-link").click()
    page.get_by_label("Văn bản kết quả (PDF)").set_input_files(str(downloaded))
    page.get_by_role("button", name="Kiểm tra").click()
    assert page.get_by_test_id("result-check-verdict").inner_text() == "Chữ ký hợp lệ"
    assert dossier.code in page.get_by_test_id("result-check-dossier").inner_text()
    assert "Nguyễn Văn An" not in page.content()
    screenshot(page, "signature-result-check-valid")
