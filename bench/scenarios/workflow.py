"""Officer and council scenarios: a commune officer submitting a complete dossier, a council member submitting a
score sheet, the chair's result page for a council of 15 scoring members.

Their data is built in ``prepare`` on top of the scale data set, in one province, and marked ``BENCH-WF`` (council,
round, producer, product, users ``bench_wf_*``); ``cleanup`` removes all of it, audit entries included. One complete
draft is made through the services (Mẫu 01, Mẫu 02 with every criterion, three files), the others are row copies
of it; sheets for the result page are copies of service-computed sheets. The plain-SQL side works on its own rows
(its own drafts, its own dossiers to score), so both sides do the same writes from the same starting state.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

from bench.harness import Item, Scenario

MARK = "BENCH-WF"
COUNCIL = f"Hội đồng {MARK}"
ROUND = f"Đợt {MARK}"
SCORERS = 15  # chair + 14 members
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Fixture:
    province: object
    commune: object
    officer: object
    chair: object
    scorers: list
    council: object
    round: object
    product: object
    sheet: dict
    dossier_type_id: int
    user_table: str = ""


def _user(username, first_name):
    from django.contrib.auth import get_user_model

    user, created = get_user_model().objects.get_or_create(
        username=username, defaults={"first_name": first_name, "last_name": MARK, "email": f"{username}@example.vn"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def fixture() -> Fixture:
    """Users, council of 15 scorers, a round open for scoring and one product, in the first province (idempotent)."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    from districts.models import AdminUnit, Council, CouncilMembership, RoleAssignment
    from evaluations import selectors
    from evaluations.models import Dossier, Round, RuleVersion
    from products.models import Producer, Product, ProductSet

    province = AdminUnit.objects.current().provinces().order_by("code").first()
    commune = AdminUnit.objects.current().filter(level="commune", parent=province).order_by("code").first()
    officer = _user("bench_wf_xa", "Cán bộ xã")
    RoleAssignment.objects.get_or_create(user=officer, role="commune_officer", unit=commune)
    council, _ = Council.objects.get_or_create(name=COUNCIL, defaults={"level": "province", "unit": province})
    scorers = [_user(f"bench_wf_tv{index:02d}", f"Thành viên {index:02d}") for index in range(SCORERS)]
    for index, user in enumerate(scorers):
        CouncilMembership.objects.get_or_create(
            council=council, user=user, defaults={"role": "chair" if index == 0 else "member"}
        )
    secretary = _user("bench_wf_thuky", "Thư ký")
    CouncilMembership.objects.get_or_create(council=council, user=secretary, defaults={"role": "secretary"})
    version = RuleVersion.objects.get(code="QD26_2026")
    round_, _ = Round.objects.get_or_create(
        name=ROUND,
        council=council,
        defaults={
            "level": "province",
            "unit": province,
            "rule_version": version,
            "year": 2026,
            "intake_deadline": datetime.date(2026, 10, 30),
            "decision_deadline": datetime.date(2026, 12, 30),
            "status": Round.Status.SCORING,
        },
    )
    producer, _ = Producer.objects.get_or_create(
        registration_number=f"{MARK}-1",
        defaults={
            "name": f"HTX {MARK}",
            "slug": "htx-bench-wf",
            "search_name": "htx bench wf",
            "producer_type": "cooperative",
            "representative_name": "Nguyễn Văn An",
            "address": "Thôn Đông",
            "phone": "0912345678",
            "email": "htx@example.vn",
            "commune": commune,
        },
    )
    product, _ = Product.objects.get_or_create(
        slug="bench-wf-san-pham",
        defaults={
            "producer": producer,
            "product_set": ProductSet.objects.get(taxonomy="QD26_2026", number=1),
            "name": f"Gạo {MARK}",
            "search_name": "gao bench wf",
            "commune": commune,
            "province": province,
        },
    )
    sheet = selectors.sheet_data(selectors.score_sheet_for(version.pk, product.product_set_id))
    return Fixture(
        province=province,
        commune=commune,
        officer=officer,
        chair=scorers[0],
        scorers=scorers,
        council=council,
        round=round_,
        product=product,
        sheet=sheet,
        dossier_type_id=ContentType.objects.get_for_model(Dossier).pk,
        user_table=get_user_model()._meta.db_table,
    )


