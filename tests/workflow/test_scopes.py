"""Pages outside the dossier page that hold personal data are scoped by the roles that need
them: a catalogue editor's oversight of the province opens none of them."""

from django.urls import reverse

from dossiers.models import CounterSlip
from portal.models import Role
from tests.dossiers.factories import published_version
from tests.factories import MembershipFactory


def slip_at(unit, clerk):
    return CounterSlip.objects.create(
        kind=CounterSlip.Kind.REFUSAL, number=f"1/2026/PTC-{unit.code}", unit=unit, clerk=clerk,
        procedure_version=published_version(code=f"1.{unit.pk:06d}"), applicant_name="Lò Thị Mai",
        applicant_personal_id="019190004321", reason="Không thuộc thẩm quyền giải quyết")


def test_a_clerk_who_also_edits_the_catalogue_sees_only_their_counters_slips(org, clerk, other_clerk, client_for):
    MembershipFactory(user=clerk, unit=org.province, role=Role.EDITOR)
    mine, theirs = slip_at(org.c1, clerk), slip_at(org.c2, other_clerk)
    client = client_for(clerk)
    assert client.get(reverse("dossiers:slip", args=[mine.pk])).status_code == 200
    assert client.get(reverse("dossiers:slip", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("dossiers:slip_pdf", args=[theirs.pk])).status_code == 404


def test_the_tracking_book_offers_no_unit_through_the_editor_role(org, clerk, client_for):
    MembershipFactory(user=clerk, unit=org.province, role=Role.EDITOR)
    client = client_for(clerk)
    response = client.get(reverse("workflow:tracking_book"))
    assert response.status_code == 200
    offered = {unit.code for unit in response.context["form"].fields["unit"].queryset}
    assert offered == {org.c1.code}
    refused = client.get(reverse("workflow:tracking_book"), {"unit": org.c2.code})
    assert "Bạn không được xem sổ theo dõi của đơn vị này." in refused.content.decode()
