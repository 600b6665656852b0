import csv
import io

import pytest

from practice_library.content_version import current_version
from tests.factories import make_theme
from tests.initiatives.api_helpers import absolute, api_url, utc

pytestmark = pytest.mark.django_db


def test_theme_detail_gives_the_whole_theme(client):
    theme = make_theme(
        slug="understanding-demand",
        name="Understanding demand",
        description="Working with partners on data about demand.",
        order=30,
    )

    response = client.get(api_url("theme-detail", slug="understanding-demand"))

    assert response.status_code == 200
    assert response.json() == {
        "slug": "understanding-demand",
        "name": "Understanding demand",
        "description": "Working with partners on data about demand.",
        "order": 30,
        "url": absolute(api_url("theme-detail", slug="understanding-demand")),
        "page_url": absolute("/themes/understanding-demand/"),
        "initiatives_url": absolute(
            api_url("initiative-list") + "?theme=understanding-demand"
        ),
        "created_at": utc(theme.created_at),
        "updated_at": utc(theme.updated_at),
    }


def test_themes_are_listed_in_their_curated_order(client, django_assert_num_queries):
    make_theme(slug="second", order=20)
    make_theme(slug="first", order=10)
    make_theme(slug="third", order=30)
    current_version()

    # 1: count, 2: the page.
    with django_assert_num_queries(2):
        response = client.get(api_url("theme-list"))

    assert [row["slug"] for row in response.json()["results"]] == [
        "first",
        "second",
        "third",
    ]


def test_themes_as_csv_match_the_json(client):
    make_theme(slug="youth", name="Youth, and young adults")

    json_row = client.get(api_url("theme-list")).json()["results"][0]
    response = client.get(api_url("theme-list"), HTTP_ACCEPT="text/csv")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows == [{name: str(value) for name, value in json_row.items()}]


def test_unknown_theme_is_a_json_404(client):
    response = client.get(api_url("theme-detail", slug="no-such-theme"))

    assert response.status_code == 404
    assert response.json() == {
        "status": 404,
        "code": "not_found",
        "detail": "No theme has this slug.",
        "errors": {},
    }


def test_bad_paging_is_a_400(client):
    response = client.get(api_url("theme-list") + "?page_size=0&page=x")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"page", "page_size"}
