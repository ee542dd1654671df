"""Importing officers' spreadsheets: good rows, each kind of bad row, duplicates, idempotence, all-or-nothing."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from evaluations.models import AuditEntry, Certificate, Decision
from products.models import Producer, Product
from products.records.services import import_records
from tests.factories import UserFactory
from tests.products.import_helpers import csv_bytes, db_state, good_row, xlsx_bytes

pytestmark = pytest.mark.django_db


def errors_of(report):
    return [message for row in report.errors for message in row.messages()]


def test_good_rows_create_producers_products_decisions_and_certificates(units):
    user = UserFactory()
    rows = [good_row(1), good_row(2, stars="5", product_code="01-10030-2-2024"), good_row(3, commune="10030")]
    report = import_records(xlsx_bytes(rows), "ds.xlsx", actor=user)

    assert errors_of(report) == []
    assert report.written
    assert report.counts["rows.created"] == 3
    assert Producer.objects.count() == 3 and Product.objects.count() == 3
    assert Decision.objects.get().number == "1234/QĐ-UBND"
    cert = Certificate.objects.get(number="GCN-00002/2024")
    assert cert.stars == 5 and cert.is_current
    assert cert.issued_on == datetime.date(2024, 3, 5)
    assert cert.expires_on == datetime.date(2027, 3, 5)  # computed: 36 months
    assert cert.rule_version.code == "QD148_2023"  # inferred from the decision date
    assert cert.issuing_level == "central"  # 5★ under QĐ 148 is recognised by the centre
    assert Certificate.objects.get(number="GCN-00001/2024").issuing_level == "province"
    product = cert.product
    assert product.code == "01-10030-2-2024"
    assert product.province == units.hanoi and product.commune == units.phu_nghia
    assert product.product_set.number == 21
    assert product.producer.producer_type == "cooperative"
    assert product.search_name == "may tre dan phu nghia 2 htx may tre dan phu nghia 2"
    assert AuditEntry.objects.filter(action="certificate.imported", actor=user).count() == 3
    assert Product.history.filter(history_type="+").count() == 3


def test_reimporting_the_same_file_changes_nothing(units):
    data = xlsx_bytes([good_row(1), good_row(2)])
    import_records(data, "ds.xlsx")
    before = db_state()
    report = import_records(data, "ds.xlsx")
    assert report.counts["rows.unchanged"] == 2
    assert report.counts["rows.created"] == report.counts["rows.updated"] == 0
    assert db_state() == before


def test_changed_row_updates_by_certificate_number(units):
    import_records(xlsx_bytes([good_row(1)]), "ds.xlsx")
    report = import_records(xlsx_bytes([good_row(1, stars="3", product_name="Mây tre đan Phú Nghĩa mới")]), "ds.xlsx")
    assert report.counts["rows.updated"] == 1
    cert = Certificate.objects.get()
    assert cert.stars == 3 and cert.product.name == "Mây tre đan Phú Nghĩa mới"
    assert Product.objects.count() == 1
    entry = AuditEntry.objects.get(action="certificate.import_updated")
    assert entry.before["stars"] == 4 and entry.after["stars"] == 3


def test_rows_of_one_product_form_its_certificate_chain(units):
    old = good_row(1, product_code="01-10030-1-2020", certificate_number="GCN-OLD", decision_date="10/12/2020",
                   decision_number="99/QĐ-UBND", stars="3")  # fmt: skip
    new = good_row(1, product_code="01-10030-1-2020", certificate_number="GCN-NEW")
    import_records(csv_bytes([new, old]), "ds.csv")
    product = Product.objects.get()
    chain = {c.number: c for c in product.certificates.all()}
    assert chain["GCN-NEW"].is_current and not chain["GCN-OLD"].is_current
    assert chain["GCN-OLD"].replaced_by == chain["GCN-NEW"]
    assert chain["GCN-OLD"].rule_version.code == "QD1048_2019"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"commune": "Phu Nghiax"},
         "Dòng 2, cột Xã / phường: không tìm thấy “Phu Nghiax” trong tỉnh Thành phố Hà Nội — có phải “Xã Phú Nghĩa”?"),
        ({"product_set": "Gom su"}, "Dòng 2, cột Bộ sản phẩm: không tìm thấy bộ sản phẩm “Gom su”"),
        ({"product_set": "Cà phê"},
         "Dòng 2, cột Bộ sản phẩm: không tìm thấy bộ sản phẩm “Cà phê” — có phải “13. Cà phê, cacao”?"),
        ({"product_set": "27"}, "Dòng 2, cột Bộ sản phẩm: bộ sản phẩm số 27 không có (1–26)"),
        ({"stars": "6"}, "Dòng 2, cột Hạng sao: “6” không hợp lệ: hạng sao là 3, 4 hoặc 5"),
        ({"decision_date": "31/02/2024"}, "Dòng 2, cột Ngày quyết định: “31/02/2024” không phải ngày dd/mm/yyyy"),
        ({"decision_date": "hôm qua"}, "Dòng 2, cột Ngày quyết định: “hôm qua” không phải ngày dd/mm/yyyy"),
        ({"product_name": ""}, "Dòng 2, cột Tên sản phẩm: bắt buộc, đang để trống"),
        ({"province": "Ha Nol"}, "Dòng 2, cột Tỉnh / thành phố: không tìm thấy tỉnh “Ha Nol” — có phải “Thành phố Hà Nội”?"),
        ({"producer_type": "Câu lạc bộ"}, "Dòng 2, cột Loại hình chủ thể: loại hình “Câu lạc bộ” không rõ"),
        ({"product_code": "01-577-2024"}, "Dòng 2, cột Mã sản phẩm: “01-577-2024” không đúng dạng T-X-STT-YYYY"),
        ({"legacy_district": "Gia Lam", "commune": "Xa Bat Tranh"},
         "Dòng 2, cột Xã / phường: không tìm thấy “Xa Bat Tranh” trong tỉnh Thành phố Hà Nội — có phải “Xã Bát Tràng”?"),
        ({"legacy_district": "Huyện Gia Lân"},
         "Dòng 2, cột Huyện (cũ): không tìm thấy huyện cũ “Huyện Gia Lân” trong tỉnh Thành phố Hà Nội — có phải “Huyện Gia Lâm”?"),
        ({"legacy_district": "Gia Lâm", "commune": ""},
         "Dòng 2, cột Xã / phường: “Huyện Gia Lâm” (cũ) nay thuộc nhiều xã/phường (Xã Bát Tràng, Xã Gia Lâm)"),
        ({"rule_version": "QĐ 999"}, "Dòng 2, cột Quy định áp dụng: quy định “QĐ 999” không rõ"),
        ({"decision_date": "01/01/2018"}, "Dòng 2, cột Quy định áp dụng: không có quy định OCOP nào áp dụng ngày 01/01/2018"),
        ({"issuing_level": "Huyện", "stars": "5"}, "Dòng 2, cột Cấp công nhận: cấp huyện chỉ công nhận 3 sao"),
    ],
)  # fmt: skip
def test_each_kind_of_bad_row_is_reported_in_vietnamese_and_nothing_is_written(units, overrides, expected):
    before = db_state()
    report = import_records(xlsx_bytes([good_row(1), good_row(2, **overrides)]), "ds.xlsx")
    messages = errors_of(report)
    assert any(m.startswith(expected.replace("Dòng 2", "Dòng 3")) for m in messages), messages
    assert not report.written
    assert db_state() == before


def test_decision_date_in_the_future_is_refused(units):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    report = import_records(xlsx_bytes([good_row(1, decision_date=tomorrow)]), "ds.xlsx")
    assert errors_of(report) == [f"Dòng 2, cột Ngày quyết định: ngày {tomorrow} ở tương lai"]


def test_duplicates_inside_the_file_are_reported(units):
    rows = [
        good_row(1),
        good_row(2, certificate_number="gcn-00001/2024"),
        good_row(3, product_code="01-10030-3-2024"),
        good_row(4, product_code="01-10030-3-2024"),
        good_row(5, decision_date="06/03/2024"),
    ]
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    assert errors_of(report) == [
        "Dòng 3, cột Số giấy chứng nhận: “gcn-00001/2024” trùng với dòng 2",
        "Dòng 5, cột Mã sản phẩm: mã “01-10030-3-2024” đã dùng ở dòng 4 cho sản phẩm khác",
        "Dòng 6, cột Ngày quyết định: quyết định 1234/QĐ-UBND ở dòng 2 có ngày khác",
    ]
    assert Certificate.objects.count() == 0


def test_valid_rows_only_writes_the_good_rows(units):
    report = import_records(
        xlsx_bytes([good_row(1), good_row(2, stars="2"), good_row(3)]), "ds.xlsx", valid_rows_only=True
    )
    assert report.written and len(report.errors) == 1
    assert sorted(Certificate.objects.values_list("number", flat=True)) == ["GCN-00001/2024", "GCN-00003/2024"]


def test_legacy_commune_under_legacy_district_maps_to_the_current_commune(units):
    rows = [
        good_row(1, commune="Kiêu Kỵ", legacy_district="Gia Lâm"),
        good_row(2, commune="", legacy_district="018", province="01", registration_number=""),
    ]
    rows[1]["commune"] = "Bát Tràng"
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    assert errors_of(report) == []
    first = Certificate.objects.get(number="GCN-00001/2024").product
    assert first.commune == units.gia_lam_commune and first.legacy_district == units.gia_lam_old
    second = Certificate.objects.get(number="GCN-00002/2024").product
    assert second.commune == units.bat_trang


def test_old_province_name_resolves_to_its_successor(units):
    report = import_records(xlsx_bytes([good_row(1, province="Ha Noi", commune="phu nghia")]), "ds.xlsx")
    assert errors_of(report) == []


def test_a_certificate_of_one_product_cannot_take_another_products_code(units):
    import_records(xlsx_bytes([good_row(1, product_code="01-10030-1-2024"), good_row(2, product_code="01-10030-2-2024")]),
                   "ds.xlsx")  # fmt: skip
    before = db_state()
    rows = [good_row(5), good_row(2, certificate_number="GCN-00001/2024", product_code="01-10030-2-2024")]
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    assert errors_of(report) == [
        "Dòng 3, cột Mã sản phẩm: giấy chứng nhận GCN-00001/2024 thuộc sản phẩm khác (mã 01-10030-1-2024)"
    ]
    assert db_state() == before


def test_a_failing_write_is_rolled_back_whole(units):
    """A conflict only the database sees (the registration number is held by another producer): nothing stays."""
    import_records(xlsx_bytes([good_row(1, registration_number=""), good_row(2)]), "ds.xlsx")
    before = db_state()
    # New rows first (they are written before the conflicting update), then row 1 now gives producer 2's number.
    rows = [good_row(7), good_row(8), good_row(1, registration_number="0105000002")]
    report = import_records(xlsx_bytes(rows), "ds.xlsx")
    assert not report.written
    assert report.failure.startswith("Không ghi được, cơ sở dữ liệu không thay đổi")
    assert db_state() == before


def test_dry_run_reports_counts_without_writing(units):
    before = db_state()
    report = import_records(xlsx_bytes([good_row(1), good_row(2)]), "ds.xlsx", dry_run=True)
    assert report.counts["rows.created"] == 2 and report.counts["certificate.created"] == 2
    assert not report.written and db_state() == before


def test_rows_outside_the_officers_provinces_are_refused(units):
    report = import_records(
        xlsx_bytes([good_row(1, province="Ninh Bình", commune="Kim Sơn")]), "ds.xlsx",
        allowed_provinces={units.hanoi.pk},
    )  # fmt: skip
    assert errors_of(report) == ["Dòng 2, cột Tỉnh / thành phố: ngoài phạm vi đơn vị của bạn"]


def test_command_imports_and_reports_with_exit_codes(units, tmp_path, capsys):
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx_bytes([good_row(1)]))
    call_command("import_records", str(good), "--dry-run")
    assert Certificate.objects.count() == 0
    call_command("import_records", str(good))
    out = capsys.readouterr().out
    assert "1 dòng: 1 tạo mới, 0 cập nhật, 0 không đổi, 0 dòng lỗi" in out
    assert Certificate.objects.count() == 1

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([good_row(2), good_row(3, stars="sáu")]))
    with pytest.raises(CommandError) as failure:
        call_command("import_records", str(bad))
    assert failure.value.returncode == 1
    assert "Dòng 3, cột Hạng sao: “sáu” không hợp lệ" in capsys.readouterr().err
    assert Certificate.objects.count() == 1
    with pytest.raises(CommandError) as partial:
        call_command("import_records", str(bad), "--valid-rows-only")
    assert partial.value.returncode == 3
    assert Certificate.objects.count() == 2

    unreadable = tmp_path / "x.csv"
    unreadable.write_bytes("Tên sản phẩm;Hạng sao\n".encode("cp1258", errors="replace") + b"\xff\xfe")
    with pytest.raises(CommandError) as broken:
        call_command("import_records", str(unreadable))
    assert broken.value.returncode == 2


def test_names_differing_only_in_accents_need_the_accents_or_the_code(units):
    from tests.public_fixtures import unit

    tan_an = unit("current", "commune", "10101", "Xã Tân An", units.hanoi)
    unit("current", "commune", "10102", "Xã Tân Ân", units.hanoi)
    report = import_records(xlsx_bytes([good_row(1, commune="Tân An"), good_row(2, commune="tan an")]), "ds.xlsx")
    assert errors_of(report) == [
        "Dòng 3, cột Xã / phường: có nhiều xã/phường tên “tan an” trong tỉnh Thành phố Hà Nội: "
        "Xã Tân An (10101), Xã Tân Ân (10102) — ghi tên đủ dấu hoặc mã xã"
    ]
    assert report.rows[0].clean["commune"] == tan_an.pk


def test_a_later_file_with_a_new_certificate_relinks_the_existing_chain(units):
    code = "01-10030-1-2021"
    import_records(xlsx_bytes([good_row(1, product_code=code, certificate_number="GCN-2021", decision_date="01/06/2021",
                                        decision_number="7/QĐ-UBND", stars="3")]), "2021.xlsx")  # fmt: skip
    product = Product.objects.get()
    first_update = product.updated_at
    report = import_records(xlsx_bytes([good_row(1, product_code=code, certificate_number="GCN-2024")]), "2024.xlsx")
    assert report.counts["certificate.created"] == 1 and report.counts["product.created"] == 0
    old, new = Certificate.objects.get(number="GCN-2021"), Certificate.objects.get(number="GCN-2024")
    assert new.is_current and not old.is_current and old.replaced_by == new
    product.refresh_from_db()
    assert product.updated_at > first_update  # API clients syncing by updated_since see the new certificate


def test_certificates_issued_by_the_workflow_are_not_changed_by_a_file(units):
    from evaluations.models import Round
    from tests.factories import CouncilFactory, rule_version

    import_records(xlsx_bytes([good_row(1)]), "ds.xlsx")
    council = CouncilFactory(unit=units.hanoi)
    round_ = Round.objects.create(name="Đợt 1/2024", rule_version=rule_version("QD148_2023"), level="province",
                                  unit=units.hanoi, council=council, year=2024, intake_deadline="2024-01-31",
                                  decision_deadline="2024-03-31")  # fmt: skip
    Decision.objects.update(round=round_)
    before = db_state()
    report = import_records(xlsx_bytes([good_row(1, stars="5")]), "ds.xlsx")
    assert errors_of(report) == [
        "Dòng 2, cột Số giấy chứng nhận: giấy chứng nhận này do quy trình đánh giá cấp; không sửa bằng tệp nhập"
    ]
    assert db_state() == before
    assert import_records(xlsx_bytes([good_row(1)]), "ds.xlsx").counts["rows.unchanged"] == 1
