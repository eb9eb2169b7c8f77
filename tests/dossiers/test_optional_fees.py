"""Issue 20 item 1: optional fees (the 8.000 đ copy of the birth extract) are asked, never
charged by default; a free procedure never shows a payment button. One sum of what is due
(dossiers/fees.py) for the citizen's payment, the counter's cash form and the clerk's warnings."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from citizens import services as citizen_services
from citizens.models import Payment
from dossiers import fees
from dossiers.models import Channel, Delivery, RequestedFee
from procedures.importing.export import version_to_row
from procedures.models import Fee, ProcedureMethod
from procedures.text import fee_is_optional
from tests.citizens.conftest import online_version, pdf, submitted
from tests.workflow.test_reception_service import checklist, receive, scans
from tests.workflow.test_reception_service import version as counter_version  # noqa: F401
from workflow.routing import services as routing

pytestmark = pytest.mark.django_db

COPY = "Phí cấp bản sao trích lục khai sinh (nếu yêu cầu)"


@pytest.fixture
def free_birth(org):
    """Birth registration as published: the registration is free, copies cost 8.000 đ each."""
    version = online_version(org)
    Fee.objects.create(version=version, order=1, name="Lệ phí đăng ký khai sinh", amount=0)
    copy = Fee.objects.create(version=version, order=2, name=COPY, amount=8000, amount_text="8.000 đồng/bản",
                              is_optional=True)
    return version, copy


def _draft_with_files(citizen, version, org):
    draft = citizen_services.draft_start(citizen=citizen, version=version)
    for requirement in version.components.all():
        citizen_services.draft_file_add(draft=draft, requirement=requirement, upload=pdf())
    citizen_services.draft_save(draft=draft, step="components", data=True)
    return draft


def _first_screen(citizen, org, **delivery):
    """What the wizard's first screen posts: who applies, where, and how the result comes back."""
    applicant = {key: value or "" for key, value in citizen_services.applicant_initial(citizen).items()}
    return {**applicant, "applicant_address": "Thôn 1, xã Mỹ Hà", "unit": str(org.c1.pk), **delivery}


def test_an_optional_fee_is_not_due_unless_asked(citizen, org, free_birth):
    version, copy = free_birth
    dossier = submitted(citizen, version, org)
    assert fees.amount_due(dossier) == 0 and fees.dossier_fee_lines(dossier) == []
    RequestedFee.objects.create(dossier=dossier, fee=copy, quantity=2)
    dossier = type(dossier).objects.get(pk=dossier.pk)  # what was asked is read once per dossier object
    assert fees.amount_due(dossier) == 16000
    assert fees.dossier_fee_lines(dossier) == [fees.FeeLine(name=COPY, quantity=2, amount=16000)]


def test_a_free_procedure_shows_no_payment_and_no_pay_button(client_for, citizen, org, free_birth):
    version, _copy = free_birth
    dossier = submitted(citizen, version, org)
    page = client_for(citizen).get(reverse("citizens:dossier", args=[dossier.code])).content.decode()
    assert 'data-testid="payment"' not in page and 'data-testid="pay"' not in page
    client_for(citizen).post(reverse("citizens:pay", args=[dossier.code]))
    assert not Payment.objects.filter(dossier=dossier).exists()


