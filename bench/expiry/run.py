"""Benchmark of the daily certificate job on 1,000,000 certificates (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/expiry/run.py [--certificates N]

Builds, set-based, a national-scale history relative to the run date D: certificates issued every day over the six
years before D (a third of the products re-rated, so their older certificate is superseded), re-ratings filed for
40 % of certificates whose window has passed (a quarter of them late, some decided), 1 % revoked, 10 % of producers
without e-mail, a province office in every province and officers in 1,000 communes. Then it times:

1. the first run ever, on D − 1 (looks back 30 days);
2. the steady-state daily run on D — the figure the target (< 10 s) is about;
3. a catch-up run on D + 7 after six missed days;
4. a second run on D + 7 (idempotent: nothing recorded, nothing sent).

E-mail goes to Django's in-memory backend (rendering and the per-message commits are measured, the network is not).
Rows carry the marker BENCH-EXP; a re-run deletes the previous ones first. Never run it against production data.
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_portal.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from districts.models import AdminUnit  # noqa: E402
from evaluations.services import expiry  # noqa: E402

CLEANUP_SQL = [
    "DELETE FROM evaluations_officernotice WHERE notice_id IN (SELECT n.id FROM evaluations_certificatenotice n "
    "JOIN evaluations_certificate c ON c.id = n.certificate_id WHERE c.number LIKE 'BENCH-EXP-%%')",
    "DELETE FROM evaluations_certificatenotice WHERE certificate_id IN "
    "(SELECT id FROM evaluations_certificate WHERE number LIKE 'BENCH-EXP-%%')",
    "DELETE FROM evaluations_revocation WHERE decision_number LIKE 'BENCH-EXP-%%'",
    "UPDATE evaluations_certificate SET replaced_by_id = NULL WHERE number LIKE 'BENCH-EXP-%%'",
    "DELETE FROM evaluations_certificate WHERE number LIKE 'BENCH-EXP-%%'",
    "DELETE FROM products_product WHERE slug LIKE 'bench-exp-%%'",
    "DELETE FROM products_producer WHERE registration_number LIKE 'BENCH-EXP-%%'",
    "DELETE FROM districts_roleassignment WHERE user_id IN (SELECT id FROM auth_user WHERE username LIKE 'bench-exp-%%')",
    "DELETE FROM auth_user WHERE username LIKE 'bench-exp-%%'",
    "DELETE FROM evaluations_certificatejobrun",
]

PRODUCERS_SQL = """
WITH communes AS (
    SELECT id, row_number() OVER (ORDER BY code) - 1 AS idx
    FROM districts_adminunit WHERE structure = 'current' AND level = 'commune'
), n AS (SELECT count(*) AS c FROM communes)
INSERT INTO products_producer (name, slug, search_name, producer_type, registration_number, tax_code,
    representative_name, representative_gender, representative_ethnicity, representative_title, commune_id,
    address, phone, email, website, created_at, updated_at)
SELECT 'HTX Thử tải ' || g, 'bench-exp-' || g, 'htx thu tai ' || g, 'cooperative', 'BENCH-EXP-' || g, '',
    'Nguyễn Văn ' || g, 'male', 'Kinh', '', c.id, '', '09' || lpad((g %% 100000000)::text, 8, '0'),
    CASE WHEN g %% 10 = 0 THEN '' ELSE 'chuthe' || g || '@example.vn' END, '', now(), now()
FROM generate_series(0, %(producers)s - 1) AS g
JOIN n ON true JOIN communes c ON c.idx = g %% n.c
"""

PRODUCTS_SQL = """
WITH p AS (SELECT id, commune_id, row_number() OVER (ORDER BY id) - 1 AS idx
           FROM products_producer WHERE registration_number LIKE 'BENCH-EXP-%%'),
np AS (SELECT count(*) AS c FROM p),
set1 AS (SELECT id FROM products_productset WHERE taxonomy = 'QD26_2026' AND number = 1)
INSERT INTO products_product (producer_id, product_set_id, name, slug, search_name, code, description,
    commune_id, province_id, traceability_code, traceability_url, created_at, updated_at)
SELECT p.id, (SELECT id FROM set1), 'Sản phẩm thử tải ' || g, 'bench-exp-' || g, 'san pham thu tai ' || g, NULL, '',
    p.commune_id, com.parent_id, '', '', now(), now()
