"""Revocation of a certificate (Điều 8): one of the legal grounds, by the right authority for the star, with the
date and a notice to the producer."""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evaluations import audit
from evaluations.models import Certificate, Revocation, RevocationGround
from evaluations.status import Status, certificate_status
from products.models import Product

from .errors import WorkflowError

logger = logging.getLogger(__name__)
REVOCATION_DAYS = 15


def authority_for(certificate: Certificate) -> str:
    """Điều 8.2: the province chairman revokes 3–4★, the minister 5★."""
    if certificate.stars == 5:
        return "Bộ Nông nghiệp và Môi trường"
    return f"UBND {certificate.product.province.name}"


def is_late(*, concluded_on: datetime.date | None, revoked_on: datetime.date) -> bool:
    return concluded_on is not None and (revoked_on - concluded_on).days > REVOCATION_DAYS


@transaction.atomic
def revoke_certificate(
    *,
    actor,
    certificate: Certificate,
    ground: str,
    revoked_on: datetime.date,
    decision_number: str,
    authority: str = "",
    signer: str = "",
    reason: str = "",
    concluded_on: datetime.date | None = None,
    notify_producer: bool = True,
    producer_notified_on: datetime.date | None = None,
) -> Revocation:
    """Record the revocation decision. The notice goes to the producer by e-mail when an address is known; a notice
    delivered on paper is recorded with ``producer_notified_on``."""
    certificate = (
        Certificate.objects.select_for_update(of=("self",))
        .select_related("product__producer", "product__province")
        .get(pk=certificate.pk)
    )
    if Revocation.objects.filter(certificate=certificate).exists():
        raise WorkflowError(_("Giấy chứng nhận này đã bị thu hồi."))
    if ground not in RevocationGround.values:
        raise WorkflowError(_("Hãy chọn một căn cứ thu hồi theo Điều 8 khoản 1."))
    if not decision_number.strip():
        raise WorkflowError(_("Hãy ghi số quyết định thu hồi."))
    if revoked_on < certificate.issued_on:
        raise WorkflowError(_("Ngày thu hồi không thể trước ngày cấp giấy chứng nhận."))
    if concluded_on is not None and concluded_on > revoked_on:
        raise WorkflowError(_("Ngày có kết luận phải trước hoặc bằng ngày thu hồi."))
    status = certificate_status(certificate, on=min(revoked_on, timezone.localdate()))
    if status not in Status.ACTIVE:
        raise WorkflowError(
            _("Giấy chứng nhận đang ở trạng thái “%(s)s”: chỉ thu hồi giấy chứng nhận còn hiệu lực.")
            % {"s": Status.LABELS[status]}
        )
    producer = certificate.product.producer
    send_notice = notify_producer and bool(producer.email)
    revocation = Revocation.objects.create(
        certificate=certificate,
        ground=ground,
        revoked_on=revoked_on,
        decision_number=decision_number.strip(),
        authority=(authority or authority_for(certificate)).strip(),
        signer=signer.strip(),
        reason=reason.strip(),
        concluded_on=concluded_on,
        producer_notified_on=producer_notified_on,
    )
    now = timezone.now()
    Certificate.objects.filter(pk=certificate.pk).update(updated_at=now)
    Product.objects.filter(pk=certificate.product_id).update(updated_at=now)
    audit.record(
        actor=actor,
        action="certificate.revoked",
        target=certificate,
        unit=certificate.product.province,
        before={"status": status},
        after={
            "status": Status.REVOKED,
            "ground": ground,
            "revoked_on": revoked_on.isoformat(),
            "decision_number": revocation.decision_number,
            "authority": revocation.authority,
            "late": is_late(concluded_on=concluded_on, revoked_on=revoked_on),
            "producer_notified": send_notice,
        },
        note=reason,
    )
    if send_notice:
        # The producer reads the site's language (Vietnamese), not the officer's interface language.
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Thông báo thu hồi giấy chứng nhận sản phẩm OCOP số %(n)s") % {"n": certificate.number}
            body = render_to_string(
                "workflow/email/revocation_notice.txt", {"revocation": revocation, "c": certificate}
            )
        transaction.on_commit(lambda: _send_notice(revocation.pk, subject, body, producer.email))
    return revocation


def _send_notice(revocation_id: int, subject: str, body: str, address: str) -> None:
    """After commit: a mail outage must not undo the revocation. The notice date is set only once it is sent, so
    the office sees which producers still have to be told."""
    try:
        send_mail(subject, body, None, [address], fail_silently=False)
    except Exception:  # noqa: BLE001 - any transport error
        logger.exception("revocation notice %s could not be sent", revocation_id)
        return
    Revocation.objects.filter(pk=revocation_id, producer_notified_on__isnull=True).update(
        producer_notified_on=timezone.localdate()
    )
