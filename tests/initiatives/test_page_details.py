"""Details of the public pages that checkers and careful readers notice: valid
machine-readable dates, plain English, links between the site's parts."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import make_briefing, make_initiative, make_police_area

pytestmark = pytest.mark.django_db

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _datetimes(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]*)"', html)


def test_detail_pages_write_valid_dates_without_fractions_of_a_second(client):
    stamped = datetime.datetime(2024, 3, 5, 23, 30, 15, 123456, tzinfo=datetime.UTC)
    initiative = make_initiative(published_at=stamped, last_reviewed_at=stamped)
    briefing = make_briefing(published_at=stamped)

    for page in (initiative.get_absolute_url(), briefing.get_absolute_url()):
        stamps = _datetimes(client.get(page).content.decode())
        assert stamps, page
        # A date, as the page shows (London time: 23:30 UTC in March is
        # still 5 March), never "…15.123456+00:00", which HTML refuses.
        assert all(ISO_DATE.fullmatch(stamp) for stamp in stamps), stamps
        assert "2024-03-05" in stamps


@pytest.mark.parametrize(
    ("nation", "region", "phrase"),
    [
        ("england", "north-west", "A police force area in the North West of England"),
        ("england", "london", "A police force area in London"),
        ("england", "east-of-england", "A police force area in the East of England"),
        ("wales", "wales", "A police force area in Wales"),
    ],
)
def test_area_page_says_where_the_area_is_in_plain_english(
    client, nation, region, phrase
):
    area = make_police_area(nation=nation, region=region)

    html = client.get(area.get_absolute_url()).content.decode()

    assert phrase in html
    assert ", England" not in html.split('class="lead"')[1].split("</p>")[0]


def test_every_region_has_a_phrase():
    from initiatives.models.places import REGION_PHRASES, Region

    assert set(REGION_PHRASES) == set(Region)
