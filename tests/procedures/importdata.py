"""Import files for tests, the browser test and the benchmark: N valid procedures in the
documented format (docs/catalogue-import-format.md)."""

import csv
import io
import json

from procedures.importing.schema import COLUMNS

NAMES = ["Đăng ký khai sinh", "Cấp giấy phép kinh doanh", "Chứng thực bản sao", "Đăng ký kết hôn",
         "Cấp phép xây dựng nhà ở", "Xác nhận tình trạng hôn nhân", "Hỗ trợ chi phí mai táng",
         "Chuyển trường học sinh", "Cấp đổi giấy chứng nhận quyền sử dụng đất", "Đăng ký hộ kinh doanh"]
PLACES = ["Thái Nguyên", "Đại Từ", "Phổ Yên", "Định Hóa", "Võ Nhai", "Đồng Hỷ", "Phú Lương", "Sông Công"]


def row(i, *, unit_code, document, field_code="ho-tich", level="commune", start=300000):
    name = f"{NAMES[i % len(NAMES)]} tại {PLACES[i % len(PLACES)]} số {i}"
    return {
        "ma_thu_tuc": f"1.{start + i:06d}",
        "ten_thu_tuc": name,
        "ma_linh_vuc": field_code,
        "ten_linh_vuc": "Hộ tịch",
        "cap_thuc_hien": level,
        "noi_tiep_nhan": unit_code,
        "co_quan_thuc_hien": unit_code,
        "muc_do": 3 + i % 2,
        "don_vi_thoi_gian": "working_days",
        "thoi_han": "3",
        "ghi_chu_thoi_han": "",
        "hieu_luc_tu": "2025-01-01",
        "quyet_dinh_cong_bo": "12/QĐ-UBND",
        "doi_tuong": "Công dân Việt Nam",
        "ket_qua": "Giấy chứng nhận",
        "yeu_cau": "",
        "tinh_thoi_gian_bo_sung": "pause",
        "nop_phi": "before",
        "giai_quyet_ngay": "0",
        "can_cu_phap_ly": document,
        "thanh_phan": "Tờ khai (theo mẫu) | 1 | 0 | 0 | 1\nBản sao giấy tờ tùy thân | 0 | 1 | 0 | 1",
        "quy_trinh": (
            "counter | Tiếp nhận hồ sơ | 0,5\nlevel:commune | Thẩm định, trình ký | 2\ncounter | Trả kết quả | 0,5"
        ),
        "phi_le_phi": "Lệ phí | 8000 | Miễn cho hộ nghèo",
        "cach_thuc": "counter | 3 | 8000 | \nonline | 3 | 0 | Miễn khi nộp trực tuyến",
    }


def rows(n, **kwargs):
    return [row(i, **kwargs) for i in range(n)]


def to_csv(items, delimiter=","):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(items)
    return buffer.getvalue().encode("utf-8")


def to_json(items):
    return json.dumps({"procedures": items}, ensure_ascii=False).encode("utf-8")


def to_xlsx(items):
    from openpyxl import Workbook

    from procedures.importing.schema import split_long_cells

    workbook = Workbook()
    sheet = workbook.active
    # A cell holds at most 32,767 characters: longer texts continue in `<column>__2`.
    header, lines = split_long_cells(items, COLUMNS)
    sheet.append(header)
    for line in lines:
        sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
