"""Processing actions. Each is one transaction that locks the dossier row, applies its
django-fsm transition through dossiers.services.dossier_transition (which writes the event),
and moves the hand-offs that make up the process-control slip (Form 05)."""

from decimal import Decimal

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import fees
from dossiers.models import CounterSlip, Dossier, DossierFile, Outcome, Status
from dossiers.services import (
    ConcurrentChange,
    compute_due,
    dossier_file_add,
    dossier_file_replace,
    dossier_slip_issue,
    dossier_transition,
    record_event,
)
from portal import money, workdays
from portal.signatures.signing import pdf_sign, pdf_unreadable
from procedures.models import ProcedureVersion
from workflow import policies
from workflow.models import Apology, Consultation, Handoff, Pause, timeliness
from workflow.routing.route import forwards_on_reception, instantiate_route, step_due


def _activate(handoff, *, at, actor=None):
    handoff.activate()
    handoff.started_at = at
    handoff.received_by = actor
    handoff.due_at = step_due(handoff, at)
    handoff.save(update_fields=["state", "started_at", "received_by", "due_at"])
    return handoff


def _finish(handoff, *, at, actor, note=""):
    handoff.finish()
    handoff.finished_at = at
    handoff.handed_by = actor
    handoff.outcome = timeliness(at, handoff.due_at)
    if note:
        handoff.note = note
    handoff.save(update_fields=["state", "finished_at", "handed_by", "outcome", "note"])


def skip_pending(dossier, *, kind=None):
    """The steps the dossier will no longer reach (a decision, a return, a stop or a withdrawal):
    the one bulk change of Handoff.state, whose other changes are its transitions."""
    pending = dossier.handoffs.filter(state=Handoff.State.PENDING)
    if kind is not None:
        pending = pending.filter(kind=kind)
    pending.update(state=Handoff.State.SKIPPED)


def _lock(dossier, expected_status=None):
    locked = Dossier.objects.select_for_update().select_related("procedure_version", "receiving_unit").get(
        pk=dossier.pk)
    if expected_status is not None and locked.status != expected_status:
        raise ConcurrentChange
    return locked


def active_handoff(dossier):
    return dossier.handoffs.filter(state=Handoff.State.ACTIVE).select_related("unit").first()



def _next_pending(dossier, after_order):
    return dossier.handoffs.filter(state=Handoff.State.PENDING, order__gt=after_order).order_by("order").first()


def _decision_order(dossier):
    """The last processing step: where the leader approves or refuses."""
    last = dossier.handoffs.filter(kind=Handoff.Kind.PROCESS).order_by("-order").first()
    return last.order if last else None


@transaction.atomic
def dossier_forward(*, dossier, actor, note="", expected_status=None, expected_handoff=None, at=None):
    """Hand the dossier on to the next step of its route (counter → unit, unit → higher
    level...). The last processing step is closed by a decision instead."""
    dossier = _lock(dossier, expected_status)
    current = active_handoff(dossier)
    if current is None or dossier.status not in policies.STATES["forward"]:
        raise ValidationError(_("Hồ sơ không ở bước có thể chuyển tiếp."))
    if expected_handoff is not None and current.pk != expected_handoff:
        raise ConcurrentChange
    policies.require(actor, "forward", dossier, active=current)
    if current.order == _decision_order(dossier):
        raise ValidationError(_("Đây là bước quyết định: lãnh đạo phê duyệt hoặc từ chối giải quyết."))
    following = _next_pending(dossier, current.order)
    if following is None:
        raise ValidationError(_("Không còn bước nào để chuyển."))
    now = at or timezone.now()
    _finish(current, at=now, actor=actor, note=note)
    _activate(following, at=now)
    if dossier.status == Status.RECEIVED:
        dossier = dossier_transition(dossier=dossier, actor=actor, transition="start_processing", unit=current.unit,
                                     note=note or _("Chuyển %(unit)s") % {"unit": following.unit_name},
                                     current_unit=following.unit, at=now)
    else:
        Dossier.objects.filter(pk=dossier.pk).update(current_unit=following.unit, updated_at=now)
        dossier.current_unit = following.unit
        record_event(dossier=dossier, actor=actor, transition="forward", from_status=dossier.status,
                     unit=current.unit, note=note or _("Chuyển %(unit)s") % {"unit": following.unit_name}, at=now)
    return dossier


