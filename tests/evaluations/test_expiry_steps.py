"""The daily job records each step on its due date — not a day early — including the awkward calendar dates.

Expected dates come from the pure rules (``rules.certificate_expiry``, ``rules.rerating_window``, the extension of
``LATE_RERATING_EXTENSION_DAYS``) and, for the edge dates, from the calendar written out by hand.
"""

import datetime

import pytest

from evaluations import rules
from evaluations.models import CertificateNotice
from evaluations.services import expiry
from evaluations.status import Status, certificate_status
from tests.evaluations.expiry_helpers import D, expiry_of, issue, run, steps_of
from tests.factories import RevocationFactory

pytestmark = pytest.mark.django_db

# issued on → (expires on, re-rating window opens, window closes) worked out on a calendar.
EDGE_DATES = {
    datetime.date(2024, 2, 29): (datetime.date(2027, 2, 28), datetime.date(2026, 9, 1), datetime.date(2026, 10, 31)),
    datetime.date(2026, 8, 31): (datetime.date(2029, 8, 31), datetime.date(2029, 3, 4), datetime.date(2029, 5, 3)),
    datetime.date(2025, 12, 31): (datetime.date(2028, 12, 31), datetime.date(2028, 7, 4), datetime.date(2028, 9, 2)),
}


@pytest.mark.parametrize("issued_on", list(EDGE_DATES), ids=lambda d: d.strftime("%d-%m-%Y"))
def test_edge_dates_expiry_and_window_follow_the_calendar(issued_on):
    expires, opens, closes = EDGE_DATES[issued_on]
    cert = issue(issued_on)
    assert cert.expires_on == expires == expiry_of(issued_on)
    assert rules.rerating_window(cert.expires_on) == (opens, closes)


def due_dates(expires):
    opens, closes = rules.rerating_window(expires)
    result = {expiry.WINDOW_OPENS: opens, expiry.WINDOW_CLOSES: closes}
    for n in (90, 30, 7):
        result[f"expiring_{n}"] = expires - D(days=n)
    result[expiry.EXPIRED] = expires + D(days=1)
    return result


@pytest.mark.parametrize("issued_on", list(EDGE_DATES), ids=lambda d: d.strftime("%d-%m-%Y"))
@pytest.mark.parametrize(
    "step", ["rerating_window_opens", "rerating_window_closes", "expiring_90", "expiring_30", "expiring_7", "expired"]
)
def test_each_step_is_recorded_on_its_due_date_and_not_the_day_before(issued_on, step, mailoutbox):
    cert = issue(issued_on)
    due = due_dates(cert.expires_on)[step]
    run(due - D(days=1))
    assert step not in steps_of(cert)
    run(due)
    notice = steps_of(cert)[step]
    assert notice.due_on == due
    assert notice.run_on == due
    assert notice.producer_notified_at is not None
    assert any(cert.number in m.body for m in mailoutbox)


def test_a_certificate_meets_every_step_once_over_its_life(mailoutbox):
    cert = issue(datetime.date(2024, 2, 29))
    expires = cert.expires_on
    # A run every 10 days with one every day around each due date: each step appears once, on its day.
    days = {expires - D(days=200) + D(days=k) for k in range(0, 420, 10)}
    for due in due_dates(expires).values():
        days |= {due - D(days=1), due, due + D(days=1)}
    for day in sorted(days):
        run(day)
    notices = steps_of(cert)
    assert {code: n.due_on for code, n in notices.items()} == due_dates(expires)
    assert all(n.run_on == n.due_on for n in notices.values())
    assert CertificateNotice.objects.filter(certificate=cert).count() == 6
    assert len([m for m in mailoutbox if cert.number in m.body and ".producer." in m.extra_headers["Message-ID"]]) == 6


def test_window_boundaries_are_inclusive_180_and_120_days():
    cert = issue(datetime.date(2026, 8, 31))
    opens, closes = rules.rerating_window(cert.expires_on)
    assert (cert.expires_on - opens).days == 180 and (cert.expires_on - closes).days == 120
    run(opens - D(days=1))
    assert expiry.WINDOW_OPENS not in steps_of(cert)
    run(opens)
    assert steps_of(cert)[expiry.WINDOW_OPENS].due_on == opens
    run(closes - D(days=1))
    assert expiry.WINDOW_CLOSES not in steps_of(cert)
    run(closes)
    assert steps_of(cert)[expiry.WINDOW_CLOSES].due_on == closes


def test_late_rerating_extends_until_the_cap_of_180_days(mailoutbox):
    cert = issue(datetime.date(2025, 12, 31))
    expires = cert.expires_on
    filed = expires - D(days=60)  # after the window closed: a late filing, still before expiry
    type(cert).objects.filter(pk=cert.pk).update(rerating_filed_on=filed)
    cert.refresh_from_db()
    run(expires)
    assert expiry.EXTENSION_STARTED not in steps_of(cert)
    run(expires + D(days=1))
    notices = steps_of(cert)
    assert notices[expiry.EXTENSION_STARTED].due_on == expires + D(days=1)
    assert expiry.EXPIRED not in notices
    assert certificate_status(cert, expires + D(days=1)) == Status.IN_RERATING
    run(expires + D(days=149))
    assert expiry.EXTENSION_ENDS_SOON not in steps_of(cert)
    run(expires + D(days=150))
    assert steps_of(cert)[expiry.EXTENSION_ENDS_SOON].due_on == expires + D(days=150)
    run(expires + D(days=180))  # last day of the extension
    assert expiry.EXTENSION_ENDED not in steps_of(cert)
    assert certificate_status(cert, expires + D(days=180)) == Status.IN_RERATING
    run(expires + D(days=181))
    ended = steps_of(cert)[expiry.EXTENSION_ENDED]
    assert ended.due_on == expires + D(days=181)
    assert certificate_status(cert, expires + D(days=181)) == Status.EXPIRED
    assert expiry.EXPIRED not in steps_of(cert)
    producer_mails = [m for m in mailoutbox if ".producer." in m.extra_headers["Message-ID"]]
    assert "31/12/2028" in producer_mails[0].body  # the expiry date, as the producer reads it
    assert any("29/06/2029" in m.body for m in producer_mails)  # extension cap: 31/12/2028 + 180 days


