"""The template and the export: one set of columns (``columns.COLUMNS``), so an export re-imports unchanged.

One row per certificate (a product's earlier certificates too, so its chain survives the round trip), narrowed by
the catalogue's ``ProductFilterSet`` and the user's units. Values are written as the import reads them: names of
units, the product set number, the producer type's Vietnamese label, dates dd/mm/yyyy.
"""

import csv
import io

from django.db import connection, transaction
from django.utils import translation

from districts.models import CouncilLevel
from evaluations.models import Certificate
from products.models import ProducerType

from .columns import COLUMNS, TITLES

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


def certificate_rows(products=None, *, certificates=None):
    """Rows (lists in template order) for the certificates of ``products`` (a Product queryset), or for the
    ``certificates`` given (an officer list)."""
    with translation.override("vi"):
        types = {value: str(label) for value, label in ProducerType.choices}
        levels = {"province": "Tỉnh", "central": "Trung ương", "district": "Huyện"}
        levels.update({v: levels.get(v, str(label)) for v, label in CouncilLevel.choices})
    if certificates is not None:
        queryset = Certificate.objects.filter(pk__in=certificates.order_by().values("pk"))
    else:
        queryset = Certificate.objects.filter(product__in=products.order_by().values("pk"))
    queryset = (
        queryset.order_by("product_id", "issued_on", "pk")
        .values_list(
            "product__code", "product__name", "product__product_set__number", "product__producer__name",
            "product__producer__producer_type", "product__producer__registration_number", "product__province__name",
            "product__commune__name", "product__legacy_district__name", "stars", "number", "decision__number",
            "issued_on", "issuing_authority", "issuing_level", "rule_version__code",
        )
    )  # fmt: skip
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A streaming cursor is planned for its first rows (nested loops): minutes instead of 0.4 s for
            # 20,000 certificates. Plan it for all of them.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        for row in queryset.iterator(chunk_size=5000):
            row = list(row)
            row[4] = types.get(row[4], row[4])
            row[12] = row[12].strftime("%d/%m/%Y")
            row[14] = levels.get(row[14], row[14])
            yield ["" if value is None else value for value in row]


def write_csv(rows) -> bytes:
    out = io.StringIO()
    out.write("\ufeff")  # Excel opens UTF-8 Vietnamese correctly with a byte-order mark
    writer = csv.writer(out)
    writer.writerow(TITLES)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_xlsx(rows, *, with_help: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Danh sách OCOP")
    header = []
    with translation.override("vi"):
        for column in COLUMNS:
            cell = WriteOnlyCell(sheet, value=column.title)
            cell.font = Font(bold=column.required)
            if with_help:
                cell.comment = Comment(str(column.help), "OCOP")
            header.append(cell)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        if with_help:
            guide = workbook.create_sheet("Hướng dẫn")
            guide.append(["Cột", "Bắt buộc", "Cách ghi"])
            for column in COLUMNS:
                guide.append([column.title, "có" if column.required else "", str(column.help)])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template(fmt: str) -> bytes:
    return write_xlsx([], with_help=True) if fmt == "xlsx" else write_csv([])


def export(products, fmt: str) -> bytes:
    rows = certificate_rows(products)
    return write_xlsx(rows) if fmt == "xlsx" else write_csv(rows)
