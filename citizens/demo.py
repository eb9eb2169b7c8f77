"""Demo data of the citizen portal for the demo citizen `congdan` (portal/demo.py): an online
birth registration returned with an electronic result and rated, so the document wallet holds
a component and a result; an open draft to resume; a feedback answered by a supervisor.
Idempotent: does nothing once the demo rating exists."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from dossiers.models import Delivery, Outcome
from portal.models import Membership, Role, Unit, User
from portal.pdf import html_to_pdf
from portal.signatures.demo import blank_pdf
from procedures.models import Procedure
from workflow.routing import services as wf

from . import services
from .models import CitizenProfile, Feedback, Rating

DEMO_PDF = blank_pdf()
UNIT = "H56.20.01"
PROCEDURE = "1.001193"


def _pdf(name):
    return SimpleUploadedFile(name, DEMO_PDF, content_type="application/pdf")


def _result_pdf(name, *, citizen):
    """A readable result document (the leader's approval signs it with the unit's demo certificate)."""
    html = (f"<html><body style='font-family: sans-serif'><h1>Trích lục khai sinh (bản điện tử, dữ liệu mẫu)</h1>"
            f"<p>Người yêu cầu: {citizen.get_full_name()}</p></body></html>")
    return SimpleUploadedFile(name, html_to_pdf(html), content_type="application/pdf")


def _staff(unit, role):
    membership = (Membership.objects.active().filter(unit=unit, role=role).select_related("user")
                  .order_by("pk").first())
    return membership.user if membership else None


def seed(stdout=None):
    citizen = User.objects.filter(username="congdan").first()
    unit = Unit.objects.filter(code=UNIT).first()
    procedure = Procedure.objects.filter(national_code=PROCEDURE).first()
    version = procedure.current_version() if procedure else None
    if not (citizen and unit and version and version.accepts_online):
        if stdout:
            stdout.write("  citizen demo skipped (demo citizen, unit or procedure missing)")
        return
    if Rating.objects.filter(citizen=citizen).exists():
        if stdout:
            stdout.write("  citizen demo already present")
        return
    clerk, officer, leader = (_staff(unit, role) for role in (Role.CLERK, Role.OFFICER, Role.LEADER))
    supervisor = Membership.objects.active().filter(role=Role.SUPERVISOR, unit__code="H56").first()
    with transaction.atomic():
        profile, _created = CitizenProfile.objects.get_or_create(user=citizen)
        profile.address = profile.address or "Tổ 5, phường Phan Đình Phùng, tỉnh Thái Nguyên"
        profile.save()
        draft = services.draft_start(citizen=citizen, version=version)
        applicant = {**services.applicant_initial(citizen), "applicant_address": profile.address}
        services.draft_save(draft=draft, step="applicant", data=applicant, unit=unit, next_step="components")
        for requirement in version.components.filter(is_required=True):
            services.draft_file_add(draft=draft, requirement=requirement, upload=_pdf("giay-to-mau.pdf"))
        services.draft_save(draft=draft, step="components", data=True)
        services.draft_save(draft=draft, step="delivery", data={"delivery": Delivery.ONLINE}, next_step="review")
        dossier, _created = services.draft_submit(draft=draft, citizen=citizen, declaration=True)
        if clerk and officer and leader:
            dossier = wf.online_accept(dossier=dossier, clerk=clerk)
            dossier = wf.dossier_forward(dossier=dossier, actor=clerk)  # counter step -> commune officer
            wf.result_file_add(dossier=dossier, actor=leader, upload=_result_pdf("trich-luc-khai-sinh.pdf",
                                                                                 citizen=citizen))
            dossier = wf.dossier_decide(dossier=dossier, leader=leader, outcome=Outcome.APPROVED,
                                        note="Đã đăng ký khai sinh; trích lục điện tử gửi kèm.")
            dossier = wf.dossier_return(dossier=dossier, clerk=clerk, confirmed=True)
            services.rating_create(dossier=dossier, citizen=citizen, score=5, aspects=["time", "online"],
                                   comment="Nộp trực tuyến nhanh, không phải đi lại.")
        # An open draft of the same procedure, to show "resume" in my dossiers.
        services.draft_start(citizen=citizen, version=version)
        feedback = services.feedback_submit(
            sender=citizen, kind=Feedback.Kind.PROPOSAL, sender_name=citizen.full_name,
            sender_email=citizen.email, sender_phone=citizen.phone, unit=unit,
            subject="Đề nghị nhận hồ sơ vào sáng thứ Bảy",
            body="Người đi làm khó đến quầy trong giờ hành chính; đề nghị mở cửa sáng thứ Bảy.",
        )
        if supervisor:
            services.feedback_answer(feedback=feedback, supervisor=supervisor.user,
                                     answer="Cảm ơn ông. Từ tháng tới bộ phận một cửa làm việc sáng thứ Bảy.")
    if stdout:
        stdout.write(f"  citizen demo: dossier {dossier.code}, rating, wallet files, feedback {feedback.tracking_code}")

