"""Indicators of the supervision statistics: rates and shares computed from one row of figures
(Decision 766/QĐ-TTg), the online-service indicators, complaints and citizens' ratings. The
counting rules of the figures themselves are in workflow/supervision/direct_counts.py."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dossiers.models import Channel, Dossier
from procedures.models import OnlineLevel, Procedure, ProcedureVersion


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def on_time_rate(row):
    """Decision 766: (finished early or on time + in progress within due) / (finished + in
    progress) × 100."""
    good = row["finished_early"] + row["finished_on_time"] + row["in_progress_on_time"]
    return _percent(good, row["finished"] + row["in_progress"])


def step_on_time_rate(row):
    """The same rate over a unit's own steps."""
    good = row["steps_early"] + row["steps_on_time"] + row["steps_in_progress"] - row["steps_in_progress_late"]
    return _percent(good, row["steps_finished"] + row["steps_in_progress"])


def online_share(row):
    """Online dossiers / received × 100."""
    return _percent(row["received_online"], row["received"])


def digitised_share(row):
    """Received dossiers with digitised components / received × 100."""
    return _percent(row["digitised"], row["received"])


def electronic_result_share(row):
    """Finished dossiers with an electronic result / finished × 100."""
    return _percent(row["electronic_result"], row["finished"])


def late_share(row):
    """(finished late + in progress late) / (finished + in progress) × 100."""
    return _percent(row["finished_late"] + row["in_progress_late"], row["finished"] + row["in_progress"])


