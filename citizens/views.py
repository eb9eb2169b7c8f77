"""Citizen pages: thin views that parse input, check ownership through the scoped selectors
(404 for anything not the citizen's own), call one service and render."""

import secrets

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from citizens.payments.services import payment_options
from dossiers import fees
from dossiers.files import private_file_response
from dossiers.models import Delivery, DossierFile, Status
from portal import throttle
from portal.audit import audit_subject, audited_read, dossier_readers, role_label
from portal.forms import LoginForm
from portal.models import ReadAccess, Role
from portal.permissions import role_required
from portal.selectors import current_unit
from procedures import catalogue_cache
from procedures.eforms.validation import text as eform_text
from procedures.models import OnlineLevel

from . import eforms, identity, selectors, services, views_eforms
from .forms import (
    ActivationForm,
    ApplicantForm,
    AssistedAccountForm,
    DeclarationForm,
    DeliveryForm,
    PhoneCodeForm,
    ProfileForm,
    RatingForm,
    SignupForm,
    SupplementForm,
    WithdrawForm,
)
from .models import CitizenProfile, OnlineDraft, Rating

User = get_user_model()
BACKEND = "citizens.auth.PersonalIdOrEmailBackend"


def _apply_errors(form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- accounts ----------------------------------------------------------------------------------


def signup(request):
    """Sign-up answers the same whether the ID number or e-mail already has an account (issue
    19): nobody is signed in, the page says a message was sent; a new account gets the
    verification link, an existing one a notice (citizens.services.citizen_register)."""
    if request.user.is_authenticated:
        return redirect("citizens:my_dossiers")
    form = SignupForm(request.POST or None)
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pairs = [(throttle.SIGNUP_IP, throttle.ip_key(request)),
                 (throttle.SIGNUP_IDENTITY, throttle.text_key(data["personal_id"])),
                 (throttle.SIGNUP_IDENTITY, throttle.text_key(data["email"]))]
        until = throttle.locked(pairs)
        if until is not None:
            throttle.refused(request, until, "signup")
            form.add_error(None, _("Bạn đăng ký quá nhiều lần.") + " " + throttle.wait_message(until))
            status = 429
        else:
            throttle.fail(pairs, request=request)
            services.citizen_register(full_name=data["full_name"], personal_id=data["personal_id"], phone=data["phone"],
                                      email=data["email"], password=data["password1"],
                                      base_url=request.build_absolute_uri("/"))
            # The page doubles as the sign-in screen (one screen fewer for a first-time citizen, issue 20).
            login_form = LoginForm(initial={"username": data["personal_id"]})
            login_form.fields["username"].widget.attrs.pop("autofocus", None)
            login_form.fields["password"].widget.attrs["autofocus"] = True
            return render(request, "citizens/signup_done.html",
                          {"email": data["email"], "next": next_url, "login_form": login_form})
    return render(request, "citizens/signup.html",
                  {"form": form, "providers": identity.configured_providers(), "next": next_url}, status=status)


def verify_email(request, token):
    try:
        services.email_verify(token=token)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã xác thực địa chỉ thư điện tử. Cảm ơn bạn."))
    return redirect("citizens:profile" if request.user.is_authenticated else "login")


@login_required
@require_POST
@ratelimit(key="user", rate="5/h", block=False)
def verification_resend(request):
    if getattr(request, "limited", False):
        messages.error(request, _("Bạn đã yêu cầu gửi lại quá nhiều lần. Vui lòng thử lại sau."))
    else:
        services.verification_send(user=request.user, base_url=request.build_absolute_uri("/"))
        messages.success(request, _("Đã gửi lại thư xác thực."))
    return redirect("citizens:profile")


@login_required
def verify_phone(request):
    form = PhoneCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.phone_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            messages.success(request, _("Đã xác thực số điện thoại."))
            return redirect("citizens:profile")
    return render(request, "citizens/verify_phone.html", {"form": form})


def activate(request, uidb64, token):
    """The one-time link a clerk hands to a walk-in citizen: set a password, then sign in. Its
    own token (citizens.services.ActivationTokenGenerator); wrong links are counted per address
    and per account and lock for a while."""
    pairs = [(throttle.LINK_IP, throttle.ip_key(request)), (throttle.LINK_ACCOUNT, throttle.text_key(uidb64))]
    until = throttle.locked(pairs)
    if until is not None:
        throttle.refused(request, until, "activation")
        return render(request, "citizens/activate.html", {"invalid": True, "wait": throttle.wait_message(until)},
                      status=429)
    user = services.activation_account(uidb64=uidb64, token=token)
    if user is None:
        throttle.fail(pairs, request=request)
        return render(request, "citizens/activate.html", {"invalid": True}, status=400)
    form = ActivationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            # The account as saved with its new password: signing in the stale object would store
            # the old password's hash in the session, which Django then rejects on the next page.
            user = services.citizen_activate(user=user, password=form.cleaned_data["password1"])
        except ValidationError:
            return render(request, "citizens/activate.html", {"invalid": True}, status=400)
        login(request, user, backend=BACKEND)
        messages.success(request, _("Đã kích hoạt tài khoản. Từ nay bạn đăng nhập bằng số định danh cá nhân và "
                                    "mật khẩu vừa đặt."))
        return redirect("citizens:my_dossiers")
    return render(request, "citizens/activate.html", {"form": form, "account": user})


@login_required
def profile(request):
    user = request.user
    account_profile, _created = CitizenProfile.objects.get_or_create(user=user)
    initial = {"full_name": user.full_name, "phone": user.phone, "email": user.email,
               "birth_date": account_profile.birth_date, "address": account_profile.address}
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, base_url=request.build_absolute_uri("/"), **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Đã lưu thông tin cá nhân. Thông tin này được điền sẵn vào các hồ sơ sau."))
            return redirect("citizens:profile")
    return render(request, "citizens/profile.html", {"form": form, "profile": account_profile})


def identity_start(request, provider):
    found = identity.get_provider(provider)
    if found is None:
        raise Http404
    state = secrets.token_urlsafe(24)
    request.session["citizens_idp_state"] = state
    callback = request.build_absolute_uri(reverse("citizens:identity_callback", args=[provider]))
    return redirect(found.authorization_url(request=request, state=state, callback_url=callback))


def identity_callback(request, provider):
    found = identity.get_provider(provider)
    if found is None:
        raise Http404
    expected = request.session.pop("citizens_idp_state", None)
    if not expected or request.GET.get("state") != expected:
        messages.error(request, _("Phiên đăng nhập không hợp lệ. Vui lòng thử lại."))
        return redirect("login")
    callback = request.build_absolute_uri(reverse("citizens:identity_callback", args=[provider]))
    try:
        claims = found.complete(request=request, callback_url=callback)
    except identity.IdentityError:
        messages.error(request, _("Không xác thực được danh tính qua %(name)s.") % {"name": found.label})
        return redirect("login")
    user = services.citizen_from_identity(provider=provider, claims=claims)
    login(request, user, backend=BACKEND)
    return redirect("citizens:my_dossiers")


@role_required(Role.CLERK)
def assisted_account(request):
    """Counter: open an account for a walk-in citizen and hand over the activation link."""
    unit = current_unit(request=request)
    form = AssistedAccountForm(request.POST or None)
    created = link = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        create = services.personal_id_reclaim if data.pop("reclaim") else services.citizen_create_assisted
        try:
            created, link = create(clerk=request.user, unit=unit, base_url=request.build_absolute_uri("/"), **data)
        except ValidationError as error:
            _apply_errors(form, error)
        except PermissionDenied:
            raise
    return render(request, "citizens/assisted_account.html",
                  {"form": form, "created": created, "link": link, "unit": unit})


# --- online submission wizard --------------------------------------------------------------------


# Who applies and how the result is delivered share the first screen (issue 20: one screen fewer
# for a first-time citizen); OnlineDraft.Step.DELIVERY stays for drafts saved on that step before.
STEPS = [OnlineDraft.Step.APPLICANT, OnlineDraft.Step.COMPONENTS, OnlineDraft.Step.REVIEW]


def _delivery_choices(version):
    # Level 3 ("một phần"): the result is collected in person; level 4 also online or by post.
    if version.online_level >= OnlineLevel.LEVEL_4:
        return [(Delivery.ONLINE, Delivery.ONLINE.label), (Delivery.POST, Delivery.POST.label),
                (Delivery.COUNTER, Delivery.COUNTER.label)]
    return [(Delivery.COUNTER, Delivery.COUNTER.label)]


@login_required
def submit_start(request, national_code):
    """/procedures/<code>/submit/: resume the open draft for this procedure, or start one."""
    version = selectors.online_version(national_code)
    draft = services.draft_start(citizen=request.user, version=version)
    return redirect("citizens:draft_step", pk=draft.pk, step=draft.step)


def _steps(draft):
    """The wizard's screens: the fixed steps, with one screen per section of each electronic
    declaration (tờ khai điện tử) after the applicant's."""
    return [STEPS[0], *(slug for slug, _r, _s in eforms.form_steps(draft.version)), *STEPS[1:]]


def _step_labels(draft):
    labels = {OnlineDraft.Step.APPLICANT: _("Người nộp, nhận kết quả"), OnlineDraft.Step.COMPONENTS: _("Giấy tờ"),
              OnlineDraft.Step.REVIEW: _("Xem lại, nộp")}
    for slug, _requirement, section in eforms.form_steps(draft.version):
        labels[slug] = eform_text(section["title"])
    return [(slug, labels[slug]) for slug in _steps(draft)]


def _wizard_context(request, draft, step, **extra):
    steps = _steps(draft)
    index = steps.index(step)
    return {"draft": draft, "version": draft.version, "step": step, "steps": steps, "step_index": index + 1,
            "step_labels": _step_labels(draft), "previous_step": steps[index - 1] if index else None, **extra}


@login_required
def draft_step(request, pk, step):
    draft = selectors.my_draft(user=request.user, pk=pk)
    if draft.state == OnlineDraft.State.SUBMITTED and draft.dossier_id:
        return redirect("citizens:dossier", code=draft.dossier.code)
    if draft.state == OnlineDraft.State.OPEN and step == OnlineDraft.Step.DELIVERY:
        # The delivery questions moved to the first screen; links and drafts of before land there.
        return redirect("citizens:draft_step", pk=draft.pk, step=OnlineDraft.Step.APPLICANT)
    if draft.state != OnlineDraft.State.OPEN or step not in _steps(draft):
        raise Http404
    if step.startswith("form-"):
        return views_eforms.step_form(request, draft, step, context=_wizard_context, next_step=_next)
    return {
        OnlineDraft.Step.APPLICANT: _step_applicant,
        OnlineDraft.Step.COMPONENTS: _step_components,
        OnlineDraft.Step.REVIEW: _step_review,
    }[step](request, draft)


def _next(draft, step):
    steps = _steps(draft)
    return steps[steps.index(step) + 1]


def _step_applicant(request, draft):
    """Who applies, where the dossier is filed and how the result comes back: two forms, one
    screen, both saved or neither (what was typed stays on the page when one has an error)."""
    step = OnlineDraft.Step.APPLICANT
    units = selectors.receiving_units_for(draft.version)
    initial = dict(draft.data.get("applicant") or {})
    if draft.unit_id:
        initial["unit"] = str(draft.unit_id)
    elif len(units) == 1:
        initial["unit"] = str(units[0].pk)
    form = ApplicantForm(request.POST or None, initial=initial, units=units)
    choices = _delivery_choices(draft.version)
    delivery_form = DeliveryForm(request.POST or None, choices=choices, optional_fees=fees.optional_fees(draft.version),
                                 initial=draft.data.get("delivery") or {"delivery": choices[0][0]})
    if request.method == "POST" and all([form.is_valid(), delivery_form.is_valid()]):
        unit = next(u for u in units if str(u.pk) == form.cleaned_data["unit"])
        delivery = {"delivery": delivery_form.cleaned_data["delivery"],
                    **{f"fee_{pk}": quantity for pk, quantity in delivery_form.requested_quantities().items()}}
        draft = services.draft_save(draft=draft, step="applicant", data=form.as_draft(), unit=unit,
                                    more={"delivery": delivery}, next_step=_next(draft, step))
        return redirect("citizens:draft_step", pk=draft.pk, step=_next(draft, step))
    return render(request, "citizens/wizard/applicant.html",
                  _wizard_context(request, draft, step, form=form, delivery_form=delivery_form,
                                  amount=fees.amount_for(draft.version)),
                  status=400 if request.method == "POST" else 200)


def _step_components(request, draft):
    step = OnlineDraft.Step.COMPONENTS
    requirements = list(draft.version.components.all())
    errors, missing_ids = {}, set()
    if request.method == "POST":
        for file_id in request.POST.getlist("remove"):
            if file_id.isdigit():
                services.draft_file_remove(draft=draft, file_id=int(file_id))
        reuse = request.POST.get("reuse", "")
        if reuse:
            requirement_pk, _sep, file_pk = reuse.partition(":")
            requirement = next((r for r in requirements if str(r.pk) == requirement_pk), None)
            source = selectors.wallet_file(user=request.user, pk=file_pk) if file_pk.isdigit() else None
            if requirement is None or source is None:
                raise Http404
            services.draft_file_reuse(draft=draft, requirement=requirement, source_file=source)
        for requirement in requirements:
            for upload in request.FILES.getlist(f"files-{requirement.pk}"):
                try:
                    services.draft_file_add(draft=draft, requirement=requirement, upload=upload)
                except ValidationError as error:
                    errors.setdefault(requirement.pk, []).extend(error.messages)
        if not errors and request.POST.get("action") == "next":
            have = set(draft.files.values_list("requirement_id", flat=True))
            missing = [r for r in requirements if r.is_required and r.pk not in have and r.needs_upload]
            if not missing:
                services.draft_save(draft=draft, step="components", data=True, next_step=_next(draft, step))
                return redirect("citizens:draft_step", pk=draft.pk, step=_next(draft, step))
            # A required component with no file is "missing", not "invalid" (issue 20).
            missing_ids = {r.pk for r in missing}
            for requirement in missing:
                errors.setdefault(requirement.pk, []).append(_("Còn thiếu: thành phần bắt buộc, hãy tải lên ít nhất "
                                                               "một tệp."))
        if not errors:
            return redirect("citizens:draft_step", pk=draft.pk, step=step)
    files = list(draft.files.all())
    wallet = selectors.wallet_list(request.user, limit=20)
    rows = [{"requirement": r, "files": [f for f in files if f.requirement_id == r.pk],
             "errors": errors.get(r.pk, []), "accept": ",".join(f".{t}" for t in r.accepted_type_list())}
            for r in requirements]
    status = 400 if errors else 200
    return render(request, "citizens/wizard/components.html",
                  _wizard_context(request, draft, step, rows=rows, wallet=wallet, has_missing=bool(missing_ids),
                                  has_invalid=bool(set(errors) - missing_ids)),
                  status=status)


def _step_review(request, draft, form=None, status=200):
    step = OnlineDraft.Step.REVIEW
    files = list(draft.files.all())
    components = [{"requirement": r, "files": [f for f in files if f.requirement_id == r.pk]}
                  for r in draft.version.components.all()]
    delivery = (draft.data.get("delivery") or {}).get("delivery")
    return render(request, "citizens/wizard/review.html", _wizard_context(
        request, draft, step, form=form or DeclarationForm(), components=components,
        declarations=views_eforms.review_declarations(draft),
        applicant=draft.data.get("applicant") or {}, problems=services.draft_problems(draft),
        delivery_label=Delivery(delivery).label if delivery in Delivery.values else "",
        fee_lines=services.draft_fee_lines(draft)), status=status)


@login_required
@require_POST
def draft_submit(request, pk):
    draft = selectors.my_draft(user=request.user, pk=pk)
    if draft.state == OnlineDraft.State.SUBMITTED and draft.dossier_id:
        return redirect("citizens:dossier", code=draft.dossier.code)
    form = DeclarationForm(request.POST)
    try:
        dossier, created = services.draft_submit(draft=draft, citizen=request.user,
                                                 declaration=form.is_valid() and form.cleaned_data["declaration"])
    except ValidationError as error:
        form.is_valid()
        for message in error.messages:
            if message not in form.non_field_errors() and message not in form.errors.get("declaration", []):
                form.add_error(None, message)
        return _step_review(request, selectors.my_draft(user=request.user, pk=pk), form=form, status=400)
    if created:
        messages.success(request, _("Đã nộp hồ sơ %(code)s. Bộ phận một cửa sẽ kiểm tra và thông báo kết quả "
                                    "cho bạn.") % {"code": dossier.code})
    return redirect("citizens:dossier", code=dossier.code)


@login_required
@require_POST
def draft_discard(request, pk):
    draft = selectors.my_draft(user=request.user, pk=pk)
    try:
        services.draft_discard(draft=draft)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(request, _("Đã hủy hồ sơ đang soạn."))
    return redirect("citizens:my_dossiers")





@login_required
@audited_read(ReadAccess.Action.FILE)
def draft_file(request, pk, file_id):
    draft = selectors.my_draft(user=request.user, pk=pk)
    stored = draft.files.filter(pk=file_id).first()
    if stored is None:
        raise Http404
    return private_file_response(stored, name=f"nhap-{draft.pk}-{stored.pk}")


# --- my dossiers ------------------------------------------------------------------------------


NEXT_ACTION = {
    Status.SUBMITTED: gettext_lazy("Chờ bộ phận một cửa kiểm tra"),
    Status.RECEIVED: gettext_lazy("Đã tiếp nhận, đang chuyển xử lý"),
    Status.PROCESSING: gettext_lazy("Đang xử lý, chờ kết quả"),
    Status.SUPPLEMENT_REQUESTED: gettext_lazy("Cần bạn bổ sung giấy tờ"),
    Status.PAYMENT_REQUESTED: gettext_lazy("Cần bạn nộp phí, lệ phí"),
    Status.RESULT_READY: gettext_lazy("Đã có kết quả, chờ trả"),
    Status.RETURNED: gettext_lazy("Đã trả kết quả: xem kết quả và đánh giá dịch vụ"),
    Status.NOT_ACCEPTED: gettext_lazy("Không được tiếp nhận: xem lý do"),
    Status.WITHDRAWN: gettext_lazy("Đã rút hồ sơ"),
    Status.STOPPED: gettext_lazy("Đã dừng xử lý: xem thông báo"),
}


@login_required
def my_dossiers(request):
    """A citizen's own dossiers, with open drafts to resume."""
    dossiers = list(selectors.my_dossiers(request.user)[:100])
    for dossier in dossiers:
        dossier.next_action = NEXT_ACTION.get(dossier.status, "")
        dossier.needs_me = dossier.status in (Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED) or (
            dossier.status == Status.RETURNED and not dossier.has_rating)
    return render(request, "citizens/my_dossiers.html",
                  {"dossiers": dossiers, "drafts": selectors.my_drafts(request.user)})


@login_required
@audited_read(ReadAccess.Action.DOSSIER)
def dossier_detail(request, code):
    dossier = selectors.my_dossier(user=request.user, code=code)
    audit_subject(request, dossier=dossier)
    catalogue_cache.prefetch_version_parts(dossier.procedure_version)  # the fee, read up to twice
    files = list(dossier.files.select_related("component"))
    supplement_event = None
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        supplement_event = dossier.events.filter(to_status=Status.SUPPLEMENT_REQUESTED).order_by("-at", "-pk").first()
    refusal_event = None
    if dossier.status in (Status.NOT_ACCEPTED, Status.STOPPED):
        refusal_event = dossier.events.filter(to_status=dossier.status).order_by("-at", "-pk").first()
    # Rated only once returned (the last status): no query for the others.
    rating = Rating.objects.filter(dossier=dossier).first() if dossier.status == Status.RETURNED else None
    context = {
        "dossier": dossier,
        "next_action": NEXT_ACTION.get(dossier.status, ""),
        "events": dossier.events.select_related("unit").order_by("at", "pk"),
        "component_files": [f for f in files if f.kind != DossierFile.Kind.RESULT],
        "result_files": [f for f in files if f.kind == DossierFile.Kind.RESULT]
        if dossier.status == Status.RETURNED else [],
        "supplement_event": supplement_event,
        "pause": dossier.pauses.filter(resumed_at__isnull=True).order_by("-requested_at").first()
        if supplement_event else None,
        "refusal_event": refusal_event,
        "supplement_form": SupplementForm(),
        "withdraw_form": WithdrawForm(),
        "rating": rating,
        "rating_form": RatingForm() if dossier.status == Status.RETURNED and rating is None else None,
        "payment": payment_options(dossier=dossier, user=request.user),
        "readers": [{**r, "role_label": role_label(r["role"])} for r in dossier_readers(dossier)],
    }
    return render(request, "citizens/dossier_detail.html", context)


@login_required
@audited_read(ReadAccess.Action.FILE)
def dossier_file(request, code, file_id):
    """A file of the citizen's own dossier; results only once returned."""
    dossier = selectors.my_dossier(user=request.user, code=code)
    stored = dossier.files.filter(pk=file_id).first()
    if stored is None or (stored.kind == DossierFile.Kind.RESULT and dossier.status != Status.RETURNED):
        raise Http404
    audit_subject(request, dossier=dossier, target=f"{dossier.code} {stored.pk} {stored.original_name}")
    return private_file_response(stored, name=f"{dossier.code}-{stored.pk}")


@login_required
@require_POST
def supplement(request, code):
    dossier = selectors.my_dossier(user=request.user, code=code)
    form = SupplementForm(request.POST)
    form.is_valid()
    try:
        services.supplement_upload(dossier=dossier, citizen=request.user, uploads=request.FILES.getlist("files"),
                                   note=form.cleaned_data.get("note", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Đã gửi giấy tờ bổ sung. Hồ sơ được xử lý tiếp."))
    return redirect("citizens:dossier", code=dossier.code)


@login_required
@require_POST
def withdraw(request, code):
    dossier = selectors.my_dossier(user=request.user, code=code)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng ghi lý do rút hồ sơ."))
        return redirect("citizens:dossier", code=dossier.code)
    try:
        services.withdraw(dossier=dossier, citizen=request.user, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Đã rút hồ sơ."))
    return redirect("citizens:dossier", code=dossier.code)


@login_required
@require_POST
def rate(request, code):
    dossier = selectors.my_dossier(user=request.user, code=code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn một mức độ hài lòng."))
        return redirect("citizens:dossier", code=dossier.code)
    try:
        services.rating_create(dossier=dossier, citizen=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá."))
    return redirect("citizens:dossier", code=dossier.code)


@login_required
def wallet(request):
    return render(request, "citizens/wallet.html", {"files": selectors.wallet_list(request.user)})


@login_required
@audited_read(ReadAccess.Action.FILE)
def wallet_download(request, pk):
    stored = selectors.wallet_file(user=request.user, pk=pk)
    audit_subject(request, dossier=stored.dossier, target=f"{stored.dossier.code} {stored.pk} {stored.original_name}")
    return private_file_response(stored, name=f"{stored.dossier.code}-{stored.pk}")



