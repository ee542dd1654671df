"""Generate a national-scale data set in PostgreSQL, set-based (INSERT … SELECT), reproducible from a seed.

The same seed on empty tables gives the same rows, ids included: every INSERT … SELECT has an ORDER BY, so the ids
are handed out in a fixed order (tests/evaluations/test_scale_data.py compares checksums of two runs).

    python manage.py generate_scale_data --products 200000 [--seed 42] [--scored-dossiers 14000]

Producers spread over every current commune, products in all 26 sets, certificate histories over several rule
versions (a provincial decision each month from 2019 to November 2026 under the rule version in force on its date;
re-ratings 36 months later, some revoked), and dossiers with member score sheets
whose choices are picked per criterion of the product's sheet (≈ 30 criteria × 5 members per dossier, so the
default 14,000 scored dossiers give over 2,000,000 option choices).
Rows carry the marker "SCALE" in their registration numbers / certificate numbers so they can be told apart.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from districts.models import AdminUnit
from evaluations.models import ScoreSheet

STEPS = []


def step(sql):
    STEPS.append(sql)
    return sql


PRODUCERS_SQL = """
WITH communes AS (
    SELECT id, row_number() OVER (ORDER BY code) - 1 AS idx
    FROM districts_adminunit WHERE structure = 'current' AND level = 'commune'
), n AS (SELECT count(*) AS c FROM communes)
INSERT INTO products_producer (name, slug, search_name, producer_type, registration_number, tax_code,
    representative_name, representative_gender, representative_ethnicity, representative_title, commune_id,
    address, phone, email, website, created_at, updated_at)
SELECT
    (ARRAY['HTX','Công ty TNHH','Hộ kinh doanh','Tổ hợp tác','Trang trại'])[1 + g %% 5] || ' Sản xuất ' || g,
    'chu-the-' || g,
    (ARRAY['htx','cong ty tnhh','ho kinh doanh','to hop tac','trang trai'])[1 + g %% 5] || ' san xuat ' || g,
    (ARRAY['cooperative','enterprise','household','coop_group','farm'])[1 + g %% 5],
    'SCALE-' || lpad(g::text, 9, '0'), '', 'Nguyễn Văn ' || g, (ARRAY['male','female'])[1 + g %% 2], 'Kinh', '',
    c.id, '', '', '', '', now(), now()
FROM generate_series(0, %(producers)s - 1) AS g
JOIN n ON true
JOIN communes c ON c.idx = g %% n.c
ORDER BY g
"""

PRODUCTS_SQL = """
WITH p AS (
    SELECT pr.id, pr.commune_id, row_number() OVER (ORDER BY pr.id) - 1 AS idx
    FROM products_producer pr WHERE pr.registration_number LIKE 'SCALE-%%'
), np AS (SELECT count(*) AS c FROM p),
sets AS (SELECT id, number FROM products_productset WHERE taxonomy = 'QD26_2026'),
rows AS (
    SELECT g, p.id AS producer_id, p.commune_id, 2019 + (g * 13) %% 7 AS year
    FROM generate_series(0, %(products)s - 1) AS g
    JOIN np ON true
    JOIN p ON p.idx = g %% np.c
),
numbered AS (  -- the serial (STT) is kept per commune and year, as the commune does
    SELECT rows.*, row_number() OVER (PARTITION BY commune_id, year ORDER BY g) AS stt FROM rows
)
INSERT INTO products_product (producer_id, product_set_id, name, slug, search_name, code, description,
    commune_id, province_id, traceability_code, traceability_url, created_at, updated_at)
SELECT n.producer_id, s.id,
    stem || ' ' || n.g, 'san-pham-' || n.g, stem_folded || ' ' || n.g,
    prov.code || '-' || com.code || '-' || n.stt || '-' || n.year,
    '', com.id, prov.id, '', '', now(), now()
FROM numbered n
JOIN sets s ON s.number = 1 + (n.g * 7919 + %(seed)s) %% 26
JOIN districts_adminunit com ON com.id = n.commune_id
JOIN districts_adminunit prov ON prov.id = com.parent_id
CROSS JOIN LATERAL (SELECT
    (ARRAY['Gạo thơm','Mật ong','Chè búp','Nước mắm','Gốm','Mây tre đan','Lụa','Bánh chưng','Miến dong','Cà phê'])[1 + n.g %% 10] AS stem,
    (ARRAY['gao thom','mat ong','che bup','nuoc mam','gom','may tre dan','lua','banh chung','mien dong','ca phe'])[1 + n.g %% 10] AS stem_folded
) names
ORDER BY n.g
"""

# One provincial decision a month (day varying by province) from January 2019 to November 2026, each under the
# rule version in force on its date: certificates are issued all through the year, as the daily job meets them.
DECISIONS_SQL = """
INSERT INTO evaluations_decision (number, issued_on, signer, authority, level, status, created_at, updated_at,
    unit_id, rule_version_id, round_id)
