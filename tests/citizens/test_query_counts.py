"""Query-count gates of the citizen portal's list pages: each costs the same number of queries
for 2 rows as for 12, and the rows made really are on the page.

Gated elsewhere: the citizen's dossiers (test_my_dossiers)."""

import datetime
import itertools

import pytest
from django.urls import reverse

from citizens import services
from citizens.models import DraftFile, Feedback, OnlineDraft
from dossiers.models import DossierComponent, DossierEvent, DossierFile, Status
from procedures.models import ComponentRequirement
from tests.dossiers.factories import DossierFactory
from tests.helpers import assert_queries_do_not_grow
from tests.procedures.factories import FieldFactory, ProcedureFactory

counter = itertools.count(1)


def dossier_file(dossier, *, component=None, kind=DossierFile.Kind.COMPONENT, name):
    i = next(counter)
    return DossierFile.objects.create(dossier=dossier, component=component, kind=kind, file=f"dossiers/test/{i}.pdf",
                                      original_name=name, content_type="application/pdf", size=1000 + i,
                                      sha256=f"{i:064x}")


def test_wallet_query_count_does_not_grow(client_for, citizen, org):
    def make_rows(n):
        """n dossiers of the citizen, each with a submitted component file and a returned result."""
        for _ in range(n):
            i = next(counter)
            procedure = ProcedureFactory(name=f"Thủ tục ví {i}")
            dossier = DossierFactory(receiving_unit=org.c1, citizen=citizen, status=Status.RETURNED,
                                     procedure=procedure)
            component = DossierComponent.objects.create(dossier=dossier, name=f"Giấy tờ ví {i}", originals=1)
            dossier_file(dossier, component=component, name=f"giay-to-{i}.pdf")
            dossier_file(dossier, kind=DossierFile.Kind.RESULT, name=f"ket-qua-{i}.pdf")

    client = client_for(citizen)
    url = reverse("citizens:wallet")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert body.count('data-testid="wallet-file"') == 24
    assert body.count("Giấy tờ ví") == 12 and body.count("Thủ tục ví") == 24


def test_citizen_dossier_detail_query_count_does_not_grow(client_for, citizen, clerk, org):
    dossier = DossierFactory(receiving_unit=org.c1, citizen=citizen, status=Status.RETURNED,
                             submitted_at=datetime.datetime(2026, 11, 19, 9, 0, tzinfo=datetime.UTC))

    def make_rows(n):
        """n more submitted files (each of its component), results and timeline events."""
        for _ in range(n):
            i = next(counter)
            component = DossierComponent.objects.create(dossier=dossier, order=i, name=f"Thành phần số {i}",
                                                        originals=1)
            dossier_file(dossier, component=component, name=f"da-nop-{i}.pdf")
            dossier_file(dossier, kind=DossierFile.Kind.RESULT, name=f"ket-qua-{i}.pdf")
            DossierEvent.objects.create(dossier=dossier, actor=clerk, unit=org.c1, transition="note",
                                        from_status=Status.RETURNED, to_status=Status.RETURNED,
                                        note=f"Sự kiện số {i}")

    client = client_for(citizen)
    url = reverse("citizens:dossier", args=[dossier.code])
    client.get(url)  # the version's methods, fees and components are then in the shared cache
    queries = assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    # 13 before the shared cache, 12 before the bell's count came from it too (+ the Forms 02/03 slips).
    assert queries <= 10, queries
    body = client.get(url).content.decode()
    assert body.count("Thành phần số") == 12 and body.count('data-testid="result-download"') == 12
    timeline = body[body.index('data-testid="timeline"'):]
    assert timeline.count("Sự kiện số") == 12 and timeline.count(f" · {org.c1.name}") == 12


