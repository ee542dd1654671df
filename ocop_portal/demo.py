"""Demo data modelled on the seed articles (Hà Nội 2019, Hà Đông 2020, Đông Hà 2021, Ý Yên 2023) plus the current
commune → province flow of QĐ 26/2026, with certificates in every state and one demo user per role.

Deterministic (a fixed random seed, natural keys everywhere) so running it twice changes nothing. Dates of the
"current" examples are anchored on the day it runs so the portal always shows valid, expiring, in-re-rating,
expired and revoked certificates.
"""

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from districts.models import AdminUnit, Council, CouncilMembership, Level, RoleAssignment, Structure, UnitTarget
from evaluations.models import (
    Certificate,
    Decision,
    DecisionItem,
    Dossier,
    DossierKind,
    DossierStatus,
    EvaluationResult,
    LocalAssessment,
    Outcome,
    Revocation,
    Round,
    RuleVersion,
)
from evaluations.rules import certificate_expiry
from evaluations.services.certificates import record_certificate
from products.models import Producer, ProducerType, Product, ProductSet, SalesPoint

from .auth import DEMO_PASSWORD
from .demo_workflow import load_workflow_demo

__all__ = ["DEMO_PASSWORD", "load_demo"]
SEED = 2019

# (username, full name, role, unit lookup) — unit lookups: ("current"|"legacy", level, code)
DEMO_USERS = [
    ("quantri", "Quản trị hệ thống", "administrator", None),
    ("vp_trunguong", "Văn phòng Điều phối NTM Trung ương", "central_office", None),
    ("vp_hanoi", "Văn phòng OCOP Hà Nội", "province_office", ("current", "province", "01")),
    ("vp_ninhbinh", "Văn phòng OCOP Ninh Bình", "province_office", ("current", "province", "37")),
    ("vp_quangtri", "Văn phòng OCOP Quảng Trị", "province_office", ("current", "province", "44")),
    ("cb_battrang", "Cán bộ xã Bát Tràng", "commune_officer", ("current", "commune", "00577")),
    ("cb_phunghia", "Cán bộ xã Phú Nghĩa", "commune_officer", ("current", "commune", "10030")),
    ("cb_hadong", "Cán bộ quận Hà Đông (hồ sơ cũ)", "district_officer", ("legacy", "district", "268")),
    ("cb_yyen", "Cán bộ huyện Ý Yên (hồ sơ cũ)", "district_officer", ("legacy", "district", "360")),
]
# Hà Nội province council (QĐ 26/2026 rounds): chair, members, secretary, advisory group.
COUNCIL_MEMBERS = [
    ("hd_chutich", "Nguyễn Văn Chủ Tịch", "chair"),
    ("hd_thanhvien1", "Trần Thị Thành Viên", "member"),
    ("hd_thanhvien2", "Lê Văn Thành Viên", "member"),
    ("hd_thanhvien3", "Phạm Thị Thành Viên", "member"),
    ("hd_thanhvien4", "Hoàng Văn Thành Viên", "member"),
    ("hd_thuky", "Đỗ Thị Thư Ký", "secretary"),
    ("to_tuvan", "Vũ Văn Tư Vấn", "advisory"),
]