def test_the_wizard_asks_for_copies_and_charges_only_what_was_asked(client_for, citizen, org, free_birth):
    version, copy = free_birth
    draft = _draft_with_files(citizen, version, org)
    client = client_for(citizen)
    url = reverse("citizens:draft_step", args=[draft.pk, "applicant"])
    page = client.get(url).content.decode()
    assert f'name="fee_{copy.pk}"' in page and "số bản yêu cầu" in page and "8.000 đồng/bản" in page
    assert client.get(url).context["delivery_form"][f"fee_{copy.pk}"].value() == 0

    # Bad quantities are refused beside the field; the delivery choice and the address typed stay.
    for bad, message in (("-1", "Số bản không được âm."), ("abc", "Nhập số bản là một số nguyên."),
                         ("21", "Nhiều nhất 20 bản.")):
        response = client.post(url, _first_screen(citizen, org, delivery="post", **{f"fee_{copy.pk}": bad}))
        assert response.status_code == 400 and message in response.content.decode()
        assert response.context["delivery_form"]["delivery"].value() == "post"
        assert response.context["form"]["applicant_address"].value() == "Thôn 1, xã Mỹ Hà"

    response = client.post(url, _first_screen(citizen, org, delivery="online", **{f"fee_{copy.pk}": "2"}))
    assert response.status_code == 302
    review = client.get(reverse("citizens:draft_step", args=[draft.pk, "review"])).content.decode()
    assert "× 2" in review and "16.000" in review
    response = client.post(reverse("citizens:draft_submit", args=[draft.pk]), {"declaration": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert [(r.fee, r.quantity) for r in draft.dossier.requested_fees.all()] == [(copy, 2)]
    assert fees.amount_due(draft.dossier) == 16000
    page = client.get(reverse("citizens:dossier", args=[draft.dossier.code])).content.decode()
    assert 'data-testid="payment"' in page and "16.000" in page and 'data-testid="pay"' in page


def test_without_copies_the_review_says_free(client_for, citizen, org, free_birth):
    version, copy = free_birth
    draft = _draft_with_files(citizen, version, org)
    client = client_for(citizen)
    client.post(reverse("citizens:draft_step", args=[draft.pk, "applicant"]),
                _first_screen(citizen, org, delivery="online", **{f"fee_{copy.pk}": "0"}))
    review = client.get(reverse("citizens:draft_step", args=[draft.pk, "review"])).content.decode()
    fees_cell = review[review.index('data-testid="fees"'):][:200]
    assert "Không thu" in fees_cell and "8.000" not in fees_cell


def test_a_quantity_for_another_procedures_fee_is_ignored(citizen, org, free_birth):
    version, _copy = free_birth
    other = Fee.objects.create(version=online_version(org, code="1.000001"), name=COPY, amount=8000,
                               is_optional=True)
    assert fees.requested_from(version, {other.pk: 3, "x": 1, _copy.pk: "nope"}) == []
    assert fees.requested_from(version, {str(_copy.pk): "4"}) == [(_copy, 4)]


def test_the_channels_published_fee_replaces_the_mandatory_ones_but_not_the_copies(org, free_birth):
    version, copy = free_birth
    Fee.objects.filter(version=version, order=1).update(amount=50000)
    ProcedureMethod.objects.create(version=version, channel=ProcedureMethod.Channel.ONLINE, processing_time=3,
                                   fee_amount=25000)
    version = type(version).objects.get(pk=version.pk)
    assert fees.amount_for(version, channel=Channel.ONLINE) == 25000
    assert fees.amount_for(version, channel=Channel.COUNTER) == 50000
    assert fees.amount_for(version, channel=Channel.ONLINE, requested=[(copy, 1)]) == 33000


def test_the_counter_asks_for_copies_and_records_them(client_for, clerk, org, counter_version):  # noqa: F811
    copy = Fee.objects.create(version=counter_version, name=COPY, amount=8000, is_optional=True)
    client = client_for(clerk)
    url = reverse("workflow:receive", args=[counter_version.procedure.national_code])
    response = client.get(url)
    assert 'data-testid="optional-fee"' in response.content.decode()
    dossier = receive(clerk, org.c1, counter_version, requested_fees=[(copy, 3)])
    assert [(r.fee, r.quantity) for r in dossier.requested_fees.all()] == [(copy, 3)]
    assert fees.amount_due(dossier) == 24000
    # Form 01 names the copies asked for; a dossier without copies does not mention them.
    text = _receipt_text(client, dossier)
    assert "3 bản × 8.000 đồng" in text, text
    plain = _receipt_text(client, receive(clerk, org.c1, counter_version))
    assert "bản sao trích lục" not in plain and "Không thu" in plain


def _receipt_text(client, dossier):
    pdf = client.get(reverse("workflow:receipt", args=[dossier.code])).content
    return " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())


def test_the_counter_form_posts_the_quantity_and_keeps_it_on_an_error(client_for, clerk, org,
                                                                       counter_version):  # noqa: F811
    copy = Fee.objects.create(version=counter_version, name=COPY, amount=8000, is_optional=True)
    client = client_for(clerk)
    url = reverse("workflow:receive", args=[counter_version.procedure.national_code])
    token = client.get(url).context["action_form"].initial["form_token"]
    data = {"form_token": token, "action": "receive", "applicant_personal_id": "019190004322",
            "applicant_name": "Đỗ Văn Hùng", "applicant_phone": "", "delivery": "counter", "sets_count": 1,
            "channel": "1", f"fee_{copy.pk}": "2"}
    for requirement in counter_version.components.all():
        data.update({f"c{requirement.pk}-received": "on", f"c{requirement.pk}-originals": 1,
                     f"c{requirement.pk}-certified_copies": 0, f"c{requirement.pk}-photocopies": 0})
    response = client.post(url, data)  # the phone is missing: nothing received, the quantity kept
    assert response.status_code == 200 and response.context["applicant_form"][f"fee_{copy.pk}"].value() == "2"


def test_return_warnings_count_only_asked_copies(clerk, org, counter_version):  # noqa: F811
    copy = Fee.objects.create(version=counter_version, name=COPY, amount=8000, is_optional=True)
    plain = receive(clerk, org.c1, counter_version)
    assert not any("phí" in w for w in routing.return_warnings(plain))
    asked = _receive_with_copies(clerk, org, counter_version, copy)
    assert "Thủ tục có phí, lệ phí 8.000 đồng nhưng chưa ghi nhận đã thu." in routing.return_warnings(asked)


def _receive_with_copies(clerk, org, version, copy):
    from workflow.reception import services

    return services.dossier_receive(clerk=clerk, unit=org.c1, version=version, delivery=Delivery.COUNTER,
                                    applicant={"applicant_name": "Trần Văn Nam", "applicant_phone": "0912000333",
                                               "applicant_personal_id": "019190004323"},
                                    components=checklist(version), files=scans(version),
                                    requested_fees=[(copy, 1)])


def test_optional_is_read_from_the_published_name_and_round_trips_through_the_export(org, free_birth):
    version, _copy = free_birth
    assert fee_is_optional(COPY) and fee_is_optional("Phí cấp bản sao (NẾU CÓ YÊU CẦU)")
    assert not fee_is_optional("Lệ phí đăng ký khai sinh")
    row = version_to_row(version, fmt="json")
    assert [f.get("tuy_chon") for f in row["phi_le_phi"]] == [None, 1]
    lines = version_to_row(version, fmt="csv")["phi_le_phi"].splitlines()
    assert not lines[0].endswith("| 1") and lines[1].endswith("| 1")
