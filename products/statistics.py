"""Programme statistics: certificates and certified products per unit × year × star × producer type.

The year of a certificate is the year of the evaluation round its decision closed (Hà Nội's 2019 round was decided
in December 2019 and June 2020, and is reported as 2019), or its issue year when the decision had no round.
Cumulative product counts follow each product's latest certificate: a re-recognition at the same star adds nothing,
an upgrade moves the product from one star to the next.

Everything comes from three grouped queries (no per-row Python over certificates) and is cached until the data or
the day changes.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from districts.models import AdminUnit, Level, Structure
from evaluations.models import Certificate
from evaluations.status import Status

from . import charts, selectors
from .models import ProducerType

STARS = (3, 4, 5)
FIRST_YEAR = 2019
BREAKDOWNS = {
    "province": gettext_lazy("Tỉnh / thành phố"),
    "legacy_district": gettext_lazy("Huyện (trước 1/7/2025)"),
    "commune": gettext_lazy("Xã / phường"),
}


@dataclass
class Scope:
    """Which unit, which years, broken down by which kind of unit."""

    province: AdminUnit | None = None
    legacy_district: AdminUnit | None = None
    year_from: int = FIRST_YEAR
    year_to: int = field(default_factory=lambda: datetime.date.today().year)
    by: str = "province"

    @classmethod
    def from_params(cls, params) -> "Scope":
        this_year = selectors.today().year
        province = _unit(Structure.CURRENT, Level.PROVINCE, params.get("province"))
        district = _unit(Structure.LEGACY, Level.DISTRICT, params.get("legacy_district"))
        if district and province and district.successor_province_id != province.pk:
            district = None  # a district of another province: ignore rather than show an empty page
        if district and not province:
            province = district.successor_province
        year_from = _year(params.get("year_from"), FIRST_YEAR, this_year)
        year_to = _year(params.get("year_to"), this_year, this_year)
        if year_from > year_to:
            year_from, year_to = year_to, year_from
        default_by = "commune" if district else ("legacy_district" if province else "province")
        by = params.get("by") if params.get("by") in BREAKDOWNS else default_by
        if by == "province" and province:
            by = default_by
        return cls(province, district, year_from, year_to, by)

    @property
    def unit(self) -> AdminUnit | None:
        return self.legacy_district or self.province

    @property
    def years(self) -> list[int]:
        return list(range(self.year_from, self.year_to + 1))

    def params(self) -> dict:
        params = {"year_from": self.year_from, "year_to": self.year_to, "by": self.by}
        if self.province:
            params["province"] = self.province.code
        if self.legacy_district:
            params["legacy_district"] = self.legacy_district.code
        return params

    def slug(self) -> str:
        unit = self.unit.slug if self.unit else "toan-quoc"
        return f"{unit}-{self.year_from}-{self.year_to}"

    def title(self) -> str:
        return self.unit.name if self.unit else _("Toàn quốc")

    def certificates_q(self, prefix: str = "product__") -> Q:
        q = Q()
        if self.province:
            q &= Q(**{f"{prefix}province": self.province})
        if self.legacy_district:
            q &= Q(**{f"{prefix}legacy_district": self.legacy_district})
        return q


def scope_params(unit: AdminUnit) -> dict:
    """Statistics page parameters for a unit page's "statistics" link."""
    if unit.structure == Structure.CURRENT and unit.level == Level.PROVINCE:
        return {"province": unit.code}
    if unit.structure == Structure.LEGACY and unit.level == Level.DISTRICT:
        return {"legacy_district": unit.code}
    if unit.structure == Structure.CURRENT:
        return {"province": unit.parent.code if unit.parent_id else "", "by": "commune"}
    return {}


def _unit(structure, level, code):
    if not code or not str(code).isdigit():
        return None
    return AdminUnit.objects.filter(structure=structure, level=level, code=code).select_related("parent").first()


def _year(value, default, this_year):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(year, 2000), this_year + 1)


BREAKDOWN_FIELDS = {
    "province": ("product__province__code", "product__province__name"),
    "legacy_district": ("product__legacy_district__code", "product__legacy_district__name"),
    "commune": ("product__commune__code", "product__commune__name"),
}


def certificate_rows(scope: Scope):
    """Certificates in scope with their reporting year and the star of the certificate they replaced."""
    previous_stars = Certificate.objects.filter(replaced_by=OuterRef("pk")).values("stars")[:1]
    return (
        Certificate.objects.filter(scope.certificates_q())
        .annotate(
            year=Coalesce("decision__round__year", ExtractYear("issued_on"), output_field=IntegerField()),
            previous_stars=Subquery(previous_stars, output_field=IntegerField()),
        )
        .filter(year__lte=scope.year_to)
    )


