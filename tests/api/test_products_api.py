"""The public catalogue API: item shape, the shared FilterSet, cursor pagination, tombstones, ETag, bulk export."""

import csv
import datetime
import io
import json
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.utils import timezone
from rest_framework.test import APIClient

from evaluations.models import Certificate, Revocation
from products.models import Producer, Product
from tests.public_fixtures import issue

pytestmark = pytest.mark.django_db
MAX_QUERIES = 6


@pytest.fixture
def api():
    return APIClient()


def all_pages(api, url, params=None):
    items, response = [], api.get(url, params or {})
    while True:
        body = response.json()
        items += body["results"]
        if not body["next"]:
            return items
        response = api.get(body["next"])


def test_product_item_carries_what_clients_need(catalogue, api):
    gom = catalogue.products["gom"]
    item = next(p for p in api.get("/api/v1/products/").json()["results"] if p["id"] == gom.pk)
    cert = catalogue.certificates["GCN-VALID-5"]
    assert item == {
        "id": gom.pk,
        "code": "01-00577-1-2026",
        "name": "Gốm sứ Bát Tràng",
        "slug": "gom-su-bat-trang",
        "stars": 5,
        "status": "valid",
        "listed": True,
        "product_set": {"code": 21, "name": gom.product_set.name},
        "category": {"code": "IV", "name": "Sản phẩm hàng thủ công mỹ nghệ"},
        "group": {"code": "IV.1", "name": "Thủ công mỹ nghệ gia dụng, trang trí"},
        "producer": {"id": gom.producer_id, "name": "HTX Gốm sứ Bát Tràng", "type": "cooperative"},
        "province": {"code": "01", "name": "Thành phố Hà Nội"},
        "commune": {"code": "00577", "name": "Xã Bát Tràng"},
        "legacy_district": {"code": "018", "name": "Huyện Gia Lâm"},
        "certificate": {
            "number": "GCN-VALID-5",
            "issued_on": cert.issued_on.isoformat(),
            "expires_on": cert.expires_on.isoformat(),
            "status": "valid",
            "revoked_on": None,
            "verify_url": "http://testserver/verify/GCN-VALID-5/",
        },
        "updated_at": item["updated_at"],
        "url": f"http://testserver{gom.get_absolute_url()}",
    }
    assert datetime.datetime.fromisoformat(item["updated_at"]) >= Product.objects.get(pk=gom.pk).updated_at
    assert next(p for p in api.get("/api/v1/products/").json()["results"] if p["name"] == "Bún gạo Minh Dương")[
        "legacy_district"
    ] == {"code": "017", "name": "Huyện Đông Anh"}


def test_default_list_is_the_listed_catalogue(catalogue, api):
    names = {p["name"] for p in all_pages(api, "/api/v1/products/")}
    assert names == {"Gốm sứ Bát Tràng", "Bún gạo Minh Dương", "Cà phê rang xay Kim Sơn", "Mây tre đan Phú Nghĩa",
                     "Nón lá Phú Nghĩa"}  # fmt: skip


@pytest.mark.parametrize(
    "params",
    [
        {"q": "gom su bat trang"},
        {"q": "dong anh"},
        {"stars": [4, 5]},
        {"stars_min": 4},
        {"category": "IV"},
        {"product_set": 21},
        {"province": "01"},
        {"commune": "10030"},
        {"legacy_district": "017"},
        {"producer_type": "coop_group"},
        {"status": ["expired", "revoked"]},
        {"status": "in_rerating"},
    ],
)
def test_api_and_html_catalogue_share_the_filters(catalogue, api, client, params):
    from products.filters import ProductFilterSet
    from products.selectors import listed_products, public_products

    api_ids = {p["id"] for p in all_pages(api, "/api/v1/products/", params)}
    base = public_products() if "status" in params else listed_products()
    filterset = ProductFilterSet(QueryDict(urlencode(params, doseq=True)), queryset=base)
    assert filterset.is_valid()
    assert api_ids == {p.pk for p in filterset.qs} and api_ids
    html = client.get("/san-pham/", params).content.decode()
    for product in Product.objects.filter(pk__in=api_ids):
        assert product.get_absolute_url() in html


