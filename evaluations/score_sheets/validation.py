"""Arithmetic checks of a score-sheet data file (pure Python, no Django).

``validate_sheet_file(data)`` returns a list of :class:`ValidationError`; an empty list means the file is sound.
Every message names the set and the criterion, heading or part, in Vietnamese first and English second.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

# Part totals by part code; set 26 (tourism services) has the same 40/25/35 split once its Part A header misprint
# (35) is corrected.  A sheet may declare its own shape with "part_points": {"A": .., "B": .., "C": ..}.
DEFAULT_PART_POINTS = {"A": 40, "B": 25, "C": 35}
SHEET_TOTAL = 100
STAR_LEVELS = (3, 4, 5)


@dataclass(frozen=True)
class ValidationError:
    sheet: int | None
    where: str  # "tiêu chí 3.2" / "đề mục 3" / "phần A" / "" (whole sheet or file)
    message_vi: str
    message_en: str

    @property
    def message(self) -> str:
        return str(self)

    def __str__(self) -> str:
        where_vi = f", {self.where}" if self.where else ""
        where_en = f", {_english(self.where)}" if self.where else ""
        prefix_vi = f"Bộ {self.sheet}{where_vi}: " if self.sheet is not None else ""
        prefix_en = f"Set {self.sheet}{where_en}: " if self.sheet is not None else ""
        return f"{prefix_vi}{self.message_vi} / {prefix_en}{self.message_en}"


def _english(where: str) -> str:
    return where.replace("tiêu chí", "criterion").replace("đề mục", "heading").replace("phần", "part")


def validate_sheet_file(data: dict) -> list[ValidationError]:
    errors: list[ValidationError] = []
    known = {c.get("id") for c in data.get("corrections", [])}
    if len(known) != len(data.get("corrections", [])):
        errors.append(ValidationError(None, "", "mã sửa lỗi trùng nhau", "duplicate correction ids"))
    numbers = [sheet.get("number") for sheet in data.get("sheets", [])]
    if len(set(numbers)) != len(numbers):
        errors.append(ValidationError(None, "", "số bộ sản phẩm trùng nhau", "duplicate set numbers"))
    for sheet in data.get("sheets", []):
        errors.extend(validate_sheet(sheet, known))
    return errors


def _check_corrections(errors, sheet_no, where, node, known):
    for cid in node.get("corrections", []):
        if cid not in known:
            errors.append(ValidationError(sheet_no, where, f"sửa lỗi không rõ '{cid}'", f"unknown correction '{cid}'"))


def validate_sheet(sheet: dict, known_corrections: set | frozenset = frozenset()) -> list[ValidationError]:
    errors: list[ValidationError] = []
    n = sheet.get("number")
    _check_corrections(errors, n, "", sheet, known_corrections)
    expected_parts = sheet.get("part_points") or DEFAULT_PART_POINTS
    codes = [part.get("code") for part in sheet.get("parts", [])]
    if codes != list(expected_parts):
        errors.append(ValidationError(n, "", f"các phần {codes} khác {list(expected_parts)}", f"parts {codes} differ"))
    part_sum = 0
    criterion_numbers: set[str] = set()
    for part in sheet.get("parts", []):
        where = f"phần {part.get('code')}"
        _check_corrections(errors, n, where, part, known_corrections)
        points = part.get("points")
        part_sum += points or 0
        want = expected_parts.get(part.get("code"))
        if points != want:
            errors.append(
                ValidationError(
                    n, where, f"điểm phần ({points}) khác quy định ({want})", f"part points ({points}) != ({want})"
                )
            )
        header = part.get("header_points")
        if header is not None and header != points:
            errors.append(
                ValidationError(
                    n,
                    where,
                    f"tiêu đề ghi {header} điểm nhưng thang điểm là {points}",
                    f"header says {header} points but the scale says {points}",
                )
            )
        heading_sum = sum(h.get("points") or 0 for h in part.get("headings", []))
        if heading_sum != points:
            errors.append(
                ValidationError(
                    n,
                    where,
                    f"tổng điểm các đề mục ({heading_sum}) khác điểm phần ({points})",
                    f"headings add to {heading_sum}, not the part's {points}",
                )
            )
        for heading in part.get("headings", []):
            errors.extend(_validate_heading(n, heading, known_corrections, criterion_numbers))
    total = sheet.get("total")
    if total != SHEET_TOTAL or part_sum != SHEET_TOTAL:
        errors.append(
            ValidationError(
                n,
                "",
                f"tổng điểm bộ ({total}, cộng các phần {part_sum}) khác {SHEET_TOTAL}",
                f"sheet total ({total}, parts add to {part_sum}) is not {SHEET_TOTAL}",
            )
        )
    if not sheet.get("name"):
        errors.append(ValidationError(n, "", "thiếu tên bộ sản phẩm", "set name missing"))
    return errors


def _validate_heading(n, heading, known, criterion_numbers) -> list[ValidationError]:
    errors: list[ValidationError] = []
    where = f"đề mục {heading.get('number')}"
    _check_corrections(errors, n, where, heading, known)
    criteria = heading.get("criteria", [])
    if not criteria:
        errors.append(ValidationError(n, where, "đề mục không có tiêu chí", "heading has no criteria"))
    criteria_sum = sum(c.get("points") or 0 for c in criteria)
    if criteria_sum != heading.get("points"):
        errors.append(
            ValidationError(
                n,
                where,
                f"tổng điểm các tiêu chí ({criteria_sum}) khác điểm đề mục ({heading.get('points')})",
                f"criteria add to {criteria_sum}, not the heading's {heading.get('points')}",
            )
        )
    for sub in heading.get("subheadings", []):
        members = [c for c in criteria if c.get("subheading") == sub.get("number")]
        sub_sum = sum(c.get("points") or 0 for c in members)
        if not members or sub_sum != sub.get("points"):
            errors.append(
                ValidationError(
                    n,
                    f"tiêu chí {sub.get('number')}",
                    f"tổng điểm các tiêu chí con ({sub_sum}) khác điểm tiêu chí ({sub.get('points')})",
                    f"sub-criteria add to {sub_sum}, not the criterion's {sub.get('points')}",
                )
            )
    for criterion in criteria:
        errors.extend(_validate_criterion(n, criterion, known, criterion_numbers))
    return errors


def _validate_criterion(n, criterion, known, criterion_numbers) -> list[ValidationError]:
    errors: list[ValidationError] = []
    number = criterion.get("number")
    where = f"tiêu chí {number}"
    _check_corrections(errors, n, where, criterion, known)
    if number in criterion_numbers:
        errors.append(ValidationError(n, where, "số tiêu chí trùng", "duplicate criterion number"))
    criterion_numbers.add(number)
    if not criterion.get("text"):
        errors.append(ValidationError(n, where, "thiếu nội dung tiêu chí", "criterion text missing"))
    options = criterion.get("options", [])
    if len(options) < 2:
        errors.append(ValidationError(n, where, "ít hơn 2 lựa chọn", "fewer than 2 options"))
        if not options:
            return errors
    keys = [o.get("key") for o in options]
    if len(set(keys)) != len(keys):
        errors.append(ValidationError(n, where, f"khóa lựa chọn trùng {keys}", f"duplicate option keys {keys}"))
    points = criterion.get("points")
    best = max(o.get("points") or 0 for o in options)
    if best != points:
        errors.append(
            ValidationError(
                n,
                where,
                f"điểm tối đa các lựa chọn ({best}) khác điểm tiêu chí ({points})",
                f"best option points ({best}) differ from the criterion's points ({points})",
            )
        )
    for option in options:
        _check_corrections(errors, n, f"{where}, lựa chọn {option.get('key')}", option, known)
        if not option.get("text"):
            errors.append(
                ValidationError(n, where, f"lựa chọn {option.get('key')} thiếu nội dung", "option text missing")
            )
        p = option.get("points")
        if not isinstance(p, int) or p < 0 or (points is not None and p > points):
            errors.append(
                ValidationError(
                    n, where, f"lựa chọn {option.get('key')} có điểm không hợp lệ ({p})", f"bad option points ({p})"
                )
            )
        stars = option.get("min_stars")
        if stars is not None and stars not in STAR_LEVELS:
            errors.append(
                ValidationError(
                    n,
                    where,
                    f"lựa chọn {option.get('key')} có dấu sao không hợp lệ ({stars})",
                    f"option {option.get('key')} has an invalid star mark ({stars})",
                )
            )
        if option.get("eliminates") and p:
            errors.append(
                ValidationError(
                    n,
                    where,
                    f"lựa chọn loại {option.get('key')} lại có điểm ({p})",
                    f"eliminating option {option.get('key')} scores {p}",
                )
            )
    # Star minima must make sense: the minimum for 5★ is not lower than for 4★, nor 4★ than 3★.
    minima = {}
    for level in STAR_LEVELS:
        marked = [o.get("points") or 0 for o in options if o.get("min_stars") is not None and o["min_stars"] <= level]
        minima[level] = max(marked) if marked else None
    previous = None
    for level in STAR_LEVELS:
        if minima[level] is None:
            continue
        if previous is not None and minima[level] < previous[1]:
            errors.append(
                ValidationError(
                    n,
                    where,
                    f"mức tối thiểu {level} sao ({minima[level]}) thấp hơn mức {previous[0]} sao ({previous[1]})",
                    f"{level}-star minimum ({minima[level]}) is lower than the {previous[0]}-star one ({previous[1]})",
                )
            )
        previous = (level, minima[level])
    # A higher star mark should sit on an option worth at least as much as a lower mark.
    marks = sorted((o["min_stars"], o.get("points") or 0, o["key"]) for o in options if o.get("min_stars"))
    for (s1, p1, k1), (s2, p2, k2) in itertools.pairwise(marks):
        if s2 > s1 and p2 < p1:
            errors.append(
                ValidationError(
                    n,
                    where,
                    f"lựa chọn {k2} ({s2} sao, {p2} điểm) thấp hơn lựa chọn {k1} ({s1} sao, {p1} điểm)",
                    f"option {k2} ({s2} stars, {p2} points) scores below option {k1} ({s1} stars, {p1} points)",
                )
            )
    return errors
