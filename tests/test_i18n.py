"""Vietnamese by default, English available: the catalogue is complete and current, and with English chosen through
the language switch the pages, e-mails and the certificate PDF read in English.

The catalogue checks use polib on locale/en/LC_MESSAGES/django.po; "current" re-extracts the messages with
makemessages into a scratch copy of the code, so a string marked on a branch but not yet translated fails here.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation

from tests.public_fixtures import catalogue  # noqa: F401

ROOT = Path(settings.BASE_DIR)
PO_FILE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "en",
    "--ignore=.venv",
    "--ignore=node_modules",
    "--ignore=bench",
    "--ignore=tests",
    "--no-obsolete",
]
# Letters that occur in Vietnamese but never in English interface text.
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")
HTML_TAG = re.compile(r"</?(?:a|b|br|code|div|em|i|p|small|span|strong)\b[^>]*>")
# Text a person reads as a heading, a label or a control.
HEADING_LIKE = re.compile(
    r"<(title|h[1-6]|th|label|button|legend|dt|caption|summary)\b([^>]*)>(.*?)</\1>|"
    r'<a\b([^>]*class="[^"]*nav-link[^"]*"[^>]*)>(.*?)</a>',
    re.DOTALL,
)


# -- the catalogue ---------------------------------------------------------------------------------------------------
def _catalogue():
    return polib.pofile(str(PO_FILE))


def _label(entry) -> str:
    return f"{entry.occurrences[:1]} {entry.msgid[:80]!r}"


def test_the_english_catalogue_is_fully_translated_with_no_fuzzy_entries():
    po = _catalogue()
    assert len(po) > 1000
    untranslated = [_label(e) for e in po.untranslated_entries()]
    fuzzy = [_label(e) for e in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"
    assert po.percent_translated() == 100
    assert "fuzzy" not in po.metadata_is_fuzzy, "the header is still marked fuzzy"
    assert po.metadata["Language"] == "en" and "nplurals=2" in po.metadata["Plural-Forms"]


def test_every_translation_keeps_the_placeholders_and_markup_of_its_source():
    problems = []
    for entry in _catalogue():
        if entry.msgid_plural:
            pairs = [
                (entry.msgid, entry.msgstr_plural.get(0, "")),
                (entry.msgid_plural, entry.msgstr_plural.get(1, "")),
            ]
        else:
            pairs = [(entry.msgid, entry.msgstr)]
        for source, translated in pairs:
            for pattern in (PLACEHOLDER, HTML_TAG):
                if sorted(pattern.findall(source)) != sorted(pattern.findall(translated)):
                    problems.append(f"{_label(entry)} → {translated[:80]!r}")
            if source.endswith("\n") != translated.endswith("\n") or source[:1].isspace() != translated[:1].isspace():
                problems.append(f"{_label(entry)}: leading/trailing whitespace differs")
    assert not problems, "\n".join(problems)


def test_translations_read_as_english():
    """A msgstr copied from the msgid (or left half-Vietnamese) would count as translated but read Vietnamese."""
    keep_vietnamese = {"Tiếng Việt"}  # the language switch names each language in itself
    allowed_names = re.compile(
        r"“[^”]*”|QĐ[ -][\w/.-]+|gốm sứ Bát Tràng, cà phê, Đông Anh|Hà Nội|đ\)"
    )  # examples, names
    leftovers = []
    for entry in _catalogue():
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
            if (
                translated
                and translated not in keep_vietnamese
                and VIETNAMESE.search(allowed_names.sub("", translated))
            ):
                leftovers.append(f"{_label(entry)} → {translated[:80]!r}")
    assert not leftovers, "\n".join(leftovers)


def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    """makemessages over a scratch copy of the code must find nothing new: marked strings on a merged branch that
    were never extracted and translated fail here, with the list of what to translate."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext (xgettext) is needed to re-extract messages: apt-get install gettext")
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(
        *(".venv", ".git", "node_modules", "media", "private_media", "staticfiles", "screenshots", "__pycache__"),
        *("*.mo", "*.sqlite3", ".*_cache", ".hypothesis"),
    )
    shutil.copytree(ROOT, copy, ignore=ignore, symlinks=True)
    subprocess.run([sys.executable, "manage.py", *MAKEMESSAGES], cwd=copy, check=True, capture_output=True, timeout=300)
    extracted = polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [_label(e) for e in extracted.untranslated_entries() + extracted.fuzzy_entries()]
    assert not missing, (
        f"{len(missing)} marked strings are not translated in {PO_FILE.relative_to(ROOT)} — run "
        f"`python manage.py {' '.join(MAKEMESSAGES)}` and translate them:\n" + "\n".join(missing[:40])
    )
    ours = {(e.msgctxt, e.msgid) for e in _catalogue()}
    theirs = {(e.msgctxt, e.msgid) for e in extracted}
    assert ours == theirs, f"stale entries: {sorted(ours - theirs)[:20]}"


