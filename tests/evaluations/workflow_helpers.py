"""Shared set-up for the workflow tests: units, officers, councils, products, and helpers that drive the pages.

Everything goes through the officer pages with Django's test client (``as_user``), the way an officer would.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.test import Client

from districts.models import AdminUnit, Council, CouncilMembership, Level, RoleAssignment, Structure
from evaluations import selectors
from evaluations.models import AttachmentKind, Dossier, ScoreSheet
from tests.factories import ProducerFactory, ProductFactory, product_set

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def office_zip(kind: str) -> bytes:
    """A minimal DOCX or XLSX (the zip entries their content check looks for)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return buffer.getvalue()


def unit(structure, level, code, name, parent=None, successor_province=None) -> AdminUnit:
    return AdminUnit.objects.get_or_create(
        structure=structure,
        level=level,
        code=code,
        defaults={"name": name, "parent": parent, "successor_province": successor_province},
    )[0]


def user(username, *, role=None, unit=None, full_name=None):
    """A user without a usable password (tests log in with ``force_login``; hashing would only slow them down)."""
    from django.contrib.auth import get_user_model

    last, _, first = (full_name or username).rpartition(" ")
    account, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first or username, "last_name": last, "email": f"{username}@example.vn"},
    )
    if created:
        account.set_unusable_password()
        account.save(update_fields=["password"])
    if role:
        RoleAssignment.objects.get_or_create(user=account, role=role, unit=unit)
    return account


def council(name, level, unit, members: dict, **extra) -> Council:
    """``members``: {role: [users]}."""
    obj = Council.objects.create(name=name, level=level, unit=unit, **extra)
    for role, users in members.items():
        for account in users:
            CouncilMembership.objects.create(council=obj, user=account, role=role)
    return obj


@dataclass
class Province:
    """A current province with two communes, officers and a province council of 5 scorers + secretary + adviser."""

    code: str
    name: str
    province: AdminUnit = None
    commune: AdminUnit = None
    other_commune: AdminUnit = None
    commune_officer: object = None
    other_commune_officer: object = None
    office: object = None
    council: Council = None
    chair: object = None
    members: list = field(default_factory=list)
    secretary: object = None
    adviser: object = None

    def build(self, prefix: str) -> Province:
        self.province = unit(Structure.CURRENT, Level.PROVINCE, self.code, self.name)
        self.commune = unit(Structure.CURRENT, Level.COMMUNE, f"{self.code}001", f"Xã Một {self.name}", self.province)
        self.other_commune = unit(
            Structure.CURRENT, Level.COMMUNE, f"{self.code}002", f"Xã Hai {self.name}", self.province
        )
        self.commune_officer = user(f"{prefix}_xa", role="commune_officer", unit=self.commune)
        self.other_commune_officer = user(f"{prefix}_xa2", role="commune_officer", unit=self.other_commune)
        self.office = user(f"{prefix}_tinh", role="province_office", unit=self.province)
        self.chair = user(f"{prefix}_chutich")
        self.members = [user(f"{prefix}_tv{i}") for i in range(1, 5)]
        self.secretary = user(f"{prefix}_thuky")
        self.adviser = user(f"{prefix}_tuvan")
        self.council = council(
            f"Hội đồng OCOP {self.name}",
            "province",
            self.province,
            {
                "chair": [self.chair],
                "member": self.members,
                "secretary": [self.secretary],
                "advisory": [self.adviser],
            },
        )
        return self

    @property
    def scorers(self):
        return [self.chair, *self.members]


def as_user(account) -> Client:
    client = Client()
    client.force_login(account)
    return client


def make_product(commune, *, number=1, legacy_district=None, name=None):
    producer = ProducerFactory(
        commune=commune, legacy_district=legacy_district, address="Thôn Đông", phone="0912345678"
    )
    kwargs = {"name": name} if name else {}
    return ProductFactory(producer=producer, product_set=product_set(number), legacy_district=legacy_district, **kwargs)


def sheet_data_for(product, code="QD26_2026"):
    sheet = ScoreSheet.objects.get(rule_version__code=code, product_set=product.product_set)
    return selectors.sheet_data(sheet)


def best_options(sheet) -> dict[int, int]:
    """Criterion id → the option with the most points."""
    return {cid: max(c["options"], key=lambda o: o["points"])["id"] for cid, c in sheet["criteria_by_id"].items()}


def options_for_total(sheet, target: int) -> dict[int, int]:
    """Best options, then lowered on criteria that set no star minimum until the total reaches ``target``."""
    chosen = best_options(sheet)
    points = {cid: max(o["points"] for o in c["options"]) for cid, c in sheet["criteria_by_id"].items()}
    total = sum(points.values())
    for cid, criterion in sheet["criteria_by_id"].items():
        if total <= target:
            break
        if any(o["min_stars"] for o in criterion["options"]):
            continue
        candidates = sorted((o for o in criterion["options"] if not o["eliminates"]), key=lambda o: o["points"])
        for option in candidates:
            if total - (points[cid] - option["points"]) >= target or option is candidates[-1]:
                total -= points[cid] - option["points"]
                points[cid] = option["points"]
                chosen[cid] = option["id"]
                break
    assert total == target, (total, target)
    return chosen


