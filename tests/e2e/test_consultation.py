"""A consultation in the browser: the processing officer asks another unit, the consulted unit
finds the question in its inbox, opens the dossier and answers; the officer reads the answer."""

import pytest

from tests.e2e.conftest import screenshot
from tests.workflow.test_policy import QUESTION, commune_dossier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "Trích lục hộ tịch cũ hợp lệ; đề nghị Ủy ban nhân dân xã tiếp tục giải quyết."


def test_consulted_unit_answers_from_its_inbox(session, org, officer_c1, officer):
    dossier = commune_dossier(org, active=1)
    asking = session("officer_c1")
    asking.goto(f"/dossiers/{dossier.code}/")
    asking.get_by_label("Xin ý kiến cơ quan phối hợp").select_option(label=org.department.name)
    asking.get_by_label("Nội dung xin ý kiến").fill(QUESTION)
    asking.get_by_role("button", name="Gửi xin ý kiến").click()
    assert asking.get_by_text("Đã gửi xin ý kiến.").is_visible()

    consulted = session("officer")
    consulted.goto("/inbox/")
    table = consulted.get_by_test_id("inbox-consultations")
    assert QUESTION in table.inner_text()
    screenshot(consulted, "inbox-consultation")
    table.get_by_role("link", name=dossier.code).click()
    assert consulted.get_by_test_id("dossier-code").inner_text() == dossier.code
    consulted.get_by_label(f"Ý kiến của {org.department.name}").fill(ANSWER)
    consulted.get_by_role("button", name="Gửi ý kiến").click()
    assert consulted.get_by_text("Đã gửi ý kiến.").is_visible()
    consulted.goto("/inbox/")
    assert consulted.get_by_test_id("inbox-consultations").count() == 0

    asking.goto(f"/dossiers/{dossier.code}/")
    assert ANSWER in asking.content()
    screenshot(asking, "consultation-answered")
