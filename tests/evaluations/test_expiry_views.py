"""Officer pages: needs attention per unit, expiring within N days, in re-rating window, Excel export; role × unit."""

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import selectors_certificates as sel
from evaluations.models import Certificate
from ocop_portal.celery import app as celery_app
from tests.evaluations import certificate_list_fixtures
from tests.evaluations.certificate_list_fixtures import expiring_on
from tests.evaluations.expiry_helpers import D, issue, run

pytestmark = pytest.mark.django_db
situation = certificate_list_fixtures.situation  # the shared fixture, by name

ATTENTION = reverse("certificates:attention")
EXPIRING = reverse("certificates:expiring")
WINDOW = reverse("certificates:rerating_window")


def numbers(response) -> set[str]:
    return {c.number for c in response.context["page"].object_list}


def test_the_province_office_sees_what_needs_attention_in_its_communes(client, situation):
    s = situation
    client.force_login(s.province_user)
    response = client.get(ATTENTION)
    assert response.status_code == 200
    assert numbers(response) == {s.window.number, s.late.number, s.extended.number, s.expired.number}
    by_unit = {row["unit_name"]: dict(row["counts"]) for row in response.context["summary"]}
    assert by_unit[s.commune_x.name] == {"extended": 0, "late": 1, "window": 1, "expired": 1}
    assert by_unit[s.commune_y.name] == {"extended": 1, "late": 0, "window": 0, "expired": 0}
    html = response.content.decode()
    assert "Giấy chứng nhận cần chú ý" in html and s.elsewhere.number not in html
    assert "Trong thời gian nộp hồ sơ đánh giá lại, chưa nộp" in html
    assert "Công việc nhắc hạn hằng ngày chưa chạy lần nào." in html


def test_the_commune_officer_sees_only_the_commune(client, situation):
    s = situation
    client.force_login(s.commune_user)
    response = client.get(ATTENTION)
    assert numbers(response) == {s.window.number, s.late.number, s.expired.number}
    response = client.get(ATTENTION, {"unit": s.commune_y.pk})
    assert response.status_code == 404


def test_filters_by_category_and_unit(client, situation):
    s = situation
    client.force_login(s.province_user)
    assert numbers(client.get(ATTENTION, {"attention": "extended"})) == {s.extended.number}
    assert numbers(client.get(ATTENTION, {"unit": s.commune_y.pk})) == {s.extended.number}
    assert client.get(ATTENTION, {"unit": s.other_province.pk}).status_code == 404


def test_national_users_see_every_province(client, situation):
    s = situation
    client.force_login(s.central_user)
    response = client.get(WINDOW)
    assert numbers(response) == {s.window.number, s.window_filed.number, s.elsewhere.number}
    summary = {row["unit_name"] for row in client.get(ATTENTION).context["summary"]}
    assert summary == {s.province.name, s.other_province.name}


def test_expiring_within_defaults_to_90_days_and_takes_any_number(client, situation):
    s = situation
    client.force_login(s.province_user)
    assert numbers(client.get(EXPIRING)) == {s.late.number}
    assert numbers(client.get(EXPIRING, {"expiring_within": 200})) == {
        s.late.number,
        s.window.number,
        s.window_filed.number,
    }
    response = client.get(EXPIRING, {"expiring_within": "mười"})
    assert response.status_code == 200
    assert "Bộ lọc chưa hợp lệ" in response.content.decode() and numbers(response) == set()


def test_in_rerating_window_and_filed_filter(client, situation):
    s = situation
    client.force_login(s.province_user)
    assert numbers(client.get(WINDOW)) == {s.window.number, s.window_filed.number}
    assert numbers(client.get(WINDOW, {"rerating_filed": "false"})) == {s.window.number}
    assert numbers(client.get(WINDOW, {"rerating_filed": "true"})) == {s.window_filed.number}


def test_window_boundaries_in_the_lists_are_inclusive():
    cert = issue(datetime.date(2026, 8, 31))
    opens, closes = datetime.date(2029, 3, 4), datetime.date(2029, 5, 3)

    def in_window(day):
        return Certificate.objects.filter(sel.in_rerating_window_q(day), pk=cert.pk).exists()

    assert [in_window(d) for d in (opens - D(days=1), opens, closes, closes + D(days=1))] == [False, True, True, False]

    def expiring(days, day):
        return Certificate.objects.filter(sel.expiring_within_q(days, day), pk=cert.pk).exists()

    assert expiring(90, cert.expires_on - D(days=90)) and not expiring(90, cert.expires_on - D(days=91))
    assert expiring(0, cert.expires_on) and not expiring(90, cert.expires_on + D(days=1))


