"""Merging a unit into another (sáp nhập đơn vị), with its history kept.

Since 1 July 2025 (Decree 118/2025, DOMAIN §1) districts were dissolved and communes merged,
and an in-flight dossier must survive: its units are re-pointed, its history kept. Units are
never deleted. The merged unit gets `valid_to` and a `successor`; what is still moving (open
dossiers, unfinished hand-offs, open consultations, draft apologies, the catalogue, staff)
moves to the successor; what is finished (returned dossiers, done hand-offs with the old
unit name, events, slips, retired procedure versions) keeps the old unit. Every dossier whose
units or work moved gets one `DossierEvent` ("unit_merge": from which unit to which, and
what moved), so its history says why its units changed.

Entry point for operators: `python manage.py merge_units`.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import Dossier, DossierEvent, StatusGroup
from portal.models import Membership, Unit
from portal.services import membership_grant, membership_revoke
from procedures.models import Procedure, ProcedureVersion, RouteStep
from workflow.models import Apology, Consultation, Handoff

logger = logging.getLogger("portal.merger")

# Dossiers still in flight (StatusGroup.IN_FLIGHT): open, or with a result waiting at the
# counter (which must still exist to hand it over).
MERGE_TRANSITION = "unit_merge"
# The catalogue as it is and will be; retired versions are history.
LIVE_VERSION_STATES = [ProcedureVersion.Status.PUBLISHED, ProcedureVersion.Status.DRAFT]


@dataclass
class MergeReport:
    """What a merger changed (or, in a dry run, would change)."""

    source_code: str
    source_name: str
    target_code: str
    target_name: str
    effective: datetime.date
    dry_run: bool = False
    unit_closed: bool = False
    children: list = field(default_factory=list)  # codes of the re-parented units
    dossiers: list = field(default_factory=list)  # codes of the re-pointed dossiers
    dossiers_current: int = 0
    dossiers_receiving: int = 0
    handoffs: int = 0
    consultations: int = 0
    apologies: int = 0
    versions_receiving: int = 0
    versions_implementing: int = 0
    route_steps: int = 0
    procedures: int = 0
    memberships_ended: list = field(default_factory=list)  # "name — role"
    memberships_granted: list = field(default_factory=list)
    memberships_already: list = field(default_factory=list)  # already held the role at the target

    @property
    def changed(self):
        return any(self.counts().values())

    def counts(self):
        return {
            "unit_closed": int(self.unit_closed),
            "children": len(self.children),
            "dossiers": len(self.dossiers),
            "dossiers_current": self.dossiers_current,
            "dossiers_receiving": self.dossiers_receiving,
            "handoffs": self.handoffs,
            "consultations": self.consultations,
            "apologies": self.apologies,
            "versions_receiving": self.versions_receiving,
            "versions_implementing": self.versions_implementing,
            "route_steps": self.route_steps,
            "procedures": self.procedures,
            "memberships_ended": len(self.memberships_ended),
            "memberships_granted": len(self.memberships_granted),
        }

    def summary(self):
        """A few Vietnamese lines for the operator (and the log)."""
        names = {
            "source": self.source_name,
            "source_code": self.source_code,
            "target": self.target_name,
            "target_code": self.target_code,
            "date": f"{self.effective:%d/%m/%Y}",
            "last_day": f"{self.effective - datetime.timedelta(days=1):%d/%m/%Y}",
        }
        lines = []
        if self.dry_run:
            lines.append(_("CHẠY THỬ: không có thay đổi nào được lưu."))
        lines.append(
            _("Sáp nhập %(source)s (%(source_code)s) vào %(target)s (%(target_code)s), hiệu lực từ ngày %(date)s.")
            % names
        )
        if not self.changed:
            lines.append(_("Không có gì thay đổi: việc sáp nhập này đã được thực hiện trước đó."))
            return "\n".join(lines)
        if self.unit_closed:
            lines.append(_("Đơn vị %(source)s hết hiệu lực sau ngày %(last_day)s; đơn vị kế thừa: %(target)s.") % names)
        rows = [
            (_("Đơn vị trực thuộc chuyển sang đơn vị mới"), len(self.children)),
            (_("Hồ sơ đang giải quyết chuyển sang đơn vị mới (giữ nguyên mã hồ sơ)"), len(self.dossiers)),
            ("  " + _("trong đó đổi đơn vị đang xử lý"), self.dossiers_current),
            ("  " + _("trong đó đổi nơi tiếp nhận và trả kết quả"), self.dossiers_receiving),
            (_("Bước luân chuyển chưa hoàn thành chuyển sang đơn vị mới"), self.handoffs),
            (_("Xin ý kiến chưa trả lời chuyển sang đơn vị mới"), self.consultations),
            (_("Phiếu xin lỗi chờ duyệt chuyển sang đơn vị mới"), self.apologies),
            (_("Phiên bản thủ tục đổi nơi tiếp nhận hồ sơ"), self.versions_receiving),
            (_("Phiên bản thủ tục đổi cơ quan thực hiện"), self.versions_implementing),
            (_("Bước quy trình đổi đơn vị xử lý"), self.route_steps),
            (_("Thủ tục đổi đơn vị quản lý danh mục"), self.procedures),
            (_("Phân công cán bộ kết thúc tại đơn vị cũ"), len(self.memberships_ended)),
            (_("Phân công cán bộ mới tại đơn vị mới"), len(self.memberships_granted)),
        ]
        for label, count in rows:
            lines.append(f"- {label}: {count}")
        if self.children:
            lines.append(_("Đơn vị trực thuộc: %(codes)s") % {"codes": ", ".join(self.children)})
        for title, people in (
            (_("Kết thúc phân công:"), self.memberships_ended),
            (_("Phân công mới:"), self.memberships_granted),
            (_("Đã có vai trò tại đơn vị mới:"), self.memberships_already),
        ):
            if people:
                lines.append(title)
                lines.extend(f"  - {person}" for person in people)
        return "\n".join(lines)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back, whatever encloses it."""


