"""Transcribe the 26 score sheets of Quyết định 26/2026/QĐ-TTg, Phụ lục II, into one JSON data file.

Usage::

    python -m evaluations.score_sheets.parse_qd26 SOURCE.txt OUTPUT.json [--corrections FILE]

The source is the decision's text as extracted from PDF/HTML: table cells are split across lines, phrases are broken
mid-line, and in sets 18-20 the last letter of a cell is often detached ("sản phẩ m").  The parser is a small state
machine over lines:

* ``Phần A`` / ``PHẦN C`` opens a part; ``N. NAME`` a heading (N must follow the previous heading); ``N.k. text`` a
  criterion of heading N; ``□ text`` an option; a line holding only digits is the points of the most recent element
  still waiting for its points (option, else criterion, else heading, else part).
* A heading with options directly under it (e.g. "12. CƠ HỘI THỊ TRƯỜNG TOÀN CẦU") becomes one criterion numbered
  like the heading ("12").
* ``Ghi chú: …`` after a criterion's options is the criterion's note; ``Chỉ áp dụng khi …`` its condition;
  ``(…)`` or ``Yêu cầu: …`` before the options its description; ``a. Trường hợp 1: …`` (set 26) names a group
  of options, of which exactly one option of the criterion is chosen.
* Stars (``***``, ``****``, ``*****``, sometimes written ``*** *`` or ``* * * *``, sometimes on a line of their own)
  are counted and removed from the option text: ``min_stars`` = number of asterisks.
* Three-level numbering (sets 11 and 13, "6.1. Ngoại hình 4" over "6.1.1. Tạp chất 2"): the middle level is listed
  in the heading's ``subheadings`` and each scored item is a criterion ("6.1.1") with ``subheading: "6.1"``.
* A criterion printed without options ("2.4. Ghi nhãn hàng hóa có sử dụng song ngữ … 1") gets two implied options,
  "Không" (0) and "Có" (its points), marked ``implied: true``.
* One checkbox in set 7 (criterion 7) is printed as the letter "o"; it is read as "□".
* A criterion note that eliminates the product ("Ghi chú: Bị loại nếu …", "… sẽ bị loại bỏ") is kept as the note
  and is also offered as one more option (points 0, ``eliminates: true``, ``from_note: true``) so a council member
  can record that finding on the criterion; its text is also listed in the sheet's ``eliminations``.

Misprints are not fixed silently: each one is an entry of the corrections file (``*.corrections.json``) naming the
sheet, the element, the field, what the text says (checked against what was parsed) and what the data uses, the
line number and the reason; ``field: "line"`` skips a stray line.  A part whose header "(NN Điểm)" differs from its
scale column stops the parser unless a correction covers it.  The corrections are copied into the data file so that
``validation.validate_sheet_file`` can check every correction id it meets.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

RULE_VERSION = "QD26_2026"
SOURCE = "Quyết định 26/2026/QĐ-TTg, Phụ lục II"
DEFAULT_CORRECTIONS = Path(__file__).with_name("qd-26-2026.corrections.json")

# Sets whose extraction detaches the last letter of a table cell ("sản phẩ m", "TỔNG CỘN G", "4 0").
DETACHED_LETTER_SHEETS = {18, 19, 20}

RE_POINTS = re.compile(r"^\d[\d ]*$")
RE_PART = re.compile(r"^(?:Phần|PHẦN)\s*([ABC])\b\s*:?\s*(.*)$")
RE_SUBCRITERION = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,2})\.?\s+(.*)$")
RE_CRITERION = re.compile(r"^(\d{1,2})\s*\.\s*(\d{1,2})\s*\.?\s+(.*)$")
RE_HEADING = re.compile(r"^(\d{1,2})\s*\.?\s+(?!\d)(.*)$")
RE_GROUP = re.compile(r"^([a-z])\.\s*(Trường hợp.*)$")
RE_HEADER_POINTS = re.compile(r"\((\d+)\s*Điểm\s*\)", re.IGNORECASE)
RE_TOTAL = re.compile(r"^TỔNG\s*CỘN\s*G$")
RE_ELIMINATING_NOTE = re.compile(r"(^|\s)(B|b)ị loại( |$)")


class ParseError(ValueError):
    pass


def normalise(text: str) -> str:
    """Collapse whitespace and drop the spaces the extraction put before closing punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+([),.;:])", r"\1", text)
    return text