SELECT y || '-' || m || '-' || prov.code || '/QĐ-UBND-SCALE', dd.on_date, 'Chủ tịch UBND', 'UBND ' || prov.name,
    'province', 'issued', now(), now(), prov.id,
    COALESCE((SELECT id FROM evaluations_ruleversion WHERE effective_from <= dd.on_date
              ORDER BY effective_from DESC LIMIT 1),  -- before August 2019: the first rule version recorded
             (SELECT id FROM evaluations_ruleversion ORDER BY effective_from LIMIT 1)),
    NULL
FROM generate_series(2019, 2026) AS y
CROSS JOIN generate_series(1, 12) AS m
CROSS JOIN districts_adminunit prov
CROSS JOIN LATERAL (SELECT make_date(y, m, 1 + (prov.code::int * 7 + m * 3) %% 28) AS on_date) dd
WHERE prov.structure = 'current' AND prov.level = 'province' AND dd.on_date < '2026-12-01'
ORDER BY y, m, prov.code
"""

# First certificate: issued in the product code's year, in a month picked from the product id (November at the
# latest in 2026, the last month generated); 40 % re-rated 36 months later (new certificate, same month).
CERTIFICATES_SQL = """
INSERT INTO evaluations_certificate (number, stars, issued_on, expires_on, issuing_authority, issuing_level,
    score, is_current, rerating_filed_on, rerating_decided_on, created_at, updated_at, product_id, decision_id,
    rule_version_id, replaced_by_id)
SELECT 'SCALE-' || pr.id || '-' || gen, stars, d.issued_on, (d.issued_on + interval '36 months')::date,
    d.authority, 'province', 50 + stars * 8, gen = last_gen,
    NULL, NULL, now(), now(), pr.id, d.id, d.rule_version_id, NULL
FROM products_product pr
JOIN districts_adminunit prov ON prov.id = pr.province_id
CROSS JOIN LATERAL (SELECT right(pr.code, 4)::int AS year0, 1 + (pr.id * 7 + %(seed)s) %% 12 AS month,
                           CASE WHEN pr.id %% 10 < 4 AND right(pr.code, 4)::int <= 2023 THEN 2 ELSE 1 END AS last_gen) y
CROSS JOIN LATERAL generate_series(1, y.last_gen) AS gen
CROSS JOIN LATERAL (SELECT 3 + (pr.id * 31 + gen) %% 3 AS stars, y.year0 + (gen - 1) * 3 AS year) s
JOIN evaluations_decision d ON d.number = s.year || '-' || CASE WHEN s.year = 2026 THEN LEAST(y.month, 11)
    ELSE y.month END || '-' || prov.code || '/QĐ-UBND-SCALE'
WHERE pr.slug LIKE 'san-pham-%%'
ORDER BY pr.id, gen
"""

REVOCATIONS_SQL = """
INSERT INTO evaluations_revocation (ground, revoked_on, decision_number, authority, signer, reason,
    producer_notified_on, created_at, certificate_id)
SELECT (ARRAY['a','b','c','d','dd','e'])[1 + c.id %% 6], c.issued_on + 400, 'TH-' || c.id || '-SCALE',
    c.issuing_authority, '', 'Thu hồi (dữ liệu quy mô)', c.issued_on + 401, now(), c.id
FROM evaluations_certificate c
WHERE c.number LIKE 'SCALE-%%' AND c.is_current AND c.id %% 100 = 7
ORDER BY c.id
"""


class Command(BaseCommand):
    help = "Sinh dữ liệu quy mô toàn quốc (PostgreSQL) / Generate national-scale data (PostgreSQL only)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=200_000)
        parser.add_argument("--seed", type=int, default=42, help="same seed + empty database = same data")
        parser.add_argument(
            "--scored-dossiers", type=int, default=None, help="dossiers with member sheets (default products/14)"
        )
        parser.add_argument("--members", type=int, default=5)

    def handle(self, *args, products, seed, scored_dossiers, members, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Chỉ chạy trên PostgreSQL / PostgreSQL only (set DATABASE_URL).")
        if not AdminUnit.objects.exists():
            call_command("load_admin_units", stdout=self.stdout)
        scored_dossiers = scored_dossiers if scored_dossiers is not None else max(products // 14, 1)
        if scored_dossiers and not ScoreSheet.objects.exists():
            try:
                call_command("load_score_sheets", stdout=self.stdout)
            except Exception as exc:  # the loader may be absent in a partial checkout
                raise CommandError(f"Cần nạp phiếu đánh giá trước / load score sheets first: {exc}") from exc
        started = time.monotonic()
        timings = {}

        def run(label, sql, params=None):
            t = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(sql, params or {})
                timings[label] = (cursor.rowcount, time.monotonic() - t)
            self.stdout.write(f"  {label}: {timings[label][0]:,} rows in {timings[label][1]:.1f} s")

        with transaction.atomic():
            run("producers", PRODUCERS_SQL, {"producers": max(products * 5 // 6, 1)})
            run("products", PRODUCTS_SQL, {"products": products, "seed": seed})
            run("decisions", DECISIONS_SQL)
            run("certificates", CERTIFICATES_SQL, {"seed": seed})
            run("certificate history links", LINK_REPLACED_SQL)
            run("revocations", REVOCATIONS_SQL)
            if scored_dossiers:
                self.scored(run, scored_dossiers, members, seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"Xong / done in {time.monotonic() - started:.1f} s")

    def scored(self, run, dossiers, members, seed):
        """Dossiers in a closed QĐ 26 round with `members` submitted sheets each and one choice per criterion."""
        from django.contrib.auth import get_user_model

        from districts.models import Council, CouncilMembership

        User = get_user_model()
        council, _ = Council.objects.get_or_create(name="Hội đồng quy mô (SCALE)", defaults={"level": "central"})
        users = []
        for index in range(members):
            user, _ = User.objects.get_or_create(username=f"scale_member_{index}")
            CouncilMembership.objects.get_or_create(
                council=council, user=user, defaults={"role": "chair" if index == 0 else "member"}
            )
            users.append(user.pk)
        run("round", ROUND_SQL, {"council": council.pk})
        run("dossiers", DOSSIERS_SQL, {"dossiers": dossiers})
        run("member sheets", SHEETS_SQL, {"members": users})
        run("option choices", CHOICES_SQL, {"seed": seed})
        run("member totals", TOTALS_SQL)


LINK_REPLACED_SQL = """
UPDATE evaluations_certificate old SET replaced_by_id = new.id
FROM evaluations_certificate new
WHERE old.number LIKE 'SCALE-%%-1' AND new.number = left(old.number, length(old.number) - 1) || '2'
"""

ROUND_SQL = """
INSERT INTO evaluations_round (name, level, year, intake_deadline, decision_deadline, status, created_at,
    council_id, rule_version_id, unit_id)