def route_open(dossier, *, actor, at):
    """At reception (counter or online check): the dossier's hand-offs from its route, the
    first one active at the receiving counter; when the route says the counter has no work of
    its own (`forwards_on_reception`), forwarded at once to the next step by the receiving
    clerk, with its "forward" event — no extra click. Returns the dossier and its hand-offs."""
    handoffs = instantiate_route(dossier)
    _activate(handoffs[0], at=at, actor=actor)
    if forwards_on_reception(handoffs):
        dossier = dossier_forward(dossier=dossier, actor=actor, at=at, note=_(
            "Tự động chuyển %(unit)s khi tiếp nhận (quy trình không dành thời gian cho bộ phận một cửa)"
        ) % {"unit": handoffs[1].unit_name})
    return dossier, handoffs


@transaction.atomic
def handoff_assign(*, handoff, leader, officer):
    """A leader gives the step to one of the unit's officers."""
    handoff = Handoff.objects.select_for_update().get(pk=handoff.pk)
    policies.require(leader, "assign", handoff.dossier, handoff=handoff)
    if handoff.state != Handoff.State.ACTIVE:
        raise ValidationError(_("Bước này không còn đang xử lý."))
    if not policies.holds(officer, policies.PROCESS_ROLES, handoff.unit):
        raise ValidationError(_("Người được giao không thuộc đơn vị xử lý."))
    handoff.assignee = officer
    handoff.save(update_fields=["assignee"])
    record_event(dossier=handoff.dossier, actor=leader, transition="assign", from_status=handoff.dossier.status,
                 unit=handoff.unit, note=_("Giao %(name)s xử lý") % {"name": officer.get_full_name()})
    return handoff


@transaction.atomic
def dossier_decide(*, dossier, leader, outcome, note="", expected_status=None, at=None):
    """Approve, or refuse after appraisal (a refusal with reasons is a result too). The result
    goes back to the counter that received the dossier."""
    dossier = _lock(dossier, expected_status)
    current = active_handoff(dossier)
    if current is None or dossier.status != Status.PROCESSING or current.kind != Handoff.Kind.PROCESS:
        raise ValidationError(_("Hồ sơ không ở bước xử lý."))
    policies.require(leader, "approve" if outcome == Outcome.APPROVED else "refuse", dossier, active=current)
    if outcome == Outcome.REFUSED and not note.strip():
        raise ValidationError(_("Từ chối giải quyết phải nêu rõ lý do."))
    now = at or timezone.now()
    _finish(current, at=now, actor=leader, note=note)
    skip_pending(dossier, kind=Handoff.Kind.PROCESS)
    back = _next_pending(dossier, current.order)
    if back is not None:
        _activate(back, at=now)
    label = _("Phê duyệt kết quả") if outcome == Outcome.APPROVED else _("Từ chối giải quyết: %(reason)s") % {
        "reason": note}
    results_sign(dossier=dossier, signer=leader, unit=current.unit, at=now)
    return dossier_transition(dossier=dossier, actor=leader, transition="finish", unit=current.unit,
                              note=label if outcome == Outcome.REFUSED or not note else f"{label}. {note}",
                              outcome=outcome, finished_at=now, decision_note=note,
                              current_unit=back.unit if back else dossier.receiving_unit, at=now)


@transaction.atomic
def result_file_add(*, dossier, actor, upload):
    """The result document (or its electronic copy), uploaded by the deciding unit or the
    counter, to be returned or downloaded."""
    policies.require(actor, "result", dossier)
    if dossier.status not in policies.STATES["result"]:
        raise ValidationError(_("Chỉ tải kết quả lên khi hồ sơ đang xử lý hoặc đã có kết quả."))
    if pdf_unreadable(upload):
        # A result is signed on approval: a PDF the portal cannot read cannot be signed.
        raise ValidationError(_("Tệp “%(name)s” hỏng hoặc không phải PDF đọc được; không dùng làm văn bản kết quả.")
                              % {"name": upload.name}, code="bad_pdf")
    stored = dossier_file_add(dossier=dossier, upload=upload, actor=actor, kind=DossierFile.Kind.RESULT,
                              new_upload=True)
    active = active_handoff(dossier)
    record_event(dossier=dossier, actor=actor, transition="result_upload", from_status=dossier.status,
                 unit=active.unit if active is not None else dossier.receiving_unit,
                 note=_("Tải lên văn bản kết quả: %(name)s") % {"name": stored.original_name})
    if dossier.status == Status.RESULT_READY:
        # Decided already: the deciding unit's certificate signs it now, in the approving
        # leader's name (the decision is theirs; the upload only brings the document).
        decision = dossier.events.filter(transition="finish").select_related("actor", "unit").last()
        if decision is not None:
            results_sign(dossier=dossier, signer=decision.actor, unit=decision.unit, files=[stored], by=actor)
            stored.refresh_from_db()
    return stored


