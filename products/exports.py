"""Bulk export of the public catalogue (CSV and JSON), written once per data version and served as a file.

A file is named after the data version (``selectors.data_version``: the data and the day), so a download is a
file read plus an ETag check; the first request after a change writes the new file (or run
``manage.py export_public_catalogue`` from cron after the nightly jobs). Rows are read with one streaming query.
"""

import csv
import json
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.models import F
from django.urls import reverse

from . import selectors

FORMATS = ("csv", "json")
COLUMNS = [
    ("id", "id"),
    ("code", "code"),
    ("name", "name"),
    ("slug", "slug"),
    ("stars", "cert_stars"),
    ("status", "status"),
    ("product_set_code", "product_set__number"),
    ("product_set_name", "product_set__name"),
    ("category_code", "product_set__group__category__code"),
    ("category_name", "product_set__group__category__name"),
    ("group_number", "product_set__group__number"),
    ("group_name", "product_set__group__name"),
    ("producer_id", "producer_id"),
    ("producer_name", "producer__name"),
    ("producer_type", "producer__producer_type"),
    ("province_code", "province__code"),
    ("province_name", "province__name"),
    ("commune_code", "commune__code"),
    ("commune_name", "commune__name"),
    ("legacy_district_code", "legacy_district__code"),
    ("legacy_district_name", "legacy_district__name"),
    ("certificate_number", "cert__number"),
    ("certificate_issued_on", "cert_issued_on"),
    ("certificate_expires_on", "cert_expires_on"),
    ("certificate_revoked_on", "cert_revoked_on"),
    ("updated_at", "updated_at"),
]


def export_dir() -> Path:
    path = Path(getattr(settings, "OCOP_EXPORT_DIR", None) or Path(settings.PRIVATE_MEDIA_ROOT) / "public-exports")
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_file(fmt: str, *, base_url: str = "") -> tuple[Path, str, int]:
    """The export file for today's data version, written if missing. Returns (path, version, last-modified)."""
    version, last_modified = selectors.data_version()
    path = export_dir() / f"ocop-products-{version}.{fmt}"
    if not path.exists():
        write_export(path, fmt, base_url=base_url)
        for old in export_dir().glob(f"ocop-products-*.{fmt}"):
            if old != path:
                old.unlink(missing_ok=True)
    return path, version, int(last_modified.timestamp())


def rows():
    """Listed products as flat rows, in id order, streamed from the database."""
    queryset = selectors.with_status(
        selectors.with_current_certificate()
        .filter(selectors.listed_q(selectors.today()))
        .order_by("id")
        .annotate(cert_number=F("cert__number"))
    )
    fields = [source if source != "cert__number" else "cert_number" for _name, source in COLUMNS]
    return queryset.values_list(*fields).iterator(chunk_size=5000)


def write_export(path: Path, fmt: str, *, base_url: str = "") -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if fmt == "csv":
                _write_csv(out, base_url)
            else:
                _write_json(out, base_url)
        os.replace(tmp, path)  # atomic: readers never see half a file
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_csv(out, base_url):
    out.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with a BOM
    writer = csv.writer(out)
    writer.writerow([name for name, _ in COLUMNS] + ["url", "verify_url"])
    for row in rows():
        item = dict(zip([n for n, _ in COLUMNS], row, strict=True))
        writer.writerow([_cell(v) for v in row] + [base_url + product_path(item), base_url + verify_path(item)])


def _write_json(out, base_url):
    """A JSON array of objects shaped like the API's product items (without the per-request fields)."""
    out.write("[")
    first = True
    for row in rows():
        item = dict(zip([n for n, _ in COLUMNS], row, strict=True))
        out.write(("" if first else ",") + "\n" + json.dumps(as_api_item(item, base_url), ensure_ascii=False))
        first = False
    out.write("\n]\n")


def as_api_item(item: dict, base_url: str = "") -> dict:
    return {
        "id": item["id"],
        "code": item["code"],
        "name": item["name"],
        "slug": item["slug"],
        "stars": item["stars"],
        "status": item["status"],
        "listed": True,
        "product_set": {"code": item["product_set_code"], "name": item["product_set_name"]},
        "category": {"code": item["category_code"], "name": item["category_name"]},
        "group": {"code": f"{item['category_code']}.{item['group_number']}", "name": item["group_name"]},
        "producer": {"id": item["producer_id"], "name": item["producer_name"], "type": item["producer_type"]},
        "province": {"code": item["province_code"], "name": item["province_name"]},
        "commune": {"code": item["commune_code"], "name": item["commune_name"]},
        "legacy_district": {"code": item["legacy_district_code"], "name": item["legacy_district_name"]}
        if item["legacy_district_code"]
        else None,
        "certificate": {
            "number": item["certificate_number"],
            "issued_on": item["certificate_issued_on"].isoformat(),
            "expires_on": item["certificate_expires_on"].isoformat(),
            "status": item["status"],
            "revoked_on": item["certificate_revoked_on"].isoformat() if item["certificate_revoked_on"] else None,
            "verify_url": base_url + verify_path(item),
        },
        "url": base_url + product_path(item),
    }


def product_path(item) -> str:
    return reverse("public:product", kwargs={"pk": item["id"], "slug": item["slug"]})


def verify_path(item) -> str:
    return reverse("public:verify", kwargs={"number": item["certificate_number"]})


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