def cleanup() -> None:
    """Remove everything marked BENCH-WF (rows of the scale data are not touched)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from districts.models import Council
    from evaluations.models import AuditEntry, Dossier, Round
    from products.models import Producer, Product

    with transaction.atomic():
        dossiers = Dossier.objects.filter(product__slug="bench-wf-san-pham")
        ids = [str(pk) for pk in dossiers.values_list("pk", flat=True)]
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "DELETE FROM evaluations_auditentry WHERE target_id = ANY(%s) AND target_type_id = "
                "(SELECT id FROM django_content_type WHERE app_label = 'evaluations' AND model = 'dossier')",
                [ids],
            )
        AuditEntry.objects.filter(actor__username__startswith="bench_wf_").delete()
        dossier_ids = [int(pk) for pk in ids]
        with connection.cursor() as cursor:  # the rows hanging off the dossiers, children first
            cursor.execute(
                "DELETE FROM evaluations_memberchoice WHERE sheet_id IN "
                "(SELECT id FROM evaluations_memberscoresheet WHERE dossier_id = ANY(%s))",
                [dossier_ids],
            )
            for table in ("memberscoresheet", "evaluationresult", "selfassessment", "dossierattachment"):
                cursor.execute(f"DELETE FROM evaluations_{table} WHERE dossier_id = ANY(%s)", [dossier_ids])
        dossiers.delete()
        Round.objects.filter(name=ROUND).delete()
        Product.objects.filter(slug="bench-wf-san-pham").delete()
        Producer.objects.filter(registration_number__startswith=MARK).delete()
        Council.objects.filter(name=COUNCIL).delete()
        get_user_model().objects.filter(username__startswith="bench_wf_").delete()


def complete_drafts(fx: Fixture, count: int) -> list[int]:
    """One complete draft through the services, then ``count`` row copies of it (dossier, Mẫu 02 rows, files)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from evaluations.models import AttachmentKind, Dossier, DossierAttachment, SelfAssessment
    from evaluations.services import dossiers as services

    template = services.create_dossier(actor=fx.officer, product=fx.product)
    services.update_registration(
        actor=fx.officer,
        dossier=template,
        registration={
            "representative_name": "Nguyễn Văn An",
            "address": "Thôn Đông",
            "phone": "0912345678",
            "product_description": "Túi 5 kg",
            "standard": "TCCS 01:2026",
        },  # fmt: skip
        sample_count=5,
        samples_received_on=timezone.localdate(),
        change_summary="",
    )
    best = {
        cid: (max(c["options"], key=lambda o: o["points"])["id"], "Có hồ sơ kèm theo")
        for cid, c in fx.sheet["criteria_by_id"].items()
    }
    services.save_self_assessment(
        actor=fx.officer,
        dossier=template,
        sheet=fx.sheet,
        entries=best,
        report={"business_registration": True, "business_results": "Doanh thu tăng 20%."},
    )
    for kind in (AttachmentKind.LICENCE, AttachmentKind.LAB_TEST, AttachmentKind.LABEL):
        upload = SimpleUploadedFile(f"{kind}.pdf", PDF_BYTES, content_type="application/pdf")
        services.add_attachment(actor=fx.officer, dossier=template, kind=kind, uploaded=upload)
    template.refresh_from_db()
    assessments = list(SelfAssessment.objects.filter(dossier=template))
    files = list(DossierAttachment.objects.filter(dossier=template, removed_at__isnull=True))
    copies = []
    for _index in range(count - 1):
        copy = Dossier.objects.get(pk=template.pk)
        copy.pk = None
        copies.append(copy)
    copies = Dossier.objects.bulk_create(copies)
    rows, attachments = [], []
    for copy in copies:
        for row in assessments:
            rows.append(SelfAssessment(dossier=copy, criterion_id=row.criterion_id, option_id=row.option_id,
                                       points=row.points, evidence=row.evidence))  # fmt: skip
        for row in files:
            attachments.append(DossierAttachment(dossier=copy, kind=row.kind, file=row.file.name,
                                                 original_name=row.original_name, content_type=row.content_type,
                                                 size=row.size, sha256=row.sha256, uploaded_by=row.uploaded_by))  # fmt: skip
    SelfAssessment.objects.bulk_create(rows)
    DossierAttachment.objects.bulk_create(attachments)
    return [template.pk, *(copy.pk for copy in copies)]


