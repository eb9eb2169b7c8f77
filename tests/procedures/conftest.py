import pytest

from .factories import FieldFactory, LegalDocumentFactory


@pytest.fixture
def national_setup(org, settings, tmp_path):
    """What a generated catalogue of the national shape (national.py) rests on: a field, three
    receiving units, three legal documents."""
    settings.MEDIA_ROOT = tmp_path
    FieldFactory(code="ho-tich", name="Hộ tịch")
    documents = ["60/2014/QH13", "123/2015/NĐ-CP", "04/2020/TT-BTP"]
    for number in documents:
        LegalDocumentFactory(number=number)
    return {"units": [org.c1.code, org.c2.code, org.c3.code], "documents": documents}
