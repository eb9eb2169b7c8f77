"""The printed reports of the processing workflow (Circular 01/2018/TT-VPCP): the process-
control slip (Form 05), the apology with a new appointment (Form 04) and the tracking book
(Form 06, PDF and XLSX). Regenerated from the hand-off rows every time; official forms are
always printed in Vietnamese, whatever language the user's screen uses."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from dossiers.form_versions import form_version
from dossiers.models import Status, StatusGroup
from dossiers.slips import place_name
from portal.exports import neutralise, sheet_title
from portal.pdf import render_pdf
from procedures.models import TimeUnit
from workflow.models import Apology, Handoff
from workflow.policies import dossiers_visible_to

# --- Form 05: Phiếu kiểm soát quá trình giải quyết hồ sơ -----------------------------------


@dataclass
class SlipRow:
    """One line of Form 05: the hand-off INTO a step (Giao by the previous step, Nhận by
    this one) and how the step ended."""

    handoff: Handoff
    given_at: datetime.datetime | None
    given_by: str
    given_by_applicant: bool
    received_at: datetime.datetime | None
    received_by: str
    budget_label: str
    pauses: list = field(default_factory=list)
    given_unit: str = ""
    received_unit: str = ""

    @property
    def given_who(self):
        """Who handed over: "person (unit)", or the unit alone."""
        return _who(self.given_by, self.given_unit)

    @property
    def received_who(self):
        """Who received the step: "person (unit)", or the unit alone while no one holds it."""
        return _who(self.received_by, self.received_unit)

    @property
    def is_pending(self):
        return self.handoff.state == Handoff.State.PENDING


def _who(person, unit):
    if person and unit:
        return f"{person} ({unit})"
    return person or unit


def _name(user):
    return user.get_full_name() if user is not None else ""


def _budget_label(handoff):
    try:
        unit_label = TimeUnit(handoff.time_unit).label
    except ValueError:
        unit_label = handoff.time_unit
    if handoff.time_unit == TimeUnit.SAME_DAY:
        return str(unit_label)
    budget = handoff.budget.normalize()
    return f"{budget:f} {unit_label}"


def _local(moment, fmt="%d/%m/%Y"):
    return timezone.localtime(moment).strftime(fmt) if moment else ""


def pause_note(pause):
    """The note column's line for a supplementation pause (Form 02 sent through the counter)."""
    if pause.resumed_at:
        return _("Yêu cầu bổ sung ngày %(requested)s (%(reason)s); bổ sung đủ ngày %(resumed)s") % {
            "requested": _local(pause.requested_at), "reason": pause.reason, "resumed": _local(pause.resumed_at),
        }
    return _("Yêu cầu bổ sung ngày %(requested)s (%(reason)s); đang chờ bổ sung") % {
        "requested": _local(pause.requested_at), "reason": pause.reason,
    }


def approved_apology(dossier):
    """The dossier's approved Form 04, or None (the appointment moves once only)."""
    return (
        dossier.apologies.filter(state=Apology.State.APPROVED)
        .select_related("unit", "unit__parent", "approved_by", "drafted_by")
        .first()
    )


