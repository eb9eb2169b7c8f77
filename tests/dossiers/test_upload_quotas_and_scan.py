"""Issue 19, item 4: quotas per draft, per dossier and per account per day; clamd scanning with
the verdict recorded, infected files refused and discarded; temporary uploads pruned."""

import datetime
import os
import socket
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from citizens import services as citizen_services
from citizens.models import DraftFile
from dossiers.models import DossierFile, StagedUpload, UploadDay
from dossiers.services import dossier_file_add, staged_upload_add
from dossiers.uploads import upload_days_purge
from portal.storage_sweep import temp_uploads_purge
from tests.citizens.conftest import online_version
from tests.dossiers.clamd import EICAR, clamd_server
from tests.dossiers.factories import DossierFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INFECTED_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n" + EICAR + b"\ntrailer<<>>\n%%EOF\n"


def pdf(name="to-khai.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def clamd(settings):
    with clamd_server() as server:
        settings.CLAMD_URL = server.url
        yield server


@pytest.fixture
def draft(citizen, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    version = online_version(org)
    return citizen_services.draft_start(citizen=citizen, version=version)


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- scanning -----------------------------------------------------------------------------------


def test_an_infected_upload_is_refused_discarded_and_logged(clamd, draft, caplog):
    with pytest.raises(ValidationError) as error:
        citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("giay-to.pdf", INFECTED_PDF))
    assert error.value.code == "infected"
    assert "giay-to.pdf" in error.value.messages[0] and "Eicar-Test-Signature" in error.value.messages[0]
    assert not DraftFile.objects.exists() and not UploadDay.objects.filter(files__gt=0).exists()
    assert clamd.commands == [b"zINSTREAM\0"] and EICAR in clamd.streams[0]
    assert "infected" in caplog.text


def test_a_clean_upload_is_stored_with_its_verdict_on_every_path(clamd, draft, clerk, org, settings, tmp_path):
    item = citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf())
    assert item.scan_verdict == "clean"
    dossier = DossierFactory(receiving_unit=org.c1)
    assert dossier_file_add(dossier=dossier, upload=pdf(), actor=clerk).scan_verdict == "clean"
    staged = staged_upload_add(token="6f1c1e2a-0d8e-4a4b-9a77-3d3b9a0b1c2d", user=clerk, requirement=None,
                               upload=pdf())
    assert staged.scan_verdict == "clean"
    assert len(clamd.streams) == 3 and all(stream == PDF for stream in clamd.streams)


def test_the_counter_form_refuses_an_infected_scan_and_keeps_the_others(clamd, client_for, clerk, org, settings,
                                                                        tmp_path):
    from tests.dossiers.factories import published_version

    settings.MEDIA_ROOT = tmp_path
    version = published_version(receiving_units=[org.c1], components=("Tờ khai",))
    requirement = version.components.get()
    response = client_for(clerk).post(
        reverse("workflow:receive", args=[version.procedure.national_code]),
        {"action": "save", "form_token": "6f1c1e2a-0d8e-4a4b-9a77-3d3b9a0b1c2d",
         f"c{requirement.pk}-files": [pdf("sach.pdf"), pdf("virus.pdf", INFECTED_PDF)]})
    body = response.content.decode()
    assert response.status_code == 200 and "virus.pdf" in body and "mã độc" in body
    assert list(StagedUpload.objects.values_list("original_name", "scan_verdict")) == [("sach.pdf", "clean")]


def test_when_clamd_does_not_answer_the_upload_is_refused_unless_fail_open(draft, settings):
    settings.CLAMD_URL = f"tcp://127.0.0.1:{closed_port()}"
    settings.CLAMD_TIMEOUT = 2
    with pytest.raises(ValidationError) as error:
        citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf())
    assert error.value.code == "scan_unavailable" and "thử lại sau" in error.value.messages[0]
    settings.CLAMD_FAIL_OPEN = True
    assert citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf()).scan_verdict == "error"


def test_without_clamd_configured_nothing_is_scanned(draft, settings):
    settings.CLAMD_URL = ""
    assert citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf()).scan_verdict == ""


# --- quotas -------------------------------------------------------------------------------------


def test_a_draft_holds_a_limited_number_of_files_and_keeps_what_it_has(draft, settings):
    settings.UPLOAD_QUOTAS = {"draft_files": 2}
    for name in ("mot.pdf", "hai.pdf"):
        citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf(name))
    with pytest.raises(ValidationError) as error:
        citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("ba.pdf"))
    message = error.value.messages[0]
    assert error.value.code == "quota_draft"
    assert "ba.pdf" in message and "tối đa 2 tệp" in message and "vẫn được giữ nguyên" in message
    assert sorted(draft.files.values_list("original_name", flat=True)) == ["hai.pdf", "mot.pdf"]


