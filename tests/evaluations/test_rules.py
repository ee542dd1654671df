"""Pure rules: totals, bands, minima, council results, rule versions, certificate dates."""

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluations import rules
from evaluations.rules import (
    NOT_APPLICABLE,
    MemberSheet,
    add_months,
    band_stars,
    certificate_expiry,
    certificate_status,
    council_result,
    forward_to,
    member_total,
    minimum_option,
    recognising_level,
    rerating_window,
    rule_version_for_date,
    star_rating,
)

DATA = Path(__file__).resolve().parents[2] / "evaluations" / "score_sheets" / "qd-26-2026.json"
SHEETS = json.loads(DATA.read_text(encoding="utf-8"))["sheets"]
D = dt.date


def opt(key, points, stars=None, eliminates=False):
    return {"key": key, "text": key, "points": points, "min_stars": stars, "eliminates": eliminates}


def crit(number, points, options, condition=None):
    return {
        "number": number,
        "text": number,
        "points": points,
        "condition": condition,
        "note": None,
        "options": options,
    }


# A small sheet: 3 criteria, 10 points; minima on "1" (3★ needs 1, 4★ needs 2, 5★ needs 3) and "2" (5★ needs 4).
TOY = {
    "number": 99,
    "parts": [
        {
            "code": "A",
            "points": 10,
            "headings": [
                {
                    "number": "1",
                    "points": 10,
                    "criteria": [
                        crit("1", 3, [opt("a", 0), opt("b", 1, 3), opt("c", 2, 4), opt("d", 3, 5)]),
                        crit(
                            "2",
                            5,
                            [opt("a", 0), opt("b", 2), opt("c", 4, 5), opt("d", 5), opt("x", 0, eliminates=True)],
                        ),
                        crit("3", 2, [opt("a", 0), opt("b", 2)], condition="Chỉ áp dụng khi có câu chuyện sản phẩm"),
                    ],
                }
            ],
        }
    ],
}


def best_choices(sheet):
    return {c["number"]: max(c["options"], key=lambda o: o["points"])["key"] for c in rules.iter_criteria(sheet)}


def worst_choices(sheet):
    return {
        c["number"]: min((o for o in c["options"] if not o["eliminates"]), key=lambda o: o["points"])["key"]
        for c in rules.iter_criteria(sheet)
    }


# -- bands -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("score", "stars"),
    [
        ("0", 1),
        ("29.99", 1),
        ("30", 2),
        ("49.99", 2),
        ("50", 3),
        ("69.99", 3),
        ("70", 4),
        ("89.99", 4),
        ("90", 5),
        ("100", 5),
        (Decimal("30.00"), 2),
        (75, 4),
    ],
)
def test_band_stars(score, stars):
    assert band_stars(score) == stars


@pytest.mark.parametrize("score", ["-0.01", "100.01"])
def test_band_stars_out_of_range(score):
    with pytest.raises(ValueError):
        band_stars(score)


# -- member totals -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("choices", "total", "eliminated", "missing", "not_applicable"),
    [
        ({"1": "d", "2": "d", "3": "b"}, 10, False, [], []),
        ({"1": "a", "2": "a", "3": "a"}, 0, False, [], []),
        ({"1": "b", "2": "c"}, 5, False, ["3"], []),
        ({"1": "b", "2": "c", "3": NOT_APPLICABLE}, 5, False, [], ["3"]),  # conditional: 0 points, not missing
        ({"1": NOT_APPLICABLE, "2": "c", "3": "b"}, 6, False, ["1"], []),  # not conditional: missing
        ({"1": "d", "2": "x", "3": "b"}, 5, True, [], []),  # eliminating option
    ],
)
def test_member_total(choices, total, eliminated, missing, not_applicable):
    result = member_total(TOY, choices)
    assert result.total == Decimal(total)
    assert result.eliminated is eliminated
    assert result.missing == missing
    assert result.not_applicable == not_applicable


