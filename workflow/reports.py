"""The printed reports of the processing workflow (Circular 01/2018/TT-VPCP): the process-
control slip (Form 05), the apology with a new appointment (Form 04) and the tracking book
(Form 06, PDF and XLSX). Regenerated from the hand-off rows every time; official forms are
always printed in Vietnamese, whatever language the user's screen uses."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.pdf import render_pdf
from procedures.models import TimeUnit

from .models import Apology, Handoff

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

    @property
    def is_pending(self):
        return self.handoff.state == Handoff.State.PENDING


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
    with translation.override("vi"):
        return render_pdf("pdf/process_slip.html", process_slip_context(dossier), request=request)


# --- Form 04: Phiếu xin lỗi và hẹn lại ngày trả kết quả -----------------------------------


def apology_context(apology):
    dossier = apology.dossier
    return {
        "apology": apology,
        "dossier": dossier,
        "unit": apology.unit,
        "parent_unit": apology.unit.parent,
        "receiving_unit": dossier.receiving_unit,
        "issued_at": apology.approved_at or apology.drafted_at,
    }


def render_apology(apology, request=None):
    """Form 04, signed by the head of the late unit (the leader who approved it)."""
    with translation.override("vi"):
        return render_pdf("pdf/apology.html", apology_context(apology), request=request)
