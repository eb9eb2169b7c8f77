"""Writes of the citizens app: one business action per function, each in one transaction.
A dossier's state is only ever changed through dossiers.services / workflow.services."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from citizens.selectors import feedback_for_supervisor
from dossiers import fees
from dossiers.models import Channel, Dossier, Status
from dossiers.services import dossier_submit_online
from dossiers.uploads import daily_quota_take, inspect_upload, quota_check
from portal import workdays
from portal.models import Role
from portal.object_storage import store_upload
from portal.permissions import has_role
from portal.validators import normalise_phone
from workflow import policies
from workflow.routing.services import dossier_withdraw, supplement_resume

from . import eforms, messaging
from .models import CitizenProfile, DraftFile, Feedback, OnlineDraft, Rating

logger = logging.getLogger(__name__)
User = get_user_model()

EMAIL_SALT = "citizens.verify-email"
EMAIL_MAX_AGE = 3 * 24 * 3600
PHONE_WINDOW = 30 * 60


def absolute(path, *, base_url=""):
    """Links in e-mails and on printed slips: PUBLIC_BASE_URL when set, else the request's host."""
    base = getattr(settings, "PUBLIC_BASE_URL", "") or base_url or "http://127.0.0.1:8000"
    return base.rstrip("/") + path


# --- accounts ----------------------------------------------------------------------------------


def _check_unique(*, personal_id, email, exclude_pk=None):
    users = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if personal_id and users.filter(personal_id=personal_id).exists():
        raise ValidationError({"personal_id": _("Số định danh cá nhân này đã có tài khoản. Hãy đăng nhập hoặc "
                                                "dùng chức năng quên mật khẩu.")})
    if email and users.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Thư điện tử này đã được dùng cho một tài khoản khác.")})


@transaction.atomic
def citizen_register(*, full_name, personal_id, phone, email, password, base_url=""):
    """Sign-up: the account is usable at once; the e-mail and the phone are verified through a
    link and a code, written to the outbox with the account (sent after commit).

    When the ID number or the e-mail already has an account nothing is created and None is
    returned: the caller answers exactly as for a new account (issue 19: sign-up must not tell
    whether someone has an account), and the mailboxes concerned are told instead."""
    email = email.strip().lower()
    taken = list(User.objects.filter(Q(personal_id=personal_id) | Q(email__iexact=email)).only("email"))
    if taken:
        _tell_existing(addresses={user.email.lower() for user in taken if user.email} | {email}, base_url=base_url)
        return None
    user = User(username=personal_id, full_name=full_name.strip(), personal_id=personal_id,
                phone=normalise_phone(phone), email=email)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a sign-up with the same ID number at the same moment
        _tell_existing(addresses={email}, base_url=base_url)
        return None
    CitizenProfile.objects.create(user=user)
    verification_send(user=user, base_url=base_url)
    logger.info("citizen signed up user=%s", user.pk)
    return user


def _tell_existing(*, addresses, base_url):
    login_url = absolute(reverse("login"), base_url=base_url)
    for address in sorted(addresses):
        messaging.signup_existing_message(address=address, login_url=login_url)
    logger.info("sign-up with an ID number or e-mail that has an account: no account created")


def email_verification_token(user):
    return signing.dumps({"u": user.pk, "e": user.email}, salt=EMAIL_SALT)


