import datetime

import pytest
from django.contrib.admin.sites import site
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from initiatives.models import (
    Briefing,
    EditorialState,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeSource,
    Organisation,
    PoliceArea,
    Source,
    TargetGroup,
)
from tests.admin_forms import admin_form_data, new_initiative_data
from tests.factories import (
    make_briefing,
    make_curator,
    make_editor,
    make_initiative,
    make_organisation,
    make_police_area,
    make_source,
    make_target_group,
    make_theme,
    make_user,
)
from themes.models import Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_client(client):
    client.force_login(make_curator())
    return client


@pytest.fixture
def one_of_each():
    area = make_police_area()
    GovernancePeriod.objects.create(police_area=area, kind="pcc", body_name="PCC")
    source = make_source(publishers=[make_organisation()])
    initiative = make_initiative(
        police_areas=[area], themes=[make_theme()], sources=[source]
    )
    make_briefing(initiatives=[initiative])
    make_organisation()
    make_target_group()


CURATED_MODELS = [
    PoliceArea,
    GovernancePeriod,
    Organisation,
    TargetGroup,
    Source,
    Initiative,
    Briefing,
    Theme,
]


def _admin_url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def test_every_curated_model_is_in_the_admin():
    assert set(CURATED_MODELS) <= set(site._registry)


@pytest.mark.usefixtures("one_of_each")
@pytest.mark.parametrize("model", CURATED_MODELS, ids=lambda m: m.__name__)
def test_curator_can_open_changelist_add_and_change_pages(curator_client, model):
    obj = model.objects.first()
    for url in [
        _admin_url(model, "changelist"),
        _admin_url(model, "add"),
        _admin_url(model, "change", obj.pk),
    ]:
        assert curator_client.get(url).status_code == 200, url


@pytest.mark.usefixtures("one_of_each")
@pytest.mark.parametrize("model", CURATED_MODELS, ids=lambda m: m.__name__)
def test_staff_without_permission_is_refused(client, model):
    client.force_login(make_user(is_staff=True))
    obj = model.objects.first()

    assert client.get(_admin_url(model, "changelist")).status_code == 403
    assert client.get(_admin_url(model, "add")).status_code == 403
    assert client.get(_admin_url(model, "change", obj.pk)).status_code == 403


@pytest.mark.usefixtures("one_of_each")
def test_initiative_changelist_does_not_query_per_row(
    curator_client, django_assert_max_num_queries
):
    for _ in range(10):
        make_initiative(police_areas=[make_police_area(), make_police_area()])
    with django_assert_max_num_queries(12):
        curator_client.get(_admin_url(Initiative, "changelist"))


def test_curator_adds_a_draft_with_a_partial_start_date(curator_client):
    area = make_police_area()

    response = curator_client.post(
        _admin_url(Initiative, "add"),
        new_initiative_data(curator_client, area, start_date="2015", end_date=""),
    )

    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="street-triage")
    assert initiative.state == EditorialState.DRAFT
    assert initiative.start_date == datetime.date(2015, 1, 1)
    assert initiative.start_date_precision == "year"
    assert initiative.end_date is None
    # The change form gives it back as it was typed.
    page = curator_client.get(_admin_url(Initiative, "change", initiative.pk))
    assert page.context["adminform"].form["start_date"].value() == "2015"