def score_post(options: dict[int, int], action="submit") -> dict:
    data = {f"c{cid}": str(oid) for cid, oid in options.items()}
    data["action"] = action
    return data


def file_dossier(officer, product, *, kind="first") -> Dossier:
    """An officer files a complete dossier through the pages and submits it."""
    client = as_user(officer)
    response = client.post(
        "/can-bo/ho-so/moi/", {"product": product.pk, "kind": kind, "rule_version": _version_id(client)}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.filter(product=product).latest("pk")
    complete_dossier(client, dossier)
    response = client.post(f"/can-bo/ho-so/{dossier.pk}/nop/")
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == "submitted", [str(m) for m in response.wsgi_request._messages]
    return dossier


def _version_id(client) -> int:
    from evaluations.models import RuleVersion

    return RuleVersion.objects.get(code="QD26_2026").pk


def complete_dossier(client, dossier, *, self_score="62.5") -> None:
    """Mẫu 01, Mẫu 02 (best options, or a paper total), the three required files, 5 samples."""
    base = f"/can-bo/ho-so/{dossier.pk}"
    response = client.post(
        f"{base}/phieu-dang-ky/",
        {
            "representative_name": "Nguyễn Văn An",
            "representative_title": "Giám đốc",
            "address": "Thôn Đông",
            "phone": "0912345678",
            "email": "htx@example.vn",
            "product_description": "Túi 5 kg",
            "standard": "TCCS 01:2026",
            "sample_count": "5",
            "samples_received_on": datetime.date.today().isoformat(),
            "change_summary": "Bao bì mới, thêm kênh bán hàng trực tuyến.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    sheet = selectors.sheet_for_dossier(dossier)
    data = {"report-business_registration": "on", "report-business_results": "Doanh thu tăng 20%."}
    if sheet is not None:
        for cid, oid in best_options(sheet).items():
            data[f"s{cid}"] = str(oid)
            data[f"evidence{cid}"] = "Có hồ sơ kèm theo"
    else:
        data["paper-self_score"] = self_score
    response = client.post(f"{base}/tu-danh-gia/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    for kind in (AttachmentKind.LICENCE, AttachmentKind.LAB_TEST, AttachmentKind.LABEL):
        upload = io.BytesIO(PDF_BYTES)
        upload.name = f"{kind}.pdf"
        response = client.post(f"{base}/tai-lieu/", {"kind": kind, "file": upload})
        assert response.status_code == 302, response.content.decode()[:3000]


def review_and_forward(officer, dossier) -> None:
    response = as_user(officer).post(
        f"/can-bo/ho-so/{dossier.pk}/xem-xet/",
        {
            "components_complete": "on",
            "local_raw_material": "Nguyên liệu trồng tại xã",
            "local_labour": "15 lao động địa phương",
            "idea_origin": "Sản phẩm truyền thống",
            "local_identity": "Giống lúa bản địa",
            "conclusion": "Đề nghị đánh giá",
            "proposal_number": "12/UBND",
            "assessed_on": datetime.date.today().isoformat(),
            "action": "forward",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier.refresh_from_db()
    assert dossier.status == "forwarded"


def open_round(manager, council, *, rule_version_code="QD26_2026", name="Đợt 2 năm 2026", year=2026):
    from evaluations.models import Round, RuleVersion

    response = as_user(manager).post(
        "/can-bo/dot-danh-gia/moi/",
        {
            "council": council.pk,
            "rule_version": RuleVersion.objects.get(code=rule_version_code).pk,
            "name": name,
            "year": year,
            "intake_deadline": f"{year}-10-30",
            "decision_deadline": f"{year}-12-30",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = Round.objects.get(name=name, council=council)
    return round_


def scoring_round(province, name: str, *, rule_version=None):
    """A province round of 2026 already in scoring, for tests that start at the council's work."""
    import datetime

    from evaluations.models import Round, RuleVersion

    return Round.objects.create(
        name=name,
        rule_version=rule_version or RuleVersion.objects.get(code="QD26_2026"),
        level="province",
        unit=province.province,
        council=province.council,
        year=2026,
        intake_deadline=datetime.date(2026, 10, 30),
        decision_deadline=datetime.date(2026, 12, 30),
        status=Round.Status.SCORING,
    )


def assign_and_open(manager, round_, dossiers) -> None:
    client = as_user(manager)
    response = client.post(f"/can-bo/dot-danh-gia/{round_.pk}/xep-ho-so/", {"dossiers": [d.pk for d in dossiers]})
    assert response.status_code == 302
    response = client.post(f"/can-bo/dot-danh-gia/{round_.pk}/trang-thai/", {"status": "scoring"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == "scoring"


def submit_sheet(member, round_, dossier, options) -> object:
    return as_user(member).post(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/cham-diem/", score_post(options))


def submit_paper(member, round_, dossier, a, b, c, minima=4, eliminated=False) -> object:
    data = {"part_a": a, "part_b": b, "part_c": c, "minima_level": minima, "action": "submit"}
    if eliminated:
        data["eliminated"] = "on"
    return as_user(member).post(f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/cham-diem/", data)


def messages_of(response) -> list[str]:
    from django.contrib.messages import get_messages

    return [str(m) for m in get_messages(response.wsgi_request)]
