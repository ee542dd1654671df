"""The four rule versions of the OCOP programme (DESIGN.md §1 and Điều 11 of QĐ 26/2026)."""

import datetime

from django.db import migrations

BANDS = [30, 50, 70, 90]

RULE_VERSIONS = [
    {
        "code": "QD1048_2019",
        "title": "Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP (sửa đổi bởi QĐ 781/QĐ-TTg năm 2020)",
        "decision_number": "1048/QĐ-TTg",
        "signed_on": datetime.date(2019, 8, 21),
        "effective_from": datetime.date(2019, 8, 21),
        "effective_to": datetime.date(2023, 2, 23),
        "part_a_points": 35,
        "part_b_points": 25,
        "part_c_points": 40,
        "recognition_levels": {"3": "province", "4": "province", "5": "central"},
        "forward_thresholds": {"district": 50, "province": 90},
        "has_district_level": True,
        "notes": "Huyện chấm và chuyển hồ sơ từ 50 điểm; tỉnh công nhận 3–4 sao; trung ương 5 sao (tỉnh chuyển từ 90).",
    },
    {
        "code": "QD148_2023",
        "title": "Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP",
        "decision_number": "148/QĐ-TTg",
        "signed_on": datetime.date(2023, 2, 24),
        "effective_from": datetime.date(2023, 2, 24),
        "effective_to": datetime.date(2025, 7, 5),
        "part_a_points": 40,
        "part_b_points": 25,
        "part_c_points": 35,
        "recognition_levels": {"3": "district", "4": "province", "5": "central"},
        "forward_thresholds": {"district": 70, "province": 90},
        "has_district_level": True,
        "notes": "Hội đồng cấp huyện công nhận 3 sao (chuyển từ 70); cấp tỉnh 4 sao (chuyển từ 90); trung ương 5 sao.",
    },
    {
        "code": "QD148_1489_2025",
        "title": "QĐ 148/QĐ-TTg sửa đổi, bổ sung bởi QĐ 1489/QĐ-TTg ngày 06/7/2025",
        "decision_number": "148/QĐ-TTg + 1489/QĐ-TTg",
        "signed_on": datetime.date(2025, 7, 6),
        "effective_from": datetime.date(2025, 7, 6),
        # Điều 11.2 QĐ 26/2026: ceases 60 days after 22/5/2026.
        "effective_to": datetime.date(2026, 7, 21),
        "part_a_points": 40,
        "part_b_points": 25,
        "part_c_points": 35,
        "recognition_levels": {"3": "province", "4": "province", "5": "central"},
        "forward_thresholds": {"province": 90},
        "has_district_level": False,
        "notes": "Bỏ cấp huyện: xã kiểm tra hồ sơ; tỉnh công nhận 3–4 sao; trung ương 5 sao.",
    },
    {
        "code": "QD26_2026",
        "title": "Bộ tiêu chí và quy trình đánh giá, phân hạng sản phẩm OCOP",
        "decision_number": "26/2026/QĐ-TTg",
        "signed_on": datetime.date(2026, 5, 22),
        "effective_from": datetime.date(2026, 5, 22),
        "effective_to": None,
        "part_a_points": 40,
        "part_b_points": 25,
        "part_c_points": 35,
        "recognition_levels": {"3": "province", "4": "province", "5": "central"},
        "forward_thresholds": {"province": 90},
        "has_district_level": False,
        "notes": "Xã kiểm tra hồ sơ (Mẫu 03, 15 ngày làm việc, không chấm điểm); tỉnh công nhận 3–4 sao và chuyển "
        "sản phẩm từ 90 điểm (tiềm năng 5 sao); Bộ Nông nghiệp và Môi trường công nhận 5 sao; nếu trung ương "
        "chấm dưới 90, tỉnh vẫn có thể công nhận 3–4 sao.",
    },
]


def forwards(apps, schema_editor):
    RuleVersion = apps.get_model("evaluations", "RuleVersion")
    for row in RULE_VERSIONS:
        RuleVersion.objects.update_or_create(code=row["code"], defaults={**row, "band_thresholds": BANDS})


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
