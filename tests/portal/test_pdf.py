import io
import subprocess

from pypdf import PdfReader

from portal.pdf import pdf_response, qr_data_uri, render_pdf

NAME = ("Nguyễn Thị Hoa — Ủy ban nhân dân phường Phan Đình Phùng — Đăng ký khai sinh — "
        "bà Đặng Thị Ỷ Lan, huyện Mỹ Lộc, tỉnh Hưng Yên")


def pdftotext(pdf):
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True)
    return result.stdout.decode()


def test_pdf_has_exact_vietnamese_text_and_is_a5():
    pdf = render_pdf(
        "pdf/_test_slip.html",
        {
            "title": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            "name": NAME,
            "qr": qr_data_uri("https://motcua.example.gov.vn/d/H56.20.01-261122-0001/"),
        },
    )
    assert pdf.startswith(b"%PDF")
    text = " ".join(pdftotext(pdf).split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert NAME in text
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    width_mm, height_mm = float(page.mediabox.width) * 25.4 / 72, float(page.mediabox.height) * 25.4 / 72
    assert (round(width_mm), round(height_mm)) == (148, 210)
    embedded = {font.get("/BaseFont", "") for font in _fonts(PdfReader(io.BytesIO(pdf)))}
    assert any("Be-Vietnam-Pro" in name for name in embedded), embedded


def _fonts(reader):
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            yield font.get_object()


def test_qr_code_is_a_png_data_uri():
    uri = qr_data_uri("H56.20.01-261122-0001")
    assert uri.startswith("data:image/png;base64,")


def test_pdf_response_sets_a_safe_filename():
    response = pdf_response(b"%PDF-1.7", filename="Giấy tiếp nhận H56.20.01-261122-0001.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="giay-tiep-nhan-h562001-261122-0001.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_an_unchanged_slip_is_reprinted_from_the_cache_and_a_changed_one_is_not(monkeypatch):
    from portal import pdf as pdf_module

    made = []
    real = pdf_module.html_to_pdf

    def counting(html, **kwargs):
        made.append(html)
        return real(html, **kwargs)

    monkeypatch.setattr(pdf_module, "html_to_pdf", counting)
    context = {"title": "Giấy tiếp nhận hồ sơ", "name": NAME, "qr": qr_data_uri("https://example.vn/d/A/")}
    first = render_pdf("pdf/_test_slip.html", context)
    assert render_pdf("pdf/_test_slip.html", context) == first
    assert len(made) == 1  # the reprint came from the cache
    changed = render_pdf("pdf/_test_slip.html", {**context, "name": "Trần Văn Bình"})
    assert len(made) == 2 and "Trần Văn Bình" in " ".join(pdftotext(changed).split())
