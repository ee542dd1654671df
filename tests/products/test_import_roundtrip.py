"""Export → import changes nothing: the export has exactly the template's columns, filtered as the catalogue."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Certificate
from products.filters import ProductFilterSet
from products.models import Product
from products.records import exports
from products.records.columns import TITLES
from products.records.services import import_records
from tests.evaluations import certificate_list_fixtures
from tests.products.import_helpers import db_state, good_row, xlsx_bytes

pytestmark = pytest.mark.django_db
situation = certificate_list_fixtures.situation  # the officer lists' fixture, by name


def imported_sample():
    rows = [
        good_row(1),
        good_row(2, stars="5", product_code="01-10030-2-2024"),
        good_row(3, commune="Kiêu Kỵ", legacy_district="Huyện Gia Lâm", registration_number=""),
        good_row(4, certificate_number="GCN-OLD-4", decision_date="10/12/2020", decision_number="9/QĐ-UBND", stars="3"),
        good_row(4, certificate_number="GCN-NEW-4", decision_number=""),
        good_row(
            5, province="Ninh Bình", commune="Kim Sơn", producer_type="Hộ kinh doanh", product_set="ca phe, cacao"
        ),
    ]
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    assert report.written, [m for r in report.errors for m in r.messages()]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_reimports_unchanged(units, fmt):
    imported_sample()
    data = exports.export(Product.objects.all(), fmt)
    before = db_state()
    report = import_records(data, f"xuat.{fmt}")
    assert report.errors == []
    assert report.counts["rows.unchanged"] == Certificate.objects.count() == 6
    assert db_state() == before


def test_export_has_the_template_columns_and_follows_the_catalogue_filters(units):
    imported_sample()
    filterset = ProductFilterSet({"province": "37"}, queryset=Product.objects.all())
    assert filterset.is_valid()
    sheet = load_workbook(io.BytesIO(exports.export(filterset.qs, "xlsx"))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == TITLES
    assert len(rows) == 2
    assert rows[1][TITLES.index("Tỉnh / thành phố")] == "Tỉnh Ninh Bình"
    assert rows[1][TITLES.index("Loại hình chủ thể")] == "Hộ sản xuất, hộ gia đình có đăng ký kinh doanh"
    assert rows[1][TITLES.index("Ngày quyết định")] == "05/03/2024"


def test_catalogue_built_by_the_workflow_services_round_trips(catalogue):
    """Records made by record_certificate (chains, decisions, legacy districts, revocations) export and re-import
    without a change."""
    data = exports.export(Product.objects.all(), "xlsx")
    before = db_state()
    report = import_records(data, "xuat.xlsx")
    assert [m for r in report.errors for m in r.messages()] == []
    assert report.counts["rows.unchanged"] == Certificate.objects.count()
    assert db_state() == before


def test_export_command_with_filters(units, tmp_path):
    imported_sample()
    path = tmp_path / "xuat.csv"
    call_command("import_records", "--export", str(path), "--filter", "stars=5", stdout=io.StringIO())
    lines = path.read_text(encoding="utf-8-sig").strip().splitlines()
    assert lines[0].split(",") == TITLES
    assert len(lines) == 2 and "GCN-00002/2024" in lines[1]


def test_officer_list_exports_in_the_template_columns_and_reimports_unchanged(client, situation):
    """The officer lists' "Xuất theo mẫu nhập": the list's certificates, scoped, in the import template."""
    s = situation
    client.force_login(s.province_user)
    page = client.get(reverse("certificates:attention")).content.decode()
    assert "Xuất theo mẫu nhập" in page
    response = client.get(reverse("certificates:attention_records"))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == TITLES
    exported = {row[TITLES.index("Số giấy chứng nhận")] for row in rows[1:]}
    assert exported == {s.window.number, s.late.number, s.extended.number, s.expired.number}
    before = db_state()
    report = import_records(response.content, "can-bo.xlsx")
    assert [m for r in report.errors for m in r.messages()] == []
    assert report.counts["rows.unchanged"] == 4
    assert db_state() == before
