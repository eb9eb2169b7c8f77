"""The declaration format (procedures/eforms): the JSON Schema and the checks beyond it, and
the server-side validation of answers."""

import datetime

import pytest

from procedures.eforms import library
from procedures.eforms.reference import ETHNIC_GROUPS, ID_PROVINCE_CODES, NATIONALITIES, PROVINCES
from procedures.eforms.schema import definition_errors
from procedures.eforms.validation import declaration_errors, parse_section, section_errors, visible_data

TODAY = datetime.date(2026, 12, 5)


def birth():
    return library.load("khai-sinh")


def good_birth_answers():
    return {
        "child_name": "NGUYỄN AN NHIÊN", "child_birth_date": "2026-11-20", "child_sex": "nu",
        "child_ethnicity": "01", "child_nationality": "VN", "child_birth_place": "Bệnh viện đa khoa tỉnh",
        "child_hometown": "Xã Mỹ Hà, tỉnh Ninh Bình", "mother_name": "TRẦN THỊ MAI", "mother_birth_date": "1995-03-02",
        "mother_ethnicity": "01", "mother_nationality": "VN", "mother_personal_id": "036195001234",
        "mother_residence": {"detail": "Thôn Đông", "commune": "Xã Mỹ Hà", "province": "Tỉnh Ninh Bình"},
        "father_declared": "co", "father_name": "NGUYỄN VĂN BÌNH", "father_birth_date": "1993-07-15",
        "father_ethnicity": "01", "father_nationality": "VN", "declarant_name": "TRẦN THỊ MAI",
        "declarant_personal_id": "036195001234", "declarant_relationship": "me", "copies": "1",
    }


def test_reference_lists_are_complete():
    assert len(ETHNIC_GROUPS) == 54 and ETHNIC_GROUPS[0] == ("01", "Kinh") and ETHNIC_GROUPS[-1] == ("54", "Rơ-măm")
    assert len(ID_PROVINCE_CODES) == 63 and ID_PROVINCE_CODES["001"] == "Hà Nội"
    assert len(PROVINCES) == 34
    assert dict(NATIONALITIES)["VN"] == "Việt Nam" and len(NATIONALITIES) > 190


@pytest.mark.parametrize("name", list(library.SHIPPED))
def test_every_shipped_form_is_valid_and_cites_its_legal_basis(name):
    definition = library.load(name)
    assert definition_errors(definition) == []
    assert "Thông tư" in definition["legal_basis"]["vi"] or "Nghị định" in definition["legal_basis"]["vi"]
    for section in definition["sections"]:
        for field in section["fields"]:
            assert field["label"]["vi"] and field["label"].get("en"), field["key"]


def test_schema_refuses_unknown_types_missing_options_and_bad_keys():
    definition = birth()
    definition["sections"][0]["fields"][0]["type"] = "colour"
    assert any("colour" in e for e in definition_errors(definition))
    definition = birth()
    del definition["sections"][0]["fields"][2]["options"]  # child_sex is a choice
    assert any("options" in e for e in definition_errors(definition))
    definition = birth()
    definition["sections"][0]["fields"][0]["key"] = "Họ tên"
    assert definition_errors(definition)
    assert definition_errors({"format": "other"})
    assert definition_errors([]) == ["Định nghĩa tờ khai phải là một đối tượng JSON."]


def test_semantic_checks_duplicate_keys_and_dangling_conditions():
    definition = birth()
    definition["sections"][1]["fields"][0]["key"] = "child_name"
    assert any("Trùng mã trường “child_name”" in e for e in definition_errors(definition))
    definition = birth()
    definition["sections"][1]["fields"][7]["show_if"] = {"field": "nothing", "equals": "co"}
    assert any("nothing" in e for e in definition_errors(definition))
    definition = birth()
    definition["rules"] = [{"type": "min_age", "field": "child_name", "years": 18, "message": {"vi": "x"}}]
    assert any("không phải một trường ngày" in e for e in definition_errors(definition))


def test_complete_birth_answers_have_no_error():
    assert declaration_errors(birth(), good_birth_answers(), today=TODAY) == {}