def test_every_taxonomy_name_of_the_data_files_is_in_the_catalogue():
    """Category, group and product-set names are data (products/data/), listed for translation in
    products/taxonomy_names.py: a name added to the data but not to the list would stay Vietnamese in English."""
    import json

    from products.taxonomy import DATA_DIR, TAXONOMY_FILES
    from products.taxonomy_names import TAXONOMY_NAMES

    names = set()
    for filename in TAXONOMY_FILES:
        data = json.loads((DATA_DIR / filename).read_text(encoding="utf-8"))
        for category in data["categories"]:
            names.add(category["name"])
            for group in category["groups"]:
                names.add(group["name"])
                names.update(subgroup["name"] for subgroup in group.get("subgroups", []))
        names.update(data.get("sets", {}).values())
    assert names - set(TAXONOMY_NAMES) == set()
    translated = {e.msgid: e.msgstr for e in _catalogue()}
    assert all(translated.get(name) for name in names)
    with translation.override("en"):
        assert translation.gettext("Sản phẩm thực phẩm") == "Food products"


# -- pages -----------------------------------------------------------------------------------------------------------
def english_client(client: Client | None = None, next_url: str = "/") -> Client:
    """Choose English the way a visitor does: the header's switch posts to Django's set_language view."""
    client = client or Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME]["max-age"] == 365 * 24 * 3600  # remembered, not per visit
    return client


def data_names() -> list[str]:
    """Names stored in the database (products, producers, places, councils…): data, shown as entered."""
    from django.contrib.auth import get_user_model

    from districts.models import AdminUnit, Council
    from evaluations.models import Certificate, Decision, RuleVersion
    from products.models import Producer, Product, ProductCategory, ProductGroup, ProductSet, ProductSubgroup

    names = set()
    for model, fields in [
        (AdminUnit, ["name"]),
        (Product, ["name"]),
        (Producer, ["name", "address", "representative_name"]),
        (ProductSet, ["name"]),
        (ProductCategory, ["name"]),
        (ProductGroup, ["name"]),
        (ProductSubgroup, ["name"]),
        (Council, ["name"]),
        (Decision, ["authority", "signer", "number"]),
        (Certificate, ["issuing_authority"]),
        (RuleVersion, ["title", "decision_number"]),
        (get_user_model(), ["first_name", "last_name"]),
    ]:
        for row in model.objects.values_list(*fields):
            names.update(value for value in row if value)
    for user in get_user_model().objects.all():
        names.add(user.get_full_name())
    return sorted(names, key=len, reverse=True)


def vietnamese_headings(html: str, names: list[str]) -> list[str]:
    """Headings, table headers, labels, buttons and menu links that still contain Vietnamese words once the data
    shown in them (names of products, places, people) is taken out."""
    leftovers = []
    for match in HEADING_LIKE.finditer(html):
        attributes = match.group(2) or match.group(4) or ""
        if 'lang="vi"' in attributes:  # the switch back to Vietnamese, written in Vietnamese on purpose
            continue
        text = re.sub(r"<[^>]+>", " ", match.group(3) or match.group(5) or "")
        text = re.sub(r"\s+", " ", text.replace("&nbsp;", " ")).strip()
        for name in names:
            text = text.replace(name, "")
        if VIETNAMESE.search(text):
            leftovers.append(text)
    return leftovers


def assert_english(response, *expected: str, names: list[str]):
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert re.search(r'<html lang="en"', html), "the page is not served in English"
    for phrase in expected:
        assert phrase in html, phrase
    assert not vietnamese_headings(html, names), vietnamese_headings(html, names)