def results_sign(*, dossier, signer, unit, files=None, by=None, at=None):
    """Sign the dossier's unsigned PDF results with `unit`'s certificate, the stamp naming
    `signer` (the leader who decided); the signed PDF replaces the unsigned one and an event
    records each signature. A unit that never had a certificate signs on paper: nothing is
    signed. A unit whose certificates are all expired or revoked is refused (SigningRefused)."""
    files = files if files is not None else dossier.files.filter(kind=DossierFile.Kind.RESULT,
                                                                 content_type="application/pdf",
                                                                 signed_by_portal=False)
    files = [f for f in files if f.content_type == "application/pdf" and not f.signed_by_portal]
    if not files or not unit.certificates.exists():
        return []
    name = signer.get_full_name() or signer.get_username()
    signed = []
    for stored in files:
        with stored.file.open("rb") as handle:
            data = handle.read()
        result = pdf_sign(pdf=data, unit=unit, signer_name=name,
                          reason=_("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code},
                          location=unit.name)
        dossier_file_replace(stored, data=result.pdf)
        note = _("Ký số văn bản kết quả “%(name)s” (%(signer)s, chứng thư %(subject)s, số hiệu %(serial)s%(ts)s)") % {
            "name": stored.original_name, "signer": name, "subject": result.certificate.subject,
            "serial": result.certificate.serial, "ts": _(", có dấu thời gian") if result.timestamped else ""}
        record_event(dossier=dossier, actor=by or signer, transition="result_sign", from_status=dossier.status,
                     unit=unit, at=at, note=note)
        signed.append(stored)
    return signed


class ReturnNeedsConfirmation(ValidationError):
    """Returning a result the clerk has not confirmed despite `return_warnings`."""


def return_warnings(dossier):
    """What a clerk should check before handing a result over — warnings, not refusals (a
    paper result may exist without its scan; a fee may have been paid outside the system):
    no result document uploaded; a fee in the procedure and no payment recorded."""
    warnings = []
    if not dossier.files.filter(kind=DossierFile.Kind.RESULT).exists():
        warnings.append(_("Chưa có văn bản kết quả nào được tải lên hệ thống."))
    fee = fees.amount_due(dossier)
    # By name: workflow must not import citizens, which builds on it (docs/architecture.md).
    payment = apps.get_model("citizens", "Payment")
    if fee > 0 and not payment.objects.filter(dossier=dossier, state="paid").exists():
        warnings.append(_("Thủ tục có phí, lệ phí %(amount)s đồng nhưng chưa ghi nhận đã thu.")
                        % {"amount": money.vnd(fee)})
    return warnings


@transaction.atomic
def dossier_return(*, dossier, clerk, collected_by="", tracking_number="", note="", expected_status=None,
                   at=None, confirmed=False):
    """The counter returns the result: at the counter (who collected it), by post (tracking
    number) or online. An early return is allowed and shows as early on the slip. With
    `return_warnings`, only once the clerk confirms (`confirmed`): a confirm step, not a block."""
    dossier = _lock(dossier, expected_status)
    policies.require(clerk, "return", dossier)
    if dossier.status != Status.RESULT_READY:
        raise ValidationError(_("Hồ sơ chưa có kết quả để trả."))
    if dossier.delivery == "online" and not dossier.files.filter(kind=DossierFile.Kind.RESULT,
                                                                 signed_by_portal=True).exists():
        # An electronic result is worth something only signed (Decree 45/2020): no online
        # return without a result file bearing a valid signature of one of the portal's units.
        raise ValidationError(_("Trả kết quả trực tuyến cần văn bản kết quả (PDF) đã được ký số hợp lệ. Tải lên "
                                "văn bản kết quả để lãnh đạo phê duyệt và ký số."), code="unsigned_online_result")
    warnings = return_warnings(dossier)
    if warnings and not confirmed:
        raise ReturnNeedsConfirmation([*warnings, _("Kiểm tra lại, rồi đánh dấu \"Vẫn trả kết quả\" để trả.")])
    if dossier.delivery == "counter" and not collected_by.strip():
        raise ValidationError(_("Ghi họ tên người nhận kết quả."))
    if dossier.delivery == "post" and not tracking_number.strip():
        raise ValidationError(_("Ghi số hiệu bưu gửi."))
    now = at or timezone.now()
    current = active_handoff(dossier)
    if current is not None:
        _finish(current, at=now, actor=clerk, note=note)
    skip_pending(dossier)
    return dossier_transition(dossier=dossier, actor=clerk, transition="return_result", unit=dossier.receiving_unit,
                              note=note or _("Trả kết quả"), returned_at=now, returned_by=clerk,
                              collected_by=collected_by.strip(), post_tracking_number=tracking_number.strip(), at=now)


def _hours_left(until, *, now, unit):
    if until is None:
        return Decimal("0")
    return max(workdays.working_hours_between(now, until, unit=unit), Decimal("0"))


@transaction.atomic
def supplement_request(*, dossier, actor, reason, missing_components, expected_status=None, at=None):
    """Ask the applicant, via the counter, for what is missing (Form 02). Allowed within the
    procedure's window (3 working days of receipt by default). The clock stops; a second
    request makes the dossier count late (Decision 766)."""
    dossier = _lock(dossier, expected_status)
    current = active_handoff(dossier)
    if dossier.status not in policies.STATES["supplement"] or current is None:
        raise ValidationError(_("Hồ sơ không ở trạng thái có thể yêu cầu bổ sung."))
    policies.require(actor, "supplement", dossier, active=current)
    if not reason.strip() or not missing_components:
        raise ValidationError(_("Hãy nêu giấy tờ cần bổ sung và lý do."))
    now = at or timezone.now()
    version = dossier.procedure_version
    elapsed = workdays.working_days_between(dossier.received_at, now, unit=dossier.receiving_unit)
    if elapsed > version.supplement_window_days:
        raise ValidationError(
            _("Đã quá %(days)s ngày làm việc kể từ khi tiếp nhận: không được yêu cầu bổ sung nữa.")
            % {"days": version.supplement_window_days})
    Pause.objects.create(
        dossier=dossier, handoff=current, rule=version.supplement_clock_rule, requested_at=now, requested_by=actor,
        reason=reason.strip(), missing_components=missing_components,
        dossier_hours_left=_hours_left(dossier.due_at, now=now, unit=dossier.receiving_unit),
        step_hours_left=_hours_left(current.due_at, now=now, unit=current.unit), due_before=dossier.due_at,
    )
    # Form 02, handed over by the counter and downloadable by the applicant.
    dossier_slip_issue(dossier=dossier, actor=actor, kind=CounterSlip.Kind.COMPLETION, reason=reason,
                       missing_names=missing_components)
    return dossier_transition(dossier=dossier, actor=actor, transition="request_supplement", unit=current.unit,
                              note=reason.strip(), supplement_count=dossier.supplement_count + 1, at=now)


@transaction.atomic
def supplement_resume(*, dossier, actor, uploads=(), note="", expected_status=None, at=None):
    """The applicant supplied the missing components (at the counter, or online): the clock
    resumes with the remaining budget, or restarts from zero, as the procedure says."""
    dossier = _lock(dossier, expected_status)
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        raise ValidationError(_("Hồ sơ không chờ bổ sung."))
    policies.require(actor, "resume", dossier)
    pause = dossier.pauses.filter(resumed_at__isnull=True).order_by("-requested_at").first()
    now = at or timezone.now()
    for upload in uploads:
        dossier_file_add(dossier=dossier, upload=upload, actor=actor, new_upload=True)
    current = active_handoff(dossier)
    version = dossier.procedure_version
    if pause is None:
        new_due = dossier.due_at
    elif pause.rule == ProcedureVersion.ClockRule.RESTART:
        new_due = compute_due(version=version, received_at=now, unit=dossier.receiving_unit,
                              channel=dossier.channel).due_at
        if current is not None:
            current.due_at = step_due(current, now)
    else:
        new_due = workdays.add_working_hours(now, pause.dossier_hours_left, unit=dossier.receiving_unit)
        if current is not None and pause.step_hours_left is not None:
            current.due_at = workdays.add_working_hours(now, pause.step_hours_left, unit=current.unit)
    if current is not None:
        current.save(update_fields=["due_at"])
    if pause is not None:
        pause.resumed_at, pause.resumed_by, pause.due_after = now, actor, new_due
        pause.save(update_fields=["resumed_at", "resumed_by", "due_after"])
    if dossier.received_at is None:
        # Completed before reception: back to the counter's check, no clock yet.
        return dossier_transition(dossier=dossier, actor=actor, transition="resubmit", unit=dossier.receiving_unit,
                                  note=note or _("Đã bổ sung giấy tờ, chờ bộ phận một cửa kiểm tra"), at=now)
    return dossier_transition(dossier=dossier, actor=actor, transition="resume_after_supplement",
                              unit=dossier.receiving_unit,
                              note=note or _("Đã nhận giấy tờ bổ sung; hạn mới %(due)s")
                              % {"due": workdays.format_moment(new_due)}, due_at=new_due, at=now)


def _close_route(dossier, *, at, actor, note):
    current = active_handoff(dossier)
    if current is not None:
        _finish(current, at=at, actor=actor, note=note)
    skip_pending(dossier)


@transaction.atomic
def dossier_stop(*, dossier, leader, reason, expected_status=None, at=None):
    """The unit stops processing, with a notice to the applicant (national status 8)."""
    dossier = _lock(dossier, expected_status)
    current = active_handoff(dossier)
    policies.require(leader, "stop", dossier, active=current)
    if not reason.strip():
        raise ValidationError(_("Hãy nêu lý do dừng xử lý."))
    now = at or timezone.now()
    _close_route(dossier, at=now, actor=leader, note=reason)
    return dossier_transition(dossier=dossier, actor=leader, transition="stop", note=reason.strip(),
                              finished_at=now, at=now)


@transaction.atomic
def dossier_withdraw(*, dossier, actor, reason, expected_status=None, at=None):
    """The applicant withdraws (through the counter, or themselves online)."""
    dossier = _lock(dossier, expected_status)
    policies.require(actor, "withdraw", dossier)
    if not reason.strip():
        raise ValidationError(_("Hãy ghi lý do rút hồ sơ."))
    now = at or timezone.now()
    _close_route(dossier, at=now, actor=actor, note=reason)
    return dossier_transition(dossier=dossier, actor=actor, transition="withdraw", note=reason.strip(),
                              unit=dossier.receiving_unit, at=now)


@transaction.atomic
def consultation_request(*, dossier, actor, unit, question, days=Decimal("3"), at=None):
    dossier = _lock(dossier)
    current = active_handoff(dossier)
    if current is None or dossier.status != Status.PROCESSING:
        raise ValidationError(_("Chỉ xin ý kiến khi hồ sơ đang xử lý."))
    policies.require(actor, "consult", dossier, active=current)
    if unit == current.unit:
        raise ValidationError(_("Chọn một cơ quan khác để xin ý kiến."))
    now = at or timezone.now()
    due = workdays.add_working_days(now, days, unit=unit)
    consultation = Consultation.objects.create(dossier=dossier, unit=unit, requested_by=actor, requested_at=now,
                                               question=question.strip(), due_at=due)
    record_event(dossier=dossier, actor=actor, transition="consult", from_status=dossier.status, unit=current.unit,
                 note=_("Xin ý kiến %(unit)s") % {"unit": unit.name})
    return consultation


@transaction.atomic
def consultation_answer(*, consultation, actor, opinion):
    consultation = Consultation.objects.select_for_update().select_related("dossier", "unit").get(pk=consultation.pk)
    policies.require(actor, "consult_answer", consultation.dossier, consultation=consultation)
    if consultation.answered_at:
        raise ValidationError(_("Cơ quan đã trả lời ý kiến này."))
    if not opinion.strip():
        raise ValidationError(_("Hãy nhập ý kiến."))
    consultation.opinion, consultation.answered_by, consultation.answered_at = opinion.strip(), actor, timezone.now()
    consultation.save(update_fields=["opinion", "answered_by", "answered_at"])
    record_event(dossier=consultation.dossier, actor=actor, transition="consult_answer",
                 from_status=consultation.dossier.status, unit=consultation.unit,
                 note=_("Ý kiến của %(unit)s") % {"unit": consultation.unit.name})
    return consultation


def apology_window_open(dossier, *, now=None):
    """From one working day before the due date (DOMAIN §9)."""
    now = now or timezone.now()
    if dossier.due_at is None:
        return False
    calendar = workdays.calendar_for(dossier.receiving_unit)  # one calendar (three queries), not two
    return calendar.working_hours_between(now, dossier.due_at) <= calendar.hours_per_day


@transaction.atomic
def apology_draft(*, dossier, actor, reason, new_due_at):
    dossier = _lock(dossier)
    if dossier.status not in policies.STATES["apology"]:
        raise ValidationError(_("Chỉ xin lỗi, hẹn lại với hồ sơ đang giải quyết."))
    unit = dossier.current_unit
    policies.require(actor, "apology", dossier)
    if Apology.objects.filter(dossier=dossier).exists():
        raise ValidationError(_("Hồ sơ đã có phiếu xin lỗi: ngày hẹn chỉ được điều chỉnh một lần."))
    if not apology_window_open(dossier):
        raise ValidationError(_("Chỉ lập phiếu xin lỗi từ một ngày làm việc trước ngày hẹn trả."))
    if new_due_at <= dossier.due_at:
        raise ValidationError(_("Ngày hẹn mới phải sau ngày hẹn cũ."))
    if not reason.strip():
        raise ValidationError(_("Hãy nêu lý do chậm."))
    apology = Apology.objects.create(dossier=dossier, unit=unit, reason=reason.strip(), old_due_at=dossier.due_at,
                                     new_due_at=new_due_at, drafted_by=actor)
    record_event(dossier=dossier, actor=actor, transition="apology_draft", from_status=dossier.status, unit=unit,
                 note=_("Lập phiếu xin lỗi, đề nghị hẹn lại ngày trả kết quả: %(due)s. Lý do: %(reason)s")
                 % {"due": workdays.format_moment(new_due_at), "reason": apology.reason})
    return apology


@transaction.atomic
def apology_approve(*, apology, leader, at=None):
    apology = Apology.objects.select_for_update().select_related("dossier").get(pk=apology.pk)
    policies.require(leader, "apology_approve", apology.dossier, apology=apology)
    if apology.state != Apology.State.DRAFT:
        raise ValidationError(_("Phiếu xin lỗi đã được duyệt."))
    now = at or timezone.now()
    apology.state, apology.approved_by, apology.approved_at = Apology.State.APPROVED, leader, now
    apology.number = f"{apology.pk}/{timezone.localtime(now):%Y}/PXL"
    apology.save(update_fields=["state", "approved_by", "approved_at", "number"])
    dossier = apology.dossier
    Dossier.objects.filter(pk=dossier.pk).update(due_at=apology.new_due_at, updated_at=now)
    dossier.due_at = apology.new_due_at
    # Approved while the clock is stopped for a supplement: the resumption recomputes the due
    # date from the hours left at the pause, so the apology's extra time is added to them.
    pause = dossier.pauses.filter(resumed_at__isnull=True).order_by("-requested_at").first()
    if pause is not None:
        extra = workdays.working_hours_between(apology.old_due_at, apology.new_due_at, unit=dossier.receiving_unit)
        Pause.objects.filter(pk=pause.pk).update(dossier_hours_left=pause.dossier_hours_left + extra,
                                                 due_before=apology.new_due_at)
    record_event(dossier=dossier, actor=leader, transition="apology", from_status=dossier.status, unit=apology.unit,
                 note=_("Xin lỗi và hẹn lại ngày trả kết quả: %(due)s. Lý do: %(reason)s")
                 % {"due": workdays.format_moment(apology.new_due_at), "reason": apology.reason})
    return apology


@transaction.atomic
def payment_request(*, dossier, actor, note, expected_status=None, at=None):
    """Ask the applicant to pay a fee or tax before the result (national status 6)."""
    dossier = _lock(dossier, expected_status)
    current = active_handoff(dossier)
    policies.require(actor, "payment_request", dossier, active=current)
    if not note.strip():
        raise ValidationError(_("Ghi rõ khoản phí, lệ phí hoặc nghĩa vụ tài chính cần nộp."))
    return dossier_transition(dossier=dossier, actor=actor, transition="request_payment", note=note.strip(),
                              unit=current.unit if current else None, at=at)


@transaction.atomic
def payment_confirm(*, dossier, actor, note="", expected_status=None, at=None):
    """The payment arrived (recorded by a clerk, or by the payment provider's callback)."""
    dossier = _lock(dossier, expected_status)
    if actor is not None:  # None: the payment provider's verified callback
        policies.require(actor, "payment_confirm", dossier)
    return dossier_transition(dossier=dossier, actor=actor, transition="confirm_payment",
                              note=note or _("Đã thực hiện nghĩa vụ tài chính"), at=at)


# --- the counter's check of online dossiers (Decree 61/2018 art. 15, same rules as paper) ---


@transaction.atomic
def online_accept(*, dossier, clerk, expected_status=None, at=None):
    """The counter accepts an online dossier: it is received now, its due date computed and
    its route opened, exactly as a paper reception."""
    dossier = _lock(dossier, expected_status)
    policies.require(clerk, "online_accept", dossier)
    if dossier.status != Status.SUBMITTED:
        raise ValidationError(_("Hồ sơ không ở trạng thái chờ kiểm tra."))
    now = at or timezone.now()
    due = compute_due(version=dossier.procedure_version, received_at=now, unit=dossier.receiving_unit,
                      channel=dossier.channel).due_at
    dossier = dossier_transition(dossier=dossier, actor=clerk, transition="receive", unit=dossier.receiving_unit,
                                 note=_("Tiếp nhận hồ sơ trực tuyến"), received_at=now, received_by=clerk,
                                 due_at=due, at=now)
    dossier, _handoffs = route_open(dossier, actor=clerk, at=now)
    return dossier


@transaction.atomic
def online_request_completion(*, dossier, clerk, reason, missing_components, expected_status=None, at=None):
    """Form 02 for an online dossier: every missing component, once; no clock is running."""
    dossier = _lock(dossier, expected_status)
    policies.require(clerk, "online_completion", dossier)
    if dossier.status != Status.SUBMITTED:
        raise ValidationError(_("Hồ sơ không ở trạng thái chờ kiểm tra."))
    if not reason.strip() or not missing_components:
        raise ValidationError(_("Hãy nêu giấy tờ cần bổ sung và lý do."))
    listing = "; ".join(missing_components)
    dossier_slip_issue(dossier=dossier, actor=clerk, kind=CounterSlip.Kind.COMPLETION, reason=reason,
                       missing_names=missing_components)
    return dossier_transition(dossier=dossier, actor=clerk, transition="request_supplement",
                              unit=dossier.receiving_unit, at=at,
                              note=_("Cần bổ sung: %(list)s. %(reason)s") % {"list": listing, "reason": reason.strip()})


@transaction.atomic
def online_refuse(*, dossier, clerk, reason, expected_status=None, at=None):
    """Form 03 for an online dossier: not eligible, with the reasons."""
    dossier = _lock(dossier, expected_status)
    policies.require(clerk, "online_refuse", dossier)
    if dossier.status != Status.SUBMITTED:
        raise ValidationError(_("Hồ sơ không ở trạng thái chờ kiểm tra."))
    if not reason.strip():
        raise ValidationError(_("Hãy ghi rõ lý do từ chối tiếp nhận."))
    dossier_slip_issue(dossier=dossier, actor=clerk, kind=CounterSlip.Kind.REFUSAL, reason=reason)
    return dossier_transition(dossier=dossier, actor=clerk, transition="refuse_reception",
                              unit=dossier.receiving_unit, note=reason.strip(), at=at)
