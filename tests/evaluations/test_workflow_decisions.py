"""Decisions: only results the level may recognise, each once; issuing creates certificates (re-rating too)."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from evaluations.models import (
    Certificate,
    Decision,
    DecisionItem,
    Dossier,
    EvaluationResult,
    Round,
    RuleVersion,
)
from evaluations.services import decisions
from evaluations.services.certificates import record_certificate
from evaluations.services.errors import WorkflowError
from evaluations.status import Status, certificate_status
from tests.evaluations.workflow_helpers import Province, as_user, make_product, messages_of
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("loaded_sheets")]


@pytest.fixture
def p():
    return Province("31", "Tỉnh Quyết Định").build("qd")


def final_result(p, *, stars=4, level="province", kind="first", previous=None, product=None):
    version = RuleVersion.objects.get(code="QD26_2026")
    round_, _ = Round.objects.get_or_create(
        name="Đợt QĐ",
        defaults={
            "rule_version": version,
            "level": "province",
            "unit": p.province,
            "council": p.council,
            "year": 2026,
            "intake_deadline": datetime.date(2026, 10, 30),
            "decision_deadline": datetime.date(2026, 12, 30),
            "status": "scoring",
        },
    )
    product = product or make_product(p.commune, number=3)
    dossier = Dossier.objects.create(
        product=product,
        rule_version=version,
        intake_unit=p.commune,
        status="scored",
        round=round_,
        kind=kind,
        previous_certificate=previous,
        stage_level=level,
    )
    return EvaluationResult.objects.create(
        dossier=dossier,
        round=round_,
        mean_score={3: 60, 4: 80, 5: 95}[stars],
        stars=stars,
        outcome="recognised",
        is_final=True,
        recognised_by_level=level,
    )


def draft(p, results, number="1/QĐ"):
    return decisions.draft_decision(
        actor=p.secretary,
        council=p.council,
        number=number,
        issued_on=datetime.date(2026, 12, 10),
        signer="Chủ tịch",
        authority="UBND Tỉnh Quyết Định",
        result_ids=[r.pk for r in results],
    )


def test_a_decision_lists_only_results_its_level_and_unit_may_recognise(p):
    mine = final_result(p)
    five_star = final_result(p, stars=5, level="central")
    other = Province("32", "Tỉnh Khác").build("qk")
    theirs = final_result(other)
    page = as_user(p.secretary).get(f"/can-bo/quyet-dinh/moi/{p.council.pk}/").content.decode()
    assert mine.dossier.product.name in page
    assert five_star.dossier.product.name not in page and theirs.dossier.product.name not in page
    for foreign in (five_star, theirs):
        with pytest.raises(WorkflowError):
            draft(p, [mine, foreign], number=f"x-{foreign.pk}")
    assert not Decision.objects.exists()
    # Posting a foreign id through the page changes nothing either.
    response = as_user(p.secretary).post(
        f"/can-bo/quyet-dinh/moi/{p.council.pk}/",
        {"number": "2/QĐ", "issued_on": "2026-12-10", "signer": "A", "authority": "B", "results": [theirs.pk]},
    )
    assert response.status_code == 200 and not Decision.objects.exists()


def test_a_result_is_recognised_by_one_decision_only(p):
    result = final_result(p)
    draft(p, [result])
    with pytest.raises(WorkflowError):
        draft(p, [result], number="2/QĐ")
    decision = Decision.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        other = Decision.objects.create(
            number="3/QĐ",
            issued_on=datetime.date(2026, 12, 1),
            authority="X",
            level="province",
            unit=p.province,
            rule_version=decision.rule_version,
        )
        DecisionItem.objects.create(decision=other, product=result.dossier.product, result=result, stars=4)


def test_issuing_creates_numbered_certificates_once(p):
    results = [final_result(p, stars=s) for s in (4, 3, 4)]
    decision = draft(p, results)
    certificates = decisions.issue_decision(actor=p.secretary, decision=decision)
    assert sorted(c.number for c in certificates) == ["31-2026-0001", "31-2026-0002", "31-2026-0003"]
    assert {c.expires_on for c in certificates} == {datetime.date(2029, 12, 10)}
    assert set(Dossier.objects.values_list("status", flat=True)) == {"decided"}
    with pytest.raises(WorkflowError):
        decisions.issue_decision(actor=p.secretary, decision=decision)
    assert Certificate.objects.count() == 3
    # The issued decision is no longer editable through the pages.
    client = as_user(p.secretary)
    assert client.get(f"/can-bo/quyet-dinh/{decision.pk}/sua/").status_code == 404
    assert client.post(f"/can-bo/quyet-dinh/{decision.pk}/xoa/").status_code == 404


def test_rerating_decision_replaces_the_certificate_and_closes_the_rerating(p):
    product = make_product(p.commune, number=3)
    version = RuleVersion.objects.get(code="QD26_2026")
    old = record_certificate(
        product=product,
        number="31-2023-0001",
        stars=3,
        issued_on=datetime.date(2023, 12, 20),
        rule_version=version,
        issuing_authority="UBND",
        issuing_level="province",
    )
    Certificate.objects.filter(pk=old.pk).update(rerating_filed_on=datetime.date(2026, 7, 1))
    result = final_result(p, stars=4, kind="rerating", previous=old, product=product)
    decision = draft(p, [result])
    (new,) = decisions.issue_decision(actor=p.secretary, decision=decision)
    old.refresh_from_db()
    assert old.rerating_decided_on == datetime.date(2026, 12, 10) and old.replaced_by == new
    assert new.is_current and new.stars == 4
    assert certificate_status(old, on=datetime.date(2026, 12, 11)) == Status.SUPERSEDED


def test_draft_decisions_can_be_edited_and_deleted_by_the_secretary(p):
    first, second = final_result(p), final_result(p, stars=3)
    decision = draft(p, [first])
    client = as_user(p.secretary)
    response = client.post(
        f"/can-bo/quyet-dinh/{decision.pk}/sua/",
        {
            "number": "1/QĐ",
            "issued_on": "2026-12-11",
            "signer": "Phó chủ tịch",
            "authority": "UBND Tỉnh Quyết Định",
            "results": [first.pk, second.pk],
        },
    )
    assert response.status_code == 302, messages_of(response)
    decision.refresh_from_db()
    assert decision.items.count() == 2 and decision.signer == "Phó chủ tịch"
    client.post(f"/can-bo/quyet-dinh/{decision.pk}/xoa/")
    assert not Decision.objects.exists() and not DecisionItem.objects.exists()
    assert EvaluationResult.objects.filter(is_final=True).count() == 2  # the results wait for another decision
