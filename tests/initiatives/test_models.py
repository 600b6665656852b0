import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from initiatives.models import (
    EditorialState,
    Funding,
    GovernancePeriod,
    Initiative,
    InitiativeSource,
    Source,
    TargetGroup,
)
from tests.factories import make_initiative, make_police_area, make_source

pytestmark = pytest.mark.django_db


def _rejected(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_initiative_cannot_end_before_it_starts():
    initiative = make_initiative(start_date=datetime.date(2016, 1, 1))
    initiative.end_date = datetime.date(2015, 1, 1)
    _rejected(initiative.save)


def test_maryland_level_outside_one_to_five_is_rejected():
    initiative = make_initiative()
    initiative.evidence_msms_level = 6
    _rejected(initiative.save)


def test_initiative_cannot_be_its_own_parent():
    initiative = make_initiative()
    initiative.parent = initiative
    _rejected(initiative.save)


def test_published_initiative_needs_a_publication_date():
    _rejected(
        lambda: Initiative.objects.create(
            title="No date", slug="no-date", state=EditorialState.PUBLISHED
        )
    )


def test_initiative_slugs_are_unique():
    make_initiative(slug="same")
    _rejected(lambda: make_initiative(slug="same"))


def test_initiative_needs_a_title():
    _rejected(lambda: Initiative.objects.create(title="", slug="untitled"))


@pytest.mark.parametrize(
    ("min_age", "max_age"), [(25, 18), (10, 130), (200, None)], ids=str
)
def test_target_group_age_range_must_be_sane(min_age, max_age):
    _rejected(
        lambda: TargetGroup.objects.create(
            name="Odd", slug="odd", min_age=min_age, max_age=max_age
        )
    )


def test_welsh_area_must_sit_in_the_wales_region():
    _rejected(lambda: make_police_area(nation="wales", region="north-west"))
    _rejected(lambda: make_police_area(nation="england", region="wales"))


def test_governance_period_cannot_end_before_it_starts():
    area = make_police_area()
    _rejected(
        lambda: GovernancePeriod.objects.create(
            police_area=area,
            kind="pcc",
            body_name="A commissioner",
            started_on=datetime.date(2020, 1, 1),
            ended_on=datetime.date(2019, 1, 1),
        )
    )


def test_gss_code_must_look_like_a_police_force_area_code():
    area = make_police_area()
    area.gss_code = "X12345678"
    with pytest.raises(ValidationError) as error:
        area.full_clean()
    assert "gss_code" in error.value.message_dict


def test_web_addresses_accept_only_http_and_https():
    initiative = make_initiative()
    for address in ["javascript:alert(1)", "ftp://example.org/file"]:
        initiative.website = address
        with pytest.raises(ValidationError) as error:
            initiative.full_clean()
        assert "website" in error.value.message_dict
    initiative.website = "https://example.org/"
    initiative.full_clean()


def test_published_hides_drafts_in_review_and_withdrawn():
    visible = make_initiative(state=EditorialState.PUBLISHED)
    for state in (
        EditorialState.DRAFT,
        EditorialState.IN_REVIEW,
        EditorialState.WITHDRAWN,
    ):
        make_initiative(state=state)

    assert list(Initiative.objects.published()) == [visible]


def test_governance_in_force_follows_the_dates():
    area = make_police_area()
    GovernancePeriod.objects.create(
        police_area=area,
        kind="pcc",
        body_name="Commissioner",
        started_on=datetime.date(2012, 11, 22),
        ended_on=datetime.date(2024, 5, 6),
    )
    GovernancePeriod.objects.create(
        police_area=area,
        kind="mayor",
        body_name="Mayor",
        started_on=datetime.date(2024, 5, 7),
    )
    area = type(area).objects.with_governance().get(pk=area.pk)

    in_2015 = area.governance_on(datetime.date(2015, 1, 1))
    in_2025 = area.governance_on(datetime.date(2025, 1, 1))
    assert in_2015 is not None and in_2015.body_name == "Commissioner"
    assert in_2025 is not None and in_2025.body_name == "Mayor"
    assert area.governance_on(datetime.date(2010, 1, 1)) is None


def test_partial_dates_display_at_their_precision():
    initiative = make_initiative(
        start_date=datetime.date(2015, 12, 1), start_date_precision="month"
    )
    assert initiative.started == "December 2015"
    initiative.start_date_precision = "year"
    assert initiative.started == "2015"


def test_an_initiative_cites_a_source_once():
    source = make_source()
    initiative = make_initiative(sources=[source])

    _rejected(
        lambda: InitiativeSource.objects.create(initiative=initiative, source=source)
    )


def test_a_cited_source_cannot_be_deleted():
    source = make_source()
    make_initiative(sources=[source])

    with pytest.raises(models.ProtectedError), transaction.atomic():
        source.delete()


@pytest.mark.parametrize(
    "state, public",
    [
        (EditorialState.PUBLISHED, True),
        (EditorialState.DRAFT, False),
        (EditorialState.IN_REVIEW, False),
        (EditorialState.WITHDRAWN, False),
    ],
)
def test_a_source_is_public_when_a_published_initiative_cites_it(state, public):
    cited, funding_source, uncited = make_source(), make_source(), make_source()
    initiative = make_initiative(state=state, sources=[cited])
    Funding.objects.create(initiative=initiative, source=funding_source)

    expected = {cited, funding_source} if public else set()
    assert set(Source.objects.public()) == expected
    assert uncited not in Source.objects.public()


def test_funding_periods_display_at_their_precision():
    grant = Funding(
        period_start=datetime.date(2019, 4, 1),
        period_start_precision="month",
        period_end=datetime.date(2020, 1, 1),
        period_end_precision="year",
    )
    assert grant.period_label == "April 2019 to 2020"
    grant.period_end = None
    assert grant.period_label == "from April 2019"
    grant.period_start, grant.period_end = None, datetime.date(2020, 3, 31)
    grant.period_end_precision = "day"
    assert grant.period_label == "to 31 March 2020"