@pytest.mark.parametrize("show", ["open", "all"])
def test_feedback_management_query_count_does_not_grow(client_for, supervisor, org, show):
    field = FieldFactory()

    def make_rows(n):
        """n pieces of feedback about units and procedures, half of them answered."""
        for _ in range(n):
            i = next(counter)
            feedback = services.feedback_submit(
                sender=None, kind=Feedback.Kind.COMPLAINT, sender_name="Nguyễn Văn An", subject=f"Phản ánh số {i}",
                body="Chậm trả kết quả", unit=(org.c1, org.c3)[i % 2],
                procedure=ProcedureFactory(field=field))
            if show == "all" and i % 2:
                Feedback.objects.filter(pk=feedback.pk).update(answer="Đã xử lý", answered_by=supervisor,
                                                                answered_at=feedback.created_at)

    client = client_for(supervisor)
    url = reverse("citizens:feedback_manage")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url, {"show": show}))
    body = client.get(url, {"show": show}).content.decode()
    assert body.count('data-testid="feedback-row"') == 12 and body.count("Phản ánh số") == 12


def test_online_guide_query_count_does_not_grow(client, version):
    def make_rows(n):
        for _ in range(n):
            i = next(counter)
            ComponentRequirement.objects.create(version=version, order=100 + i, name=f"Giấy tờ hướng dẫn {i}",
                                                originals=1)

    url = reverse("citizens:guide", args=[version.procedure.national_code])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    assert client.get(url).content.decode().count("Giấy tờ hướng dẫn") == 12


def test_my_open_drafts_query_count_does_not_grow(client_for, citizen, version):
    def make_rows(n):
        for _ in range(n):
            i = next(counter)
            procedure = ProcedureFactory(name=f"Thủ tục nháp {i}")
            other = type(version).objects.create(procedure=procedure, number=1, name=f"Thủ tục nháp {i}",
                                                 status=version.status, effective_from=version.effective_from,
                                                 online_level=version.online_level, time_unit=version.time_unit,
                                                 processing_time=version.processing_time)
            OnlineDraft.objects.create(citizen=citizen, version=other, step=OnlineDraft.Step.COMPONENTS)

    client = client_for(citizen)
    url = reverse("citizens:my_dossiers")
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    drafts = body[body.index('data-testid="drafts"'):]
    assert drafts.count("Thủ tục nháp") == 12


@pytest.fixture
def draft(citizen, version, org):
    draft = services.draft_start(citizen=citizen, version=version)
    applicant = services.applicant_initial(citizen)
    applicant["applicant_address"] = "Thôn 1, xã Mỹ Hà"
    return services.draft_save(draft=draft, step="applicant", data=applicant, unit=org.c1)


def add_requirement_with_draft_file(draft):
    i = next(counter)
    requirement = ComponentRequirement.objects.create(version=draft.version, order=100 + i,
                                                      name=f"Thành phần thêm {i}", originals=1,
                                                      accepted_types="pdf,png")
    DraftFile.objects.create(draft=draft, requirement=requirement, file=f"drafts/test/{i}.pdf",
                             original_name=f"tep-nhap-{i}.pdf", content_type="application/pdf", size=100,
                             sha256=f"{i:064x}")


def test_online_submission_files_step_query_count_does_not_grow(client_for, citizen, org, draft):
    """The components step: one row per component with its files, each offering the wallet."""

    def make_rows(n):
        for _ in range(n):
            add_requirement_with_draft_file(draft)
            i = next(counter)
            dossier = DossierFactory(receiving_unit=org.c1, citizen=citizen)
            component = DossierComponent.objects.create(dossier=dossier, name=f"Giấy tờ cũ {i}", originals=1)
            dossier_file(dossier, component=component, name=f"giay-to-cu-{i}.pdf")

    client = client_for(citizen)
    url = reverse("citizens:draft_step", args=[draft.pk, "components"])
    assert_queries_do_not_grow(make_rows=make_rows, fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    rows = 2 + 12  # the procedure's two components and the twelve added
    assert body.count('data-testid="draft-file"') == 12 and body.count('data-testid="reuse"') == rows * 12


def test_online_submission_review_step_query_count_does_not_grow(client_for, citizen, draft):
    client = client_for(citizen)
    url = reverse("citizens:draft_step", args=[draft.pk, "review"])
    assert_queries_do_not_grow(make_rows=lambda n: [add_requirement_with_draft_file(draft) for _ in range(n)],
                               fetch=lambda: client.get(url))
    body = client.get(url).content.decode()
    assert body.count("Thành phần thêm") == 12 and body.count("tep-nhap-") == 12
