from django import template

from citizens.models import Payment
from citizens.payments.services import amount_due
from portal import money
from workflow import policies

register = template.Library()


register.filter("vnd", money.vnd)


@register.inclusion_tag("citizens/_staff_payment.html", takes_context=True)
def dossier_payment(context, dossier):
    """For the staff dossier page: the fee payment of `dossier` (online or at the counter) and,
    for clerks of a level-4 procedure with a fee, the link to record a counter payment."""
    request = context.get("request")
    paid = Payment.objects.filter(dossier=dossier, state=Payment.State.PAID).first()
    due = amount_due(dossier.procedure_version)
    is_clerk = bool(request and policies.entitled(request.user, "payment_record", dossier))
    return {"dossier": dossier, "paid": paid, "due": due, "can_record": is_clerk and due > 0 and paid is None}
