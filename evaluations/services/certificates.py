"""Recording certificates: the one place that creates them and keeps each product's chain of certificates right.

A product's certificates form a chain ordered by issue date: each one points to its successor (``replaced_by``) and
only the newest is current. Records may arrive out of order (an import of old spreadsheets after newer decisions),
so the chain is rebuilt for the product every time, under a row lock on the product.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from evaluations import audit
from evaluations.models import Certificate, Decision, RuleVersion
from products.models import Product


@transaction.atomic
def record_certificate(
    *,
    product: Product,
    number: str,
    stars: int,
    issued_on: datetime.date,
    rule_version: RuleVersion,
    issuing_authority: str,
    issuing_level: str,
    decision: Decision | None = None,
    score: Decimal | None = None,
    actor=None,
    note: str = "",
) -> Certificate:
    """Create a certificate (expiry = issue + 36 months, computed by the model) and relink the product's chain."""
    Product.objects.select_for_update().filter(pk=product.pk).first()
    certificate = Certificate(
        number=number,
        product=product,
        decision=decision,
        stars=stars,
        issued_on=issued_on,
        rule_version=rule_version,
        issuing_authority=issuing_authority,
        issuing_level=issuing_level,
        score=score,
        # Provisional: relink_chain decides; the partial unique index allows only one current per product.
        is_current=False,
    )
    certificate.save()
    relink_chain(product)
    certificate.refresh_from_db()
    audit.record(
        actor=actor,
        action="certificate.issued",
        target=certificate,
        unit=product.province,
        after={
            "number": number,
            "stars": stars,
            "issued_on": issued_on.isoformat(),
            "expires_on": certificate.expires_on.isoformat(),
            "rule_version": rule_version.code,
            "current": certificate.is_current,
        },
        note=note,
    )
    return certificate


def relink_chain(product: Product) -> None:
    """Point each certificate of ``product`` to the next one issued and mark only the newest as current.

    Touches the product's ``updated_at`` so API clients syncing by ``updated_since`` see the change.
    """
    chain = list(Certificate.objects.filter(product=product).order_by("issued_on", "pk").only("pk", "is_current"))
    if not chain:
        return
    newest = chain[-1]
    # Clear the current flag first so the partial unique index never sees two current rows.
    Certificate.objects.filter(product=product, is_current=True).exclude(pk=newest.pk).update(is_current=False)
    for older, newer in zip(chain, chain[1:], strict=False):
        Certificate.objects.filter(pk=older.pk).exclude(replaced_by=newer.pk).update(replaced_by=newer.pk)
    Certificate.objects.filter(pk=newest.pk).update(is_current=True, replaced_by=None)
    Product.objects.filter(pk=product.pk).update(updated_at=timezone.now())
