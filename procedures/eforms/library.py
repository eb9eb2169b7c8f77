"""The declarations shipped with the portal (procedures/eforms/forms/*.json), each citing the
document that prescribes its official template."""

import json
from pathlib import Path

FORMS_DIR = Path(__file__).parent / "forms"

SHIPPED = {
    "khai-sinh": "Tờ khai đăng ký khai sinh",
    "ket-hon": "Tờ khai đăng ký kết hôn",
    "ly-lich-tu-phap": "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp (Mẫu số 03/2024/TT-LLTP)",
    "ho-kinh-doanh": "Giấy đề nghị đăng ký hộ kinh doanh",
}


def load(name):
    if name not in SHIPPED:
        raise KeyError(name)
    return json.loads((FORMS_DIR / f"{name}.json").read_text(encoding="utf-8"))


def available():
    return [(name, title) for name, title in SHIPPED.items() if (FORMS_DIR / f"{name}.json").exists()]
