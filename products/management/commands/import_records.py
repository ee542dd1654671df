"""Import producers, products, decisions and certificates from an officer's xlsx/CSV file, or write the template.

    python manage.py import_records FILE.xlsx|FILE.csv [--dry-run] [--valid-rows-only]
    python manage.py import_records --template FILE.xlsx|FILE.csv
    python manage.py import_records --export FILE.xlsx|FILE.csv [--filter province=01 --filter stars=5 …]

Exit codes: 0 imported (or a clean dry run); 1 some rows have errors, nothing written; 2 the file cannot be read
(or bad arguments); 3 --valid-rows-only wrote the valid rows and skipped the rows with errors.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from products.filters import ProductFilterSet
from products.models import Product
from products.records import exports
from products.records.services import ReadError, import_records


def _fmt(path: str) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise CommandError("Tên tệp phải kết thúc bằng .xlsx hoặc .csv / FILE must end in .xlsx or .csv", returncode=2)
    return suffix[1:]


class Command(BaseCommand):
    help = (
        "Nhập hồ sơ OCOP từ tệp Excel/CSV, hoặc ghi tệp mẫu / Import OCOP records from xlsx/CSV, or write the template."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--dry-run", action="store_true", help="kiểm tra, không ghi / validate only")
        parser.add_argument("--valid-rows-only", action="store_true", help="ghi các dòng hợp lệ, bỏ dòng lỗi")
        parser.add_argument("--template", metavar="FILE", help="ghi tệp mẫu (.xlsx hoặc .csv)")
        parser.add_argument("--export", metavar="FILE", help="xuất danh sách cùng các cột của mẫu")
        parser.add_argument("--filter", action="append", default=[], metavar="KEY=VALUE",
                            help="bộ lọc như trang danh mục (province=01, stars=5, status=active…)")  # fmt: skip

    def handle(self, *args, file, dry_run, valid_rows_only, template, export, filter, **options):
        if template:
            Path(template).write_bytes(exports.template(_fmt(template)))
            self.stdout.write(f"Đã ghi tệp mẫu / template written: {template}")
            return
        if export:
            fmt = _fmt(export)
            data = QueryDict(mutable=True)
            for item in filter:
                key, _sep, value = item.partition("=")
                data.appendlist(key, value)
            filterset = ProductFilterSet(data, queryset=Product.objects.all())
            if not filterset.is_valid():
                raise CommandError(f"Bộ lọc không hợp lệ / bad filter: {filterset.errors.as_text()}", returncode=2)
            Path(export).write_bytes(exports.export(filterset.qs, fmt))
            self.stdout.write(f"Đã xuất / exported: {export}")
            return
        if not file:
            raise CommandError("Cần tên tệp / FILE is required (or --template FILE)", returncode=2)
        try:
            data = Path(file).read_bytes()
            report = import_records(data, Path(file).name, dry_run=dry_run, valid_rows_only=valid_rows_only)
        except (OSError, ReadError) as exc:
            raise CommandError(f"Không đọc được tệp / cannot read {file}: {exc}", returncode=2) from exc
        for row in report.errors:
            for message in row.messages():
                self.stderr.write(message)
        self.stdout.write(report.summary())
        counts = report.counts
        for kind, label in (("producer", "chủ thể"), ("product", "sản phẩm"), ("decision", "quyết định"),
                            ("certificate", "giấy chứng nhận")):  # fmt: skip
            self.stdout.write(f"  {label}: {counts[kind + '.created']} tạo mới, {counts[kind + '.updated']} cập nhật")
        if report.written:
            self.stdout.write(self.style.SUCCESS("Đã ghi vào cơ sở dữ liệu / written."))
            if report.errors:
                raise CommandError(
                    f"Bỏ qua {len(report.errors)} dòng lỗi / {len(report.errors)} rows skipped", returncode=3
                )
            return
        if report.failure:
            raise CommandError(report.failure, returncode=1)
        if report.errors:
            raise CommandError(
                f"{len(report.errors)} dòng lỗi: không ghi gì / rows with errors, nothing written", returncode=1
            )
        if not report.rows:
            self.stdout.write("Tệp không có dòng dữ liệu / the file has no data rows.")
        else:
            self.stdout.write("Chạy thử: không ghi gì / dry run: nothing written.")
