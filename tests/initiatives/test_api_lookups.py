"""Police areas, organisations, target groups and briefings in the API."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from initiatives.models import GovernancePeriod, KeyFinding
from initiatives.services.publishing import withdraw_briefing
from practice_library.content_version import current_version
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_target_group,
    make_theme,
)
from tests.initiatives.api_helpers import absolute, api_url, utc

pytestmark = pytest.mark.django_db


def _slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


class TestPoliceAreas:
    def test_whole_entry_with_its_governance(self, client):
        area = make_police_area(
            slug="essex", name="Essex", gss_code="E23000028", region="east-of-england"
        )
        GovernancePeriod.objects.create(
            police_area=area,
            kind="pcc",
            body_name="Police and Crime Commissioner for Essex",
            started_on=datetime.date(2012, 11, 22),
            ended_on=datetime.date(2017, 10, 1),
            ended_on_precision="month",
        )
        GovernancePeriod.objects.create(
            police_area=area,
            kind="pfcc",
            body_name="Police, Fire and Crime Commissioner for Essex",
            started_on=datetime.date(2017, 10, 1),
            started_on_precision="month",
            source_url="https://example.org/essex",
        )

        body = client.get(api_url("police-area-detail", slug="essex")).json()

        assert body == {
            "slug": "essex",
            "name": "Essex",
            "gss_code": "E23000028",
            "nation": "england",
            "region": "east-of-england",
            "governance": [
                {
                    "kind": "pfcc",
                    "body_name": "Police, Fire and Crime Commissioner for Essex",
                    "started": "2017-10",
                    "ended": None,
                    "note": "",
                    "source_url": "https://example.org/essex",
                },
                {
                    "kind": "pcc",
                    "body_name": "Police and Crime Commissioner for Essex",
                    "started": "2012-11-22",
                    "ended": "2017-10",
                    "note": "",
                    "source_url": None,
                },
            ],
            "url": absolute(api_url("police-area-detail", slug="essex")),
            "page_url": absolute("/police-areas/essex/"),
            "initiatives_url": absolute(
                api_url("initiative-list") + "?police_area=essex"
            ),
            "created_at": utc(area.created_at),
            "updated_at": utc(area.updated_at),
        }

    def test_list_by_name_with_a_fixed_query_count(
        self, client, django_assert_num_queries
    ):
        for name in ("Kent", "Essex", "Gwent"):
            area = make_police_area(name=name)
            GovernancePeriod.objects.create(
                police_area=area, kind="pcc", body_name="PCC"
            )
        current_version()

        # 1: count, 2: the page, 3: their governance periods.
        with django_assert_num_queries(3):
            response = client.get(api_url("police-area-list"))

        assert [row["name"] for row in response.json()["results"]] == [
            "Essex",
            "Gwent",
            "Kent",
        ]

    def test_csv_flattens_governance(self, client):
        area = make_police_area(slug="kent")
        GovernancePeriod.objects.create(
            police_area=area,
            kind="pcc",
            body_name="PCC for Kent",
            started_on=datetime.date(2012, 11, 22),
        )

        response = client.get(api_url("police-area-list") + "?format=csv")

        row = next(csv.DictReader(io.StringIO(response.content.decode())))
        assert row["slug"] == "kent"
        assert row["governance"] == "PCC for Kent (2012-11-22 to present)"
        assert row["url"] == absolute(api_url("police-area-detail", slug="kent"))

    def test_unknown_area_is_a_json_404(self, client):
        response = client.get(api_url("police-area-detail", slug="atlantis"))

        assert response.status_code == 404
        assert response.json()["detail"] == "No police force area has this slug."


class TestOrganisations:
    def test_only_organisations_linked_to_public_work_are_listed(self, client):
        lead = make_organisation(slug="lead", name="Lead")
        funder = make_organisation(slug="funder", name="Funder")
        publisher = make_organisation(slug="publisher", name="Publisher")
        make_organisation(slug="unlinked", name="Unlinked")
        hidden = make_organisation(slug="hidden", name="Hidden")
        hub = make_initiative(organisations={"lead": lead})
        hub.funding.create(funder=funder)
        make_briefing().publishers.add(publisher)
        make_initiative(organisations={"lead": hidden}, state="draft")
        make_briefing(state="draft").publishers.add(hidden)

        assert _slugs(client.get(api_url("organisation-list"))) == [
            "funder",
            "lead",
            "publisher",
        ]
        assert (
            client.get(api_url("organisation-detail", slug="hidden")).status_code == 404
        )

    def test_whole_entry(self, client):
        area = make_police_area(slug="essex", name="Essex")
        organisation = make_organisation(
            slug="essex-pfcc",
            name="Essex PFCC",
            kind="pcc-office",
            police_area=area,
            website="https://example.org",
            org_id="GB-GOR-PC000001",
        )
        make_initiative(organisations={"lead": organisation})

        body = client.get(api_url("organisation-detail", slug="essex-pfcc")).json()

        assert body == {
            "slug": "essex-pfcc",
            "name": "Essex PFCC",
            "kind": "pcc-office",
            "police_area": {
                "slug": "essex",
                "name": "Essex",
                "url": absolute(api_url("police-area-detail", slug="essex")),
                "page_url": absolute("/police-areas/essex/"),
            },
            "website": "https://example.org",
            "org_id": "GB-GOR-PC000001",
            "description": "",
            "is_demo": False,
            "url": absolute(api_url("organisation-detail", slug="essex-pfcc")),
            "page_url": absolute("/organisations/essex-pfcc/"),
            "initiatives_url": absolute(
                api_url("initiative-list") + "?organisation=essex-pfcc"
            ),
            "created_at": utc(organisation.created_at),
            "updated_at": utc(organisation.updated_at),
        }

    def test_list_query_count(self, client, django_assert_num_queries):
        for _ in range(3):
            make_initiative(
                organisations={
                    "lead": make_organisation(police_area=make_police_area())
                }
            )
        current_version()

        # 1: count, 2: the page joined to the organisations' police areas.
        with django_assert_num_queries(2):
            assert len(client.get(api_url("organisation-list")).json()["results"]) == 3


class TestTargetGroups:
    def test_whole_entry_and_list(self, client, django_assert_num_queries):
        make_target_group(slug="women", name="Women", order=2)
        make_target_group(
            slug="young-adults", name="Young adults", min_age=18, max_age=25, order=1
        )
        current_version()

        # 1: count, 2: the page.
        with django_assert_num_queries(2):
            body = client.get(api_url("target-group-list")).json()

        assert body["results"][0] == {
            "slug": "young-adults",
            "name": "Young adults",
            "description": "",
            "min_age": 18,
            "max_age": 25,
            "url": absolute(api_url("target-group-detail", slug="young-adults")),
            "initiatives_url": absolute(
                api_url("initiative-list") + "?target_group=young-adults"
            ),
        }
        assert _slugs(client.get(api_url("target-group-list"))) == [
            "young-adults",
            "women",
        ]


class TestBriefings:
    def test_whole_entry_with_only_published_initiatives(self, client):
        publisher = make_organisation(slug="rda", name="Revolving Doors Agency")
        theme = make_theme(slug="demand", name="Understanding demand")
        hub = make_initiative(slug="hub", title="Hub")
        secret = make_initiative(slug="secret-draft", title="Secret", state="draft")
        briefing = make_briefing(
            slug="spotlight-4",
            title="Spotlight 4",
            series="Spotlight",
            number=4,
            published_on=datetime.date(2015, 12, 17),
            url="https://example.org/spotlight-4.pdf",
            summary="What PCCs do upstream.",
            themes=[theme],
            initiatives=[hub, secret],
        )
        briefing.publishers.add(publisher)
        KeyFinding.objects.create(briefing=briefing, text="Second", order=2)
        KeyFinding.objects.create(briefing=briefing, text="First", order=1)
        briefing.mentions.filter(initiative=hub).update(page_reference="p. 4")

        body = client.get(api_url("briefing-detail", slug="spotlight-4")).json()

        assert body == {
            "slug": "spotlight-4",
            "title": "Spotlight 4",
            "series": "Spotlight",
            "number": 4,
            "published_on": "2015-12-17",
            "url": absolute(api_url("briefing-detail", slug="spotlight-4")),
            "page_url": absolute("/briefings/spotlight-4/"),
            "source_url": "https://example.org/spotlight-4.pdf",
            "accessed": None,
            "summary": "What PCCs do upstream.",
            "publishers": [
                {
                    "slug": "rda",
                    "name": "Revolving Doors Agency",
                    "url": absolute(api_url("organisation-detail", slug="rda")),
                    "page_url": absolute("/organisations/rda/"),
                }
            ],
            "themes": [
                {
                    "slug": "demand",
                    "name": "Understanding demand",
                    "url": absolute(api_url("theme-detail", slug="demand")),
                    "page_url": absolute("/themes/demand/"),
                }
            ],
            "key_findings": ["First", "Second"],
            "initiatives": [
                {
                    "slug": "hub",
                    "title": "Hub",
                    "url": absolute(api_url("initiative-detail", slug="hub")),
                    "page_url": absolute("/initiatives/hub/"),
                    "note": "",
                    "page_reference": "p. 4",
                }
            ],
            "published_at": utc(briefing.published_at),
            "created_at": utc(briefing.created_at),
            "updated_at": utc(briefing.updated_at),
        }

    def test_drafts_never_appear(self, client):
        make_briefing(slug="public")
        make_briefing(slug="secret-briefing", state="draft")
        make_briefing(slug="secret-review", state="in-review")

        assert _slugs(client.get(api_url("briefing-list"))) == ["public"]
        csv_text = client.get(api_url("briefing-list") + "?format=csv").content.decode()
        assert "secret" not in csv_text
        for slug in ("secret-briefing", "secret-review"):
            assert client.get(api_url("briefing-detail", slug=slug)).status_code == 404

    def test_newest_first(self, client):
        make_briefing(slug="old", published_on=datetime.date(2015, 1, 1))
        make_briefing(slug="undated")
        make_briefing(slug="new", published_on=datetime.date(2020, 1, 1))

        assert _slugs(client.get(api_url("briefing-list"))) == ["new", "old", "undated"]

    def test_updated_since_with_tombstones(self, client):
        kept = make_briefing(slug="kept")
        gone = make_briefing(slug="gone")
        make_briefing(slug="unchanged")
        before = timezone.now()
        kept.save()
        withdraw_briefing(gone)

        body = client.get(
            api_url("briefing-list"), {"updated_since": before.isoformat()}
        ).json()

        assert [row["slug"] for row in body["results"]] == ["kept"]
        gone.refresh_from_db()
        assert body["withdrawn"] == [
            {"slug": "gone", "withdrawn_at": utc(gone.withdrawn_at)}
        ]
        assert client.get(api_url("briefing-detail", slug="gone")).status_code == 410

    @pytest.mark.parametrize(
        ("query", "parameter"),
        [
            ("updated_since=soon", "updated_since"),
            ("updated_since=2025-01-31T09:00", "updated_since"),
            ("updated_since=2025-01-01&updated_since=2025-02-01", "updated_since"),
            ("page_size=101", "page_size"),
            ("updatedSince=2025-01-01", "updatedSince"),
        ],
    )
    def test_bad_input_is_a_400(self, client, query, parameter):
        response = client.get(f"{api_url('briefing-list')}?{query}")

        assert response.status_code == 400
        assert list(response.json()["errors"]) == [parameter]

    def test_a_page_past_the_last_is_a_404_naming_page(self, client):
        response = client.get(f"{api_url('briefing-list')}?page=2")

        assert response.status_code == 404
        assert list(response.json()["errors"]) == ["page"]

    def test_list_query_count(self, client, django_assert_num_queries):
        for _ in range(3):
            briefing = make_briefing(
                themes=[make_theme()],
                initiatives=[make_initiative(), make_initiative()],
            )
            briefing.publishers.add(make_organisation())
            KeyFinding.objects.create(briefing=briefing, text="A finding")
        current_version()

        # 1: count, 2: the page, then one query each for publishers, themes,
        # key findings and the published initiatives featured.
        with django_assert_num_queries(6):
            assert len(client.get(api_url("briefing-list")).json()["results"]) == 3


@pytest.mark.parametrize(
    "name",
    ["police-area-list", "organisation-list", "target-group-list", "briefing-list"],
)
def test_lookups_page_and_validate_like_initiatives(client, name):
    response = client.get(api_url(name) + "?page=0&page_size=1000&format=xml")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"format"}  # negotiated first
    response = client.get(api_url(name) + "?page=0&page_size=1000")
    assert set(response.json()["errors"]) == {"page", "page_size"}