@pytest.mark.parametrize("choices", [{"1": "z"}, {"9.9": "a"}])
def test_member_total_rejects_unknown(choices):
    with pytest.raises(ValueError):
        member_total(TOY, choices)


@pytest.mark.parametrize("number", range(1, 27))
def test_real_sheets_best_and_worst(number):
    sheet = SHEETS[number - 1]
    assert member_total(sheet, best_choices(sheet)).total == 100
    worst = member_total(sheet, worst_choices(sheet))
    # the lowest options add to 12-17 points; set 26 has no 0-point options in most criteria (31 points)
    assert worst.total == 31 if number == 26 else 12 <= worst.total <= 17
    assert not worst.eliminated and not worst.missing


# -- minima ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("criterion", "stars", "key"),
    [("1", 3, "b"), ("1", 4, "c"), ("1", 5, "d"), ("2", 3, None), ("2", 4, None), ("2", 5, "c"), ("3", 5, None)],
)
def test_minimum_option(criterion, stars, key):
    found = minimum_option(rules.criteria_by_number(TOY)[criterion], stars)
    assert (found["key"] if found else None) == key


def test_minimum_option_on_real_sheet():
    c = rules.criteria_by_number(SHEETS[0])["1.5"]  # set 1, 1.5: "…trên 75% sản lượng tiêu thụ****" (2 points)
    assert minimum_option(c, 3) is None
    assert minimum_option(c, 4)["points"] == 2
    assert minimum_option(c, 5)["points"] == 3


@pytest.mark.parametrize(
    ("mean", "consensus", "stars", "status", "failed"),
    [
        ("95", {"1": 3, "2": 4, "3": 2}, 5, "recognised", {}),
        ("95", {"1": 2, "2": 4, "3": 2}, 4, "recognised", {5: ["1"]}),  # fails 5★ minimum on "1"
        ("95", {"1": 3, "2": 2, "3": 2}, 4, "recognised", {5: ["2"]}),  # fails 5★ minimum on "2"
        ("95", {"1": 1, "2": 5, "3": 2}, 3, "recognised", {4: ["1"], 5: ["1"]}),
        ("95", {"1": 0, "2": 5, "3": 2}, 2, "not_recognised", {3: ["1"], 4: ["1"], 5: ["1"]}),  # 3★ minima fail
        ("75", {"1": 2, "2": 0, "3": 0}, 4, "recognised", {5: ["1", "2"]}),  # band caps at 4★
        ("75", {"1": 1, "2": 0, "3": 0}, 3, "recognised", {4: ["1"], 5: ["1", "2"]}),
        ("55", {"1": 0, "2": 0, "3": 0}, 2, "not_recognised", {3: ["1"], 4: ["1"], 5: ["1", "2"]}),
        ("45", {"1": 3, "2": 5, "3": 2}, 2, "not_recognised", {}),
        ("20", {"1": 3, "2": 5, "3": 2}, 1, "not_recognised", {}),
        ("95", {"1": 3, "2": 4}, 5, "recognised", {}),  # missing "3" counts as 0; it has no minima
        ("95", {"1": 3, "2": 4, "3": None}, 5, "recognised", {}),  # not applicable
    ],
)
def test_star_rating(mean, consensus, stars, status, failed):
    outcome = star_rating(Decimal(mean), consensus, TOY)
    assert (outcome.stars, outcome.status, outcome.failed_minima) == (stars, status, failed)


def test_star_rating_eliminated():
    outcome = star_rating(Decimal(99), {"1": 3, "2": 5, "3": 2}, TOY, eliminated=True)
    assert (outcome.stars, outcome.status) == (None, "rejected")


# -- council -----------------------------------------------------------------------------------------------------
def members_with_totals(totals, chair=0, recused=()):
    return [
        MemberSheet(member_id=i, is_chair=(i == chair), recused=(i in recused), total=Decimal(t))
        for i, t in enumerate(totals)
    ]


