"""Two members submitting at the same moment give one consistent result (real PostgreSQL transactions, threads).

Each thread has its own database connection and commits for real (``transaction=True``). The scoring service locks
the dossier row before writing a sheet and recomputing the result, so the second recomputation waits for the first
commit and sees both sheets: the stored result always counts every submitted sheet.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from evaluations import selectors
from evaluations.models import AuditEntry, Dossier, EvaluationResult, MemberScoreSheet, RuleVersion
from evaluations.services import scoring
from tests.evaluations.workflow_helpers import Province, make_product, options_for_total, scoring_round

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def submit_together(members, dossier, round_, sheet, totals):
    barrier = threading.Barrier(len(members))
    errors = []

    def work(member, total):
        try:
            barrier.wait(timeout=10)
            scoring.save_sheet(
                actor=member,
                dossier=dossier,
                round_=round_,
                sheet_data=sheet,
                choices={cid: (oid, "") for cid, oid in options_for_total(sheet, total).items()},
                submit=True,
            )
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(m, t)) for m, t in zip(members, totals, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_members_submitting_at_the_same_moment_give_one_consistent_result():
    from evaluations.sheet_loader import load_files

    load_files()  # transactional tests start from a flushed database
    p = Province("51", "Tỉnh Đồng Thời").build("dt")
    product = make_product(p.commune, number=1)
    version = RuleVersion.objects.get(code="QD26_2026")
    sheet = selectors.sheet_for_dossier(Dossier(product=product, rule_version=version))
    for attempt in range(5):  # several rounds of the race, each on a fresh dossier
        round_ = scoring_round(p, f"Đợt đồng thời {attempt}", rule_version=version)
        dossier = Dossier.objects.create(
            product=product, rule_version=version, intake_unit=p.commune, status="in_round", round=round_
        )
        totals = [70, 74, 78, 82, 86]
        submit_together(p.scorers, dossier, round_, sheet, totals)
        results = list(EvaluationResult.objects.filter(dossier=dossier, round=round_))
        assert len(results) == 1
        result = results[0]
        assert sorted(result.details["participants"]) == sorted(str(m.pk) for m in p.scorers)
        assert result.mean_score == Decimal("78.00")
        assert result.details["quorum_met"] is True
        assert sorted(Decimal(t) for t in result.details["totals"].values()) == [Decimal(t) for t in totals]
        assert MemberScoreSheet.objects.filter(dossier=dossier, status="submitted").count() == 5
        assert AuditEntry.objects.filter(action="score.submitted", target_id=str(dossier.pk)).count() == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_the_same_member_submitting_twice_at_once_keeps_one_sheet():
    from evaluations.sheet_loader import load_files

    load_files()
    p = Province("52", "Tỉnh Bấm Hai Lần").build("bh")
    product = make_product(p.commune, number=1)
    version = RuleVersion.objects.get(code="QD26_2026")
    sheet = selectors.sheet_for_dossier(Dossier(product=product, rule_version=version))
    round_ = scoring_round(p, "Đợt bấm hai lần", rule_version=version)
    dossier = Dossier.objects.create(
        product=product, rule_version=version, intake_unit=p.commune, status="in_round", round=round_
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def work(total):
        try:
            barrier.wait(timeout=10)
            scoring.save_sheet(
                actor=p.chair,
                dossier=dossier,
                round_=round_,
                sheet_data=sheet,
                choices={cid: (oid, "") for cid, oid in options_for_total(sheet, total).items()},
                submit=True,
            )
            outcomes.append(("ok", total))
        except scoring.WorkflowError:
            outcomes.append(("refused", total))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(t,)) for t in (80, 90)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(kind for kind, _ in outcomes) == ["ok", "refused"]
    kept = [total for kind, total in outcomes if kind == "ok"][0]
    sheets = MemberScoreSheet.objects.filter(dossier=dossier, member=p.chair)
    assert sheets.count() == 1 and sheets.get().total == kept
