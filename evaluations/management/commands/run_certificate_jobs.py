"""Run the daily certificate job by hand (the Celery beat task runs the same service every night).

    python manage.py run_certificate_jobs [--date YYYY-MM-DD] [--dry-run]

Prints the steps recorded (or that would be), the reminders skipped and why, and the e-mails sent (or that would be).
A dry run writes nothing and sends nothing. Dates after today, or older than OCOP_NOTICE_CATCH_UP_DAYS, are accepted
only with --dry-run (a real run would send reminders early, or old ones as if they were fresh).
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluations.models import CertificateNotice
from evaluations.services import expiry


def parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("Ngày không hợp lệ: %(value)s (định dạng YYYY-MM-DD, ví dụ 2027-02-28)") % {"value": value}
            + f" / invalid date {value!r}, expected YYYY-MM-DD"
        ) from None


class Command(BaseCommand):
    help = "Chạy công việc hằng ngày về giấy chứng nhận / run the daily certificate job (steps and reminders)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="ngày chạy / run date, YYYY-MM-DD (mặc định hôm nay / default today)")
        parser.add_argument(
            "--dry-run", action="store_true", help="chỉ cho biết sẽ làm gì / only say what would be done"
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = timezone.localdate()
        day = parse_date(date) if date else today
        if day > today and not dry_run:
            raise CommandError(
                _("Ngày %(day)s ở tương lai: chỉ chạy thử được (--dry-run), không gửi nhắc hạn sớm.")
                % {"day": day.strftime("%d/%m/%Y")}
                + " / future dates need --dry-run"
            )
        oldest = today - datetime.timedelta(days=expiry.catch_up_days())
        if day < oldest and not dry_run:
            # Replaying an old day would e-mail its steps as if they were fresh; the daily run catches up anyway.
            raise CommandError(
                _(
                    "Ngày %(day)s đã quá %(n)s ngày: chỉ chạy thử được (--dry-run); lần chạy hằng ngày tự làm bù "
                    "các mốc bị lỡ."
                )
                % {"day": day.strftime("%d/%m/%Y"), "n": expiry.catch_up_days()}
                + " / dates older than the catch-up window need --dry-run"
            )
        try:
            summary = expiry.run_daily(today=day, dry_run=dry_run)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        self.report(summary)

    def report(self, summary):
        write = self.stdout.write
        mode = _("CHẠY THỬ — không ghi, không gửi") if summary.dry_run else _("ĐÃ CHẠY")
        write(
            _("Công việc giấy chứng nhận ngày %(day)s (%(mode)s); xét các mốc đến hạn từ ngày %(since)s.")
            % {
                "day": summary.run_on.strftime("%d/%m/%Y"),
                "mode": mode,
                "since": summary.checked_from.strftime("%d/%m/%Y"),
            }
        )
        verb = _("sẽ ghi nhận") if summary.dry_run else _("ghi nhận")
        for code, count in summary.recorded.items():
            write(f"  {expiry.step_label(code)} [{code}]: {verb} {count}")
        write(_("  Tổng: %(verb)s %(n)s mốc.") % {"verb": verb, "n": summary.total_recorded})
        if summary.skipped:
            write(_("Không gửi (đã ghi nhận mốc):"))
            labels = dict(CertificateNotice.Skip.choices)
            for key, count in sorted(summary.skipped.items()):
                channel, reason = key.split(".", 1)
                who = _("chủ thể") if channel == "producer" else _("cán bộ")
                write(f"  {who} — {labels.get(reason, reason)} [{key}]: {count}")
        if summary.dry_run:
            write(
                _("Sẽ gửi %(p)s thư cho chủ thể và %(o)s thư tổng hợp cho cán bộ.")
                % {"p": summary.producer_emails, "o": summary.officer_emails}
            )
        else:
            write(
                _("Đã gửi %(p)s thư cho chủ thể và %(o)s thư tổng hợp cho cán bộ.")
                % {"p": summary.producer_emails, "o": summary.officer_emails}
            )
