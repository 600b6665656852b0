import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from initiatives.selectors import (
    area_theme_counts,
    briefing_mentions,
    briefings_with_counts,
    demo_initiative_count,
    organisation_role_counts,
    organisation_roles,
    police_areas_with_counts,
    public_organisations,
    public_organisations_with_counts,
    published_initiative_count,
    recently_published_initiatives,
    recently_updated_initiatives,
)
from initiatives.services.content_version import bump_content_version
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_police_area,
    make_theme,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    kent = make_police_area(slug="kent", name="Kent")
    essex = make_police_area(slug="essex", name="Essex")
    youth = make_theme(slug="youth", name="Youth")
    demand = make_theme(slug="demand", name="Demand")
    make_initiative(slug="a", police_areas=[kent], themes=[youth])
    make_initiative(slug="b", police_areas=[kent, essex], themes=[youth, demand])
    make_initiative(slug="c", police_areas=[essex], themes=[])
    for state in ("draft", "in-review", "withdrawn"):
        make_initiative(police_areas=[kent, essex], themes=[youth, demand], state=state)
    return {"kent": kent, "essex": essex, "youth": youth, "demand": demand}


def test_area_counts_count_published_initiatives_only(library):
    areas: list[Any] = list(police_areas_with_counts())

    assert [(area.slug, area.initiative_count) for area in areas] == [
        ("essex", 2),
        ("kent", 2),
    ]


def test_area_counts_narrow_to_one_theme(library):
    areas: list[Any] = list(police_areas_with_counts(theme=library["demand"]))

    assert {area.slug: area.initiative_count for area in areas} == {
        "essex": 1,
        "kent": 1,
    }


def test_area_theme_counts_leave_out_drafts_and_unthemed_work(library):
    kent, essex = library["kent"], library["essex"]
    youth, demand = library["youth"], library["demand"]

    assert area_theme_counts() == {
        (kent.pk, youth.pk): 2,
        (kent.pk, demand.pk): 1,
        (essex.pk, youth.pk): 1,
        (essex.pk, demand.pk): 1,
    }


def test_totals_count_published_and_demo_initiatives(library):
    make_initiative(origin=Initiative.Origin.DEMO)
    make_initiative(origin=Initiative.Origin.DEMO, state="draft")

    # The published demo entry is counted apart, not among what is shown.
    assert published_initiative_count() == 3
    assert demo_initiative_count() == 1


def test_recent_and_updated_lists_hold_published_initiatives_only(library):
    now = timezone.now()
    Initiative.objects.update(published_at=now, updated_at=now)
    Initiative.objects.filter(slug="a").update(
        updated_at=now + datetime.timedelta(days=1)
    )
    Initiative.objects.filter(slug="c").update(
        published_at=now + datetime.timedelta(days=1),
        updated_at=now + datetime.timedelta(days=1),
    )

    assert [i.slug for i in recently_published_initiatives(1)] == ["c"]
    assert len(recently_published_initiatives(10)) == 3
    # Updated means changed after publication: "c" was only published.
    assert [i.slug for i in recently_updated_initiatives(5)] == ["a"]
    assert [i.slug for i in recently_updated_initiatives(5, excluding=[])] == ["a"]
    a = Initiative.objects.get(slug="a")
    assert list(recently_updated_initiatives(5, excluding=[a.pk])) == []


def test_home_page_lists_an_entry_as_added_or_as_updated_not_both(
    client, library, monkeypatch
):
    now = timezone.now()
    Initiative.objects.update(published_at=now, updated_at=now)
    Initiative.objects.filter(slug="a").update(
        updated_at=now + datetime.timedelta(hours=2)
    )
    Initiative.objects.filter(slug="b").update(
        published_at=now - datetime.timedelta(days=3),
        updated_at=now + datetime.timedelta(hours=1),
    )

    titles = {i.slug: i.title for i in Initiative.objects.all()}

    def listed() -> tuple[list[str], list[str]]:
        html = client.get(reverse("initiatives:home")).content.decode()
        added, updated = html.split('id="updated-heading"')
        added = added[added.index('id="recent-heading"') :]
        updated = updated[: updated.index("</section>")]

        def slugs(part: str) -> list[str]:
            found = [slug for slug, title in titles.items() if f">{title}<" in part]
            return sorted(found, key=lambda slug: part.index(f">{titles[slug]}<"))

        return slugs(added), slugs(updated) or [updated]

    # With room for every entry among the added, none is listed twice.
    added, updated = listed()
    assert added == ["c", "a", "b"]
    assert "No other entry has changed since it was published." in updated[0]

    monkeypatch.setattr("initiatives.views.HOME_LIST_LENGTH", 2)
    bump_content_version()  # a new page, not the one kept for this version
    assert listed() == (["c", "a"], ["b"])


def test_organisations_earn_a_page_through_published_work_only():
    leads = make_organisation(slug="leads")
    publishes = make_organisation(slug="publishes")
    drafts_only = make_organisation(slug="drafts-only")
    draft_briefing_only = make_organisation(slug="draft-briefing-only")
    make_initiative(organisations={"lead": leads})
    make_initiative(organisations={"lead": drafts_only}, state="draft")
    make_briefing().publishers.set([publishes])
    make_briefing(state="draft").publishers.set([draft_briefing_only])

    assert set(public_organisations().values_list("slug", flat=True)) == {
        "leads",
        "publishes",
    }


def test_organisation_counts_each_initiative_once_whatever_its_roles():
    trust = make_organisation(slug="trust")
    both = make_initiative(organisations={"lead": trust})
    both.organisation_roles.create(organisation=trust, role="funder")
    make_initiative(organisations={"partner": trust})
    make_initiative(organisations={"partner": trust}, state="draft")

    row: Any
    (row,) = public_organisations_with_counts()

    assert row.initiative_count == 2
    assert organisation_role_counts(trust) == {"lead": 1, "funder": 1, "partner": 1}


def test_organisation_roles_keep_the_first_few_per_role_by_title():
    trust = make_organisation()
    for title in ("Delta", "Alpha", "Charlie", "Bravo"):
        make_initiative(title=title, organisations={"partner": trust})
    make_initiative(title="Echo", organisations={"lead": trust})
    make_initiative(title="Aardvark", organisations={"partner": trust}, state="draft")

    rows = organisation_roles(trust, per_role=2)

    assert [(row.role, row.initiative.title) for row in rows] == [
        ("lead", "Echo"),
        ("partner", "Alpha"),
        ("partner", "Bravo"),
    ]


def test_briefing_lists_published_featured_initiatives_in_its_order():
    first, draft, second = (
        make_initiative(slug="first"),
        make_initiative(slug="draft", state="draft"),
        make_initiative(slug="second"),
    )
    briefing = make_briefing(initiatives=[first, draft, second])
    make_briefing(state="draft")

    assert [m.initiative.slug for m in briefing_mentions(briefing)] == [
        "first",
        "second",
    ]
    briefings: list[Any] = list(briefings_with_counts())
    assert [(b.slug, b.initiative_count) for b in briefings] == [(briefing.slug, 2)]