def test_errors_name_the_field_and_say_why():
    answers = good_birth_answers()
    answers.update(child_name="", child_birth_date="2027-01-01", mother_personal_id="999195001234",
                   declarant_personal_id="12345", copies="nhiều",
                   mother_residence={"detail": "", "commune": "Xã Mỹ Hà", "province": "Sao Hỏa"})
    errors = declaration_errors(birth(), answers, today=TODAY)
    assert errors["child_name"] == ["Vui lòng nhập họ, chữ đệm, tên."]
    assert "không thể sau hôm nay" in errors["child_birth_date"][0]
    assert "3 chữ số đầu (999)" in errors["mother_personal_id"][0]
    assert "đúng 12 chữ số" in errors["declarant_personal_id"][0]
    assert "Hãy nhập một số" in errors["copies"][0]
    assert errors["mother_residence-detail"] and errors["mother_residence-province"]
    assert "mother_residence-commune" not in errors


def test_conditions_hide_fields_from_checks_and_from_the_stored_answers():
    answers = good_birth_answers()
    answers.update(father_declared="khong", father_name="")
    assert declaration_errors(birth(), answers, today=TODAY) == {}
    assert "father_name" not in visible_data(birth(), answers)
    answers["father_declared"] = "co"
    assert "father_name" in declaration_errors(birth(), answers, today=TODAY)


def test_parse_section_keeps_what_was_typed_and_normalises():
    section = birth()["sections"][1]
    post = {"f-mother_name": " trần thị mai ", "f-mother_birth_date": "02/03/1995",
            "f-mother_personal_id": "036 195 001 234",
            "f-mother_residence-detail": "Thôn Đông", "f-mother_residence-commune": "Xã Mỹ Hà",
            "f-mother_residence-province": "Tỉnh Ninh Bình", "f-father_declared": "co"}
    values = parse_section(section, post)
    assert values["mother_name"] == "TRẦN THỊ MAI"
    assert values["mother_birth_date"] == "1995-03-02"
    assert values["mother_personal_id"] == "036195001234"
    assert values["mother_residence"] == {"detail": "Thôn Đông", "commune": "Xã Mỹ Hà", "province": "Tỉnh Ninh Bình"}
    values = parse_section(section, {"f-mother_birth_date": "32/13/1995"})
    assert values["mother_birth_date"] == "32/13/1995"  # kept as typed, reported as invalid
    assert "Ngày không hợp lệ" in section_errors(birth(), section, values, today=TODAY)["mother_birth_date"][0]


def test_repeatable_group_rows_are_read_and_checked_row_by_row():
    definition = library.load("ly-lich-tu-phap")
    section = next(s for s in definition["sections"] if any(f["type"] == "group" for f in s["fields"]))
    group = next(f for f in section["fields"] if f["type"] == "group")
    sub = [f["key"] for f in group["fields"]]
    post = {f"f-{group['key']}-count": "3"}
    post.update({f"f-{group['key']}-0-{k}": v for k, v in zip(sub, ["2010-01-01", "2015-12-31", "Thôn Đông, xã Mỹ Hà",
                                                                   "Học sinh", "Trường THPT"], strict=True)})
    second = ["2016-01-01", "2031-01-01", "", "", ""]
    post.update({f"f-{group['key']}-1-{k}": v for k, v in zip(sub, second, strict=True)})
    rows = parse_section(section, post)[group["key"]]
    assert len(rows) == 2  # the blank third row is dropped
    errors = section_errors(definition, section, {group["key"]: rows}, today=TODAY)
    assert f"{group['key']}-1-{sub[1]}" in errors  # a residence ending in the future
    assert f"{group['key']}-1-{sub[2]}" in errors  # the address is required
    assert not any(path.startswith(f"{group['key']}-0-") for path in errors)


def test_marriage_age_man_20_woman_18():
    definition = library.load("ket-hon")
    base = {f["key"]: f.get("default", "") for s in definition["sections"] for f in s["fields"]}
    answers = dict(base)
    for side, born in (("bride", "2008-12-06"), ("groom", "2006-12-06")):
        answers.update({f"{side}_name": "A", f"{side}_birth_date": born, f"{side}_personal_id": "001206001234",
                        f"{side}_residence": {"detail": "Thôn 1", "commune": "Xã A", "province": "Thành phố Hà Nội"},
                        f"{side}_marriage_count": "1"})
    errors = declaration_errors(definition, answers, today=TODAY)
    assert "Nữ từ đủ 18 tuổi" in " ".join(errors.get("bride_birth_date", []))
    assert "Nam từ đủ 20 tuổi" in " ".join(errors.get("groom_birth_date", []))
    answers.update(bride_birth_date="2008-12-05", groom_birth_date="2006-12-05")
    assert declaration_errors(definition, answers, today=TODAY) == {}