def test_a_draft_holds_a_limited_number_of_bytes(draft, settings):
    settings.UPLOAD_QUOTAS = {"draft_bytes": len(PDF) * 2 + 10}
    citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("mot.pdf"))
    citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("hai.pdf"))
    with pytest.raises(ValidationError, match="ba.pdf"):
        citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("ba.pdf"))
    assert draft.files.count() == 2


def test_a_dossier_holds_a_limited_number_of_files(clerk, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_QUOTAS = {"dossier_files": 1}
    dossier = DossierFactory(receiving_unit=org.c1)
    dossier_file_add(dossier=dossier, upload=pdf(), actor=clerk)
    with pytest.raises(ValidationError) as error:
        dossier_file_add(dossier=dossier, upload=pdf("bo-sung.pdf"), actor=clerk)
    assert error.value.code == "quota_dossier" and "bo-sung.pdf" in error.value.messages[0]
    assert DossierFile.objects.filter(dossier=dossier).count() == 1


def test_the_daily_quota_of_an_account_is_not_reset_by_deleting_files(draft, settings):
    settings.UPLOAD_QUOTAS = {"daily_files": 2}
    first = citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("mot.pdf"))
    citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("hai.pdf"))
    citizen_services.draft_file_remove(draft=draft, file_id=first.pk)
    with pytest.raises(ValidationError) as error:
        citizen_services.draft_file_add(draft=draft, requirement=None, upload=pdf("ba.pdf"))
    assert error.value.code == "quota_daily" and "ngày mai" in error.value.messages[0]
    assert list(draft.files.values_list("original_name", flat=True)) == ["hai.pdf"]


def test_a_clerk_has_the_larger_staff_daily_quota(clerk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_QUOTAS = {"daily_files": 1, "staff_daily_files": 3}
    token = "6f1c1e2a-0d8e-4a4b-9a77-3d3b9a0b1c2d"
    for i in range(3):
        staged_upload_add(token=token, user=clerk, requirement=None, upload=pdf(f"{i}.pdf"))
    with pytest.raises(ValidationError, match="3.pdf"):
        staged_upload_add(token=token, user=clerk, requirement=None, upload=pdf("3.pdf"))
    assert StagedUpload.objects.count() == 3


def test_the_quota_message_reaches_the_citizen_page(client_for, citizen, draft, settings):
    settings.UPLOAD_QUOTAS = {"draft_files": 0}
    requirement = draft.version.components.first()
    response = client_for(citizen).post(reverse("citizens:draft_step", args=[draft.pk, "components"]),
                                        {f"files-{requirement.pk}": pdf("mot.pdf")})
    assert response.status_code == 400 and "mot.pdf" in response.content.decode()
    assert "tối đa 0 tệp" in response.content.decode()
    assert not draft.files.exists()


# --- pruning ------------------------------------------------------------------------------------


def test_stale_temporary_uploads_and_old_daily_counts_are_pruned(tmp_path, citizen):
    old = tmp_path / "tmpabc123.upload"
    old.write_bytes(b"scan")
    past = time.time() - 7200
    os.utime(old, (past, past))
    fresh = tmp_path / "tmpdef456.upload"
    fresh.write_bytes(b"scan")
    other = tmp_path / "keep.txt"
    other.write_bytes(b"x")
    os.utime(other, (past, past))
    removed = temp_uploads_purge(older_than=timezone.now() - datetime.timedelta(hours=1), folder=tmp_path)
    assert removed == [str(old)] and fresh.exists() and other.exists()
    today = timezone.localdate()
    UploadDay.objects.create(user=citizen, day=today - datetime.timedelta(days=3), files=5)
    UploadDay.objects.create(user=citizen, day=today, files=1)
    assert upload_days_purge(before=today - datetime.timedelta(days=1)) == 1
    assert list(UploadDay.objects.values_list("day", flat=True)) == [today]


def test_an_officers_result_uploads_count_in_the_daily_quota(clerk, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.UPLOAD_QUOTAS = {"staff_daily_files": 1}
    first, second = DossierFactory(receiving_unit=org.c1), DossierFactory(receiving_unit=org.c1)
    dossier_file_add(dossier=first, upload=pdf("ket-qua-1.pdf"), actor=clerk, new_upload=True)
    with pytest.raises(ValidationError) as error:
        dossier_file_add(dossier=second, upload=pdf("ket-qua-2.pdf"), actor=clerk, new_upload=True)
    assert error.value.code == "quota_daily"
    assert not second.files.exists() and first.files.count() == 1
