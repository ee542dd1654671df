"""Pure OCOP rules: sheet totals, council results, stars, rule versions and certificate dates.

No Django, no database: every function takes plain data (a score sheet as loaded from
``evaluations/score_sheets/qd-26-2026.json``, dicts of choices, dates) and returns dataclasses.

Choices are ``{criterion number: option key}``.  A conditional criterion (one with a ``condition``, e.g. 5.2
"Chỉ áp dụng khi có câu chuyện sản phẩm") may be answered with :data:`NOT_APPLICABLE`; it then scores 0 and is not
missing.  The decision does not say how to treat it; 0 keeps every sheet on its 100-point scale (no rescaling), and
a product without a story already scores 0 on 5.1, so 5.2 adds nothing either.  Its star minima, if any, are not
checked when the council's consensus is "not applicable".
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

NOT_APPLICABLE = "-"
STAR_LEVELS = (3, 4, 5)
BAND_EDGES = (Decimal(30), Decimal(50), Decimal(70), Decimal(90))
TWO_PLACES = Decimal("0.01")

Level = Literal["commune", "district", "province", "central"]
Status = Literal["recognised", "not_recognised", "rejected"]
CertificateStatus = Literal["valid", "expiring", "in_rerating", "expired", "revoked"]


# -- score sheets ------------------------------------------------------------------------------------------------
def iter_criteria(sheet: Mapping) -> Iterator[Mapping]:
    for part in sheet["parts"]:
        for heading in part["headings"]:
            yield from heading["criteria"]


def criteria_by_number(sheet: Mapping) -> dict[str, Mapping]:
    return {criterion["number"]: criterion for criterion in iter_criteria(sheet)}


def _option(criterion: Mapping, key: str) -> Mapping:
    for option in criterion["options"]:
        if option["key"] == key:
            return option
    raise ValueError(f"tiêu chí {criterion['number']}: không có lựa chọn {key!r} / criterion has no option {key!r}")


@dataclass(frozen=True)
class MemberTotal:
    total: Decimal
    eliminated: bool
    missing: list[str]
    eliminated_by: list[str] = field(default_factory=list)  # criterion numbers whose chosen option eliminates
    not_applicable: list[str] = field(default_factory=list)


def member_total(sheet: Mapping, choices: Mapping[str, str]) -> MemberTotal:
    """One member's total: the chosen option's points summed over the criteria of the sheet.

    ``missing`` lists criteria without a choice (and non-conditional criteria answered "not applicable");
    an eliminating option (``eliminates: true``) makes the sheet ``eliminated``.  Unknown criterion numbers or
    option keys raise ``ValueError``.
    """
    criteria = criteria_by_number(sheet)
    unknown = sorted(set(choices) - set(criteria))
    if unknown:
        raise ValueError(f"tiêu chí không có trong bộ / unknown criteria: {unknown}")
    total = Decimal(0)
    missing, eliminated_by, not_applicable = [], [], []
    for number, criterion in criteria.items():
        key = choices.get(number)
        if key is None:
            missing.append(number)
        elif key == NOT_APPLICABLE:
            if criterion.get("condition"):
                not_applicable.append(number)
            else:
                missing.append(number)
        else:
            option = _option(criterion, key)
            total += Decimal(option["points"])
            if option.get("eliminates"):
                eliminated_by.append(number)
    return MemberTotal(
        total=total,
        eliminated=bool(eliminated_by),
        missing=missing,
        eliminated_by=eliminated_by,
        not_applicable=not_applicable,
    )


def minimum_option(criterion: Mapping, stars: int) -> Mapping | None:
    """The option a product must reach on ``criterion`` for ``stars`` stars.

    It is the highest-point option marked with ``stars`` or fewer stars (``***`` = 3 …); ``None`` when no option
    carries such a mark (the criterion sets no minimum for that level).
    """
    marked = [o for o in criterion["options"] if o.get("min_stars") is not None and o["min_stars"] <= stars]
    if not marked:
        return None
    best = max(o["points"] for o in marked)
    return next(o for o in marked if o["points"] == best)


def failed_minima(consensus: Mapping[str, int | Decimal | None], sheet: Mapping) -> dict[int, list[str]]:
    """Criteria whose consensus points are below the level's minimum, per star level (only levels that fail).

    A criterion absent from ``consensus`` counts as 0 points; ``None`` means "not applicable" and is skipped.
    """
    result: dict[int, list[str]] = {}
    for criterion in iter_criteria(sheet):
        number = criterion["number"]
        points = consensus.get(number, 0)
        if points is None:
            continue
        for level in STAR_LEVELS:
            minimum = minimum_option(criterion, level)
            if minimum is not None and Decimal(points) < Decimal(minimum["points"]):
                result.setdefault(level, []).append(number)
    return result


# -- stars -------------------------------------------------------------------------------------------------------
def band_stars(score: Decimal | float | str) -> int:
    """1★ < 30 ≤ 2★ < 50 ≤ 3★ < 70 ≤ 4★ < 90 ≤ 5★ ≤ 100."""
    value = Decimal(str(score))
    if value < 0 or value > 100:
        raise ValueError(f"điểm ngoài thang 0-100 / score outside 0-100: {score}")
    return 1 + sum(value >= edge for edge in BAND_EDGES)


@dataclass(frozen=True)
class StarOutcome:
    stars: int | None
    status: Status
    failed_minima: dict[int, list[str]]


def star_rating(
    mean: Decimal | float | str,
    consensus: Mapping[str, int | Decimal | None],
    sheet: Mapping,
    *,
    eliminated: bool = False,
) -> StarOutcome:
    """The highest level N whose band the mean reaches and whose minima are all met on the consensus.

    1★ and 2★ have no minima, so a product in the 3★+ band that fails the 3★ minima rates 2★ and is not
    recognised.  Only 3-5★ are recognised.  An eliminated product is rejected (``stars`` None).
    """
    failures = failed_minima(consensus, sheet)
    if eliminated:
        return StarOutcome(stars=None, status="rejected", failed_minima=failures)
    band = band_stars(mean)
    stars = band
    while stars >= STAR_LEVELS[0] and stars in failures:
        stars -= 1
    status: Status = "recognised" if stars >= STAR_LEVELS[0] else "not_recognised"
    return StarOutcome(stars=stars, status=status, failed_minima=failures)


# -- council -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MemberSheet:
    member_id: str | int
    is_chair: bool = False
    recused: bool = False
    choices: Mapping[str, str] | None = None
    total: Decimal | int | None = None  # used when no choices are given
    submitted: bool = True
    eliminated: bool = False  # used when no choices are given


@dataclass(frozen=True)
class CouncilResult:
    mean: Decimal | None
    participants: list
    excluded: list[tuple]  # (member id, "recused" | "not_submitted" | "incomplete")
    quorum_met: bool
    chair_present: bool
    spread: Decimal | None
    spread_flag: bool
    consensus: dict[str, int | None]
    near_band_edge: bool
    failed_minima: dict[int, list[str]]
    eliminated: bool
    elimination_flags: list  # members whose sheet eliminated the product
    outcome: StarOutcome | None


def consensus_points(sheet: Mapping, members_choices: Iterable[Mapping[str, str]]) -> dict[str, int | None]:
    """Per criterion, the low median of the members' points (see docs/adr/0002-criterion-consensus.md).

    The low median is always one member's actual score, so it is the points of an existing option, and it is at
    least ``p`` exactly when a strict majority of members gave ``p`` or more: a minimum counts as met only when
    most members say so.  "Not applicable" answers count as ``None``; if they are the majority the criterion's
    consensus is ``None`` (not applicable), otherwise they are left out.
    """
    choices = list(members_choices)
    result: dict[str, int | None] = {}
    for criterion in iter_criteria(sheet):
        number = criterion["number"]
        values: list[int] = []
        not_applicable = 0
        for member in choices:
            key = member.get(number)
            if key == NOT_APPLICABLE:
                not_applicable += 1
            elif key is not None:
                values.append(_option(criterion, key)["points"])
        if not values or not_applicable * 2 > len(choices):
            result[number] = None if not_applicable else 0
            continue
        values.sort()
        result[number] = values[(len(values) - 1) // 2]
    return result


def council_result(
    members: list[MemberSheet],
    *,
    sheet: Mapping | None = None,
    quorum_fraction: Fraction = Fraction(3, 4),
    chair_required: bool = True,
    spread_limit: Decimal = Decimal(10),
    council_size: int | None = None,
) -> CouncilResult:
    """Combine the members' sheets.

    * Recused members and members who have not submitted are excluded (listed in ``excluded``); with ``sheet``
      given, a member whose sheet has missing criteria is excluded as "incomplete".
    * Quorum: participants ≥ ``quorum_fraction`` × ``council_size`` (default: everyone listed, recused included),
      and the chair among the participants when ``chair_required``.
    * ``mean``: arithmetic mean of the participants' totals, 2 decimals, ROUND_HALF_UP.
    * ``spread`` = highest − lowest total; ``spread_flag`` when it exceeds ``spread_limit`` (re-discussion).
    * ``near_band_edge``: the mean is within 1 point of 30, 50, 70 or 90.
    * With ``sheet``: per-criterion ``consensus`` (:func:`consensus_points`), ``failed_minima`` and ``outcome``
      (:func:`star_rating`).  The product is ``eliminated`` when a strict majority of participants' sheets
      eliminate it; any member who marked an elimination is listed in ``elimination_flags`` for discussion.
    """
    size = council_size if council_size is not None else len(members)
    participants: list[MemberSheet] = []
    excluded: list[tuple] = []
    totals: dict = {}
    eliminations: list = []
    for member in members:
        if member.recused:
            excluded.append((member.member_id, "recused"))
            continue
        if not member.submitted:
            excluded.append((member.member_id, "not_submitted"))
            continue
        if sheet is not None and member.choices is not None:
            result = member_total(sheet, member.choices)
            if result.missing:
                excluded.append((member.member_id, "incomplete"))
                continue
            totals[member.member_id] = result.total
            if result.eliminated:
                eliminations.append(member.member_id)
        else:
            if member.total is None:
                excluded.append((member.member_id, "not_submitted"))
                continue
            totals[member.member_id] = Decimal(member.total)
            if member.eliminated:
                eliminations.append(member.member_id)
        participants.append(member)

    chair_present = any(m.is_chair for m in participants)
    quorum_met = size > 0 and Fraction(len(participants)) >= quorum_fraction * size
    if chair_required:
        quorum_met = quorum_met and chair_present

    values = list(totals.values())
    mean = (sum(values, Decimal(0)) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP) if values else None
    spread = (max(values) - min(values)) if values else None
    spread_flag = spread is not None and spread > Decimal(spread_limit)
    near_edge = mean is not None and any(abs(mean - edge) <= 1 for edge in BAND_EDGES)
    eliminated = len(eliminations) * 2 > len(participants) if participants else False

    consensus: dict[str, int | None] = {}
    failures: dict[int, list[str]] = {}
    outcome = None
    if sheet is not None and participants and all(m.choices is not None for m in participants):
        consensus = consensus_points(sheet, [m.choices for m in participants])
        outcome = star_rating(mean, consensus, sheet, eliminated=eliminated)
        failures = outcome.failed_minima
    return CouncilResult(
        mean=mean,
        participants=[m.member_id for m in participants],
        excluded=excluded,
        quorum_met=quorum_met,
        chair_present=chair_present,
        spread=spread,
        spread_flag=spread_flag,
        consensus=consensus,
        near_band_edge=near_edge,
        failed_minima=failures,
        eliminated=eliminated,
        elimination_flags=eliminations,
        outcome=outcome,
    )


# -- rule versions -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Forwarding:
    from_level: Level
    to_level: Level
    min_score: Decimal | None  # None: forwarded without a score (the commune only checks the dossier)
    label: str = ""


@dataclass(frozen=True)
class RuleVersion:
    code: str
    title: str
    signed_on: dt.date
    in_force_from: dt.date
    in_force_to: dt.date | None  # last day in force; None = current
    part_points: dict[str, int]
    recognises: dict[int, Level]  # stars -> level that recognises them
    forwarding: tuple[Forwarding, ...]


RULE_VERSIONS: dict[str, RuleVersion] = {
    version.code: version
    for version in (
        RuleVersion(
            code="QD1048_2019",
            title="Quyết định 1048/QĐ-TTg ngày 21/8/2019 (sửa đổi bởi Quyết định 781/QĐ-TTg năm 2020)",
            signed_on=dt.date(2019, 8, 21),
            in_force_from=dt.date(2019, 8, 21),
            in_force_to=dt.date(2023, 2, 23),
            part_points={"A": 35, "B": 25, "C": 40},
            recognises={3: "province", 4: "province", 5: "central"},
            forwarding=(
                Forwarding("district", "province", Decimal(50)),
                Forwarding("province", "central", Decimal(90), "tiềm năng 5 sao"),
            ),
        ),
        RuleVersion(
            code="QD148_2023",
            title="Quyết định 148/QĐ-TTg ngày 24/2/2023",
            signed_on=dt.date(2023, 2, 24),
            in_force_from=dt.date(2023, 2, 24),
            in_force_to=dt.date(2025, 7, 5),
            part_points={"A": 40, "B": 25, "C": 35},
            recognises={3: "district", 4: "province", 5: "central"},
            forwarding=(
                Forwarding("district", "province", Decimal(70)),
                Forwarding("province", "central", Decimal(90), "tiềm năng 5 sao"),
            ),
        ),
        RuleVersion(
            code="QD148_1489_2025",
            title="Quyết định 148/QĐ-TTg sửa đổi bởi Quyết định 1489/QĐ-TTg ngày 06/7/2025",
            signed_on=dt.date(2025, 7, 6),
            in_force_from=dt.date(2025, 7, 6),
            # QĐ 26/2026 Điều 11.2: 148 and 1489 cease 60 days after 22/5/2026, i.e. on 21/7/2026.
            in_force_to=dt.date(2026, 7, 20),
            part_points={"A": 40, "B": 25, "C": 35},
            recognises={3: "province", 4: "province", 5: "central"},
            forwarding=(
                Forwarding("commune", "province", None),
                Forwarding("province", "central", Decimal(90), "tiềm năng 5 sao"),
            ),
        ),
        RuleVersion(
            code="QD26_2026",
            title="Quyết định 26/2026/QĐ-TTg ngày 22/5/2026",
            signed_on=dt.date(2026, 5, 22),
            in_force_from=dt.date(2026, 5, 22),
            in_force_to=None,
            part_points={"A": 40, "B": 25, "C": 35},
            recognises={3: "province", 4: "province", 5: "central"},
            forwarding=(
                Forwarding("commune", "province", None),
                Forwarding("province", "central", Decimal(90), "tiềm năng 5 sao"),
            ),
        ),
    )
}


def _version(code: str) -> RuleVersion:
    try:
        return RULE_VERSIONS[code]
    except KeyError:
        raise ValueError(f"phiên bản quy định không rõ / unknown rule version: {code}") from None


def recognising_level(rule_version_code: str, stars: int) -> Level | None:
    """Which level recognises ``stars`` under the version; None for 1-2★ (not recognised)."""
    return _version(rule_version_code).recognises.get(stars)


def forward_to(rule_version_code: str, level: Level, score: Decimal | float | str | None = None) -> Level | None:
    """The level a product is forwarded to from ``level`` with ``score``; None when it stays.

    E.g. QĐ 148: the district forwards ≥70 to the province, the province ≥90 to the centre; QĐ 26/2026: the
    commune forwards every checked dossier to the province (no score), the province forwards ≥90 ("tiềm năng 5★").
    """
    for rule in _version(rule_version_code).forwarding:
        if rule.from_level != level:
            continue
        if rule.min_score is None:
            return rule.to_level
        if score is not None and Decimal(str(score)) >= rule.min_score:
            return rule.to_level
        return None
    return None


def rule_version_for_date(day: dt.date) -> RuleVersion:
    """The newest version in force on ``day`` (QĐ 26/2026 from 22/5/2026, although 148/1489 linger until 20/7)."""
    candidates = [
        v for v in RULE_VERSIONS.values() if v.in_force_from <= day and (v.in_force_to is None or day <= v.in_force_to)
    ]
    if not candidates:
        raise LookupError(f"không có quy định OCOP nào có hiệu lực ngày {day} / no rule version in force on {day}")
    return max(candidates, key=lambda v: v.in_force_from)


# -- certificate dates -------------------------------------------------------------------------------------------
CERTIFICATE_MONTHS = 36
RERATING_EARLIEST_DAYS = 180
RERATING_LATEST_DAYS = 120
LATE_RERATING_EXTENSION_DAYS = 180


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months; the day is clamped to the target month's length (31/1 + 1 month = 28/2 or 29/2)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def certificate_expiry(issued_on: dt.date) -> dt.date:
    """Issue date + 36 calendar months (29/2/2024 → 28/2/2027; 31/8/2026 → 31/8/2029)."""
    return add_months(issued_on, CERTIFICATE_MONTHS)


def rerating_window(expires_on: dt.date) -> tuple[dt.date, dt.date]:
    """Re-rating dossiers are filed no earlier than 180 and no later than 120 days before expiry (inclusive)."""
    return (
        expires_on - dt.timedelta(days=RERATING_EARLIEST_DAYS),
        expires_on - dt.timedelta(days=RERATING_LATEST_DAYS),
    )


def certificate_status(
    issued_on: dt.date,
    expires_on: dt.date,
    today: dt.date,
    revoked_on: dt.date | None = None,
    rerating_filed_on: dt.date | None = None,
    rerating_decided_on: dt.date | None = None,
    expiring_days: int = 90,
) -> CertificateStatus:
    """Status of a certificate on ``today``; ``expires_on`` is the last day of validity.

    * ``revoked`` from the revocation date on;
    * up to the expiry date: ``in_rerating`` while a filed re-rating is undecided, else ``expiring`` within
      ``expiring_days`` of expiry, else ``valid``;
    * after the expiry date: ``in_rerating`` while a re-rating filed on or before the expiry date is undecided,
      for at most 180 days past expiry (QĐ 26/2026 Điều 12.3, a late filing keeps the certificate in force until
      the decision); otherwise ``expired``.  Never ``valid`` after expiry.
    """
    if today < issued_on:
        raise ValueError(f"ngày {today} trước ngày cấp {issued_on} / {today} is before the issue date")
    if revoked_on is not None and today >= revoked_on:
        return "revoked"
    pending = (
        rerating_filed_on is not None
        and rerating_filed_on <= today
        and (rerating_decided_on is None or rerating_decided_on > today)
    )
    if today <= expires_on:
        if pending:
            return "in_rerating"
        if (expires_on - today).days <= expiring_days:
            return "expiring"
        return "valid"
    if (
        pending
        and rerating_filed_on <= expires_on
        and today <= expires_on + dt.timedelta(days=LATE_RERATING_EXTENSION_DAYS)
    ):
        return "in_rerating"
    return "expired"


# -- workflow ----------------------------------------------------------------------------------------------------
REVIEW_WORKING_DAYS = 15
LEVEL_ORDER: dict[str, int] = {"commune": 0, "district": 1, "province": 2, "central": 3}
# Fixed public holidays (day, month) of the Labour Code; Tết and the Hùng Kings' day move with the lunar calendar
# and come from settings (OCOP_PUBLIC_HOLIDAYS).
FIXED_HOLIDAYS = ((1, 1), (30, 4), (1, 5), (2, 9))


def is_working_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    return day.weekday() < 5 and (day.day, day.month) not in FIXED_HOLIDAYS and day not in set(holidays)


def add_working_days(start: dt.date, days: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The ``days``-th working day after ``start`` (Monday–Friday, not a public holiday); ``start`` itself is the
    day of receipt and does not count."""
    if days < 0:
        raise ValueError("số ngày làm việc phải không âm / working days must be non-negative")
    extra = frozenset(holidays)
    day, left = start, days
    while left:
        day += dt.timedelta(days=1)
        if is_working_day(day, extra):
            left -= 1
    return day


