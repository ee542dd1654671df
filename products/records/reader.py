"""Reading an officer's spreadsheet (xlsx or CSV) into rows keyed by the template's columns.

Real files are messy: a title row or two above the header, header cells merged over several columns or rows,
UTF-8 with or without a byte-order mark, dates typed as text ("05/3/2024") or stored as Excel dates, and blank
rows at the end. Rows keep their spreadsheet row number so errors can point to "Dòng 14".
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .columns import ALIASES, header_key

HEADER_SEARCH_ROWS = 15


class ReadError(Exception):
    """The file cannot be read at all (wrong format, no header): nothing is imported."""


@dataclass
class Sheet:
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (row number, {column key: raw value})
    columns: dict[str, int] = field(default_factory=dict)  # column key -> 0-based column index
    header_row: int = 0
    unknown_headers: list[str] = field(default_factory=list)


def read_file(data: bytes, filename: str) -> Sheet:
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        grid = _xlsx_grid(data)
    elif name.endswith((".csv", ".txt")):
        grid = _csv_grid(data)
    else:
        raise ReadError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
    return _to_sheet(grid)


def _xlsx_grid(data: bytes) -> list[list]:
    from . import xlsx_fast

    try:
        return xlsx_fast.read_grid(data)
    except Exception:  # noqa: BLE001 — any oddity: let openpyxl read it (slower, same values)
        return _openpyxl_grid(data)


def _openpyxl_grid(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:
        raise ReadError(_("Không đọc được tệp Excel: %(error)s") % {"error": exc}) from exc
    sheet = workbook.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    # A merged cell holds its value in the top-left cell only: spread it over the range (header cells mostly).
    for merged in sheet.merged_cells.ranges:
        value = sheet.cell(merged.min_row, merged.min_col).value
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r - 1 < len(grid):
                    row = grid[r - 1]
                    row.extend([None] * (c - len(row)))
                    row[c - 1] = value
    return grid


def _csv_grid(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")  # with or without BOM
    except UnicodeDecodeError as exc:
        raise ReadError(_("Tệp CSV phải ở mã UTF-8 (Excel: Lưu dưới dạng “CSV UTF-8”).")) from exc
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(row) for row in csv.reader(io.StringIO(text), dialect)]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_headers(cells) -> dict[str, int]:
    found = {}
    for index, cell in enumerate(cells):
        key = ALIASES.get(header_key(cell)) if not _blank(cell) else None
        if key and key not in found:
            found[key] = index
    return found


def _to_sheet(grid: list[list]) -> Sheet:
    best, best_row, best_top = {}, -1, -1
    for index, cells in enumerate(grid[:HEADER_SEARCH_ROWS]):
        top = index
        found = _match_headers(cells)
        if index + 1 < len(grid):
            # Two-row headers (a merged group over sub-headers): the lower row names the column where it can.
            below = grid[index + 1]
            lower = _match_headers(below)
            merged = {**found}
            for key, col in lower.items():
                merged.setdefault(key, col)
            if len(lower) > len(found) // 2 and len(merged) > len(found):
                found, index = merged, index + 1
        if len(found) > len(best):
            best, best_row, best_top = found, index, top
    if len(best) < 3:
        raise ReadError(
            _("Không tìm thấy dòng tiêu đề của mẫu (cần các cột như “Tên sản phẩm”, “Số giấy chứng nhận”…).")
        )
    sheet = Sheet(columns=best, header_row=best_row + 1)
    unknown = {}
    for header in grid[best_top : best_row + 1]:
        for i, cell in enumerate(header):
            if not _blank(cell) and i not in best.values():
                unknown.setdefault(i, str(cell).strip())
    sheet.unknown_headers = list(unknown.values())
    for offset, cells in enumerate(grid[best_row + 1 :], start=best_row + 2):
        values = {key: (cells[col] if col < len(cells) else None) for key, col in best.items()}
        if all(_blank(v) for v in values.values()):
            continue  # blank lines, trailing rows formatted but empty
        if _is_header_again(values):
            continue  # the lower header row of a two-row header, repeated headers
        sheet.rows.append((offset, values))
    return sheet


def _is_header_again(values: dict) -> bool:
    name = values.get("product_name")
    if not _blank(name) and ALIASES.get(header_key(name)) != "product_name":
        return False  # the usual case, decided on one cell
    return all(_blank(v) or ALIASES.get(header_key(v)) == key for key, v in values.items())


def parse_date(value) -> datetime.date | None:
    """dd/mm/yyyy as officers write it (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd), or an Excel date."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        if 1 <= value < 2958466:
            result = from_excel(value)
            return result.date() if isinstance(result, datetime.datetime) else result
        raise ValueError(value)
    text = str(value).strip()
    if " " in text:
        text = text.split(" ", 1)[0]  # "05/03/2024 00:00:00"
    for separator in ("/", "-", "."):
        parts = text.split(separator)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            if len(parts[0]) == 4:
                year, month, day = (int(p) for p in parts)
            else:
                day, month, year = (int(p) for p in parts)
                if len(parts[2]) == 2:
                    year += 2000
            return datetime.date(year, month, day)
    raise ValueError(value)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())