def join_lines(parts: list[str]) -> str:
    return normalise(" ".join(parts))


def fix_detached_letter(line: str) -> str:
    """'sản phẩ m' -> 'sản phẩm', 'TỔNG CỘN G' -> 'TỔNG CỘNG', '1 . TỔ' -> '1. TỔ' (sets 18-20 only)."""
    stripped = line.rstrip()
    match = re.search(r"(\w)\s(\w)(\s*[)*.]*\s*\**)$", stripped)
    if match and not re.search(r"\d", match.group(1) + match.group(2)):
        before = stripped[: match.start()]
        last_word = (before.split() or [""])[-1] + match.group(1)
        if not (last_word == "Nam" and match.group(2) == "Á"):  # "Đông Nam Á" is two words
            stripped = before + match.group(1) + match.group(2) + match.group(3)
    stripped = re.sub(r"^(\s*\d+)\s+\.", r"\1.", stripped)
    return stripped


def is_upper_text(line: str) -> bool:
    """Heading names are printed in capitals; a mixed-case line after one is its description."""
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.6


def count_stars(text: str) -> tuple[str, int | None]:
    stars = text.count("*")
    clean = normalise(text.replace("*", " "))
    return clean, (stars or None)


class SheetParser:
    def __init__(self, number: int, lines: list[tuple[int, str]]):
        self.number = number
        self.lines = lines
        self.parts: list[dict] = []
        self.part = self.heading = self.criterion = self.option = None
        self.pending = None  # element waiting for its points
        self.mode = None  # what free text lines extend: name / description / note / condition / group / option
        self.buffer: list[str] = []

    # -- helpers -------------------------------------------------------------------------------------------------
    def fail(self, lineno: int, message: str):
        raise ParseError(f"Bộ {self.number}, dòng {lineno}: {message}")

    def flush(self):
        """Store the text collected for the current mode on its element."""
        if not self.buffer:
            self.mode = None
            return
        text = join_lines(self.buffer)
        self.buffer = []
        mode, self.mode = self.mode, None
        if mode == "part_name":
            self.part["_name"] = text
        elif mode == "heading_name":
            self.heading["name"] = text
        elif mode == "heading_description":
            self.heading["description"] = text
        elif mode == "criterion_name":
            self.criterion["text"] = text
        elif mode == "criterion_description":
            old = self.criterion.get("description")
            self.criterion["description"] = f"{old} {text}" if old else text
        elif mode == "condition":
            self.criterion["condition"] = text
        elif mode == "note":
            old = self.criterion.get("note")
            self.criterion["note"] = f"{old} {text}" if old else text
        elif mode == "group":
            self.criterion["_group"] = text
        elif mode == "option":
            self.option["_raw"] = text
        else:  # pragma: no cover - defensive
            raise AssertionError(mode)

    def start(self, mode: str, first: str | None):
        self.flush()
        self.mode = mode
        self.buffer = [first] if first else []

    def criterion_here(self, lineno: int):
        if self.criterion is None or self.criterion["_heading"] is not self.heading:
            self.flush()
            self.ensure_criterion_for_heading(lineno)

    def ensure_criterion_for_heading(self, lineno: int):
        """Options directly under a heading: the heading is its own criterion."""
        if self.heading is None:
            self.fail(lineno, "lựa chọn ngoài đề mục")
        if self.criterion is None or self.criterion["_heading"] is not self.heading:
            if self.heading["criteria"]:
                self.fail(lineno, "lựa chọn sau các tiêu chí con của đề mục")
            self.criterion = {
                "number": self.heading["number"],
                "text": self.heading["name"],
                "points": self.heading["points"],
                "condition": None,
                "note": None,
                "options": [],
                "line": self.heading["line"],
                "_heading": self.heading,
                "_heading_level": True,
            }
            if self.heading.get("description"):
                self.criterion["description"] = self.heading["description"]
            self.heading["criteria"].append(self.criterion)

    # -- main loop -----------------------------------------------------------------------------------------------
    def parse(self) -> list[dict]:
        for lineno, raw in self.lines:
            line = fix_detached_letter(raw) if self.number in DETACHED_LETTER_SHEETS else raw
            line = line.strip()
            if not line:
                continue
            self.feed(lineno, line)
        self.flush()
        return self.finish()

    def feed(self, lineno: int, line: str):
        if RE_POINTS.match(line):
            self.flush()
            value = int(line.replace(" ", ""))
            if self.pending is None:
                self.fail(lineno, f"điểm {value} không thuộc mục nào")
            self.pending["points"] = value
            if self.pending is self.option:
                self.mode = None
            elif self.pending is self.criterion:
                self.mode = "criterion_description"
            elif self.pending is self.heading:
                self.mode = "heading_description"
            self.pending = None
            return

        if m := RE_PART.match(line):
            self.flush()
            self.part = {"code": m.group(1), "points": None, "headings": [], "line": lineno}
            self.parts.append(self.part)
            self.heading = self.criterion = self.option = None
            self.pending = self.part
            self.start("part_name", m.group(2))
            return

        if self.part is not None and (m := RE_SUBCRITERION.match(line)):
            parent = f"{int(m.group(1))}.{int(m.group(2))}"
            if self.criterion is not None and self.criterion["number"].split(".")[:2] == parent.split("."):
                self.flush()
                if self.criterion["number"] == parent:
                    if self.criterion["options"]:
                        self.fail(lineno, f"tiêu chí {parent} vừa có lựa chọn vừa có tiêu chí con")
                    self.criterion["_subheading"] = True
                self.criterion = {
                    "number": f"{parent}.{int(m.group(3))}",
                    "text": None,
                    "points": None,
                    "condition": None,
                    "note": None,
                    "options": [],
                    "line": lineno,
                    "subheading": parent,
                    "_heading": self.heading,
                }
                self.heading["criteria"].append(self.criterion)
                self.option = None
                self.pending = self.criterion
                self.start("criterion_name", m.group(4))
                return

        if (
            self.part is not None
            and (m := RE_CRITERION.match(line))
            and self.heading is not None
            and int(m.group(1)) == int(self.heading["number"])
        ):
            self.flush()
            self.criterion = {
                "number": f"{int(m.group(1))}.{int(m.group(2))}",
                "text": None,
                "points": None,
                "condition": None,
                "note": None,
                "options": [],
                "line": lineno,
                "_heading": self.heading,
            }
            self.heading["criteria"].append(self.criterion)
            self.option = None
            self.pending = self.criterion
            self.start("criterion_name", m.group(3))
            return

        if self.part is not None and (m := RE_HEADING.match(line)):
            number = int(m.group(1))
            previous = self.last_heading_number()
            if number == previous + 1 and self.looks_like_heading(m.group(2)):
                self.flush()
                self.heading = {"number": str(number), "name": None, "points": None, "criteria": [], "line": lineno}
                self.part["headings"].append(self.heading)
                self.criterion = self.option = None
                self.pending = self.heading
                self.start("heading_name", m.group(2))
                return

        if line.startswith("o ") and self.mode is None and self.option is not None and self.pending is None:
            line = "□" + line[1:]  # set 7, criterion 7: one checkbox is printed as the letter "o"
        if line.startswith("□"):
            if self.criterion is None or self.criterion["_heading"] is not self.heading:
                self.flush()
                self.ensure_criterion_for_heading(lineno)
            if self.pending is not None and self.pending is not self.option:
                self.fail(lineno, "lựa chọn khi mục trước chưa có điểm")
            # an option without points (a misprint) is kept with points None: only a correction can fill it in
            self.flush()
            self.option = {"points": None, "_group": self.criterion.get("_group")}
            self.criterion["options"].append(self.option)
            self.pending = self.option
            self.start("option", line[1:])
            return

        if line.startswith(("Ghi chú", "Chú ý")):
            if self.criterion is None or self.criterion["_heading"] is not self.heading:
                self.flush()
                self.ensure_criterion_for_heading(lineno)
            # a note may sit between an option's text and its points; the points line then closes the note
            self.start("note", line)
            return

        if line.startswith("Chỉ áp dụng"):
            self.criterion_here(lineno)
            self.start("condition", line)
            return

        if m := RE_GROUP.match(line):
            self.criterion_here(lineno)
            self.start("group", m.group(2))
            return

        if line.startswith("Lựa chọn một trong"):
            self.criterion_here(lineno)
            self.start("criterion_description", line)
            return

        if self.mode is None:
            if self.criterion is not None and self.option is None:
                self.start("criterion_description", line)
                return
            self.fail(lineno, f"dòng không xác định: {line!r}")
        if self.mode == "criterion_name" and (line.startswith(("(", "Yêu cầu"))):
            self.start("criterion_description", line)
            return
        if self.mode == "heading_name" and (line.startswith("(") or not is_upper_text(line)):
            self.start("heading_description", line)
            return
        self.buffer.append(line)

    def last_heading_number(self) -> int:
        for part in reversed(self.parts):
            if part["headings"]:
                return int(part["headings"][-1]["number"])
        return 0

    @staticmethod
    def looks_like_heading(rest: str) -> bool:
        rest = rest.strip()
        return bool(rest) and rest[0].isupper()

    # -- tidy up -------------------------------------------------------------------------------------------------
    def finish(self) -> list[dict]:
        parts = []
        for part in self.parts:
            name = part.pop("_name", "") or ""
            header = RE_HEADER_POINTS.search(name)
            header_points = int(header.group(1)) if header else None
            name = normalise(RE_HEADER_POINTS.sub("", name))
            headings = []
            for heading in part["headings"]:
                criteria, subheadings = [], []
                for criterion in heading["criteria"]:
                    if criterion.get("_subheading"):
                        sub = {"number": criterion["number"], "name": criterion["text"], "points": criterion["points"]}
                        if criterion.get("description"):
                            sub["description"] = criterion["description"]
                        sub["line"] = criterion["line"]
                        subheadings.append(sub)
                    else:
                        criteria.append(self.finish_criterion(criterion))
                item = {"number": heading["number"], "name": heading["name"], "points": heading["points"]}
                if heading.get("description"):
                    item["description"] = heading["description"]
                item["line"] = heading["line"]
                if subheadings:
                    item["subheadings"] = subheadings
                item["criteria"] = criteria
                headings.append(item)
            parts.append(
                {
                    "code": part["code"],
                    "name": name,
                    "points": part["points"],
                    "header_points": header_points,
                    "line": part["line"],
                    "headings": headings,
                }
            )
        return parts

    def finish_criterion(self, criterion: dict) -> dict:
        options = []
        for index, option in enumerate(criterion["options"]):
            text, stars = count_stars(option.get("_raw", ""))
            item = {"key": chr(ord("a") + index), "text": text, "points": option["points"], "min_stars": stars}
            item["eliminates"] = False
            if option.get("_group"):
                item["group"] = option["_group"]
            options.append(item)
        if not options and criterion.get("points") is not None:
            # A criterion printed without options (e.g. "2.4. Ghi nhãn hàng hóa có sử dụng song ngữ … 1") is met or
            # not met: two implied options, "Không" (0) and "Có" (its points).
            for key, text, points in (("a", "Không", 0), ("b", "Có", criterion["points"])):
                options.append(
                    {
                        "key": key,
                        "text": text,
                        "points": points,
                        "min_stars": None,
                        "eliminates": False,
                        "implied": True,
                    }
                )
        note = criterion.get("note")
        if note:
            note = normalise(note.replace("*", " ")) if "Dấu sao" not in note else note
        if note and RE_ELIMINATING_NOTE.search(note):
            text = normalise(re.sub(r"^(Ghi chú|Chú ý)\s*:\s*", "", note))
            options.append(
                {
                    "key": chr(ord("a") + len(options)),
                    "text": text,
                    "points": 0,
                    "min_stars": None,
                    "eliminates": True,
                    "from_note": True,
                }
            )
        item = {
            "number": criterion["number"],
            "text": criterion["text"],
            "points": criterion["points"],
            "condition": criterion.get("condition"),
            "note": note,
        }
        if criterion.get("description"):
            item["description"] = criterion["description"]
        if criterion.get("subheading"):
            item["subheading"] = criterion["subheading"]
        if criterion.get("_heading_level"):
            item["heading_level"] = True
        item["line"] = criterion["line"]
        item["options"] = options
        return item


