from django.urls import reverse

from citizens.models import Rating
from dossiers.models import DossierFile, Status
from tests.helpers import assert_queries_do_not_grow
from workflow.routing import services as wf

from .conftest import fake_pdf, pdf, result_pdf, returned, submitted


def test_my_dossiers_lists_only_mine_with_status_and_next_action(client_for, citizen, other_citizen, version, org):
    mine = submitted(citizen, version, org)
    theirs = submitted(other_citizen, version, org)
    content = client_for(citizen).get(reverse("citizens:my_dossiers")).content.decode()
    assert mine.code in content and theirs.code not in content
    assert "Mới đăng ký" in content and "Chờ bộ phận một cửa kiểm tra" in content


def test_a_staff_member_sees_their_own_applications_and_not_their_units(client_for, other_clerk, citizen, version,
                                                                       org):
    """A clerk of Mỹ Thắng who applies at Mỹ Hà, outside their counter: their own dossier is in
    "my dossiers", and their unit's dossiers are not."""
    own = submitted(other_clerk, version, org)  # received at org.c1
    unit_dossier = submitted(citizen, version, org)
    unit_dossier.receiving_unit = unit_dossier.current_unit = org.c2
    unit_dossier.save()
    client = client_for(other_clerk)
    listed = client.get(reverse("citizens:my_dossiers")).content.decode()
    assert own.code in listed and unit_dossier.code not in listed
    assert client.get(reverse("citizens:dossier", args=[own.code])).status_code == 200
    assert client.get(reverse("citizens:dossier", args=[unit_dossier.code])).status_code == 404


def test_other_citizens_get_404_for_dossier_files_and_slips(client_for, citizen, other_citizen, clerk, version, org):
    dossier = wf.online_accept(dossier=submitted(citizen, version, org), clerk=clerk)
    stored = dossier.files.first()
    client = client_for(other_citizen)
    for url in (reverse("citizens:dossier", args=[dossier.code]),
                reverse("citizens:dossier_file", args=[dossier.code, stored.pk]),
                reverse("workflow:dossier_file", args=[dossier.code, stored.pk]),
                reverse("workflow:receipt", args=[dossier.code]),
                reverse("workflow:dossier", args=[dossier.code]),
                reverse("citizens:wallet_file", args=[stored.pk])):
        assert client.get(url).status_code == 404, url
    for name in ("supplement", "withdraw", "rate", "pay"):
        assert client.post(reverse(f"citizens:{name}", args=[dossier.code]), {"reason": "x"}).status_code == 404
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    client = client_for(citizen)
    assert client.get(reverse("citizens:dossier_file", args=[dossier.code, stored.pk])).status_code == 200
    assert client.get(reverse("workflow:receipt", args=[dossier.code])).status_code == 200


def test_my_dossiers_costs_the_same_queries_for_more_rows(client_for, citizen, version, org):
    client = client_for(citizen)
    version.components.update(is_required=False)
    assert_queries_do_not_grow(
        make_rows=lambda n: [submitted(citizen, version, org, files=False) for _ in range(n)],
        fetch=lambda: client.get(reverse("citizens:my_dossiers")),
    )


def test_the_citizen_sees_the_counter_check_result(client_for, citizen, clerk, version, org):
    dossier = submitted(citizen, version, org)
    wf.online_refuse(dossier=dossier, clerk=clerk, reason="Không thuộc thẩm quyền của xã")
    content = client_for(citizen).get(reverse("citizens:dossier", args=[dossier.code])).content.decode()
    assert "Không được tiếp nhận" in content and "Không thuộc thẩm quyền của xã" in content