def review_deadline(received_on: dt.date, holidays: Iterable[dt.date] = ()) -> dt.date:
    """Điều 7.2: the commune reviews a dossier within 15 working days of receiving it."""
    return add_working_days(received_on, REVIEW_WORKING_DAYS, holidays)


def consensus_level(levels: Iterable[int]) -> int | None:
    """Low median of the members' "minima met up to level N" answers on paper sheets (the ADR 0002 rule)."""
    values = sorted(levels)
    if not values:
        return None
    return values[(len(values) - 1) // 2]


def star_rating_from_levels(
    mean: Decimal | float | str, minima_levels: Iterable[int], *, eliminated: bool = False
) -> StarOutcome:
    """Star for a council that scored on paper sheets (rule versions whose sheets are not transcribed).

    Each member states the highest level (2–5) whose minima the product meets on their sheet, 2 meaning the 3★
    minima fail; the council's level is the low median (a strict majority must agree, as for criteria), and the
    star is the lower of the band and that level.  ``failed_minima`` lists the levels above it.
    """
    if eliminated:
        return StarOutcome(stars=None, status="rejected", failed_minima={})
    band = band_stars(mean)
    level = consensus_level(minima_levels)
    level = 5 if level is None else level
    stars = min(band, level)
    failures = {n: [] for n in STAR_LEVELS if n > level and n <= band}
    status: Status = "recognised" if stars >= STAR_LEVELS[0] else "not_recognised"
    return StarOutcome(stars=stars, status=status, failed_minima=failures)


@dataclass(frozen=True)
class Route:
    """What follows a council's final result: ``recognise`` at ``level``, ``forward`` to ``level``, or ``stop``."""

    action: Literal["recognise", "forward", "stop"]
    level: Level | None


def route_result(
    rule_version_code: str, level: Level, mean: Decimal | float | str | None, stars: int | None, status: Status
) -> Route:
    """Where a result of a council at ``level`` goes under the rule version.

    * not recognised or rejected: stop (no decision, no certificate);
    * the star is recognised above this level and this level forwards at that score: forward (QĐ 148: a district
      4★ goes to the province; QĐ 26/2026: a province ≥90 with the 5★ minima goes to the centre as "tiềm năng 5★");
    * otherwise the level that recognises the star decides, which may be this level or a lower one: when the
      centre scores a product below 90 the province may still recognise 3–4★ (Điều 7.4).
    """
    if status != "recognised" or stars is None or stars < STAR_LEVELS[0]:
        return Route("stop", None)
    recogniser = recognising_level(rule_version_code, stars)
    if recogniser is None:
        return Route("stop", None)
    if LEVEL_ORDER[recogniser] > LEVEL_ORDER[level]:
        target = forward_to(rule_version_code, level, mean)
        if target is not None:
            return Route("forward", target)
        # The score does not reach the forwarding threshold (cannot happen with the official bands): the highest
        # star this level may recognise is what it can do; nothing is silently dropped.
        return Route("stop", None)
    return Route("recognise", recogniser)