@pytest.mark.django_db
def test_public_pages_in_english_after_the_switch(catalogue, django_assert_max_num_queries):  # noqa: F811
    client = english_client()
    names = data_names()
    product = catalogue.products["gom"]
    with django_assert_max_num_queries(6):
        home = client.get("/")
    assert_english(
        home,
        "Recognised OCOP products across Vietnam",
        "By star rating",
        "Latest recognition decisions",
        "One Commune One Product",
        "Handicraft products",  # the taxonomy's names are stored in Vietnamese and shown translated
        names=names,
    )
    assert "Sản phẩm hàng thủ công mỹ nghệ" not in home.content.decode()
    assert_english(client.get("/san-pham/"), "OCOP product catalogue", "Filters", "Sort by", names=names)
    assert_english(
        client.get(product.get_absolute_url()),
        "OCOP product certificate",
        "Valid until",
        "QR code to check the certificate",
        names=names,
    )
    assert_english(
        client.get("/verify/GCN-VALID-5/"), "Certificate check GCN-VALID-5", "Recognition decision", names=names
    )
    assert_english(client.get("/verify/GCN-REVOKED/"), "Revoked", "The certificate was revoked on", names=names)
    assert_english(client.get("/verify/"), "Check a certificate", names=names)
    assert_english(client.get("/thong-ke/"), "OCOP product statistics", "By year and star rating", names=names)
    assert_english(client.get("/accounts/login/"), "Officer login", "User name", "Password", names=names)
    failed = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert "Wrong user name or password." in failed.content.decode()


@pytest.mark.django_db
def test_statistics_are_not_served_from_the_other_languages_cache(catalogue):  # noqa: F811
    """The statistics report is cached with its labels: one copy per language, so a Vietnamese visitor first
    does not leave Vietnamese labels for the English one (nor the reverse)."""
    vietnamese = Client().get("/thong-ke/").content.decode()
    assert "Theo năm và hạng sao" in vietnamese and "Còn hiệu lực" in vietnamese
    english = english_client().get("/thong-ke/").content.decode()
    assert "Valid" in english and "Còn hiệu lực" not in english
    assert "Theo loại hình" not in english and "By producer type" in english
    again = Client().get("/thong-ke/").content.decode()
    assert "Còn hiệu lực" in again and "By producer type" not in again


@pytest.mark.django_db
def test_officer_pages_and_admin_in_english():
    from tests.factories import (
        CommuneFactory,
        DossierFactory,
        ProducerFactory,
        ProductFactory,
        RoleFactory,
        UserFactory,
    )

    commune = CommuneFactory(name="Xã Bát Tràng")
    officer = UserFactory(username="cb_battrang", first_name="Lan", last_name="Nguyễn Thị")
    RoleFactory(user=officer, role="commune_officer", unit=commune)
    product = ProductFactory(producer=ProducerFactory(commune=commune), name="Bình gốm men rạn 1")
    dossier = DossierFactory(product=product)
    client = Client()
    client.force_login(officer)
    english_client(client, next_url="/can-bo/")
    names = data_names()
    assert_english(client.get("/can-bo/"), "Tasks", "Dossiers", "Log out", names=names)
    assert_english(client.get("/can-bo/ho-so/"), "Evaluation and rating dossiers", "New dossier", names=names)
    assert_english(
        client.get(f"/can-bo/ho-so/{dossier.pk}/"), "Check before submitting", "Registration form", names=names
    )
    assert_english(client.get("/can-bo/giay-chung-nhan/"), "Certificates needing attention", names=names)

    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)  # a new session: the language cookie stays
    assert_english(
        client.get("/admin/"),
        "OCOP Portal administration",
        "OCOP programme data management",
        "Administrative units and councils",
        names=data_names(),
    )


# -- Vietnamese by default -------------------------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize("accept_language", [None, "vi", "vi-VN,vi;q=0.9", "en-US,en;q=0.9", "fr"])
def test_vietnamese_is_the_default_for_a_new_visitor(catalogue, accept_language):  # noqa: F811
    """Whatever the browser asks for: many officers' computers run in English; English is one click away."""
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = Client().get("/", **headers)
    html = response.content.decode()
    assert '<html lang="vi"' in html
    assert "Sản phẩm OCOP được công nhận trên cả nước" in html and "Mỗi xã một sản phẩm" in html
    assert "Recognised OCOP products" not in html
    assert response["Content-Language"] == "vi"
    assert "Cookie" in response["Vary"]  # a shared cache must not hand one visitor's language to another
    switch = re.search(r'<button[^>]*name="language" value="en"[^>]*>English</button>', html)
    assert switch, "the header offers English"


@pytest.mark.django_db
def test_switching_back_to_vietnamese(catalogue):  # noqa: F811
    client = english_client()
    assert '<html lang="en"' in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "vi", "next": "/san-pham/"})
    html = client.get("/san-pham/").content.decode()
    assert '<html lang="vi"' in html and "Danh mục sản phẩm OCOP" in html