def test_supplement_upload_resumes_the_clock(client_for, citizen, clerk, officer_c1, version, org):
    dossier = wf.online_accept(dossier=submitted(citizen, version, org), clerk=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    wf.supplement_request(dossier=dossier, actor=officer_c1, reason="Giấy chứng sinh bị mờ",
                          missing_components=["Giấy chứng sinh"])
    client = client_for(citizen)
    url = reverse("citizens:dossier", args=[dossier.code])
    page = client.get(url).content.decode()
    assert "Giấy chứng sinh bị mờ" in page and "Gửi giấy tờ bổ sung" in page
    response = client.post(reverse("citizens:supplement", args=[dossier.code]), {"files": fake_pdf()})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT_REQUESTED
    assert "không phải PDF" in client.get(response.url).content.decode()
    client.post(reverse("citizens:supplement", args=[dossier.code]), {"files": pdf("chung-sinh-ro.pdf")})
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING and dossier.due_at is not None
    assert dossier.files.filter(original_name="chung-sinh-ro.pdf", uploaded_by=citizen).exists()


def test_completion_request_before_reception_goes_back_to_the_check(client_for, citizen, clerk, version, org):
    dossier = submitted(citizen, version, org)
    wf.online_request_completion(dossier=dossier, clerk=clerk, reason="Thiếu trang 2",
                                 missing_components=["Tờ khai đăng ký khai sinh"])
    client = client_for(citizen)
    assert "Thiếu trang 2" in client.get(reverse("citizens:dossier", args=[dossier.code])).content.decode()
    client.post(reverse("citizens:supplement", args=[dossier.code]), {"files": pdf("to-khai-du.pdf")})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_result_is_downloadable_only_once_returned(client_for, citizen, clerk, officer_c1, leader_c1, version, org,
                                                  unit_certificate):
    dossier = wf.online_accept(dossier=submitted(citizen, version, org), clerk=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=officer_c1)
    result = wf.result_file_add(dossier=dossier, actor=leader_c1, upload=result_pdf("trich-luc.pdf"))
    client = client_for(citizen)
    assert client.get(reverse("citizens:dossier_file", args=[dossier.code, result.pk])).status_code == 404
    dossier = wf.dossier_decide(dossier=dossier, leader=leader_c1, outcome="approved", note="Đã đăng ký")
    wf.dossier_return(dossier=dossier, clerk=clerk, confirmed=True)
    page = client.get(reverse("citizens:dossier", args=[dossier.code])).content.decode()
    assert "trich-luc.pdf" in page and reverse("citizens:guide", args=[version.procedure.national_code]) in page
    response = client.get(reverse("citizens:dossier_file", args=[dossier.code, result.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    wallet = client.get(reverse("citizens:wallet")).content.decode()
    assert "Kết quả của hồ sơ" in wallet


def test_withdrawal_needs_a_reason(client_for, citizen, version, org):
    dossier = submitted(citizen, version, org)
    client = client_for(citizen)
    client.post(reverse("citizens:withdraw", args=[dossier.code]), {"reason": ""})
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    client.post(reverse("citizens:withdraw", args=[dossier.code]), {"reason": "Nộp nhầm thủ tục"})
    dossier.refresh_from_db()
    assert dossier.status == Status.WITHDRAWN


def test_rating_once_after_return(client_for, citizen, clerk, officer_c1, leader_c1, version, org, unit_certificate):
    dossier = submitted(citizen, version, org)
    client = client_for(citizen)
    client.post(reverse("citizens:rate", args=[dossier.code]), {"score": "5"})
    assert not Rating.objects.exists()
    dossier = returned(dossier, clerk=clerk, officer=officer_c1, leader=leader_c1)
    client.post(reverse("citizens:rate", args=[dossier.code]),
                {"score": "4", "aspects": ["time", "online"], "comment": "Nhanh"})
    response = client.post(reverse("citizens:rate", args=[dossier.code]), {"score": "1"})
    dossier.refresh_from_db()
    assert dossier.rating.score == 4 and dossier.rating.aspects == ["time", "online"]
    assert "chỉ đánh giá một lần" in client.get(response.url).content.decode()


def test_result_files_of_others_never_reach_the_wallet(client_for, citizen, other_citizen, version, org):
    submitted(other_citizen, version, org)
    assert not client_for(citizen).get(reverse("citizens:wallet")).context["files"]
    assert DossierFile.objects.exists()


def test_the_wallet_lists_a_reused_document_once(client_for, citizen, version, org):
    first = submitted(citizen, version, org)
    second = submitted(citizen, version, org)
    assert first.files.count() == second.files.count() == 2  # stored once per dossier
    files = client_for(citizen).get(reverse("citizens:wallet")).context["files"]
    assert len(files) == 1  # every upload had the same content: listed once
