"""Row by row checks of a read sheet: every cell is parsed and resolved before anything is written.

Each problem is reported with its row and column ("Dòng 14, cột Xã / phường: …") in Vietnamese. A row that
passes carries clean values (ids, dates, numbers) for ``services``.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from evaluations.status import today
from products.models import PRODUCT_CODE_REGEX

from .columns import BY_KEY, COLUMNS
from .reader import Sheet, cell_text, parse_date
from .resolve import Resolver, Unresolved

CODE_RE = re.compile(PRODUCT_CODE_REGEX)
MAX_LENGTHS = {"product_name": 250, "producer_name": 250, "registration_number": 40, "certificate_number": 60,
               "decision_number": 60, "authority": 200}  # fmt: skip


@dataclass
class RowResult:
    number: int  # the spreadsheet's row number
    raw: dict  # column key -> text as read
    clean: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column key or "", message)
    outcome: str = ""  # created / updated / unchanged once planned

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, key: str, message: str) -> None:
        self.errors.append((key, message))

    def messages(self) -> list[str]:
        out = []
        for key, message in self.errors:
            if key:
                out.append(_("Dòng %(row)s, cột %(column)s: %(message)s") % {
                    "row": self.number, "column": BY_KEY[key].title, "message": message})  # fmt: skip
            else:
                out.append(_("Dòng %(row)s: %(message)s") % {"row": self.number, "message": message})
        return out


def validate(sheet: Sheet, resolver: Resolver | None = None, *, allowed_provinces=None) -> list[RowResult]:
    """Parse and resolve every row; ``allowed_provinces`` (ids) narrows the rows an officer may import."""
    resolver = resolver or Resolver()
    on = today()
    results = []
    missing_required = [c for c in COLUMNS if c.required and c.key not in sheet.columns]
    for number, values in sheet.rows:
        row = RowResult(number, {key: cell_text(value) for key, value in values.items()})
        for column in missing_required:
            row.error(column.key, _("thiếu cột trong tệp"))
        if not missing_required:
            _check_row(row, values, resolver, on, allowed_provinces)
        results.append(row)
    _check_duplicates(results)
    return results


def _check_row(row: RowResult, values: dict, resolver: Resolver, on, allowed_provinces) -> None:
    raw, clean = row.raw, row.clean
    for column in COLUMNS:
        if column.required and not raw.get(column.key):
            row.error(column.key, _("bắt buộc, đang để trống"))
    for key, limit in MAX_LENGTHS.items():
        if len(raw.get(key, "")) > limit:
            row.error(key, _("dài quá %(limit)s ký tự") % {"limit": limit})
    if row.errors:
        return
    for key in ("product_name", "producer_name", "registration_number", "certificate_number", "decision_number",
                "authority"):  # fmt: skip
        clean[key] = raw.get(key, "")
    code = raw.get("product_code", "")
    if code and not CODE_RE.match(code):
        row.error("product_code", _("“%(value)s” không đúng dạng T-X-STT-YYYY (ví dụ 01-00577-12-2024)") % {
            "value": code})  # fmt: skip
    clean["product_code"] = code or None

    stars_text = raw["stars"].replace("★", "").replace("sao", "").strip()
    if stars_text in {"3", "4", "5"}:
        clean["stars"] = int(stars_text)
    else:
        row.error("stars", _("“%(value)s” không hợp lệ: hạng sao là 3, 4 hoặc 5") % {"value": raw["stars"]})

    try:
        day = parse_date(values["decision_date"])
    except (ValueError, TypeError, OverflowError):
        day = None
        row.error("decision_date", _("“%(value)s” không phải ngày dd/mm/yyyy") % {"value": raw["decision_date"]})
    if day is not None:
        if day > on:
            row.error("decision_date", _("ngày %(day)s ở tương lai") % {"day": day.strftime("%d/%m/%Y")})
        clean["issued_on"] = day

    for key, resolve in (("product_set", resolver.product_set), ("producer_type", resolver.producer_type)):
        try:
            clean[key] = resolve(raw[key])
        except Unresolved as exc:
            row.error(key, str(exc))

    try:
        province = resolver.province(raw["province"])
    except Unresolved as exc:
        row.error("province", str(exc))
        province = None
    if province is not None:
        if allowed_provinces is not None and province not in allowed_provinces:
            row.error("province", _("ngoài phạm vi đơn vị của bạn"))
        clean["province"] = province
        district = None
        if raw.get("legacy_district"):
            try:
                district = resolver.legacy_district(raw["legacy_district"], province)
            except Unresolved as exc:
                row.error("legacy_district", str(exc))
        if not row.errors or "legacy_district" not in {k for k, _m in row.errors}:
            try:
                clean["commune"], clean["legacy_district"] = resolver.commune(
                    raw.get("commune", ""), province, district
                )
            except Unresolved as exc:
                row.error("commune", str(exc))

    if "issued_on" in clean and day <= on:
        try:
            clean["rule_version"] = resolver.rule_version(raw.get("rule_version", ""), day)
        except Unresolved as exc:
            row.error("rule_version", str(exc))
    if raw.get("issuing_level"):
        try:
            clean["issuing_level"] = resolver.issuing_level(raw["issuing_level"])
        except Unresolved as exc:
            row.error("issuing_level", str(exc))
    elif "rule_version" in clean and "stars" in clean:
        from evaluations import rules

        code = resolver.rule_version_code(clean["rule_version"])
        clean["issuing_level"] = rules.recognising_level(code, clean["stars"]) or "province"
    if "stars" in clean and clean.get("issuing_level") == "district" and clean["stars"] != 3:
        row.error("issuing_level", _("cấp huyện chỉ công nhận 3 sao"))


def _check_duplicates(results: list[RowResult]) -> None:
    """A certificate number appears once; a product code and a decision keep one meaning within the file."""
    seen_certificates, seen_codes, seen_decisions = {}, {}, {}
    for row in results:
        number = row.raw.get("certificate_number", "")
        if number:
            first = seen_certificates.setdefault(number.upper(), row)
            if first is not row:
                row.error("certificate_number", _("“%(value)s” trùng với dòng %(row)s") % {
                    "value": number, "row": first.number})  # fmt: skip
        if not row.ok:
            continue
        code = row.clean.get("product_code")
        if code:
            identity = (row.clean["product_name"].casefold(), row.clean["producer_name"].casefold())
            first = seen_codes.setdefault(code, (row, identity))
            if first[0] is not row and first[1] != identity:
                row.error("product_code", _("mã “%(value)s” đã dùng ở dòng %(row)s cho sản phẩm khác") % {
                    "value": code, "row": first[0].number})  # fmt: skip
        if row.clean.get("decision_number"):
            key = (row.clean["authority"], row.clean["decision_number"])
            first = seen_decisions.setdefault(key, row)
            if first is not row and first.clean.get("issued_on") != row.clean.get("issued_on"):
                row.error("decision_date", _("quyết định %(value)s ở dòng %(row)s có ngày khác") % {
                    "value": key[1], "row": first.number})  # fmt: skip
