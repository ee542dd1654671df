"""Load the demo data set (see ocop_portal/demo.py). Refuses to run under production settings."""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from districts.models import AdminUnit


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu theo các bài báo nguồn / Load demo data modelled on the seed articles."

    def handle(self, *args, **options):
        if not settings.DEBUG or not getattr(settings, "OCOP_DEMO_DATA_ALLOWED", False):
            raise CommandError(
                "Không nạp dữ liệu mẫu khi chạy cấu hình sản xuất (DEBUG tắt). / "
                "Refusing to load demo data under production settings (DEBUG off)."
            )
        if not AdminUnit.objects.exists():
            call_command("load_admin_units", stdout=self.stdout)
        from ocop_portal.demo import DEMO_PASSWORD, load_demo

        counters = load_demo(timezone.localdate())
        self.stdout.write(
            f"Dữ liệu mẫu: mới {counters.producers} chủ thể, {counters.products} sản phẩm, {counters.dossiers} hồ sơ, "
            f"{counters.decisions} quyết định, {counters.certificates} giấy chứng nhận, {counters.users} người dùng "
            f"(mật khẩu mẫu: {DEMO_PASSWORD})."
        )
