import base64
import datetime

import pytest

from dossiers.models import Channel, Dossier, DossierFile, Status
from portal.api.clients import api_client_create, api_client_revoke
from portal.api.models import ApiCall, Scope
from tests.api.conftest import Caller, create_body, online_version
from tests.helpers import real_pdf
from workflow.routing import services as routing


@pytest.fixture
def version(org):
    return online_version()


def test_system_creates_an_online_dossier_that_the_counter_checks(api, version, org, clerk):
    response = api.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key="k-1")
    assert response.status_code == 201, response.content
    body = response.json()
    dossier = Dossier.objects.get(code=body["code"])
    assert (dossier.status, dossier.channel, dossier.citizen) == (Status.SUBMITTED, Channel.ONLINE, None)
    assert body["national_status"] == 1 and body["channel"] == 2
    assert dossier.files.get().content_type == "application/pdf"
    assert dossier.events.get().actor.api_client.name == "Phần mềm hộ tịch"
    # The unit's counter accepts it like any online submission (counter step budgeted 0: forwarded).
    routing.online_accept(dossier=dossier, clerk=clerk)
    assert api.get(f"/api/v1/dossiers/{dossier.code}/").json()["national_status"] == 4


def test_a_retried_create_with_the_same_key_makes_one_dossier(api, version, org):
    body = create_body(version, org.c1)
    first = api.post("/api/v1/dossiers/", body, idempotency_key="same")
    again = api.post("/api/v1/dossiers/", body, idempotency_key="same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1
    other = api.post("/api/v1/dossiers/", create_body(version, org.c1, delivery="post"), idempotency_key="same")
    assert other.status_code == 400 and "Idempotency-Key" in other.json()
    assert api.post("/api/v1/dossiers/", body).status_code == 400  # no key: refused


def test_bad_input_is_refused_with_translated_messages(api, version, org):
    unknown = api.post("/api/v1/dossiers/", create_body(version, org.c1, colour="red"), idempotency_key="a")
    assert unknown.status_code == 400
    assert unknown.json()["colour"] == ["Trường không được hỗ trợ."]
    # Messages follow Accept-Language.
    body = create_body(version, org.c1)
    del body["procedure"]
    english = api.post("/api/v1/dossiers/", body, idempotency_key="e", language="en")
    assert english.json()["procedure"] == ["This field is required."] and english["Content-Language"] == "en"
    vietnamese = api.post("/api/v1/dossiers/", body, idempotency_key="e", language="vi-VN,vi;q=0.9")
    assert vietnamese.json()["procedure"] != ["This field is required."]
    not_pdf = create_body(version, org.c1)
    not_pdf["components"][0]["files"][0]["content_base64"] = "aGVsbG8gd29ybGQ="
    response = api.post("/api/v1/dossiers/", not_pdf, idempotency_key="b")
    assert response.status_code == 400
    assert "không phải PDF, JPEG hoặc PNG" in str(response.json())
    assert api.post("/api/v1/dossiers/", "{not json", idempotency_key="c").status_code == 400
    assert api.post("/api/v1/dossiers/", [1, 2], idempotency_key="d").status_code == 400
    assert Dossier.objects.count() == 0


def test_system_may_not_submit_for_a_unit_outside_its_own(api, version, org):
    response = api.post("/api/v1/dossiers/", create_body(version, org.c2), idempotency_key="x")
    assert response.status_code == 400 and "unit" in response.json()
    assert Dossier.objects.count() == 0


def test_scopes_and_keys_are_enforced(client, version, org):
    reader, key, _secret = api_client_create(name="Chỉ đọc", unit=org.c1, scopes=[Scope.DOSSIERS_READ],
                                             created_by=None)
    caller = Caller(client, key)
    assert caller.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key="k").status_code == 403
    assert caller.get("/api/v1/dossiers/").status_code == 200
    assert Caller(client, key + "x").get("/api/v1/dossiers/").status_code == 401
    assert Caller(client).get("/api/v1/dossiers/").status_code == 401
    api_client_revoke(client=reader)
    assert caller.get("/api/v1/dossiers/").status_code == 401


def test_every_call_is_audited(api, version, org, system):
    code = api.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key="k").json()["code"]
    api.get(f"/api/v1/dossiers/{code}/events/")
    calls = list(ApiCall.objects.filter(client=system[0]).order_by("at", "pk").values_list("action", "object",
                                                                                          "status_code"))
    assert calls == [("dossiers.create", code, 201), ("dossiers.events", code, 200)]


def test_dossier_of_another_commune_is_a_404(api, version, org, other_clerk):
    from tests.dossiers.factories import walk_in

    dossier = walk_in(clerk=other_clerk, unit=org.c2, version=version, applicant={"applicant_name": "Lê Văn Tư"})
    assert api.get(f"/api/v1/dossiers/{dossier.code}/").status_code == 404
    assert all(d["code"] != dossier.code for d in api.get("/api/v1/dossiers/").json()["results"])


