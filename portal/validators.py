import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

# Số định danh cá nhân (the CCCD number): exactly 12 digits. The state publishes no checksum,
# so nothing beyond the shape is checked (Decree 137/2015, Circular 59/2021/TT-BCA).
PERSONAL_ID_RE = re.compile(r"^\d{12}$")


def validate_personal_id(value):
    if not PERSONAL_ID_RE.match(value or ""):
        raise ValidationError(
            _("Số định danh cá nhân phải gồm đúng 12 chữ số (ví dụ 001090012345)."),
            code="invalid_personal_id",
        )


def normalise_phone(value):
    """Return a Vietnamese phone number as local digits: '+84 912 345 678' -> '0912345678'."""
    digits = re.sub(r"[\s.\-()]", "", value or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value):
    if not re.match(r"^0\d{9,10}$", normalise_phone(value)):
        raise ValidationError(
            _("Số điện thoại không hợp lệ: nhập 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678)."),
            code="invalid_phone",
        )


# Mã định danh điện tử of an agency (Decision 20/2020/QĐ-TTg), e.g. H15.50.05.13 or G12.
validate_unit_code = RegexValidator(
    r"^[A-Z][A-Z0-9]*(\.[A-Z0-9]+)*$",
    _("Mã định danh gồm chữ in hoa và chữ số, phân cách bằng dấu chấm (ví dụ H15.50.05.13)."),
    code="invalid_unit_code",
)