SELECT 'Đợt quy mô SCALE', 'central', 2026, '2026-07-30', '2026-09-30', 'closed', now(), %(council)s,
    (SELECT id FROM evaluations_ruleversion WHERE code = 'QD26_2026'), NULL
WHERE NOT EXISTS (SELECT 1 FROM evaluations_round WHERE name = 'Đợt quy mô SCALE')
"""

DOSSIERS_SQL = """
INSERT INTO evaluations_dossier (kind, status, registration, self_score, sample_count, change_summary, revision,
    return_reason, submitted_at, created_at, updated_at, created_by_id, intake_unit_id, previous_certificate_id,
    product_id, round_id, rule_version_id)
SELECT 'first', 'scored', '{"source": "scale"}'::jsonb, NULL, 5, '', 1, '', now(), now(), now(), NULL,
    pr.commune_id, NULL, pr.id, r.id, r.rule_version_id
FROM (SELECT id, commune_id FROM products_product WHERE slug LIKE 'san-pham-%%'
      ORDER BY id LIMIT %(dossiers)s) pr
CROSS JOIN (SELECT id, rule_version_id FROM evaluations_round WHERE name = 'Đợt quy mô SCALE') r
ORDER BY pr.id
"""

SHEETS_SQL = """
INSERT INTO evaluations_memberscoresheet (attempt, status, recusal_reason, total, eliminated, submitted_at,
    updated_at, dossier_id, member_id, round_id)
SELECT 1, 'submitted', '', NULL, false, now(), now(), d.id, m.member, d.round_id
FROM evaluations_dossier d
CROSS JOIN unnest(%(members)s::int[]) AS m(member)
WHERE d.registration ->> 'source' = 'scale'
ORDER BY d.id, m.member
"""

# One option per criterion of the product's QĐ 26 sheet, skewed towards the better options.
CHOICES_SQL = """
INSERT INTO evaluations_memberchoice (not_applicable, comment, criterion_id, option_id, sheet_id)
SELECT false, '', c.id,
    (SELECT o.id FROM evaluations_criterionoption o WHERE o.criterion_id = c.id AND NOT o.eliminates
     ORDER BY (o.points * 2654435761 + d.product_id * 40503 + ms.member_id * 131 + %(seed)s) %% 7 < 4 DESC, o.points DESC LIMIT 1),
    ms.id
FROM evaluations_memberscoresheet ms
JOIN evaluations_dossier d ON d.id = ms.dossier_id AND d.registration ->> 'source' = 'scale'
JOIN products_product pr ON pr.id = d.product_id
JOIN evaluations_scoresheet s ON s.product_set_id = pr.product_set_id
    AND s.rule_version_id = (SELECT id FROM evaluations_ruleversion WHERE code = 'QD26_2026')
JOIN evaluations_criterion c ON c.sheet_id = s.id
ORDER BY ms.id, c.id
"""

TOTALS_SQL = """
UPDATE evaluations_memberscoresheet ms SET total = LEAST(t.total, 100)
FROM (SELECT mc.sheet_id, sum(o.points) AS total FROM evaluations_memberchoice mc
      JOIN evaluations_criterionoption o ON o.id = mc.option_id GROUP BY mc.sheet_id) t
WHERE t.sheet_id = ms.id AND ms.total IS NULL
"""
