"""Permission matrix of the workflow pages: each role × own unit / other unit × each action → allowed or 404.

One province (A) holds the objects: a draft and a submitted dossier of commune A1, a dossier in A's round with the
chair's and one member's sheets submitted, a draft decision of A's council and an issued certificate. Province B
has the same roles, which must see none of it. "Allowed" means the page answers (200, or a redirect after a
POST); everything else must be a 404, never a 403 that would confirm the object exists. Anonymous users are sent to
the login page.
"""

import datetime
import io

import pytest
from django.db import transaction

from evaluations.models import (
    AttachmentKind,
    Decision,
    DecisionItem,
    Dossier,
    DossierAttachment,
    EvaluationResult,
    MemberScoreSheet,
    RuleVersion,
)
from evaluations.services.certificates import record_certificate
from tests.evaluations.workflow_helpers import (
    PDF_BYTES,
    Province,
    as_user,
    make_product,
    scoring_round,
    unit,
    user,
)
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = pytest.mark.django_db

ACTORS = [
    "commune_own",
    "commune_sibling",  # another commune of the same province
    "commune_other",  # a commune of province B
    "district_other",  # a legacy district officer elsewhere
    "province_own",
    "province_other",
    "chair_own",
    "member_submitted",
    "member_pending",
    "secretary_own",
    "advisory_own",
    "chair_other",
    "secretary_other",
    "central",
    "admin",
]
EVERYONE = set(ACTORS)
A_COUNCIL = {"chair_own", "member_submitted", "member_pending", "secretary_own", "advisory_own"}

# action → (method, url template, actors allowed)
MATRIX = {
    "see submitted dossier": ("get", "/can-bo/ho-so/{submitted}/", {"commune_own", "province_own", "central", "admin"}),
    "see draft dossier": ("get", "/can-bo/ho-so/{draft}/", {"commune_own", "central", "admin"}),
    "edit draft (Mẫu 01)": ("get", "/can-bo/ho-so/{draft}/phieu-dang-ky/", {"commune_own", "admin"}),
    "upload to draft": ("post", "/can-bo/ho-so/{draft}/tai-lieu/", {"commune_own", "admin"}),
    "submit draft": ("post", "/can-bo/ho-so/{draft}/nop/", {"commune_own", "admin"}),
    "download a file": (
        "get",
        "/can-bo/ho-so/{submitted}/tai-lieu/{attachment}/tai-ve/",
        {"commune_own", "province_own", "central", "admin"},
    ),
    "review (Mẫu 03)": ("get", "/can-bo/ho-so/{submitted}/xem-xet/", {"commune_own", "admin"}),
    "return dossier": ("post", "/can-bo/ho-so/{submitted}/tra-lai/", {"commune_own", "admin"}),
    "history tab": ("get", "/can-bo/ho-so/{submitted}/lich-su/", {"commune_own", "province_own", "central", "admin"}),
    "see dossier in round": (
        "get",
        "/can-bo/ho-so/{in_round}/",
        {"commune_own", "province_own", "central", "admin"} | A_COUNCIL,
    ),
    "see round": ("get", "/can-bo/dot-danh-gia/{round}/", {"province_own", "central", "admin"} | A_COUNCIL),
    "assign to round": ("post", "/can-bo/dot-danh-gia/{round}/xep-ho-so/", {"province_own", "admin"}),
    "open/close scoring": ("post", "/can-bo/dot-danh-gia/{round}/trang-thai/", {"province_own", "admin"}),
    "score sheet": (
        "get",
        "/can-bo/dot-danh-gia/{round}/ho-so/{in_round}/cham-diem/",
        {"chair_own", "member_submitted", "member_pending"},
    ),
    "recuse": (
        "post",
        "/can-bo/dot-danh-gia/{round}/ho-so/{in_round}/khong-tham-gia/",
        {"chair_own", "member_pending", "member_submitted"},
    ),
    "result page (others' sheets)": (
        "get",
        "/can-bo/dot-danh-gia/{round}/ho-so/{in_round}/ket-qua/",
        {"chair_own", "member_submitted", "secretary_own", "province_own", "admin"},
    ),
    "finalise result": ("post", "/can-bo/dot-danh-gia/{round}/ho-so/{in_round}/chot/", {"chair_own"}),
    "reopen scoring": ("post", "/can-bo/dot-danh-gia/{round}/ho-so/{in_round}/cham-lai/", {"chair_own"}),
    "advisory finding": (
        "post",
        "/can-bo/dot-danh-gia/{round}/ho-so/{in_round}/y-kien/",
        {"advisory_own", "chair_own"},
    ),
    "see draft decision": (
        "get",
        "/can-bo/quyet-dinh/{decision}/",
        {"secretary_own", "chair_own", "province_own", "central", "admin"},
    ),
    "draft a decision": ("get", "/can-bo/quyet-dinh/moi/{council}/", {"secretary_own", "admin"}),
    "issue decision": ("post", "/can-bo/quyet-dinh/{decision}/ban-hanh/", {"secretary_own", "admin"}),
    "certificate page": (
        "get",
        "/can-bo/gcn/{certificate}/",
        {"commune_own", "province_own", "central", "admin"} | A_COUNCIL,
    ),
    "certificate PDF": (
        "get",
        "/can-bo/gcn/{certificate}/ban-in.pdf",
        {"commune_own", "province_own", "central", "admin"} | A_COUNCIL,
    ),
    "revoke 3★ certificate": ("get", "/can-bo/gcn/{certificate}/thu-hoi/", {"province_own", "admin"}),
    "new dossier": (
        "get",
        "/can-bo/ho-so/moi/",
        {"commune_own", "commune_sibling", "commune_other", "district_other", "admin"},
    ),
}