@pytest.mark.parametrize(
    ("totals", "recused", "chair", "kwargs", "mean", "quorum", "spread", "flag", "near"),
    [
        ([80, 82, 84, 86], (), 0, {}, "83.00", True, 6, False, False),
        ([80, 82, 84, 91], (), 0, {}, "84.25", True, 11, True, False),  # spread > 10 → re-discussion
        ([80, 82, 84, 90], (), 0, {}, "84.00", True, 10, False, False),  # exactly 10 is fine
        ([70, 71, 70], (), 0, {}, "70.33", True, 1, False, True),  # 70.33 within 1 point of 70
        ([88, 89, 90], (), 0, {}, "89.00", True, 2, False, True),
        ([80, 81, 60, 82], (2,), 0, {}, "81.00", True, 2, False, False),  # recused member left out
        ([80, 81, 60, 82], (1, 2), 0, {}, "81.00", False, 2, False, False),  # 2 of 4 < 3/4
        ([80, 81, 82, 83], (0,), 0, {}, "82.00", False, 2, False, False),  # chair recused
        ([80, 81, 82, 83], (0,), 0, {"chair_required": False}, "82.00", True, 2, False, False),
        ([80, 81, 82, 83], (1, 2), 0, {"quorum_fraction": Fraction(1, 2)}, "81.50", True, 3, False, False),
        ([80, 81, 82], (), 0, {"council_size": 5}, "81.00", False, 2, False, False),  # 3 of 5
        ([80, 81, 82, 90], (), 0, {"spread_limit": Decimal(5)}, "83.25", True, 10, True, False),
        ([33, 34], (), 0, {}, "33.50", True, 1, False, False),
        ([50, 51], (), 0, {}, "50.50", True, 1, False, True),
        ([1, 2, 2], (), 0, {}, "1.67", True, 1, False, False),  # ROUND_HALF_UP to two places
        ([Decimal("89.125"), Decimal("89.125")], (), 0, {}, "89.13", True, 0, False, True),
    ],
)
def test_council_result(totals, recused, chair, kwargs, mean, quorum, spread, flag, near):
    result = council_result(members_with_totals(totals, chair, recused), **kwargs)
    assert result.mean == Decimal(mean)
    assert result.quorum_met is quorum
    assert result.spread == Decimal(spread)
    assert result.spread_flag is flag
    assert result.near_band_edge is near
    assert [m for m, why in result.excluded] == list(recused)


def test_council_excludes_unsubmitted_and_incomplete():
    members = [
        MemberSheet("chair", is_chair=True, choices={"1": "d", "2": "d", "3": "b"}),
        MemberSheet("b", choices={"1": "d", "2": "c", "3": "b"}),
        MemberSheet("c", choices={"1": "d"}),  # incomplete
        MemberSheet("d", submitted=False),
        MemberSheet("e", recused=True, choices={"1": "a", "2": "a", "3": "a"}),
    ]
    result = council_result(members, sheet=TOY)
    assert result.participants == ["chair", "b"]
    assert result.excluded == [("c", "incomplete"), ("d", "not_submitted"), ("e", "recused")]
    assert result.quorum_met is False
    assert result.mean == Decimal("9.50")


