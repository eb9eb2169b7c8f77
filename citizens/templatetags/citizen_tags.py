from django import template

from citizens.models import Payment
from dossiers import fees
from dossiers.models import Status
from portal import money
from workflow import policies

register = template.Library()


register.filter("vnd", money.vnd)


@register.inclusion_tag("citizens/_staff_payment.html", takes_context=True)
def dossier_payment(context, dossier):
    """For the staff dossier page: the fee payment of `dossier` (online or at the counter) and,
    for clerks of a level-4 procedure with a fee, the link to record a counter payment."""
    request = context.get("request")
    due = fees.amount_due(dossier)
    # Nothing can have been paid for a dossier that owes nothing: no query then.
    paid = Payment.objects.filter(dossier=dossier, state=Payment.State.PAID).first() if due > 0 else None
    is_clerk = bool(request and policies.entitled(request.user, "payment_record", dossier))
    return {"dossier": dossier, "paid": paid, "due": due, "can_record": is_clerk and due > 0 and paid is None}


@register.inclusion_tag("citizens/_signup_inline.html", takes_context=True)
def signup_inline(context, next_url=""):
    """On the sign-in page, the sign-up form folded under "no account yet?": a first-time citizen
    signs up without leaving the page they were sent to (issue 20: fewer screens). It posts to
    the sign-up view, which answers and re-renders errors exactly as its own page does."""
    from citizens import identity
    from citizens.forms import SignupForm

    return {"form": SignupForm(), "next": next_url, "providers": identity.configured_providers(),
            "request": context.get("request")}


@register.inclusion_tag("citizens/rating/_counter_links.html", takes_context=True)
def walk_in_rating_links(context, dossier):
    """For the receiving counter's clerk on a returned dossier: the kiosk rating screen and the
    return slip (with the rate-later QR code and the guide to going online next time)."""
    request = context.get("request")
    show = (dossier.status == Status.RETURNED and request is not None
            and policies.entitled(request.user, "walk_in_rating", dossier))
    return {"dossier": dossier, "show": show}