def phone_code(user, window=None):
    window = int(timezone.now().timestamp() // PHONE_WINDOW) if window is None else window
    digest = salted_hmac("citizens.verify-phone", f"{user.pk}:{user.phone}:{window}").hexdigest()
    return f"{int(digest[:10], 16) % 10**6:06d}"


@transaction.atomic
def verification_send(*, user, base_url=""):
    """Write the e-mail verification link and the phone code to the outbox. The code is that of
    the current 30-minute window (accepted in the next one too)."""
    link = absolute(reverse("citizens:verify_email", args=[email_verification_token(user)]), base_url=base_url)
    return messaging.verification_messages(user=user, email_link=link, phone_code=phone_code(user))


@transaction.atomic
def email_verify(*, token):
    """Mark the e-mail verified if `token` is valid, fresh and still about the current address."""
    try:
        data = signing.loads(token, salt=EMAIL_SALT, max_age=EMAIL_MAX_AGE)
    except signing.BadSignature:
        raise ValidationError(_("Liên kết xác thực không hợp lệ hoặc đã hết hạn. Hãy yêu cầu gửi lại.")) from None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        raise ValidationError(_("Liên kết xác thực không còn đúng với tài khoản. Hãy yêu cầu gửi lại."))
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    return user


@transaction.atomic
def phone_verify(*, user, code):
    now_window = int(timezone.now().timestamp() // PHONE_WINDOW)
    if not any(constant_time_compare(code.strip(), phone_code(user, w)) for w in (now_window, now_window - 1)):
        raise ValidationError(_("Mã xác thực không đúng hoặc đã hết hạn."))
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    profile.phone_verified_at = timezone.now()
    profile.save(update_fields=["phone_verified_at"])
    return profile


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """The activation link's own token (not a password-reset token: issue 19). It stops
    working once a password is set (the hash changes) and as soon as the account is
    deactivated; it expires after PASSWORD_RESET_TIMEOUT."""

    key_salt = "citizens.services.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.password}{user.is_active}{user.has_usable_password()}{timestamp}"


activation_token = ActivationTokenGenerator()


def activation_path(user):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("citizens:activate", args=[uid, activation_token.make_token(user)])


def activation_account(*, uidb64, token):
    """The account an activation link is for, or None when the link is wrong, used, expired, or
    the account was deactivated or already has a password."""
    try:
        user = User.objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if not user.is_active or user.has_usable_password() or not activation_token.check_token(user, token):
        return None
    return user


@transaction.atomic
def citizen_create_assisted(*, clerk, unit, full_name, personal_id, phone, email="", base_url=""):
    """Assisted submission: a clerk opens an account for a walk-in citizen, who receives a
    one-time activation link (valid until used or PASSWORD_RESET_TIMEOUT) to set a password."""
    if not policies.holds(clerk, (Role.CLERK,), unit):
        raise PermissionDenied
    _check_unique(personal_id=personal_id, email=email)
    user = User(username=personal_id, full_name=full_name.strip(), personal_id=personal_id,
                phone=normalise_phone(phone), email=(email or "").strip().lower())
    user.set_unusable_password()
    user.save()
    CitizenProfile.objects.create(user=user, created_by=clerk)
    link = absolute(activation_path(user), base_url=base_url)
    messaging.activation_message(user=user, link=link, unit=unit)
    return user, link


@transaction.atomic
def personal_id_reclaim(*, clerk, unit, full_name, personal_id, phone, email="", base_url=""):
    """Counter: the owner of an ID number, identified in person from their card, takes it back
    from an account someone else registered with it (issue 19). That account keeps its dossiers
    but loses the ID number and is deactivated (its sessions end at once); the owner gets a
    new account with a one-time activation link, as in citizen_create_assisted."""
    if not policies.holds(clerk, (Role.CLERK,), unit):
        raise PermissionDenied
    holder = User.objects.select_for_update().filter(personal_id=personal_id).first()
    if holder is None:
        raise ValidationError({"personal_id": _("Số định danh cá nhân này chưa có tài khoản: bỏ chọn thu hồi và tạo "
                                                "tài khoản mới.")})
    if holder.is_superuser or holder.is_staff or has_role(holder, *Role.values):
        raise ValidationError({"personal_id": _("Số định danh này thuộc tài khoản cán bộ; liên hệ quản trị hệ thống.")})
    email = (email or "").strip().lower()
    holder_fields = {"personal_id": None, "username": f"thu-hoi-{holder.pk}", "is_active": False}
    if email and holder.email.lower() == email:
        holder_fields["email"] = ""
    User.objects.filter(pk=holder.pk).update(**holder_fields)
    logger.warning("personal id reclaimed at the counter: account %s deactivated, clerk %s, unit %s",
                   holder.pk, clerk.pk, unit.pk)
    return citizen_create_assisted(clerk=clerk, unit=unit, full_name=full_name, personal_id=personal_id,
                                   phone=phone, email=email, base_url=base_url)


@transaction.atomic
def citizen_activate(*, user, password):
    """Set the first password; the activation link stops working at once (its token is
    derived from the password hash). Never re-enables a deactivated account."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active or user.has_usable_password():
        raise ValidationError(_("Liên kết kích hoạt không hợp lệ hoặc đã được dùng."))
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def profile_update(*, user, full_name, phone, email, birth_date=None, address="", base_url=""):
    _check_unique(personal_id=None, email=email, exclude_pk=user.pk)
    email = (email or "").strip().lower()
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    email_changed = email != user.email
    user.full_name, user.phone, user.email = full_name.strip(), normalise_phone(phone), email
    user.full_clean(exclude=["password", "username"])
    user.save(update_fields=["full_name", "phone", "email"])
    profile.birth_date, profile.address = birth_date, address.strip()
    fields = ["birth_date", "address"]
    if email_changed:
        profile.email_verified_at = None
        fields.append("email_verified_at")
        verification_send(user=user, base_url=base_url)
    profile.save(update_fields=fields)
    return user


@transaction.atomic
def citizen_from_identity(*, provider, claims):
    """National sign-in: the account with the asserted ID number, created on first sign-in."""
    user = User.objects.filter(personal_id=claims.personal_id).first()
    if user is None:
        user = User(username=claims.personal_id, personal_id=claims.personal_id, full_name=claims.full_name,
                    phone=normalise_phone(claims.phone), email=(claims.email or "").lower())
        user.set_unusable_password()
        user.save()
    profile, _created = CitizenProfile.objects.get_or_create(user=user)
    profile.identity_provider = provider
    if claims.birth_date and not profile.birth_date:
        profile.birth_date = claims.birth_date
    profile.save()
    return user


def applicant_initial(user):
    """The profile as applicant fields of a dossier (pre-fills every form)."""
    profile = getattr(user, "citizen_profile", None)
    return {
        "applicant_name": user.full_name,
        "applicant_personal_id": user.personal_id or "",
        "applicant_phone": user.phone,
        "applicant_email": user.email,
        "applicant_birth_date": profile.birth_date.isoformat() if profile and profile.birth_date else "",
        "applicant_address": profile.address if profile else "",
    }


# --- online submission -------------------------------------------------------------------------


def _lock_draft(draft):
    return OnlineDraft.objects.select_for_update(of=("self",)).select_related("version", "unit").get(pk=draft.pk)


def _require_open(draft):
    if draft.state != OnlineDraft.State.OPEN:
        raise ValidationError(_("Hồ sơ này đã được nộp, không sửa được nữa."), code="not_open")


@transaction.atomic
def draft_start(*, citizen, version):
    """The citizen's open draft for this procedure version, or a new one pre-filled from the
    profile (one open draft per procedure: coming back resumes it)."""
    draft = OnlineDraft.objects.filter(citizen=citizen, version=version, state=OnlineDraft.State.OPEN).first()
    if draft is None:
        draft = OnlineDraft.objects.create(citizen=citizen, version=version,
                                           data={"applicant": applicant_initial(citizen)})
    return eforms.ensure_answers(draft)


@transaction.atomic
def draft_save(*, draft, step, data, unit=None, next_step=None, more=None):
    """Save one step's answers (the draft survives a dropped connection); `more` holds other
    steps' answers asked on the same screen ({"delivery": …} beside the applicant's)."""
    draft = _lock_draft(draft)
    _require_open(draft)
    answers = {step: data, **(more or {})}
    draft.data = {**draft.data, **answers, **{f"{name}_done": True for name in answers}}
    fields = ["data", "step", "updated_at"]
    if unit is not None:
        draft.unit = unit
        fields.append("unit")
    if next_step:
        draft.step = next_step
    draft.save(update_fields=fields)
    return draft


@transaction.atomic
def draft_file_add(*, draft, requirement, upload):
    """Keep an upload for a component, checked by content (PDF/JPEG/PNG, size) right away."""
    draft = _lock_draft(draft)
    _require_open(draft)
    if requirement is not None and requirement.version_id != draft.version_id:
        raise PermissionDenied
    allowed = requirement.accepted_type_list() if requirement is not None else []
    quota_check(scope="draft", files=draft.files.all(), size=upload.size or 0, name=upload.name)
    content_type, size, sha256, scan_verdict = inspect_upload(upload)
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    if allowed and extension not in allowed and not (extension == "jpg" and "jpeg" in allowed):
        raise ValidationError(_("Tệp “%(name)s”: thành phần này chỉ nhận %(types)s.")
                              % {"name": upload.name, "types": ", ".join(t.upper() for t in allowed)})
    daily_quota_take(user=draft.citizen, size=size, name=upload.name)
    item = DraftFile(draft=draft, requirement=requirement, original_name=(upload.name or "tep")[-255:],
                     content_type=content_type, size=size, sha256=sha256, scan_verdict=scan_verdict)
    store_upload(item.file, item.original_name, upload)
    item.save()
    OnlineDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return item


@transaction.atomic
def draft_file_reuse(*, draft, requirement, source_file):
    """One click: a file from the citizen's wallet becomes a file of this draft. `source_file`
    must come from selectors.wallet_files(draft.citizen)."""
    draft = _lock_draft(draft)
    _require_open(draft)
    if source_file.dossier.citizen_id != draft.citizen_id:
        raise PermissionDenied
    if requirement is not None and requirement.version_id != draft.version_id:
        raise PermissionDenied
    existing = draft.files.filter(requirement=requirement, source_file=source_file).first()
    if existing:
        return existing
    return DraftFile.objects.create(
        draft=draft, requirement=requirement, source=DraftFile.Source.WALLET, source_file=source_file,
        file=source_file.file.name, original_name=source_file.original_name, content_type=source_file.content_type,
        size=source_file.size, sha256=source_file.sha256,
    )


@transaction.atomic
def draft_file_remove(*, draft, file_id):
    draft = _lock_draft(draft)
    _require_open(draft)
    item = draft.files.filter(pk=file_id).first()
    if item is None:
        return
    if item.source == DraftFile.Source.UPLOAD:
        name = item.file.name
        storage = item.file.storage
        transaction.on_commit(lambda: storage.delete(name))
    item.delete()


@transaction.atomic
def draft_discard(*, draft):
    draft = _lock_draft(draft)
    _require_open(draft)
    for item in draft.files.filter(source=DraftFile.Source.UPLOAD):
        name, storage = item.file.name, item.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    draft.files.all().delete()
    draft.state = OnlineDraft.State.DISCARDED
    draft.save(update_fields=["state", "updated_at"])
    return draft


def draft_problems(draft):
    """What still prevents submission, as Vietnamese sentences (empty when ready)."""
    problems = []
    applicant = draft.data.get("applicant") or {}
    if not draft.data.get("applicant_done") or not applicant.get("applicant_name"):
        problems.append(_("Chưa khai thông tin người nộp hồ sơ."))
    if draft.unit_id is None:
        problems.append(_("Chưa chọn nơi tiếp nhận hồ sơ."))
    have = {f.requirement_id for f in draft.files.all()}
    for requirement in draft.version.components.all():
        # A component satisfied by an electronic declaration needs no upload.
        if requirement.is_required and requirement.pk not in have and requirement.needs_upload:
            problems.append(_("Chưa có tệp cho thành phần “%(name)s”.") % {"name": requirement.name})
    problems.extend(eforms.eform_problems(draft))
    if not (draft.data.get("delivery") or {}).get("delivery"):
        problems.append(_("Chưa chọn hình thức nhận kết quả."))
    return problems


def draft_requested_fees(draft):
    """The optional fees (copies) the citizen asked for on the delivery step: (fee, quantity)."""
    delivery = draft.data.get("delivery") or {}
    return fees.requested_from(draft.version, {key[4:]: value for key, value in delivery.items()
                                               if key.startswith("fee_")})


def draft_fee_lines(draft):
    """What the dossier will owe, line by line, as the review step shows it."""
    return fees.fee_lines(draft.version, channel=Channel.ONLINE, requested=draft_requested_fees(draft))


@transaction.atomic
def draft_submit(*, draft, citizen, declaration):
    """Submit the draft as an online dossier, exactly once: the draft row is locked, so a
    double-click waits for the first request and then finds the draft already submitted and
    returns the same dossier."""
    draft = (OnlineDraft.objects.select_for_update(of=("self",)).select_related("version", "unit")
             .get(pk=draft.pk, citizen=citizen))
    if draft.state == OnlineDraft.State.SUBMITTED:
        return draft.dossier, False
    _require_open(draft)
    if not declaration:
        raise ValidationError(_("Vui lòng đánh dấu ô cam đoan trước khi nộp hồ sơ."))
    problems = draft_problems(draft)
    if problems:
        raise ValidationError(problems)
    applicant = {k: v for k, v in (draft.data.get("applicant") or {}).items() if k.startswith("applicant_")}
    applicant["applicant_birth_date"] = applicant.get("applicant_birth_date") or None
    requirements = list(draft.version.components.all())
    components = [{"requirement": r, "name": r.name, "originals": r.originals, "certified_copies": r.certified_copies,
                   "photocopies": r.photocopies} for r in requirements]
    index_of = {r.pk: i for i, r in enumerate(requirements)}
    handles, files = [], []
    try:
        for item in draft.files.all():
            handle = item.file.storage.open(item.file.name, "rb")
            handles.append(handle)
            files.append((index_of.get(item.requirement_id), File(handle, name=item.original_name)))
        dossier = dossier_submit_online(citizen=citizen, unit=draft.unit, version=draft.version, applicant=applicant,
                                        components=components, files=files,
                                        delivery=draft.data["delivery"]["delivery"],
                                        requested_fees=draft_requested_fees(draft))
    finally:
        for handle in handles:
            handle.close()
    eforms.declarations_attach(draft=draft, dossier=dossier, citizen=citizen)
    uploaded = [(f.file.name, f.file.storage) for f in draft.files.filter(source=DraftFile.Source.UPLOAD)]
    draft.state, draft.dossier = OnlineDraft.State.SUBMITTED, dossier
    draft.save(update_fields=["state", "dossier", "updated_at"])
    draft.files.all().delete()
    transaction.on_commit(lambda: [storage.delete(name) for name, storage in uploaded])
    # The citizen's "submitted" notice is written by the outbox from the dossier's "submit" event.
    return dossier, True


# --- my dossiers ------------------------------------------------------------------------------


def supplement_upload(*, dossier, citizen, uploads, note=""):
    """The citizen supplies what the counter asked for: the clock resumes (or the dossier
    goes back to the counter's check if it was never received). Every file is checked before
    anything is saved, so a bad file leaves the dossier untouched."""
    if dossier.citizen_id != citizen.pk:
        raise PermissionDenied
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        raise ValidationError(_("Hồ sơ không chờ bổ sung giấy tờ."))
    if not uploads:
        raise ValidationError(_("Vui lòng chọn ít nhất một tệp giấy tờ bổ sung."))
    errors = []
    for upload in uploads:
        try:
            inspect_upload(upload)  # the quotas are counted when the files are stored
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return supplement_resume(dossier=dossier, actor=citizen, uploads=uploads, note=note,
                             expected_status=Status.SUPPLEMENT_REQUESTED)


def withdraw(*, dossier, citizen, reason):
    if dossier.citizen_id != citizen.pk:
        raise PermissionDenied
    if not dossier.is_open:
        raise ValidationError(_("Hồ sơ đã kết thúc, không thể rút."))
    return dossier_withdraw(dossier=dossier, actor=citizen, reason=reason)


# --- rating and feedback ------------------------------------------------------------------------


@transaction.atomic
def rating_create(*, dossier, citizen, score, aspects=(), comment=""):
    """Once per dossier, after the result was returned, by the dossier's own citizen."""
    if dossier.citizen_id != citizen.pk:
        raise PermissionDenied
    return _rating_save(dossier=dossier, citizen=citizen, source=Rating.Source.ACCOUNT, score=score,
                        aspects=aspects, comment=comment)


def rating_walk_in(*, dossier, source, score, aspects=(), comment=""):
    """A walk-in applicant's rating, without an account: on the counter's kiosk screen (the
    clerk's session, the policy checked by the view) or through the signed link printed on the
    return slip (citizens.services.rating_link_dossier). The same once-per-dossier rule."""
    if source not in (Rating.Source.KIOSK, Rating.Source.SLIP):
        raise ValidationError(_("Nơi đánh giá không hợp lệ."))
    return _rating_save(dossier=dossier, citizen=None, source=source, score=score, aspects=aspects,
                        comment=comment)


RATING_LINK_SALT = "citizens.rating-link"
RATING_LINK_DAYS = 60


def rating_link_token(dossier):
    """The token of the "rate later" link printed on the return slip: signed with SECRET_KEY,
    naming only the dossier, valid RATING_LINK_DAYS days."""
    return signing.dumps(dossier.code, salt=RATING_LINK_SALT, compress=True)


def rating_link_dossier(token):
    """The dossier a rating link names, or None when the link is forged, damaged or too old."""
    try:
        code = signing.loads(token, salt=RATING_LINK_SALT, max_age=RATING_LINK_DAYS * 86400)
    except signing.BadSignature:
        return None
    return Dossier.objects.select_related("procedure", "receiving_unit").filter(code=code).first()


def _rating_save(*, dossier, citizen, source, score, aspects, comment):
    if dossier.status != Status.RETURNED:
        raise ValidationError(_("Chỉ đánh giá được sau khi đã nhận kết quả."))
    if score not in Rating.Score.values:
        raise ValidationError(_("Mức độ hài lòng không hợp lệ."))
    try:
        with transaction.atomic():
            return Rating.objects.create(dossier=dossier, citizen=citizen, source=source, score=score,
                                         aspects=[a for a in aspects if a in Rating.Aspect.values],
                                         comment=comment.strip())
    except IntegrityError:
        raise ValidationError(_("Bạn đã đánh giá hồ sơ này rồi. Mỗi hồ sơ chỉ đánh giá một lần.")) from None


FEEDBACK_DAYS = 15


@transaction.atomic
def feedback_submit(*, sender, kind, sender_name, subject, body, sender_email="", sender_phone="",
                    dossier_code="", unit=None, procedure=None):
    """Phản ánh, kiến nghị from anyone: a tracking code and a due date of 15 working days."""
    now = timezone.now()
    dossier_code = dossier_code.strip().upper()
    if dossier_code and unit is None:
        found = Dossier.objects.filter(code=dossier_code).select_related("receiving_unit").first()
        if found is not None:
            unit, procedure = found.receiving_unit, procedure or found.procedure
    feedback = Feedback.objects.create(
        kind=kind, sender=sender if getattr(sender, "is_authenticated", False) else None,
        sender_name=sender_name.strip(), sender_email=sender_email.strip(), sender_phone=normalise_phone(sender_phone),
        subject=subject.strip(), body=body.strip(), dossier_code=dossier_code, unit=unit, procedure=procedure,
        created_at=now, due_at=workdays.add_working_days(now, FEEDBACK_DAYS, unit=unit),
    )
    messaging.feedback_received_message(feedback=feedback)
    return feedback


@transaction.atomic
def feedback_answer(*, feedback, supervisor, answer):
    if not has_role(supervisor, Role.SUPERVISOR):
        raise PermissionDenied
    feedback = feedback_for_supervisor(supervisor).select_for_update(of=("self",)).filter(pk=feedback.pk).first()
    if feedback is None:
        raise PermissionDenied
    if feedback.answered_at is not None:
        raise ValidationError(_("Phản ánh này đã được trả lời."))
    if not answer.strip():
        raise ValidationError(_("Vui lòng nhập nội dung trả lời."))
    feedback.answer, feedback.answered_by, feedback.answered_at = answer.strip(), supervisor, timezone.now()
    feedback.save(update_fields=["answer", "answered_by", "answered_at"])
    messaging.feedback_answered_messages(feedback=feedback)
    return feedback


def drafts_purge(*, older_than):
    """Delete drafts untouched since `older_than` (and discarded ones), with their uploaded
    files; files reused from the wallet belong to their dossiers and are kept. Returns how
    many drafts were deleted."""
    stale = OnlineDraft.objects.filter(state__in=[OnlineDraft.State.OPEN, OnlineDraft.State.DISCARDED],
                                       updated_at__lt=older_than)
    count = 0
    for draft in stale.iterator():
        with transaction.atomic():
            for item in draft.files.filter(source=DraftFile.Source.UPLOAD):
                item.file.storage.delete(item.file.name)
            draft.delete()
            count += 1
    return count