# Valid-looking bodies so an allowed POST is judged by the view, not refused for a missing field.
POST_DATA = {"open/close scoring": {"status": "open"}, "return dossier": {"return-reason": "Thiếu phiếu kiểm nghiệm"}}


@pytest.fixture
def world(loaded_sheets):  # noqa: F811 - the imported fixture
    a = Province("81", "Tỉnh Quyền A").build("qa")
    b = Province("82", "Tỉnh Quyền B").build("qb")
    legacy_province = unit("legacy", "province", "83", "Tỉnh Cũ C")
    district = unit("legacy", "district", "830", "Huyện Cũ C", legacy_province)
    admin = user("qa_quantri", role="administrator")
    actors = {
        "commune_own": a.commune_officer,
        "commune_sibling": a.other_commune_officer,
        "commune_other": b.commune_officer,
        "district_other": user("qc_huyen", role="district_officer", unit=district),
        "province_own": a.office,
        "province_other": b.office,
        "chair_own": a.chair,
        "member_submitted": a.members[0],
        "member_pending": a.members[1],
        "secretary_own": a.secretary,
        "advisory_own": a.adviser,
        "chair_other": b.chair,
        "secretary_other": b.secretary,
        "central": user("qa_trunguong", role="central_office"),
        "admin": admin,
    }
    version = RuleVersion.objects.get(code="QD26_2026")

    def dossier(status, **extra):
        product = make_product(a.commune, number=1)
        return Dossier.objects.create(
            product=product,
            rule_version=version,
            intake_unit=a.commune,
            status=status,
            registration={"representative_name": "An", "address": "Thôn", "phone": "09"},
            sample_count=5,
            **extra,
        )

    draft = dossier("draft")
    submitted = dossier("submitted", submitted_at=datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC))
    attachment = DossierAttachment(
        dossier=submitted, kind=AttachmentKind.LICENCE, original_name="giay-phep.pdf", content_type="application/pdf"
    )
    attachment.size, attachment.sha256 = len(PDF_BYTES), "0" * 64
    attachment.file.save("giay-phep.pdf", io.BytesIO(PDF_BYTES), save=True)
    round_ = scoring_round(a, "Đợt quyền A", rule_version=version)
    in_round = dossier("in_round", round=round_, stage_level="province")
    for member in (a.chair, a.members[0]):
        MemberScoreSheet.objects.create(
            dossier=in_round,
            round=round_,
            member=member,
            status="submitted",
            total=75,
            submitted_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC),
        )
    # A finalised result of another dossier, in a draft decision of A's council.
    decided = dossier("scored", round=round_, stage_level="province")
    result = EvaluationResult.objects.create(
        dossier=decided,
        round=round_,
        mean_score=72,
        stars=4,
        outcome="recognised",
        is_final=True,
        recognised_by_level="province",
    )
    decision = Decision.objects.create(
        number="1/QĐ-quyen",
        issued_on=datetime.date(2026, 12, 1),
        authority="UBND Tỉnh Quyền A",
        level="province",
        unit=a.province,
        rule_version=version,
        council=a.council,
    )
    DecisionItem.objects.create(decision=decision, product=decided.product, dossier=decided, result=result, stars=4)
    issued = Decision.objects.create(
        number="0/QĐ-quyen",
        issued_on=datetime.date(2026, 6, 1),
        authority="UBND Tỉnh Quyền A",
        level="province",
        unit=a.province,
        rule_version=version,
        council=a.council,
        status="issued",
    )
    certificate = record_certificate(
        product=make_product(a.commune, number=3),
        number="81-2026-0001",
        stars=3,
        issued_on=datetime.date(2026, 6, 1),
        rule_version=version,
        issuing_authority="UBND Tỉnh Quyền A",
        issuing_level="province",
        decision=issued,
    )
    ids = {
        "draft": draft.pk,
        "submitted": submitted.pk,
        "attachment": attachment.pk,
        "in_round": in_round.pk,
        "round": round_.pk,
        "decision": decision.pk,
        "council": a.council.pk,
        "certificate": certificate.pk,
    }
    return actors, ids