@pytest.mark.parametrize(
    ("member_choices", "consensus"),
    [
        # odd council: the middle value
        (
            [{"1": "d", "2": "d", "3": "b"}, {"1": "b", "2": "a", "3": "a"}, {"1": "c", "2": "c", "3": "b"}],
            {"1": 2, "2": 4, "3": 2},
        ),
        # even council: the low median — a 2-2 split does not meet the higher option
        (
            [
                {"1": "d", "2": "d", "3": "b"},
                {"1": "d", "2": "d", "3": "b"},
                {"1": "b", "2": "b", "3": "a"},
                {"1": "b", "2": "b", "3": "a"},
            ],
            {"1": 1, "2": 2, "3": 0},
        ),
        # not applicable: majority → None; minority → left out
        (
            [
                {"1": "d", "2": "d", "3": NOT_APPLICABLE},
                {"1": "d", "2": "d", "3": NOT_APPLICABLE},
                {"1": "d", "2": "d", "3": "b"},
            ],
            {"1": 3, "2": 5, "3": None},
        ),
        (
            [{"1": "d", "2": "d", "3": NOT_APPLICABLE}, {"1": "d", "2": "d", "3": "b"}, {"1": "d", "2": "d", "3": "b"}],
            {"1": 3, "2": 5, "3": 2},
        ),
    ],
)
def test_consensus(member_choices, consensus):
    members = [MemberSheet(i, is_chair=(i == 0), choices=c) for i, c in enumerate(member_choices)]
    assert council_result(members, sheet=TOY).consensus == consensus


def test_council_outcome_uses_mean_and_consensus():
    # totals 10, 10, 8 → mean 9.33 of 10 … use the real set 1 sheet for a realistic 100-point scale
    sheet = SHEETS[0]
    best = best_choices(sheet)
    weaker = dict(best, **{"1.3": "b"})  # 2 points instead of the ***** option (3)
    members = [
        MemberSheet("chair", is_chair=True, choices=best),
        MemberSheet("m2", choices=weaker),
        MemberSheet("m3", choices=weaker),
        MemberSheet("m4", choices=best),
    ]
    result = council_result(members, sheet=sheet)
    assert result.mean == Decimal("99.50")
    assert result.consensus["1.3"] == 2  # low median of 2, 2, 3, 3
    assert result.failed_minima == {5: ["1.3"]}
    assert (result.outcome.stars, result.outcome.status) == (4, "recognised")


@pytest.mark.parametrize(("eliminating", "eliminated"), [(1, False), (2, False), (3, True)])
def test_council_elimination_by_majority(eliminating, eliminated):
    choices_ok = {"1": "d", "2": "d", "3": "b"}
    choices_out = {"1": "d", "2": "x", "3": "b"}
    members = [
        MemberSheet(i, is_chair=(i == 0), choices=choices_out if i < eliminating else choices_ok) for i in range(4)
    ]
    result = council_result(members, sheet=TOY)
    assert result.eliminated is eliminated
    assert result.elimination_flags == list(range(eliminating))
    assert (result.outcome.status == "rejected") is eliminated


# -- monotonicity (hypothesis) -----------------------------------------------------------------------------------
@st.composite
def sheet_and_raise(draw):
    sheet = draw(st.sampled_from(SHEETS))
    criteria = list(rules.iter_criteria(sheet))
    choices = {}
    for c in criteria:
        usable = [o for o in c["options"] if not o["eliminates"]]
        choices[c["number"]] = draw(st.sampled_from(usable))["key"]
    target = draw(st.sampled_from(criteria))
    current = rules._option(target, choices[target["number"]])["points"]
    higher = [o for o in target["options"] if o["points"] > current and not o["eliminates"]]
    raised = dict(choices)
    if higher:
        raised[target["number"]] = draw(st.sampled_from(higher))["key"]
    return sheet, choices, raised


@settings(max_examples=300, deadline=None)
@given(sheet_and_raise(), st.integers(min_value=1, max_value=5))
def test_raising_an_option_never_lowers_the_star(case, council):
    sheet, choices, raised = case

    def stars(member_choices):
        members = [MemberSheet(i, is_chair=(i == 0), choices=member_choices) for i in range(council)]
        return council_result(members, sheet=sheet).outcome.stars

    assert stars(raised) >= stars(choices)


