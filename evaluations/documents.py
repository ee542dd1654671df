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
    from weasyprint import CSS, HTML

    return HTML(string=certificate_html(certificate), base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_FILE))]
    )