def report(scope: Scope) -> dict:
    # The report holds translated labels: one cached copy per language.
    key = f"statistics:{get_language()}:" + "&".join(f"{k}={v}" for k, v in sorted(scope.params().items()))
    return selectors.cached_for_version(key, lambda: _report(scope), timeout=3600)


def _report(scope: Scope) -> dict:
    code_field, name_field = BREAKDOWN_FIELDS[scope.by]
    cube = list(
        certificate_rows(scope)
        .values("year", "stars", "previous_stars", "product__producer__producer_type", code_field, name_field)
        .annotate(n=Count("pk"))
        .order_by()
    )
    years = scope.years
    by_year = {y: {"new": dict.fromkeys(STARS, 0), "renewed": dict.fromkeys(STARS, 0)} for y in years}
    cumulative_delta: dict[int, dict[int, int]] = {}
    by_type: dict[str, dict[int, int]] = {}
    by_unit: dict[tuple, dict[int, int]] = {}
    csv_cube = []
    for row in cube:
        year, stars, previous, n = row["year"], row["stars"], row["previous_stars"], row["n"]
        ptype = row["product__producer__producer_type"]
        unit_key = (row[code_field] or "", row[name_field] or _("(không ghi nhận)"))
        delta = cumulative_delta.setdefault(year, dict.fromkeys(STARS, 0))
        delta[stars] += n
        if previous is not None:
            delta[previous] -= n
        for target in (
            by_type.setdefault(ptype, dict.fromkeys(STARS, 0)),
            by_unit.setdefault(unit_key, dict.fromkeys(STARS, 0)),
        ):
            target[stars] += n
            if previous is not None:
                target[previous] -= n
        if year in by_year:
            by_year[year]["renewed" if previous is not None else "new"][stars] += n
            csv_cube.append(
                {
                    "unit_code": unit_key[0],
                    "unit_name": unit_key[1],
                    "year": year,
                    "stars": stars,
                    "producer_type": ptype,
                    "kind": "renewed" if previous is not None else "new",
                    "certificates": n,
                }
            )
    running = dict.fromkeys(STARS, 0)
    for year in sorted(cumulative_delta):
        if year < years[0]:
            for s in STARS:
                running[s] += cumulative_delta[year][s]
    cumulative = {}
    for year in years:
        for s in STARS:
            running[s] += cumulative_delta.get(year, {}).get(s, 0)
        cumulative[year] = dict(running)

    producers = dict(
        certificate_rows(scope)
        .values_list("product__producer__producer_type")
        .annotate(n=Count("product__producer", distinct=True))
        .order_by()
    )
    type_labels = dict(ProducerType.choices)
    year_rows = [
        {
            "year": y,
            "new": [by_year[y]["new"][s] for s in STARS],
            "new_total": sum(by_year[y]["new"].values()),
            "renewed_total": sum(by_year[y]["renewed"].values()),
            "all": [by_year[y]["new"][s] + by_year[y]["renewed"][s] for s in STARS],
            "all_total": sum(by_year[y]["new"].values()) + sum(by_year[y]["renewed"].values()),
            "cumulative": [cumulative[y][s] for s in STARS],
            "cumulative_total": sum(cumulative[y].values()),
        }
        for y in years
    ]
    type_rows = [
        {
            "type": ptype,
            "label": str(type_labels.get(ptype, ptype)),
            "stars": [counts[s] for s in STARS],
            "total": sum(counts.values()),
            "producers": producers.get(ptype, 0),
        }
        for ptype, counts in sorted(by_type.items(), key=lambda item: -sum(item[1].values()))
        if sum(counts.values())
    ]
    unit_rows = [
        {"code": code, "name": name, "stars": [counts[s] for s in STARS], "total": sum(counts.values())}
        for (code, name), counts in sorted(by_unit.items(), key=lambda item: (-sum(item[1].values()), item[0][1]))
        if sum(counts.values())
    ]
    return {
        "title": scope.title(),
        "years": years,
        "year_from": scope.year_from,
        "year_to": scope.year_to,
        "by": scope.by,
        "by_label": str(BREAKDOWNS[scope.by]),
        "year_rows": year_rows,
        "type_rows": type_rows,
        "unit_rows": unit_rows,
        "status_rows": status_rows(scope),
        "cube": sorted(csv_cube, key=lambda r: (r["unit_code"], r["year"], r["stars"], r["producer_type"], r["kind"])),
        "totals": {
            "cumulative": [cumulative[years[-1]][s] for s in STARS],
            "cumulative_total": sum(cumulative[years[-1]].values()),
            "producers": sum(producers.values()),
        },
    }