def unit_merge(*, source, target, effective, actor=None, dry_run=False, keep_staff=True):
    """Merge `source` into `target` from the date `effective` (the first day the source no
    longer exists). One transaction; returns a MergeReport. Raises ValidationError when the
    merger is not allowed.

    Idempotent: the same merger run again finds nothing left to move and says so; a re-run
    also moves anything attached to the source since (e.g. a dossier received by a clerk who
    had a stale page open), so run it when the counters are closed and re-run it to be sure.
    """
    try:
        with transaction.atomic():
            report = _merge(source=source, target=target, effective=effective, actor=actor,
                            dry_run=dry_run, keep_staff=keep_staff)
            if dry_run:
                raise _DryRun
    except _DryRun:
        logger.info("Dry run of the merger of %s into %s on %s: %s",
                    report.source_code, report.target_code, effective, report.counts())
        return report
    for unit in (source, target):
        unit.refresh_from_db()
    if report.changed:
        logger.info("Merged unit %s into %s on %s by %s: %s",
                    report.source_code, report.target_code, effective, actor or "-", report.counts())
    else:
        logger.info("Merger of %s into %s on %s already done, nothing changed",
                    report.source_code, report.target_code, effective)
    return report


def _merge(*, source, target, effective, actor, dry_run, keep_staff):
    # Lock both units (in a stable order) so two mergers of the same units queue up.
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")}
    source, target = locked[source.pk], locked.get(target.pk, locked[source.pk])
    _check(source=source, target=target, effective=effective)
    report = MergeReport(
        source_code=source.code, source_name=source.name, target_code=target.code, target_name=target.name,
        effective=effective, dry_run=dry_run,
    )
    last_day = effective - datetime.timedelta(days=1)
    reason = _("Sáp nhập %(source)s vào %(target)s") % {"source": source.code, "target": target.code}

    if source.valid_to != last_day or source.successor_id != target.pk:
        source.valid_to, source.successor = last_day, target
        _audit(source, actor, reason)
        source.save(update_fields=["valid_to", "successor"])
        report.unit_closed = True

    # Unit.save re-roots each child's materialised path, with its whole subtree.
    for child in Unit.objects.filter(parent=source).order_by("path"):
        child.parent = target
        _audit(child, actor, reason)
        child.save(update_fields=["parent"])
        report.children.append(child.code)

    moved = defaultdict(list)  # dossier id -> what moved, for its event
    _move_dossiers(source=source, target=target, report=report, moved=moved)
    _move_work(source=source, target=target, report=report, moved=moved)
    _record_events(source=source, target=target, actor=actor, moved=moved)
    _move_catalogue(source=source, target=target, actor=actor, reason=reason, report=report)
    _move_staff(source=source, target=target, effective=effective, actor=actor, reason=reason,
                keep_staff=keep_staff, report=report)
    return report