def dossiers_in_round(fx: Fixture, count: int) -> list[int]:
    from evaluations.models import Dossier

    made = Dossier.objects.bulk_create(
        Dossier(
            product=fx.product,
            rule_version=fx.round.rule_version,
            intake_unit=fx.commune,
            status="in_round",
            round=fx.round,
            stage_level="province",
            registration={"source": MARK},
            sample_count=5,
        )  # fmt: skip
        for _index in range(count)
    )
    return [d.pk for d in made]


def choices_for(sheet: dict, rng) -> dict[int, int]:
    """A plausible sheet: mostly the best option, sometimes the next one down (never an eliminating one)."""
    chosen = {}
    for cid, criterion in sheet["criteria_by_id"].items():
        options = sorted((o for o in criterion["options"] if not o["eliminates"]), key=lambda o: -o["points"])
        chosen[cid] = options[min(int(rng.random() < 0.3), len(options) - 1)]["id"]
    return chosen


def audit_sql(cursor, fx: Fixture, *, actor_id, action, dossier_id, before=None, after=None, unit_id=None):
    cursor.execute(
        "INSERT INTO evaluations_auditentry (at, action, target_type_id, target_id, target_repr, before, after, "
        "note, actor_id, unit_id) VALUES (now(), %s, %s, %s, %s, %s, %s, '', %s, %s)",
        [action, fx.dossier_type_id, str(dossier_id), f"Hồ sơ {dossier_id}",
         json.dumps(before) if before is not None else None, json.dumps(after) if after is not None else None,
         actor_id, unit_id],
    )  # fmt: skip


# -- dossier submission ------------------------------------------------------------------------------------------
SUBMIT_LOCK_SQL = """
SELECT d.status, d.kind, d.registration, d.sample_count, d.samples_received_on, d.self_score, d.revision,
       d.intake_unit_id, d.product_id, d.rule_version_id, s.requires_samples, p.product_set_id
FROM evaluations_dossier d JOIN products_product p ON p.id = d.product_id
JOIN products_productset s ON s.id = p.product_set_id
WHERE d.id = %s FOR UPDATE OF d
"""
SUBMIT_COUNTS_SQL = """
SELECT (SELECT count(*) FROM evaluations_selfassessment WHERE dossier_id = %(d)s),
       (SELECT count(*) FROM evaluations_criterion c JOIN evaluations_scoresheet sh ON sh.id = c.sheet_id
        WHERE sh.product_set_id = %(set)s AND sh.rule_version_id = %(rv)s),
       ARRAY(SELECT DISTINCT kind FROM evaluations_dossierattachment WHERE dossier_id = %(d)s AND removed_at IS NULL)
"""


