"""Feedback (phản ánh, kiến nghị) for anyone, answered by supervisors; procedure guides."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit

from dossiers import fees
from portal.models import Role
from portal.permissions import role_required
from procedures.selectors import public_procedure_detail

from . import selectors, services
from .forms import FeedbackAnswerForm, FeedbackForm, FeedbackLookupForm
from .models import Feedback


@ratelimit(key="ip", rate="10/h", method="POST", block=False)
def feedback_new(request):
    user = request.user
    initial = {"sender_name": user.full_name, "sender_email": user.email,
               "sender_phone": user.phone} if user.is_authenticated else {}
    initial["dossier_code"] = request.GET.get("dossier", "")[:64]
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and getattr(request, "limited", False):
        form.add_error(None, _("Bạn gửi quá nhiều phản ánh. Vui lòng thử lại sau."))
    elif request.method == "POST" and form.is_valid():
        feedback = services.feedback_submit(sender=user, **form.cleaned_data)
        request.session.setdefault("citizens_feedback", [])
        request.session["citizens_feedback"] = [*request.session["citizens_feedback"], feedback.tracking_code][-20:]
        messages.success(request, _("Đã gửi phản ánh, kiến nghị. Mã theo dõi của bạn: %(code)s.")
                         % {"code": feedback.tracking_code})
        return redirect("citizens:feedback_detail", code=feedback.tracking_code)
    return render(request, "citizens/feedback/new.html", {"form": form, "lookup": FeedbackLookupForm()})


def feedback_lookup(request):
    form = FeedbackLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("citizens:feedback_detail", code=form.cleaned_data["code"].strip().upper())
    return redirect("citizens:feedback_new")


@ratelimit(key="ip", rate="30/m", block=True)
def feedback_detail(request, code):
    """Anyone holding the tracking code sees the feedback and its answer (the code is random,
    like the dossier PIN); no contact details are shown."""
    feedback = Feedback.objects.filter(tracking_code=code.upper()).select_related("unit", "procedure").first()
    if feedback is None:
        raise Http404
    return render(request, "citizens/feedback/detail.html", {"feedback": feedback})


@role_required(Role.SUPERVISOR)
def feedback_manage(request):
    qs = selectors.feedback_for_supervisor(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.filter(answered_at__isnull=True).order_by("due_at")
    else:
        qs = qs.order_by("-created_at")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "citizens/feedback/manage.html", {"page": page, "show": show})


@role_required(Role.SUPERVISOR)
def feedback_answer(request, code):
    feedback = selectors.feedback_for_supervisor(request.user).filter(tracking_code=code).first()
    if feedback is None:
        raise Http404
    form = FeedbackAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(feedback=feedback, supervisor=request.user, answer=form.cleaned_data["answer"])
        except ValidationError as error:
            form.add_error(None, error)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Đã gửi trả lời."))
            return redirect("citizens:feedback_manage")
    return render(request, "citizens/feedback/answer.html", {"feedback": feedback, "form": form})


def guide(request, national_code):
    """Plain-Vietnamese steps to do this procedure online (also printed with returned results)."""
    procedure, version = public_procedure_detail(national_code=national_code)
    return render(request, "citizens/guide.html", {"procedure": procedure, "version": version,
                                                   "amount": fees.amount_for(version)})
