"""Public scenarios over the national-scale data: catalogue API, search, HTML catalogue, product page, certificate
verification, statistics. Requests vary from the seed; the plain-SQL side applies the same filters, order and page
size on the same tables in one or a few hand-written queries (no ORM, no serialising, no templates)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from bench.harness import Item, Scenario

WORDS = ["gao thom", "mat ong", "che bup", "nuoc mam", "gom", "may tre dan", "lua", "banh chung", "mien dong",
         "ca phe", "Gạo thơm", "MẬT ONG", "cà phê", "Nước mắm", "ha noi", "bat trang", "dong anh", "ninh binh"]  # fmt: skip


PRODUCT_LINK = re.compile(r'href="/san-pham/(\d+)/')


def status_sql(on: datetime.date) -> str:
    """The status ladder of evaluations.status over c (certificate) and rv (revocation), literal dates."""
    from evaluations.status import EXTENSION_DAYS, expiring_days

    warn = on + datetime.timedelta(days=expiring_days())
    grace = on - datetime.timedelta(days=EXTENSION_DAYS)
    pending = f"c.rerating_filed_on <= '{on}' AND (c.rerating_decided_on IS NULL OR c.rerating_decided_on > '{on}')"
    return (
        f"CASE WHEN rv.revoked_on <= '{on}' THEN 'revoked' WHEN c.replaced_by_id IS NOT NULL THEN 'superseded' "
        f"WHEN {pending} AND (c.expires_on >= '{on}' OR (c.rerating_filed_on <= c.expires_on "
        f"AND c.expires_on >= '{grace}')) THEN 'in_rerating' WHEN c.expires_on < '{on}' THEN 'expired' "
        f"WHEN c.expires_on <= '{warn}' THEN 'expiring' ELSE 'valid' END"
    )


def listed_sql(on: datetime.date) -> str:
    from evaluations.status import EXTENSION_DAYS

    grace = on - datetime.timedelta(days=EXTENSION_DAYS)
    return (
        f"(rv.revoked_on IS NULL OR rv.revoked_on > '{on}') AND c.replaced_by_id IS NULL AND (c.expires_on >= '{on}' "
        f"OR (c.rerating_filed_on <= '{on}' AND (c.rerating_decided_on IS NULL OR c.rerating_decided_on > '{on}') "
        f"AND c.rerating_filed_on <= c.expires_on AND c.expires_on >= '{grace}'))"
    )


LIST_SELECT = """
SELECT p.id, p.name, p.slug, p.code, p.product_set_id, p.commune_id, p.province_id, pr.id, pr.name, pr.slug,
       pr.producer_type, c.number, c.stars, c.issued_on, c.expires_on, {status} AS status