def _check(*, source, target, effective):
    names = {"source": source.name, "target": target.name, "date": f"{effective:%d/%m/%Y}"}
    if source.pk == target.pk:
        raise ValidationError(_("Không thể sáp nhập đơn vị %(source)s vào chính nó.") % names)
    if target.path.startswith(source.path):
        raise ValidationError(
            _("Không thể sáp nhập đơn vị %(source)s vào %(target)s vì %(target)s là đơn vị cấp dưới của nó.") % names
        )
    if source.successor_id and source.valid_to:
        if source.successor_id != target.pk:
            raise ValidationError(
                _("Đơn vị %(source)s đã được sáp nhập vào %(successor)s (hết hiệu lực sau ngày %(last_day)s).")
                % {**names, "successor": source.successor.name, "last_day": f"{source.valid_to:%d/%m/%Y}"}
            )
        if source.valid_to != effective - datetime.timedelta(days=1):
            raise ValidationError(
                _("Đơn vị %(source)s đã được sáp nhập vào %(target)s với ngày hiệu lực khác "
                  "(hết hiệu lực sau ngày %(last_day)s); không đổi ngày bằng lệnh sáp nhập.")
                % {**names, "last_day": f"{source.valid_to:%d/%m/%Y}"}
            )
    # The source must have existed at least one day: valid_to (the day before) >= valid_from.
    if effective <= source.valid_from:
        raise ValidationError(
            _("Ngày sáp nhập (%(date)s) phải sau ngày đơn vị %(source)s bắt đầu hiệu lực (%(valid_from)s).")
            % {**names, "valid_from": f"{source.valid_from:%d/%m/%Y}"}
        )
    if not target.is_active(effective):
        raise ValidationError(_("Đơn vị %(target)s không có hiệu lực vào ngày %(date)s.") % names)


def _audit(instance, actor, reason):
    """Who and why, for django-simple-history's row of this save."""
    instance._history_user = actor
    instance._change_reason = reason


def _move_dossiers(*, source, target, report, moved):
    in_flight = Dossier.objects.filter(status__in=StatusGroup.IN_FLIGHT)
    current = set(in_flight.filter(current_unit=source).select_for_update().values_list("pk", flat=True))
    receiving = set(in_flight.filter(receiving_unit=source).select_for_update().values_list("pk", flat=True))
    for pk in sorted(current):
        moved[pk].append(_("đơn vị đang xử lý"))
    for pk in sorted(receiving):
        moved[pk].append(_("nơi tiếp nhận và trả kết quả"))
    now = timezone.now()
    # The code stays: it is the dossier's identity, printed on the citizen's slip.
    report.dossiers_current = Dossier.objects.filter(pk__in=current).update(current_unit=target, updated_at=now)
    report.dossiers_receiving = Dossier.objects.filter(pk__in=receiving).update(receiving_unit=target, updated_at=now)
    report.dossiers = list(
        Dossier.objects.filter(pk__in=current | receiving).order_by("code").values_list("code", flat=True)
    )


