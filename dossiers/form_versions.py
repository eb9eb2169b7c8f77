"""Which template prints each official form on a given day.

The forms of Circular 01/2018/TT-VPCP (Mẫu số 01–06) were replaced by those of Circular
03/2025/TT-VPCP (Mẫu số 01–07, renumbered); the keys below stay the portal's own "01".."06".
A dossier keeps the papers it was given: a form is printed with the version in force on the day
it was issued (Form 01 and 05: the dossier's receipt; Form 02/03: the slip's date; Form 04: the
approval; Form 06: the first day of the period), however late it is reprinted.

A new circular adds a FormVersion to REGISTRY with its effective date and its template (its own
under templates/pdf/<year>/ when the text changes); the older entries stay, so the dossiers
issued before still print as they were. docs/forms.md says which text each version follows.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class FormVersion:
    form: str  # "01" … "06"
    effective_from: datetime.date
    template: str
    # Printed under the title, as the circular's annex heads the form: "Mẫu số 01, ...".
    basis: str


CIRCULAR_2018 = "Thông tư số 01/2018/TT-VPCP"
# Circular 01/2018/TT-VPCP (23/11/2018) took effect on 08/01/2019. Circular 01/2023/TT-VPCP
# (in force 20/05/2023) amended it; the forms' content below follows the 2018 annex with
# the 2023 amendments as described in docs/forms.md. One entry per form until a text
# replaces a form.
IN_FORCE_2019 = datetime.date(2019, 1, 8)

CIRCULAR_2025 = "Thông tư số 03/2025/TT-VPCP"
# Circular 03/2025/TT-VPCP (15/9/2025), guiding Decree 118/2025/NĐ-CP (which replaced Decrees
# 61/2018 and 107/2021), sets the forms in its Annex I from 15/9/2025. It renumbers them:
# its Mẫu số 05 "Thông báo dừng giải quyết hồ sơ" is new (the portal has no such action and
# does not print it), so our "05" is its Mẫu số 06 and our "06" its Mẫu số 07. The layout is
# carried over from the 2018 annex (docs/forms.md says what could not be checked); Form 04's
# new title and the process slip's mention of it are in templates/pdf/2025/.
IN_FORCE_2025 = datetime.date(2025, 9, 15)

REGISTRY = {
    "01": [FormVersion("01", IN_FORCE_2019, "pdf/receipt.html", f"Mẫu số 01, {CIRCULAR_2018}"),
           FormVersion("01", IN_FORCE_2025, "pdf/receipt.html", f"Mẫu số 01, {CIRCULAR_2025}")],
    "02": [FormVersion("02", IN_FORCE_2019, "pdf/completion.html", f"Mẫu số 02, {CIRCULAR_2018}"),
           FormVersion("02", IN_FORCE_2025, "pdf/completion.html", f"Mẫu số 02, {CIRCULAR_2025}")],
    "03": [FormVersion("03", IN_FORCE_2019, "pdf/refusal.html", f"Mẫu số 03, {CIRCULAR_2018}"),
           FormVersion("03", IN_FORCE_2025, "pdf/refusal.html", f"Mẫu số 03, {CIRCULAR_2025}")],
    "04": [FormVersion("04", IN_FORCE_2019, "pdf/apology.html", f"Mẫu số 04, {CIRCULAR_2018}"),
           FormVersion("04", IN_FORCE_2025, "pdf/2025/apology.html", f"Mẫu số 04, {CIRCULAR_2025}")],
    "05": [FormVersion("05", IN_FORCE_2019, "pdf/process_slip.html", f"Mẫu số 05, {CIRCULAR_2018}"),
           FormVersion("05", IN_FORCE_2025, "pdf/2025/process_slip.html", f"Mẫu số 06, {CIRCULAR_2025}")],
    "06": [FormVersion("06", IN_FORCE_2019, "pdf/tracking_book.html", f"Mẫu số 06, {CIRCULAR_2018}"),
           FormVersion("06", IN_FORCE_2025, "pdf/tracking_book.html", f"Mẫu số 07, {CIRCULAR_2025}")],
}


def _as_date(moment):
    if moment is None:
        return timezone.localdate()
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment


def form_version(form, issued_on=None):
    """The FormVersion of `form` in force on `issued_on` (a date, or an aware datetime taken
    in Vietnamese time; None is today). Before the first version: the first one (a dossier
    imported from before 2019 still prints)."""
    versions = sorted(REGISTRY[form], key=lambda v: v.effective_from)
    day = _as_date(issued_on)
    chosen = versions[0]
    for version in versions:
        if version.effective_from <= day:
            chosen = version
    return chosen


def register(version):
    """Add a version (a new circular's form). Returns it; `unregister` removes it again."""
    REGISTRY.setdefault(version.form, []).append(version)
    return version


def unregister(version):
    REGISTRY[version.form].remove(version)
