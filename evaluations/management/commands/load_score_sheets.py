"""python manage.py load_score_sheets [FILE ...] — load score-sheet data files into the database (idempotent)."""

import time

from django.core.management.base import BaseCommand, CommandError

from evaluations.sheet_loader import SheetLoadError, default_files, load_files


class Command(BaseCommand):
    help = (
        "Nạp phiếu đánh giá (bộ tiêu chí) từ tệp JSON; mặc định mọi tệp evaluations/score_sheets/*.json "
        "(trừ *.corrections.json). Chạy lại không thay đổi gì nếu tệp không đổi. / Load score sheets from JSON "
        "files (default: every sheet file in evaluations/score_sheets); a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="tệp phiếu / sheet files (mặc định / default: all)")

    def handle(self, *args, files, verbosity, **options):
        paths = files or default_files()
        started = time.monotonic()
        try:
            reports = load_files(paths=paths)
        except SheetLoadError as exc:
            raise CommandError(str(exc)) from exc
        for report in reports:
            self.stdout.write(self.style.SUCCESS(report.summary()))
            if verbosity >= 2:
                for sheet in report.sheets:
                    self.stdout.write(
                        f"  bộ {sheet.number}: {sheet.status} (+{sheet.created} ~{sheet.updated} -{sheet.deleted})"
                    )
        self.stdout.write(f"{time.monotonic() - started:.1f} s")
