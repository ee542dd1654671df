"""Demo data for the evaluation workflow, so each demo user has something to do in ``make run``:

* ``cb_battrang``: a complete dossier waiting for the commune's review (Mẫu 03), and a draft to finish;
* ``vp_hanoi``: a forwarded dossier to put into the Hà Nội round;
* ``hd_thanhvien1`` … ``hd_thanhvien4``: dossiers of the Hà Nội round to score on screen;
* ``hd_chutich``: a result with quorum waiting to be finalised (and the chair's own sheet still to fill elsewhere);
* ``hd_thuky``: a draft decision ready to issue, and a finalised result not yet in a decision;
* ``to_tuvan``: dossiers of the round to comment on or to ask a lab test for;
* ``cb_hadong``: the QĐ 148 district round of Quận Hà Đông (2024) on paper sheets, a dossier to review and one
  forwarded dossier to assign; the same council members sit on that district council in the demo.

Everything goes through the workflow services (scores, results, decisions are computed, audited and consistent)
and is keyed by natural keys, so loading twice changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from districts.models import Council, CouncilMembership, Level, Structure
from evaluations import rules, selectors
from evaluations.models import (
    Decision,
    Dossier,
    DossierKind,
    DossierStatus,
    EvaluationResult,
    LocalAssessment,
    MemberScoreSheet,
    Round,
    ScoreSheet,
)
from evaluations.services import decisions as decision_services
from evaluations.services import scoring as scoring_services
from products.models import ProducerType, Product

REGISTRATION = {
    "representative_name": "Nguyễn Văn Hùng",
    "representative_title": "Chủ cơ sở",
    "address": "Thôn Giang Cao, xã Bát Tràng, Hà Nội",
    "phone": "0912000111",
    "email": "gomsu@example.vn",
    "product_description": "Bộ sản phẩm gốm men, đóng hộp carton có lót xốp",
    "standard": "TCCS 01:2026/BT",
    "source": "demo",
}
LOCAL = {
    "local_raw_material": "Đất sét trắng Trúc Thôn và cao lanh địa phương, 80% mua tại xã.",
    "local_labour": "12 lao động, trong đó 10 người thường trú tại xã.",
    "idea_origin": "Nghề gốm truyền thống làng Bát Tràng hơn 500 năm.",
    "local_identity": "Men rạn cổ, vẽ tay theo mẫu hoa văn truyền thống của làng.",
    "conclusion": "Hồ sơ đầy đủ, đề nghị Hội đồng cấp tỉnh đánh giá, phân hạng.",
    "components_complete": True,
    "proposal_number": "45/UBND-KT",
}


def choices_for_total(sheet: dict, target: int) -> dict[int, tuple]:
    """Best options, lowered on criteria that set no star minimum until the total reaches ``target``."""
    chosen = {cid: max(c["options"], key=lambda o: o["points"]) for cid, c in sheet["criteria_by_id"].items()}
    total = sum(o["points"] for o in chosen.values())
    for cid, criterion in sheet["criteria_by_id"].items():
        if total <= target or any(o["min_stars"] for o in criterion["options"]):
            continue
        for option in sorted((o for o in criterion["options"] if not o["eliminates"]), key=lambda o: o["points"]):
            if total - (chosen[cid]["points"] - option["points"]) >= target:
                total -= chosen[cid]["points"] - option["points"]
                chosen[cid] = option
                break
    return {cid: (option["id"], "") for cid, option in chosen.items()}


class WorkflowDemo:
    def __init__(self, builder):
        self.b = builder
        self.today = builder.today
        self.users = {u.username: u for u in get_user_model().objects.filter(username__regex=r"^(hd_|to_|cb_|vp_)")}

    # -- small writers ---------------------------------------------------------------------------------------
    def product(self, name, set_number, producer_name, commune, district, ptype=ProducerType.HOUSEHOLD) -> Product:
        producer = self.b.producer(producer_name, ptype, commune, district)
        product, created = Product.objects.get_or_create(
            producer=producer,
            name=name,
            defaults={"product_set": self.b.sets[set_number], "commune": commune, "legacy_district": district},
        )
        self.b.counters.products += created
        return product

    def dossier(self, product, rule_version, status, intake_unit, *, round_=None, stage="", days_ago=8) -> Dossier:
        received = self.today - datetime.timedelta(days=days_ago)
        dossier, created = Dossier.objects.get_or_create(
            product=product,
            rule_version=self.b.rv[rule_version],
            kind=DossierKind.FIRST,
            defaults={
                "status": status,
                "intake_unit": intake_unit,
                "round": round_,
                "stage_level": stage,
                "sample_count": 5,
                "samples_received_on": received,
                "registration": {**REGISTRATION, "address": f"{product.commune.name}, {product.province.name}"},
                "self_score": Decimal("78.00"),
                "submitted_at": datetime.datetime.combine(received, datetime.time(9)).astimezone(),
                "review_deadline": rules.review_deadline(received),
            },
        )
        self.b.counters.dossiers += created
        if status not in (DossierStatus.DRAFT, DossierStatus.SUBMITTED):
            LocalAssessment.objects.get_or_create(
                dossier=dossier, defaults={**LOCAL, "assessed_on": received + datetime.timedelta(days=5)}
            )
        return dossier

    def score(self, dossier, round_, usernames, totals=None, paper=None, finalise=False):
        """Members submit their sheets (through the scoring service), once."""
        if MemberScoreSheet.objects.filter(dossier=dossier, round=round_).exists():
            return
        sheet = selectors.sheet_for_dossier(dossier, round_.rule_version_id)
        for index, username in enumerate(usernames):
            member = self.users[username]
            if sheet is not None:
                scoring_services.save_sheet(
                    actor=member,
                    dossier=dossier,
                    round_=round_,
                    sheet_data=sheet,
                    choices=choices_for_total(sheet, totals[index]),
                    submit=True,
                )
            else:
                scoring_services.save_sheet(
                    actor=member, dossier=dossier, round_=round_, sheet_data=None, paper=paper[index], submit=True
                )
        if finalise:
            chair = next(self.users[u] for u in usernames if u == "hd_chutich")
            scoring_services.finalise_result(actor=chair, dossier=dossier, round_=round_)

    # -- the scenario ----------------------------------------------------------------------------------------
    def hanoi_round(self, council: Council, round_: Round):
        b = self.b
        bat_trang = b.unit(Structure.CURRENT, Level.COMMUNE, "00577")
        district = b.district("018")
        # Complete the earlier demo dossiers: the submitted one waits for cb_battrang's review, the forwarded one
        # waits for vp_hanoi to put it into the round.
        for dossier in Dossier.objects.filter(product__producer__name__startswith="Cơ sở gốm Bát Tràng"):
            updates = {}
            if dossier.registration.keys() <= {"source"}:
                updates["registration"] = REGISTRATION
            if dossier.status == DossierStatus.SUBMITTED and dossier.review_deadline is None:
                updates["review_deadline"] = rules.review_deadline(dossier.submitted_at.date())
            if dossier.status == DossierStatus.FORWARDED and not dossier.stage_level:
                updates["stage_level"] = "province"
            if dossier.status == DossierStatus.IN_ROUND and not dossier.stage_level:
                updates["stage_level"] = "province"
            if updates:
                Dossier.objects.filter(pk=dossier.pk).update(**updates)
        if not ScoreSheet.objects.filter(rule_version__code="QD26_2026").exists():
            from evaluations.sheet_loader import load_files

            load_files()
        scorers = ["hd_chutich", "hd_thanhvien1", "hd_thanhvien2", "hd_thanhvien3", "hd_thanhvien4"]
        # Chair and three members have scored: quorum (4 of 5, chair included) → the chair's result page.
        waiting = self.dossier(
            self.product("Bình gốm men lam vẽ tay", 21, "Cơ sở gốm Minh Hải", bat_trang, district),
            "QD26_2026",
            DossierStatus.IN_ROUND,
            bat_trang,
            round_=round_,
            stage="province",
        )
        self.score(waiting, round_, scorers[:4], totals=[82, 79, 85, 80])
        # Scored by everyone and finalised: one 4★ in a draft decision for hd_thuky, one 3★ not yet in a decision.
        in_draft = self.dossier(
            self.product("Bộ ấm chén men ngọc", 21, "Công ty TNHH gốm Quang Vinh", bat_trang, district),
            "QD26_2026",
            DossierStatus.IN_ROUND,
            bat_trang,
            round_=round_,
            stage="province",
        )
        self.score(in_draft, round_, scorers, totals=[80, 78, 83, 81, 79], finalise=True)
        to_decide = self.dossier(
            self.product("Lọ hoa men rạn cổ", 21, "Cơ sở gốm Hùng Anh", bat_trang, district),
            "QD26_2026",
            DossierStatus.IN_ROUND,
            bat_trang,
            round_=round_,
            stage="province",
        )
        self.score(to_decide, round_, scorers, totals=[66, 63, 68, 65, 64], finalise=True)
        result = EvaluationResult.objects.filter(dossier=in_draft, round=round_, is_final=True).first()
        number = f"{self.today.year}12/QĐ-UBND"
        if (
            result is not None
            and not Decision.objects.filter(number=number).exists()
            and not result.decision_items.exists()
        ):
            decision_services.draft_decision(
                actor=self.users["hd_thuky"],
                council=council,
                number=number,
                issued_on=self.today,
                signer="Trần Sỹ Thanh",
                authority="UBND thành phố Hà Nội",
                result_ids=[result.pk],
            )
            b.counters.decisions += 1

    def hadong_district_round(self):
        """QĐ 148 (2023–7/2025): Quận Hà Đông's council recognised 3★ and forwarded ≥70 to the city."""
        b = self.b
        district = b.district("268")
        communes = b.communes_after(district)
        council, _created = Council.objects.get_or_create(
            name="Hội đồng đánh giá, phân hạng sản phẩm OCOP quận Hà Đông (2023–2025)",
            defaults={"level": "district", "unit": district, "established_by": "2150/QĐ-UBND"},
        )
        for username, role in (
            ("hd_chutich", "chair"),
            ("hd_thanhvien1", "member"),
            ("hd_thanhvien2", "member"),
            ("hd_thanhvien3", "member"),
            ("hd_thuky", "secretary"),
        ):
            CouncilMembership.objects.get_or_create(council=council, user=self.users[username], defaults={"role": role})
        round_, _created = Round.objects.get_or_create(
            name="Đánh giá, phân hạng sản phẩm OCOP quận Hà Đông năm 2024",
            defaults={
                "rule_version": b.rv["QD148_2023"],
                "level": "district",
                "unit": district,
                "council": council,
                "year": 2024,
                "intake_deadline": datetime.date(2024, 8, 31),
                "decision_deadline": datetime.date(2024, 12, 15),
                "status": Round.Status.SCORING,
            },
        )
        place = communes[0]
        review = self.dossier(
            self.product("Bánh tẻ làng Chàng Hà Đông", 6, "Hộ kinh doanh bánh tẻ Phú Lãm", place, district),
            "QD148_2023",
            DossierStatus.SUBMITTED,
            district,
            days_ago=4,
        )
        forwarded = self.dossier(
            self.product("Khăn lụa vẽ tay Vạn Phúc", 22, "Cơ sở lụa Vạn Phúc Xưa", place, district),
            "QD148_2023",
            DossierStatus.FORWARDED,
            district,
            stage="district",
        )
        scored = self.dossier(
            self.product("Giò chả Hà Đông", 8, "Hộ kinh doanh giò chả Yên Nghĩa", place, district),
            "QD148_2023",
            DossierStatus.IN_ROUND,
            district,
            round_=round_,
            stage="district",
        )
        self.score(
            scored,
            round_,
            ["hd_chutich", "hd_thanhvien1", "hd_thanhvien2"],
            paper=[
                {"part_a": Decimal(24), "part_b": Decimal(15), "part_c": Decimal(22), "minima_level": 4},
                {"part_a": Decimal(25), "part_b": Decimal(14), "part_c": Decimal(20), "minima_level": 4},
                {"part_a": Decimal(23), "part_b": Decimal(16), "part_c": Decimal(21), "minima_level": 3},
            ],
        )
        return review, forwarded, scored


def load_workflow_demo(builder, council: Council, round_: Round) -> None:
    demo = WorkflowDemo(builder)
    demo.hanoi_round(council, round_)
    demo.hadong_district_round()