def process_slip_context(dossier):
    handoffs = list(
        dossier.handoffs.exclude(state=Handoff.State.SKIPPED)
        .select_related("unit", "assignee", "received_by", "handed_by")
        .order_by("order")
    )
    pauses = list(dossier.pauses.select_related("requested_by", "resumed_by").order_by("requested_at"))
    pauses_by_handoff = {}
    for pause in pauses:
        pauses_by_handoff.setdefault(pause.handoff_id, []).append(pause_note(pause))

    # Rows that ran (DONE, ACTIVE) first, in route order, then those still to come.
    ran = [h for h in handoffs if h.state != Handoff.State.PENDING]
    pending = [h for h in handoffs if h.state == Handoff.State.PENDING]
    rows, previous = [], None
    for handoff in ran:
        if previous is None:
            # The first step receives the dossier from the applicant at the counter.
            given_at = dossier.submitted_at or handoff.started_at or dossier.received_at
            given_by, by_applicant = dossier.applicant_name, True
        else:
            given_at, given_by, by_applicant = previous.finished_at, _name(previous.handed_by), False
        rows.append(SlipRow(
            handoff=handoff, given_at=given_at, given_by=given_by, given_by_applicant=by_applicant,
            received_at=handoff.started_at, received_by=_name(handoff.received_by or handoff.assignee),
            budget_label=_budget_label(handoff), pauses=pauses_by_handoff.get(handoff.pk, []),
            given_unit=previous.unit_name if previous is not None else "", received_unit=handoff.unit_name,
        ))
        previous = handoff
    for handoff in pending:
        rows.append(SlipRow(
            handoff=handoff, given_at=None, given_by="", given_by_applicant=False, received_at=None,
            received_by="", budget_label=_budget_label(handoff), pauses=pauses_by_handoff.get(handoff.pk, []),
        ))

    lead = next((h for h in handoffs if h.kind != Handoff.Kind.COUNTER), None)
    consulted = []
    for consultation in dossier.consultations.select_related("unit").order_by("requested_at"):
        if consultation.unit.name not in consulted:
            consulted.append(consultation.unit.name)
    received_local = timezone.localtime(dossier.received_at)
    return {
        "form": form_version("05", dossier.received_at),
        "dossier": dossier,
        "unit": dossier.receiving_unit,
        "parent_unit": dossier.receiving_unit.parent,
        "rows": rows,
        "unassigned_pauses": pauses_by_handoff.get(None, []),
        "lead_unit_name": lead.unit_name if lead else "",
        "consulted_unit_names": consulted,
        "apology": approved_apology(dossier),
        "received_local": received_local,
        "book_year": received_local.year,
        "entry_number": dossier.code.rsplit("-", 1)[-1],
    }


def render_process_slip(dossier, request=None):
    """Form 05: Phiếu kiểm soát quá trình giải quyết hồ sơ."""
    context = process_slip_context(dossier)
    with translation.override("vi"):
        return render_pdf(context["form"].template, context, request=request)


# --- Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả -----------------------------------


def apology_context(apology):
    dossier = apology.dossier
    issued_at = apology.approved_at or apology.drafted_at
    return {
        "form": form_version("04", issued_at),
        "place": place_name(apology.unit),
        "apology": apology,
        "dossier": dossier,
        "unit": apology.unit,
        "parent_unit": apology.unit.parent,
        "receiving_unit": dossier.receiving_unit,
        "issued_at": issued_at,
    }


def render_apology(apology, request=None):
    """Form 04, signed by the head of the late unit (the leader who approved it)."""
    context = apology_context(apology)
    with translation.override("vi"):
        return render_pdf(context["form"].template, context, request=request)


# --- Form 06: Sổ theo dõi hồ sơ --------------------------------------------------------------

# A book covers at most a year: longer periods are refused by the page, not truncated.
MAX_PERIOD_DAYS = 366
# WeasyPrint lays out a long table in memory, slowly: 300 rows took 5 s and 1,200 rows 29 s
# on the development machine. Beyond this the page asks for a shorter period or the
# spreadsheet, which is written row by row (600 rows in half a second).
PDF_ROW_LIMIT = 1000


def period_bounds(date_from, date_to):
    """[start, end) of whole local days: the book is kept in Vietnamese time, stored in UTC."""
    tz = timezone.get_default_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return start, end


def tracking_book_dossiers(*, user, unit, date_from, date_to):
    """Dossiers received by `unit` in the period, as `user` may see them, oldest first."""
    start, end = period_bounds(date_from, date_to)
    return (
        dossiers_visible_to(user)
        .filter(receiving_unit=unit, received_at__gte=start, received_at__lt=end)
        .select_related("procedure_version")
        .order_by("received_at", "pk")
    )


@dataclass
class BookRow:
    number: int
    code: str
    procedure: str
    sets: int
    applicant: str
    address_phone: str
    received_at: datetime.datetime | None
    due_at: datetime.datetime | None
    returned_at: datetime.datetime | None
    note: str


