"""The admin's import (upload → preview → confirm), template download and exports, through the Django test client."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from districts.models import RoleAssignment
from evaluations.models import Certificate
from products.records.columns import TITLES
from tests.factories import UserFactory
from tests.products.import_helpers import csv_bytes, db_state, good_row, xlsx_bytes

pytestmark = pytest.mark.django_db
IMPORT_URL = "admin:products_product_import"


@pytest.fixture
def admin_client(client):
    user = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def upload(client, data, name="ds.xlsx"):
    return client.post(reverse(IMPORT_URL), {"file": SimpleUploadedFile(name, data)})


def test_preview_shows_rows_errors_and_counts_and_writes_nothing(units, admin_client, django_assert_max_num_queries):
    from products.records.services import import_records

    import_records(xlsx_bytes([good_row(1), good_row(2)]), "earlier.xlsx")  # rows to update and to leave unchanged
    before = db_state()
    for size in (5, 120):  # the queries do not grow with the file
        rows = [good_row(1, stars="5"), good_row(2)] + [good_row(n) for n in range(3, size)]
        rows += [good_row(size, commune="Kiêu Kỵ", legacy_district="Gia Lâm"), good_row(size + 1, commune="Phu Nghiax")]
        with django_assert_max_num_queries(16):
            response = upload(admin_client, xlsx_bytes(rows))
        assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Dòng 122, cột Xã / phường: không tìm thấy “Phu Nghiax” trong tỉnh Thành phố Hà Nội — có phải “Xã Phú Nghĩa”?"
        in page
    )
    assert "120 hợp lệ, 1 có lỗi" in page
    assert "118 tạo mới" in page and "1 cập nhật" in page and "1 không đổi" in page
    assert "Chỉ nhập 120 dòng hợp lệ" in page and "Xác nhận nhập" not in page
    assert db_state() == before


def test_confirm_imports_the_previewed_file(units, admin_client):
    response = upload(admin_client, xlsx_bytes([good_row(1), good_row(2)]))
    token = response.context["token"]
    assert "Xác nhận nhập" in response.content.decode()
    response = admin_client.post(reverse(IMPORT_URL), {"token": token, "mode": "all"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:products_product_changelist")
    assert "Đã nhập: 2 dòng: 2 tạo mới" in response.content.decode()
    assert Certificate.objects.count() == 2
    # The pending file is gone: confirming twice is impossible.
    assert admin_client.post(reverse(IMPORT_URL), {"token": token, "mode": "all"}).status_code == 404


def test_confirm_valid_rows_only_and_all_rows_refused_when_errors(units, admin_client):
    response = upload(admin_client, csv_bytes([good_row(1), good_row(2, stars="7")]), "ds.csv")
    token = response.context["token"]
    refused = admin_client.post(reverse(IMPORT_URL), {"token": token, "mode": "all"})
    assert "chưa ghi gì" in refused.content.decode()
    assert Certificate.objects.count() == 0
    admin_client.post(reverse(IMPORT_URL), {"token": token, "mode": "valid"})
    assert list(Certificate.objects.values_list("number", flat=True)) == ["GCN-00001/2024"]


def test_unreadable_file_gets_a_message_not_an_error_page(units, admin_client):
    response = upload(admin_client, b"\xff\xfe\x00garbage", "ds.csv")
    assert response.status_code == 200
    assert "UTF-8" in response.content.decode()
    response = upload(admin_client, b"abc", "ds.pdf")
    assert "Chỉ nhận tệp .xlsx hoặc .csv." in response.content.decode()


def test_province_officer_imports_only_rows_of_their_province(units, client):
    officer = UserFactory(username="vanphong", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="add_certificate"))
    officer.user_permissions.add(Permission.objects.get(codename="view_product"))
    RoleAssignment.objects.create(user=officer, role="province_office", unit=units.hanoi)
    client.force_login(officer)
    response = upload(client, xlsx_bytes([good_row(1), good_row(2, province="Ninh Bình", commune="Kim Sơn")]))
    assert "Dòng 3, cột Tỉnh / thành phố: ngoài phạm vi đơn vị của bạn" in response.content.decode()


def test_staff_without_the_right_to_add_certificates_cannot_import(units, client):
    client.force_login(UserFactory(username="xem", is_staff=True))
    assert client.get(reverse(IMPORT_URL)).status_code == 403
    client.logout()
    assert client.get(reverse(IMPORT_URL)).status_code == 302  # to the admin login


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_template_download(admin_client, fmt):
    response = admin_client.get(reverse("admin:products_product_import_template", args=[fmt]))
    assert response.status_code == 200
    if fmt == "xlsx":
        header = [c.value for c in load_workbook(io.BytesIO(response.content)).worksheets[0][1]]
    else:
        header = response.content.decode("utf-8-sig").strip().split(",")
    assert header == TITLES


def test_admin_export_is_filtered_and_scoped(units, admin_client, client):
    from products.records.services import import_records

    import_records(xlsx_bytes([good_row(1), good_row(2, stars="5"), good_row(3, province="Ninh Bình", commune="Kim Sơn")]),
                   "ds.xlsx")  # fmt: skip
    url = reverse("admin:products_product_export", args=["csv"])
    lines = admin_client.get(url, {"stars": "5"}).content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 2 and "GCN-00002/2024" in lines[1]
    assert admin_client.get(url, {"stars": "9"}).status_code == 400

    officer = UserFactory(username="vp-hanoi", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_product"))
    RoleAssignment.objects.create(user=officer, role="province_office", unit=units.hanoi)
    client.force_login(officer)
    lines = client.get(url).content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 3 and not any("GCN-00003/2024" in line for line in lines)
