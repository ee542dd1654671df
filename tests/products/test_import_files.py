"""Real files as officers send them: xlsx from openpyxl, CSV with and without a BOM, a sheet saved by a
spreadsheet program with a title row, merged header cells and blank rows at the end; the template itself."""

import datetime
import io

import pytest
from django.core.management import call_command
from openpyxl import Workbook, load_workbook

from evaluations.models import Certificate
from products.records.columns import COLUMNS, TITLES
from products.records.reader import ReadError, parse_date, read_file
from products.records.services import import_records
from tests.products.import_helpers import as_lists, csv_bytes, good_row, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bom", [True, False])
def test_csv_in_utf8_with_or_without_bom(units, bom):
    data = csv_bytes([good_row(1), good_row(2)], bom=bom)
    assert data.startswith(b"\xef\xbb\xbf") is bom
    report = import_records(data, "ds.csv")
    assert report.written and report.counts["rows.created"] == 2
    assert Certificate.objects.get(number="GCN-00001/2024").product.name == "Mây tre đan Phú Nghĩa 1"


def test_csv_with_semicolons_as_excel_writes_it_in_vietnamese_locales(units):
    report = import_records(csv_bytes([good_row(1)], delimiter=";"), "ds.csv")
    assert report.written


def test_csv_not_in_utf8_is_refused_with_a_clear_message():
    data = ";".join(TITLES).encode("cp1252", errors="replace") + "\nMây tre".encode("utf-16")
    with pytest.raises(ReadError, match="UTF-8"):
        read_file(data, "ds.csv")


def spreadsheet_program_file(rows) -> bytes:
    """Like a province's own list: a merged title, a two-row header with merged group cells, Excel dates,
    unaccented and upper-case headers, a notes column of its own, and formatted blank rows at the end."""
    workbook = Workbook()
    sheet = workbook.active
    width = len(COLUMNS) + 1
    sheet.append(["DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN NĂM 2024"] + [None] * (width - 1))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    upper = []
    lower = []
    for column in COLUMNS:
        if column.key in ("decision_number", "decision_date"):
            upper.append("Quyết định công nhận")
            lower.append("Số quyết định" if column.key == "decision_number" else "Ngày QĐ")
        else:
            upper.append(column.title.upper() if column.key != "commune" else "Xa / Phuong")
            lower.append(None)
    sheet.append(upper + ["Ghi chú"])
    sheet.append(lower + [None])
    # Ordinary columns span both header rows; the decision group spans its two sub-columns.
    for index, column in enumerate(COLUMNS, start=1):
        if column.key not in ("decision_number", "decision_date"):
            sheet.merge_cells(start_row=2, start_column=index, end_row=3, end_column=index)
    first = [i for i, c in enumerate(COLUMNS, start=1) if c.key == "decision_number"][0]
    sheet.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 1)
    for values in as_lists(rows):
        sheet.append(values + ["ghi chú riêng"])
    date_column = [i for i, c in enumerate(COLUMNS, start=1) if c.key == "decision_date"][0]
    sheet.cell(4, date_column).value = datetime.datetime(2024, 3, 5)  # a real Excel date
    sheet.cell(4, date_column).number_format = "DD/MM/YYYY"
    for r in range(4 + len(rows), 4 + len(rows) + 30):
        sheet.cell(r, 1).number_format = "@"  # formatted but empty, as spreadsheets save them
        sheet.cell(r, 2).value = "  "
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_file_with_merged_header_cells_and_trailing_empty_rows(units):
    data = spreadsheet_program_file([good_row(1), good_row(2, decision_date="5/3/2024")])
    sheet = read_file(data, "danh-sach.xlsx")
    assert set(sheet.columns) == {c.key for c in COLUMNS}
    assert [number for number, _values in sheet.rows] == [4, 5]
    assert sheet.unknown_headers == ["Ghi chú"]
    report = import_records(data, "danh-sach.xlsx")
    assert [m for r in report.errors for m in r.messages()] == []
    assert report.counts["rows.created"] == 2
    assert set(Certificate.objects.values_list("issued_on", flat=True)) == {datetime.date(2024, 3, 5)}


