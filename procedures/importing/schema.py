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
    # A line of a national list (importing/national.py): creates a draft, compares nothing.
    draft: bool = False


class FileError(Exception):
    """The file as a whole cannot be read."""


def _plain(value):
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def fee_cell(amount, text):
    """A fee as a cell says it: its published text when it has one, else the amount in đồng."""
    return text or amount


def limit_of(model, field_name):
    """(max_length, verbose name) of a model's text field, for the messages of the import."""
    field = model._meta.get_field(field_name)
    return field.max_length, str(field.verbose_name)


# XLSX holds at most 32,767 characters in a cell. The export writes the rest of a longer text
# into continuation columns `<column>__2`, `<column>__3`… which the import joins back.
XLSX_CELL_LIMIT = 32767
CONTINUATION = "__"


def split_long_cells(rows, columns):
    """(header, rows as lists) with every cell longer than the XLSX limit continued in extra
    columns at the end of the sheet."""
    extra = {}
    for row in rows:
        for column in columns:
            value = row[column]
            if isinstance(value, str) and len(value) > XLSX_CELL_LIMIT:
                parts = -(-len(value) // XLSX_CELL_LIMIT)
                extra[column] = max(extra.get(column, 1), parts)
    header = list(columns) + [f"{c}{CONTINUATION}{k}" for c in columns for k in range(2, extra.get(c, 1) + 1)]
    lines = []
    for row in rows:
        line = []
        continued = []
        for column in columns:
            value = row[column]
            if column in extra:
                text = value if isinstance(value, str) else str(value)
                chunks = [text[i:i + XLSX_CELL_LIMIT] for i in range(0, len(text), XLSX_CELL_LIMIT)] or [""]
                if not isinstance(value, str):
                    chunks = [value]
                line.append(chunks[0])
                continued += chunks[1:] + [""] * (extra[column] - len(chunks))
            else:
                line.append(value)
        lines.append(line + continued)
    return header, lines


def join_continuations(raw_rows):
    """Join `<column>__2`, `<column>__3`… back onto `<column>` in place; the notices say which
    rows and columns were joined, so the editor knows the file was read whole."""
    notices = {}
    for number, raw in raw_rows:
        continued = sorted(
            (k for k in raw if isinstance(k, str) and CONTINUATION in k and k.rsplit(CONTINUATION, 1)[1].isdigit()),
            key=lambda k: (k.rsplit(CONTINUATION, 1)[0], int(k.rsplit(CONTINUATION, 1)[1])),
        )
        for key in continued:
            column = key.rsplit(CONTINUATION, 1)[0]
            value = raw.pop(key)
            if value in (None, ""):
                continue
            raw[column] = f"{raw.get(column) or ''}{value}"
            notices.setdefault(column, []).append(number)
    return [{"column": column, "rows": sorted(set(rows))} for column, rows in sorted(notices.items())]
