import datetime

import pytest

from initiatives.exports import EXPORT_HEADER, export_row, with_export_relations
from initiatives.models import Initiative
from tests.factories import (
    make_initiative,
    make_organisation,
    make_police_area,
    make_theme,
)

pytestmark = pytest.mark.django_db


def test_row_flattens_lists_and_keeps_date_precision():
    initiative = make_initiative(
        slug="hub",
        title="Hub",
        police_areas=[
            make_police_area(slug="kent", name="Kent"),
            make_police_area(slug="essex", name="Essex"),
        ],
        themes=[make_theme(slug="demand")],
        organisations={"lead": make_organisation(name="Trust")},
        start_date=datetime.date(2015, 12, 1),
        start_date_precision="month",
    )

    row = export_row(
        with_export_relations(Initiative.objects.all()).get(pk=initiative.pk)
    )

    assert list(row) == EXPORT_HEADER
    assert row["police_areas"] == "essex; kent"
    assert row["themes"] == "demand"
    assert row["lead_organisation"] == "Trust"
    assert row["partners"] == ""
    assert row["start"] == "2015-12"
    assert row["end"] == ""


def test_rows_cost_no_queries_once_prefetched(django_assert_num_queries):
    for _ in range(3):
        make_initiative(organisations={"partner": make_organisation()})
    initiatives = list(with_export_relations(Initiative.objects.all()))

    with django_assert_num_queries(0):
        [export_row(initiative) for initiative in initiatives]