FROM generate_series(0, %(products)s - 1) AS g
JOIN np ON true JOIN p ON p.idx = g %% np.c
JOIN districts_adminunit com ON com.id = p.commune_id
"""

# Every product has a current certificate issued uniformly over the 6 years before D; one product in three also
# has the certificate it replaced, issued 36 months earlier (superseded).
CERTIFICATES_SQL = """
INSERT INTO evaluations_certificate (number, stars, issued_on, expires_on, issuing_authority, issuing_level, score,
    is_current, rerating_filed_on, rerating_decided_on, created_at, updated_at, product_id, decision_id,
    rule_version_id, replaced_by_id)
SELECT 'BENCH-EXP-' || pr.id || '-' || gen, 3 + pr.id %% 3, issued, (issued + interval '36 months')::date,
    'UBND tỉnh', 'province', NULL, gen = 1, NULL, NULL, now(), now(), pr.id, NULL,
    (SELECT id FROM evaluations_ruleversion WHERE code = 'QD26_2026'), NULL
FROM products_product pr
CROSS JOIN LATERAL (SELECT %(day)s::date - ((pr.id * 7919) %% (6 * 365))::int AS current_issue) c
CROSS JOIN LATERAL generate_series(1, CASE WHEN pr.id %% 3 = 0 THEN 2 ELSE 1 END) AS gen
CROSS JOIN LATERAL (SELECT (c.current_issue - (gen - 1) * interval '36 months')::date AS issued) i
WHERE pr.slug LIKE 'bench-exp-%%'
"""

CHAIN_SQL = """
UPDATE evaluations_certificate old SET replaced_by_id = cur.id
FROM evaluations_certificate cur
WHERE old.number LIKE 'BENCH-EXP-%%-2' AND cur.number = left(old.number, length(old.number) - 1) || '1'
"""

# Re-ratings: filed in the window (or late) for 40 % of certificates whose window opened; decided for some.
RERATING_SQL = """
UPDATE evaluations_certificate SET
    rerating_filed_on = CASE WHEN id %% 4 = 0 AND expires_on - 60 <= %(day)s::date THEN expires_on - 60
                             ELSE expires_on - 150 END,
    rerating_decided_on = CASE WHEN id %% 20 = 0 AND expires_on - 100 <= %(day)s::date THEN expires_on - 100 END
WHERE number LIKE 'BENCH-EXP-%%-1' AND id %% 10 < 4 AND expires_on - 150 <= %(day)s::date
"""

REVOCATIONS_SQL = """
INSERT INTO evaluations_revocation (ground, revoked_on, decision_number, authority, signer, reason,
    producer_notified_on, created_at, certificate_id)
SELECT 'b', issued_on + 300, 'BENCH-EXP-TH-' || id, 'UBND tỉnh', '', '', NULL, now(), id
FROM evaluations_certificate WHERE number LIKE 'BENCH-EXP-%%-1' AND id %% 100 = 7
"""

USERS_SQL = """
INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
    date_joined)
SELECT '!', false, 'bench-exp-' || u.kind || '-' || u.unit_id, '', 'Cán bộ thử tải', 'bench-exp-' || u.kind
    || u.unit_id || '@example.vn', false, true, now()
FROM (
    SELECT 'p' AS kind, id AS unit_id FROM districts_adminunit WHERE structure = 'current' AND level = 'province'
    UNION ALL
    SELECT 'c', id FROM (SELECT id FROM districts_adminunit WHERE structure = 'current' AND level = 'commune'
                         ORDER BY code LIMIT 1000) communes
) u
"""

ROLES_SQL = """
INSERT INTO districts_roleassignment (user_id, role, unit_id, is_active)
SELECT u.id, CASE WHEN split_part(u.username, '-', 3) = 'p' THEN 'province_office' ELSE 'commune_officer' END,
    split_part(u.username, '-', 4)::bigint, true