# Product name stems per product set number (QĐ 26/2026 numbering).
PRODUCT_STEMS = {
    1: ["Rau mầm", "Bưởi Diễn", "Cam Canh", "Rau an toàn", "Nấm kim châm"],
    2: ["Trứng gà sạch", "Cá rô đồng", "Sữa bò tươi"],
    3: ["Gạo Bắc thơm số 7", "Gạo nếp cái hoa vàng", "Gạo hữu cơ"],
    4: ["Mật ong hoa nhãn", "Mật ong rừng"],
    6: ["Bún gạo", "Miến dong", "Bánh chưng", "Bánh cuốn", "Bánh tẻ"],
    7: ["Ô mai", "Mứt sen", "Dưa cà muối"],
    8: ["Giò chả", "Nem chua", "Ruốc nấm", "Chả cá"],
    9: ["Tương bần", "Nước mắm", "Tương ớt"],
    11: ["Chè búp", "Chè sen"],
    12: ["Trà hoa cúc", "Trà túi lọc lá sen"],
    13: ["Cà phê rang xay", "Cacao nguyên chất"],
    14: ["Rượu nếp cái", "Rượu làng Vân"],
    17: ["Nước ép gấc", "Sữa đậu nành"],
    18: ["Cao dược liệu", "Viên hoàn thảo dược"],
    19: ["Dầu gội bồ kết", "Xà phòng thảo mộc"],
    21: ["Gốm sứ", "Mây tre đan", "Sơn mài", "Khảm trai", "Tượng gỗ", "Nón lá"],
    22: ["Lụa tơ tằm", "Khăn thêu", "Áo dài thổ cẩm"],
    23: ["Hoa đào Nhật Tân", "Hoa lan"],
    24: ["Cây quất cảnh", "Bonsai"],
}
FAMOUS_PRODUCTS = [
    # (product, set, producer, type, current commune code, legacy district code, stars)
    ("Gốm sứ Bát Tràng", 21, "HTX Gốm sứ Bát Tràng", ProducerType.COOPERATIVE, "00577", "018", 5),
    ("Gạo Bắc thơm số 7", 3, "HTX Nông nghiệp Tam Hưng", ProducerType.COOPERATIVE, "10144", "278", 4),
    ("Gạo hữu cơ Đồng Phú", 3, "HTX Nông nghiệp hữu cơ Đồng Phú", ProducerType.COOPERATIVE, "10015", "277", 4),
    ("Sữa bò tươi Phù Đổng", 2, "HTX Chế biến bò sữa Phù Đổng", ProducerType.COOPERATIVE, "00541", "018", 4),
    ("Bún gạo Minh Dương", 6, "Công ty cổ phần thực phẩm Minh Dương", ProducerType.ENTERPRISE, "00454", "017", 4),
    ("Lụa tơ tằm Vạn Phúc", 22, "Cơ sở lụa tơ tằm Triệu Văn Mão", ProducerType.HOUSEHOLD, "09556", "268", 4),
    (
        "Rau mầm Thanh Hà",
        1,
        "HTX Sản xuất và dịch vụ nông nghiệp Thanh Hà",
        ProducerType.COOPERATIVE,
        "10114",
        "278",
        3,
    ),
    ("Nấm kim châm Kinoco", 1, "Công ty TNHH xuất nhập khẩu Kinoco", ProducerType.ENTERPRISE, "10015", "277", 3),
    (
        "Mây tre đan Phú Nghĩa",
        21,
        "Tổ hợp tác mây tre đan Phú Nghĩa",
        ProducerType.COOPERATIVE_GROUP,
        "10030",
        "277",
        3,
    ),
]
# Hà Nội 2019: 18 of 30 districts took part.
HANOI_2019_DISTRICTS = ["017", "018", "279", "277", "020", "278", "250", "016", "271", "273",
                        "274", "275", "276", "280", "281", "282", "269", "268"]  # fmt: skip


@dataclass
class Counters:
    producers: int = 0
    products: int = 0
    certificates: int = 0
    decisions: int = 0
    dossiers: int = 0
    users: int = 0


