"""Forms 02 and 03 issued for a dossier: the counter's check of an online dossier (completion,
refusal) and a supplement asked by the processing unit during processing. The applicant
downloads them from their dossier page; staff who may see the dossier from theirs; nobody else."""

import subprocess

import pytest
from django.urls import reverse

from dossiers.models import CounterSlip
from workflow.routing import services as wf

from .conftest import submitted


def pdftotext(pdf):
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())


def slip_url(slip):
    return reverse("workflow:dossier_slip", args=[slip.dossier.code, slip.pk])


@pytest.fixture
def supplement_slip(citizen, clerk, officer_c1, version, org):
    dossier = wf.online_accept(dossier=submitted(citizen, version, org), clerk=clerk)
    dossier = wf.dossier_forward(dossier=dossier, actor=clerk)
    name = version.components.first().name
    wf.supplement_request(dossier=dossier, actor=officer_c1, reason="Giấy chứng sinh chụp bị mờ",
                          missing_components=[name, "Bản sao giấy đăng ký kết hôn của cha mẹ"])
    return dossier.slips.get()


def test_a_supplement_during_processing_issues_form_02_the_citizen_downloads(client_for, citizen, supplement_slip,
                                                                              org):
    slip = supplement_slip
    assert slip.kind == CounterSlip.Kind.COMPLETION and slip.unit == org.c1
    assert slip.number.endswith("/PBS") and slip.applicant_name == slip.dossier.applicant_name
    # The quantities of a paper on the checklist are the checklist's; a free-text one has none.
    assert slip.missing_components[0]["originals"] == 1
    assert slip.missing_components[1] == {"name": "Bản sao giấy đăng ký kết hôn của cha mẹ", "originals": "",
                                          "certified_copies": "", "photocopies": ""}
    client = client_for(citizen)
    page = client.get(reverse("citizens:dossier", args=[slip.dossier.code])).content.decode()
    assert slip_url(slip) in page
    response = client.get(slip_url(slip))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdftotext(response.content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "(Mẫu số 02, Thông tư số 03/2025/TT-VPCP)" in text
    assert f"Số: {slip.number}" in text and slip.dossier.code in text
    assert "yêu cầu của" in text and "trong quá trình giải quyết hồ sơ" in text
    assert "Giấy chứng sinh chụp bị mờ" in text and "Bản sao giấy đăng ký kết hôn của cha mẹ" in text
    assert "Trần Văn Bình" in text  # the officer who asked is the person to call
    assert "Mỹ Hà, ngày" in text


def test_staff_who_see_the_dossier_get_form_02_and_others_get_404(client_for, clerk, officer_c1, other_clerk,
                                                                   officer, other_citizen, supplement_slip):
    url = slip_url(supplement_slip)
    assert client_for(clerk).get(url).status_code == 200
    assert client_for(officer_c1).get(url).status_code == 200
    # Another commune's clerk, a department officer with no step on it, another citizen: 404.
    for user in (other_clerk, officer, other_citizen):
        assert client_for(user).get(url).status_code == 404


def test_anonymous_is_sent_to_login_for_a_dossier_slip(client, supplement_slip):
    response = client.get(slip_url(supplement_slip))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_slip_cannot_be_reached_through_another_dossier(client_for, citizen, clerk, version, org, supplement_slip):
    mine = submitted(citizen, version, org)
    url = reverse("workflow:dossier_slip", args=[mine.code, supplement_slip.pk])
    assert client_for(citizen).get(url).status_code == 404
    assert client_for(clerk).get(url).status_code == 404


def test_an_online_refusal_issues_form_03_for_the_citizen(client_for, citizen, other_citizen, clerk, version, org):
    dossier = wf.online_refuse(dossier=submitted(citizen, version, org), clerk=clerk,
                               reason="Không thuộc thẩm quyền của xã")
    slip = dossier.slips.get()
    assert slip.kind == CounterSlip.Kind.REFUSAL and slip.number.endswith("/PTC")
    client = client_for(citizen)
    assert slip_url(slip) in client.get(reverse("citizens:dossier", args=[dossier.code])).content.decode()
    text = pdftotext(client.get(slip_url(slip)).content)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text and "(Mẫu số 03" in text
    assert "Không thuộc thẩm quyền của xã" in text and "hồ sơ nộp trực tuyến" in text
    # The counter sees it on its dossier page although the dossier was never received.
    page = client_for(clerk).get(reverse("workflow:dossier", args=[dossier.code])).content.decode()
    assert slip_url(slip) in page
    assert client_for(other_citizen).get(slip_url(slip)).status_code == 404


def test_an_online_completion_request_issues_form_02(client_for, citizen, clerk, version, org):
    dossier = wf.online_request_completion(dossier=submitted(citizen, version, org), clerk=clerk,
                                           reason="Thiếu trang 2", missing_components=["Tờ khai đăng ký khai sinh"])
    slip = dossier.slips.get()
    text = pdftotext(client_for(citizen).get(slip_url(slip)).content)
    assert "Thiếu trang 2" in text and "Tờ khai đăng ký khai sinh" in text
    assert "trong quá trình giải quyết" not in text


def test_a_refused_request_issues_no_slip(citizen, clerk, other_clerk, officer, version, org):
    """A refusal by the rules (wrong person, wrong state, no reason) leaves no Form 02/03 behind."""
    from django.core.exceptions import PermissionDenied, ValidationError

    dossier = submitted(citizen, version, org)
    with pytest.raises((PermissionDenied, ValidationError)):
        wf.online_refuse(dossier=dossier, clerk=other_clerk, reason="Không thuộc thẩm quyền")
    with pytest.raises(ValidationError):
        wf.online_refuse(dossier=dossier, clerk=clerk, reason="  ")
    dossier = wf.dossier_forward(dossier=wf.online_accept(dossier=dossier, clerk=clerk), actor=clerk)
    with pytest.raises((PermissionDenied, ValidationError)):
        wf.supplement_request(dossier=dossier, actor=officer, reason="Thiếu", missing_components=["Tờ khai"])
    assert not CounterSlip.objects.filter(dossier=dossier).exists()