@dataclass
class Submit(Item):
    fx: Fixture = None
    dossier_id: int = 0
    plain_dossier_id: int = 0

    def portal(self, clients):
        return clients[self.fx.officer].post(f"/can-bo/ho-so/{self.dossier_id}/nop/")

    def check(self, response):
        from evaluations.models import Dossier

        return response.status_code == 302 and Dossier.objects.get(pk=self.dossier_id).status == "submitted"

    def plain(self, cursor):
        from django.conf import settings
        from django.utils import timezone

        from evaluations import rules
        from evaluations.selectors import REGISTRATION_REQUIRED, REQUIRED_ATTACHMENTS

        cursor.execute(SUBMIT_LOCK_SQL, [self.plain_dossier_id])
        row = cursor.fetchone()
        status, kind, registration, samples, received, _score, _revision, unit_id = row[:8]
        product_id, rule_version_id, requires_samples, product_set_id = row[8:]
        if isinstance(registration, str):  # Django's own psycopg2 connection leaves jsonb undecoded
            registration = json.loads(registration)
        cursor.execute(SUBMIT_COUNTS_SQL, {"d": self.plain_dossier_id, "set": product_set_id, "rv": rule_version_id})
        answered, criteria, kinds = cursor.fetchone()
        complete = (
            status in ("draft", "returned")
            and all(str(registration.get(k, "")).strip() for k in REGISTRATION_REQUIRED)
            and answered >= criteria
            and set(REQUIRED_ATTACHMENTS[kind]) <= set(kinds)
            and (not requires_samples or samples >= 5)
        )
        if not complete:
            return None
        deadline = rules.review_deadline(
            timezone.localdate(),
            [datetime.date.fromisoformat(d) for d in getattr(settings, "OCOP_PUBLIC_HOLIDAYS", [])],
        )
        cursor.execute(
            "UPDATE evaluations_dossier SET status = 'submitted', submitted_at = now(), review_deadline = %s, "
            "return_reason = '', updated_at = now() WHERE id = %s",
            [deadline, self.plain_dossier_id],
        )
        audit_sql(cursor, self.fx, actor_id=self.fx.officer.pk, action="dossier.submitted",
                  dossier_id=self.plain_dossier_id, before={"status": status}, unit_id=unit_id,
                  after={"status": "submitted", "review_deadline": deadline.isoformat()})  # fmt: skip
        return [row]


class DossierSubmission(Scenario):
    name = "dossier-submit"
    description = "a commune officer submits a complete dossier (POST /can-bo/ho-so/<id>/nop/, checklist, lock, audit)"
    max_queries = 20
    default_requests = 60

    def prepare(self, rng, count):
        cleanup()
        self.fx = fixture()
        drafts = complete_drafts(self.fx, 2 * count)
        self.portal_ids, self.plain_ids = drafts[:count], drafts[count:]

    def items(self, rng):
        for portal_id, plain_id in zip(self.portal_ids, self.plain_ids, strict=True):
            yield Submit(f"submit {portal_id}", fx=self.fx, dossier_id=portal_id, plain_dossier_id=plain_id)

    def cleanup(self):
        cleanup()