def _move_work(*, source, target, report, moved):
    in_flight = Q(dossier__status__in=StatusGroup.IN_FLIGHT)
    # Done hand-offs keep the unit and the name it had then (Form 05 is a historical record).
    report.handoffs = _repoint(
        Handoff.objects.filter(in_flight, unit=source, state__in=[Handoff.State.PENDING, Handoff.State.ACTIVE]),
        moved, _("bước xử lý chưa hoàn thành"), unit=target, unit_name=target.name)
    report.consultations = _repoint(Consultation.objects.filter(in_flight, unit=source, answered_at__isnull=True),
                                    moved, _("xin ý kiến chưa trả lời"), unit=target)
    report.apologies = _repoint(Apology.objects.filter(in_flight, unit=source, state=Apology.State.DRAFT),
                                moved, _("phiếu xin lỗi chờ duyệt"), unit=target)


def _repoint(queryset, moved, label, **values):
    """Update the rows (locked first) and note, per dossier, what moved; the number of rows."""
    rows = list(queryset.select_for_update(of=("self",)).values_list("pk", "dossier_id").order_by("pk"))
    for dossier_id in dict.fromkeys(dossier_id for _pk, dossier_id in rows):
        moved[dossier_id].append(label)
    return queryset.model.objects.filter(pk__in=[pk for pk, _d in rows]).update(**values) if rows else 0


def _record_events(*, source, target, actor, moved):
    """One "unit_merge" event per dossier whose units or work moved, in the merger's
    transaction: the same fields as dossiers.services.record_event writes (the dossier's
    status unchanged, from and to), in one bulk insert. No notification follows a merger
    (the outbox has nothing for this transition), so the event signal is not sent."""
    if not moved:
        return 0
    now = timezone.now()
    names = {"source": source.name, "source_code": source.code, "target": target.name, "target_code": target.code}
    events = []
    for pk, status in Dossier.objects.filter(pk__in=list(moved)).order_by("pk").values_list("pk", "status"):
        note = _("Sáp nhập đơn vị: chuyển từ %(source)s (%(source_code)s) sang %(target)s (%(target_code)s): "
                 "%(what)s.") % {**names, "what": ", ".join(str(part) for part in moved[pk])}
        events.append(DossierEvent(dossier_id=pk, actor=actor, unit=target, transition=MERGE_TRANSITION,
                                   from_status=status, to_status=status, note=note, at=now))
    DossierEvent.objects.bulk_create(events, batch_size=1000)
    return len(events)


def _move_catalogue(*, source, target, actor, reason, report):
    live = ProcedureVersion.objects.filter(status__in=LIVE_VERSION_STATES)
    relations = (("receiving_units", "versions_receiving"), ("implementing_units", "versions_implementing"))
    for relation, counter in relations:
        # Through the related manager, not the through table, so the version's history records it.
        for version in live.filter(**{relation: source}).distinct().order_by("pk"):
            _audit(version, actor, reason)
            units = getattr(version, relation)
            units.remove(source)
            units.add(target)
            setattr(report, counter, getattr(report, counter) + 1)
    for step in RouteStep.objects.filter(handler_unit=source, version__status__in=LIVE_VERSION_STATES).order_by("pk"):
        step.handler_unit = target
        _audit(step, actor, reason)
        step.save(update_fields=["handler_unit"])
        report.route_steps += 1
    report.procedures = Procedure.objects.filter(managing_unit=source).update(
        managing_unit=target, updated_at=timezone.now()
    )


def _move_staff(*, source, target, effective, actor, reason, keep_staff, report):
    last_day = effective - datetime.timedelta(days=1)
    memberships = (
        Membership.objects.filter(unit=source)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=last_day))
        .select_related("user")
        .order_by("user__full_name", "user__username", "role")
    )
    for membership in memberships:
        label = f"{membership.user} — {membership.get_role_display()}"
        _audit(membership, actor, reason)
        membership_revoke(membership=membership, on=last_day)
        report.memberships_ended.append(label)
        if not keep_staff:
            continue
        held = Membership.objects.filter(user=membership.user, unit=target, role=membership.role).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=effective)
        )
        if held.exists():
            # membership_grant would overwrite that membership's dates and head flag.
            report.memberships_already.append(label)
            continue
        # Not the head of the new unit: it has its own; the leader decides who heads it now.
        membership_grant(user=membership.user, unit=target, role=membership.role, title=membership.title,
                         valid_from=effective)
        report.memberships_granted.append(label)
