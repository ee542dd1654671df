"""The resolver against the real units of `load_admin_units` (both structures and the old → new mapping)."""

import pytest
from django.core.management import call_command

from districts.models import AdminUnit
from evaluations.models import Certificate
from products.records.services import import_records
from tests.products.import_helpers import good_row, xlsx_bytes
from tests.public_fixtures import ensure_reference_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_units(db):
    ensure_reference_data()
    call_command("load_admin_units", stdout=open("/dev/null", "w"))


def product_of(number):
    return Certificate.objects.select_related("product__commune", "product__legacy_district").get(number=number).product


def test_old_province_district_and_commune_names_land_on_the_current_commune(real_units):
    rows = [
        # Nam Định's Ý Yên district is now in Ninh Bình; old Xã Yên Thọ became part of Xã Phong Doanh.
        good_row(1, province="Nam Định", legacy_district="Ý Yên", commune="Yên Thọ"),
        # Typed without accents, with the kind of unit, by code.
        good_row(2, province="thanh pho ha noi", commune="xa phu nghia"),
        good_row(3, province="01", commune="00577"),
        # Old Gia Lâm district and its Bát Tràng commune (a commune of the same name today).
        good_row(4, province="Hà Nội", legacy_district="Huyện Gia Lâm", commune="Xã Bát Tràng"),
    ]
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    assert [m for r in report.errors for m in r.messages()] == []
    first = product_of("GCN-00001/2024")
    assert (first.commune.name, first.province.name) == ("Xã Phong Doanh", "Tỉnh Ninh Bình")
    assert first.legacy_district == AdminUnit.objects.get(structure="legacy", level="district", code="360")
    assert product_of("GCN-00002/2024").commune.code == "10030"
    assert product_of("GCN-00003/2024").commune.name == "Xã Bát Tràng"
    fourth = product_of("GCN-00004/2024")
    assert fourth.commune.code == "00577" and fourth.legacy_district.name == "Huyện Gia Lâm"


def test_near_misses_get_the_real_unit_as_suggestion(real_units):
    rows = [
        good_row(1, commune="Phu Nghiaa"),
        good_row(2, province="Ninh Bình", legacy_district="Y Yen", commune="Yen Thoo"),
    ]
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    messages = [m for r in report.errors for m in r.messages()]
    assert messages[0] == (
        "Dòng 2, cột Xã / phường: không tìm thấy “Phu Nghiaa” trong tỉnh Thành phố Hà Nội — có phải “Xã Phú Nghĩa”?"
    )
    # With an old district, the old communes' names are suggested too.
    assert messages[1] == (
        "Dòng 3, cột Xã / phường: không tìm thấy “Yen Thoo” trong tỉnh Tỉnh Ninh Bình — có phải “Xã Yên Thọ”?"
    )
