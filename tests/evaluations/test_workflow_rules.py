"""Table-driven tests of the workflow rules added to evaluations/rules.py: working days, routing, paper sheets."""

import datetime as dt
from decimal import Decimal

import pytest

from evaluations import rules


@pytest.mark.parametrize(
    "received, days, holidays, expected",
    [
        (dt.date(2026, 12, 1), 15, (), dt.date(2026, 12, 22)),  # Tuesday + 15 working days (3 weekends skipped)
        (dt.date(2026, 12, 4), 1, (), dt.date(2026, 12, 7)),  # Friday → Monday
        (dt.date(2026, 12, 5), 1, (), dt.date(2026, 12, 7)),  # received on a Saturday
        (dt.date(2026, 12, 1), 0, (), dt.date(2026, 12, 1)),
        (dt.date(2026, 4, 27), 3, (), dt.date(2026, 5, 4)),  # 30/4 and 1/5 are public holidays
        (dt.date(2026, 8, 31), 2, (), dt.date(2026, 9, 3)),  # 2/9 National Day
        (dt.date(2027, 2, 4), 2, (dt.date(2027, 2, 5), dt.date(2027, 2, 8)), dt.date(2027, 2, 10)),  # Tết from settings
        (dt.date(2026, 12, 30), 2, (), dt.date(2027, 1, 4)),  # 1/1 is a holiday
    ],
)
def test_add_working_days(received, days, holidays, expected):
    assert rules.add_working_days(received, days, holidays) == expected


def test_review_deadline_is_15_working_days():
    assert rules.review_deadline(dt.date(2026, 12, 1)) == dt.date(2026, 12, 22)
    with pytest.raises(ValueError):
        rules.add_working_days(dt.date(2026, 12, 1), -1)


@pytest.mark.parametrize(
    "code, level, mean, stars, status, action, to",
    [
        # QĐ 26/2026: the province recognises 3–4★, forwards potential 5★, the centre recognises 5★.
        ("QD26_2026", "province", 62, 3, "recognised", "recognise", "province"),
        ("QD26_2026", "province", 81, 4, "recognised", "recognise", "province"),
        ("QD26_2026", "province", 92, 5, "recognised", "forward", "central"),
        ("QD26_2026", "province", 92, 4, "recognised", "recognise", "province"),  # ≥90 but 5★ minima failed
        ("QD26_2026", "central", 95, 5, "recognised", "recognise", "central"),
        ("QD26_2026", "central", 85, 4, "recognised", "recognise", "province"),  # centre <90: province may recognise
        ("QD26_2026", "central", 65, 3, "recognised", "recognise", "province"),
        ("QD26_2026", "province", 45, 2, "not_recognised", "stop", None),
        ("QD26_2026", "province", 75, None, "rejected", "stop", None),
        # QĐ 148: district 3★, forwards ≥70; province 4★, forwards ≥90.
        ("QD148_2023", "district", 60, 3, "recognised", "recognise", "district"),
        ("QD148_2023", "district", 75, 4, "recognised", "forward", "province"),
        ("QD148_2023", "district", 75, 3, "recognised", "recognise", "district"),  # ≥70 but 4★ minima failed
        ("QD148_2023", "province", 80, 4, "recognised", "recognise", "province"),
        ("QD148_2023", "province", 66, 3, "recognised", "recognise", "district"),
        ("QD148_2023", "province", 91, 5, "recognised", "forward", "central"),
        # QĐ 1048: the district scores and forwards ≥50; the province recognises 3–4★.
        ("QD1048_2019", "district", 55, 3, "recognised", "forward", "province"),
        ("QD1048_2019", "province", 55, 3, "recognised", "recognise", "province"),
        ("QD1048_2019", "district", 40, 2, "not_recognised", "stop", None),
    ],
)
def test_route_result(code, level, mean, stars, status, action, to):
    assert rules.route_result(code, level, Decimal(mean), stars, status) == rules.Route(action, to)


@pytest.mark.parametrize(
    "levels, expected",
    [([], None), ([4], 4), ([5, 3], 3), ([5, 4, 3], 4), ([2, 5, 5, 5], 5), ([2, 2, 5, 5], 2), ([3, 4, 4, 5, 5], 4)],
)
def test_consensus_level_is_the_low_median(levels, expected):
    assert rules.consensus_level(levels) == expected


@pytest.mark.parametrize(
    "mean, levels, eliminated, stars, status",
    [
        ("75", [4, 4, 5], False, 4, "recognised"),
        ("75", [3, 3, 5], False, 3, "recognised"),  # the council's minima stop at 3★
        ("92", [5, 5, 4], False, 5, "recognised"),
        ("92", [4, 5], False, 4, "recognised"),  # an even split does not meet the 5★ minima
        ("60", [5, 5], False, 3, "recognised"),  # the band caps it
        ("75", [2, 2, 4], False, 2, "not_recognised"),  # 3★ minima failed
        ("45", [5], False, 2, "not_recognised"),
        ("80", [5, 5], True, None, "rejected"),
    ],
)
def test_star_rating_from_paper_sheets(mean, levels, eliminated, stars, status):
    outcome = rules.star_rating_from_levels(Decimal(mean), levels, eliminated=eliminated)
    assert (outcome.stars, outcome.status) == (stars, status)
