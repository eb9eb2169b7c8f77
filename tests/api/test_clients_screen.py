"""The administrator's screen of connected systems: the key shown once, stored hashed, revoked."""

from portal.api.models import ApiClient
from portal.models import Membership, Role


def test_administrator_creates_a_client_sees_the_key_once_and_revokes_it(superuser_client, client, org):
    page = superuser_client.get("/integration/clients/")
    assert page.status_code == 200
    response = superuser_client.post("/integration/clients/", {
        "name": "Phần mềm đất đai", "unit": org.c1.pk, "scopes": ["dossiers:read", "steps:act"],
        "webhook_url": "https://dat-dai.example.vn/hooks", "webhook_events": ["status_changed"]})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    created = ApiClient.objects.get(name="Phần mềm đất đai")
    key = html.split('data-testid="api-key">')[1].split("<")[0]
    assert key.startswith(created.key_prefix + ".") and key not in created.key_hash
    roles = {m.role for m in Membership.objects.filter(user=created.user)}
    assert roles == {Role.SUPERVISOR, Role.OFFICER, Role.LEADER}
    assert key not in superuser_client.get("/integration/clients/").content.decode()  # never again
    assert client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    superuser_client.post(f"/integration/clients/{created.pk}/revoke/")
    assert client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_rotation_replaces_the_key(superuser_client, client, system):
    api_client, old_key = system
    response = superuser_client.post(f"/integration/clients/{api_client.pk}/rotate/")
    new_key = response.content.decode().split('data-testid="api-key">')[1].split("<")[0]
    assert client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Bearer {old_key}").status_code == 401
    assert client.get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Bearer {new_key}").status_code == 200


def test_events_without_a_url_are_refused(superuser_client, org):
    response = superuser_client.post("/integration/clients/", {
        "name": "X", "unit": org.c1.pk, "scopes": ["dossiers:read"], "webhook_events": ["status_changed"]})
    assert response.status_code == 400 and not ApiClient.objects.exists()


def test_a_client_is_rate_limited(client, system, settings):
    settings.THROTTLE_RULES = {"api-client": {"limit": 3, "window": 60, "lock": 60}}
    auth = {"HTTP_AUTHORIZATION": f"Bearer {system[1]}"}
    statuses = [client.get("/api/v1/dossiers/", **auth).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert int(client.get("/api/v1/dossiers/", **auth)["Retry-After"]) > 0
