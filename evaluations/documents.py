"""The certificate as a PDF (WeasyPrint, fonts with Vietnamese diacritics) with a QR code to the public
verification page ``{SITE_URL}/verify/<number>/``.

The certificate is a Vietnamese legal document: it is printed in Vietnamese whatever the reader's interface
language; an English reference translation (marked as such on the page) is available on request."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Certificate

CSS_FILE = Path(settings.BASE_DIR) / "static" / "css" / "certificate-pdf.css"
OFFICIAL_LANGUAGE = "vi"
LANGUAGES = (OFFICIAL_LANGUAGE, "en")


def verification_url(number: str) -> str:
    return f"{settings.SITE_URL}/verify/{quote(number, safe='')}/"


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=1, dark="#7a0e12")


def certificate_html(certificate: Certificate, language: str = OFFICIAL_LANGUAGE) -> str:
    url = verification_url(certificate.number)
    with translation.override(language if language in LANGUAGES else OFFICIAL_LANGUAGE):
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


def certificate_pdf(certificate: Certificate, language: str = OFFICIAL_LANGUAGE) -> bytes:
    """Rendered once per version of the certificate (WeasyPrint takes about a second); cached by the default cache.

    The key holds everything printed that can change: the row's ``updated_at`` (revocation and re-rating touch
    it), the decision's, the product's, the producer's, the site URL and the language.
    """
    language = language if language in LANGUAGES else OFFICIAL_LANGUAGE
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
            language,
        )
    )
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_certificate_pdf(certificate, language)
        cache.set(key, pdf, 24 * 3600)
    return pdf


def render_certificate_pdf(certificate: Certificate, language: str = OFFICIAL_LANGUAGE) -> bytes:
    from weasyprint import CSS, HTML

    return HTML(string=certificate_html(certificate, language), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_FILE))]
    )