FROM auth_user u WHERE u.username LIKE 'bench-exp-%%'
"""


def execute(label, sql, params=None):
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        rows = cursor.rowcount
    print(f"  {label}: {rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)


def build(day: datetime.date, certificates: int):
    products = round(certificates * 3 / 4)  # a third of them carry a superseded certificate too
    print(f"Building {certificates:,} certificates ({products:,} products) relative to {day}…", flush=True)
    for sql in CLEANUP_SQL:
        execute("cleanup", sql)
    execute("producers", PRODUCERS_SQL, {"producers": max(products // 4, 1)})
    execute("products", PRODUCTS_SQL, {"products": products})
    execute("certificates", CERTIFICATES_SQL, {"day": day})
    execute("chains", CHAIN_SQL)
    execute("re-ratings", RERATING_SQL, {"day": day})
    execute("revocations", REVOCATIONS_SQL)
    execute("officers", USERS_SQL)
    execute("roles", ROLES_SQL)
    execute("analyze", "ANALYZE")


COMPOSE = {"s": 0.0}  # time spent composing messages and handing them to the mail backend (MIME included)


def _timed(function):
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            COMPOSE["s"] += time.perf_counter() - started

    return wrapper


def instrument():
    from django.core.mail.backends.locmem import EmailBackend

    expiry.build_producer_email = _timed(expiry.build_producer_email)
    expiry.build_officer_digest = _timed(expiry.build_officer_digest)
    EmailBackend.send_messages = _timed(EmailBackend.send_messages)


def timed_run(label, day):
    COMPOSE["s"] = 0.0
    started = time.perf_counter()
    recorded = expiry.record_steps(today=day)
    middle = time.perf_counter()
    sent = expiry.send_reminders(today=day, run_id=recorded.run_id)
    done = time.perf_counter()
    row = {
        "run": label,
        "date": day.isoformat(),
        "recorded": recorded.total_recorded,
        "record_s": middle - started,
        "producer_emails": sent.producer_emails,
        "officer_emails": sent.officer_emails,
        "send_s": done - middle,
        "compose_s": COMPOSE["s"],
        "total_s": done - started,
    }
    print(
        f"  {label:<28} {row['date']}  recorded {row['recorded']:>7,} in {row['record_s']:5.2f} s · "
        f"sent {row['producer_emails']:>5,} + {row['officer_emails']:>4,} digests in {row['send_s']:5.2f} s "
        f"(composing {row['compose_s']:5.2f} s) · "
        f"total {row['total_s']:5.2f} s",
        flush=True,
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--skip-build", action="store_true", help="reuse the data of the previous run")
    parser.add_argument(
        "--quick-first-run",
        action="store_true",
        help="record the first run but mark its reminders sent without composing them (the daily figures only)",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    if not AdminUnit.objects.exists():
        call_command("load_admin_units", verbosity=0)
    day = timezone.localdate()
    instrument()
    if not args.skip_build:
        build(day, args.certificates)
    else:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM evaluations_officernotice")
            cursor.execute("DELETE FROM evaluations_certificatenotice")
            cursor.execute("DELETE FROM evaluations_certificatejobrun")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM evaluations_certificate WHERE number LIKE 'BENCH-EXP-%%'")
        total = cursor.fetchone()[0]
    print(f"Runs over {total:,} certificates:", flush=True)
    if args.quick_first_run:
        started = time.perf_counter()
        first = expiry.record_steps(today=day - datetime.timedelta(days=1))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE evaluations_certificatenotice SET producer_notified_at = now(), officer_notified_at = now()"
            )
        print(f"  first run recorded {first.total_recorded:,} in {time.perf_counter() - started:.2f} s (marked sent)")
        rows = []
    else:
        rows = [timed_run("first run (looks back 30 d)", day - datetime.timedelta(days=1))]
    rows += [
        timed_run("daily run", day),
        timed_run("catch-up after 6 missed days", day + datetime.timedelta(days=7)),
        timed_run("same day again (idempotent)", day + datetime.timedelta(days=7)),
    ]
    print()
    print(
        "| run | date | steps recorded | record (s) | producer e-mails | officer digests | send: bookkeeping (s) "
        "| send: composing (s) | total (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['run']} | {r['date']} | {r['recorded']:,} | {r['record_s']:.2f} | {r['producer_emails']:,} | "
            f"{r['officer_emails']:,} | {r['send_s'] - r['compose_s']:.2f} | {r['compose_s']:.2f} | "
            f"{r['total_s']:.2f} |"
        )


if __name__ == "__main__":
    main()