# -- the whole annex ---------------------------------------------------------------------------------------------
def read_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def find_line(lines: list[str], pattern: str, start: int = 0) -> int:
    regex = re.compile(pattern)
    for index in range(start, len(lines)):
        if regex.search(lines[index]):
            return index
    raise ParseError(f"không tìm thấy {pattern!r}")


def sheet_names(lines: list[str], start: int, end: int) -> dict[int, str]:
    """The annex's index table: a number line, then 'Bộ sản phẩm: name' possibly wrapped."""
    names: dict[int, list[str]] = {}
    current = None
    for index in range(start, end):
        text = lines[index].strip()
        if re.fullmatch(r"\d{1,2}", text):
            current = int(text)
            names[current] = []
        elif current is not None and text:
            names[current].append(text)
    result = {}
    for number, parts in names.items():
        name = join_lines(parts)
        if name.startswith("Bộ sản phẩm:"):
            result[number] = normalise(name[len("Bộ sản phẩm:") :])
    return result


def sheet_starts(lines: list[str], start: int, end: int) -> list[int]:
    starts = []
    expected = 1
    for index in range(start, end):
        text = lines[index].strip()
        m = re.match(r"^(\d{1,2})\.\s*(.*)$", text)
        if not m or int(m.group(1)) != expected:
            continue
        rest = m.group(2) or (lines[index + 1].strip() if index + 1 < end else "")
        if rest.startswith(("Bộ sản phẩm", "Sản phẩm")):
            starts.append(index)
            expected += 1
    if len(starts) != 26:
        raise ParseError(f"tìm thấy {len(starts)} bộ tiêu chí, cần 26")
    return starts


