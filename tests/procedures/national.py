"""Generated catalogues of the national procedure database's shape: several receiving units,
several legal bases, long texts, and lists in whatever order the source gave them.

`catalogue(n, ...)` gives JSON-shaped items (lists); `shuffled(items)` the same procedures with
every unordered list in another order; `as_cells(items)` the CSV/XLSX form of the same items.
"""

import copy
import random

from procedures.importing.schema import COLUMNS

LONG = ("Công dân Việt Nam cư trú trong nước; người nước ngoài thường trú tại Việt Nam; "
        "trường hợp ủy quyền thì người được ủy quyền phải có văn bản ủy quyền được chứng thực. ")


def catalogue(n, *, units, documents, field_code="ho-tich", level="commune", start=500000, seed=1):
    rng = random.Random(seed)
    items = []
    for i in range(n):
        receiving = rng.sample(units, k=min(len(units), 1 + i % 3))
        docs = rng.sample(documents, k=min(len(documents), 1 + i % 3))
        items.append({
            "ma_thu_tuc": f"1.{start + i:06d}",
            "ten_thu_tuc": f"Thủ tục quốc gia số {i}: cấp, đổi, cấp lại giấy chứng nhận",
            "ma_linh_vuc": field_code,
            "ten_linh_vuc": "Hộ tịch",
            "cap_thuc_hien": level,
            "noi_tiep_nhan": receiving,
            "co_quan_thuc_hien": receiving[:1],
            "muc_do": 3 + i % 2,
            "don_vi_thoi_gian": "working_days",
            "thoi_han": "5",
            "ghi_chu_thoi_han": "Trường hợp cần xác minh: không quá 10 ngày làm việc",
            "hieu_luc_tu": "2025-07-01",
            "quyet_dinh_cong_bo": f"{100 + i % 7}/QĐ-UBND",
            "doi_tuong": LONG * (1 + i % 20),
            "ket_qua": "Giấy chứng nhận",
            "yeu_cau": LONG * (i % 4),
            "tinh_thoi_gian_bo_sung": "pause",
            "nop_phi": "before",
            "giai_quyet_ngay": 0,
            "can_cu_phap_ly": docs,
            "thanh_phan": [
                {"ten": f"Tờ khai số {k} (mẫu kèm theo)", "ban_chinh": 1, "ban_sao": k % 2, "ban_photo": 0,
                 "bat_buoc": 1 if k else 0, **({"xuat_trinh": 1} if (i + k) % 5 == 0 else {})}
                for k in range(1 + i % 4)
            ],
            "quy_trinh": [
                {"noi_xu_ly": "counter", "cong_viec": "Tiếp nhận hồ sơ", "thoi_gian": "0,5"},
                {"noi_xu_ly": f"level:{level}", "cong_viec": "Thẩm định, trình ký", "thoi_gian": "4"},
                {"noi_xu_ly": "counter", "cong_viec": "Trả kết quả", "thoi_gian": "0,5"},
            ],
            "phi_le_phi": [{"ten": f"Lệ phí {k}", "so_tien": 10000 * (k + 1), "mien_giam": ""}
                           for k in range(i % 3)],
            # The national database lists online first; the export sorts by channel.
            "cach_thuc": [
                {"kenh": "online", "thoi_han": "5", "phi": 0, "ghi_chu": "Miễn phí khi nộp trực tuyến"},
                {"kenh": "postal", "thoi_han": "5", "phi": 0, "ghi_chu": ""},
                {"kenh": "counter", "thoi_han": "5", "phi": 10000, "ghi_chu": ""},
            ],
        })
    return items


def shuffled(items, *, seed=2):
    """The same procedures, every list whose order carries no meaning in another order."""
    rng = random.Random(seed)
    result = copy.deepcopy(items)
    for item in result:
        for key in ("noi_tiep_nhan", "co_quan_thuc_hien", "can_cu_phap_ly", "thanh_phan", "phi_le_phi",
                    "cach_thuc"):
            values = item[key]
            if len(values) > 1:
                original = list(values)
                while values == original:
                    rng.shuffle(values)
    return result


def as_cells(items):
    """CSV/XLSX cells: codes `;`-separated, list items one per line as `a | b | c`."""
    flat = []
    for item in items:
        cells = dict(item)
        for key in ("noi_tiep_nhan", "co_quan_thuc_hien", "can_cu_phap_ly"):
            cells[key] = "; ".join(item[key])
        for key in ("thanh_phan", "quy_trinh", "phi_le_phi", "cach_thuc"):
            cells[key] = "\n".join(" | ".join(str(v) for v in part.values()) for part in item[key])
        flat.append({c: cells.get(c, "") for c in COLUMNS})
    return flat