def test_changed_since_pages_with_a_cursor(api, version, org):
    codes = [api.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key=f"k{i}").json()["code"]
             for i in range(5)]
    seen, cursor = [], None
    while True:
        url = "/api/v1/dossiers/?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(url).json()
        seen += [d["code"] for d in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == codes
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=1)).isoformat()
    assert api.get(f"/api/v1/dossiers/?changed_since={later.replace('+', '%2B')}").json()["results"] == []
    assert api.get("/api/v1/dossiers/?cursor=nonsense").status_code == 400
    assert api.get("/api/v1/dossiers/?changed_since=yesterday").status_code == 400
    # Found by schemathesis: an offset PostgreSQL cannot store was a 500.
    assert api.get("/api/v1/dossiers/?changed_since=0400-05-12T00:33:00%2B19:58").status_code == 200


def test_system_approves_its_step_with_a_result_and_reads_it(api, version, org, clerk):
    code = api.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key="k").json()["code"]
    dossier = Dossier.objects.get(code=code)
    refused = api.post(f"/api/v1/dossiers/{code}/actions/", {"action": "approve"})
    assert refused.status_code == 400  # not at a processing step yet
    routing.online_accept(dossier=dossier, clerk=clerk)  # the counter step is budgeted 0: forwarded at once
    response = api.post(f"/api/v1/dossiers/{code}/actions/",
                        {"action": "approve", "note": "Đủ điều kiện",
                         "result_files": [{"name": "trich-luc.pdf",
                                           "content_base64": base64.b64encode(real_pdf().read()).decode()}]})
    assert response.status_code == 200, response.content
    assert response.json()["national_status"] == 9
    result = api.get(f"/api/v1/dossiers/{code}/result/").json()
    assert result["outcome"] == "approved"
    [stored] = result["files"]
    download = api.get(f"/api/v1/dossiers/{code}/files/{stored['id']}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    events = api.get(f"/api/v1/dossiers/{code}/events/").json()
    assert [e["national_status"] for e in events if e["transition"] == "finish"] == [9]
    assert DossierFile.objects.filter(dossier=dossier, kind=DossierFile.Kind.RESULT).count() == 1


def test_a_system_without_the_step_scope_may_not_decide(client, version, org, clerk):
    reader, key, _secret = api_client_create(name="Chỉ đọc", unit=org.c1,
                                             scopes=[Scope.DOSSIERS_READ, Scope.DOSSIERS_CREATE], created_by=None)
    caller = Caller(client, key)
    code = caller.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key="k").json()["code"]
    routing.online_accept(dossier=Dossier.objects.get(code=code), clerk=clerk)
    assert caller.post(f"/api/v1/dossiers/{code}/actions/", {"action": "approve"}).status_code == 403
    assert Dossier.objects.get(code=code).status == Status.PROCESSING


def test_supplement_request_goes_through_the_service(api, version, org, clerk):
    code = api.post("/api/v1/dossiers/", create_body(version, org.c1), idempotency_key="k").json()["code"]
    routing.online_accept(dossier=Dossier.objects.get(code=code), clerk=clerk)
    missing = api.post(f"/api/v1/dossiers/{code}/actions/", {"action": "supplement", "note": ""}, language="en")
    assert missing.status_code == 400
    response = api.post(f"/api/v1/dossiers/{code}/actions/",
                        {"action": "supplement", "note": "Thiếu giấy chứng sinh",
                         "missing_components": ["Giấy chứng sinh"]})
    assert response.status_code == 200 and response.json()["national_status"] == 5


def test_electronic_declaration_is_checked_and_printed(api, org):
    from procedures.eforms import library
    from tests.dossiers.test_declarations import ANSWERS

    version = online_version(code="1.001194")
    requirement = version.components.get()
    requirement.eform = library.load("khai-sinh")
    requirement.save(update_fields=["eform"])
    body = create_body(version, org.c1)
    body["components"][0]["declaration"] = {**ANSWERS["khai-sinh"], "child_birth_date": "not a date"}
    refused = api.post("/api/v1/dossiers/", body, idempotency_key="d1")
    assert refused.status_code == 400 and Dossier.objects.count() == 0
    body["components"][0]["declaration"] = {**ANSWERS["khai-sinh"], "child_nationality": {"a": 1}, "colour": "x"}
    shapes = api.post("/api/v1/dossiers/", body, idempotency_key="d3")
    assert shapes.status_code == 400
    assert set(shapes.json()["declaration"]) == {"child_nationality", "colour"}
    body["components"][0]["declaration"] = ANSWERS["khai-sinh"]
    response = api.post("/api/v1/dossiers/", body, idempotency_key="d2")
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(code=response.json()["code"])
    declaration = dossier.declarations.get()
    assert declaration.data["child_name"] == "NGUYỄN AN NHIÊN" and declaration.file.content_type == "application/pdf"
