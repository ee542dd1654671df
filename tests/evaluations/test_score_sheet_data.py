"""The committed QĐ 26/2026 score-sheet data: arithmetic, shape, and spot checks against the legal text."""

import copy
import json
from pathlib import Path

import pytest

from evaluations.score_sheets import parse_qd26
from evaluations.score_sheets.validation import validate_sheet_file

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "evaluations" / "score_sheets" / "qd-26-2026.json"
CORRECTIONS = ROOT / "evaluations" / "score_sheets" / "qd-26-2026.corrections.json"
SOURCE = Path("/work/shared/reference/qd-26-2026-QD-TTg.txt")


@pytest.fixture(scope="module")
def data():
    return json.loads(DATA.read_text(encoding="utf-8"))


def sheet(data, number):
    return next(s for s in data["sheets"] if s["number"] == number)


def criterion(data, number, crit):
    for part in sheet(data, number)["parts"]:
        for heading in part["headings"]:
            for c in heading["criteria"]:
                if c["number"] == crit:
                    return c
    raise KeyError((number, crit))


def all_criteria(data):
    return [c for s in data["sheets"] for p in s["parts"] for h in p["headings"] for c in h["criteria"]]


def test_committed_file_validates(data):
    assert validate_sheet_file(data) == []
    assert data["rule_version"] == "QD26_2026"
    assert data["source"] == "Quyết định 26/2026/QĐ-TTg, Phụ lục II"


def test_26_sheets_totalling_100(data):
    assert [s["number"] for s in data["sheets"]] == list(range(1, 27))
    for s in data["sheets"]:
        assert s["total"] == 100
        assert sum(p["points"] for p in s["parts"]) == 100
        assert {p["code"]: p["points"] for p in s["parts"]} == {"A": 40, "B": 25, "C": 35}


def test_counts(data):
    counts = parse_qd26.count(data)
    print(f"\nQĐ 26/2026 score sheets: {counts}")
    assert counts["sheets"] == 26
    assert 250 <= counts["headings"] <= 320
    assert 700 <= counts["criteria"] <= 850
    # 2,534 printed "□" plus one printed as "o" (set 7, criterion 7), plus implied yes/no options and options
    # derived from eliminating notes
    assert 2500 <= counts["options"] <= 2700
    printed = sum(
        1 for c in all_criteria(data) for o in c["options"] if not o.get("implied") and not o.get("from_note")
    )
    assert printed == 2535


def test_every_product_sheet_has_elimination_clauses(data):
    for s in data["sheets"][:25]:
        assert s["eliminations"], s["number"]
        assert "loại khi" in s["eliminations"][0]
    # Set 26 (tourism services) prints no "Hồ sơ bị loại khi" clause in the decision.
    assert sheet(data, 26)["eliminations"] == []


def test_option_keys_in_order(data):
    for c in all_criteria(data):
        assert [o["key"] for o in c["options"]] == [chr(ord("a") + i) for i in range(len(c["options"]))]


@pytest.mark.parametrize(
    ("number", "crit", "text", "points", "option_points", "stars"),
    [
        # set 1, line 755: "1.1. Nguồn gốc sản phẩm 3", options 1 / 2 / 3
        (1, "1.1", "Nguồn gốc sản phẩm", 3, [1, 2, 3], [None, None, None]),
        # set 1, line 779: 1.3 Gia tăng giá trị, best option marked *****
        (1, "1.3", "Gia tăng giá trị", 3, [1, 2, 3], [None, None, 5]),
        # set 1, line 1021: 5.2 conditional
        (1, "5.2", "Cấu trúc câu chuyện sản phẩm", 2, [0, 1, 2], [None, None, None]),
        # set 1, line 1054: 6.1 Kích thước, hình dạng bề ngoài, "Đồng đều****"
        (1, "6.1", "Kích thước, hình dạng bề ngoài", 2, [0, 1, 2], [None, None, 4]),
        # set 11, line 5627: 6.2.1 Màu nước (three-level numbering)
        (11, "6.2.1", "Màu nước", 3, [0, 1, 2, 3], [None] * 4),
        # set 19, line 8873 (detached letters "Nguồn nguyên liệ u"): 1.1 with *** on the lowest option
        (19, "1.1", "Nguồn nguyên liệu", 4, [1, 2, 4, 0], [3, None, None, None]),
        # set 26, line 11770: 1.1 Bộ phận điều phối quản lý và điều hành dịch vụ
        (26, "1.1", "Bộ phận điều phối quản lý và điều hành dịch vụ", 3, [1, 3], [None, None]),
        # set 26, line 11896: 3.5 Sở hữu trí tuệ, *** then ****
        (26, "3.5", "Sở hữu trí tuệ", 3, [1, 2, 3], [3, 4, None]),
    ],
)
def test_spot_checks(data, number, crit, text, points, option_points, stars):
    c = criterion(data, number, crit)
    assert c["text"] == text
    assert c["points"] == points
    assert [o["points"] for o in c["options"]] == option_points
    assert [o["min_stars"] for o in c["options"]] == stars