# As the national database publishes them (issue #21, item 5).
TIME_NOTE = "5 ngày làm việc; trường hợp phức tạp không quá 20 ngày"
HUGE = LONG * 260  # ≈ 40,000 characters: more than one XLSX cell holds


def as_published(items):
    """The same procedures with the national database's wording: level names ("Cấp Xã, Cấp
    Huyện"), processing time as a sentence, fees in foreign currency or as text, amounts
    written with "đồng", a very long text and long names."""
    result = copy.deepcopy(items)
    for i, item in enumerate(result):
        item["cap_thuc_hien"] = "Cấp Xã, Cấp Huyện" if i % 2 == 0 else "Cấp Xã"
        if i % 3 == 0:
            item["thoi_han"] = TIME_NOTE
            item["ghi_chu_thoi_han"] = ""
        item["phi_le_phi"] = [
            {"ten": "Lệ phí cấp giấy", "so_tien": "8.000 đồng", "mien_giam": ""},
            {"ten": "Phí thẩm định hồ sơ của người nước ngoài", "so_tien": "25 USD", "mien_giam": ""},
            {"ten": "Phí cấp bản sao", "so_tien": "3.000 đồng/bản", "mien_giam": ""},
        ]
        item["cach_thuc"][2]["phi"] = "Theo quy định"
        item["ten_thu_tuc"] = f"{item['ten_thu_tuc']} " + "đối với trường hợp đặc biệt " * 20
        if i == 1:
            item["doi_tuong"] = HUGE
            item["thanh_phan"][0]["ten"] = "Bản sao giấy tờ chứng minh " * 30
    return result


LIST_HEADER = ["STT", "Mã thủ tục", "Tên thủ tục", "Cấp thực hiện", "Lĩnh vực", "Cơ quan thực hiện",
               "Số quyết định"]


def national_list(n, *, start=700000, agency="UBND cấp xã"):
    """A list as the national database exports it per authority: title lines, the header, then
    procedures grouped under a line naming their field (the field column left empty)."""
    lines = [["DANH SÁCH THỦ TỤC HÀNH CHÍNH THUỘC THẨM QUYỀN GIẢI QUYẾT CỦA UBND CẤP XÃ"], [], LIST_HEADER]
    groups = ["Hộ tịch", "Chứng thực"]
    for g, group in enumerate(groups):
        lines.append([f"{'I' * (g + 1)}. Lĩnh vực {group}"])
        for i in range(g, n, len(groups)):
            lines.append([i + 1, f"1.{start + i:06d}", f"Thủ tục danh sách quốc gia số {i}",
                          "Cấp Xã, Cấp Huyện" if i % 2 else "Cấp Xã", "", agency, f"{1000 + i}/QĐ-BTP"])
    return lines


def list_to_xlsx(lines):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for line in lines:
        # Excel stores 1.700001 as a number: the importer restores the six digits.
        sheet.append([float(v) if isinstance(v, str) and v.startswith("1.") and i == 1 else v
                      for i, v in enumerate(line)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_to_csv(lines):
    import csv
    import io

    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue().encode("utf-8")


def with_new_documents(items, count, *, described=True):
    """The same procedures resting on `count` legal documents the portal does not have (two
    each, so all are used): described in the file (number, title, issuer, dates) so the import
    creates them, or — `described=False` — given by number only, as missing documents."""
    numbers = [f"{k + 1}/2026/NĐ-CP" for k in range(count)]
    result = copy.deepcopy(items)
    for i, item in enumerate(result):
        used = sorted({numbers[i % count], numbers[(i * 7 + 1) % count]})
        item["can_cu_phap_ly"] = [
            {"so_ky_hieu": n, "trich_yeu": f"Nghị định số {n} quy định chi tiết thủ tục",
             "co_quan_ban_hanh": "Chính phủ", "ngay_ban_hanh": "2026-01-15", "hieu_luc_tu": "2026-03-01"}
            if described else n
            for n in used
        ]
    return result, numbers


def to_file(items, fmt):
    """A catalogue file of `items` in `fmt`, legal bases described one per line (number | title | …)."""
    from procedures.importing.documents import reference_to_line
    from tests.procedures import importdata

    if fmt == "json":
        return importdata.to_json(items)
    cells = as_cells([{**item, "can_cu_phap_ly": []} for item in items])
    for cell, item in zip(cells, items, strict=True):
        cell["can_cu_phap_ly"] = "\n".join(reference_to_line(ref) if isinstance(ref, dict) else ref
                                           for ref in item["can_cu_phap_ly"])
    return getattr(importdata, f"to_{fmt}")(cells)