FROM products_product p
JOIN evaluations_certificate c ON c.product_id = p.id AND c.is_current
LEFT JOIN evaluations_revocation rv ON rv.certificate_id = c.id
JOIN products_producer pr ON pr.id = p.producer_id
WHERE {where}
"""
ORDERS = {"newest": "c.issued_on DESC, p.id DESC", "stars": "c.stars DESC, c.issued_on DESC, p.id DESC",
          "expiry": "c.expires_on, p.id", "id": "p.id"}  # fmt: skip


def list_where(params: dict, on: datetime.date) -> tuple[str, list]:
    """The catalogue filters as SQL (units and product sets by code through sub-selects)."""
    from ocop_portal.text import fold

    where, args = [], []
    status = params.get("status")
    if status:
        where.append(f"{status_sql(on)} = %s")
        args.append(status)
    else:
        where.append(listed_sql(on))
    for name, level in (("province", "province"), ("commune", "commune")):
        if params.get(name):
            where.append(
                f"p.{name}_id = (SELECT id FROM districts_adminunit WHERE structure = 'current' "
                f"AND level = '{level}' AND code = %s)"
            )
            args.append(params[name])
    if params.get("stars"):
        where.append("c.stars = %s")
        args.append(int(params["stars"]))
    if params.get("stars_min"):
        where.append("c.stars >= %s")
        args.append(int(params["stars_min"]))
    if params.get("product_set"):
        where.append("p.product_set_id IN (SELECT id FROM products_productset WHERE number = %s)")
        args.append(int(params["product_set"]))
    if params.get("category"):
        where.append(
            "p.product_set_id IN (SELECT s.id FROM products_productset s JOIN products_productgroup g "
            "ON g.id = s.group_id JOIN products_productcategory k ON k.id = g.category_id WHERE k.code = %s)"
        )
        args.append(params["category"])
    if params.get("producer_type"):
        where.append("pr.producer_type = %s")
        args.append(params["producer_type"])
    if params.get("q"):
        folded = fold(params["q"])[:100]
        where.append(
            "(p.search_name LIKE %s OR p.commune_id = ANY(ARRAY(SELECT id FROM districts_adminunit WHERE "
            "structure = 'current' AND level = 'commune' AND search_name LIKE %s)))"
        )
        args += [f"%{folded}%", f"%{folded}%"]
    return " AND ".join(where), args


def today():
    from evaluations.status import today as status_today

    return status_today()


@dataclass
class Get(Item):
    path: str = ""
    params: dict = field(default_factory=dict)
    expected: tuple = (200,)
    run_plain: object = None

    def portal(self, clients):
        return clients[None].get(self.path, self.params)

    def check(self, response):
        return response.status_code in self.expected

    same_ids: bool = False  # API pages: the plain rows must be the same products in the same order
    same_cards: bool = False  # HTML pages: likewise, read off the product links

    def plain(self, cursor):
        return self.run_plain(cursor)

    def same(self, response, rows):
        if self.same_cards:  # HTML list: the product links of the page, in order, after the count row
            ids = list(dict.fromkeys(int(pk) for pk in PRODUCT_LINK.findall(response.content.decode())))
            page = rows[1:]  # the twin fetched one row more than a page: the same rows, or one more when there are more
            return ids == [row[0] for row in page[: len(ids)]] and len(page) - len(ids) in (0, 1)
        if self.same_ids:
            ids = [item["id"] for item in response.json()["results"]]
            more = len(rows) - len(ids)  # 1 when the twin saw a next page, which the API must link
            return ids == [row[0] for row in rows[: len(ids)]] and (
                more == 0 or (more == 1 and response.json()["next"])
            )
        if self.expected == (404,):
            return rows == []
        return True


class ApiList(Scenario):
    name = "api-list"
    description = "/api/v1/products/ with filters (cursor pages of 20–100, ordered by id)"
    max_queries = 6
    target_p95 = 50
    path = "/api/v1/products/"

    def prepare(self, rng, count):
        from districts.models import AdminUnit

        self.provinces = list(AdminUnit.objects.current().provinces().values_list("code", flat=True))
        self.communes = list(AdminUnit.objects.current().filter(level="commune").values_list("code", flat=True))

    def choose(self, rng):
        return rng.choice([{}, {"province": rng.choice(self.provinces)}, {"stars": rng.choice([3, 4, 5])},
                           {"province": rng.choice(self.provinces), "stars_min": 4},
                           {"status": rng.choice(["expiring", "in_rerating", "expired", "revoked"])},
                           {"product_set": rng.randint(1, 26), "page_size": 100},
                           {"producer_type": "cooperative", "page_size": rng.choice([20, 100])}])  # fmt: skip

    def plain_list(self, params, order="id", paged=False):
        on = today()

        def run(cursor):
            where, args = list_where(params, on)
            size = int(params.get("page_size", 20 if not paged else 24))
            offset = (int(params.get("page", 1)) - 1) * size if paged else 0
            sql = LIST_SELECT.format(status=status_sql(on), where=where)
            rows = []
            if paged:  # the HTML list shows a count, capped at 1,000 like the portal's
                cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT 1001) capped", args)
                rows.append(cursor.fetchone())
            cursor.execute(f"{sql} ORDER BY {ORDERS[order]} LIMIT %s OFFSET %s", [*args, size + 1, offset])
            return rows + cursor.fetchall()

        return run

    def items(self, rng):
        while True:
            params = self.choose(rng)
            yield Get(f"{self.path} {params}", self.path, params, run_plain=self.plain_list(params), same_ids=True)


class ApiSearch(ApiList):
    name = "api-search"
    description = "/api/v1/products/?q= (accents or not, with a province in 40 %)"

    def choose(self, rng):
        params = {"q": rng.choice(WORDS)}
        if rng.random() < 0.4:
            params["province"] = rng.choice(self.provinces)
        if rng.random() < 0.2:
            params["q"] = f"{rng.choice(WORDS)} {rng.randint(1, 199999)}"
        return params


class HtmlCatalogue(ApiList):
    name = "html-catalogue"
    description = "/san-pham/ with filters, search, sorting and deep pages"
    target_p95 = 100
    path = "/san-pham/"

    def choose(self, rng):
        return rng.choice([{}, {"q": rng.choice(WORDS)}, {"province": rng.choice(self.provinces)},
                           {"province": rng.choice(self.provinces), "stars": rng.choice([3, 4, 5]), "sort": "stars"},
                           {"commune": rng.choice(self.communes)}, {"category": rng.choice(["I", "II", "IV"]),
                                                                    "sort": "newest"},
                           {"status": "expiring", "sort": "expiry"}, {"page": rng.randint(2, 40)},
                           {"q": rng.choice(WORDS), "page_size": 96}])  # fmt: skip

    def items(self, rng):
        while True:
            params = self.choose(rng)
            plain = self.plain_list(params, order=params.get("sort", "newest"), paged=True)
            yield Get(f"{self.path} {params}", self.path, params, run_plain=plain, same_cards=True)


PRODUCT_SQL = """
SELECT p.*, pr.*, c.*, rv.revoked_on, s.name, s.number, com.name, prov.name, {status}
FROM products_product p JOIN products_producer pr ON pr.id = p.producer_id
JOIN products_productset s ON s.id = p.product_set_id
LEFT JOIN districts_adminunit com ON com.id = p.commune_id LEFT JOIN districts_adminunit prov ON prov.id = p.province_id
LEFT JOIN evaluations_certificate c ON c.product_id = p.id AND c.is_current
LEFT JOIN evaluations_revocation rv ON rv.certificate_id = c.id
WHERE p.id = %s
"""
HISTORY_SQL = """
SELECT c.number, c.stars, c.issued_on, c.expires_on, c.issuing_authority, rv.revoked_on, {status}
FROM evaluations_certificate c LEFT JOIN evaluations_revocation rv ON rv.certificate_id = c.id
WHERE c.product_id = %s ORDER BY c.issued_on DESC
"""


class ProductPage(Scenario):
    name = "product-page"
    description = "/san-pham/<id>/<slug>/ of 400 random listed products"
    max_queries = 6
    target_p95 = 100

    def prepare(self, rng, count):
        from products.selectors import listed_products

        ids = list(listed_products().order_by().values_list("pk", flat=True))
        picked = rng.sample(ids, min(400, len(ids)))
        self.products = list(listed_products().filter(pk__in=picked).order_by("pk").values_list("pk", "slug"))

    def items(self, rng):
        status = status_sql(today())

        def plain(pk):
            def run(cursor):
                cursor.execute(PRODUCT_SQL.format(status=status), [pk])
                rows = cursor.fetchall()
                cursor.execute('SELECT * FROM products_productphoto WHERE product_id = %s ORDER BY "order", id', [pk])
                rows += cursor.fetchall()
                cursor.execute(
                    "SELECT sp.*, u.name FROM products_salespoint sp JOIN products_salespoint_products spp "
                    "ON spp.salespoint_id = sp.id JOIN districts_adminunit u ON u.id = sp.unit_id "
                    "WHERE spp.product_id = %s ORDER BY sp.name",
                    [pk],
                )
                rows += cursor.fetchall()
                cursor.execute(HISTORY_SQL.format(status=status), [pk])
                return rows + cursor.fetchall() if rows else None

            return run

        while True:
            pk, slug = rng.choice(self.products)
            yield Get(f"product {pk}", f"/san-pham/{pk}/{slug}/", run_plain=plain(pk))


VERIFY_SQL = """
SELECT c.*, rv.revoked_on, rv.reason, p.id, p.name, p.slug, p.code, pr.name, s.name, prov.name, {status}
FROM evaluations_certificate c JOIN products_product p ON p.id = c.product_id
JOIN products_producer pr ON pr.id = p.producer_id JOIN products_productset s ON s.id = p.product_set_id
LEFT JOIN districts_adminunit prov ON prov.id = p.province_id
LEFT JOIN evaluations_revocation rv ON rv.certificate_id = c.id
WHERE c.number = %s
"""


class VerifyPage(Scenario):
    name = "verify-page"
    description = "/verify/<number>/ of 400 random certificates and 20 unknown numbers (404)"
    max_queries = 3
    target_p95 = 100

    def prepare(self, rng, count):
        from evaluations.models import Certificate

        ids = list(Certificate.objects.order_by().values_list("pk", flat=True))
        picked = rng.sample(ids, min(400, len(ids)))
        self.numbers = list(Certificate.objects.filter(pk__in=picked).values_list("number", flat=True))

    def items(self, rng):
        status = status_sql(today())
        unknown = [f"KHONG-CO-{n}" for n in range(20)]

        def plain(number):
            def run(cursor):
                cursor.execute(VERIFY_SQL.format(status=status), [number])
                return cursor.fetchall()

            return run

        while True:
            number = rng.choice(self.numbers + unknown)
            expected = (404,) if number.startswith("KHONG-CO-") else (200,)
            yield Get(f"verify {number}", f"/verify/{number}/", expected=expected, run_plain=plain(number))


# The statistics cube: certificates by reporting year, stars, star of the certificate replaced, producer type and
# the unit of the breakdown; then producers per type and today's statuses per star.
STATS_CUBE_SQL = """
SELECT COALESCE(r.year, extract(year FROM c.issued_on)::int) AS year, c.stars,
       (SELECT o.stars FROM evaluations_certificate o WHERE o.replaced_by_id = c.id ORDER BY o.issued_on DESC LIMIT 1),
       pr.producer_type, u.code, u.name, count(*)
