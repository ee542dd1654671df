"""Indexes for the public catalogue at national scale (200,000+ products).

PostgreSQL: a trigram GIN index (pg_trgm) on UPPER(search_name::text) of products, producers and units, the exact
expression Django's ``icontains`` produces, so accent-free substring search stays an index scan; partial indexes
on current certificates for the "newest", "stars" and "expiry" orderings; a (name, id) index for A → Z.
SQLite (trial runs) gets the plain B-tree indexes only. The indexes live outside the models' Meta because they use
expressions, operator classes or another app's table; see docs/adr/0008-public-catalogue-queries.md.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS public_product_search_trgm ON products_product "
    "USING gin (UPPER(search_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS public_producer_search_trgm ON products_producer "
    "USING gin (UPPER(search_name::text) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS public_unit_search_trgm ON districts_adminunit "
    "USING gin (UPPER(search_name::text) gin_trgm_ops)",
]
COMMON = [
    "CREATE INDEX IF NOT EXISTS public_product_name_id ON products_product (name, id)",
    "CREATE INDEX IF NOT EXISTS public_cert_current_issued ON evaluations_certificate (issued_on DESC, product_id DESC) "
    "WHERE is_current",
    "CREATE INDEX IF NOT EXISTS public_cert_current_stars ON evaluations_certificate "
    "(stars DESC, issued_on DESC, product_id DESC) WHERE is_current",
    "CREATE INDEX IF NOT EXISTS public_cert_current_expiry ON evaluations_certificate (expires_on, product_id) "
    "WHERE is_current",
]
NAMES = [
    "public_product_search_trgm",
    "public_producer_search_trgm",
    "public_unit_search_trgm",
    "public_product_name_id",
    "public_cert_current_issued",
    "public_cert_current_stars",
    "public_cert_current_expiry",
]


def create(apps, schema_editor):
    statements = (POSTGRES if schema_editor.connection.vendor == "postgresql" else []) + COMMON
    for sql in statements:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0002_load_taxonomy"),
        ("districts", "0001_initial"),
        ("evaluations", "0003_sheet_details"),
    ]

    operations = [migrations.RunPython(create, drop)]
