from tests.api.conftest import online_version


def test_catalogue_is_readable_without_a_key(anonymous, org):
    version = online_version()
    response = anonymous.get("/api/v1/procedures/?q=khai sinh")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["national_code"] == "1.001193"
    detail = anonymous.get("/api/v1/procedures/1.001193/").json()
    assert detail["name"] == version.name
    assert [c["name"] for c in detail["components"]] == ["Tờ khai đăng ký khai sinh"]
    assert [s["action"] for s in detail["steps"]] == ["Tiếp nhận", "Thẩm định, phê duyệt", "Trả kết quả"]


def test_unknown_procedure_is_a_translated_404(anonymous, db):
    response = anonymous.get("/api/v1/procedures/9.999999/", language="en")
    assert response.status_code == 404
    assert response["Content-Language"] == "en"
