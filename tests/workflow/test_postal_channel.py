"""Issue 20 item 4: dossiers that arrive by post (bưu chính công ích) are registered at the
counter as channel 3 with the parcel's tracking number, counted as such in the statistics and
the national vocabulary, and results go back by post with a slip the postman carries."""

import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from dossiers.models import Channel, Delivery, Status
from portal.models import ReadAccess
from tests.dossiers.factories import DossierFactory
from tests.workflow.test_processing import commune_version
from tests.workflow.test_reception_service import checklist, scans, version  # noqa: F401
from workflow.supervision import direct_counts, periods

pytestmark = pytest.mark.django_db


def test_a_dossier_arriving_by_post_is_received_as_channel_3_with_its_tracking_number(org, clerk, version):  # noqa: F811
    from workflow.reception import services

    dossier = services.dossier_receive(clerk=clerk, unit=org.c1, version=version, delivery=Delivery.POST,
                                       applicant={"applicant_name": "Đỗ Văn Hùng", "applicant_phone": "0912000222",
                                                  "applicant_personal_id": "019190004322"},
                                       components=checklist(version), files=scans(version),
                                       channel=Channel.POSTAL, intake_tracking_number=" RR123456789VN ")
    assert (dossier.channel, dossier.intake_tracking_number, dossier.status) == (3, "RR123456789VN", "received")
    assert "bưu chính công ích" in dossier.events.get().note and "RR123456789VN" in dossier.events.get().note
    now = timezone.localtime()
    period = periods.month_period(now.year, now.month)
    counts = direct_counts.supervised([org.c1.pk]).aggregate(
        postal=direct_counts.Count("pk", filter=direct_counts.received_by_channel(period, Channel.POSTAL)))
    assert counts["postal"] == 1


def test_post_without_a_tracking_number_and_other_channels_are_refused(org, clerk, version):  # noqa: F811
    from workflow.reception import services

    common = {"clerk": clerk, "unit": org.c1, "version": version, "delivery": Delivery.POST,
              "applicant": {"applicant_name": "Đỗ Văn Hùng", "applicant_phone": "0912000222",
                            "applicant_personal_id": "019190004322"}}
    with pytest.raises(ValidationError, match="số hiệu bưu gửi"):
        services.dossier_receive(**common, components=checklist(version), files=scans(version),
                                 channel=Channel.POSTAL, intake_tracking_number="  ")
    with pytest.raises(ValidationError, match="Kênh nộp không hợp lệ"):
        services.dossier_receive(**common, components=checklist(version), files=scans(version),
                                 channel=Channel.ONLINE)


def test_the_counter_form_registers_postal_intake_and_keeps_everything_on_a_missing_number(client_for, clerk, org,
                                                                                        version):  # noqa: F811
    client = client_for(clerk)
    url = reverse("workflow:receive", args=[version.procedure.national_code])
    token = client.get(url).context["action_form"].initial["form_token"]
    data = {"form_token": token, "action": "receive", "applicant_personal_id": "019190004322",
            "applicant_name": "Đỗ Văn Hùng", "applicant_phone": "0912000222", "delivery": "post", "sets_count": 1,
            "channel": "3", "intake_tracking_number": ""}
    for requirement in version.components.all():
        data.update({f"c{requirement.pk}-received": "on", f"c{requirement.pk}-originals": 1,
                     f"c{requirement.pk}-certified_copies": 0, f"c{requirement.pk}-photocopies": 0})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Hồ sơ gửi qua bưu chính: ghi số hiệu bưu gửi." in response.content.decode()
    assert response.context["applicant_form"]["applicant_name"].value() == "Đỗ Văn Hùng"


def test_the_postmans_slip_names_sender_addressee_contents_and_tracking_number(client_for, clerk, org, tmp_path):
    dossier = DossierFactory(procedure_version=commune_version(), receiving_unit=org.c1, status=Status.RETURNED,
                             delivery=Delivery.POST, applicant_name="Đỗ Văn Hùng",
                             applicant_address="Thôn Bắc, xã Mỹ Hà", post_tracking_number="RR987654321VN",
                             returned_at=timezone.now())
    page = client_for(clerk).get(reverse("workflow:dossier", args=[dossier.code])).content.decode()
    assert reverse("workflow:postal_slip", args=[dossier.code]) in page
    response = client_for(clerk).get(reverse("workflow:postal_slip", args=[dossier.code]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    path = tmp_path / "phieu-chuyen-phat.pdf"
    path.write_bytes(response.content)
    text = PdfReader(str(path)).pages[0].extract_text()
    for expected in ("PHIẾU CHUYỂN PHÁT KẾT QUẢ QUA BƯU CHÍNH", "RR987654321VN", "Đỗ Văn Hùng", "Thôn Bắc, xã Mỹ Hà",
                     "NHÂN VIÊN BƯU CHÍNH", "NGƯỜI NHẬN KẾT QUẢ", org.c1.name, dossier.code):
        assert expected in text, expected
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(tmp_path / "slip")], check=True)
    assert ReadAccess.objects.filter(action=ReadAccess.Action.SLIP, dossier_pk=dossier.pk).exists()


def test_the_postmans_slip_is_refused_elsewhere(client_for, clerk, other_clerk, officer_c1, org):
    by_post = DossierFactory(procedure_version=commune_version(), receiving_unit=org.c1, status=Status.RESULT_READY,
                             delivery=Delivery.POST)
    at_counter = DossierFactory(procedure_version=commune_version(), receiving_unit=org.c1,
                                status=Status.RESULT_READY, delivery=Delivery.COUNTER)
    url = reverse("workflow:postal_slip", args=[by_post.code])
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(officer_c1).get(url).status_code == 404
    assert client_for(clerk).get(reverse("workflow:postal_slip", args=[at_counter.code])).status_code == 404
    assert client_for(clerk).get(url).status_code == 200
