"""Issue 22, item 1: uploaded files in a private bucket of an S3-compatible object storage
(STORAGE_URL, portal/object_storage.py), here moto's standalone S3 server started on loopback:
uploads at the counter and online land in the bucket, downloads go through the authorising
views only, the orphan sweep deletes from the bucket, and a failed upload leaves no row."""

import datetime
import logging
import socket
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from citizens import services as citizen_services
from citizens.models import DraftFile
from dossiers.models import DossierFile, StagedUpload
from portal.object_storage import PRIVATE_S3, storage_from_url
from portal.storage_sweep import orphan_files_purge
from tests.api.conftest import api, system  # noqa: F401  (fixtures)
from tests.citizens.conftest import online_version
from tests.dossiers.factories import DossierFactory, published_version
from tests.dossiers.test_pages import PDF, received  # noqa: F401  (fixture)

KEYS = {"access_key": "portal-test-key", "secret_key": "portal-test-secret"}
TOKEN = "6f1c1e2a-0d8e-4a4b-9a77-3d3b9a0b1c2d"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3-compatible server in a thread on 127.0.0.1, for the whole run."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one log line per S3 request otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(s3_endpoint, settings):
    """A fresh private bucket, and the portal's default storage pointed at it by STORAGE_URL."""
    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=KEYS["access_key"], aws_secret_access_key=KEYS["secret_key"])
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(
        f"s3://{bucket}/portal?endpoint_url={s3_endpoint}&region=us-east-1", **KEYS)}
    client.bucket = bucket
    client.keys = lambda: sorted(o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", []))
    return client


def pdf(name="to-khai.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- configuration ------------------------------------------------------------------------------


def test_storage_url_selects_a_private_bucket_and_nothing_else():
    assert storage_from_url("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    config = storage_from_url("s3://motcua-files/portal/?endpoint_url=http://minio:9000&region=ap-southeast-1"
                              "&sse=AES256", access_key="k", secret_key="s")
    assert config["BACKEND"] == PRIVATE_S3
    assert config["OPTIONS"] == {
        "bucket_name": "motcua-files", "location": "portal", "endpoint_url": "http://minio:9000",
        "region_name": "ap-southeast-1", "addressing_style": "path", "signature_version": "s3v4",
        "object_parameters": {"ServerSideEncryption": "AES256"}, "access_key": "k", "secret_key": "s"}


@pytest.mark.parametrize(("url", "keys", "message"), [
    ("s3://key:secret@bucket", {}, "must not carry credentials"),
    ("s3://bucket?endpoint=http://minio:9000", {}, "unknown option(s) endpoint"),
    ("https://bucket.s3.amazonaws.com", {}, "must start with s3://"),
    ("s3:///prefix", {}, "names no bucket"),
    ("s3://bucket?addressing_style=sideways", {}, "path, virtual or auto"),
    ("s3://bucket", {"access_key": "k"}, "both"),
])
def test_a_wrong_storage_url_stops_the_start_with_a_clear_message(url, keys, message):
    with pytest.raises(ImproperlyConfigured) as error:
        storage_from_url(url, **keys)
    assert message in str(error.value)


def test_objects_are_private_and_no_url_reaches_them(s3):
    name = default_storage.save("dossiers/2026/12/private", ContentFile(PDF))
    grants = s3.get_object_acl(Bucket=s3.bucket, Key=f"portal/{name}")["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]  # the owner alone: no public-read
    assert "AllUsers" not in str(grants) and "AuthenticatedUsers" not in str(grants)
    url = default_storage.url(name)
    assert url == f"/media-not-served/{name}" and "Signature" not in url


# --- uploads ------------------------------------------------------------------------------------


def test_a_counter_scan_is_stored_in_the_bucket(s3, client_for, clerk, org):
    version = published_version(receiving_units=[org.c1], components=("Tờ khai",))
    requirement = version.components.get()
    response = client_for(clerk).post(reverse("workflow:receive", args=[version.procedure.national_code]),
                                      {"action": "save", "form_token": TOKEN, f"c{requirement.pk}-files": [pdf()]})
    assert response.status_code == 200
    staged = StagedUpload.objects.get()
    assert staged.original_name == "to-khai.pdf" and staged.file.name.startswith("staging/")
    assert s3.keys() == [f"portal/{staged.file.name}"]
    assert s3.get_object(Bucket=s3.bucket, Key=f"portal/{staged.file.name}")["Body"].read() == PDF


def test_a_citizen_upload_online_is_stored_in_the_bucket(s3, client_for, citizen, org):
    version = online_version(org)
    draft = citizen_services.draft_start(citizen=citizen, version=version)
    first = version.components.first()
    response = client_for(citizen).post(reverse("citizens:draft_step", args=[draft.pk, "components"]),
                                        {f"files-{first.pk}": pdf("giay-to.pdf")})
    assert response.status_code in (200, 302)
    item = DraftFile.objects.get(draft=draft)
    assert item.original_name == "giay-to.pdf" and s3.keys() == [f"portal/{item.file.name}"]
    # Submitting reads the draft's file back from the bucket and stores it as the dossier's.
    assert default_storage.open(item.file.name).read() == PDF


def test_a_refused_upload_leaves_no_row_and_no_object(s3, client_for, clerk, org):
    version = published_version(receiving_units=[org.c1], components=("Tờ khai",))
    requirement = version.components.get()
    response = client_for(clerk).post(reverse("workflow:receive", args=[version.procedure.national_code]),
                                      {"action": "save", "form_token": TOKEN,
                                       f"c{requirement.pk}-files": [pdf("anh.pdf", b"<html>not a pdf</html>")]})
    assert response.status_code == 200 and "anh.pdf" in response.content.decode()
    assert not StagedUpload.objects.exists() and s3.keys() == []


def test_an_upload_the_storage_refuses_leaves_no_row(s3, s3_endpoint, settings, client_for, clerk, citizen, org):
    # The bucket is gone (a storage outage, a wrong bucket): PutObject fails with NoSuchBucket.
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(
        f"s3://missing-{uuid.uuid4().hex[:8]}?endpoint_url={s3_endpoint}&region=us-east-1", **KEYS)}
    version = published_version(receiving_units=[org.c1], components=("Tờ khai",))
    requirement = version.components.get()
    response = client_for(clerk).post(reverse("workflow:receive", args=[version.procedure.national_code]),
                                      {"action": "save", "form_token": TOKEN, f"c{requirement.pk}-files": [pdf()]})
    body = response.content.decode()
    assert response.status_code == 200 and "Chưa lưu được tệp “to-khai.pdf”" in body and "thử lại" in body
    assert not StagedUpload.objects.exists()

    draft = citizen_services.draft_start(citizen=citizen, version=online_version(org, code="1.009999"))
    first = draft.version.components.first()
    response = client_for(citizen).post(reverse("citizens:draft_step", args=[draft.pk, "components"]),
                                        {f"files-{first.pk}": pdf("giay-to.pdf"), "action": "next"})
    assert response.status_code == 400 and "Chưa lưu được tệp “giay-to.pdf”" in response.content.decode()
    assert not DraftFile.objects.exists()


# --- downloads ----------------------------------------------------------------------------------


def test_a_file_is_downloaded_only_through_the_authorising_view(s3, client_for, clerk, other_clerk, citizen,
                                                                received):  # noqa: F811
    stored = received.files.first()
    assert s3.keys() == sorted(f"portal/{f.file.name}" for f in received.files.all())
    url = reverse("workflow:dossier_file", args=[received.code, stored.pk])
    response = client_for(clerk).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == f'attachment; filename="{received.code}-{stored.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Security-Policy"].startswith("sandbox")
    assert response["Cache-Control"] == "private, no-store" and "Location" not in response
    assert response["Content-Length"] == str(len(PDF))

    client_for(other_clerk)  # another commune's clerk may not see the dossier
    assert client_for(other_clerk).get(url).status_code == 404
    assert client_for(citizen).get(reverse("citizens:dossier_file", args=[received.code, stored.pk])).status_code == 404


def test_a_connected_system_downloads_through_the_api_view(s3, api, received):  # noqa: F811
    stored = received.files.first()
    response = api.get(f"/api/v1/dossiers/{received.code}/files/{stored.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;") and response["Content-Length"] == str(len(PDF))
    s3.delete_object(Bucket=s3.bucket, Key=f"portal/{stored.file.name}")
    assert api.get(f"/api/v1/dossiers/{received.code}/files/{stored.pk}/").status_code == 404


def test_a_file_missing_from_the_bucket_is_a_404(s3, client_for, clerk, received):  # noqa: F811
    stored = received.files.first()
    s3.delete_object(Bucket=s3.bucket, Key=f"portal/{stored.file.name}")
    assert client_for(clerk).get(reverse("workflow:dossier_file", args=[received.code, stored.pk])).status_code == 404


# --- the orphan sweep ---------------------------------------------------------------------------


def test_the_orphan_sweep_deletes_from_the_bucket(s3, org, clerk):
    dossier = DossierFactory(receiving_unit=org.c1)
    kept = DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.OTHER, file=ContentFile(PDF, "k.pdf"),
                                      original_name="k.pdf", content_type="application/pdf", size=len(PDF),
                                      sha256="0" * 64, uploaded_by=clerk)
    with pytest.raises(RuntimeError), transaction.atomic():
        row = DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.OTHER, file=ContentFile(PDF, "x.pdf"),
                                         original_name="x.pdf", content_type="application/pdf", size=len(PDF),
                                         sha256="0" * 64, uploaded_by=clerk)
        left_behind = row.file.name
        raise RuntimeError("a check after the upload failed")
    editors = default_storage.save("procedures/forms/1.000001/v1/to-khai.pdf", ContentFile(PDF))
    assert s3.keys() == sorted(f"portal/{n}" for n in (kept.file.name, left_behind, editors))

    assert orphan_files_purge(older_than=timezone.now() - datetime.timedelta(days=1)) == []  # still fresh
    later = timezone.now() + datetime.timedelta(seconds=5)
    assert orphan_files_purge(older_than=later, dry_run=True) == [left_behind]
    assert len(s3.keys()) == 3
    assert orphan_files_purge(older_than=later) == [left_behind]
    assert s3.keys() == sorted(f"portal/{n}" for n in (kept.file.name, editors))


def test_a_submission_and_a_signed_result_move_through_the_bucket(s3, citizen, org, clerk, officer_c1, leader_c1,
                                                                   unit_certificate,
                                                                   django_capture_on_commit_callbacks):
    from tests.citizens.conftest import returned, submitted

    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted(citizen, online_version(org), org)
    # The draft's uploads were copied to the dossier's files and deleted once the submission committed.
    names = sorted(f"portal/{f.file.name}" for f in dossier.files.all())
    assert len(names) == 2 and all(n.startswith("portal/dossiers/") for n in names) and s3.keys() == names

    with django_capture_on_commit_callbacks(execute=True):
        dossier = returned(dossier, clerk=clerk, officer=officer_c1, leader=leader_c1)
    result = dossier.files.get(kind=DossierFile.Kind.RESULT)
    assert result.signed_by_portal and result.signature_verdict
    # The signed PDF replaced the unsigned one in the bucket; the unsigned object is gone.
    assert s3.keys() == sorted([*names, f"portal/{result.file.name}"])
    signed = s3.get_object(Bucket=s3.bucket, Key=f"portal/{result.file.name}")["Body"].read()
    assert signed.startswith(b"%PDF") and len(signed) == result.size
