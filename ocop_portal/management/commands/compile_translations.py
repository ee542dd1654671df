"""Compile locale/*/LC_MESSAGES/*.po into .mo with polib, so no GNU gettext is needed on a fresh machine.

The .mo files are build products (git-ignored); `make run`, `make test`, the Docker image and the test suite's
start (tests/conftest.py) run this.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def compile_catalogues(roots) -> list[tuple[Path, int]]:
    """Compile every catalogue under ``roots`` whose .mo is missing or older than its .po: [(po path, % done)]."""
    compiled = []
    for root in map(Path, roots):
        for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(mo_path))
            compiled.append((po_path, catalogue.percent_translated()))
    return compiled


class Command(BaseCommand):
    help = "Biên dịch bản dịch .po → .mo / Compile translation catalogues (.po → .mo)."

    def handle(self, *args, **options):
        compiled = compile_catalogues(settings.LOCALE_PATHS)
        for po_path, percent in compiled:
            self.stdout.write(f"{po_path.relative_to(settings.BASE_DIR)}: {percent}% translated")
        self.stdout.write(f"Bản dịch đã biên dịch / catalogues compiled: {len(compiled)}")
