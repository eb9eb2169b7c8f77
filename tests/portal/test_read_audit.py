"""Issue 19, item 2: every read of personal data writes a row that nobody can change, the
auditor searches and exports them, the citizen sees which units opened their dossier."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from portal.audit import read_accesses_purge
from portal.models import ReadAccess, Role
from tests.dossiers.test_pages import received  # noqa: F401  (fixture)
from tests.factories import staff


@pytest.fixture
def auditor(org):
    return staff(Role.AUDITOR, org.province, username="auditor", full_name="Hoàng Thanh Tra")


@pytest.fixture
def auditor_d2(org):
    return staff(Role.AUDITOR, org.d2, username="auditor_d2", full_name="Vũ Kiểm Tra")


def only_row(**filters):
    rows = list(ReadAccess.objects.filter(**filters))
    assert len(rows) == 1, rows
    return rows[0]


def test_a_clerk_opening_a_dossier_and_a_file_writes_who_role_unit_ip(client_for, clerk, org, received):  # noqa: F811
    client = client_for(clerk)
    assert client.get(reverse("workflow:dossier", args=[received.code])).status_code == 200
    stored = received.files.first()
    assert client.get(reverse("workflow:dossier_file", args=[received.code, stored.pk])).status_code == 200
    assert client.get(reverse("workflow:receipt", args=[received.code])).status_code == 200
    view = only_row(action=ReadAccess.Action.DOSSIER)
    assert (view.user, view.username, view.role, view.unit, view.ip, view.allowed) == (
        clerk, "clerk", Role.CLERK, org.c1, "127.0.0.1", True)
    assert (view.dossier_pk, view.dossier_unit) == (received.pk, org.c1)
    download = only_row(action=ReadAccess.Action.FILE)
    assert download.dossier_pk == received.pk and stored.original_name in download.target
    assert only_row(action=ReadAccess.Action.SLIP).dossier_pk == received.pk


def test_a_refused_read_is_logged_too(client_for, other_clerk, org, received):  # noqa: F811
    client = client_for(other_clerk)
    assert client.get(reverse("workflow:dossier", args=[received.code])).status_code == 404
    stored = received.files.first()
    assert client.get(reverse("workflow:dossier_file", args=[received.code, stored.pk])).status_code == 404
    rows = ReadAccess.objects.filter(user=other_clerk).order_by("pk")
    assert [(r.action, r.allowed, r.unit) for r in rows] == [
        (ReadAccess.Action.DOSSIER, False, org.c2), (ReadAccess.Action.FILE, False, org.c2)]
    assert rows[0].target == received.code


def test_a_clerk_looking_up_an_id_number_is_logged_and_a_citizen_trying_it_is_refused(client_for, clerk,
                                                                                        citizen):
    url = reverse("workflow:applicant_lookup") + "?applicant_personal_id=019190001234"
    assert client_for(clerk).get(url).status_code == 200
    row = only_row(action=ReadAccess.Action.LOOKUP, allowed=True)
    assert row.target == "019190001234" and row.user == clerk
    assert client_for(citizen).get(url).status_code == 403
    assert only_row(action=ReadAccess.Action.LOOKUP, allowed=False).user == citizen


def test_a_declarations_export_is_logged(client_for, clerk, received):  # noqa: F811
    assert client_for(clerk).get(reverse("workflow:declarations_json", args=[received.code])).status_code == 200
    assert only_row(action=ReadAccess.Action.EXPORT).dossier_pk == received.pk


# --- append-only --------------------------------------------------------------------------------


def a_row(at=None):
    return ReadAccess.objects.create(username="clerk", role=Role.CLERK, action=ReadAccess.Action.DOSSIER,
                                     target="X", allowed=True, at=at or timezone.now())


@pytest.mark.parametrize("statement", [
    "UPDATE portal_readaccess SET allowed = NOT allowed",
    "UPDATE portal_readaccess SET username = 'someone-else'",
    "DELETE FROM portal_readaccess",
])
def test_the_database_refuses_to_change_or_delete_a_row(db, statement):
    row = a_row()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    row.refresh_from_db()
    assert (row.username, row.allowed) == ("clerk", True)


def test_the_orm_cannot_edit_or_delete_either(db):
    row = a_row()
    row.allowed = False
    with pytest.raises(DatabaseError), transaction.atomic():
        row.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        ReadAccess.objects.filter(pk=row.pk).delete()
    assert ReadAccess.objects.filter(pk=row.pk, allowed=True).exists()


def test_setting_the_purge_flag_by_hand_does_not_delete_a_recent_row(db):
    row = a_row(at=timezone.now() - datetime.timedelta(days=300))
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('portal.read_access_purge', 'on', true)")
        cursor.execute("DELETE FROM portal_readaccess")
    assert ReadAccess.objects.filter(pk=row.pk).exists()


def test_the_purge_removes_only_rows_past_12_months_even_when_asked_for_less(db, settings):
    now = timezone.now()
    old = a_row(at=now - datetime.timedelta(days=400))
    kept = a_row(at=now - datetime.timedelta(days=340))
    assert read_accesses_purge(months=3) == 1
    assert list(ReadAccess.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not ReadAccess.objects.filter(pk=old.pk).exists()


def test_the_purge_task_is_scheduled(settings):
    assert any(e["task"] == "portal.tasks.purge_read_accesses" for e in settings.CELERY_BEAT_SCHEDULE.values())


# --- the auditor's screen -------------------------------------------------------------------------


def test_the_auditor_searches_and_sees_refusals(client_for, clerk, other_clerk, auditor, received):  # noqa: F811
    client_for(clerk).get(reverse("workflow:dossier", args=[received.code]))
    client_for(other_clerk).get(reverse("workflow:dossier", args=[received.code]))
    client = client_for(auditor)
    body = client.get(reverse("read_audit")).content.decode()
    assert body.count('data-testid="audit-row"') == 2 and body.count('data-testid="refused"') == 1
    body = client.get(reverse("read_audit"), {"q": "other_clerk", "outcome": "refused"}).content.decode()
    assert body.count('data-testid="audit-row"') == 1 and "other_clerk" in body


def test_the_auditor_exports_csv_with_formula_cells_neutralised(client_for, auditor, org):
    ReadAccess.objects.create(username="=HYPERLINK(\"http://x\")", role=Role.CLERK, unit=org.c1,
                              action=ReadAccess.Action.LOOKUP, target="@SUM(A1)", allowed=True)
    response = client_for(auditor).get(reverse("read_audit"), {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text
    assert ",=" not in text and ",@" not in text
    assert ReadAccess.objects.filter(user=auditor, action=ReadAccess.Action.EXPORT, allowed=True).exists()


def test_an_auditor_of_another_district_does_not_see_these_reads(client_for, clerk, auditor_d2, received):  # noqa: F811
    client_for(clerk).get(reverse("workflow:dossier", args=[received.code]))
    body = client_for(auditor_d2).get(reverse("read_audit")).content.decode()
    assert 'data-testid="audit-row"' not in body


def test_clerks_and_citizens_may_not_read_the_log(client_for, clerk, citizen):
    assert client_for(clerk).get(reverse("read_audit")).status_code == 403
    assert client_for(citizen).get(reverse("read_audit")).status_code == 403


def test_a_bad_date_range_is_a_message_not_an_error(client_for, auditor):
    response = client_for(auditor).get(reverse("read_audit"), {"date_from": "2026-12-05", "date_to": "2026-01-01"})
    assert response.status_code == 200 and "phải trước hoặc bằng" in response.content.decode()


def test_the_auditor_reaches_the_screen_from_the_menu(client_for, auditor):
    body = client_for(auditor).get(reverse("read_audit")).content.decode()
    assert f'href="{reverse("read_audit")}"' in body


# --- the citizen's view -----------------------------------------------------------------------------


def test_the_citizen_sees_which_units_opened_their_dossier_without_staff_names(client_for, client, clerk,
                                                                               citizen, received):  # noqa: F811
    received.citizen = citizen
    received.save(update_fields=["citizen"])
    client_for(clerk).get(reverse("workflow:dossier", args=[received.code]))
    client.logout()
    body = client_for(citizen).get(reverse("citizens:dossier", args=[received.code])).content.decode()
    panel = body[body.index('data-testid="readers"'):]
    panel = panel[:panel.index("</section>")]
    assert panel.count('data-testid="reader"') == 1
    assert "Ủy ban nhân dân xã Mỹ Hà" in panel and "Cán bộ một cửa" in panel
    assert "Nguyễn Thị Hoa" not in panel and "clerk" not in panel


def test_the_tracking_book_export_is_logged_but_not_its_preview(client_for, clerk, org):
    client = client_for(clerk)
    url = reverse("workflow:tracking_book") + f"?unit={org.c1.code}&date_from=2026-11-01&date_to=2026-11-30"
    assert client.get(url).status_code == 200
    assert not ReadAccess.objects.exists()
    assert client.get(url + "&format=xlsx").status_code == 200
    row = only_row(action=ReadAccess.Action.EXPORT)
    assert row.target == f"{org.c1.code} 2026-11-01 2026-11-30 xlsx" and row.allowed


def test_a_superuser_reads_the_whole_log_from_the_menu(client_for, clerk, received, django_user_model):  # noqa: F811
    client_for(clerk).get(reverse("workflow:dossier", args=[received.code]))
    admin = django_user_model.objects.create_superuser(username="root", password="x-Very-Long-Pass-2026",
                                                       email="root@example.vn")
    body = client_for(admin).get(reverse("read_audit")).content.decode()
    assert f'href="{reverse("read_audit")}"' in body and body.count('data-testid="audit-row"') == 1
