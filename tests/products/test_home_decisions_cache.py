"""The home page's newest decisions are cached until the data changes (found by the load test: counting every
decision's certificates took 0.5 s per home page at national scale)."""

import datetime
import re

import pytest
from django.test import Client

from evaluations.models import Decision
from tests.factories import rule_version
from tests.public_fixtures import catalogue, issue  # noqa: F401

pytestmark = pytest.mark.django_db


def decision_numbers(response) -> list[str]:
    return re.findall(r"\d+/QĐ-UBND", response.content.decode())


def test_newest_decisions_come_from_the_cache_until_a_decision_is_issued(catalogue, django_assert_max_num_queries):  # noqa: F811
    client = Client()
    assert "123/QĐ-UBND" in decision_numbers(client.get("/"))
    # Second view: the data-version checks and the newest products, no aggregate over the decisions.
    with django_assert_max_num_queries(3) as captured:
        again = client.get("/")
    assert "123/QĐ-UBND" in decision_numbers(again)
    assert not any("COUNT(DISTINCT" in query["sql"] for query in captured.captured_queries)

    decision = Decision.objects.create(
        number="456/QĐ-UBND",
        issued_on=catalogue.today - datetime.timedelta(days=1),
        authority="UBND thành phố Hà Nội",
        signer="Trần Sỹ Thanh",
        level="province",
        unit=catalogue.units["hanoi"],
        rule_version=rule_version(),
        status=Decision.Status.ISSUED,
    )
    issue(catalogue.products["gom"], "HN-NEW-1", catalogue.today - datetime.timedelta(days=1), 4, decision=decision)
    assert decision_numbers(client.get("/"))[0] == "456/QĐ-UBND"  # shown at once, newest first
