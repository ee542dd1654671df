"""A streaming reader of an xlsx file's first sheet into a grid of values, with the standard library's C parser.

openpyxl builds a cell object (with its style) for every cell, which costs ~1 s per 1,000 rows on this machine;
officers' files only need the values. This reads the shared strings, the cell styles (to tell dates from numbers),
the first worksheet row by row and its merged ranges. Anything unexpected raises, and the caller falls back to
openpyxl, so an odd file is slower, never wrong.
"""

import datetime
import posixpath
import re
import zipfile
from io import BytesIO
from xml.etree.ElementTree import iterparse

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

CELL_REF = re.compile(r"([A-Z]+)(\d+)")
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _first_sheet_path(archive) -> tuple[str, bool]:
    date1904 = False
    rid = None
    for _event, element in iterparse(archive.open("xl/workbook.xml")):
        name = _local(element.tag)
        if name == "workbookPr":
            date1904 = element.get("date1904") in ("1", "true")
        elif name == "sheet" and rid is None:
            rid = element.get(f"{{{REL_NS}}}id") or next(v for k, v in element.attrib.items() if k.endswith("}id"))
    for _event, element in iterparse(archive.open("xl/_rels/workbook.xml.rels")):
        if _local(element.tag) == "Relationship" and element.get("Id") == rid:
            target = element.get("Target")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return path, date1904
    raise ValueError("no first sheet")


def _shared_strings(archive) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings, parts = [], []
    for event, element in iterparse(archive.open("xl/sharedStrings.xml"), events=("start", "end")):
        name = _local(element.tag)
        if event == "start" and name == "si":
            parts = []
        elif event == "end":
            if name == "t" and element.text:
                parts.append(element.text)
            elif name == "rPh":
                parts = parts[:-1] if parts else parts  # phonetic hints are not part of the text
            elif name == "si":
                strings.append("".join(parts))
                element.clear()
    return strings


def _date_styles(archive) -> set[int]:
    if "xl/styles.xml" not in archive.namelist():
        return set()
    custom, xfs, in_cell_xfs = {}, [], False
    for event, element in iterparse(archive.open("xl/styles.xml"), events=("start", "end")):
        name = _local(element.tag)
        if name == "numFmt" and event == "end":
            custom[int(element.get("numFmtId"))] = element.get("formatCode") or ""
        elif name == "cellXfs":
            in_cell_xfs = event == "start"
        elif name == "xf" and event == "start" and in_cell_xfs:
            xfs.append(int(element.get("numFmtId") or 0))
    dates = set()
    for index, fmt_id in enumerate(xfs):
        code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or ""
        if code and is_date_format(code):
            dates.add(index)
    return dates


def read_grid(data: bytes) -> list[list]:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheet_path, date1904 = _first_sheet_path(archive)
        strings = _shared_strings(archive)
        date_styles = _date_styles(archive)
        epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
        grid: list[list] = []
        merged = []
        row: list | None = None
        row_number = 0
        cell_type = cell_style = cell_col = None
        value = None
        inline = []
        for event, element in iterparse(archive.open(sheet_path), events=("start", "end")):
            name = _local(element.tag)
            if event == "start":
                if name == "row":
                    row_number = int(element.get("r") or row_number + 1)
                    row = []
                elif name == "c":
                    ref = element.get("r")
                    cell_col = _column_index(CELL_REF.match(ref).group(1)) if ref else len(row)
                    cell_type = element.get("t", "n")
                    cell_style = int(element.get("s") or 0)
                    value, inline = None, []
                continue
            if name == "v":
                value = element.text
            elif name == "t" and cell_type == "inlineStr":
                inline.append(element.text or "")
            elif name == "c":
                row.extend([None] * (cell_col + 1 - len(row)))
                row[cell_col] = _convert(cell_type, cell_style, value, inline, strings, date_styles, epoch)
                element.clear()
            elif name == "row":
                # Rows without a value are not kept (a sheet may carry a million formatted empty rows); the grid
                # is padded only up to the next row that has one, so row numbers stay right.
                if any(value not in (None, "") for value in row):
                    while len(grid) < row_number - 1:
                        grid.append([])
                    grid.append(row)
                element.clear()
            elif name == "mergeCell":
                merged.append(element.get("ref"))
    for ref in merged:
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        if min_row - 1 >= len(grid):
            continue
        top = grid[min_row - 1]
        fill = top[min_col - 1] if min_col - 1 < len(top) else None
        for r in range(min_row, min(max_row, len(grid)) + 1):
            cells = grid[r - 1]
            cells.extend([None] * (max_col - len(cells)))
            for c in range(min_col, max_col + 1):
                cells[c - 1] = fill
    return grid


def _convert(cell_type, style, value, inline, strings, date_styles, epoch):
    if cell_type == "inlineStr":
        return "".join(inline)
    if value is None:
        return None
    if cell_type == "s":
        return strings[int(value)]
    if cell_type in ("str", "e"):
        return value
    if cell_type == "b":
        return value == "1"
    if cell_type == "d":
        return datetime.datetime.fromisoformat(value)
    number = float(value)
    if style in date_styles:
        return from_excel(number, epoch)
    return int(number) if number.is_integer() and "." not in value and "E" not in value.upper() else number