def test_spot_check_texts(data):
    c = criterion(data, 1, "1.3")
    assert c["options"][2]["text"].startswith("Ứng dụng công nghệ tiên tiến trong sơ chế, bảo quản (nâng cao")
    assert "*" not in c["options"][2]["text"]
    assert criterion(data, 1, "5.2")["condition"] == "Chỉ áp dụng khi có câu chuyện sản phẩm"
    assert criterion(data, 1, "1.1")["description"] == "Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh"
    assert sheet(data, 1)["name"] == "Rau, củ, quả, hạt tươi"
    assert sheet(data, 12)["name"] == "Sản phẩm trà từ thực vật khác"
    assert sheet(data, 26)["parts"][0]["name"] == "SẢN PHẨM VÀ SỨC MẠNH CỘNG ĐỒNG"
    assert sheet(data, 1)["notes"] == [
        "Ghi chú: Dấu sao là yêu cầu tối thiểu phải đạt theo các cấp độ sao (*** - 3 sao; **** - 4 sao; ***** - 5 sao)"
    ]


def test_set_26_groups_and_heading_level_criteria(data):
    c = criterion(data, 26, "8")
    assert c.get("heading_level") is True
    assert [o["group"][:13] for o in c["options"]] == ["Trường hợp 1:"] * 2 + ["Trường hợp 2:"] * 2
    assert max(o["points"] for o in c["options"]) == c["points"] == 3


def test_eliminating_notes_become_options(data):
    c = criterion(data, 21, "6.2")
    last = c["options"][-1]
    assert last["eliminates"] is True and last["from_note"] is True and last["points"] == 0
    assert last["text"] == "Nếu sản phẩm vi phạm sở hữu trí tuệ, sẽ bị loại bỏ"
    assert last["text"] in sheet(data, 21)["eliminations"]


def test_implied_yes_no_options(data):
    c = criterion(data, 1, "2.4")
    assert [(o["text"], o["points"], o.get("implied")) for o in c["options"]] == [("Không", 0, True), ("Có", 1, True)]


def test_corrections_are_recorded_and_applied(data):
    ids = {c["id"] for c in data["corrections"]}
    assert "S26-A-header" in ids
    part_a = sheet(data, 26)["parts"][0]
    assert part_a["header_points"] == 40 and part_a["corrections"] == ["S26-A-header"]
    assert criterion(data, 4, "7")["options"][2]["points"] == 3
    assert criterion(data, 11, "6.1.1")["options"][1]["points"] == 1
    for c in data["corrections"]:
        assert {"id", "sheet", "field", "text_says", "data_uses", "line", "reason"} <= set(c)
    assert data["corrections"] == json.loads(CORRECTIONS.read_text(encoding="utf-8"))["corrections"]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda d: d["sheets"][11]["parts"][0]["headings"][2]["criteria"][1]["options"][-1].update(points=4),
            "Bộ 12, tiêu chí 3.2: điểm tối đa các lựa chọn (4) khác điểm tiêu chí (1)",
        ),
        (lambda d: d["sheets"][0]["parts"][1].update(points=24), "Bộ 1, phần B: điểm phần (24) khác quy định (25)"),
        (lambda d: d["sheets"][2]["parts"][0]["headings"][0].update(points=17), "Bộ 3, đề mục 1: tổng điểm"),
        (
            lambda d: d["sheets"][4]["parts"][0]["headings"][0]["criteria"][0]["options"][1].update(key="a"),
            "Bộ 5, tiêu chí 1.1: khóa lựa chọn trùng",
        ),
        (lambda d: d["sheets"][0]["parts"][0].update(corrections=["NOPE"]), "Bộ 1, phần A: sửa lỗi không rõ 'NOPE'"),
        (
            lambda d: (
                d["sheets"][0]["parts"][0]["headings"][0]["criteria"][2]["options"][1].update(min_stars=5)
                or d["sheets"][0]["parts"][0]["headings"][0]["criteria"][2]["options"][2].update(min_stars=4)
            ),
            "Bộ 1, tiêu chí 1.3: lựa chọn b (5 sao, 2 điểm) thấp hơn lựa chọn c (4 sao, 3 điểm)",
        ),
        (lambda d: d["sheets"][25].update(total=90), "Bộ 26: tổng điểm bộ (90"),
    ],
)
def test_corrupted_copy_is_rejected(data, mutate, expected):
    broken = copy.deepcopy(data)
    mutate(broken)
    errors = validate_sheet_file(broken)
    messages = [str(e) for e in errors]
    assert any(m.startswith(expected) for m in messages), messages
    assert all(" / Set " in m for m in messages)


def test_header_misprint_without_correction_is_rejected(data):
    broken = copy.deepcopy(data)
    broken["sheets"][25]["parts"][0]["header_points"] = 35
    messages = [str(e) for e in validate_sheet_file(broken)]
    assert any(m.startswith("Bộ 26, phần A: tiêu đề ghi 35 điểm nhưng thang điểm là 40") for m in messages)


@pytest.mark.skipif(not SOURCE.exists(), reason="legal text not available")
def test_parser_reproduces_committed_file(data):
    assert parse_qd26.build(SOURCE, CORRECTIONS) == data


@pytest.mark.skipif(not SOURCE.exists(), reason="legal text not available")
def test_parser_refuses_wrong_correction(tmp_path):
    corrections = json.loads(CORRECTIONS.read_text(encoding="utf-8"))
    for c in corrections["corrections"]:
        if c["id"] == "S4-7c-points":
            c["text_says"] = 12
    path = tmp_path / "corrections.json"
    path.write_text(json.dumps(corrections, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(parse_qd26.ParseError):
        parse_qd26.build(SOURCE, path)