def status_rows(scope: Scope) -> list[dict]:
    """Products by the status of their current certificate today, per star."""
    q = Q()
    if scope.province:
        q &= Q(province=scope.province)
    if scope.legacy_district:
        q &= Q(legacy_district=scope.legacy_district)
    counts = {}
    for stars, status, n in (
        selectors.with_status(selectors.public_products().filter(q))
        .order_by()
        .values_list("cert_stars", "status")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(status, dict.fromkeys(STARS, 0))[stars] = n
    order = [Status.VALID, Status.EXPIRING, Status.IN_RERATING, Status.EXPIRED, Status.REVOKED]
    return [
        {
            "status": status,
            "label": str(Status.LABELS[status]),
            "stars": [counts[status][s] for s in STARS],
            "total": sum(counts[status].values()),
        }
        for status in order
        if status in counts
    ]


# -- charts and downloads --------------------------------------------------------------------------------------------
def build_charts(report: dict) -> dict:
    labels = [str(row["year"]) for row in report["year_rows"]]
    star_names = [f"{s}★" for s in STARS]
    per_year = charts.stacked_bars(
        labels,
        [(star_names[i], [row["all"][i] for row in report["year_rows"]]) for i in range(3)],
        title=_("Giấy chứng nhận cấp theo năm và hạng sao"),
    )
    cumulative = charts.stacked_bars(
        labels,
        [(star_names[i], [row["cumulative"][i] for row in report["year_rows"]]) for i in range(3)],
        title=_("Sản phẩm OCOP lũy kế đến cuối năm"),
    )
    top = report["unit_rows"][:15]
    by_unit = charts.horizontal_bars(
        [row["name"] for row in top],
        [(star_names[i], [row["stars"][i] for row in top]) for i in range(3)],
        title=_("Sản phẩm OCOP theo %(unit)s") % {"unit": report["by_label"].lower()},
    )
    return {"per_year": per_year, "cumulative": cumulative, "by_unit": by_unit}


def to_xlsx(report: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="A4161A")
    workbook = Workbook()

    def sheet(title, headers, rows, first=False):
        ws = workbook.active if first else workbook.create_sheet()
        ws.title = title[:31]
        ws.append([f"{_('Thống kê sản phẩm OCOP')} — {report['title']} ({report['year_from']}–{report['year_to']})"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([])
        ws.append(headers)
        for cell in ws[3]:
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for row in rows:
            ws.append(row)
        for index, _h in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(index)].width = 14 if index > 1 else 34
        ws.freeze_panes = "B4"

    stars = [f"{s}★" for s in STARS]
    sheet(
        _("Theo năm"),
        [
            _("Năm"),
            *[_("Mới %(s)s") % {"s": s} for s in stars],
            _("Mới"),
            _("Công nhận lại / nâng hạng"),
            _("Tổng cấp"),
            *[_("Lũy kế %(s)s") % {"s": s} for s in stars],
            _("Lũy kế"),
        ],  # fmt: skip
        [
            [
                r["year"],
                *r["new"],
                r["new_total"],
                r["renewed_total"],
                r["all_total"],
                *r["cumulative"],
                r["cumulative_total"],
            ]  # fmt: skip
            for r in report["year_rows"]
        ],
        first=True,
    )
    sheet(
        _("Theo loại hình"),
        [_("Loại hình chủ thể"), *stars, _("Tổng sản phẩm"), _("Số chủ thể")],
        [[r["label"], *r["stars"], r["total"], r["producers"]] for r in report["type_rows"]],
    )
    sheet(
        _("Theo đơn vị"),
        [report["by_label"], _("Mã"), *stars, _("Tổng")],
        [[r["name"], r["code"], *r["stars"], r["total"]] for r in report["unit_rows"]],
    )
    sheet(
        _("Tình trạng hôm nay"),
        [_("Tình trạng"), *stars, _("Tổng")],
        [[r["label"], *r["stars"], r["total"]] for r in report["status_rows"]],
    )
    sheet(
        _("Dữ liệu chi tiết"),
        [
            _("Mã đơn vị"),
            _("Đơn vị"),
            _("Năm"),
            _("Hạng sao"),
            _("Loại hình chủ thể"),
            _("Loại"),
            pgettext("số lượng", "Số GCN"),
        ],
        [
            [r["unit_code"], r["unit_name"], r["year"], r["stars"], r["producer_type"], r["kind"], r["certificates"]]
            for r in report["cube"]
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def to_csv(report: dict) -> str:
    """The detailed cube in long form: one row per unit × year × star × producer type × new/renewed."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["unit_code", "unit_name", "year", "stars", "producer_type", "kind", "certificates"])
    for r in report["cube"]:
        writer.writerow([r["unit_code"], r["unit_name"], r["year"], r["stars"], r["producer_type"], r["kind"],
                         r["certificates"]])  # fmt: skip
    return out.getvalue()