class DemoBuilder:
    def __init__(self, today: datetime.date):
        self.today = today
        self.rng = random.Random(SEED)
        self.rv = {rv.code: rv for rv in RuleVersion.objects.all()}
        self.sets = {ps.number: ps for ps in ProductSet.objects.filter(taxonomy="QD26_2026")}
        self.counters = Counters()
        self._stt: dict[str, int] = {}

    # ---- lookups -------------------------------------------------------------------------------------------
    def unit(self, structure, level, code) -> AdminUnit:
        return AdminUnit.objects.get(structure=structure, level=level, code=code)

    def district(self, code) -> AdminUnit:
        return self.unit(Structure.LEGACY, Level.DISTRICT, code)

    def communes_after(self, district: AdminUnit) -> list[AdminUnit]:
        """Current communes that took over a legacy district, in code order (deterministic)."""
        return list(district.successors.filter(level=Level.COMMUNE).order_by("code"))

    # ---- writers (natural keys → idempotent) -----------------------------------------------------------------
    def producer(self, name, ptype, commune, legacy_district=None, reg=None, **extra) -> Producer:
        reg = reg or f"DEMO-{abs(hash_name(name)) % 10**8:08d}"
        producer, created = Producer.objects.get_or_create(
            producer_type=ptype,
            registration_number=reg,
            defaults={
                "name": name,
                "commune": commune,
                "legacy_district": legacy_district,
                "representative_name": self.rng.choice(
                    ["Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Văn Dũng", "Phạm Thị Hoa"]
                ),
                "representative_gender": self.rng.choice(["male", "female"]),
                "representative_ethnicity": "Kinh",
                "address": f"{commune.name}, {commune.province.name}",
                "phone": f"09{abs(hash_name(name)) % 10**8:08d}",
                "email": f"lienhe{abs(hash_name(name)) % 10**6}@example.vn",
                **extra,
            },
        )
        self.counters.producers += created
        return producer

    def product(self, name, set_number, producer, commune, legacy_district, code) -> Product:
        product, created = Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "product_set": self.sets[set_number],
                "producer": producer,
                "commune": commune,
                "legacy_district": legacy_district,
                "description": f"{name} — sản phẩm OCOP của {producer.name}.",
                "traceability_code": f"TX-{code}",
            },
        )
        self.counters.products += created
        return product

    def next_code(self, province_code, unit_code, year, district_code=None) -> str:
        key = f"{province_code}-{district_code or ''}-{unit_code}-{year}"
        self._stt[key] = self._stt.get(key, 0) + 1
        middle = f"{district_code}-{unit_code}" if district_code else unit_code
        return f"{province_code}-{middle}-{self._stt[key]}-{year}"

    def decision(self, number, issued_on, authority, level, rule_version, unit, signer, round_=None) -> Decision:
        decision, created = Decision.objects.get_or_create(
            authority=authority,
            number=number,
            defaults={
                "issued_on": issued_on,
                "signer": signer,
                "level": level,
                "unit": unit,
                "rule_version": self.rv[rule_version],
                "round": round_,
                "status": Decision.Status.ISSUED,
            },
        )
        self.counters.decisions += created
        return decision

    def certify(self, product, decision, stars, number, score=None, **extra) -> Certificate:
        DecisionItem.objects.get_or_create(
            decision=decision, product=product, defaults={"stars": stars, "score": score}
        )
        cert = Certificate.objects.filter(number=number).first()
        if cert is None:
            cert = record_certificate(
                product=product,
                number=number,
                stars=stars,
                issued_on=decision.issued_on,
                rule_version=decision.rule_version,
                issuing_authority=decision.authority,
                issuing_level=decision.level,
                decision=decision,
                score=score,
                note="demo",
            )
            if extra:
                Certificate.objects.filter(pk=cert.pk).update(**extra)
                cert.refresh_from_db()
            self.counters.certificates += 1
        return cert

    # ---- scenario pieces ---------------------------------------------------------------------------------------
    def users(self):
        User = get_user_model()
        for username, full_name, role, unit_key in DEMO_USERS + [(u, n, None, None) for u, n, _ in COUNCIL_MEMBERS]:
            # Vietnamese names read family name first; get_full_name() prints first_name first, so keep it whole.
            first, last = full_name, ""
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@ocop.example.vn"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = role in ("administrator", "central_office")
                user.is_superuser = role == "administrator"
                user.save()
                self.counters.users += 1
            elif (user.first_name, user.last_name) != (first, last):
                User.objects.filter(pk=user.pk).update(first_name=first, last_name=last)
            if role:
                unit = self.unit(*unit_key) if unit_key else None
                RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)

    def councils(self):
        hanoi = self.unit(Structure.CURRENT, Level.PROVINCE, "01")
        council, _ = Council.objects.get_or_create(
            name="Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội",
            defaults={
                "level": "province",
                "unit": hanoi,
                "established_by": "1234/QĐ-UBND",
                "established_on": datetime.date(2026, 6, 1),
            },
        )
        User = get_user_model()
        for username, _, role in COUNCIL_MEMBERS:
            CouncilMembership.objects.get_or_create(
                council=council, user=User.objects.get(username=username), defaults={"role": role}
            )
        central, _ = Council.objects.get_or_create(
            name="Hội đồng đánh giá, phân hạng sản phẩm OCOP cấp trung ương",
            defaults={"level": "central", "unit": None},
        )
        legacy_hanoi = self.unit(Structure.LEGACY, Level.PROVINCE, "01")
        city_2019, _ = Council.objects.get_or_create(
            name="Hội đồng đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội (2019–2020)",
            defaults={"level": "province", "unit": legacy_hanoi, "is_active": False},
        )
        yyen = self.district("360")
        yyen_council, _ = Council.objects.get_or_create(
            name="Hội đồng đánh giá, phân hạng sản phẩm OCOP huyện Ý Yên",
            defaults={"level": "district", "unit": yyen, "is_active": False},
        )
        return council, central, city_2019, yyen_council

    def hanoi_2019(self, city_council):
        """316 dossiers at district level, 301 to the city; 6 potential 5★, 207 4★, 88 3★ (two decisions)."""
        legacy_hanoi = self.unit(Structure.LEGACY, Level.PROVINCE, "01")
        round_ = Round.objects.get_or_create(
            name="Đánh giá, phân hạng sản phẩm OCOP thành phố Hà Nội năm 2019",
            defaults={
                "rule_version": self.rv["QD1048_2019"],
                "level": "province",
                "unit": legacy_hanoi,
                "council": city_council,
                "year": 2019,
                "intake_deadline": datetime.date(2019, 10, 31),
                "decision_deadline": datetime.date(2020, 6, 30),
                "status": Round.Status.CLOSED,
            },
        )[0]
        dec1 = self.decision(
            "6245/QĐ-UBND",
            datetime.date(2019, 12, 27),
            "UBND thành phố Hà Nội",
            "province",
            "QD1048_2019",
            legacy_hanoi,
            "Nguyễn Văn Sửu",
            round_,
        )
        dec2 = self.decision(
            "2586/QĐ-UBND",
            datetime.date(2020, 6, 15),
            "UBND thành phố Hà Nội",
            "province",
            "QD1048_2019",
            legacy_hanoi,
            "Nguyễn Văn Sửu",
            round_,
        )
        # Outcomes in a fixed order: Hà Đông's 15 first (8 4★, 7 3★), then the rest of the city.
        outcomes = ["p5"] * 6 + [4] * 207 + [3] * 88
        hadong = [4] * 8 + [3] * 7
        rest = outcomes.copy()
        for s in hadong:
            rest.remove(s)
        self.rng.shuffle(rest)
        plan = [("268", s) for s in hadong]
        others = [d for d in HANOI_2019_DISTRICTS if d != "268"]
        plan += [(others[i % len(others)], s) for i, s in enumerate(rest)]
        # Decision 1 (end 2019): 26 products = 2 potential 5★ + 13 4★ + 11 3★; decision 2: the other 275.
        first_batch = {"p5": 2, 4: 13, 3: 11}
        serial = 0
        for index, (district_code, outcome) in enumerate(plan):
            district = self.district(district_code)
            communes = self.communes_after(district)
            commune = communes[index % len(communes)]
            set_number = self.rng.choice(list(PRODUCT_STEMS))
            stem = self.rng.choice(PRODUCT_STEMS[set_number])
            ptype = self.rng.choice(
                [
                    ProducerType.COOPERATIVE,
                    ProducerType.ENTERPRISE,
                    ProducerType.HOUSEHOLD,
                    ProducerType.COOPERATIVE_GROUP,
                ]
            )
            place = district.name.split(" ", 1)[1]
            producer = self.producer(f"{ptype_prefix(ptype)} {stem} {place} {index + 1}", ptype, commune, district)
            code = self.next_code("01", f"{10000 + index:05d}", 2019, district_code=district.code)
            product = self.product(f"{stem} {place}", set_number, producer, commune, district, code)
            dossier = self.dossier(
                product, "QD1048_2019", round_, district, DossierStatus.DECIDED, submitted=datetime.date(2019, 9, 20)
            )
            score = {"p5": 91.5, 4: 78.0, 3: 60.5}[outcome] + (index % 7) * 0.5
            EvaluationResult.objects.get_or_create(
                dossier=dossier,
                round=round_,
                attempt=1,
                defaults={
                    "mean_score": min(score, 100),
                    "stars": 5 if outcome == "p5" else outcome,
                    "outcome": Outcome.RECOGNISED,
                    "forwarded": outcome == "p5",
                    "is_final": True,
                    "details": {"source": "demo: Hà Nội 2019"},
                },
            )
            if outcome == "p5":
                continue  # potential 5★: forwarded to the centre, no city certificate
            batch = dec1 if first_batch.get(outcome, 0) > 0 else dec2
            if batch is dec1:
                first_batch[outcome] -= 1
            serial += 1
            self.certify(product, batch, outcome, f"HN-2019-{serial:04d}", score=score)
        # 15 dossiers that stayed below 50 points at district level (316 received, 301 forwarded).
        for index in range(15):
            district = self.district(others[index % len(others)])
            commune = self.communes_after(district)[0]
            producer = self.producer(f"Hộ kinh doanh thử nghiệm {index + 1}", ProducerType.HOUSEHOLD, commune, district)
            product, created = Product.objects.get_or_create(
                producer=producer,
                name=f"Sản phẩm chưa đạt {index + 1}",
                defaults={"product_set": self.sets[7], "commune": commune, "legacy_district": district},
            )
            self.counters.products += created
            self.dossier(
                product,
                "QD1048_2019",
                None,
                district,
                DossierStatus.NOT_RECOGNISED,
                submitted=datetime.date(2019, 9, 1),
            )

    def hadong_2020(self, city_council):
        """Hà Đông ends 2020 with 23 products ≥3★ (13 4★, 10 3★): 15 from 2019 plus 8 in late 2020."""
        legacy_hanoi = self.unit(Structure.LEGACY, Level.PROVINCE, "01")
        district = self.district("268")
        dec = self.decision(
            "5610/QĐ-UBND",
            datetime.date(2020, 12, 18),
            "UBND thành phố Hà Nội",
            "province",
            "QD1048_2019",
            legacy_hanoi,
            "Nguyễn Văn Sửu",
        )
        communes = self.communes_after(district)
        for index, stars in enumerate([4] * 5 + [3] * 3):
            stem = [
                "Lụa tơ tằm",
                "Khăn thêu",
                "Bánh tẻ",
                "Giò chả",
                "Tượng gỗ",
                "Rượu nếp cái",
                "Mứt sen",
                "Trà hoa cúc",
            ][index]
            set_number = next(n for n, stems in PRODUCT_STEMS.items() if stem in stems)
            producer = self.producer(
                f"Cơ sở {stem} Hà Đông {index + 1}", ProducerType.HOUSEHOLD, communes[index % len(communes)], district
            )
            product = self.product(
                f"{stem} Hà Đông",
                set_number,
                producer,
                producer.commune,
                district,
                self.next_code("01", f"{11000 + index:05d}", 2020, district_code="268"),
            )
            self.certify(product, dec, stars, f"HN-2020-HD-{index + 1:03d}", score=75 if stars == 4 else 60)
        # The 4 sales points the district built.
        for name, operator in [
            ("Điểm giới thiệu và bán sản phẩm OCOP — HTX Vụn Art", None),
            ("Điểm giới thiệu và bán sản phẩm OCOP — cơ sở lụa tơ tằm Triệu Văn Mão", "Cơ sở lụa tơ tằm Triệu Văn Mão"),
            ("Điểm giới thiệu và bán sản phẩm OCOP — Xuân Cường Handicraft", None),
            ("Cửa hàng rau an toàn chợ Hà Đông", None),
        ]:
            SalesPoint.objects.get_or_create(
                name=name,
                defaults={
                    "unit": communes[0],
                    "legacy_district": district,
                    "address": "Quận Hà Đông, Hà Nội",
                    "operator": Producer.objects.filter(name=operator).first() if operator else None,
                    "opened_on": datetime.date(2020, 10, 1),
                },
            )
        sp = SalesPoint.objects.get(name__endswith="Triệu Văn Mão")
        sp.products.add(*Product.objects.filter(legacy_district=district, certificates__isnull=False).distinct()[:6])
        UnitTarget.objects.get_or_create(
            unit=district,
            year=2025,
            min_stars=3,
            stars=None,
            defaults={
                "target_count": 60,
                "since_year": 2021,
                "source": "Báo cáo quận Hà Đông, 2020",
                "description": "Đến năm 2025 có thêm 60 sản phẩm OCOP đạt từ 3 sao trở lên",
            },
        )

    def donga_2021(self):
        """Đông Hà (Quảng Trị): 2021 → 2 4★ + 6 3★; target 2022: 5 4★ and 35 3★."""
        district = self.district("461")
        legacy_qt = district.parent
        dec = self.decision(
            "3120/QĐ-UBND",
            datetime.date(2021, 12, 10),
            "UBND tỉnh Quảng Trị",
            "province",
            "QD1048_2019",
            legacy_qt,
            "Võ Văn Hưng",
        )
        communes = self.communes_after(district)
        stems = [
            "Nước mắm Cửa Việt",
            "Trà hoa cúc",
            "Mật ong rừng",
            "Bún gạo",
            "Cà phê rang xay",
            "Rau an toàn",
            "Bánh tẻ",
            "Chả cá",
        ]
        for index, stars in enumerate([4, 4, 3, 3, 3, 3, 3, 3]):
            stem = stems[index]
            set_number = next((n for n, s in PRODUCT_STEMS.items() if stem in s), 9)
            ptype = [ProducerType.ENTERPRISE, ProducerType.COOPERATIVE][index % 2]
            producer = self.producer(
                f"{ptype_prefix(ptype)} {stem} Đông Hà", ptype, communes[index % len(communes)], district
            )
            product = self.product(
                f"{stem} Đông Hà",
                set_number,
                producer,
                producer.commune,
                district,
                self.next_code("45", f"{19330 + index:05d}", 2021, district_code="461"),
            )
            self.certify(product, dec, stars, f"QT-2021-DH-{index + 1:03d}", score=72 if stars == 4 else 58)
        UnitTarget.objects.get_or_create(
            unit=district,
            year=2022,
            min_stars=4,
            stars=4,
            defaults={"target_count": 5, "description": "Năm 2022: ít nhất 5 sản phẩm đạt 4 sao"},
        )
        UnitTarget.objects.get_or_create(
            unit=district,
            year=2022,
            min_stars=3,
            stars=3,
            defaults={"target_count": 35, "description": "Năm 2022: 35 sản phẩm đạt 3 sao cấp tỉnh"},
        )

    def yyen_2023(self):
        """Ý Yên (Nam Định → Ninh Bình): 30 3★ by end 2023 (12 HTX, 6 DN, 12 from 8 households), 9 new in 2023
        (1 4★), 4 re-recognised in 2023. The 2023 certificates reach their expiry in late 2026."""
        district = self.district("360")
        legacy_nd = district.parent
        communes = {c.code: c for c in self.communes_after(district)}
        commune_list = list(communes.values())
        dec_2021 = self.decision(
            "2780/QĐ-UBND",
            datetime.date(2020, 12, 22),
            "UBND tỉnh Nam Định",
            "province",
            "QD1048_2019",
            legacy_nd,
            "Phạm Đình Nghị",
        )
        dec_2023 = self.decision(
            "2655/QĐ-UBND",
            datetime.date(2023, 12, 20),
            "UBND tỉnh Nam Định",
            "province",
            "QD148_2023",
            legacy_nd,
            "Phạm Đình Nghị",
        )
        # 30 3★ products: 12 cooperatives, 6 enterprises, 12 from 8 households.
        # The first four belong to the two households whose products were re-recognised in 2023; six more
        # households hold the other eight household products (12 products from 8 households).
        owners = ([("household", None)] * 4 + [("household", i % 6) for i in range(8)]
                  + [("cooperative", i) for i in range(12)] + [("enterprise", i) for i in range(6)])  # fmt: skip
        stems = ["Gạo nếp cái hoa vàng", "Bánh chưng", "Miến dong", "Nem chua", "Tương bần", "Mật ong hoa nhãn",
                 "Chè búp", "Rượu nếp cái", "Giò chả", "Ô mai", "Tượng gỗ", "Nón lá"]  # fmt: skip
        legacy_yc = self.unit(Structure.LEGACY, Level.COMMUNE, "13870")
        yen_cuong = legacy_yc.successors.first() or commune_list[0]
        new_in_2023 = 8  # plus one 4★ below = 9 new ≥3★
        rerated = [
            ("Dầu lạc nguyên chất An Nhiên", 10, "Hộ kinh doanh Nguyễn Văn Dũng", yen_cuong),
            ("Dầu vừng nguyên chất An Nhiên", 10, "Hộ kinh doanh Nguyễn Văn Dũng", yen_cuong),
            ("Tương ớt Quang Minh Sài Gòn", 9, "Hộ kinh doanh Quang Minh", commune_list[-1]),
            ("Sa tế OIHINSU", 9, "Hộ kinh doanh Quang Minh", commune_list[-1]),
        ]
        for index, (ptype, owner) in enumerate(owners):
            commune = commune_list[index % len(commune_list)]
            if index < 4:  # the four re-recognised products belong to two of the eight households
                name, set_number, owner_name, commune = rerated[index]
                producer = self.producer(owner_name, ProducerType.HOUSEHOLD, commune, district)
            else:
                stem = stems[index % len(stems)]
                set_number = next(n for n, s in PRODUCT_STEMS.items() if stem in s)
                name = f"{stem} Ý Yên {index + 1}"
                owner_name = {
                    "cooperative": f"HTX {stem} Ý Yên {owner + 1}",
                    "enterprise": f"Công ty TNHH {stem} Ý Yên {owner + 1}",
                    "household": f"Hộ kinh doanh Ý Yên {owner + 1}",
                }[ptype]
                producer = self.producer(owner_name, ptype, commune, district)
            is_new = 4 <= index < 4 + new_in_2023
            year = 2023 if is_new else 2020
            product = self.product(
                name,
                set_number,
                producer,
                commune,
                district,
                self.next_code("36", f"{13800 + index:05d}", year, district_code="360"),
            )
            if is_new:
                self.certify(product, dec_2023, 3, f"ND-2023-YY-{index + 1:03d}", score=62)
            else:
                self.certify(product, dec_2021, 3, f"ND-2020-YY-{index + 1:03d}", score=59)
                if index < 4:  # re-recognised in 2023
                    self.certify(product, dec_2023, 3, f"ND-2023-YY-CNL-{index + 1:03d}", score=61)
        producer = self.producer("HTX Nông nghiệp Yên Ninh", ProducerType.COOPERATIVE, commune_list[1], district)
        product = self.product(
            "Gạo tám thơm Yên Ninh",
            3,
            producer,
            commune_list[1],
            district,
            self.next_code("36", "13849", 2023, district_code="360"),
        )
        self.certify(product, dec_2023, 4, "ND-2023-YY-4S-001", score=73)
        UnitTarget.objects.get_or_create(
            unit=district,
            year=2025,
            min_stars=3,
            stars=None,
            defaults={"target_count": 40, "description": "Đến năm 2025 có ít nhất 40 sản phẩm OCOP đạt 3 sao trở lên"},
        )
        # One 2023 certificate has its re-rating filed in the window (180–120 days before expiry).
        cert = Certificate.objects.get(number="ND-2023-YY-005")
        if cert.rerating_filed_on is None:
            Certificate.objects.filter(pk=cert.pk).update(
                rerating_filed_on=cert.expires_on - datetime.timedelta(days=150)
            )

    def current_flow(self, council, central):
        """QĐ 26/2026: commune checks → province council → (5★) centre. Dates anchored on today."""
        hanoi = self.unit(Structure.CURRENT, Level.PROVINCE, "01")
        round_ = Round.objects.get_or_create(
            name=f"Đợt 1 năm {self.today.year} — Hội đồng OCOP thành phố Hà Nội",
            defaults={
                "rule_version": self.rv["QD26_2026"],
                "level": "province",
                "unit": hanoi,
                "council": council,
                "year": self.today.year,
                "intake_deadline": datetime.date(self.today.year, 10, 30),
                "decision_deadline": datetime.date(self.today.year, 12, 30),
                "status": Round.Status.SCORING,
            },
        )[0]
        issued_valid = self.today - datetime.timedelta(days=120)
        dec = self.decision(
            f"{self.today.year}01/QĐ-UBND",
            issued_valid,
            "UBND thành phố Hà Nội",
            "province",
            "QD26_2026",
            hanoi,
            "Trần Sỹ Thanh",
        )
        dec5 = self.decision(
            f"{self.today.year}05/QĐ-BNNMT",
            issued_valid,
            "Bộ Nông nghiệp và Môi trường",
            "central",
            "QD26_2026",
            None,
            "Bộ trưởng",
        )
        for index, (name, set_number, producer_name, ptype, commune_code, district_code, stars) in enumerate(
            FAMOUS_PRODUCTS
        ):
            commune = self.unit(Structure.CURRENT, Level.COMMUNE, commune_code)
            district = self.district(district_code)
            producer = self.producer(producer_name, ptype, commune, district)
            product = self.product(
                name, set_number, producer, commune, district, self.next_code("01", commune_code, self.today.year)
            )
            self.certify(
                product,
                dec5 if stars == 5 else dec,
                stars,
                f"HN-{self.today.year}-{index + 1:04d}",
                score={5: 92, 4: 80, 3: 63}[stars],
            )
        # Certificates in the other states, anchored on today.
        examples = [
            ("expiring", self.today - datetime.timedelta(days=365 * 3 - 40), {}),
            ("in_rerating", self.today - datetime.timedelta(days=365 * 3 - 150), {"filed": 20}),
            ("expired", self.today - datetime.timedelta(days=365 * 3 + 30), {}),
            ("revoked", self.today - datetime.timedelta(days=400), {"revoke": True}),
        ]
        commune = self.unit(Structure.CURRENT, Level.COMMUNE, "10030")
        for index, (label, issued_on, flags) in enumerate(examples):
            producer = self.producer(
                f"HTX Mây tre đan Phú Nghĩa {index + 2}", ProducerType.COOPERATIVE, commune, self.district("277")
            )
            product = self.product(
                f"Mây tre đan Phú Nghĩa mẫu {index + 2}",
                21,
                producer,
                commune,
                self.district("277"),
                self.next_code("01", "10030", issued_on.year),
            )
            rv = "QD148_2023" if issued_on < datetime.date(2025, 7, 6) else "QD26_2026"
            dec_x = self.decision(
                f"{issued_on:%Y%m}-{index}/QĐ-UBND",
                issued_on,
                "UBND thành phố Hà Nội",
                "province",
                rv,
                hanoi,
                "Trần Sỹ Thanh",
            )
            cert = self.certify(product, dec_x, 3, f"HN-MAU-{label.upper()}", score=60)
            if flags.get("filed") and cert.rerating_filed_on is None:
                Certificate.objects.filter(pk=cert.pk).update(
                    rerating_filed_on=self.today - datetime.timedelta(days=flags["filed"])
                )
            if flags.get("revoke"):
                Revocation.objects.get_or_create(
                    certificate=cert,
                    defaults={
                        "ground": "c",
                        "revoked_on": self.today - datetime.timedelta(days=30),
                        "decision_number": f"{self.today.year}-TH/QĐ-UBND",
                        "authority": "UBND thành phố Hà Nội",
                        "reason": "Vi phạm quy định về ghi nhãn hàng hóa (kết luận thanh tra).",
                        "producer_notified_on": self.today - datetime.timedelta(days=29),
                    },
                )
        # Dossiers in progress for the officer screens: draft, submitted (commune review), forwarded to the round.
        bat_trang = self.unit(Structure.CURRENT, Level.COMMUNE, "00577")
        for index, status in enumerate(
            [DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.FORWARDED, DossierStatus.IN_ROUND]
        ):
            producer = self.producer(
                f"Cơ sở gốm Bát Tràng {index + 1}", ProducerType.HOUSEHOLD, bat_trang, self.district("018")
            )
            product, created = Product.objects.get_or_create(
                producer=producer,
                name=f"Bình gốm men rạn {index + 1}",
                defaults={"product_set": self.sets[21], "commune": bat_trang, "legacy_district": self.district("018")},
            )
            self.counters.products += created
            dossier = self.dossier(
                product,
                "QD26_2026",
                round_ if status == DossierStatus.IN_ROUND else None,
                bat_trang,
                status,
                submitted=None if status == DossierStatus.DRAFT else self.today - datetime.timedelta(days=10 - index),
            )
            if status in (DossierStatus.FORWARDED, DossierStatus.IN_ROUND):
                LocalAssessment.objects.get_or_create(
                    dossier=dossier,
                    defaults={
                        "local_raw_material": "Đất sét trắng Trúc Thôn và cao lanh địa phương",
                        "local_labour": "12 lao động tại xã",
                        "idea_origin": "Nghề gốm truyền thống làng Bát Tràng",
                        "local_identity": "Men rạn cổ đặc trưng Bát Tràng",
                        "conclusion": "Hồ sơ đầy đủ, đề nghị Hội đồng cấp tỉnh đánh giá.",
                        "assessed_on": self.today - datetime.timedelta(days=5),
                    },
                )
        return round_

    def dossier(self, product, rule_version, round_, intake_unit, status, submitted=None) -> Dossier:
        dossier, created = Dossier.objects.get_or_create(
            product=product,
            rule_version=self.rv[rule_version],
            kind=DossierKind.FIRST,
            defaults={
                "round": round_,
                "intake_unit": intake_unit,
                "status": status,
                "sample_count": 5,
                "registration": {"source": "demo"},
                "submitted_at": datetime.datetime.combine(submitted, datetime.time(9)).astimezone()
                if submitted
                else None,
            },
        )
        self.counters.dossiers += created
        return dossier


def ptype_prefix(ptype) -> str:
    return {ProducerType.COOPERATIVE: "HTX", ProducerType.ENTERPRISE: "Công ty TNHH", ProducerType.HOUSEHOLD: "Hộ kinh doanh",
            ProducerType.COOPERATIVE_GROUP: "Tổ hợp tác"}.get(ptype, "Cơ sở")  # fmt: skip


def hash_name(text: str) -> int:
    """A stable hash (Python's hash() changes between runs)."""
    value = 0
    for char in text:
        value = (value * 131 + ord(char)) % (2**61 - 1)
    return value


@transaction.atomic
def load_demo(today: datetime.date) -> Counters:
    builder = DemoBuilder(today)
    builder.users()
    council, central, city_2019, _ = builder.councils()
    builder.hanoi_2019(city_2019)
    builder.hadong_2020(city_2019)
    builder.donga_2021()
    builder.yyen_2023()
    round_ = builder.current_flow(council, central)
    load_workflow_demo(builder, council, round_)  # ocop_portal/demo_workflow.py: something to do for each demo user
    return builder.counters


def expiry_of(issued_on):  # re-exported for the README's worked example
    return certificate_expiry(issued_on)
