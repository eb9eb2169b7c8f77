"""Counter reception (Decree 61/2018 art. 15; DOMAIN §6): one service per counter action, each
one transaction that checks the clerk's authority (`policies.may_receive`) and the checklist
rules, then writes everything or nothing.

- `dossier_receive`: a complete dossier is received (Form 01): the dossier, its components and
  scans, its route with the first step active at the counter.
- `dossier_receive_and_settle`: the same, settled while the applicant waits: every step of the
  route done, the result approved and handed over.
- `completion_request_issue`: incomplete, so not received: every missing component listed
  once (Form 02); no dossier, no code consumed.
- `reception_refuse`: not eligible: the reasons (Form 03).

`reception_complete` runs the action the counter form asked for.

The form's token is the reception's idempotency key: it is stored on the dossier or the slip
(unique), so a form posted again (a double click, a retry after a time-out) returns the dossier
or the Form 02/03 the first post made instead of receiving the papers or numbering a slip twice.

`components`, for every action, are the lines of the checklist as the clerk filled them in:
dicts {requirement, received (default True), originals, certified_copies, photocopies, name
(default: the requirement's)}. A requirement of the version without a line is not received.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.declarations import declaration_create
from dossiers.models import Channel, CounterSlip, Delivery, Dossier, Outcome, StagedUpload, Status
from dossiers.services import (
    counter_slip_issue,
    dossier_create,
    dossier_transition,
    staged_uploads_attach,
    staged_uploads_release,
)
from workflow import policies
from workflow.models import Handoff
from workflow.routing.route import instantiate_route
from workflow.routing.services import _activate, _finish, route_open

COUNTS = ("originals", "certified_copies", "photocopies")


def reception_problems(*, action, version, components, scanned, reason=""):
    """The message of every rule the counter action breaks, all of them (the form shows them
    together); empty when it may go ahead. `scanned`: pks of the requirements with a scan."""
    problems = []
    lines = _lines(version, components)
    if action in ("receive", "settle"):
        for line in lines:
            requirement = line["requirement"]
            if requirement is not None and requirement.is_required and not line["received"]:
                # Decree 61/2018 art. 15: an incomplete dossier is not received; the applicant
                # gets one complete list of what is missing (Form 02).
                problems.append(_("Thiếu giấy tờ bắt buộc: %(name)s. Hãy yêu cầu bổ sung thay vì tiếp nhận.")
                                % {"name": line["name"]})
            elif (line["received"] and requirement is not None and requirement.pk not in scanned
                  and not requirement.presented_only):
                # DOMAIN §6: every paper component received is scanned into the system.
                problems.append(_("Chưa quét giấy tờ: %(name)s. Mọi giấy tờ đã nhận phải được quét vào hệ thống.")
                                % {"name": line["name"]})
        if action == "settle" and not version.settled_on_spot:
            problems.append(_("Thủ tục này không giải quyết ngay tại quầy; hãy tiếp nhận và hẹn trả kết quả."))
    elif action == "completion":
        if all(line["received"] for line in lines):
            problems.append(_("Hãy bỏ chọn những giấy tờ còn thiếu để ghi vào phiếu yêu cầu bổ sung."))
        if not reason.strip():
            problems.append(_("Hãy ghi lý do yêu cầu bổ sung, hoàn thiện hồ sơ."))
    elif action == "refuse" and not reason.strip():
        problems.append(_("Hãy ghi rõ lý do từ chối tiếp nhận."))
    return problems


def _lines(version, components):
    """The whole checklist: the lines given, then a line not received for each requirement of
    the version that has none."""
    lines = []
    for component in components:
        requirement = component.get("requirement")
        lines.append({"requirement": requirement, "received": component.get("received", True),
                      "name": component.get("name") or requirement.name,
                      **{k: component.get(k, 0) for k in COUNTS}})
    given = {line["requirement"].pk for line in lines if line["requirement"] is not None}
    lines.extend({"requirement": r, "received": False, "name": r.name, **{k: getattr(r, k) for k in COUNTS}}
                 for r in version.components.all() if r.pk not in given)
    return lines


def _authorise(clerk, unit, version):
    if not policies.may_receive(clerk, unit, version):
        raise PermissionDenied


def _staged(token, clerk):
    """The form's staged scans, locked: a second post of the same form waits here until the
    first one has committed, then finds its dossier."""
    if token is None:
        return []
    return list(StagedUpload.objects.select_for_update().filter(token=token, user=clerk).order_by("pk"))


def _made_with(model, token, clerk, unit, *, clerk_field, unit_field):
    """What an earlier post of the same form made (a Dossier or a CounterSlip), if any; the
    token is only ever honoured for the clerk and counter that used it."""
    if token is None:
        return None
    made = model.objects.filter(reception_token=token).first()
    if made is not None and (getattr(made, clerk_field) != clerk.pk or getattr(made, unit_field) != unit.pk):
        raise PermissionDenied
    return made


def _issued_with(token, clerk, unit):
    return _made_with(CounterSlip, token, clerk, unit, clerk_field="clerk_id", unit_field="unit_id")


def _issue_once(*, token, clerk, unit, staged, **slip):
    """Issue the slip, or return the one an earlier post of the same form issued (also when
    two posts race: the unique token decides, the loser returns the winner's slip)."""
    issued = _issued_with(token, clerk, unit)
    if issued is None:
        try:
            with transaction.atomic():
                issued = counter_slip_issue(clerk=clerk, unit=unit, reception_token=token, **slip)
        except IntegrityError:
            issued = _issued_with(token, clerk, unit)
            if issued is None:
                raise
    staged_uploads_release(staged=staged)
    return issued


def _received_with(token, clerk, unit):
    return _made_with(Dossier, token, clerk, unit, clerk_field="received_by_id", unit_field="receiving_unit_id")


@transaction.atomic
def dossier_receive(*, clerk, unit, version, applicant, components, token=None, files=(), delivery, sets_count=1,
                    note="", is_priority=False, received_at=None, declarations=None, channel=Channel.COUNTER,
                    intake_tracking_number="", requested_fees=()):
    """A complete walk-in dossier is received (Form 01), in one transaction: the dossier through
    the one constructor, its scans (staged with the form's `token`, and `files`: (index in
    `components`, file) pairs), its route with the first step active at the receiving counter.
    A failure anywhere leaves no dossier; a second post of the same form returns the first
    one's dossier. `channel`: at the counter, or by post (channel 3, bưu chính công ích) with
    the parcel's `intake_tracking_number`."""
    if channel not in (Channel.COUNTER, Channel.POSTAL):
        raise ValidationError(_("Kênh nộp không hợp lệ."))
    intake_tracking_number = intake_tracking_number.strip()
    if channel == Channel.POSTAL and not intake_tracking_number:
        raise ValidationError(_("Hồ sơ gửi qua bưu chính: ghi số hiệu bưu gửi."))
    return _receive(clerk=clerk, unit=unit, version=version, applicant=applicant, components=components,
                    token=token, files=files, delivery=delivery, sets_count=sets_count, note=note,
                    is_priority=is_priority, received_at=received_at, settle=False, declarations=declarations,
                    channel=channel, intake_tracking_number=intake_tracking_number if channel == Channel.POSTAL
                    else "", requested_fees=requested_fees)


@transaction.atomic
def dossier_receive_and_settle(*, clerk, unit, version, applicant, components, token=None, files=(),
                               delivery=Delivery.COUNTER, sets_count=1, note="", is_priority=False,
                               received_at=None, declarations=None, requested_fees=()):
    """Received and settled on the spot while the applicant waits (DOMAIN §6: "recorded in the
    system, no appointment"), in one transaction: every step of the route is done (none left
    pending or active, so nothing in an inbox, no deadline alert), the result approved and
    handed to the applicant at the counter.

    Only for versions marked settled on the spot (`ProcedureVersion.settled_on_spot`). A
    same-day procedure (time unit "trong ngày") is not enough: it is received with an
    appointment later the same day, or the next working day when received after the
    forwarding cut-off (DOMAIN §12, birth registration), and goes through its route."""
    return _receive(clerk=clerk, unit=unit, version=version, applicant=applicant, components=components,
                    token=token, files=files, delivery=Delivery.COUNTER, sets_count=sets_count, note=note,
                    is_priority=is_priority, received_at=received_at, settle=True, declarations=declarations,
                    requested_fees=requested_fees)


def _receive(*, clerk, unit, version, applicant, components, token, files, delivery, sets_count, note, is_priority,
             received_at, settle, declarations=None, channel=Channel.COUNTER, intake_tracking_number="",
             requested_fees=()):
    """`declarations`: {requirement pk: answers} of the electronic declarations the clerk
    filled at the counter; each satisfies its component (no scan) and is stored with its PDF."""
    declarations = declarations or {}
    _authorise(clerk, unit, version)
    staged = _staged(token, clerk)
    done = _received_with(token, clerk, unit)
    if done is not None:
        staged_uploads_release(staged=staged)  # uploaded again by the repeated post
        return done
    scanned = {item.requirement_id for item in staged}
    scanned |= {components[index]["requirement"].pk for index, _file in files
                if index is not None and components[index].get("requirement") is not None}
    scanned |= set(declarations)
    problems = reception_problems(action="settle" if settle else "receive", version=version,
                                  components=components, scanned=scanned)
    if problems:
        raise ValidationError(problems)
    kept = [index for index, component in enumerate(components) if component.get("received", True)]
    position = {index: n for n, index in enumerate(kept)}
    lines = [{"requirement": components[i].get("requirement"),
              "name": components[i].get("name") or components[i]["requirement"].name,
              **{k: components[i].get(k, 0) for k in COUNTS}} for i in kept]
    at = received_at or timezone.now()
    try:
        with transaction.atomic():
            dossier = dossier_create(
                version=version, unit=unit, channel=channel, status=Status.RECEIVED, applicant=applicant,
                actor=clerk, at=at, components=lines,
                files=[(position.get(index) if index is not None else None, upload) for index, upload in files],
                delivery=delivery, sets_count=sets_count, note=note, is_priority=is_priority, reception_token=token,
                intake_tracking_number=intake_tracking_number, requested_fees=requested_fees)
    except IntegrityError:
        # The same form posted twice at once, without staged scans to queue on: the other
        # post committed its dossier first.
        done = _received_with(token, clerk, unit)
        if done is None:
            raise
        staged_uploads_release(staged=staged)
        return done
    staged_uploads_attach(dossier=dossier, staged=staged, actor=clerk)
    if declarations:
        by_requirement = {c.requirement_id: c for c in dossier.components.all()}
        for requirement in version.components.filter(pk__in=list(declarations)):
            declaration_create(dossier=dossier, component=by_requirement[requirement.pk],
                               definition=requirement.eform, data=declarations[requirement.pk], actor=clerk)
    if settle:
        route = instantiate_route(dossier)
        _activate(route[0], at=at, actor=clerk)
        return _settle(dossier, route=route, clerk=clerk, at=at, applicant=applicant)
    dossier, _route = route_open(dossier, actor=clerk, at=at)
    return dossier


def _settle(dossier, *, route, clerk, at, applicant):
    note = _("Giải quyết ngay tại bộ phận một cửa")
    for handoff in route:
        if handoff.state == Handoff.State.PENDING:
            _activate(handoff, at=at, actor=clerk)
        _finish(handoff, at=at, actor=clerk, note=note)
    unit = dossier.receiving_unit
    dossier = dossier_transition(dossier=dossier, actor=clerk, transition="start_processing", unit=unit, at=at)
    dossier = dossier_transition(dossier=dossier, actor=clerk, transition="finish", unit=unit, at=at, note=note,
                                 outcome=Outcome.APPROVED, finished_at=at)
    return dossier_transition(dossier=dossier, actor=clerk, transition="return_result", unit=unit, at=at,
                              note=_("Trả kết quả"), returned_at=at, returned_by=clerk,
                              collected_by=applicant.get("representative_name") or applicant["applicant_name"])


@transaction.atomic
def completion_request_issue(*, clerk, unit, version, applicant, components, reason, token=None):
    """Incomplete: Form 02 lists every component still missing, once, with the quantities
    needed; the dossier is not received and no code is consumed. The form's scans go."""
    _authorise(clerk, unit, version)
    staged = _staged(token, clerk)
    problems = reception_problems(action="completion", version=version, components=components, scanned=set(),
                                  reason=reason)
    if problems:
        raise ValidationError(problems)
    missing = [{"name": line["name"], **{k: line[k] for k in COUNTS}}
               for line in _lines(version, components) if not line["received"]]
    return _issue_once(token=token, clerk=clerk, unit=unit, staged=staged, version=version,
                       kind=CounterSlip.Kind.COMPLETION, applicant=applicant, missing_components=missing, reason=reason)


@transaction.atomic
def reception_refuse(*, clerk, unit, version, applicant, reason, components=(), token=None):
    """Not eligible: Form 03 with the reasons; nothing is received. The form's scans go."""
    _authorise(clerk, unit, version)
    staged = _staged(token, clerk)
    problems = reception_problems(action="refuse", version=version, components=components, scanned=set(),
                                  reason=reason)
    if problems:
        raise ValidationError(problems)
    return _issue_once(token=token, clerk=clerk, unit=unit, staged=staged, version=version,
                       kind=CounterSlip.Kind.REFUSAL, applicant=applicant, missing_components=[], reason=reason)


def reception_complete(*, clerk, unit, version, action, applicant, components, token, reason="", declarations=None,
                       **options):
    """The counter form's action: "receive" and "settle" return the Dossier, "completion" and
    "refuse" the CounterSlip. `options`: delivery, sets_count, note, is_priority, channel and
    intake_tracking_number."""
    if action == "receive":
        return dossier_receive(clerk=clerk, unit=unit, version=version, applicant=applicant, components=components,
                               token=token, declarations=declarations, **options)
    if action == "settle":
        if options.pop("channel", Channel.COUNTER) == Channel.POSTAL:
            raise ValidationError(_("Hồ sơ gửi qua bưu chính không giải quyết ngay tại quầy được: hãy tiếp nhận."))
        options.pop("intake_tracking_number", None)
        return dossier_receive_and_settle(clerk=clerk, unit=unit, version=version, applicant=applicant,
                                          components=components, token=token, declarations=declarations, **options)
    if action == "completion":
        return completion_request_issue(clerk=clerk, unit=unit, version=version, applicant=applicant,
                                        components=components, reason=reason, token=token)
    if action == "refuse":
        return reception_refuse(clerk=clerk, unit=unit, version=version, applicant=applicant, reason=reason,
                                components=components, token=token)
    raise ValueError(f"Unknown counter action {action!r}.")