@pytest.mark.parametrize("action", list(MATRIX))
def test_permission_matrix(world, action):
    actors, ids = world
    method, template, allowed = MATRIX[action]
    url = template.format(**ids)
    outcomes = {}
    for name in ACTORS:
        # Each actor's request runs in a savepoint that is rolled back, so an allowed POST by one actor does not
        # change what the next one finds.
        with transaction.atomic():
            response = getattr(as_user(actors[name]), method)(url, POST_DATA.get(action, {}))
            transaction.set_rollback(True)
        outcomes[name] = response.status_code
    wrong = {
        name: code
        for name, code in outcomes.items()
        if (name in allowed and code not in (200, 302)) or (name not in allowed and code != 404)
    }
    assert not wrong, f"{action}: {wrong} (allowed: {sorted(allowed)})"


@pytest.mark.parametrize("action", list(MATRIX))
def test_anonymous_users_are_sent_to_the_login_page(world, client, action):
    _actors, ids = world
    method, template, _allowed = MATRIX[action]
    response = getattr(client, method)(template.format(**ids))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_lists_only_show_what_is_in_scope(world):
    actors, ids = world
    own = as_user(actors["commune_own"]).get("/can-bo/ho-so/").content.decode()
    other = as_user(actors["commune_other"]).get("/can-bo/ho-so/").content.decode()
    province = as_user(actors["province_own"]).get("/can-bo/ho-so/").content.decode()
    assert f"/can-bo/ho-so/{ids['draft']}/" in own and f"/can-bo/ho-so/{ids['submitted']}/" in own
    assert f"/can-bo/ho-so/{ids['submitted']}/" not in other
    # The province office sees what its communes submitted, not their drafts.
    assert f"/can-bo/ho-so/{ids['submitted']}/" in province and f"/can-bo/ho-so/{ids['draft']}/" not in province
    rounds_b = as_user(actors["chair_other"]).get("/can-bo/dot-danh-gia/").content.decode()
    assert "Đợt quyền A" not in rounds_b
    decisions_b = as_user(actors["secretary_other"]).get("/can-bo/quyet-dinh/").content.decode()
    assert "1/QĐ-quyen" not in decisions_b
    # A member who has not submitted sees no totals of the others in the round list either.
    pending = as_user(actors["member_pending"]).get(f"/can-bo/dot-danh-gia/{ids['round']}/").content.decode()
    assert f"/ho-so/{ids['in_round']}/ket-qua/" not in pending
    submitted = as_user(actors["member_submitted"]).get(f"/can-bo/dot-danh-gia/{ids['round']}/").content.decode()
    assert f"/ho-so/{ids['in_round']}/ket-qua/" in submitted


def test_a_user_without_any_role_gets_404_everywhere(world):
    _actors, ids = world
    nobody = as_user(user("khong_vai_tro"))
    assert nobody.get("/can-bo/").status_code == 404
    for method, template, _allowed in MATRIX.values():
        assert getattr(nobody, method)(template.format(**ids)).status_code == 404, template