@pytest.mark.parametrize(
    ("typed", "day", "precision", "shown"),
    [
        ("2024", datetime.date(2024, 1, 1), "year", "2024"),
        ("2024-03", datetime.date(2024, 3, 1), "month", "March 2024"),
        (" 2024-03-05 ", datetime.date(2024, 3, 5), "day", "5 March 2024"),
    ],
)
def test_one_field_takes_a_date_as_the_source_gives_it(
    curator_client, typed, day, precision, shown
):
    initiative = make_initiative(state="draft")
    page = curator_client.get(_admin_url(Initiative, "change", initiative.pk))

    response = curator_client.post(
        _admin_url(Initiative, "change", initiative.pk),
        admin_form_data(page, start_date=typed),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative.refresh_from_db()
    assert (initiative.start_date, initiative.start_date_precision) == (day, precision)
    assert initiative.started == shown


@pytest.mark.parametrize("typed", ["2024-13", "March 2024", "24", "2024-02-30"])
def test_a_date_that_is_not_one_is_refused_with_what_to_write(curator_client, typed):
    initiative = make_initiative(state="draft")
    page = curator_client.get(_admin_url(Initiative, "change", initiative.pk))

    response = curator_client.post(
        _admin_url(Initiative, "change", initiative.pk),
        admin_form_data(page, start_date=typed),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["start_date"]
    assert errors == [
        f"“{typed}” is not a date: write a year (2015), a month (2015-06) "
        "or a day (2015-06-17)."
    ]
    initiative.refresh_from_db()
    assert initiative.start_date is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"start_date": "2016-01-01", "end_date": "2015-01-01"}, None),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"evidence_msms_level": "9"}, "evidence_msms_level"),
        ({"start_date": "not a date"}, "start_date"),
        ({"slug": "has spaces"}, "slug"),
    ],
    ids=["end-before-start", "script-url", "maryland-9", "bad-date", "bad-slug"],
)
def test_bad_input_gives_a_form_error_not_a_crash(curator_client, overrides, field):
    area = make_police_area()

    response = curator_client.post(
        _admin_url(Initiative, "add"),
        new_initiative_data(curator_client, area, **overrides),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors
    if field:
        assert field in form.errors
    assert not Initiative.objects.exists()


def test_publish_and_withdraw_actions(curator_client):
    draft = make_initiative(state=EditorialState.DRAFT)
    url = _admin_url(Initiative, "changelist")

    curator_client.post(
        url, {"action": "publish_selected", "_selected_action": [draft.pk]}
    )
    draft.refresh_from_db()
    assert draft.state == EditorialState.PUBLISHED
    assert draft.published_at is not None

    curator_client.post(
        url,
        {
            "action": "withdraw_selected",
            "_selected_action": [draft.pk],
            "confirm": "yes",
        },
    )
    draft.refresh_from_db()
    assert draft.state == EditorialState.WITHDRAWN
    assert draft.withdrawn_at is not None


def test_publishing_without_a_summary_is_refused_with_a_message(curator_client):
    draft = make_initiative(state=EditorialState.DRAFT, summary="")

    response = curator_client.post(
        _admin_url(Initiative, "changelist"),
        {"action": "publish_selected", "_selected_action": [draft.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    assert draft.state == EditorialState.DRAFT
    assert "Write a summary before publishing." in response.content.decode()


def test_published_entries_keep_their_slug_and_cannot_be_deleted(curator_client):
    initiative = make_initiative()

    response = curator_client.get(_admin_url(Initiative, "change", initiative.pk))
    assert "slug" not in response.context["adminform"].form.fields
    assert (
        curator_client.get(_admin_url(Initiative, "delete", initiative.pk)).status_code
        == 403
    )


def test_view_on_site_links_to_the_public_page(curator_client):
    initiative = make_initiative()
    content_type = ContentType.objects.get_for_model(Initiative)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, initiative.pk])

    response = curator_client.get(_admin_url(Initiative, "change", initiative.pk))
    assert view_on_site in response.content.decode()

    redirect = curator_client.get(view_on_site)
    assert redirect.url.endswith(initiative.get_absolute_url())


def test_curator_adds_a_source_with_a_partial_publication_date(curator_client):
    publisher = make_organisation(name="Home Office")
    page = curator_client.get(_admin_url(Source, "add"))
    data = admin_form_data(
        page,
        title="Serious Violence Strategy",
        slug="serious-violence-strategy",
        kind="government-publication",
        publishers=[str(publisher.pk)],
        published_on="2018-04",
        url="https://www.gov.uk/government/publications/serious-violence-strategy",
        accessed_on="2026-12-02",
    )

    response = curator_client.post(_admin_url(Source, "add"), data)

    assert response.status_code == 302
    source = Source.objects.get(slug="serious-violence-strategy")
    assert source.published_on == datetime.date(2018, 4, 1)
    assert source.published == "April 2018"
    assert list(source.publishers.all()) == [publisher]
    assert source.history.count() >= 1


def test_a_source_needs_a_web_address_that_opens_in_a_browser(curator_client):
    page = curator_client.get(_admin_url(Source, "add"))
    data = admin_form_data(
        page, title="A page", slug="a-page", kind="web-page", url="javascript:1"
    )

    response = curator_client.post(_admin_url(Source, "add"), data)

    assert response.status_code == 200
    assert "url" in response.context["adminform"].form.errors
    assert not Source.objects.exists()


def test_an_initiative_cites_sources_and_dates_its_funding_in_the_admin(
    curator_client,
):
    area, source = make_police_area(), make_source()
    funder = make_organisation()
    data = new_initiative_data(curator_client, area)
    data |= {
        "source_citations-TOTAL_FORMS": "1",
        "source_citations-0-source": str(source.pk),
        "source_citations-0-note": "Start date and funding.",
        "source_citations-0-is_evaluation": "on",
        "source_citations-0-order": "0",
        "funding-TOTAL_FORMS": "1",
        "funding-0-funder": str(funder.pk),
        "funding-0-amount": "1600000",
        "funding-0-currency": "GBP",
        "funding-0-period_start": "2019-04",
        "funding-0-period_end": "2020-03",
        "funding-0-source": str(source.pk),
    }

    response = curator_client.post(_admin_url(Initiative, "add"), data)

    assert response.status_code == 302
    initiative = Initiative.objects.get(slug="street-triage")
    citation = InitiativeSource.objects.get(initiative=initiative)
    assert (citation.source, citation.is_evaluation) == (source, True)
    grant = Funding.objects.get(initiative=initiative)
    assert grant.source == source
    assert grant.period_label == "April 2019 to March 2020"
    assert grant.period_start == datetime.date(2019, 4, 1)


def test_source_changelist_does_not_query_per_row(
    curator_client, django_assert_max_num_queries
):
    for _ in range(10):
        source = make_source(publishers=[make_organisation(), make_organisation()])
        make_initiative(sources=[source])
    # Sessions, user, permissions, counts, the page of sources with their
    # citation counts, their publishers, the publisher filter's options.
    with django_assert_max_num_queries(12):
        response = curator_client.get(_admin_url(Source, "changelist"))
    assert response.status_code == 200


def test_editors_add_and_change_sources_but_only_publishers_delete_them(client):
    source = make_source()
    client.force_login(make_editor())

    assert client.get(_admin_url(Source, "add")).status_code == 200
    assert client.get(_admin_url(Source, "change", source.pk)).status_code == 200
    assert client.get(_admin_url(Source, "delete", source.pk)).status_code == 403
