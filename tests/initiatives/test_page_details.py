"""Details of the public pages that checkers and careful readers notice: valid
machine-readable dates, plain English, links between the site's parts."""

import datetime
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
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


def test_every_page_links_the_icon_and_the_api(client):
    html = client.get(reverse("initiatives:home")).content.decode()

    assert re.search(
        r'<link rel="icon" href="/static/favicon\.ico" sizes="32x32">', html
    )
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    footer = html[html.index('<footer class="site-footer">') :]
    assert f'<a href="{reverse("api:index")}">API and downloads</a>' in footer


def test_favicon_ico_answers_with_the_static_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/favicon.ico"
    found = finders.find("favicon.ico")
    assert isinstance(found, str)
    icon = Path(found).read_bytes()
    assert icon.startswith(b"\x00\x00\x01\x00")  # an icon file, not a page


def test_downloads_point_to_the_api(client):
    make_initiative()

    html = client.get(reverse("initiatives:list")).content.decode()

    downloads = html[html.index('<p class="downloads">') :].split("</p>")[0]
    assert f'<a href="{reverse("api:index")}">API</a>' in downloads


def test_interactive_docs_say_what_they_are_without_javascript(client):
    html = client.get(reverse("api:docs")).content.decode()

    assert '<html lang="en-GB">' in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<h1>Interactive API documentation</h1>" in main
    assert f'<a href="{reverse("api:index")}">the API reference</a>' in main
    # Scripts wait for the page's text; none is inline (the CSP refuses it).
    assert re.findall(r"<script [^>]*>", html) == [
        tag for tag in re.findall(r"<script [^>]*>", html) if " defer" in tag
    ]
    assert "<script>" not in html and "<style" not in html