def test_errors_point_to_the_spreadsheet_row_numbers(units):
    data = spreadsheet_program_file([good_row(1), good_row(2, commune="Phu Nghiax")])
    report = import_records(data, "danh-sach.xlsx")
    assert report.errors[0].messages()[0].startswith("Dòng 5, cột Xã / phường: không tìm thấy “Phu Nghiax”")


def test_xlsx_without_a_recognisable_header_is_refused():
    workbook = Workbook()
    workbook.active.append(["a", "b", "c"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(ReadError, match="dòng tiêu đề"):
        read_file(out.getvalue(), "x.xlsx")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("05/03/2024", datetime.date(2024, 3, 5)), ("5/3/2024", datetime.date(2024, 3, 5)),
     ("05-03-2024", datetime.date(2024, 3, 5)), ("05.03.2024", datetime.date(2024, 3, 5)),
     ("2024-03-05", datetime.date(2024, 3, 5)), (45356, datetime.date(2024, 3, 5)),
     (datetime.datetime(2024, 3, 5, 0, 0), datetime.date(2024, 3, 5)), ("05/03/2024 00:00:00", datetime.date(2024, 3, 5))],
)  # fmt: skip
def test_dates_as_officers_write_them_and_excel_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_template_command_writes_the_documented_columns_and_imports_empty(tmp_path, suffix, units):
    path = tmp_path / f"mau.{suffix}"
    call_command("import_records", "--template", str(path), stdout=io.StringIO())
    if suffix == "xlsx":
        workbook = load_workbook(path)
        header = [c.value for c in workbook.worksheets[0][1]]
        assert workbook.sheetnames == ["Danh sách OCOP", "Hướng dẫn"]
    else:
        header = path.read_text(encoding="utf-8-sig").strip().split(",")
    assert header == TITLES
    filled = read_file(path.read_bytes(), path.name)
    assert filled.rows == [] and set(filled.columns) == {c.key for c in COLUMNS}


def test_the_fast_xlsx_reader_reads_what_openpyxl_reads(units):
    from products.records import xlsx_fast
    from products.records.reader import _openpyxl_grid

    def trimmed(grid):
        rows = [[None if value == "" else value for value in row] for row in grid]  # both mean an empty cell
        for row in rows:
            while row and row[-1] in (None, ""):
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        return rows

    for data in (spreadsheet_program_file([good_row(1), good_row(2)]), xlsx_bytes([good_row(3, stars=4)])):
        fast = trimmed(xlsx_fast.read_grid(data))
        assert fast == trimmed(_openpyxl_grid(data))
    assert fast[1][TITLES.index("Hạng sao")] == 4  # numbers stay numbers
    program = trimmed(xlsx_fast.read_grid(spreadsheet_program_file([good_row(1)])))
    assert program[0][0] == program[0][5] == "DANH SÁCH SẢN PHẨM OCOP ĐƯỢC CÔNG NHẬN NĂM 2024"  # merged title
    assert isinstance(program[3][TITLES.index("Ngày quyết định")], datetime.datetime)  # an Excel date


def test_a_million_formatted_empty_rows_cost_nothing(units):
    """Spreadsheet programs save formatting down to the last row of the sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(TITLES)
    sheet.append(as_lists([good_row(1)])[0])
    sheet.cell(1_048_576, 1).number_format = "@"
    sheet.cell(1_048_576, 2).value = ""
    out = io.BytesIO()
    workbook.save(out)
    from products.records import xlsx_fast

    assert len(xlsx_fast.read_grid(out.getvalue())) == 2  # the empty rows are never built
    read = read_file(out.getvalue(), "ds.xlsx")
    assert [number for number, _values in read.rows] == [2]