# -- rule versions -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "stars", "level"),
    [
        ("QD1048_2019", 3, "province"),
        ("QD1048_2019", 4, "province"),
        ("QD1048_2019", 5, "central"),
        ("QD148_2023", 3, "district"),
        ("QD148_2023", 4, "province"),
        ("QD148_2023", 5, "central"),
        ("QD148_1489_2025", 3, "province"),
        ("QD148_1489_2025", 4, "province"),
        ("QD148_1489_2025", 5, "central"),
        ("QD26_2026", 3, "province"),
        ("QD26_2026", 4, "province"),
        ("QD26_2026", 5, "central"),
        ("QD26_2026", 2, None),
        ("QD148_2023", 1, None),
    ],
)
def test_recognising_level(code, stars, level):
    assert recognising_level(code, stars) == level


@pytest.mark.parametrize(
    ("code", "level", "score", "to"),
    [
        ("QD1048_2019", "district", 49.99, None),
        ("QD1048_2019", "district", 50, "province"),
        ("QD1048_2019", "province", 89.99, None),
        ("QD1048_2019", "province", 90, "central"),
        ("QD148_2023", "district", 69.99, None),
        ("QD148_2023", "district", 70, "province"),
        ("QD148_2023", "province", 89.99, None),
        ("QD148_2023", "province", 90, "central"),
        ("QD148_1489_2025", "commune", None, "province"),
        ("QD148_1489_2025", "province", 90, "central"),
        ("QD26_2026", "commune", None, "province"),
        ("QD26_2026", "province", "89.99", None),
        ("QD26_2026", "province", "90.00", "central"),
        ("QD26_2026", "central", 95, None),
        ("QD26_2026", "district", 80, None),  # no districts any more
    ],
)
def test_forward_to(code, level, score, to):
    assert forward_to(code, level, score) == to


def test_rule_version_table():
    assert list(rules.RULE_VERSIONS) == ["QD1048_2019", "QD148_2023", "QD148_1489_2025", "QD26_2026"]
    assert rules.RULE_VERSIONS["QD1048_2019"].part_points == {"A": 35, "B": 25, "C": 40}
    for code in ("QD148_2023", "QD148_1489_2025", "QD26_2026"):
        assert rules.RULE_VERSIONS[code].part_points == {"A": 40, "B": 25, "C": 35}
    assert rules.RULE_VERSIONS["QD26_2026"].signed_on == D(2026, 5, 22)
    with pytest.raises(ValueError):
        recognising_level("QD999", 3)


@pytest.mark.parametrize(
    ("day", "code"),
    [
        (D(2019, 8, 21), "QD1048_2019"),
        (D(2023, 2, 23), "QD1048_2019"),
        (D(2023, 2, 24), "QD148_2023"),
        (D(2025, 7, 5), "QD148_2023"),
        (D(2025, 7, 6), "QD148_1489_2025"),
        (D(2026, 5, 21), "QD148_1489_2025"),
        (D(2026, 5, 22), "QD26_2026"),
        (D(2026, 7, 21), "QD26_2026"),
        (D(2030, 1, 1), "QD26_2026"),
    ],
)
def test_rule_version_for_date(day, code):
    assert rule_version_for_date(day).code == code


def test_rule_version_before_the_programme():
    with pytest.raises(LookupError):
        rule_version_for_date(D(2019, 8, 20))


# -- dates -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 12, 31), 1, D(2025, 1, 31)),
        (D(2024, 5, 15), 0, D(2024, 5, 15)),
        (D(2024, 1, 1), -13, D(2022, 12, 1)),
        (D(2024, 8, 31), 1, D(2024, 9, 30)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("issued", "expires"),
    [
        (D(2024, 2, 29), D(2027, 2, 28)),  # target year not leap
        (D(2025, 2, 28), D(2028, 2, 28)),  # 28/2 stays 28/2 even in a leap year
        (D(2021, 2, 28), D(2024, 2, 28)),
        (D(2026, 8, 31), D(2029, 8, 31)),
        (D(2026, 12, 31), D(2029, 12, 31)),
        (D(2026, 5, 22), D(2029, 5, 22)),
    ],
)
def test_certificate_expiry(issued, expires):
    assert certificate_expiry(issued) == expires


