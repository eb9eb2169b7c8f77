"""Orphan uploads (portal/storage_sweep.py): files that a rolled-back transaction left on the
storage are deleted once older than the margin; every file a row refers to stays."""

import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from dossiers.models import DossierFile, StagedUpload
from portal.storage_sweep import orphan_files_purge
from portal.tasks import purge_orphan_uploads
from tests.dossiers.factories import DossierFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def store(name, *, days_old):
    default_storage.save(name, ContentFile(PDF))
    moment = (timezone.now() - datetime.timedelta(days=days_old)).timestamp()
    os.utime(default_storage.path(name), (moment, moment))
    return name


def dossier_file(dossier, user, name):
    return DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.OTHER, file=name, original_name="a.pdf",
                                      content_type="application/pdf", size=len(PDF), sha256="0" * 64,
                                      uploaded_by=user)


def test_a_rolled_back_upload_is_deleted_once_older_than_the_margin(media, org, clerk):
    dossier = DossierFactory(receiving_unit=org.c1)
    with pytest.raises(RuntimeError), transaction.atomic():
        row = DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.OTHER, file=ContentFile(PDF, "x.pdf"),
                                         original_name="x.pdf", content_type="application/pdf", size=len(PDF),
                                         sha256="0" * 64, uploaded_by=clerk)
        left_behind = row.file.name
        raise RuntimeError("a check after the upload failed")
    assert default_storage.exists(left_behind) and not DossierFile.objects.filter(file=left_behind).exists()

    assert orphan_files_purge(older_than=timezone.now() - datetime.timedelta(days=1)) == []  # still fresh
    assert default_storage.exists(left_behind)
    assert orphan_files_purge(older_than=timezone.now() + datetime.timedelta(seconds=1)) == [left_behind]
    assert not default_storage.exists(left_behind)


def test_files_that_a_row_refers_to_are_kept(media, org, clerk, citizen):
    dossier = DossierFactory(receiving_unit=org.c1)
    kept = store("dossiers/2026/11/kept", days_old=30)
    dossier_file(dossier, clerk, kept)
    staged = store("staging/2026/11/02/staged", days_old=3)
    StagedUpload.objects.create(token="3b1f0c9e-0000-4000-8000-000000000001", user=clerk, file=staged,
                                original_name="s.pdf", content_type="application/pdf", size=len(PDF),
                                sha256="0" * 64)
    orphan = store("dossiers/2026/11/orphan", days_old=30)
    fresh_orphan = store("dossiers/2026/11/fresh", days_old=0)
    old_staged_orphan = store("staging/2026/10/30/gone", days_old=40)
    editors_file = store("procedures/forms/1.000001/v1/to-khai.pdf", days_old=400)  # outside the upload folders

    cutoff = timezone.now() - datetime.timedelta(days=1)
    assert sorted(orphan_files_purge(older_than=cutoff, dry_run=True)) == [orphan, old_staged_orphan]
    assert default_storage.exists(orphan)  # a dry run deletes nothing

    assert sorted(orphan_files_purge(older_than=cutoff)) == [orphan, old_staged_orphan]
    for name in (kept, staged, fresh_orphan, editors_file):
        assert default_storage.exists(name), name
    for name in (orphan, old_staged_orphan):
        assert not default_storage.exists(name), name


def test_a_draft_reusing_a_wallet_file_keeps_it(media, org, citizen):
    from citizens import services
    from citizens.models import DraftFile
    from tests.citizens.conftest import online_version

    draft = services.draft_start(citizen=citizen, version=online_version(org))
    reused = store("dossiers/2026/10/wallet", days_old=60)
    DraftFile.objects.create(draft=draft, source=DraftFile.Source.WALLET, file=reused, original_name="w.pdf",
                             content_type="application/pdf", size=len(PDF), sha256="0" * 64)
    assert orphan_files_purge(older_than=timezone.now()) == []
    assert default_storage.exists(reused)


def test_the_command_and_the_weekly_task(media, db, capsys):
    orphan = store("citizens/drafts/2026/11/abandoned", days_old=3)
    call_command("purge_orphan_uploads", "--dry-run")
    assert orphan in capsys.readouterr().out and default_storage.exists(orphan)
    assert purge_orphan_uploads.delay().get() == 1
    assert not default_storage.exists(orphan)
    call_command("purge_orphan_uploads")
    assert "0 orphan upload(s) deleted" in capsys.readouterr().out