@pytest.mark.parametrize("user_attr", ["council_member", None])
def test_non_officers_get_404_and_anonymous_users_the_login_page(client, situation, user_attr):
    if user_attr:
        client.force_login(getattr(situation, user_attr))
        for url in (ATTENTION, EXPIRING, WINDOW, reverse("certificates:expiring_excel")):
            assert client.get(url).status_code == 404
        assert "Giấy chứng nhận</a>" not in client.get("/").content.decode()
    else:
        response = client.get(ATTENTION)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_officers_find_the_lists_in_the_menu(client, situation):
    client.force_login(situation.commune_user)
    assert f'href="{ATTENTION}"' in client.get("/").content.decode()


def test_excel_export_has_the_rows_of_the_list(client, situation):
    s = situation
    client.force_login(s.province_user)
    response = client.get(reverse("certificates:rerating_window_excel"), {"rerating_filed": "false"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment;" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "ngày" in rows[0][0]
    header = rows[1]
    assert header[:4] == ("Số giấy chứng nhận", "Sản phẩm", "Mã sản phẩm", "Chủ thể")
    assert [r[0] for r in rows[2:]] == [s.window.number]
    row = dict(zip(header, rows[2], strict=True))
    assert row["Ngày hết hạn"].date() == s.window.expires_on
    assert row["Nộp đánh giá lại từ"].date() == s.window.expires_on - D(days=180)
    assert row["Cần chú ý"] == "Trong thời gian nộp hồ sơ đánh giá lại, chưa nộp"


def test_excel_export_is_scoped_like_the_page(client, situation):
    s = situation
    client.force_login(s.other_user)
    sheet = load_workbook(BytesIO(client.get(reverse("certificates:attention_excel")).content)).active
    assert [r[0] for r in list(sheet.iter_rows(values_only=True))[2:]] == [s.elsewhere.number]
    assert client.get(reverse("certificates:attention_excel"), {"unit": s.commune_x.pk}).status_code == 404


def test_the_lists_show_the_last_reminder_once_the_job_ran(client, situation):
    s = situation
    run(s.today)
    client.force_login(s.province_user)
    response = client.get(ATTENTION)
    html = response.content.decode()
    assert "Lần chạy nhắc hạn gần nhất" in html and "chưa chạy lần nào" not in html
    extended = next(c for c in response.context["page"].object_list if c.number == s.extended.number)
    assert extended.last_step == "extension_started" and extended.last_producer_notified is not None
    assert "Hết hạn, được kéo dài hiệu lực chờ kết quả đánh giá lại" in html and "đã gửi chủ thể" in html


@pytest.mark.parametrize("url", [ATTENTION, EXPIRING, WINDOW, reverse("certificates:attention_excel")])
def test_query_counts_do_not_grow_with_the_number_of_certificates(
    client, situation, url, django_assert_max_num_queries
):
    s = situation
    client.force_login(s.province_user)
    client.get(url)  # warm the session and role caches
    with django_assert_max_num_queries(12):
        client.get(url, {"expiring_within": 400} if url == EXPIRING else {})
    for k in range(30):
        expiring_on(s.today + D(days=130 + k), commune=s.commune_x if k % 2 else s.commune_y)
    with django_assert_max_num_queries(12):
        response = client.get(url, {"expiring_within": 400} if url == EXPIRING else {})
    assert response.status_code == 200


def test_send_now_is_for_national_users_and_survives_a_dead_queue(client, situation, monkeypatch):
    s = situation
    client.force_login(s.province_user)
    assert client.post(reverse("certificates:send_now")).status_code == 404
    client.force_login(s.central_user)
    response = client.post(reverse("certificates:send_now"), follow=True)
    assert "Đã đưa việc gửi nhắc hạn vào hàng đợi." in response.content.decode()
    # Redis unreachable: the page answers, says so, and nothing is lost.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    response = client.post(reverse("certificates:send_now"), follow=True)
    assert response.status_code == 200
    assert "Hàng đợi công việc tạm thời không truy cập được" in response.content.decode()
    assert client.get(ATTENTION).status_code == 200
