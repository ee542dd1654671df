"""Printable score sheets ("phiếu đánh giá"), public: officers print blank ones for field visits."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import sheet_selectors


def sheet_index(request):
    versions = list(sheet_selectors.rule_versions().order_by("-effective_from"))
    sheets = {}
    for sheet in sheet_selectors.sheet_list():
        sheets.setdefault(sheet.rule_version_id, []).append(sheet)
    for version in versions:
        version.sheets = sheets.get(version.pk, [])
    return render(request, "sheets/index.html", {"versions": versions})


def sheet_print(request, rule_version: str, number: int):
    sheet = sheet_selectors.sheet_detail().filter(rule_version__code=rule_version, product_set__number=number).first()
    if sheet is None:
        raise Http404(_("Không có phiếu đánh giá này."))
    return render(request, "sheets/print.html", {"sheet": sheet, "rows": list(sheet_rows(sheet))})


def sheet_rows(sheet):
    """The sheet's table, row by row, in print order: (kind, object, extra)."""
    for part in sheet.parts.all():
        yield "part", part, None
        for heading in part.headings.all():
            criteria = list(heading.criteria.all())
            scored_heading = len(criteria) == 1 and criteria[0].heading_level
            yield "heading", heading, None
            subheadings = {s["number"]: s for s in heading.subheadings}
            current_sub = None
            for criterion in criteria:
                if criterion.subheading and criterion.subheading != current_sub:
                    current_sub = criterion.subheading
                    yield "subheading", subheadings.get(current_sub, {"number": current_sub}), None
                if not scored_heading:
                    yield "criterion", criterion, None
                elif criterion.description and criterion.description != heading.description:
                    yield "description", criterion, None
                group = None
                for option in criterion.options.all():
                    if option.group and option.group != group:
                        group = option.group
                        yield "group", option, None
                    yield "option", option, "*" * option.min_stars if option.min_stars else ""
                if criterion.note:
                    yield "note", criterion, None
