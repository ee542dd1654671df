"""Loading the QĐ 26/2026 score sheets into the database: faithful to the file, idempotent, refuses bad data."""

import copy
import json
import time

import pytest
from django.core.management import CommandError, call_command

from evaluations.models import Criterion, CriterionOption, ScoreSheet, SelfAssessment, SheetHeading, SheetPart
from evaluations.sheet_loader import SheetLoadError, default_files, load_data, load_files
from tests.factories import DossierFactory
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = pytest.mark.django_db

DATA_FILE = default_files()[0]


@pytest.fixture
def data():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def row_counts():
    return tuple(m.objects.count() for m in (ScoreSheet, SheetPart, SheetHeading, Criterion, CriterionOption))


def test_default_files_skip_corrections():
    assert [p.name for p in default_files()] == ["qd-26-2026.json"]


def test_database_agrees_with_file(loaded_sheets, data, django_assert_max_num_queries):  # noqa: F811
    sheets = ScoreSheet.objects.filter(rule_version__code="QD26_2026").select_related("product_set")
    assert sheets.count() == 26
    by_number = {s.product_set.number: s for s in sheets}
    assert sorted(by_number) == list(range(1, 27))
    for sheet in data["sheets"]:
        db_sheet = by_number[sheet["number"]]
        assert db_sheet.product_set.taxonomy == "QD26_2026"
        assert db_sheet.total_points == 100
        assert db_sheet.title == f"Bộ sản phẩm: {sheet['name']}"
        assert db_sheet.eliminations == sheet["eliminations"]
        assert db_sheet.line == sheet["line"]
        assert len(db_sheet.content_hash) == 64
        parts = list(db_sheet.parts.all())
        assert [(p.code, p.points) for p in parts] == [("A", 40), ("B", 25), ("C", 35)]
        criteria = [c for p in sheet["parts"] for h in p["headings"] for c in h["criteria"]]
        db_criteria = list(Criterion.objects.filter(sheet=db_sheet).order_by("order"))
        assert [c.number for c in db_criteria] == [c["number"] for c in criteria]
        assert [c.points for c in db_criteria] == [c["points"] for c in criteria]
        assert [c.line for c in db_criteria] == [c["line"] for c in criteria]
        options = [
            (c["number"], o["key"], o["points"], o["min_stars"], o["eliminates"])
            for c in criteria
            for o in c["options"]
        ]
        db_options = list(
            CriterionOption.objects.filter(criterion__sheet=db_sheet)
            .order_by("criterion__order", "order")
            .values_list("criterion__number", "key", "points", "min_stars", "eliminates")
        )
        assert db_options == options
        heading_sum = sum(h.points for h in SheetHeading.objects.filter(part__sheet=db_sheet))
        assert heading_sum == sum(c.points for c in db_criteria) == 100


def test_details_kept(loaded_sheets):  # noqa: F811
    c11 = Criterion.objects.get(sheet__product_set__number=1, sheet__rule_version__code="QD26_2026", number="1.1")
    assert c11.description == "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh"
    assert c11.line == 755 and c11.heading.number == "1" and c11.heading.line == 753
    c52 = Criterion.objects.get(sheet__product_set__number=1, number="5.2")
    assert c52.condition == "Chỉ áp dụng khi có câu chuyện sản phẩm"
    tea = Criterion.objects.get(sheet__product_set__number=11, number="6.2.1")
    assert tea.subheading == "6.2"
    assert [s["number"] for s in tea.heading.subheadings] == ["6.1", "6.2"]
    tourism = Criterion.objects.get(sheet__product_set__number=26, number="8")
    assert tourism.heading_level is True
    assert tourism.options.first().group.startswith("Trường hợp 1:")
    yes_no = Criterion.objects.get(sheet__product_set__number=1, number="2.4")
    assert [(o.text, o.implied) for o in yes_no.options.all()] == [("Không", True), ("Có", True)]
    note = Criterion.objects.get(sheet__product_set__number=21, number="6.2").options.last()
    assert note.eliminates and note.from_note and note.points == 0
    part_a = SheetPart.objects.get(sheet__product_set__number=26, code="A")
    assert part_a.header_points == 40 and part_a.corrections == ["S26-A-header"]
    sheet26 = ScoreSheet.objects.get(product_set__number=26)
    assert "S26-A-header" in {c["id"] for c in sheet26.corrections}


def test_loading_twice_changes_nothing(loaded_sheets):  # noqa: F811
    before = row_counts()
    hashes = dict(ScoreSheet.objects.values_list("id", "content_hash"))
    [report] = load_files()
    assert report.count("unchanged") == 26
    assert report.count("updated") == report.count("created") == 0
    assert report.rows_created == report.rows_updated == report.rows_deleted == 0
    assert row_counts() == before == (26, 78, 291, 787, 2603)
    assert dict(ScoreSheet.objects.values_list("id", "content_hash")) == hashes


