"""Load score-sheet data files (``evaluations/score_sheets/*.json``) into ScoreSheet → SheetPart → SheetHeading →
Criterion → CriterionOption.

* A file is checked by arithmetic (:func:`validate_sheet_file`) before anything is written; one failing sheet refuses
  the whole load (one transaction for every file given).
* Idempotent: each sheet's content hash is stored in ``ScoreSheet.content_hash``; an unchanged sheet is skipped.
* A changed sheet is updated in place by natural keys (part code, heading number, criterion number, option key), so
  the criteria and options that members' choices and self-assessments point at keep their ids. A row that must
  disappear while something still refers to it (PROTECT) refuses the load with a message naming sheet and criterion.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from products.models import ProductSet

from . import audit
from .models import Criterion, CriterionOption, RuleVersion, ScoreSheet, SheetHeading, SheetPart
from .score_sheets.validation import validate_sheet_file

SHEETS_DIR = Path(__file__).resolve().parent / "score_sheets"
# Bump when the mapping from file to rows changes, so every sheet is re-applied once.
LOADER_VERSION = 1
# Which product-set taxonomy a rule version's sheets are written for (a file may say "taxonomy" itself).
TAXONOMY_OF_RULE_VERSION = {"QD26_2026": "QD26_2026", "QD148_1489_2025": "QD1048_2019", "QD148_2023": "QD1048_2019"}
MAX_LISTED_ERRORS = 15


class SheetLoadError(Exception):
    """The file cannot be loaded; the message is Vietnamese, then " / " English, and names sheet and criterion."""


@dataclass
class SheetReport:
    number: int
    status: str  # "created" | "updated" | "unchanged"
    created: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class FileReport:
    name: str
    rule_version: str
    sheets: list[SheetReport] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for s in self.sheets if s.status == status)

    @property
    def rows_created(self) -> int:
        return sum(s.created for s in self.sheets)

    @property
    def rows_updated(self) -> int:
        return sum(s.updated for s in self.sheets)

    @property
    def rows_deleted(self) -> int:
        return sum(s.deleted for s in self.sheets)

    def summary(self) -> str:
        return (
            f"{self.name} ({self.rule_version}): {len(self.sheets)} phiếu — {self.count('created')} tạo mới, "
            f"{self.count('updated')} cập nhật, {self.count('unchanged')} không đổi; dòng: {self.rows_created} thêm, "
            f"{self.rows_updated} sửa, {self.rows_deleted} xoá / {len(self.sheets)} sheets — "
            f"{self.count('created')} created, {self.count('updated')} updated, {self.count('unchanged')} unchanged"
        )


def default_files() -> list[Path]:
    """Every sheet file in ``evaluations/score_sheets`` (not the ``*.corrections.json`` companions)."""
    return sorted(p for p in SHEETS_DIR.glob("*.json") if not p.name.endswith(".corrections.json"))


def read_file(path: Path | str) -> dict:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SheetLoadError(f"Không tìm thấy tệp {path} / File not found: {path}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SheetLoadError(f"Tệp {path.name} không phải JSON hợp lệ / {path.name} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or "sheets" not in data or "rule_version" not in data:
        raise SheetLoadError(
            f"Tệp {path.name} không phải tệp phiếu đánh giá (thiếu 'rule_version' hoặc 'sheets') / "
            f"{path.name} is not a score-sheet file (no 'rule_version' or 'sheets')"
        )
    return data


def load_files(*, paths: list[Path | str] | None = None, actor=None) -> list[FileReport]:
    """Validate then load every file in one transaction; raise :class:`SheetLoadError` and write nothing on error."""
    files = [Path(p) for p in (paths or default_files())]
    if not files:
        raise SheetLoadError("Không có tệp phiếu đánh giá nào / No score-sheet file found")
    datasets = [(path.name, read_file(path)) for path in files]
    for name, data in datasets:
        check_data(data, name=name)
    with transaction.atomic():
        return [_load(data, name=name, actor=actor) for name, data in datasets]


def load_data(*, data: dict, name: str = "dữ liệu", actor=None) -> FileReport:
    """Load one already-parsed file (tests, other tools)."""
    check_data(data, name=name)
    with transaction.atomic():
        return _load(data, name=name, actor=actor)


def check_data(data: dict, *, name: str) -> None:
    errors = validate_sheet_file(data)
    if errors:
        listed = "\n".join(f"  - {e}" for e in errors[:MAX_LISTED_ERRORS])
        more = len(errors) - MAX_LISTED_ERRORS
        tail = f"\n  … và {more} lỗi khác / and {more} more" if more > 0 else ""
        raise SheetLoadError(
            f"Tệp {name} không đạt kiểm tra số học, không nạp gì / {name} fails the arithmetic checks, nothing "
            f"loaded ({len(errors)}):\n{listed}{tail}"
        )


# -- mapping a file's sheet to rows ---------------------------------------------------------------------------------
def _text(value) -> str:
    return value or ""


def _sheet_fields(sheet: dict, data: dict, corrections: list[dict]) -> dict:
    return {
        "title": f"Bộ sản phẩm: {sheet['name']}"[:250],
        "total_points": sheet["total"],
        "eliminations": sheet.get("eliminations") or [],
        "notes": sheet.get("notes") or [],
        "source": _text(data.get("source"))[:250],
        "category_name": _text(sheet.get("category"))[:250],
        "group_name": _text(sheet.get("group"))[:250],
        "line": sheet.get("line"),
        "corrections": corrections,
    }


def _part_fields(part: dict, order: int) -> dict:
    return {
        "name": part["name"],
        "points": part["points"],
        "header_points": part.get("header_points"),
        "line": part.get("line"),
        "corrections": part.get("corrections") or [],
        "order": order,
    }


def _heading_fields(heading: dict, order: int) -> dict:
    return {
        "name": heading["name"],
        "points": heading["points"],
        "description": _text(heading.get("description")),
        "subheadings": heading.get("subheadings") or [],
        "line": heading.get("line"),
        "corrections": heading.get("corrections") or [],
        "order": order,
    }


def _criterion_fields(criterion: dict, order: int) -> dict:
    return {
        "text": criterion["text"],
        "points": criterion["points"],
        "condition": _text(criterion.get("condition")),
        "note": _text(criterion.get("note")),
        "description": _text(criterion.get("description")),
        "subheading": _text(criterion.get("subheading")),
        "heading_level": bool(criterion.get("heading_level")),
        "line": criterion.get("line"),
        "corrections": criterion.get("corrections") or [],
        "order": order,
    }


def _option_fields(option: dict, order: int) -> dict:
    return {
        "text": option["text"],
        "points": option["points"],
        "min_stars": option.get("min_stars"),
        "eliminates": bool(option.get("eliminates")),
        "group": _text(option.get("group"))[:250],
        "implied": bool(option.get("implied")),
        "from_note": bool(option.get("from_note")),
        "corrections": option.get("corrections") or [],
        "order": order,
    }


def content_hash(sheet: dict, data: dict, corrections: list[dict]) -> str:
    payload = {
        "loader": LOADER_VERSION,
        "rule_version": data["rule_version"],
        "source": data.get("source"),
        "sheet": sheet,
        "corrections": corrections,
    }
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    return hashlib.sha256(encoded).hexdigest()


# -- loading ----------------------------------------------------------------------------------------------------------
def _load(data: dict, *, name: str, actor) -> FileReport:
    code = data["rule_version"]
    rule_version = RuleVersion.objects.filter(code=code).first()
    if rule_version is None:
        raise SheetLoadError(f"Tệp {name}: không có phiên bản quy định '{code}' / {name}: no rule version '{code}'")
    taxonomy = data.get("taxonomy") or TAXONOMY_OF_RULE_VERSION.get(code, code)
    sets = {ps.number: ps for ps in ProductSet.objects.filter(taxonomy=taxonomy)}
    existing = {s.product_set_id: s for s in ScoreSheet.objects.filter(rule_version=rule_version)}
    report = FileReport(name=name, rule_version=code)
    for sheet in data["sheets"]:
        number = sheet["number"]
        product_set = sets.get(number)
        if product_set is None:
            raise SheetLoadError(
                f"Tệp {name}, bộ {number}: không có bộ sản phẩm số {number} trong danh mục {taxonomy} / "
                f"{name}, set {number}: no product set {number} in taxonomy {taxonomy}"
            )
        corrections = [c for c in data.get("corrections", []) if c.get("sheet") == number]
        digest = content_hash(sheet, data, corrections)
        fields = {**_sheet_fields(sheet, data, corrections), "content_hash": digest}
        current = existing.get(product_set.pk)
        if current is None:
            obj = ScoreSheet.objects.create(rule_version=rule_version, product_set=product_set, **fields)
            sheet_report = SheetReport(number=number, status="created", created=1)
            _sync_rows(obj, sheet, sheet_report, fresh=True)
            audit.record(actor=actor, action="score_sheet.created", target=obj, after={"content_hash": digest})
        elif current.content_hash == digest:
            sheet_report = SheetReport(number=number, status="unchanged")
        else:
            before = current.content_hash
            changed = _assign(current, fields)
            current.save(update_fields=[*changed] or None)
            sheet_report = SheetReport(number=number, status="updated", updated=1)
            _sync_rows(current, sheet, sheet_report, fresh=False)
            audit.record(
                actor=actor,
                action="score_sheet.updated",
                target=current,
                before={"content_hash": before},
                after={
                    "content_hash": digest,
                    "created": sheet_report.created,
                    "updated": sheet_report.updated,
                    "deleted": sheet_report.deleted,
                },
            )
        report.sheets.append(sheet_report)
    return report


def _assign(obj, fields: dict) -> list[str]:
    """Set the fields that differ; foreign keys are compared by id so no related row is fetched."""
    changed = []
    for key, value in fields.items():
        if isinstance(value, models.Model):
            differs = value.pk is None or getattr(obj, f"{key}_id") != value.pk
        else:
            differs = getattr(obj, key) != value
        if differs:
            setattr(obj, key, value)
            changed.append(key)
    return changed


def _sync_rows(sheet_obj: ScoreSheet, sheet: dict, report: SheetReport, *, fresh: bool) -> None:
    """Create, update and delete the sheet's parts, headings, criteria and options to match ``sheet``."""
    number = sheet["number"]
    if fresh:
        parts, headings, criteria, options = {}, {}, {}, {}
    else:
        parts = {p.code: p for p in SheetPart.objects.filter(sheet=sheet_obj)}
        headings = {
            (h.part.code, h.number): h
            for h in SheetHeading.objects.filter(part__sheet=sheet_obj).select_related("part")
        }
        criteria = {c.number: c for c in Criterion.objects.filter(sheet=sheet_obj)}
        options = {
            (o.criterion.number, o.key): o
            for o in CriterionOption.objects.filter(criterion__sheet=sheet_obj).select_related("criterion")
        }
    plan = _Plan()
    wanted_parts, wanted_headings, wanted_criteria, wanted_options = set(), set(), set(), set()
    for p_order, part in enumerate(sheet["parts"]):
        part_obj = plan.upsert(
            parts, part["code"], SheetPart, {"sheet": sheet_obj, "code": part["code"]}, _part_fields(part, p_order)
        )
        wanted_parts.add(part["code"])
        for h_order, heading in enumerate(part["headings"]):
            key = (part["code"], heading["number"])
            heading_obj = plan.upsert(
                headings,
                key,
                SheetHeading,
                {"part": part_obj, "number": heading["number"]},
                _heading_fields(heading, h_order),
            )
            wanted_headings.add(key)
            for criterion in heading["criteria"]:
                c_order = len(wanted_criteria)
                crit_obj = plan.upsert(
                    criteria,
                    criterion["number"],
                    Criterion,
                    {"sheet": sheet_obj, "number": criterion["number"]},
                    {"heading": heading_obj, **_criterion_fields(criterion, c_order)},
                )
                wanted_criteria.add(criterion["number"])
                for o_order, option in enumerate(criterion["options"]):
                    o_key = (criterion["number"], option["key"])
                    plan.upsert(
                        options,
                        o_key,
                        CriterionOption,
                        {"criterion": crit_obj, "key": option["key"]},
                        _option_fields(option, o_order),
                    )
                    wanted_options.add(o_key)

    stale_options = [o for k, o in options.items() if k not in wanted_options]
    stale_criteria = [c for k, c in criteria.items() if k not in wanted_criteria]
    stale_headings = [h for k, h in headings.items() if k not in wanted_headings]
    stale_parts = [p for k, p in parts.items() if k not in wanted_parts]
    _refuse_if_referenced(
        number,
        CriterionOption,
        stale_options,
        lambda o: (f"tiêu chí {o.criterion.number}", f"lựa chọn {o.key}", f"option {o.key}"),
    )
    _refuse_if_referenced(
        number, Criterion, stale_criteria, lambda c: (f"tiêu chí {c.number}", "tiêu chí", "criterion")
    )

    # Writes, parents first; foreign keys are resolved after each parent level is saved.
    for model in (SheetPart, SheetHeading, Criterion, CriterionOption):
        plan.flush(model)
    for model, stale in (
        (CriterionOption, stale_options),
        (Criterion, stale_criteria),
        (SheetHeading, stale_headings),
        (SheetPart, stale_parts),
    ):
        if stale:
            model.objects.filter(pk__in=[o.pk for o in stale]).delete()
            report.deleted += len(stale)
    report.created += plan.created
    report.updated += plan.updated