def parse_header(number: int, block: list[tuple[int, str]]) -> tuple[dict, int]:
    """Category/group, elimination clauses; returns the index of the first line of Part A."""
    texts = [t for _, t in block]
    info: dict = {"category": None, "group": None, "eliminations": []}
    body = next(i for i, t in enumerate(texts) if RE_PART.match(t.strip()))
    header = texts[:body]
    joined = join_lines(header)
    m = re.search(r"\(Sản phẩm:\s*(.*?)\)", joined)
    if m:
        inner = m.group(1)
        g = re.match(r"(.*?)[.,]\s*Nhóm:\s*(.*)$", inner)
        if g:
            info["category"], info["group"] = normalise(g.group(1)), normalise(g.group(2))
        else:
            info["category"] = normalise(inner)
    # elimination clauses: "Hồ sơ bị loại khi: …" / "Bị loại khi: …" up to "Các tiêu chí"
    clause: list[str] | None = None
    for text in header:
        stripped = text.strip()
        if re.match(r"^(Hồ sơ bị loại khi|Bị loại khi)", stripped):
            if clause:
                info["eliminations"].append(join_lines(clause))
            clause = [stripped]
        elif clause is not None:
            if stripped.startswith(("Các tiêu chí", "Thang điểm")):
                info["eliminations"].append(join_lines(clause))
                clause = None
            elif stripped:
                clause.append(stripped)
    if clause:
        info["eliminations"].append(join_lines(clause))
    unique = []
    for text in info["eliminations"]:
        if text not in unique:
            unique.append(text)
    info["eliminations"] = unique
    return info, body


