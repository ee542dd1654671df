"""Reads of rule versions and score sheets, shared by the printable pages and the API (the criteria are public law)."""

from django.db.models import Count, Prefetch, QuerySet

from .models import Criterion, CriterionOption, RuleVersion, ScoreSheet, SheetHeading, SheetPart


def rule_versions() -> QuerySet[RuleVersion]:
    """Every rule version, oldest first, with ``sheet_count`` (how many score sheets are loaded for it)."""
    return RuleVersion.objects.annotate(sheet_count=Count("score_sheets")).order_by("effective_from")


def sheet_list() -> QuerySet[ScoreSheet]:
    return ScoreSheet.objects.select_related("rule_version", "product_set").order_by(
        "rule_version__effective_from", "product_set__number"
    )


def sheet_detail() -> QuerySet[ScoreSheet]:
    """Sheets with their whole tree in five queries: sheet, parts, headings, criteria, options."""
    return sheet_list().prefetch_related(
        Prefetch("parts", queryset=SheetPart.objects.order_by("order")),
        Prefetch("parts__headings", queryset=SheetHeading.objects.order_by("order")),
        Prefetch("parts__headings__criteria", queryset=Criterion.objects.order_by("order")),
        Prefetch("parts__headings__criteria__options", queryset=CriterionOption.objects.order_by("order")),
    )


def star_minima(criterion: Criterion) -> dict[str, int | None]:
    """Points a product must reach on the criterion for 3, 4 and 5 stars (None: no minimum at that level).

    The minimum for level N is the highest-point option marked with N stars or fewer (see ``rules.minimum_option``);
    uses the prefetched options.
    """
    options = list(criterion.options.all())
    minima: dict[str, int | None] = {}
    for level in (3, 4, 5):
        marked = [o.points for o in options if o.min_stars is not None and o.min_stars <= level]
        minima[str(level)] = max(marked) if marked else None
    return minima