# -- a member submits a sheet --------------------------------------------------------------------------------------
@dataclass
class SubmitSheet(Item):
    fx: Fixture = None
    member: object = None
    dossier_id: int = 0
    plain_dossier_id: int = 0
    choices: dict = field(default_factory=dict)

    def portal(self, clients):
        data = {f"c{cid}": str(oid) for cid, oid in self.choices.items()}
        data["action"] = "submit"
        return clients[self.member].post(
            f"/can-bo/dot-danh-gia/{self.fx.round.pk}/ho-so/{self.dossier_id}/cham-diem/", data
        )

    def check(self, response):
        from evaluations.models import MemberScoreSheet

        return (
            response.status_code == 302
            and MemberScoreSheet.objects.filter(
                dossier_id=self.dossier_id, member=self.member, status="submitted"
            ).exists()
        )

    def plain(self, cursor):
        fx, dossier_id = self.fx, self.plain_dossier_id
        cursor.execute(
            "SELECT status, round_id, scoring_attempt FROM evaluations_dossier WHERE id = %s FOR UPDATE", [dossier_id]
        )
        status, round_id, attempt = cursor.fetchone()
        cursor.execute(
            "SELECT r.status, r.name, (SELECT role FROM districts_councilmembership m WHERE m.council_id = r.council_id "
            "AND m.user_id = %s AND m.is_active AND m.role IN ('chair', 'member')) FROM evaluations_round r "
            "WHERE r.id = %s",
            [self.member.pk, round_id],
        )
        round_status, round_name, role = cursor.fetchone()
        if status != "in_round" or round_status != "scoring" or role is None:
            return None
        cursor.execute(
            "INSERT INTO evaluations_memberscoresheet (attempt, status, recusal_reason, eliminated, updated_at, "
            "dossier_id, member_id, round_id) VALUES (%s, 'draft', '', false, now(), %s, %s, %s) RETURNING id",
            [attempt, dossier_id, self.member.pk, round_id],
        )
        sheet_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO evaluations_memberchoice (not_applicable, comment, criterion_id, option_id, sheet_id) "
            "SELECT false, '', c, o, %s FROM unnest(%s::bigint[], %s::bigint[]) AS t(c, o)",
            [sheet_id, list(self.choices), list(self.choices.values())],
        )
        cursor.execute(
            "UPDATE evaluations_memberscoresheet SET status = 'submitted', submitted_at = now(), total = LEAST(("
            "SELECT sum(o.points) FROM evaluations_memberchoice mc JOIN evaluations_criterionoption o "
            "ON o.id = mc.option_id WHERE mc.sheet_id = %s), 100) WHERE id = %s RETURNING total",
            [sheet_id, sheet_id],
        )
        total = cursor.fetchone()[0]
        audit_sql(cursor, fx, actor_id=self.member.pk, action="score.submitted", dossier_id=dossier_id,
                  after={"member": self.member.username, "attempt": attempt, "total": str(total), "round": round_name},
                  unit_id=fx.province.pk)  # fmt: skip
        # The council's result so far: mean of the submitted totals, kept in one row per attempt.
        cursor.execute(
            "SELECT count(*), avg(total) FROM evaluations_memberscoresheet WHERE dossier_id = %s AND round_id = %s "
            "AND attempt = %s AND status = 'submitted'",
            [dossier_id, round_id, attempt],
        )
        submitted, mean = cursor.fetchone()
        details = json.dumps({"participants": submitted, "council_size": SCORERS})
        cursor.execute(
            "UPDATE evaluations_evaluationresult SET mean_score = %s, details = %s, computed_at = now() "
            "WHERE dossier_id = %s AND round_id = %s AND attempt = %s",
            [mean, details, dossier_id, round_id, attempt],
        )
        if cursor.rowcount == 0:
            cursor.execute(
                "INSERT INTO evaluations_evaluationresult (attempt, mean_score, stars, outcome, forwarded, details, "
                "is_final, computed_at, dossier_id, round_id, recognised_by_level, reopen_reason) "
                "VALUES (%s, %s, NULL, 'pending', false, %s, false, now(), %s, %s, '', '')",
                [attempt, mean, details, dossier_id, round_id],
            )
        return [(sheet_id, total, mean)]