def test_bad_filters_answer_400_with_a_message(catalogue, api):
    response = api.get("/api/v1/products/", {"province": "HN", "stars": 9, "updated_since": "hôm qua"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"province", "stars", "updated_since"}
    assert "Mã không hợp lệ: HN" in body["province"][0]


@pytest.mark.parametrize("page_size", [20, 100])
def test_list_queries_do_not_grow_with_the_page_size(catalogue, api, page_size, django_assert_max_num_queries):
    for index in range(30):
        product = Product.objects.create(
            name=f"Sản phẩm thêm {index}", product_set=catalogue.products["gom"].product_set,
            producer=catalogue.producers["gom"], commune=catalogue.units["bat_trang"],
        )  # fmt: skip
        issue(product, f"GCN-EXTRA-{index}", catalogue.today, 3)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = api.get("/api/v1/products/", {"page_size": page_size})
    assert len(response.json()["results"]) == min(page_size, 35)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert api.get(f"/api/v1/products/{catalogue.products['ca_phe'].pk}/").status_code == 200
    for url in ("/api/v1/producers/", "/api/v1/certificates/", "/api/v1/decisions/", "/api/v1/units/",
                "/api/v1/product-sets/"):  # fmt: skip
        with django_assert_max_num_queries(MAX_QUERIES):
            assert api.get(url, {"page_size": page_size}).status_code == 200


def test_cursor_pagination_is_capped_and_stable_under_inserts(catalogue, api):
    first = api.get("/api/v1/products/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and first["previous"] is None
    assert len(api.get("/api/v1/products/", {"page_size": 1000}).json()["results"]) == 5  # capped at 100
    assert api.get("/api/v1/products/").json()["results"].__len__() == 5  # default 20
    # A product certified while a client pages through appears once, at the end; nothing is skipped or repeated.
    seen = [p["id"] for p in first["results"]]
    newcomer = Product.objects.create(
        name="Mật ong mới", product_set=catalogue.products["gom"].product_set, producer=catalogue.producers["gom"],
        commune=catalogue.units["bat_trang"],
    )  # fmt: skip
    issue(newcomer, "GCN-NEWCOMER", catalogue.today, 3)
    response = api.get(first["next"])
    while True:
        body = response.json()
        seen += [p["id"] for p in body["results"]]
        if not body["next"]:
            break
        response = api.get(body["next"])
    assert len(seen) == len(set(seen)) == 6 and seen[-1] == newcomer.pk and seen == sorted(seen)
    assert api.get("/api/v1/products/", {"cursor": "garbage"}).status_code == 404


def test_updated_since_returns_changes_and_tombstones(catalogue, api):
    # Everything was written three days ago; since then only dates have passed.
    three_days_ago = timezone.now() - datetime.timedelta(days=3)
    for model in (Product, Producer, Certificate):
        model.objects.update(updated_at=three_days_ago)
    Revocation.objects.update(created_at=three_days_ago)
    since = (timezone.now() - datetime.timedelta(days=2)).isoformat()
    changed = all_pages(api, "/api/v1/products/", {"updated_since": since})
    # The certificate that expired yesterday left the list: a tombstone with its new status.
    assert [(p["name"], p["status"], p["listed"]) for p in changed] == [("Khăn thêu Phú Nghĩa", "expired", False)]

    # Now a revocation is recorded and a product renamed: both show up, the revoked one as a tombstone.
    moment = timezone.now()
    Revocation.objects.create(
        certificate=catalogue.certificates["GCN-VALID-4"], ground="d", revoked_on=catalogue.today,
        decision_number="9/QĐ-TH", authority="UBND thành phố Hà Nội",
    )  # fmt: skip
    gom = catalogue.products["gom"]
    gom.name = "Gốm sứ Bát Tràng men lam"
    gom.save()
    changed = {p["name"]: p for p in all_pages(api, "/api/v1/products/", {"updated_since": moment.isoformat()})}
    assert set(changed) == {"Bún gạo Minh Dương", "Gốm sứ Bát Tràng men lam"}
    assert changed["Bún gạo Minh Dương"]["listed"] is False and changed["Bún gạo Minh Dương"]["status"] == "revoked"
    assert changed["Bún gạo Minh Dương"]["certificate"]["revoked_on"] == catalogue.today.isoformat()
    assert changed["Gốm sứ Bát Tràng men lam"]["listed"] is True
    # The revoked product has left the default list.
    assert "Bún gạo Minh Dương" not in {p["name"] for p in all_pages(api, "/api/v1/products/")}
    # Drafts never appear, not even as tombstones.
    assert "Bình gốm bản nháp bí mật" not in {p["name"] for p in all_pages(api, "/api/v1/products/",
                                                                             {"updated_since": "2000-01-01T00:00:00Z"})}  # fmt: skip


def test_as_of_is_the_next_updated_since(catalogue, api):
    body = api.get("/api/v1/products/").json()
    as_of = body["as_of"]
    assert all_pages(api, "/api/v1/products/", {"updated_since": as_of}) == []
    product = catalogue.products["bun"]
    product.description = "Mô tả mới"
    product.save()
    assert [p["id"] for p in all_pages(api, "/api/v1/products/", {"updated_since": as_of})] == [product.pk]


def test_etag_and_last_modified_answer_304(catalogue, api, django_assert_max_num_queries):
    first = api.get("/api/v1/products/", {"province": "01"})
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and "must-revalidate" in first["Cache-Control"]
    with django_assert_max_num_queries(1):
        again = api.get("/api/v1/products/", {"province": "01"}, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""
    assert api.get("/api/v1/products/", {"province": "01"}, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get("/api/v1/products/", {"province": "37"}, HTTP_IF_NONE_MATCH=etag).status_code == 200
    issue(catalogue.products["expired"], "GCN-RENEWED", catalogue.today, 3)  # a change: the old ETag is stale
    changed = api.get("/api/v1/products/", {"province": "01"}, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Khăn thêu Phú Nghĩa" in {p["name"] for p in changed.json()["results"]}


def test_bulk_export_csv_and_json(catalogue, api, settings, django_assert_max_num_queries):
    settings.SITE_URL = "http://testserver"
    response = api.get("/api/v1/exports/products.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="ocop-san-pham.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert {r["name"] for r in rows} == {p["name"] for p in all_pages(api, "/api/v1/products/")}
    gom = next(r for r in rows if r["name"] == "Gốm sứ Bát Tràng")
    assert gom["stars"] == "5" and gom["certificate_number"] == "GCN-VALID-5" and gom["province_code"] == "01"
    assert gom["verify_url"] == "http://testserver/verify/GCN-VALID-5/"
    etag = response["ETag"]
    with django_assert_max_num_queries(1):
        assert api.get("/api/v1/exports/products.csv", HTTP_IF_NONE_MATCH=etag).status_code == 304

    exported = json.loads(b"".join(api.get("/api/v1/exports/products.json").streaming_content))
    listed = {p["id"]: p for p in all_pages(api, "/api/v1/products/")}
    assert {item["id"] for item in exported} == set(listed)
    for item in exported:  # the same shape as the API's items
        api_item = dict(listed[item["id"]])
        api_item.pop("updated_at")
        assert item == api_item
    with django_assert_max_num_queries(2):  # served from the file written by the first request
        assert api.get("/api/v1/exports/products.json").status_code == 200
    assert api.get("/api/v1/exports/products.xml").status_code == 404


def test_other_endpoints(catalogue, api):
    producers = {p["name"]: p for p in all_pages(api, "/api/v1/producers/")}
    assert set(producers) == {"HTX Gốm sứ Bát Tràng", "Công ty cổ phần thực phẩm Minh Dương",
                              "Tổ hợp tác mây tre đan Phú Nghĩa", "Hộ kinh doanh Cà phê Kim Sơn"}  # fmt: skip
    assert producers["Tổ hợp tác mây tre đan Phú Nghĩa"]["product_count"] == 4
    assert producers["Hộ kinh doanh Cà phê Kim Sơn"]["product_count"] == 1  # its non-recognised product is not counted
    certificates = {c["number"]: c for c in all_pages(api, "/api/v1/certificates/")}
    assert (
        certificates["GCN-OLD-3"]["status"] == "superseded" and certificates["GCN-OLD-3"]["replaced_by"] == "GCN-NEW-4"
    )
    assert certificates["GCN-REVOKED"]["revocation_ground"] == "c"
    one = api.get("/api/v1/certificates/GCN-EXPIRING/").json()
    assert one["status"] == "expiring" and one["product"]["name"] == "Mây tre đan Phú Nghĩa"
    assert [c["number"] for c in all_pages(api, "/api/v1/certificates/", {"status": "revoked"})] == ["GCN-REVOKED"]
    sets = api.get("/api/v1/product-sets/", {"taxonomy": "QD26_2026"}).json()
    assert len(sets) == 26 and sets[20]["code"] == 21 and sets[20]["category"]["code"] == "IV"
    units = all_pages(api, "/api/v1/units/", {"structure": "current", "level": "commune", "parent": "01"})
    assert {u["code"] for u in units} == {"00577", "00454", "10030"}
    assert units[0]["parent"] == {"code": "01", "name": "Thành phố Hà Nội"}
    legacy = all_pages(api, "/api/v1/units/", {"structure": "legacy", "level": "district"})
    assert {u["code"] for u in legacy} == {"018", "017"} and legacy[0]["url"].startswith(
        "http://testserver/dia-ban/huyen-cu/"
    )
    decisions = all_pages(api, "/api/v1/decisions/")
    decision = next(d for d in decisions if d["number"] == "123/QĐ-UBND")
    assert decision["product_count"] == 2 and decision["stars"] == {"3": 0, "4": 1, "5": 1}
    root = api.get("/api/v1/").json()
    assert {"products", "producers", "certificates", "product-sets", "units", "decisions", "score-sheets"} <= set(root)


def test_score_sheet_endpoints_stay_where_they_were(catalogue, api):
    assert api.get("/api/v1/rule-versions/").status_code == 200
    assert api.get("/api/v1/score-sheets/").status_code == 200


@pytest.mark.parametrize("endpoint", ["/api/v1/products/", "/api/v1/producers/", "/api/v1/certificates/"])
def test_updated_since_with_an_unusual_offset_is_read_as_the_same_moment(catalogue, api, endpoint):
    # Python accepts offsets up to ±23:59, PostgreSQL only ±15:59: found by schemathesis as a 500.
    far_east = api.get(endpoint, {"updated_since": "2000-01-01T21:04:00+21:04"})
    utc = api.get(endpoint, {"updated_since": "2000-01-01T00:00:00Z"})
    assert far_east.status_code == utc.status_code == 200
    assert far_east.json()["results"] == utc.json()["results"] != []