class _Plan:
    """Collects new and changed rows per model, then writes them with bulk_create / bulk_update."""

    def __init__(self):
        self.new: dict[type, list] = {}
        self.changed: dict[type, dict[int, object]] = {}
        self.changed_fields: dict[type, set[str]] = {}
        self.created = 0
        self.updated = 0

    def upsert(self, index: dict, key, model, identity: dict, fields: dict):
        obj = index.get(key)
        if obj is None:
            obj = model(**identity, **fields)
            self.new.setdefault(model, []).append(obj)
            index[key] = obj
            return obj
        changed = _assign(obj, fields)
        if changed:
            self.changed.setdefault(model, {})[id(obj)] = obj
            self.changed_fields.setdefault(model, set()).update(changed)
        return obj

    def flush(self, model) -> None:
        # Parents created earlier in this run have their pk now; Django copies it into the child's *_id on save.
        new = self.new.get(model, [])
        if new:
            model.objects.bulk_create(new, batch_size=1000)
            self.created += len(new)
        changed = list(self.changed.get(model, {}).values())
        if changed:
            model.objects.bulk_update(changed, sorted(self.changed_fields[model]), batch_size=500)
            self.updated += len(changed)


def _refuse_if_referenced(number: int, model, rows: list, describe) -> None:
    """Raise when a row about to disappear is still referenced through a PROTECT foreign key."""
    if not rows:
        return
    ids = [row.pk for row in rows]
    used: set[int] = set()
    relations = [
        f for f in model._meta.get_fields(include_hidden=True) if f.auto_created and not f.concrete and f.is_relation
    ]  # related_name="+" relations (member choices, self-assessments) are hidden ones
    for relation in relations:
        if relation.on_delete in (models.PROTECT, models.RESTRICT):
            used |= set(
                relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": ids}).values_list(
                    relation.field.attname, flat=True
                )
            )
    if used:
        row = next(r for r in rows if r.pk in used)
        where, what_vi, what_en = describe(row)
        raise SheetLoadError(
            f"Bộ {number}, {where}: {what_vi} không còn trong tệp nhưng đã được dùng trong phiếu chấm hoặc tự đánh "
            f"giá, không thể xoá; không nạp gì / Set {number}, {where.replace('tiêu chí', 'criterion')}: {what_en} "
            f"is gone from the file but is used by member or self assessments and cannot be deleted; nothing loaded"
        )