FROM evaluations_certificate c JOIN products_product p ON p.id = c.product_id
JOIN products_producer pr ON pr.id = p.producer_id
LEFT JOIN evaluations_decision d ON d.id = c.decision_id LEFT JOIN evaluations_round r ON r.id = d.round_id
LEFT JOIN districts_adminunit u ON u.id = p.{unit}_id
WHERE {scope} COALESCE(r.year, extract(year FROM c.issued_on)::int) <= %s
GROUP BY 1, 2, 3, 4, 5, 6
"""
STATS_PRODUCERS_SQL = """
SELECT pr.producer_type, count(DISTINCT p.producer_id)
FROM evaluations_certificate c JOIN products_product p ON p.id = c.product_id
JOIN products_producer pr ON pr.id = p.producer_id
LEFT JOIN evaluations_decision d ON d.id = c.decision_id LEFT JOIN evaluations_round r ON r.id = d.round_id
WHERE {scope} COALESCE(r.year, extract(year FROM c.issued_on)::int) <= %s
GROUP BY 1
"""
STATS_STATUS_SQL = """
SELECT c.stars, {status}, count(*)
FROM products_product p JOIN evaluations_certificate c ON c.product_id = p.id AND c.is_current
LEFT JOIN evaluations_revocation rv ON rv.certificate_id = c.id
WHERE {scope} true
GROUP BY 1, 2
"""


class StatisticsPage(Scenario):
    """The report is cached per data version; ``statistics`` clears the cache before each request (the work of a
    first visit after a change), ``statistics-cached`` does not (every later visit)."""

    name = "statistics"
    description = "/thong-ke/ nationwide or for a province, cache cleared before each request (cold)"
    max_queries = 8
    min_queries = 4
    default_requests = 40  # a nationwide report takes seconds on a loaded machine
    cold = True

    def prepare(self, rng, count):
        from districts.models import AdminUnit

        self.provinces = list(AdminUnit.objects.current().provinces().values_list("code", "id"))

    def before_each(self, item):
        if self.cold:  # drop this report from the cache (what a change of data does), nothing else
            from django.core.cache import cache

            from products import selectors, statistics

            scope = statistics.Scope.from_params(item.params)
            version, _ = selectors.data_version()
            for language in ("vi", "en"):
                key = f"statistics:{language}:" + "&".join(f"{k}={v}" for k, v in sorted(scope.params().items()))
                cache.delete(f"public:{key}:{version}")

    def items(self, rng):
        status = status_sql(today())
        year = today().year

        def plain(province_id):
            scope = f"p.province_id = {int(province_id)} AND" if province_id else ""
            unit = "legacy_district" if province_id else "province"

            def run(cursor):
                cursor.execute(STATS_CUBE_SQL.format(scope=scope, unit=unit), [year])
                rows = cursor.fetchall()
                cursor.execute(STATS_PRODUCERS_SQL.format(scope=scope), [year])
                rows += cursor.fetchall()
                cursor.execute(STATS_STATUS_SQL.format(scope=scope, status=status))
                return rows + cursor.fetchall()

            return run

        while True:
            if rng.random() < 0.3:
                code, province_id = None, None
            else:
                code, province_id = rng.choice(self.provinces)
            params = {"province": code} if code else {}
            yield Get(f"/thong-ke/ {params}", "/thong-ke/", params, run_plain=plain(province_id))


class StatisticsCached(StatisticsPage):
    name = "statistics-cached"
    description = "/thong-ke/ as above, report served from the cache (the plain SQL still computes it)"
    min_queries = 0
    cold = False


PUBLIC = [ApiList(), ApiSearch(), HtmlCatalogue(), ProductPage(), VerifyPage(), StatisticsPage(), StatisticsCached()]
