"""Forms that print like the official ones (Circular 01/2018/TT-VPCP): Form 01 on one A5 page,
the header lines, and the form versions chosen by the date the form was issued."""

import datetime
import io
import os
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from dossiers import form_versions
from dossiers.form_versions import FormVersion, form_version
from dossiers.models import Delivery
from tests.dossiers.factories import published_version
from workflow.reception.services import dossier_receive

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# The eight papers of a marriage registration with a foreign element: long names that wrap.
EIGHT_COMPONENTS = (
    "Tờ khai đăng ký kết hôn theo mẫu (mỗi bên một bản)",
    "Giấy xác nhận tình trạng hôn nhân do cơ quan có thẩm quyền của nước ngoài cấp",
    "Giấy xác nhận của tổ chức y tế có thẩm quyền xác nhận người đó không mắc bệnh tâm thần",
    "Bản sao hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu của người nước ngoài",
    "Căn cước công dân của bên là công dân Việt Nam",
    "Trích lục ghi chú ly hôn (nếu đã ly hôn ở nước ngoài)",
    "Văn bản ủy quyền có chứng thực (nếu nộp thay)",
    "Ảnh chân dung 4x6 cm",
)


def pdftotext(pdf):
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True)
                    .stdout.decode().split())


def pdftotext_lines(pdf):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode().splitlines()


def pages(pdf):
    return len(PdfReader(io.BytesIO(pdf)).pages)


def keep_png(pdf, name):
    """FORMS_PNG_DIR=/tmp/x keeps a PNG of each page to look at (pdftoppm -r 80)."""
    target = os.environ.get("FORMS_PNG_DIR")
    if target:
        path = os.path.join(target, name + ".pdf")
        with open(path, "wb") as out:
            out.write(pdf)
        subprocess.run(["pdftoppm", "-r", "80", "-png", path, os.path.join(target, name)], check=True)


def receive(org, clerk, *, components, received_at, code="1.000894", name="Đăng ký kết hôn có yếu tố nước ngoài"):
    version = published_version(code=code, name=name, processing_time=Decimal("15"), components=components)
    return dossier_receive(
        clerk=clerk, unit=org.c1, version=version,
        applicant={"applicant_name": "Trần Thị Bích Ngọc", "applicant_personal_id": "019190001234",
                   "applicant_phone": "0987654321", "applicant_email": "ngoc.tran@example.vn",
                   "applicant_address": "Số 12, ngõ 34, đường Nguyễn Văn Cừ, tổ 5, thôn Đông, xã Mỹ Hà"},
        components=[{"requirement": c, "name": c.name, "originals": 1, "photocopies": 1}
                    for c in version.components.all()],
        files=[(i, SimpleUploadedFile(f"giay-{i}.pdf", PDF)) for i in range(len(components))],
        delivery=Delivery.COUNTER, received_at=received_at,
    )


DEC_5 = datetime.datetime(2026, 12, 5, 2, 30, tzinfo=datetime.UTC)  # 09:30 in Hà Nội


@pytest.mark.parametrize("count", [6, 8])
def test_form_01_with_the_usual_components_fits_one_a5_page(client_for, clerk, org, count):
    dossier = receive(org, clerk, components=EIGHT_COMPONENTS[:count], received_at=DEC_5)
    pdf = client_for(clerk).get(reverse("workflow:receipt", args=[dossier.code])).content
    keep_png(pdf, f"form01-{count}")
    assert pages(pdf) == 1
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width) * 25.4 / 72), round(float(page.mediabox.height) * 25.4 / 72)) == (148, 210)
    text = pdftotext(pdf)
    for component in EIGHT_COMPONENTS[:count]:
        assert component in text


def test_form_01_header_motto_number_place_date_and_copies(client_for, clerk, org):
    dossier = receive(org, clerk, components=EIGHT_COMPONENTS[:6], received_at=DEC_5)
    pdf = client_for(clerk).get(reverse("workflow:receipt", args=[dossier.code])).content
    lines = [" ".join(line.split()) for line in pdftotext_lines(pdf)]
    # Each motto line is whole on one printed line.
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in lines)
    assert any("Độc lập - Tự do - Hạnh phúc" in line for line in lines)
    entry = dossier.code.rsplit("-", 1)[-1]
    assert any(f"Số: {entry}/2026" in line for line in lines)
    assert any("Mỹ Hà, ngày 05 tháng 12 năm 2026" in line for line in lines)
    text = pdftotext(pdf)
    assert "(Liên:" in text
    assert "được lập thành 02 liên; 01 liên giao cho tổ chức, cá nhân nộp hồ sơ" in text
    assert "(Mẫu số 01, Thông tư số 03/2025/TT-VPCP)" in text


# --- versions by effective date --------------------------------------------------------------


@pytest.fixture
def new_circular():
    """A later circular's Form 01, in force from 1 January 2027 (defined by the test)."""
    version = form_versions.register(FormVersion("01", datetime.date(2027, 1, 1), "pdf/receipt.html",
                                                 "Mẫu số 01, Thông tư số 99/2026/TT-VPCP"))
    yield version
    form_versions.unregister(version)


def test_version_in_force_is_chosen_by_the_issue_date(new_circular):
    assert form_version("01", datetime.date(2026, 12, 31)).basis.endswith("03/2025/TT-VPCP")
    assert form_version("01", datetime.date(2027, 1, 1)) == new_circular
    # 31/12/2026 17:30 UTC is already 1 January 2027 in Hà Nội.
    assert form_version("01", datetime.datetime(2026, 12, 31, 17, 30, tzinfo=datetime.UTC)) == new_circular
    # Before the first version: the first one (a dossier imported from 2018 still prints).
    assert form_version("01", datetime.date(2015, 1, 1)).effective_from == datetime.date(2019, 1, 8)


def test_every_form_has_a_version_and_its_template_exists():
    from django.template.loader import get_template

    # Circular 03/2025 inserts its own Mẫu số 05 (stop processing): our 05 and 06 are its 06 and 07.
    numbers = {"01": "01", "02": "02", "03": "03", "04": "04", "05": "06", "06": "07"}
    for form, number in numbers.items():
        for day, circular in ((datetime.date(2025, 9, 14), "01/2018"), (datetime.date(2026, 12, 5), "03/2025")):
            version = form_version(form, day)
            expected = form if circular == "01/2018" else number
            assert version.form == form and version.basis == f"Mẫu số {expected}, Thông tư số {circular}/TT-VPCP"
            get_template(version.template)


def test_a_dossier_received_before_a_new_version_prints_with_the_old_one(client_for, clerk, org, new_circular):
    old = receive(org, clerk, components=EIGHT_COMPONENTS[:2], received_at=DEC_5)
    new = receive(org, clerk, components=EIGHT_COMPONENTS[:2], received_at=datetime.datetime(2027, 1, 4, 2, 0,
                                                                                              tzinfo=datetime.UTC))
    client = client_for(clerk)
    old_text = pdftotext(client.get(reverse("workflow:receipt", args=[old.code])).content)
    new_text = pdftotext(client.get(reverse("workflow:receipt", args=[new.code])).content)
    # Reprinted after the new circular took effect, the old dossier keeps its 2018 form.
    assert "Thông tư số 03/2025/TT-VPCP" in old_text and "99/2026" not in old_text
    assert "Thông tư số 99/2026/TT-VPCP" in new_text and "03/2025" not in new_text