def test_command_is_fast_and_idempotent(loaded_sheets):  # noqa: F811
    from io import StringIO

    out = StringIO()
    call_command("load_score_sheets", stdout=out)
    assert "26 không đổi" in out.getvalue() and "0 cập nhật" in out.getvalue()


def test_first_load_from_empty_database(data):
    # Inside this test's transaction: remove the session's sheets and load from nothing.
    ScoreSheet.objects.all().delete()
    started = time.monotonic()
    report = load_data(data=data, name="qd-26-2026.json")
    assert time.monotonic() - started < 10
    assert report.count("created") == 26
    assert report.rows_created == 26 + 78 + 291 + 787 + 2603
    assert row_counts() == (26, 78, 291, 787, 2603)
    again = load_data(data=data, name="qd-26-2026.json")
    assert again.count("unchanged") == 26 and again.rows_updated == 0


def test_changed_sheet_is_updated_in_place(loaded_sheets, data):  # noqa: F811
    ids = dict(Criterion.objects.filter(sheet__product_set__number=1).values_list("number", "id"))
    option_ids = dict(
        CriterionOption.objects.filter(criterion__sheet__product_set__number=1, criterion__number="1.1").values_list(
            "key", "id"
        )
    )
    changed = copy.deepcopy(data)
    c11 = changed["sheets"][0]["parts"][0]["headings"][0]["criteria"][0]
    c11["options"][0]["text"] = "Sản phẩm được trồng trên địa bàn cấp xã, tỷ lệ dưới 50%"
    c11["options"].append({"key": "d", "text": "Lựa chọn thêm", "points": 0, "min_stars": None, "eliminates": False})
    report = load_data(data=changed, name="changed.json")
    assert report.count("updated") == 1 and report.count("unchanged") == 25
    assert (report.rows_created, report.rows_updated, report.rows_deleted) == (1, 2, 0)  # option d; sheet, option a
    assert dict(Criterion.objects.filter(sheet__product_set__number=1).values_list("number", "id")) == ids
    option = CriterionOption.objects.get(pk=option_ids["a"])
    assert option.text.endswith("tỷ lệ dưới 50%")
    # Back to the committed file: option d goes away (nothing refers to it), the others keep their ids.
    back = load_data(data=data, name="qd-26-2026.json")
    assert (back.count("updated"), back.rows_deleted) == (1, 1)
    assert (
        dict(
            CriterionOption.objects.filter(
                criterion__sheet__product_set__number=1, criterion__number="1.1"
            ).values_list("key", "id")
        )
        == option_ids
    )


def test_removing_a_used_option_is_refused(loaded_sheets, data):  # noqa: F811
    criterion = Criterion.objects.get(sheet__product_set__number=1, number="1.2")
    used = criterion.options.get(key="c")
    SelfAssessment.objects.create(dossier=DossierFactory(), criterion=criterion, option=used, points=2)
    before = row_counts()
    changed = copy.deepcopy(data)
    c12 = changed["sheets"][0]["parts"][0]["headings"][0]["criteria"][1]
    c12["options"].pop()  # option c (2 points) goes; b takes its 2 points so the arithmetic stays sound
    c12["options"][1]["points"] = 2
    with pytest.raises(SheetLoadError) as exc:
        load_data(data=changed, name="changed.json")
    message = str(exc.value)
    assert message.startswith("Bộ 1, tiêu chí 1.2: lựa chọn c")
    assert "Set 1, criterion 1.2: option c" in message
    assert row_counts() == before
    assert CriterionOption.objects.get(pk=used.pk).points == 2


def test_corrupted_file_is_refused_and_nothing_written(data, tmp_path):
    ScoreSheet.objects.all().delete()
    broken = copy.deepcopy(data)
    # Set 12, criterion 3.2 (1 point): its best option now claims 4 points.
    broken["sheets"][11]["parts"][0]["headings"][2]["criteria"][1]["options"][-1]["points"] = 4
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("load_score_sheets", str(good), str(path))
    message = str(exc.value)
    assert "broken.json" in message
    assert "Bộ 12, tiêu chí 3.2: điểm tối đa các lựa chọn (4) khác điểm tiêu chí (1)" in message
    assert "Set 12, criterion 3.2" in message
    assert row_counts() == (0, 0, 0, 0, 0)  # the good file listed first was not loaded either


def test_not_a_sheet_file_is_refused(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="không phải JSON hợp lệ / x.json is not valid JSON"):
        call_command("load_score_sheets", str(path))
    path.write_text('{"corrections": []}', encoding="utf-8")
    with pytest.raises(CommandError, match="không phải tệp phiếu đánh giá"):
        call_command("load_score_sheets", str(path))


def test_unknown_rule_version_is_refused(data):
    other = copy.deepcopy(data)
    other["rule_version"] = "QD999"
    with pytest.raises(SheetLoadError, match="không có phiên bản quy định 'QD999'"):
        load_data(data=other, name="other.json")
