"""The certificate as a PDF (WeasyPrint, fonts with Vietnamese diacritics) with a QR code to the public
verification page ``{SITE_URL}/verify/<number>/``."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string

from .models import Certificate

CSS_FILE = Path(settings.BASE_DIR) / "static" / "css" / "certificate-pdf.css"


def verification_url(number: str) -> str:
    return f"{settings.SITE_URL}/verify/{quote(number, safe='')}/"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1, dark="#7a0e12")


def certificate_html(certificate: Certificate) -> str:
    url = verification_url(certificate.number)
    return render_to_string(
        "workflow/certificate_pdf.html",
        {
            "c": certificate,
            "product": certificate.product,
            "decision": certificate.decision,
            "qr": qr_data_uri(url),
            "url": url,
            "star_glyphs": "★" * certificate.stars,
        },
    )


def certificate_pdf(certificate: Certificate) -> bytes:
    """Rendered once per version of the certificate (WeasyPrint takes about a second); cached by the default cache.

    The key holds everything printed that can change: the row's ``updated_at`` (revocation and re-rating touch
    it), the decision's, the product's, the producer's and the site URL.
    """
    from django.core.cache import cache

    key = "certificate-pdf:" + ":".join(
        str(part)
        for part in (
            certificate.pk,
            certificate.updated_at.timestamp(),
            certificate.product.updated_at.timestamp(),
            certificate.product.producer.updated_at.timestamp(),
            certificate.decision.updated_at.timestamp() if certificate.decision_id else "",
            settings.SITE_URL,
        )
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_certificate_pdf(certificate)
        cache.set(key, pdf, 24 * 3600)
    return pdf


def render_certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=certificate_html(certificate), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_FILE))]
    )