class SheetSubmission(Scenario):
    name = "sheet-submit"
    description = "a council member submits a full score sheet (POST …/cham-diem/: draft, submit, result recomputed)"
    # The view saves the draft, then submits; the choices are written in bulk (at most three statements per save),
    # the rest is locking, the audit record and the council result recomputed (≈ 45–57 queries seen).
    max_queries = 60
    default_requests = 60

    def prepare(self, rng, count):
        cleanup()
        self.fx = fixture()
        dossiers = -(-count // SCORERS)  # every member scores each dossier in turn
        self.portal_ids = dossiers_in_round(self.fx, dossiers)
        self.plain_ids = dossiers_in_round(self.fx, dossiers)

    def items(self, rng):
        for portal_id, plain_id in zip(self.portal_ids, self.plain_ids, strict=True):
            for member in self.fx.scorers:
                yield SubmitSheet(f"sheet {portal_id} {member.username}", fx=self.fx, member=member,
                                  dossier_id=portal_id, plain_dossier_id=plain_id,
                                  choices=choices_for(self.fx.sheet, rng))  # fmt: skip

    def cleanup(self):
        cleanup()


# -- the chair's result page ---------------------------------------------------------------------------------------
RESULT_SQL = [
    """SELECT m.user_id, m.role, u.first_name, u.last_name FROM districts_councilmembership m
       JOIN {user_table} u ON u.id = m.user_id
       WHERE m.council_id = %(council)s AND m.is_active AND m.role IN ('chair', 'member')
       ORDER BY m.role, u.last_name, u.first_name, m.id""",
    """SELECT d.id, d.status, d.scoring_attempt, p.name, pr.name, s.name FROM evaluations_dossier d
       JOIN products_product p ON p.id = d.product_id JOIN products_producer pr ON pr.id = p.producer_id
       JOIN products_productset s ON s.id = p.product_set_id WHERE d.id = %(dossier)s""",
    """SELECT * FROM evaluations_evaluationresult WHERE dossier_id = %(dossier)s AND round_id = %(round)s
       ORDER BY attempt""",
    """SELECT ms.member_id, ms.status, ms.total, ms.eliminated, ms.submitted_at, mc.criterion_id, o.points,
              mc.not_applicable
       FROM evaluations_memberscoresheet ms
       LEFT JOIN evaluations_memberchoice mc ON mc.sheet_id = ms.id
       LEFT JOIN evaluations_criterionoption o ON o.id = mc.option_id
       WHERE ms.dossier_id = %(dossier)s AND ms.round_id = %(round)s AND ms.attempt = 1""",
    """SELECT c.id, c.number, c.text, c.points FROM evaluations_criterion c JOIN evaluations_scoresheet sh
       ON sh.id = c.sheet_id WHERE sh.product_set_id = %(set)s AND sh.rule_version_id = %(rv)s ORDER BY c."order" """,
]


@dataclass
class ResultPage(Item):
    fx: Fixture = None
    dossier_id: int = 0

    def portal(self, clients):
        return clients[self.fx.chair].get(f"/can-bo/dot-danh-gia/{self.fx.round.pk}/ho-so/{self.dossier_id}/ket-qua/")

    def check(self, response):
        return response.status_code == 200 and response.content.decode().count("Đã nộp") == SCORERS

    def plain(self, cursor):
        params = {"council": self.fx.council.pk, "dossier": self.dossier_id, "round": self.fx.round.pk,
                  "set": self.fx.product.product_set_id, "rv": self.fx.round.rule_version_id}  # fmt: skip
        rows = []
        for sql in RESULT_SQL:
            cursor.execute(sql.format(user_table=self.fx.user_table), params)
            rows += cursor.fetchall()
        return rows


class ChairResult(Scenario):
    name = "chair-result"
    description = "the chair's result page of a dossier scored by a council of 15 (per-criterion points of each)"
    max_queries = 16
    default_requests = 100
    dossiers = 10

    def prepare(self, rng, count):
        from django.utils import timezone

        from evaluations import rules
        from evaluations.models import Dossier, MemberChoice, MemberScoreSheet
        from evaluations.services import scoring

        cleanup()
        self.fx = fixture()
        self.ids = dossiers_in_round(self.fx, self.dossiers)
        sheets, choices = [], []
        options = self.fx.sheet["options_by_id"]
        for dossier_id in self.ids:
            for member in self.fx.scorers:
                picked = choices_for(self.fx.sheet, rng)
                numbers = {self.fx.sheet["criteria_by_id"][cid]["number"]: options[oid][1]["key"]
                           for cid, oid in picked.items()}  # fmt: skip
                computed = rules.member_total(self.fx.sheet, numbers)
                sheet = MemberScoreSheet(dossier_id=dossier_id, round=self.fx.round, member=member, attempt=1,
                                         status="submitted", submitted_at=timezone.now(),
                                         total=min(computed.total, 100), eliminated=computed.eliminated)  # fmt: skip
                sheets.append((sheet, picked))
        MemberScoreSheet.objects.bulk_create([sheet for sheet, _picked in sheets])
        for sheet, picked in sheets:
            choices += [MemberChoice(sheet=sheet, criterion_id=cid, option_id=oid) for cid, oid in picked.items()]
        MemberChoice.objects.bulk_create(choices)
        for dossier in Dossier.objects.filter(pk__in=self.ids):
            scoring.recompute_result(dossier=dossier, round_=self.fx.round)

    def items(self, rng):
        while True:
            dossier_id = rng.choice(self.ids)
            yield ResultPage(f"result {dossier_id}", fx=self.fx, dossier_id=dossier_id)

    def cleanup(self):
        cleanup()


WORKFLOW = [DossierSubmission(), SheetSubmission(), ChairResult()]
