"""The catalogue's one FilterSet: accent- and case-free search, every filter, statuses, sorting, bad input."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from evaluations.status import Status
from products.filters import ProductFilterSet, sort_products
from products.models import Product
from products.selectors import listed_products, public_products

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def names(params, queryset=None):
    filterset = ProductFilterSet(params, queryset=queryset if queryset is not None else public_products())
    assert filterset.is_valid(), filterset.errors
    return sorted(p.name for p in filterset.qs)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("gom su bat trang", ["Gốm sứ Bát Tràng"]),
        ("GỐM SỨ", ["Gốm sứ Bát Tràng"]),
        ("Gom Su Bat Trang", ["Gốm sứ Bát Tràng"]),
        ("ca phe", ["Cà phê rang xay Kim Sơn"]),
        ("cà phê", ["Cà phê rang xay Kim Sơn"]),
        ("dong anh", ["Bún gạo Minh Dương"]),  # a place: the product's commune / old district is Đông Anh
        ("ĐÔNG ANH", ["Bún gạo Minh Dương"]),
        ("minh duong", ["Bún gạo Minh Dương"]),  # producer name
        ("01-00577", ["Gốm sứ Bát Tràng"]),  # product code
    ],
)
def test_search_ignores_accents_and_case(catalogue, query, expected):
    assert names({"q": query}, listed_products()) == expected


def test_search_never_finds_private_products(catalogue):
    assert names({"q": "ban nhap bi mat"}) == []
    assert names({"q": "khong dat kim son"}) == []


def test_filters_by_stars_set_place_and_producer_type(catalogue):
    listed = listed_products()
    assert names({"stars": ["5"]}, listed) == ["Gốm sứ Bát Tràng"]
    assert names({"stars": ["4", "5"]}, listed) == ["Bún gạo Minh Dương", "Cà phê rang xay Kim Sơn", "Gốm sứ Bát Tràng"]
    assert names({"stars_min": "4"}, listed) == names({"stars": ["4", "5"]}, listed)
    assert names({"category": "IV"}, listed) == ["Gốm sứ Bát Tràng", "Mây tre đan Phú Nghĩa", "Nón lá Phú Nghĩa"]
    assert names({"group": "I.3"}, listed) == ["Bún gạo Minh Dương"]
    assert names({"product_set": "13"}, listed) == ["Cà phê rang xay Kim Sơn"]
    assert names({"province": "37"}, listed) == ["Cà phê rang xay Kim Sơn"]
    assert names({"commune": "00577"}, listed) == ["Gốm sứ Bát Tràng"]
    assert names({"legacy_district": "017"}, listed) == ["Bún gạo Minh Dương"]
    assert names({"producer_type": ["household", "enterprise"]}, listed) == [
        "Bún gạo Minh Dương",
        "Cà phê rang xay Kim Sơn",
    ]
    assert names({"province": "01", "stars": ["3"], "producer_type": ["coop_group"]}, listed) == [
        "Mây tre đan Phú Nghĩa",
        "Nón lá Phú Nghĩa",
    ]


def test_status_filter_is_computed_for_today(catalogue):
    assert names({"status": ["valid"]}) == ["Bún gạo Minh Dương", "Cà phê rang xay Kim Sơn", "Gốm sứ Bát Tràng"]
    assert names({"status": ["expiring"]}) == ["Mây tre đan Phú Nghĩa"]
    assert names({"status": ["in_rerating"]}) == ["Nón lá Phú Nghĩa"]
    assert names({"status": ["expired"]}) == ["Khăn thêu Phú Nghĩa"]
    assert names({"status": ["revoked"]}) == ["Tương ớt Phú Nghĩa"]
    assert len(names({"status": ["active"]})) == 5


def test_expires_before_and_status_change_with_the_date(catalogue):
    soon = catalogue.today + datetime.timedelta(days=30)
    assert names({"expires_before": soon.isoformat()}, public_products()) == [
        "Khăn thêu Phú Nghĩa",
        "Mây tre đan Phú Nghĩa",
    ]
    # The same certificate, seen 21 days from now, has expired: nothing has to run for the status to change.
    later = catalogue.today + datetime.timedelta(days=21)
    filterset = ProductFilterSet({"status": ["expired"]}, queryset=public_products(on=later), on=later)
    assert "Mây tre đan Phú Nghĩa" in [p.name for p in filterset.qs]


def test_a_plain_product_queryset_works_too(catalogue):
    """Officer lists pass their own scoped querysets (with products that have no certificate)."""
    filterset = ProductFilterSet({"stars": ["5"]}, queryset=Product.objects.all())
    assert [p.name for p in filterset.qs] == ["Gốm sứ Bát Tràng"]
    everything = ProductFilterSet({"commune": "00577"}, queryset=Product.objects.all())
    assert {p.name for p in everything.qs} == {"Gốm sứ Bát Tràng", "Bình gốm bản nháp bí mật"}


def test_bad_parameters_get_a_clear_message(catalogue):
    filterset = ProductFilterSet({"stars": ["7"], "province": "Hà Nội", "expires_before": "31/02/2026"})
    assert not filterset.is_valid()
    assert set(filterset.errors) == {"stars", "province", "expires_before"}
    assert "Mã không hợp lệ: Hà Nội" in str(filterset.errors["province"])
    page = Client().get("/san-pham/", {"stars": "7", "province": "Hà Nội", "q": "gom"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Một số điều kiện lọc không hợp lệ và đã được bỏ qua" in html
    assert "Gốm sứ Bát Tràng" in html  # the valid part of the query still applies


def test_sorting(catalogue):
    listed = listed_products()
    by_name = [p.name for p in sort_products(listed, "name")]
    assert by_name == sorted(by_name)
    assert [p.name for p in sort_products(listed, "stars")][0] == "Gốm sứ Bát Tràng"
    assert [p.name for p in sort_products(listed, "newest")][0] == "Cà phê rang xay Kim Sơn"
    assert [p.name for p in sort_products(listed, "expiry")][0] == "Mây tre đan Phú Nghĩa"


def test_status_badges_around_the_expiry_date(catalogue, django_assert_max_num_queries):
    """The day before expiry the badge says "sắp hết hạn", the day after "hết hạn", never "còn hiệu lực"."""
    product = catalogue.products["expiring"]
    cert = catalogue.certificates["GCN-EXPIRING"]
    from evaluations.status import certificate_status

    assert certificate_status(cert, on=cert.expires_on) == Status.EXPIRING
    assert certificate_status(cert, on=cert.expires_on + datetime.timedelta(days=1)) == Status.EXPIRED
    html = Client().get(product.get_absolute_url()).content.decode()
    assert 'badge-status-expiring">Sắp hết hạn' in html
    expired_html = Client().get(catalogue.products["expired"].get_absolute_url()).content.decode()
    assert 'badge-status-expired">Hết hạn' in expired_html and "Còn hiệu lực" not in expired_html


@pytest.mark.skipif(os.environ.get("OCOP_SQLITE_CHILD") == "1", reason="runs inside the SQLite child run")
def test_search_also_works_on_sqlite(tmp_path):
    """The same search and filter tests, run again on SQLite (the folded columns work without pg_trgm)."""
    env = os.environ | {"DATABASE_URL": f"sqlite:///{tmp_path / 'search.sqlite3'}", "OCOP_SQLITE_CHILD": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", __file__, "-k",
         "search_ignores or filters_by or status_filter or never_finds"],  # fmt: skip
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "database: sqlite3" in result.stdout  # the report header says which database ran
    assert "12 passed" in result.stdout


def test_catalogue_status_agrees_with_the_status_rules_day_by_day(catalogue):
    """``selectors.status_case`` / ``listed_q`` (compact SQL) give the same status as ``evaluations.status`` on
    every day around each certificate's dates."""
    from evaluations.models import Certificate
    from evaluations.status import certificate_status
    from products.selectors import attach_references, listed_q, with_current_certificate, with_status

    current = Certificate.objects.filter(is_current=True).select_related("revocation")
    days = set()
    for cert in current:
        for anchor in (
            cert.expires_on,
            cert.issued_on,
            catalogue.today,
            cert.expires_on + datetime.timedelta(days=180),
        ):
            days |= {anchor + datetime.timedelta(days=d) for d in (-91, -90, -89, -1, 0, 1, 2)}
    for day in sorted(days):
        expected = {c.product_id: certificate_status(c, on=day) for c in current if c.issued_on <= day}
        rows = with_current_certificate(on=day).filter(pk__in=expected)
        assert {p.pk: p.status for p in with_status(rows, on=day)} == expected, day  # SQL, for filters
        assert {p.pk: p.status for p in attach_references(rows, on=day)} == expected, day  # Python, for pages
        listed = set(rows.filter(listed_q(day)).values_list("pk", flat=True))
        assert listed == {pk for pk, status in expected.items() if status in Status.ACTIVE}, day


def test_certificate_status_case_agrees_with_the_status_rules(catalogue):
    from evaluations.models import Certificate
    from evaluations.status import certificate_status
    from products.selectors import certificate_status_case

    certificates = list(Certificate.objects.select_related("revocation"))
    for offset in range(-400, 1400, 7):
        day = catalogue.today + datetime.timedelta(days=offset)
        expected = {c.pk: certificate_status(c, on=day) for c in certificates if c.issued_on <= day}
        rows = Certificate.objects.filter(pk__in=expected).annotate(status=certificate_status_case(day))
        assert dict(rows.values_list("pk", "status")) == expected, day
