"""Council scoring through the pages: hidden sheets, locked submissions, recusal, flags, quorum, reopening."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from evaluations.models import AuditEntry, Dossier, EvaluationResult, MemberChoice, MemberScoreSheet
from tests.evaluations.workflow_helpers import (
    Province,
    as_user,
    best_options,
    make_product,
    messages_of,
    options_for_total,
    score_post,
    scoring_round,
    sheet_data_for,
    submit_sheet,
    user,
)
from tests.factories import product_set
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_sheets")]


@pytest.fixture
def scene():
    p = Province("71", "Tỉnh Chấm Điểm").build("cd")
    product = make_product(p.commune, number=1, name="Rau mầm Chấm Điểm")
    round_ = scoring_round(p, "Đợt chấm")
    dossier = Dossier.objects.create(
        product=product,
        rule_version=round_.rule_version,
        intake_unit=p.commune,
        status="in_round",
        round=round_,
        stage_level="province",
    )
    return p, round_, dossier, sheet_data_for(product)


def url(round_, dossier, page):
    return f"/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/{page}/"


def test_others_sheets_stay_hidden_until_the_member_has_submitted(scene):
    p, round_, dossier, sheet = scene
    submit_sheet(p.chair, round_, dossier, options_for_total(sheet, 88))
    late = as_user(p.members[0])
    assert late.get(url(round_, dossier, "ket-qua")).status_code == 404
    form = late.get(url(round_, dossier, "cham-diem")).content.decode()
    assert "88,00" not in form and "88.00" not in form
    # A draft is not a submission: still hidden.
    late.post(url(round_, dossier, "cham-diem"), score_post(options_for_total(sheet, 70), action="save"))
    assert late.get(url(round_, dossier, "ket-qua")).status_code == 404
    assert MemberScoreSheet.objects.get(member=p.members[0]).status == "draft"
    submit_sheet(p.members[0], round_, dossier, options_for_total(sheet, 70))
    page = late.get(url(round_, dossier, "ket-qua")).content.decode()
    assert "88,00" in page and "70,00" in page


def test_a_submitted_sheet_is_never_overwritten(scene):
    p, round_, dossier, sheet = scene
    submit_sheet(p.chair, round_, dossier, options_for_total(sheet, 80))
    before = list(MemberChoice.objects.filter(sheet__member=p.chair).values_list("criterion_id", "option_id"))
    response = submit_sheet(p.chair, round_, dossier, options_for_total(sheet, 95))
    assert "không sửa được" in " ".join(messages_of(response))
    mine = MemberScoreSheet.objects.get(member=p.chair)
    assert mine.total == Decimal(80)
    assert list(MemberChoice.objects.filter(sheet=mine).values_list("criterion_id", "option_id")) == before
    # Nor through the admin: the member sheets there are read-only.
    admin_user = user("cd_admin")
    admin_user.is_staff = admin_user.is_superuser = True
    request = RequestFactory().get("/")
    request.user = admin_user
    assert not site._registry[MemberScoreSheet].has_change_permission(request, mine)
    assert not site._registry[MemberScoreSheet].has_delete_permission(request, mine)


def test_submitting_an_incomplete_sheet_lists_what_is_missing_and_keeps_the_draft(scene):
    p, round_, dossier, sheet = scene
    options = best_options(sheet)
    first = next(iter(options))
    del options[first]
    response = submit_sheet(p.members[1], round_, dossier, options)
    text = " ".join(messages_of(response))
    assert "Chưa chấm đủ tiêu chí" in text and sheet["criteria_by_id"][first]["number"] in text
    mine = MemberScoreSheet.objects.get(member=p.members[1])
    assert mine.status == "draft" and mine.choices.count() == len(options)
    assert not EvaluationResult.objects.exists()


def test_recused_member_is_left_out_and_the_mean_keeps_two_decimals(scene):
    p, round_, dossier, sheet = scene
    client = as_user(p.members[3])
    response = client.post(url(round_, dossier, "khong-tham-gia"), {"recuse-reason": ""})
    assert "Hãy ghi lý do" in " ".join(messages_of(response))
    client.post(url(round_, dossier, "khong-tham-gia"), {"recuse-reason": "Là thành viên HTX đăng ký sản phẩm"})
    for member, total in zip([p.chair, *p.members[:3]], (80, 81, 81, 79), strict=True):
        submit_sheet(member, round_, dossier, options_for_total(sheet, total))
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.mean_score == Decimal("80.25")
    assert result.details["quorum_met"] is True  # 4 of 5 ≥ 3/4, chair included
    assert [str(p.members[3].pk), "recused"] in result.details["excluded"]
    page = as_user(p.chair).get(url(round_, dossier, "ket-qua")).content.decode()
    assert "Là thành viên HTX đăng ký sản phẩm" in page
    assert AuditEntry.objects.filter(action="score.recused", note__contains="HTX").exists()


def test_quorum_needs_the_chair(scene):
    p, round_, dossier, sheet = scene
    for member in p.members:
        submit_sheet(member, round_, dossier, options_for_total(sheet, 80))
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.details["quorum_met"] is False and result.details["chair_present"] is False
    response = as_user(p.chair).post(url(round_, dossier, "chot"))
    assert "Chưa đủ túc số" in " ".join(messages_of(response))
    dossier.refresh_from_db()
    assert dossier.status == "in_round"


def test_spread_over_the_limit_needs_a_discussion_before_finalising(scene):
    p, round_, dossier, sheet = scene
    for member, total in zip(p.scorers, (75, 76, 88, 77, 74), strict=True):
        submit_sheet(member, round_, dossier, options_for_total(sheet, total))
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.details["spread_flag"] is True and result.details["spread"] == "14"
    page = as_user(p.chair).get(url(round_, dossier, "ket-qua")).content.decode()
    assert "cần thảo luận lại" in page
    response = as_user(p.chair).post(url(round_, dossier, "chot"))
    assert "thảo luận lại" in " ".join(messages_of(response))
    assert not EvaluationResult.objects.get(dossier=dossier).is_final
    as_user(p.chair).post(url(round_, dossier, "chot"), {"discussed": "on"})
    result.refresh_from_db()
    assert result.is_final and result.details["discussed"] is True


def test_near_band_edge_and_per_criterion_spread_are_flagged(scene):
    p, round_, dossier, sheet = scene
    for member, total in zip(p.scorers, (70, 69, 70, 70, 69), strict=True):
        submit_sheet(member, round_, dossier, options_for_total(sheet, total))
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.mean_score == Decimal("69.60") and result.details["near_band_edge"] is True
    assert result.stars == 3
    page = as_user(p.chair).get(url(round_, dossier, "ket-qua")).content.decode()
    assert "cách ngưỡng hạng sao" in page
    assert 'class="table-warning"' in page  # criteria where members differ are highlighted


def test_failed_minimum_is_not_recognised_and_stops(scene):
    p, round_, dossier, sheet = scene
    # Every member picks the lowest option of a criterion that carries a 3★ minimum: consensus below it.
    options = best_options(sheet)
    criterion = next(c for c in sheet["criteria_by_id"].values() if any(o["min_stars"] == 3 for o in c["options"]))
    lowest = min((o for o in criterion["options"] if not o["eliminates"]), key=lambda o: o["points"])
    minimum = max(o["points"] for o in criterion["options"] if o["min_stars"] and o["min_stars"] <= 3)
    assert lowest["points"] < minimum
    options[criterion["id"]] = lowest["id"]
    for member in p.scorers:
        submit_sheet(member, round_, dossier, options)
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.mean_score >= 90 and result.stars == 2 and result.outcome == "not_recognised"
    assert criterion["number"] in result.details["failed_minima"]["3"]
    as_user(p.chair).post(url(round_, dossier, "chot"))
    dossier.refresh_from_db()
    assert dossier.status == "not_recognised"
    assert "0 sản phẩm" in as_user(p.secretary).get("/can-bo/quyet-dinh/").content.decode()


def test_reopening_starts_a_new_attempt_and_keeps_every_earlier_sheet(scene):
    p, round_, dossier, sheet = scene
    for member, total in zip(p.scorers, (66, 67, 68, 66, 65), strict=True):
        submit_sheet(member, round_, dossier, options_for_total(sheet, total))
    first = EvaluationResult.objects.get(dossier=dossier, attempt=1)
    first_choices = sorted(
        MemberChoice.objects.filter(sheet__attempt=1).values_list("sheet_id", "criterion_id", "option_id")
    )
    response = as_user(p.chair).post(url(round_, dossier, "cham-lai"), {"reopen-reason": ""})
    assert "lý do" in " ".join(messages_of(response))
    as_user(p.chair).post(url(round_, dossier, "cham-lai"), {"reopen-reason": "Bổ sung kết quả kiểm nghiệm mới"})
    dossier.refresh_from_db()
    assert dossier.scoring_attempt == 2
    first.refresh_from_db()
    assert first.reopened_at is not None and first.reopen_reason == "Bổ sung kết quả kiểm nghiệm mới"
    # The new form is pre-filled from the member's attempt 1 and is editable again.
    form = as_user(p.chair).get(url(round_, dossier, "cham-diem")).content.decode()
    assert "đã mở chấm lại" in form and " checked" in form
    for member, total in zip(p.scorers, (72, 73, 71, 72, 72), strict=True):
        submit_sheet(member, round_, dossier, options_for_total(sheet, total))
    second = EvaluationResult.objects.get(dossier=dossier, attempt=2)
    assert second.mean_score == Decimal("72.00")
    assert MemberScoreSheet.objects.filter(dossier=dossier).count() == 10
    assert (
        sorted(MemberChoice.objects.filter(sheet__attempt=1).values_list("sheet_id", "criterion_id", "option_id"))
        == first_choices
    )
    as_user(p.chair).post(url(round_, dossier, "chot"))
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.is_final and not first.is_final
    # Both attempts are on the result page and the history.
    page = as_user(p.secretary).get(url(round_, dossier, "ket-qua") + "?lan=1").content.decode()
    assert "Lần chấm 1" in page and "Lần chấm 2" in page and "66,40" in page
    assert AuditEntry.objects.filter(action="scoring.reopened", target_id=str(dossier.pk)).count() == 1


def test_majority_elimination_rejects_the_product(scene):
    p, round_, dossier, _sheet = scene
    # Set 7 (processed fruit and vegetables) has eliminating options (e.g. 1.1 d).
    dossier.product.product_set = product_set(7)
    dossier.product.save()
    sheet = sheet_data_for(dossier.product)
    options = best_options(sheet)
    eliminating = next((c, o) for c in sheet["criteria_by_id"].values() for o in c["options"] if o["eliminates"])
    for index, member in enumerate(p.scorers):
        chosen = dict(options)
        if index < 3:
            chosen[eliminating[0]["id"]] = eliminating[1]["id"]
        submit_sheet(member, round_, dossier, chosen)
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.outcome == "rejected" and result.stars is None
    assert len(result.details["elimination_flags"]) == 3


def test_audit_entries_cannot_be_edited_or_deleted(scene):
    p, round_, dossier, sheet = scene
    submit_sheet(p.chair, round_, dossier, best_options(sheet))
    entry = AuditEntry.objects.get(action="score.submitted")
    entry.note = "sửa"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    admin_user = user("cd_admin2")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client = as_user(admin_user)
    assert client.get(f"/admin/evaluations/auditentry/{entry.pk}/change/").status_code in (200, 403)
    response = client.post(f"/admin/evaluations/auditentry/{entry.pk}/change/", {"note": "sửa"})
    assert response.status_code == 403
    assert client.post(f"/admin/evaluations/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.note == ""


def test_an_upgrade_that_does_not_reach_a_higher_star_keeps_the_certificate(scene):
    from evaluations.services.certificates import record_certificate

    p, round_, dossier, sheet = scene
    current = record_certificate(
        product=dossier.product,
        number="71-2025-0001",
        stars=4,
        issued_on=datetime.date(2025, 10, 1),
        rule_version=round_.rule_version,
        issuing_authority="UBND",
        issuing_level="province",
    )
    Dossier.objects.filter(pk=dossier.pk).update(kind="upgrade", previous_certificate=current)
    for member in p.scorers:
        submit_sheet(member, round_, dossier, options_for_total(sheet, 82))
    page = as_user(p.chair).get(url(round_, dossier, "ket-qua")).content.decode()
    assert "Nâng hạng không đạt hạng cao hơn" in page
    as_user(p.chair).post(url(round_, dossier, "chot"))
    dossier.refresh_from_db()
    result = EvaluationResult.objects.get(dossier=dossier)
    assert result.stars == 4 and result.recognised_by_level == "" and dossier.status == "not_recognised"
    current.refresh_from_db()
    assert current.is_current
