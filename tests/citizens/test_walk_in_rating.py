"""Issue 20 items 5 and 6: a walk-in applicant without an account rates the service on the
counter's kiosk screen or through the signed link on the return slip; the return slip carries
that link and a guide to doing the procedure online next time."""

import datetime
import subprocess

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from citizens import services
from citizens.models import Rating
from dossiers.models import Status
from portal.models import ReadAccess
from procedures.models import OnlineLevel, ProcedureVersion
from tests.dossiers.factories import DossierFactory
from tests.workflow.test_processing import commune_version
from workflow.supervision import indicators, periods

pytestmark = pytest.mark.django_db


@pytest.fixture
def returned(org):
    return DossierFactory(procedure_version=commune_version(), receiving_unit=org.c1, status=Status.RETURNED,
                          applicant_name="Lê Thị Thu Hằng", returned_at=timezone.now())


def kiosk_url(dossier):
    return reverse("citizens:rating_kiosk", args=[dossier.code])


def test_the_kiosk_takes_one_tap_and_rates_once(client_for, clerk, returned):
    client = client_for(clerk)
    page = client.get(kiosk_url(returned))
    assert page.status_code == 200 and "Lê Thị Thu Hằng" not in page.content.decode()  # nothing personal
    response = client.post(kiosk_url(returned), {"score": "4", "aspects": ["attitude"], "comment": "Chu đáo"})
    assert response.status_code == 200
    rating = Rating.objects.get(dossier=returned)
    assert (rating.score, rating.aspects, rating.source, rating.citizen) == (4, ["attitude"], "kiosk", None)
    again = client.post(kiosk_url(returned), {"score": "1"})
    assert Rating.objects.get(dossier=returned).score == 4
    assert BeautifulSoup(again.content, "html.parser").select_one("[data-testid=rated]") is not None


def test_the_kiosk_is_only_for_the_receiving_counters_clerks(client_for, client, other_clerk, officer_c1, returned):
    assert client_for(other_clerk).get(kiosk_url(returned)).status_code == 404
    assert client_for(other_clerk).post(kiosk_url(returned), {"score": "5"}).status_code == 404
    assert client_for(officer_c1).get(kiosk_url(returned)).status_code == 403
    client.logout()
    assert client.get(kiosk_url(returned)).status_code == 302
    assert not Rating.objects.exists()


def test_a_dossier_not_yet_returned_cannot_be_rated(client_for, clerk, org):
    open_dossier = DossierFactory(procedure_version=commune_version(), receiving_unit=org.c1,
                                  status=Status.RESULT_READY)
    response = client_for(clerk).post(kiosk_url(open_dossier), {"score": "5"})
    assert "chưa trả kết quả" in response.content.decode()
    assert not Rating.objects.exists()


def test_a_missing_face_says_so_and_keeps_the_comment(client_for, clerk, returned):
    response = client_for(clerk).post(kiosk_url(returned), {"comment": "Nhanh gọn"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Vui lòng chọn một mức độ hài lòng" in body and "Nhanh gọn" in body


def test_the_slip_link_rates_without_an_account(client, returned):
    url = reverse("citizens:rate_by_link", args=[services.rating_link_token(returned)])
    page = client.get(url)
    assert page.status_code == 200 and returned.code in page.content.decode()
    assert "Lê Thị Thu Hằng" not in page.content.decode()
    client.post(url, {"score": "5"})
    assert Rating.objects.get(dossier=returned).source == "slip"


def test_a_forged_or_old_slip_link_is_refused(client, returned, time_machine):
    token = services.rating_link_token(returned)
    forged = reverse("citizens:rate_by_link", args=[token[:-2] + ("AA" if not token.endswith("AA") else "BB")])
    assert client.post(forged, {"score": "1"}).status_code == 404
    time_machine.move_to(timezone.now() + datetime.timedelta(days=services.RATING_LINK_DAYS + 1))
    response = client.post(reverse("citizens:rate_by_link", args=[token]), {"score": "1"})
    assert response.status_code == 404 and "quá 60 ngày" in response.content.decode()
    assert not Rating.objects.exists()


def test_walk_in_ratings_count_in_the_statistics(org, returned):
    services.rating_walk_in(dossier=returned, source=Rating.Source.KIOSK, score=2)
    now = timezone.localtime()
    figures = indicators.ratings(unit_ids=[org.c1.pk], period=periods.month_period(now.year, now.month))
    assert figures["count"] == 1 and figures["average"] == 2


def test_the_return_slip_carries_the_rating_link_and_the_online_guide(client_for, clerk, returned, tmp_path):
    ProcedureVersion.objects.filter(pk=returned.procedure_version_id).update(online_level=OnlineLevel.LEVEL_4)
    response = client_for(clerk).get(reverse("citizens:return_slip", args=[returned.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "phieu-tra.pdf"
    path.write_bytes(response.content)
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert "PHIẾU TRẢ KẾT QUẢ" in text and returned.code in text and "Lê Thị Thu Hằng" in text
    assert "/rate/" in text and "/procedures/" + returned.procedure.national_code in text
    assert "tạo giúp ngay tại quầy" in text  # no account yet: the assisted account is offered
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(path), str(tmp_path / "slip")], check=True)
    assert ReadAccess.objects.filter(action=ReadAccess.Action.SLIP, dossier_pk=returned.pk, allowed=True).exists()


def test_the_return_slip_is_refused_to_other_counters_and_before_return(client_for, other_clerk, clerk, org,
                                                                        returned):
    assert client_for(other_clerk).get(reverse("citizens:return_slip", args=[returned.code])).status_code == 404
    open_dossier = DossierFactory(procedure_version=commune_version(), receiving_unit=org.c1,
                                  status=Status.RESULT_READY)
    response = client_for(clerk).get(reverse("citizens:return_slip", args=[open_dossier.code]))
    assert response.status_code == 302


def test_the_dossier_page_offers_both_to_the_counter_only(client_for, clerk, officer_c1, returned):
    body = client_for(clerk).get(reverse("workflow:dossier", args=[returned.code])).content.decode()
    assert reverse("citizens:rating_kiosk", args=[returned.code]) in body
    assert reverse("citizens:return_slip", args=[returned.code]) in body


def test_no_online_guide_for_a_procedure_only_done_at_the_counter(client_for, clerk, returned, tmp_path):
    response = client_for(clerk).get(reverse("citizens:return_slip", args=[returned.code]))
    path = tmp_path / "phieu-tra.pdf"
    path.write_bytes(response.content)
    text = " ".join(page.extract_text() for page in PdfReader(str(path)).pages)
    assert "/rate/" in text and "trực tuyến, không phải đến quầy" not in text
