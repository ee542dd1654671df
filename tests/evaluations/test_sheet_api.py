"""Public read-only API of rule versions and score sheets."""

import pytest
from rest_framework.test import APIClient

from evaluations.models import ScoreSheet
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_sheets")]


@pytest.fixture
def api():
    return APIClient()


def sheet_id(number: int) -> int:
    return ScoreSheet.objects.get(rule_version__code="QD26_2026", product_set__number=number).pk


def find(items, key, value):
    return next(item for item in items if item[key] == value)


def test_rule_versions_say_which_have_sheets(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = api.get("/api/v1/rule-versions/")
    assert response.status_code == 200
    versions = response.json()
    assert [v["code"] for v in versions] == ["QD1048_2019", "QD148_2023", "QD148_1489_2025", "QD26_2026"]
    current = find(versions, "code", "QD26_2026")
    assert current["sheet_count"] == 26 and current["sheets_transcribed"] is True
    assert current["part_points"] == {"A": 40, "B": 25, "C": 35}
    assert current["band_thresholds"] == [30, 50, 70, 90]
    assert current["recognition_levels"] == {"3": "province", "4": "province", "5": "central"}
    assert current["forward_thresholds"] == {"province": 90}
    assert current["effective_from"] == "2026-05-22" and current["effective_to"] is None
    assert current["score_sheets_url"].endswith("/api/v1/score-sheets/?rule_version=QD26_2026")
    old = find(versions, "code", "QD1048_2019")
    assert old["part_points"] == {"A": 35, "B": 25, "C": 40}
    assert old["forward_thresholds"] == {"district": 50, "province": 90}
    for legacy in ("QD1048_2019", "QD148_2023", "QD148_1489_2025"):
        item = find(versions, "code", legacy)
        assert item["sheet_count"] == 0 and item["sheets_transcribed"] is False
    one = api.get("/api/v1/rule-versions/QD148_2023/").json()
    assert one["recognition_levels"]["3"] == "district" and one["has_district_level"] is True


def test_sheet_list_filters(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = api.get("/api/v1/score-sheets/", {"rule_version": "QD26_2026"})
    body = response.json()
    assert body["count"] == 26 and len(body["results"]) == 26
    first = body["results"][0]
    assert set(first) == {"id", "rule_version", "product_set", "title", "total_points", "url", "print_url"}
    assert first["rule_version"] == "QD26_2026"
    assert first["product_set"] == {"number": 1, "name": "Rau, củ, quả, hạt tươi"}
    assert first["total_points"] == 100
    assert first["url"].endswith(f"/api/v1/score-sheets/{first['id']}/")
    assert first["print_url"].endswith("/score-sheets/QD26_2026/1/")
    one = api.get("/api/v1/score-sheets/", {"rule_version": "QD26_2026", "product_set": 12}).json()
    assert [r["product_set"]["number"] for r in one["results"]] == [12]
    assert api.get("/api/v1/score-sheets/", {"rule_version": "QD148_2023"}).json()["count"] == 0
    assert api.get("/api/v1/score-sheets/", {"product_set": "abc"}).status_code == 400


def test_sheet_detail_is_nested_in_few_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = api.get(f"/api/v1/score-sheets/{sheet_id(1)}/")
    assert response.status_code == 200
    sheet = response.json()
    assert sheet["rule_version"] == {"code": "QD26_2026", "decision_number": "26/2026/QĐ-TTg"}
    assert sheet["product_set"]["number"] == 1
    assert sheet["total_points"] == 100
    assert sheet["eliminations"][0].startswith("Hồ sơ bị loại khi: Giả mạo hồ sơ")
    assert sheet["notes"][0].startswith("Ghi chú: Dấu sao là yêu cầu tối thiểu")
    assert [(p["code"], p["points"]) for p in sheet["parts"]] == [("A", 40), ("B", 25), ("C", 35)]
    assert sum(h["points"] for p in sheet["parts"] for h in p["headings"]) == 100
    heading = sheet["parts"][0]["headings"][0]
    assert (heading["number"], heading["name"], heading["points"], heading["line"]) == (
        "1",
        "TỔ CHỨC SẢN XUẤT",
        18,
        753,
    )
    criteria = {c["number"]: c for p in sheet["parts"] for h in p["headings"] for c in h["criteria"]}
    c15 = criteria["1.5"]
    assert c15["text"] == "Liên kết sản xuất" and c15["points"] == 3 and c15["line"] == 801
    assert [(o["key"], o["points"], o["min_stars"], o["eliminates"]) for o in c15["options"]] == [
        ("a", 0, None, False),
        ("b", 1, None, False),
        ("c", 2, 4, False),
        ("d", 3, 5, False),
    ]
    assert c15["star_minima"] == {"3": None, "4": 2, "5": 3}
    assert criteria["5.2"]["condition"] == "Chỉ áp dụng khi có câu chuyện sản phẩm"
    assert criteria["1.1"]["description"] == "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh"


def test_eliminating_options_and_special_shapes(api):
    sheet21 = api.get(f"/api/v1/score-sheets/{sheet_id(21)}/").json()
    criteria = {c["number"]: c for p in sheet21["parts"] for h in p["headings"] for c in h["criteria"]}
    last = criteria["6.2"]["options"][-1]
    assert last["eliminates"] is True and last["from_note"] is True and last["points"] == 0
    sheet26 = api.get(f"/api/v1/score-sheets/{sheet_id(26)}/").json()
    assert sheet26["eliminations"] == []
    part_a = sheet26["parts"][0]
    assert part_a["header_points"] == 40 and part_a["corrections"] == ["S26-A-header"]
    assert "S26-A-header" in {c["id"] for c in sheet26["corrections"]}
    c8 = next(
        h
        for h in sheet26["parts"][2]["headings"] + sheet26["parts"][1]["headings"] + part_a["headings"]
        if h["number"] == "8"
    )["criteria"][0]
    assert c8["heading_level"] is True
    assert [o["group"][:13] for o in c8["options"]] == ["Trường hợp 1:"] * 2 + ["Trường hợp 2:"] * 2
    sheet11 = api.get(f"/api/v1/score-sheets/{sheet_id(11)}/").json()
    tea = next(h for p in sheet11["parts"] for h in p["headings"] if h["subheadings"])
    assert [s["number"] for s in tea["subheadings"]] == ["6.1", "6.2"]
    assert {c["subheading"] for c in tea["criteria"]} == {"6.1", "6.2"}


def test_read_only_and_unknown(api):
    assert api.post("/api/v1/score-sheets/", {}).status_code in (401, 403, 405)
    assert api.delete(f"/api/v1/score-sheets/{sheet_id(1)}/").status_code in (401, 403, 405)
    assert api.get("/api/v1/score-sheets/999999/").status_code == 404
    assert api.get("/api/v1/rule-versions/NOPE/").status_code == 404


def test_schema_documents_the_endpoints():
    from django.core.management import call_command
    from drf_spectacular.generators import SchemaGenerator

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in (
        "/api/v1/rule-versions/",
        "/api/v1/rule-versions/{code}/",
        "/api/v1/score-sheets/",
        "/api/v1/score-sheets/{id}/",
    ):
        assert set(schema["paths"][path]) == {"get"}, path
    option = schema["components"]["schemas"]["Option"]["properties"]
    assert {"points", "min_stars", "eliminates"} <= set(option)
