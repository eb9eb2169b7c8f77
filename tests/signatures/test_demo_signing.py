"""seed_demo: a demo CA, a demo certificate per signing unit, the demo result signed and valid
for pyHanko's validator against the demo trust list."""

import io

from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from dossiers.models import DossierFile
from portal.models import Membership, Role
from portal.signatures.keys import validation_context
from portal.signatures.models import TrustAnchor, UnitCertificate


def test_seed_demo_signs_the_demo_result_with_a_demo_unit_certificate(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True, stdout=io.StringIO())
    signing_units = set(Membership.objects.filter(role__in=[Role.LEADER, Role.CLERK]).values_list("unit", flat=True))
    assert set(UnitCertificate.objects.filter(is_demo=True).values_list("unit", flat=True)) == signing_units
    assert TrustAnchor.objects.filter(is_demo=True).count() == 1
    result = DossierFile.objects.get(kind="result", dossier__citizen__username="congdan")
    assert result.signed_by_portal and result.signature_verdict == "valid"
    with result.file.open("rb") as handle:
        embedded = PdfFileReader(io.BytesIO(handle.read())).embedded_signatures[0]
    assert validate_pdf_signature(embedded, signer_validation_context=validation_context()).bottom_line
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert TrustAnchor.objects.filter(is_demo=True).count() == 1  # idempotent