def parse_footer(number: int, block: list[tuple[int, str]]) -> tuple[int, list[str]]:
    total = None
    notes: list[str] = []
    current: list[str] | None = None
    for _, raw in block:
        text = raw.strip()
        if number in DETACHED_LETTER_SHEETS:
            text = fix_detached_letter(text).strip()
        if total is None and RE_POINTS.match(text):
            total = int(text.replace(" ", ""))
        elif text.startswith("Ghi chú"):
            current = [text]
        elif text.startswith("Ý kiến"):
            break
        elif current is not None and text:
            current.append(text)
    if current:
        notes.append(join_lines(current))
    return total, notes


def parse_text(path: Path, skip_lines: dict[int, str] | None = None) -> list[dict]:
    """Parse the annex; ``skip_lines`` maps 1-based line numbers to the stray text expected there (corrections)."""
    lines = read_lines(path)
    for lineno, expected in (skip_lines or {}).items():
        if lines[lineno - 1].strip() != expected:
            raise ParseError(f"dòng {lineno}: văn bản có {lines[lineno - 1].strip()!r}, tệp sửa lỗi ghi {expected!r}")
        lines[lineno - 1] = ""
    annex = find_line(lines, r"^\s*PHỤ LỤC II\s*$")
    annex_end = find_line(lines, r"^\s*PHỤ LỤC III\s*$", annex)
    starts = sheet_starts(lines, annex, annex_end)
    names = sheet_names(lines, annex, starts[0])
    sheets = []
    for number, begin in enumerate(starts, start=1):
        end = starts[number] if number < len(starts) else annex_end
        block = [(index + 1, lines[index]) for index in range(begin, end)]
        info, body = parse_header(number, block)
        total_at = next(
            i for i, (_, t) in enumerate(block) if RE_TOTAL.match(normalise(t)) or normalise(t) == "TỔNG CỘNG"
        )
        parts = SheetParser(number, block[body:total_at]).parse()
        total, notes = parse_footer(number, block[total_at + 1 :])
        eliminations = list(info["eliminations"])
        for part in parts:
            for heading in part["headings"]:
                for criterion in heading["criteria"]:
                    for option in criterion["options"]:
                        if option.get("from_note") and option["text"] not in eliminations:
                            eliminations.append(option["text"])
        sheets.append(
            {
                "number": number,
                "name": names[number],
                "category": info["category"],
                "group": info["group"],
                "total": total,
                "line": begin + 1,
                "eliminations": eliminations,
                "notes": notes,
                "parts": parts,
            }
        )
    return sheets


