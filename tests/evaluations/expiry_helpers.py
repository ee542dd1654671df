"""Helpers for the certificate job tests: certificates issued through the real service, officers, a flaky mailer."""

import datetime
import itertools
import smtplib
from importlib import import_module

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from districts.models import Role, RoleAssignment
from evaluations import rules
from evaluations.models import CertificateNotice
from evaluations.services import expiry
from evaluations.services.certificates import record_certificate
from tests.factories import CommuneFactory, ProducerFactory, ProductFactory, UserFactory, rule_version

D = datetime.timedelta
_numbers = itertools.count(1)


def issue(issued_on, *, commune=None, producer=None, email=None, product=None, stars=3, level="province", **dates):
    """A certificate recorded by ``record_certificate``; ``dates``: rerating_filed_on / rerating_decided_on."""
    if product is None:
        if producer is None:
            extra = {} if email is None else {"email": email}
            producer = ProducerFactory(commune=commune, **extra) if commune else ProducerFactory(**extra)
        product = ProductFactory(producer=producer, commune=producer.commune)
    cert = record_certificate(
        product=product,
        number=f"GCN-T-{next(_numbers):06d}",
        stars=stars,
        issued_on=issued_on,
        rule_version=rule_version(),
        issuing_authority="UBND tỉnh Thử",
        issuing_level=level,
    )
    if dates:
        type(cert).objects.filter(pk=cert.pk).update(**dates)
        cert.refresh_from_db()
    return cert


def officer(role, unit, *, email=True, username=None):
    user = UserFactory(password=None, **({"username": username} if username else {}))  # no slow hashing
    if not email:
        type(user).objects.filter(pk=user.pk).update(email="")
        user.refresh_from_db()
    RoleAssignment.objects.create(user=user, role=role, unit=unit)
    return user


def province_officer(province, **kwargs):
    return officer(Role.PROVINCE_OFFICE, province, **kwargs)


def commune_officer(commune, **kwargs):
    return officer(Role.COMMUNE_OFFICER, commune, **kwargs)


def new_commune(province=None):
    return CommuneFactory(parent=province) if province else CommuneFactory()


def expiry_of(issued_on):
    return rules.certificate_expiry(issued_on)


def run(day, **kwargs):
    return expiry.run_daily(today=day, **kwargs)


def steps_of(cert) -> dict[str, CertificateNotice]:
    return {n.step: n for n in CertificateNotice.objects.filter(certificate=cert)}


def producer_mails(outbox, cert=None):
    """Producer e-mails (officer digests are told apart by their Message-ID)."""
    mails = [m for m in outbox if ".producer." in m.extra_headers.get("Message-ID", "")]
    if cert is not None:
        mails = [m for m in mails if cert.number in m.body]
    return mails


def officer_mails(outbox, user=None):
    mails = [m for m in outbox if ".officer." in m.extra_headers.get("Message-ID", "")]
    if user is not None:
        mails = [m for m in mails if m.to == [user.email]]
    return mails


class FlakyBackend(LocmemBackend):
    """Delivers ``allow`` messages, then fails like a dropped SMTP connection ``failures`` times, then works."""

    allow = 0
    failures = 0
    refuse = ()  # addresses the "server" refuses outright

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            if set(message.to) & set(type(self).refuse):
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"no such user")})
            if type(self).allow <= 0 and type(self).failures > 0:
                type(self).failures -= 1
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            type(self).allow -= 1
            sent += super().send_messages([message])
        return sent


def use_flaky_mailer(settings, *, allow=0, failures=1, refuse=()):
    FlakyBackend.allow, FlakyBackend.failures, FlakyBackend.refuse = allow, failures, tuple(refuse)
    settings.MAILERS = {"default": {"BACKEND": "tests.evaluations.expiry_helpers.FlakyBackend"}}


def load_migration_data():
    """What the data migrations put in the database (product taxonomy, rule versions); idempotent."""
    from django.apps import apps

    from products.models import ProductSet
    from products.taxonomy import TAXONOMY_FILES, load_taxonomy

    if ProductSet.objects.exists():
        return
    for filename in TAXONOMY_FILES:
        load_taxonomy(apps, filename)
    import_module("evaluations.migrations.0002_rule_versions").forwards(apps, None)
