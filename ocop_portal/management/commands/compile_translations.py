"""Compile locale/*/LC_MESSAGES/*.po into .mo with polib, so no GNU gettext is needed on a fresh machine.

The .mo files are build products (git-ignored); `make run`, `make test` and the Docker image run this command.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Biên dịch bản dịch .po → .mo / Compile translation catalogues (.po → .mo)."

    def handle(self, *args, **options):
        compiled = 0
        for root in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(mo_path))
                compiled += 1
                self.stdout.write(
                    f"{po_path.relative_to(settings.BASE_DIR)}: {catalogue.percent_translated()}% translated"
                )
        self.stdout.write(f"Bản dịch đã biên dịch / catalogues compiled: {compiled}")
