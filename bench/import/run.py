"""Benchmark of the records import: N generated spreadsheet rows (default 20,000) into PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python bench/import/run.py [--rows N]

Rows look like a province's lists: real current communes of every province (names without the kind, some without
accents), a tenth given as an old commune under its old district (resolved through the legacy → current mapping),
two products per producer, product sets by number or name, decisions per province and year, dates as dd/mm/yyyy
text, stars 3–5, the rule version left empty (inferred). Times, on an xlsx file written by openpyxl:

1. validation only (``--dry-run``: read, resolve, plan);
2. the import (the target: < 2 minutes for 20,000 rows);
3. the same file again (everything unchanged, nothing written);
4. the export of the imported rows (same columns) and its re-import (unchanged).

Rows carry the marker BENCH-IMP; a run deletes the previous ones first. Never run it against production data.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from districts.models import AdminUnit, Level, Structure, UnitMapping  # noqa: E402
from ocop_portal.text import fold  # noqa: E402
from products.models import Product  # noqa: E402
from products.records import exports  # noqa: E402
from products.records.columns import COLUMNS, TITLES  # noqa: E402
from products.records.services import import_records  # noqa: E402

MARK = "BENCH-IMP"
TARGET_SECONDS = 120
TYPES = ["Hợp tác xã", "HTX", "Doanh nghiệp", "Hộ kinh doanh", "Tổ hợp tác", "Trang trại"]
STEMS = ["Gạo thơm", "Mật ong", "Chè búp", "Nước mắm", "Gốm", "Mây tre đan", "Lụa", "Bánh chưng", "Miến dong"]
CLEANUP = [
    "DELETE FROM evaluations_auditentry WHERE note LIKE %s",
    "DELETE FROM evaluations_decisionitem WHERE decision_id IN (SELECT id FROM evaluations_decision WHERE number LIKE %s)",
    "UPDATE evaluations_certificate SET replaced_by_id = NULL WHERE number LIKE %s",
    "DELETE FROM evaluations_certificate WHERE number LIKE %s",
    "DELETE FROM evaluations_decision WHERE number LIKE %s",
    "DELETE FROM products_historicalproduct WHERE code LIKE %s OR name LIKE %s",
    "DELETE FROM products_product WHERE name LIKE %s",
    "DELETE FROM products_historicalproducer WHERE registration_number LIKE %s",
    "DELETE FROM products_producer WHERE registration_number LIKE %s",
]


def cleanup():
    like = f"%{MARK}%"
    with connection.cursor() as cursor:
        for sql in CLEANUP:
            cursor.execute(sql, [like] * sql.count("%s"))


def generate_rows(n: int, today: datetime.date) -> list[list]:
    communes = list(
        AdminUnit.objects.filter(structure=Structure.CURRENT, level=Level.COMMUNE)
        .select_related("parent")
        .order_by("code")
    )
    if not communes:
        raise SystemExit("Cần nạp đơn vị hành chính trước: manage.py load_admin_units")
    # Old communes with exactly one successor, to be written as "old commune + old district".
    single = (
        UnitMapping.objects.filter(legacy__level=Level.COMMUNE)
        .values("legacy_id")
        .annotate(n=Count("current"))
        .filter(n=1)
        .values_list("legacy_id", flat=True)
    )
    legacy = list(
        AdminUnit.objects.filter(pk__in=single, successor_province__isnull=False)
        .select_related("parent", "successor_province")
        .order_by("code")[:2000]
    )
    from products.models import ProductSet

    set_names = list(ProductSet.objects.filter(taxonomy="QD26_2026").order_by("number").values_list("name", flat=True))
    seen, folded_twice = set(), set()
    for c in communes:
        key = (c.parent_id, fold(c.name))
        (folded_twice if key in seen else seen).add(key)
    rows, serial = [], {}
    years = list(range(2020, today.year + 1))
    for i in range(n):
        commune = communes[(i * 7919) % len(communes)]
        province, commune_text, district_text = commune.parent, commune.name, ""
        if legacy and i % 10 == 3:
            old = legacy[i % len(legacy)]
            province, commune_text, district_text = old.successor_province, old.name, old.parent.name
        elif i % 3 == 1 and (commune.parent_id, fold(commune.name)) not in folded_twice:
            commune_text = fold(commune.name)  # typed without accents (where that names one commune)
        year = years[i % len(years)]
        day = min(datetime.date(year, 1 + i % 12, 1 + i % 28), today - datetime.timedelta(days=1))
        producer = i // 2
        key = (province.code, year)
        serial[key] = serial.get(key, 0) + 1
        rows.append([
            "",
            f"{STEMS[i % len(STEMS)]} {MARK} {i}",
            str(1 + i % 26) if i % 4 else set_names[i % len(set_names)],
            f"Chủ thể {MARK} {producer}",
            TYPES[producer % len(TYPES)],
            f"{MARK}-{producer:07d}",
            province.name if i % 2 else fold(province.name),
            commune_text,
            district_text,
            str(3 + i % 3),
            f"{MARK}-{i:07d}",
            f"{serial[key] // 500 + 1}-{year}/{MARK}/QĐ-UBND-{province.code}",
            day.strftime("%d/%m/%Y"),
            f"UBND {province.name}",
            "",
            "",
        ])  # fmt: skip
    # A decision keeps one date: the rows of one decision number take the date of its first row.
    first_date = {}
    for row in rows:
        row[12] = first_date.setdefault((row[13], row[11]), row[12])
    return rows


def xlsx(rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(TITLES)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def timed(label, function, results, quiet=True):
    started = time.monotonic()
    value = function()
    results[label] = time.monotonic() - started
    if not quiet:
        print(f"  {label:16s} {results[label]:7.1f} s", flush=True)
    return value


def run(n: int, *, keep: bool = False, quiet: bool = False) -> dict:
    from evaluations.status import today

    assert len(COLUMNS) == 16
    cleanup()
    results = {}
    data = timed("generate", lambda: xlsx(generate_rows(n, today())), results, quiet)
    results["file_mb"] = len(data) / 1e6
    check = timed("dry_run", lambda: import_records(data, "bench.xlsx", dry_run=True), results, quiet)
    errors = [m for r in check.errors for m in r.messages()]
    if errors:
        raise SystemExit("Lỗi trong dữ liệu sinh ra:\n" + "\n".join(errors[:20]))
    report = timed("import", lambda: import_records(data, "bench.xlsx"), results, quiet)
    assert report.written and report.counts["rows.created"] == n, report.summary()
    again = timed("reimport", lambda: import_records(data, "bench.xlsx"), results, quiet)
    assert again.counts["rows.unchanged"] == n, again.summary()
    products = Product.objects.filter(name__contains=MARK)
    exported = timed("export", lambda: exports.export(products, "xlsx"), results, quiet)
    back = timed("export_reimport", lambda: import_records(exported, "xuat.xlsx"), results, quiet)
    assert back.counts["rows.unchanged"] == n and not back.errors, back.summary()
    results["counts"] = dict(report.counts)
    if not keep:
        cleanup()
    if not quiet:
        print(f"{n} dòng, tệp {results['file_mb']:.1f} MB")
        print("  " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts.items())))
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--keep", action="store_true", help="keep the imported rows")
    args = parser.parse_args(argv)
    if connection.vendor != "postgresql":
        raise SystemExit("PostgreSQL only (set DATABASE_URL)")
    if not AdminUnit.objects.exists():
        from django.core.management import call_command

        call_command("load_admin_units")
    results = run(args.rows, keep=args.keep)
    if results["import"] > TARGET_SECONDS * args.rows / 20_000:
        print(f"CHẬM / too slow: import {results['import']:.1f} s > {TARGET_SECONDS} s per 20,000 rows")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