def average_days(row):
    """Mean working days from reception to result over the dossiers finished in the period."""
    if not row["days_count"]:
        return None
    return (row["days_sum"] / row["days_count"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def online_payment_share(row):
    """Dossiers whose fees were paid online / dossiers whose fees were paid, in the period."""
    return _percent(row["paid_online"], row["paid"])


def decorate(row):
    """The row with its indicators, for templates and exports."""
    return {**row, "on_time_rate": on_time_rate(row), "online_share": online_share(row),
            "digitised_share": digitised_share(row), "electronic_result_share": electronic_result_share(row),
            "average_days": average_days(row), "late_share": late_share(row),
            "online_payment_share": online_payment_share(row)}


def online_procedures(*, unit_ids, period):
    """Decision 766: procedures offered online (level 3 or 4 in force at the period's end)
    and, of those, the ones with at least one online dossier received in the scope."""
    offered = offered_online(period)
    used = offered.filter(Exists(Dossier.objects.filter(
        procedure=OuterRef("pk"), receiving_unit__in=unit_ids, channel=Channel.ONLINE,
        received_at__gte=period.start, received_at__lt=period.end)))
    return online_share_of(offered.count(), used.count())


def offered_online(period):
    """Procedures with a level 3 or 4 version in force at the period's end (or today)."""
    on = min(period.last, timezone.localdate())
    return Procedure.objects.filter(Exists(
        ProcedureVersion.objects.in_force(on).filter(procedure=OuterRef("pk"), online_level__gte=OnlineLevel.LEVEL_3)
    ))


def online_share_of(n_offered, n_used):
    return {"offered": n_offered, "used": n_used, "share": _percent(n_used, n_offered)}


def feedback_figures(*, unit_ids, period, now=None):
    """Feedback (phản ánh, kiến nghị) about the scope's units: complaints received in the
    period, and feedback due in the period answered by its due date (Decision 766)."""
    now = now or timezone.now()
    try:
        model = apps.get_model("citizens", "Feedback")
    except LookupError:
        return {"complaints": 0, "due": 0, "answered_on_time": 0, "on_time_share": None}
    qs = model.objects.filter(unit__in=unit_ids)
    result = qs.aggregate(
        complaints=Count("pk", filter=Q(kind="complaint", created_at__gte=period.start, created_at__lt=period.end)),
        due=Count("pk", filter=Q(due_at__gte=period.start, due_at__lt=min(period.end, now))),
        answered_on_time=Count("pk", filter=Q(due_at__gte=period.start, due_at__lt=min(period.end, now),
                                              answered_at__lte=F("due_at"))),
    )
    result["on_time_share"] = _percent(result["answered_on_time"], result["due"])
    return result


def satisfaction(row, feedback):
    """Decision 766: 100% − (% late + % with complaints), both over the period's dossiers."""
    late = late_share(row)
    if late is None:
        return None
    complaints = _percent(feedback["complaints"], row["received"]) or Decimal("0")
    return max(Decimal("100") - late - complaints, Decimal("0"))


def indicators_766(row, *, online, feedback):
    """The Decision 766 indicators the portal can compute from its own data, each with the
    formula the page shows. Values are percentages, or days for the processing time; None =
    no data."""
    return [
        {"key": "on_time", "name": _("Tỷ lệ hồ sơ giải quyết đúng hạn"), "value": on_time_rate(row), "unit": "%",
         "formula": _("(Đã giải quyết trước hạn và đúng hạn + Đang giải quyết trong hạn) ÷ (Đã giải quyết + "
                      "Đang giải quyết) × 100; hồ sơ yêu cầu bổ sung từ 2 lần trở lên tính là quá hạn; thời "
                      "gian tạm dừng chờ bổ sung không tính.")},
        {"key": "average_days", "name": _("Thời gian giải quyết trung bình"), "value": average_days(row),
         "unit": _("ngày làm việc"),
         "formula": _("Tổng số ngày làm việc từ khi tiếp nhận đến khi có kết quả ÷ Số hồ sơ đã giải quyết trong kỳ.")},
        {"key": "online_share", "name": _("Tỷ lệ hồ sơ trực tuyến"), "value": online_share(row), "unit": "%",
         "formula": _("Hồ sơ nộp trực tuyến ÷ Hồ sơ tiếp nhận trong kỳ × 100.")},
        {"key": "online_procedures", "name": _("Tỷ lệ thủ tục trực tuyến có phát sinh hồ sơ"),
         "value": online["share"], "unit": "%",
         "formula": _("Thủ tục cung cấp trực tuyến có ít nhất 1 hồ sơ trực tuyến (%(used)s) ÷ Thủ tục cung cấp "
                      "trực tuyến (%(offered)s) × 100.") % online},
        {"key": "digitised", "name": _("Tỷ lệ hồ sơ có số hóa thành phần"), "value": digitised_share(row),
         "unit": "%", "formula": _("Hồ sơ tiếp nhận có tệp thành phần số hóa ÷ Hồ sơ tiếp nhận × 100.")},
        {"key": "electronic_result", "name": _("Tỷ lệ hồ sơ có kết quả điện tử"),
         "value": electronic_result_share(row), "unit": "%",
         "formula": _("Hồ sơ đã giải quyết có tệp kết quả điện tử ÷ Hồ sơ đã giải quyết × 100.")},
        {"key": "online_payment", "name": _("Tỷ lệ hồ sơ thanh toán trực tuyến"),
         "value": online_payment_share(row), "unit": "%",
         "formula": _("Hồ sơ nộp phí, lệ phí trực tuyến ÷ Hồ sơ đã nộp phí, lệ phí trong kỳ × 100.")},
        {"key": "feedback", "name": _("Tỷ lệ phản ánh, kiến nghị được trả lời đúng hạn"),
         "value": feedback["on_time_share"], "unit": "%",
         "formula": _("Phản ánh, kiến nghị đến hạn trong kỳ đã trả lời đúng hạn ÷ Phản ánh, kiến nghị đến hạn "
                      "trong kỳ × 100.")},
        {"key": "satisfaction", "name": _("Mức độ hài lòng"), "value": satisfaction(row, feedback), "unit": "%",
         "formula": _("100% − (% hồ sơ quá hạn + % hồ sơ bị phản ánh): số phản ánh trong kỳ ÷ Hồ sơ tiếp nhận.")},
    ]


# --- ratings (citizens' evaluation, 1–5) ------------------------------------------------------

RATING_LABELS = [gettext_lazy("Thất vọng"), gettext_lazy("Chưa tốt"), gettext_lazy("Chấp nhận"),
                 gettext_lazy("Tốt"), gettext_lazy("Yêu thích")]


def rating_model():
    """The citizens' rating (citizens.Rating: a 1–5 score per dossier), if installed."""
    try:
        return apps.get_model("citizens", "Rating")
    except LookupError:
        return None


def ratings(*, unit_ids, period):
    """Distribution (score -> count) and average of the ratings of the scope's dossiers given
    in the period, or None when the portal has no rating data model."""
    model = rating_model()
    if model is None:
        return None
    qs = model.objects.filter(dossier__receiving_unit__in=unit_ids, created_at__gte=period.start,
                              created_at__lt=period.end)
    counts = dict(qs.values_list("score").annotate(n=Count("pk")).order_by())
    distribution = [(score, RATING_LABELS[score - 1], counts.get(score, 0)) for score in range(1, 6)]
    n = sum(c for _s, _l, c in distribution)
    average = (Decimal(sum(s * c for s, _l, c in distribution)) / n).quantize(Decimal("0.01")) if n else None
    return {"distribution": distribution, "count": n, "average": average}
