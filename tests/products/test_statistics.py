"""The statistics page reproduces the seed articles' figures from the demo data, as tables, charts, Excel and CSV."""

import csv
import io
import re

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module inside a transaction rolled back afterwards."""
    from django.db import transaction
    from django.test import override_settings

    with django_db_blocker.unblock(), override_settings(DEBUG=True, OCOP_DEMO_DATA_ALLOWED=True):
        with transaction.atomic():
            call_command("load_demo_data", stdout=open("/dev/null", "w"))
            yield
            transaction.set_rollback(True)


@pytest.fixture
def demo(demo_loaded, db):
    caches["default"].clear()


def rows(html: str, table_id: str) -> dict[str, list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    result = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[2 if table_id == "table-by-year" else 1 :]:
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        result[cells[0]] = cells[1:]
    return result


def page(params) -> str:
    response = Client().get("/thong-ke/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_hanoi_2019(demo, django_assert_max_num_queries):
    """Hà Nội 2019: the city rated 207 products 4★ and 88 3★ (6 potential 5★ went to the centre, uncertified)."""
    with django_assert_max_num_queries(8):
        html = page({"province": "01", "year_from": 2019, "year_to": 2019})
    by_year = rows(html, "table-by-year")
    # columns: new 3★, 4★, 5★, total, renewed, cumulative 3★, 4★, 5★, total
    assert by_year["2019"][:4] == ["88", "207", "0", "295"]
    assert "<svg" in html and "Giấy chứng nhận cấp theo năm và hạng sao" in html


def test_ha_dong_end_2020(demo):
    """Hà Đông (old district 268) at the end of 2020: 23 products, 13 4★ and 10 3★."""
    html = page({"province": "01", "legacy_district": "268", "year_from": 2019, "year_to": 2020})
    by_year = rows(html, "table-by-year")
    assert by_year["2020"][5:9] == ["10", "13", "0", "23"]


def test_dong_ha_2021(demo):
    html = page({"legacy_district": "461", "year_from": 2021, "year_to": 2021})
    assert rows(html, "table-by-year")["2021"][:4] == ["6", "2", "0", "8"]


def test_y_yen_2023(demo):
    """Ý Yên 2023: 9 new ≥3★ (one 4★), 4 re-recognised; 30 3★ products by the end of 2023 — 12 from cooperatives,
    6 from enterprises, 12 from 8 households."""
    html = page({"legacy_district": "360", "year_from": 2020, "year_to": 2023})
    by_year = rows(html, "table-by-year")
    assert by_year["2023"][:5] == ["8", "1", "0", "9", "4"]
    assert by_year["2023"][5:9] == ["30", "1", "0", "31"]
    by_type = rows(html, "table-by-type")
    assert by_type["Hợp tác xã"][:3] == ["12", "1", "0"]
    assert by_type["Doanh nghiệp nhỏ và vừa"][:3] == ["6", "0", "0"]
    household = by_type["Hộ sản xuất, hộ gia đình có đăng ký kinh doanh"]
    assert household[:3] == ["12", "0", "0"] and household[4] == "8"  # 12 products from 8 households


def test_downloads_carry_the_same_figures(demo):
    client = Client()
    params = {"legacy_district": "360", "year_from": 2020, "year_to": 2023}
    xlsx = client.get("/thong-ke/tai-ve.xlsx", params)
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames[:2] == ["Theo năm", "Theo loại hình"]
    year_rows = {row[0]: row for row in workbook["Theo năm"].iter_rows(min_row=4, values_only=True)}
    assert year_rows[2023][1:6] == (8, 1, 0, 9, 4) and year_rows[2023][-1] == 31
    response = client.get("/thong-ke/tai-ve.csv", params)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    cube = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    new_2023 = sum(int(r["certificates"]) for r in cube if r["year"] == "2023" and r["kind"] == "new")
    renewed_2023 = sum(int(r["certificates"]) for r in cube if r["year"] == "2023" and r["kind"] == "renewed")
    assert (new_2023, renewed_2023) == (9, 4)
    assert {r["producer_type"] for r in cube} == {"cooperative", "enterprise", "household"}
    assert client.get("/thong-ke/tai-ve.pdf").status_code == 404


def test_national_page_and_bad_parameters(demo):
    html = page({"year_from": "abc", "year_to": "2019", "province": "xx"})
    assert "Toàn quốc" in html
    assert rows(html, "table-by-year")["2019"][:4] == ["88", "207", "0", "295"]