def test_a_decision_without_a_new_certificate_ends_the_extension_on_its_day():
    cert = issue(datetime.date(2025, 12, 31), rerating_filed_on=datetime.date(2028, 10, 1))
    expires = cert.expires_on
    run(expires + D(days=1))
    assert expiry.EXTENSION_STARTED in steps_of(cert)
    decided = expires + D(days=40)
    type(cert).objects.filter(pk=cert.pk).update(rerating_decided_on=decided)
    run(decided - D(days=1))
    assert expiry.EXTENSION_ENDED not in steps_of(cert)
    run(decided)
    assert steps_of(cert)[expiry.EXTENSION_ENDED].due_on == decided


def test_a_rerating_filed_after_expiry_does_not_extend():
    cert = issue(datetime.date(2025, 12, 31))
    expires = cert.expires_on
    type(cert).objects.filter(pk=cert.pk).update(rerating_filed_on=expires + D(days=3))
    run(expires + D(days=5))
    notices = steps_of(cert)
    assert notices[expiry.EXPIRED].due_on == expires + D(days=1)
    assert expiry.EXTENSION_STARTED not in notices


def test_a_renewed_certificate_stops_getting_steps_and_its_successor_starts_fresh(mailoutbox):
    old = issue(datetime.date(2025, 12, 31), rerating_filed_on=datetime.date(2028, 7, 10))
    run(old.expires_on - D(days=90))
    assert "expiring_90" in steps_of(old)
    new = issue(datetime.date(2028, 10, 20), product=old.product, stars=4)
    run(old.expires_on + D(days=1))
    # First run: steps due in the 30 days before it (the window opened earlier, before the portal watched).
    assert set(steps_of(old)) == {"rerating_window_closes", "expiring_90"}
    assert steps_of(new) == {}


def test_revoked_certificates_get_no_steps():
    revocation = RevocationFactory(certificate=issue(datetime.date(2024, 2, 29)), revoked_on=datetime.date(2026, 1, 5))
    cert = revocation.certificate
    run(cert.expires_on + D(days=1))
    assert steps_of(cert) == {}


LAPSE_CASES = [
    # (filed, decided) relative to expiry; None = not filed / undecided
    (None, None),
    (-150, None),  # filed in the window, never decided: cap
    (-150, -100),  # decided before expiry (not renewed): lapses the day after expiry
    (-60, 1),  # decided the day after expiry
    (-60, 2),
    (-10, 40),
    (0, 100),  # filed on the expiry day itself
    (-30, 180),
    (-30, 181),
    (-30, 400),  # decided long after the cap
    (1, None),  # filed after expiry: no extension
]


@pytest.mark.parametrize("filed, decided", LAPSE_CASES)
def test_lapse_date_in_python_and_sql_agree_with_the_status_rule(filed, decided):
    expires = datetime.date(2028, 12, 31)
    filed_on = expires + D(days=filed) if filed is not None else None
    decided_on = expires + D(days=decided) if decided is not None else None
    # The first day rules.certificate_status says "expired".
    first_expired = next(
        expires + D(days=k)
        for k in range(0, 400)
        if rules.certificate_status(
            issued_on=datetime.date(2025, 12, 31),
            expires_on=expires,
            today=expires + D(days=k),
            rerating_filed_on=filed_on,
            rerating_decided_on=decided_on,
        )
        == "expired"
    )
    assert expiry.lapse_date(expires, filed_on, decided_on) == first_expired
    cert = issue(datetime.date(2025, 12, 31), rerating_filed_on=filed_on, rerating_decided_on=decided_on)
    run(first_expired - D(days=1))
    assert not {expiry.EXPIRED, expiry.EXTENSION_ENDED} & set(steps_of(cert))
    run(first_expired)
    lapse = [n for code, n in steps_of(cert).items() if code in (expiry.EXPIRED, expiry.EXTENSION_ENDED)]
    assert len(lapse) == 1 and lapse[0].due_on == first_expired
    assert lapse[0].step == (expiry.EXPIRED if first_expired == expires + D(days=1) else expiry.EXTENSION_ENDED)


def test_reminder_steps_follow_the_setting(settings):
    settings.OCOP_EXPIRY_REMINDER_DAYS = [60, 14]
    cert = issue(datetime.date(2026, 8, 31))
    run(cert.expires_on - D(days=60))
    run(cert.expires_on - D(days=14))
    assert steps_of(cert)["expiring_60"].due_on == cert.expires_on - D(days=60)
    assert steps_of(cert)["expiring_14"].due_on == cert.expires_on - D(days=14)
    assert "expiring_90" not in steps_of(cert)