def _naive_local(moment):
    # Excel has no time zones: write the Vietnamese wall-clock time the book is kept in.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def book_rows(dossiers):
    """BookRow per dossier, numbered from 1; a generator, so a year of dossiers is never in
    memory at once when written to a spreadsheet."""
    for number, dossier in enumerate(dossiers, start=1):
        applicant = dossier.applicant_name
        if dossier.organisation_name:
            applicant = f"{applicant} — {dossier.organisation_name}"
        address_phone = "; ".join(part for part in (dossier.applicant_address, dossier.applicant_phone) if part)
        notes = []
        if dossier.status in StatusGroup.ENDED_WITHOUT_RESULT:  # left the book without a result: say why
            notes.append(str(Status(dossier.status).label))
        if dossier.note:
            notes.append(dossier.note)
        yield BookRow(
            number=number, code=dossier.code, procedure=dossier.procedure_version.name,
            sets=dossier.sets_count, applicant=applicant, address_phone=address_phone,
            received_at=_naive_local(dossier.received_at), due_at=_naive_local(dossier.due_at),
            returned_at=_naive_local(dossier.returned_at), note="; ".join(notes),
        )


def tracking_book_context(*, unit, date_from, date_to, dossiers):
    return {
        "form": form_version("06", date_from),
        "unit": unit,
        "parent_unit": unit.parent,
        "date_from": date_from,
        "date_to": date_to,
        "rows": list(book_rows(dossiers)),
        "printed_at": timezone.localtime(),
    }


def render_tracking_book_pdf(*, unit, date_from, date_to, dossiers, request=None):
    """Form 06 as an A4 landscape PDF with page numbers."""
    context = tracking_book_context(unit=unit, date_from=date_from, date_to=date_to, dossiers=dossiers)
    with translation.override("vi"):
        return render_pdf(context["form"].template, context, request=request)


def _book_columns():
    """(header, width in characters, kind) of the spreadsheet, in the PDF's column order."""
    return [
        (_("TT"), 6, "int"),
        (_("Mã hồ sơ"), 24, "text"),
        (_("Tên thủ tục hành chính"), 40, "text"),
        (_("Số lượng hồ sơ (bộ)"), 10, "int"),
        (_("Tên cá nhân, tổ chức"), 28, "text"),
        (_("Địa chỉ, số điện thoại"), 36, "text"),
        (_("Ngày nhận hồ sơ"), 17, "datetime"),
        (_("Ngày hẹn trả kết quả"), 17, "datetime"),
        (_("Ngày trả kết quả"), 17, "datetime"),
        (_("Ký nhận"), 14, "text"),
        (_("Ghi chú"), 30, "text"),
    ]


def write_tracking_book_xlsx(fileobj, *, unit, date_from, date_to, dossiers):
    """Form 06 as a spreadsheet: a title row, a bold header, real Excel dates. openpyxl's
    write-only mode streams rows to a temporary file, so memory stays flat for a long period."""
    with translation.override("vi"):
        columns = _book_columns()
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(sheet_title(_("Sổ theo dõi hồ sơ")))
        for index, (_header, width, _kind) in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A5"
        # Printed like the PDF: A4 landscape (paper size 9), one page wide, header on every page.
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = "9"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.print_title_rows = "4:4"

        def cell(value, **style):
            c = neutralise(WriteOnlyCell(sheet, value=value))
            for name, setting in style.items():
                setattr(c, name, setting)
            return c

        title = _("SỔ THEO DÕI HỒ SƠ")
        period = _("Đơn vị: %(unit)s — Từ ngày %(start)s đến ngày %(end)s") % {
            "unit": unit.name, "start": date_from.strftime("%d/%m/%Y"), "end": date_to.strftime("%d/%m/%Y"),
        }
        sheet.append([cell(title, font=Font(bold=True, size=14))])
        sheet.append([cell(period, font=Font(italic=True))])
        sheet.append([])
        thin = Side(style="thin")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        header_style = {
            "font": Font(bold=True), "border": border, "fill": PatternFill("solid", fgColor="F2F2F2"),
            "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True),
        }
        sheet.append([cell(header, **header_style) for header, _width, _kind in columns])
        wrap = Alignment(vertical="top", wrap_text=True)
        for row in book_rows(dossiers):
            values = [row.number, row.code, row.procedure, row.sets, row.applicant, row.address_phone,
                      row.received_at, row.due_at, row.returned_at, "", row.note]
            cells = []
            for value, (_header, _width, kind) in zip(values, columns, strict=True):
                style = {"border": border, "alignment": wrap}
                if kind == "datetime":
                    style["number_format"] = "dd/mm/yyyy hh:mm"
                cells.append(cell(value, **style))
            sheet.append(cells)
        workbook.save(fileobj)