# -- corrections -------------------------------------------------------------------------------------------------
def locate(sheets: list[dict], target: dict) -> dict:
    sheet = next(s for s in sheets if s["number"] == target["sheet"])
    node = sheet
    if "part" in target:
        node = next(p for p in sheet["parts"] if p["code"] == target["part"])
    if "heading" in target:
        node = next(h for p in sheet["parts"] for h in p["headings"] if h["number"] == target["heading"])
    if "criterion" in target:
        node = next(
            c
            for p in sheet["parts"]
            for h in p["headings"]
            for c in h["criteria"]
            if c["number"] == target["criterion"]
        )
    if "option" in target:
        node = next(o for o in node["options"] if o["key"] == target["option"])
    return node


def apply_corrections(sheets: list[dict], corrections: list[dict]) -> None:
    for correction in corrections:
        if correction["field"] == "line":
            continue  # a stray line skipped while parsing
        node = locate(sheets, correction)
        field = correction["field"]
        says = correction["text_says"]
        if node.get(field) != says:
            raise ParseError(f"sửa lỗi {correction['id']}: văn bản có {node.get(field)!r}, tệp sửa lỗi ghi {says!r}")
        node[field] = correction["data_uses"]
        node.setdefault("corrections", []).append(correction["id"])


def check_part_headers(sheets: list[dict]) -> None:
    for sheet in sheets:
        for part in sheet["parts"]:
            if part["header_points"] is not None and part["header_points"] != part["points"]:
                raise ParseError(
                    f"Bộ {sheet['number']}, phần {part['code']}: tiêu đề ghi {part['header_points']} điểm, "
                    f"cột thang điểm ghi {part['points']} — cần một mục trong tệp sửa lỗi"
                )


def build(source: Path, corrections_path: Path = DEFAULT_CORRECTIONS) -> dict:
    corrections = json.loads(corrections_path.read_text(encoding="utf-8"))["corrections"]
    skip = {c["line"]: c["text_says"] for c in corrections if c["field"] == "line"}
    sheets = parse_text(source, skip)
    apply_corrections(sheets, corrections)
    check_part_headers(sheets)
    return {"rule_version": RULE_VERSION, "source": SOURCE, "corrections": corrections, "sheets": sheets}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--corrections", type=Path, default=DEFAULT_CORRECTIONS)
    args = parser.parse_args(argv)
    data = build(args.source, args.corrections)
    from evaluations.score_sheets.validation import validate_sheet_file

    errors = validate_sheet_file(data)
    args.output.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    for error in errors:
        print(error, file=sys.stderr)
    counts = count(data)
    print(
        f"{counts['sheets']} sheets, {counts['headings']} headings, {counts['criteria']} criteria, "
        f"{counts['options']} options, {len(data['corrections'])} corrections, {len(errors)} errors"
    )
    return 1 if errors else 0


def count(data: dict) -> dict:
    sheets = data["sheets"]
    headings = [h for s in sheets for p in s["parts"] for h in p["headings"]]
    criteria = [c for h in headings for c in h["criteria"]]
    options = [o for c in criteria for o in c["options"]]
    return {"sheets": len(sheets), "headings": len(headings), "criteria": len(criteria), "options": len(options)}


if __name__ == "__main__":
    sys.exit(main())