@pytest.mark.django_db
def test_api_clients_may_ask_for_english_with_accept_language(catalogue):  # noqa: F811
    vietnamese = Client().get("/api/v1/exports/products.xml")
    assert vietnamese.status_code == 404 and vietnamese.json()["detail"] == "Định dạng không hỗ trợ"
    english = Client().get("/api/v1/exports/products.xml", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and english.json()["detail"] == "Format not supported"
    assert "Accept-Language" in english["Vary"]


# -- e-mails and the certificate PDF ---------------------------------------------------------------------------------
@pytest.mark.django_db
def test_password_reset_email_follows_the_language_of_the_request():
    from tests.factories import UserFactory

    UserFactory(username="vp_hanoi", email="vp.hanoi@example.vn")
    client = english_client(next_url="/accounts/password_reset/")
    page = client.get("/accounts/password_reset/").content.decode()
    assert "Forgotten password" in page
    client.post("/accounts/password_reset/", {"email": "vp.hanoi@example.vn"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Password reset — OCOP Portal"
    assert "Someone asked to reset the password of your account on the OCOP Portal" in message.body
    assert not VIETNAMESE.search(message.body)


@pytest.mark.django_db
def test_revocation_notice_to_the_producer_stays_vietnamese_when_the_officer_works_in_english(
    django_capture_on_commit_callbacks,
):
    """The producer did not choose English: notices go out in the portal's language, whatever the officer reads."""
    import datetime

    from evaluations.services.revocations import revoke_certificate
    from tests.factories import CertificateFactory, UserFactory

    certificate = CertificateFactory(
        number="GCN-TH-01", stars=4, issued_on=datetime.date(2026, 6, 30), product__name="Tương ớt Phú Nghĩa"
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        revoke_certificate(
            actor=UserFactory(),
            certificate=certificate,
            ground="c",
            revoked_on=datetime.date(2026, 7, 30),
            decision_number="45/QĐ-UBND-TH",
            reason="Vi phạm nhãn",
        )
    assert len(mail.outbox) == 1
    notice = mail.outbox[0]
    assert notice.subject == "Thông báo thu hồi giấy chứng nhận sản phẩm OCOP số GCN-TH-01"
    assert notice.body.startswith("Kính gửi ")
    assert 'thu hồi giấy chứng nhận sản phẩm OCOP số GCN-TH-01 (4 sao) của sản phẩm "Tương ớt Phú Nghĩa"' in notice.body
    assert "Căn cứ thu hồi: c) Vi phạm quy định về chất lượng" in notice.body and "Lý do: Vi phạm nhãn" in notice.body
    assert "Trân trọng," in notice.body and "revoked" not in notice.body.lower()


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.django_db
def test_certificate_pdf_is_the_vietnamese_document_with_an_english_reference_translation(tmp_path):
    from tests.factories import CertificateFactory, RoleFactory, UserFactory

    certificate = CertificateFactory(number="GCN-PDF-01", stars=5, product__name="Gốm sứ Bát Tràng")
    officer = UserFactory(username="cb_pdf")
    RoleFactory(user=officer, role="commune_officer", unit=certificate.product.commune)
    client = Client()
    client.force_login(officer)
    english_client(client, next_url=f"/can-bo/gcn/{certificate.pk}/")
    page = client.get(f"/can-bo/gcn/{certificate.pk}/").content.decode()
    assert "Download the printable certificate (PDF)" in page and "English translation (PDF, for reference)" in page

    official = client.get(f"/can-bo/gcn/{certificate.pk}/ban-in.pdf")  # English interface, Vietnamese document
    assert official.status_code == 200 and official["Content-Type"] == "application/pdf"
    text = pdf_text(official.content, tmp_path)
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "GIẤY CHỨNG NHẬN",
        "SẢN PHẨM OCOP ĐẠT 5 SAO",
        "Gốm sứ Bát Tràng",
    ):
        assert phrase in text, phrase
    assert "CERTIFICATE" not in text and "reference" not in text

    translated = client.get(f"/can-bo/gcn/{certificate.pk}/ban-in.pdf?lang=en")
    assert translated.status_code == 200
    assert 'filename="giay-chung-nhan-ocop-GCN-PDF-01-en.pdf"' in translated["Content-Disposition"]
    text = pdf_text(translated.content, tmp_path)
    for phrase in (
        "SOCIALIST REPUBLIC OF VIETNAM",
        "Independence - Freedom - Happiness",
        "CERTIFICATE",
        "OCOP PRODUCT RATED 5 STARS",
        "Translation for reference. The official certificate is the Vietnamese version.",
        "Gốm sứ Bát Tràng",
        "GCN-PDF-01",
    ):
        assert phrase in text, phrase
    assert "GIẤY CHỨNG NHẬN" not in text
