from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dossiers.templatetags.dossier_tags import local_datetime
from portal.models import Unit
from workflow import policies
from workflow.routing import selectors, services

register = template.Library()



@register.inclusion_tag("workflow/_panel.html", takes_context=True)
def workflow_panel(context, dossier):
    """The route (hand-offs) of a dossier and the actions the signed-in user may take now, as
    workflow.policies decides them."""
    user = context["request"].user
    route = selectors.route_of(dossier)
    active = policies.active_step(dossier, route)
    apology, consultations, pauses = selectors.panel_rows(dossier)

    def may(action, **objects):
        return policies.may(user, action, dossier, route=route, **objects)

    can = {
        "online_check": may("online_accept"),
        "forward": may("forward"),
        "decide": may("approve"),
        "supplement": may("supplement"),
        "resume": may("resume"),
        "result": may("result"),
        "return": may("return"),
        "withdraw": may("withdraw"),
        "stop": may("stop"),
        "apology": apology is None and may("apology", apology_window=services.apology_window_open(dossier)),
        "apology_approve": may("apology_approve", apology=apology),
        "consult": may("consult"),
    }
    answerable = policies.answerable_consultations(user, consultations)
    return {
        "request": context["request"], "csrf_token": context.get("csrf_token"), "dossier": dossier,
        "route": route, "active": active, "can": can, "any_action": any(can.values()) or bool(answerable),
        "apology": apology, "consultations": consultations, "answerable": answerable,
        "pauses": pauses,
        "components": list(dossier.procedure_version.components.all())
        if can["supplement"] or can["online_check"] else [],
        "consult_units": list(Unit.objects.active().exclude(pk=active.unit_id).order_by("path"))
        if can["consult"] else [],
        "return_warnings": services.return_warnings(dossier) if can["return"] else [],
        "failed_action": context.get("failed_action"), "posted": context.get("posted") or {},
    }


@register.simple_tag(takes_context=True)
def inbox_rows(context, rows, is_leader, officers):
    """The <tr> of every step of the inbox (workflow/inbox.html), built in Python: 25 rows
    through the template language were a third of the officers' busiest page. A leader gets
    the assignment form in each row."""
    priority = format_html('<span class="badge text-bg-warning">{}</span>', _("Ưu tiên"))
    overdue = format_html(' <span class="badge text-bg-danger">{}</span>', _("Quá hạn"))
    if is_leader:
        token = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', context.get("csrf_token"))
        choose, assign, label = _("— chọn —"), _("Giao"), _("Giao cho")

    def handler(h):
        if not is_leader:
            return h.assignee.get_full_name() if h.assignee else "—"
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (o.pk, mark_safe(" selected") if o == h.assignee else "", o.get_full_name()) for o in officers))
        return format_html(
            '<form method="post" action="{}" class="d-flex gap-1">{}'
            '<select name="officer" class="form-select form-select-sm" aria-label="{}">'
            '<option value="">{}</option>{}</select>'
            '<button class="btn btn-sm btn-outline-secondary">{}</button></form>',
            reverse("workflow:assign", args=[h.pk]), token, label, choose, options, assign)

    return format_html_join("\n", (
        '<tr>\n'
        '      <td><a class="font-monospace" href="{}">{}</a>\n'
        '        {}\n'
        '        <div class="small">{} · {}</div></td>\n'
        '      <td class="small">{}</td>\n'
        '      <td class="small">{}</td>\n'
        '      <td class="small text-nowrap">{}{}</td>\n'
        '      <td class="small text-nowrap">{}</td>\n'
        '      <td class="small">{}</td>\n'
        '    </tr>'), (
        (reverse("workflow:dossier", args=[h.dossier.code]), h.dossier.code, priority if h.dossier.is_priority else "",
         h.dossier.applicant_name, h.dossier.get_status_display(), h.dossier.procedure.name, h.action,
         local_datetime(h.due_at), overdue if h.is_overdue else "", local_datetime(h.dossier.due_at) or "—",
         handler(h))
        for h in rows))
