"""The catalogue file format (docs/catalogue-import-format.md): its columns, and the records
the import passes from reading to validation to writing."""

from dataclasses import dataclass, field
from decimal import Decimal

# Columns, in export order. Lists inside a cell: one item per line, parts separated by "|".
COLUMNS = [
    "ma_thu_tuc", "ten_thu_tuc", "ma_linh_vuc", "ten_linh_vuc", "cap_thuc_hien", "noi_tiep_nhan",
    "co_quan_thuc_hien", "muc_do", "don_vi_thoi_gian", "thoi_han", "ghi_chu_thoi_han", "hieu_luc_tu",
    "quyet_dinh_cong_bo", "doi_tuong", "ket_qua", "yeu_cau", "tinh_thoi_gian_bo_sung", "nop_phi",
    "giai_quyet_ngay", "can_cu_phap_ly", "thanh_phan", "quy_trinh", "phi_le_phi", "cach_thuc",
]
REQUIRED = ["ma_thu_tuc", "ten_thu_tuc", "ma_linh_vuc", "cap_thuc_hien", "noi_tiep_nhan", "muc_do",
            "don_vi_thoi_gian", "thoi_han", "hieu_luc_tu", "can_cu_phap_ly", "thanh_phan", "quy_trinh"]
PROGRESS_EVERY = 50


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self):
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedRow:
    row: int
    code: str
    procedure: dict = field(default_factory=dict)
    version: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)
    components: list = field(default_factory=list)
    fees: list = field(default_factory=list)
    methods: list = field(default_factory=list)
    pending_documents: list = field(default_factory=list)
    comparable: dict = field(default_factory=dict)
    changes: list = field(default_factory=list)
    action: str = ""


class FileError(Exception):
    """The file as a whole cannot be read."""


def _plain(value):
    return f"{Decimal(value).normalize():f}".replace(".", ",")
