"""``run_certificate_jobs --date YYYY-MM-DD [--dry-run]`` and the beat schedule."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from evaluations import rules
from evaluations.models import CertificateJobRun, CertificateNotice
from tests.evaluations.expiry_helpers import D, issue, producer_mails

ROOT = Path(__file__).resolve().parents[2]


def due_recently():
    """Certificates whose expiring_30 step fell a few days ago (a real --date is today or a recent day)."""
    issued = rules.add_months(timezone.localdate() + D(days=27), -36)
    return issued, rules.certificate_expiry(issued) - D(days=30)


def command(*args) -> str:
    out = io.StringIO()
    call_command("run_certificate_jobs", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_dry_run_prints_what_it_would_do_and_does_nothing(mailoutbox):
    issued, due = due_recently()
    for _ in range(2):
        issue(issued)
    issue(issued, email="")
    day = due.isoformat()
    out = command("--date", day, "--dry-run")
    assert "CHẠY THỬ" in out
    assert "Còn 30 ngày hết hạn [expiring_30]: sẽ ghi nhận 3" in out
    assert "Chủ thể chưa có thư điện tử [producer.no_email]: 1" in out
    assert "Sẽ gửi 2 thư cho chủ thể và 0 thư tổng hợp cho cán bộ." in out
    assert CertificateNotice.objects.count() == 0 and CertificateJobRun.objects.count() == 0
    assert mailoutbox == []
    out = command("--date", day)
    assert "ĐÃ CHẠY" in out and "[expiring_30]: ghi nhận 3" in out
    assert "Đã gửi 2 thư cho chủ thể" in out
    assert len(producer_mails(mailoutbox)) == 2
    again = command("--date", day)
    assert "Tổng: ghi nhận 0 mốc." in again and "Đã gửi 0 thư cho chủ thể" in again


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["31/08/2026", "2026-02-30", "hôm nay"])
def test_a_bad_date_gets_a_clear_vietnamese_message(bad):
    with pytest.raises(CommandError, match="Ngày không hợp lệ.*YYYY-MM-DD"):
        command("--date", bad)
    assert CertificateJobRun.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.django_db
@pytest.mark.parametrize("offset", [40, -15], ids=["future", "older-than-catch-up"])
def test_a_far_date_is_only_accepted_for_a_dry_run(offset):
    day = (timezone.localdate() + D(days=offset)).isoformat()
    with pytest.raises(CommandError, match="chỉ chạy thử"):
        command("--date", day)
    assert "CHẠY THỬ" in command("--date", day, "--dry-run")
    assert CertificateJobRun.objects.count() == 0


def beat_schedule(env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OCOP_")}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ocop_portal.settings'; django.setup();"
        "from ocop_portal.celery import app; e = app.conf.beat_schedule['certificate-daily-job'];"
        "print(e['task'], sorted(e['schedule'].hour), sorted(e['schedule'].minute), app.conf.timezone)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean | env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_daily_job_is_scheduled_at_two_in_the_morning_vietnam_time_and_configurable():
    assert beat_schedule({}) == "evaluations.tasks.run_daily_certificate_job [2] [0] Asia/Ho_Chi_Minh"
    assert (
        beat_schedule({"OCOP_DAILY_JOB_HOUR": "5"})
        == "evaluations.tasks.run_daily_certificate_job [5] [0] Asia/Ho_Chi_Minh"
    )