def test_rerating_window():
    assert rerating_window(D(2029, 8, 31)) == (D(2029, 3, 4), D(2029, 5, 3))


ISSUED, EXPIRES = D(2026, 8, 31), D(2029, 8, 31)


@pytest.mark.parametrize(
    ("today", "kwargs", "status"),
    [
        (D(2026, 8, 31), {}, "valid"),
        (D(2029, 6, 1), {}, "valid"),  # 91 days left
        (D(2029, 6, 2), {}, "expiring"),  # 90 days left
        (D(2029, 8, 31), {}, "expiring"),  # last day of validity
        (D(2029, 9, 1), {}, "expired"),
        (D(2029, 6, 2), {"expiring_days": 30}, "valid"),
        (D(2028, 1, 1), {"revoked_on": D(2028, 1, 1)}, "revoked"),
        (D(2027, 12, 31), {"revoked_on": D(2028, 1, 1)}, "valid"),
        (D(2030, 1, 1), {"revoked_on": D(2028, 1, 1)}, "revoked"),
        # re-rating filed in the window, pending → in_rerating; decided → back to the certificate's own dates
        (D(2029, 4, 1), {"rerating_filed_on": D(2029, 3, 10)}, "in_rerating"),
        (D(2029, 5, 1), {"rerating_filed_on": D(2029, 3, 10), "rerating_decided_on": D(2029, 4, 20)}, "valid"),
        (D(2029, 6, 15), {"rerating_filed_on": D(2029, 3, 10), "rerating_decided_on": D(2029, 4, 20)}, "expiring"),
        (D(2029, 3, 9), {"rerating_filed_on": D(2029, 3, 10)}, "valid"),  # not filed yet on that day
        # late filing, still pending after expiry: extended until the decision, at most 180 days
        (D(2029, 9, 1), {"rerating_filed_on": D(2029, 7, 1)}, "in_rerating"),
        (D(2030, 2, 27), {"rerating_filed_on": D(2029, 7, 1)}, "in_rerating"),  # expiry + 180 days
        (D(2030, 2, 28), {"rerating_filed_on": D(2029, 7, 1)}, "expired"),  # expiry + 181 days
        (D(2029, 10, 15), {"rerating_filed_on": D(2029, 7, 1), "rerating_decided_on": D(2029, 10, 1)}, "expired"),
        # filed after expiry: no extension
        (D(2029, 9, 15), {"rerating_filed_on": D(2029, 9, 2)}, "expired"),
    ],
)
def test_certificate_status(today, kwargs, status):
    assert certificate_status(ISSUED, EXPIRES, today, **kwargs) == status


def test_certificate_status_never_valid_after_expiry():
    for offset in range(1, 400):
        day = EXPIRES + dt.timedelta(days=offset)
        assert certificate_status(ISSUED, EXPIRES, day) == "expired"
        assert certificate_status(ISSUED, EXPIRES, day, rerating_filed_on=D(2029, 4, 1)) in {"in_rerating", "expired"}


@pytest.mark.parametrize(
    ("issued", "today", "status"),
    [
        (D(2024, 2, 29), D(2027, 2, 28), "expiring"),
        (D(2024, 2, 29), D(2027, 3, 1), "expired"),
        (D(2026, 12, 31), D(2029, 12, 31), "expiring"),
        (D(2026, 12, 31), D(2030, 1, 1), "expired"),
    ],
)
def test_status_at_expiry_edges(issued, today, status):
    assert certificate_status(issued, certificate_expiry(issued), today) == status


def test_status_before_issue_is_an_error():
    with pytest.raises(ValueError):
        certificate_status(ISSUED, EXPIRES, D(2026, 8, 30))
