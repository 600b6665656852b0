"""load_seed_content: the content files, checked, loaded, and never over a curator.

Most tests load a small library written to a temporary directory in the
content files' own format; ``TestCuratedLibrary`` loads the real files once.
"""

import datetime
import io
import textwrap
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.urls import reverse

from initiatives.content_files import ContentError, read_content
from initiatives.models import (
    Briefing,
    ContentLoad,
    ContentVersion,
    EditorialState,
    Funding,
    GovernanceKind,
    GovernancePeriod,
    Initiative,
    InitiativeSource,
    Organisation,
    PoliceArea,
    Source,
    StateChange,
)
from initiatives.services.seed import LOADED_REASON, load_seed_content
from practice_library.history import recorded_as
from tests.factories import STARTER_CONTENT, make_police_area, make_publisher
from themes.models import Theme

pytestmark = pytest.mark.django_db

REFERENCE = """\
police_areas:
  - slug: kent
    name: Kent
    gss_code: E23000032
    nation: england
    region: south-east
    governance:
      - kind: pcc
        body: Police and Crime Commissioner for Kent
        start: "2012-11"
        source_url: https://www.kent-pcc.gov.uk/about/
  - slug: gwent
    name: Gwent
    gss_code: W15000002
    nation: wales
    region: wales
themes:
  - slug: youth
    name: Youth diversion
    description: Steering young people away from crime.
    order: 10
target_groups:
  - slug: young-people
    name: Children and young people
    min_age: 10
    max_age: 17
"""
LIBRARY = """\
organisations:
  - slug: kent-pcc
    name: Office of the Police and Crime Commissioner for Kent
    kind: pcc-office
    police_area: kent
sources:
  - slug: kent-plan-2022
    kind: plan
    title: Making Kent Safer
    publishers: [kent-pcc]
    published: "2022-04"
    url: https://www.kent-pcc.gov.uk/plan/
    accessed: 2026-12-02
briefings:
  - slug: spotlight
    title: "Spotlight 1: Youth"
    publishers: [kent-pcc]
    published: "2015"
    url: https://example.org/spotlight
    accessed: "2026-12-02"
    summary: A briefing on youth work.
    key_findings: [Earlier is better.]
    themes: [youth]
initiatives:
  - slug: kent-youth-hub
    title: Youth hub
    police_areas: [kent]
    themes: [youth]
    target_groups: [young-people]
    start: "2019-09"
    summary: A hub for young people.
    description: What the hub does, in a few words.
    organisations:
      - {organisation: kent-pcc, role: lead}
    funding:
      - funder: kent-pcc
        amount: "25000"
        period_start: "2019-04"
        period_end: "2020-03"
        source: kent-plan-2022
    sources:
      - {source: kent-plan-2022, note: Start and funding.}
    briefings:
      - {briefing: spotlight, page: p. 4}
  - slug: kent-youth-hub-outreach
    title: Outreach
    police_areas: [kent]
    themes: [youth]
    summary: The hub's outreach team.
    description: Outreach by the hub.
    parent: kent-youth-hub
    sources:
      - {source: kent-plan-2022}
"""


def _write(directory: Path, **files: str) -> Path:
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


@pytest.fixture
def small(tmp_path) -> Path:
    """A small library in the content files' format."""
    return _write(tmp_path, **{"reference.yaml": REFERENCE, "library.yaml": LIBRARY})


def _counts() -> dict[str, int]:
    """Rows in every table of the library, history and state changes included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_app_config("initiatives").get_models()
    } | {"themes.Theme": Theme.objects.count(), "history": Theme.history.count()}


def _stamps() -> dict:
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        for model in (PoliceArea, Theme, Organisation, Source, Initiative, Briefing)
    }


# -- Loading ------------------------------------------------------------------


def test_loads_a_library_and_publishes_it_through_the_workflow(small):
    report = load_seed_content(small)

    hub = Initiative.objects.get(slug="kent-youth-hub")
    assert hub.state == EditorialState.PUBLISHED
    assert (hub.start_date, hub.start_date_precision) == (
        datetime.date(2019, 9, 1),
        "month",
    )
    assert [a.slug for a in hub.police_areas.all()] == ["kent"]
    assert hub.organisations.get().slug == "kent-pcc"
    assert "Office of the Police and Crime Commissioner for Kent" in (
        hub.search_keywords
    )
    grant = Funding.objects.get()
    assert grant.period_label == "April 2019 to March 2020"
    assert grant.source is not None and grant.source.slug == "kent-plan-2022"
    citation = InitiativeSource.objects.get(initiative=hub)
    assert citation.note == "Start and funding."
    assert hub.briefing_mentions.get().page_reference == "p. 4"
    assert Initiative.objects.get(slug="kent-youth-hub-outreach").parent == hub
    source = Source.objects.get()
    assert source.published == "April 2022"
    assert source.accessed_on == datetime.date(2026, 12, 2)
    assert Briefing.objects.get().state == EditorialState.PUBLISHED
    kent = PoliceArea.objects.get(slug="kent")
    period = kent.governance_periods.get()
    assert period.started == "November 2012"
    assert period.source_url == "https://www.kent-pcc.gov.uk/about/"
    # Published by the workflow, for the site, with the reason.
    changes = StateChange.objects.all()
    assert changes.count() == 3
    assert {c.reason for c in changes} == {LOADED_REASON}
    assert not changes.filter(actor__isnull=False).exists()
    assert not Initiative.history.filter(history_user__isnull=False).exists()
    assert hub.history.earliest().history_type == "+"
    assert report.created["initiative"] == 2
    assert "Created: 2 police areas, 1 theme" in str(report)


def test_loading_twice_changes_nothing(small):
    load_seed_content(small)
    counts, stamps = _counts(), _stamps()
    version = ContentVersion.objects.get().number

    report = load_seed_content(small)

    assert _counts() == counts
    assert _stamps() == stamps
    assert ContentVersion.objects.get().number == version
    assert report.unchanged["initiative"] == 2
    assert not report.changed
    assert "Nothing changed." in str(report)


def test_a_changed_record_updates_its_row(small):
    load_seed_content(small)
    version = ContentVersion.objects.get().number
    _write(
        small,
        **{
            "library.yaml": LIBRARY.replace("title: Youth hub", "title: Youth centre")
            .replace('start: "2019-09"', 'start: "2019"')
            .replace("note: Start and funding.", "note: Start only.")
        },
    )

    report = load_seed_content(small)

    hub = Initiative.objects.get(slug="kent-youth-hub")
    assert hub.title == "Youth centre"
    assert hub.start_date_precision == "year"
    assert hub.state == EditorialState.PUBLISHED
    assert InitiativeSource.objects.get(initiative=hub).note == "Start only."
    assert report.updated == {"initiative": 1}
    assert ContentVersion.objects.get().number > version
    assert hub.history.first().history_change_reason == LOADED_REASON
    assert ContentLoad.objects.get(key="initiative:kent-youth-hub").digest == (
        read_content(small).records["initiative"]["kent-youth-hub"].digest
    )


def test_a_curators_edit_is_never_overwritten(small):
    load_seed_content(small)
    hub = Initiative.objects.get(slug="kent-youth-hub")
    with recorded_as(user=make_publisher()):
        hub.summary = "A curator's better summary."
        hub.save()
    _write(small, **{"library.yaml": LIBRARY.replace("A hub for", "A hub, for")})

    report = load_seed_content(small)

    hub.refresh_from_db()
    assert hub.summary == "A curator's better summary."
    assert report.kept == ["initiative:kent-youth-hub"]
    assert "Kept as a curator edited them (1): initiative:kent-youth-hub" in str(report)


def test_a_curator_editing_governance_keeps_the_area(small):
    load_seed_content(small)
    period = GovernancePeriod.objects.get()
    with recorded_as(user=make_publisher()):
        period.note = "Checked by a curator."
        period.save()
    _write(small, **{"reference.yaml": REFERENCE.replace('"2012-11"', '"2012"')})

    report = load_seed_content(small)

    period.refresh_from_db()
    assert period.started_on_precision == "month"
    assert report.kept == ["police_area:kent"]


def test_an_entry_a_curator_deleted_is_not_created_again(small):
    load_seed_content(small)
    Initiative.objects.get(slug="kent-youth-hub-outreach").delete()

    report = load_seed_content(small)

    assert not Initiative.objects.filter(slug="kent-youth-hub-outreach").exists()
    assert report.deleted == ["initiative:kent-youth-hub-outreach"]


def test_rows_from_before_are_adopted_unless_a_person_edited_them(small):
    # Rows an older seed made (no history user): adopted and brought up to date.
    make_police_area(slug="kent", name="Kent", gss_code="E23000032")
    # A curator's own theme with a slug the files use: left as it is.
    with recorded_as(user=make_publisher()):
        Theme.objects.create(slug="youth", name="Young people", description="Mine.")

    report = load_seed_content(small)

    kent = PoliceArea.objects.get(slug="kent")
    assert kent.region == "south-east"
    assert kent.governance_periods.count() == 1
    assert Theme.objects.get(slug="youth").name == "Young people"
    assert report.kept == ["theme:youth"]
    assert report.updated["police_area"] == 1


def test_only_loads_the_files_named_and_what_they_need(tmp_path):
    _write(
        tmp_path,
        **{
            "reference.yaml": REFERENCE,
            "library.yaml": LIBRARY,
            "other.yaml": """\
                organisations:
                  - {slug: gwent-pcc, name: Gwent PCC office, kind: pcc-office}
            """,
        },
    )

    load_seed_content(tmp_path, only=["library.yaml"])

    assert Initiative.objects.count() == 2
    assert set(PoliceArea.objects.values_list("slug", flat=True)) == {"kent"}
    assert not Organisation.objects.filter(slug="gwent-pcc").exists()


# -- Problems in the files ------------------------------------------------------

MALFORMED = {
    "unknown-key": (
        ("title: Youth hub", "title: Youth hub\n    colour: blue"),
        "library.yaml: initiatives[0] (kent-youth-hub): colour: unknown key “colour”",
    ),
    "bad-date": (
        ('start: "2019-09"', 'start: "2019-13"'),
        "library.yaml: initiatives[0] (kent-youth-hub): start: “2019-13” is not a date",
    ),
    "badly-written-date": (
        ('start: "2019-09"', 'start: "Sept 2019"'),
        "library.yaml: initiatives[0] (kent-youth-hub): start: 'Sept 2019' must be a "
        "date",
    ),
    "unknown-slug": (
        ("themes: [youth]\n    target_groups", "themes: [yuoth]\n    target_groups"),
        "library.yaml: initiatives[0] (kent-youth-hub): themes[0]: no theme “yuoth”",
    ),
    "duplicate-slug": (
        ("slug: kent-youth-hub-outreach", "slug: kent-youth-hub"),
        "library.yaml: initiatives[1] (kent-youth-hub): slug: initiative "
        "“kent-youth-hub” is already defined at library.yaml: initiatives[0]",
    ),
    "http-address": (
        ("https://www.kent-pcc.gov.uk/plan/", "http://www.kent-pcc.gov.uk/plan/"),
        "library.yaml: sources[0] (kent-plan-2022): url: "
        "'http://www.kent-pcc.gov.uk/plan/' must be a full web address starting "
        "with https://, with any character outside ASCII percent-encoded",
    ),
    "address-not-ascii": (
        ("https://www.kent-pcc.gov.uk/plan/", "https://www.kent-pcc.gov.uk/women’s/"),
        "library.yaml: sources[0] (kent-plan-2022): url: "
        "'https://www.kent-pcc.gov.uk/women’s/' must be a full web address starting "
        "with https://, with any character outside ASCII percent-encoded",
    ),
    "missing-key": (
        ("    summary: The hub's outreach team.\n", ""),
        "library.yaml: initiatives[1] (kent-youth-hub-outreach): summary: is required",
    ),
    "no-source": (
        ("    sources:\n      - {source: kent-plan-2022}\n", ""),
        "library.yaml: initiatives[1] (kent-youth-hub-outreach): sources: every "
        "initiative cites at least one source or briefing",
    ),
    "same-title-in-an-area": (
        ("title: Outreach", "title: youth  HUB"),
        "library.yaml: initiatives[1] (kent-youth-hub-outreach): title: “youth  HUB” "
        "is already the title of kent-youth-hub in kent",
    ),
    "model-rule": (
        ('period_end: "2020-03"', 'period_end: "2018"'),
        "library.yaml: initiatives[0] (kent-youth-hub): funding[0]: The funding "
        "period cannot end before it starts.",
    ),
    "not-yaml": (
        ("title: Youth hub", "title: [Youth hub"),
        "library.yaml: not valid YAML (line",
    ),
}


@pytest.mark.parametrize("change, expected", MALFORMED.values(), ids=MALFORMED)
def test_a_malformed_file_is_named_with_its_field_and_loads_nothing(
    small, change, expected
):
    old, new = change
    assert old in LIBRARY
    _write(small, **{"library.yaml": LIBRARY.replace(old, new)})
    before = _counts()

    with pytest.raises(ContentError) as error:
        load_seed_content(small)

    assert any(problem.startswith(expected) for problem in error.value.problems), (
        error.value.problems
    )
    assert _counts() == before


def test_every_problem_is_listed_at_once(small):
    _write(
        small,
        **{
            "library.yaml": LIBRARY.replace("kind: plan", "kind: blog").replace(
                "role: lead", "role: boss"
            )
        },
    )

    with pytest.raises(ContentError) as error:
        load_seed_content(small)

    assert len(error.value.problems) == 2
    assert str(error.value).startswith(
        "The content files have 2 problems; nothing was loaded:\n- library.yaml"
    )


def test_the_command_reports_the_problems_and_fails(small, monkeypatch):
    _write(small, **{"reference.yaml": REFERENCE.replace("    nation: wales\n", "")})
    monkeypatch.setattr("initiatives.services.seed.CONTENT_DIRECTORY", small)

    with pytest.raises(CommandError, match=r"gwent\): nation: is required"):
        call_command("load_seed_content", stdout=io.StringIO())

    assert not PoliceArea.objects.exists()


def test_the_command_prints_what_it_did(small, monkeypatch):
    monkeypatch.setattr("initiatives.services.seed.CONTENT_DIRECTORY", small)
    out = io.StringIO()

    call_command("load_seed_content", stdout=out)

    assert "Created: 2 police areas" in out.getvalue()


# -- The library's own content files --------------------------------------------


def test_the_starting_set_loads_on_its_own():
    load_seed_content(only=STARTER_CONTENT)

    assert PoliceArea.objects.count() == 43
    assert Initiative.objects.published().count() == 7
    assert Briefing.objects.published().count() == 1


@pytest.mark.usefixtures("curated_library")
class TestCuratedLibrary:
    """The real content files, loaded into an empty database."""

    def test_the_library_holds_sourced_work_across_england_and_wales(self):
        real = Initiative.objects.published().curated()
        areas = PoliceArea.objects.filter(initiatives__in=real).distinct()
        covered = [
            area for area in areas if area.initiatives.filter(pk__in=real).count() >= 2
        ]

        assert real.count() >= 120
        assert len(covered) >= 40
        assert Source.objects.public().count() >= 10

    def test_every_published_initiative_cites_a_source_with_an_https_address(self):
        for initiative in Initiative.objects.published().curated():
            addresses = [source.url for source in initiative.sources.all()]
            addresses += [
                briefing.url
                for briefing in initiative.briefings.filter(state="published")
            ]
            assert any(url.startswith("https://") for url in addresses), initiative.slug

    def test_no_two_initiatives_share_a_title_within_an_area(self):
        seen: dict[tuple, str] = {}
        for initiative in Initiative.objects.prefetch_related("police_areas"):
            for area in initiative.police_areas.all():
                key = (area.pk, initiative.title.casefold())
                assert key not in seen, (initiative.slug, seen.get(key))
                seen[key] = initiative.slug

    def test_every_date_is_stored_at_its_precision(self):
        dated = [
            (Initiative, "start_date"),
            (Initiative, "end_date"),
            (Funding, "period_start"),
            (Funding, "period_end"),
            (GovernancePeriod, "started_on"),
            (GovernancePeriod, "ended_on"),
            (Source, "published_on"),
            (Briefing, "published_on"),
        ]
        for model, name in dated:
            rows = model._default_manager.exclude(**{f"{name}__isnull": True})
            for day, precision in rows.values_list(name, f"{name}_precision"):
                assert precision in {"year", "month", "day"}
                if precision == "year":
                    assert (day.month, day.day) == (1, 1), (model, name, day)
                if precision == "month":
                    assert day.day == 1, (model, name, day)

    def test_governance_names_who_governed_when(self):
        def periods(slug):
            area = PoliceArea.objects.get(slug=slug)
            return [
                (p.kind, p.started, p.ended)
                for p in area.governance_periods.order_by("started_on")
            ]

        assert periods("greater-manchester") == [
            (GovernanceKind.PCC, "November 2012", "7 May 2017"),
            (GovernanceKind.MAYOR, "8 May 2017", ""),
        ]
        assert periods("staffordshire")[-1][:2] == (
            GovernanceKind.PFCC,
            "1 August 2018",
        )
        assert periods("northamptonshire")[-1][:2] == (
            GovernanceKind.PFCC,
            "1 January 2019",
        )
        assert periods("essex")[-1][:2] == (GovernanceKind.PFCC, "1 October 2017")
        assert [kind for kind, *_ in periods("north-yorkshire")] == [
            GovernanceKind.PCC,
            GovernanceKind.PFCC,
            GovernanceKind.MAYOR,
        ]
        assert not GovernancePeriod.objects.exclude(
            police_area__slug__in=["metropolitan", "city-of-london"]
        ).filter(source_url="")

    def test_the_2015_essex_work_is_led_by_the_office_as_it_was(self):
        hub = Initiative.objects.get(slug="essex-mental-health-hub-pilot")
        assert hub.organisation_roles.get(role="lead").organisation.slug == "essex-pcc"

    def test_loading_again_changes_nothing(self):
        counts, stamps = _counts(), _stamps()

        report = load_seed_content()

        assert not report.changed
        assert _counts() == counts
        assert _stamps() == stamps

    def test_the_site_serves_the_whole_library(self, client):
        home = client.get("/")
        assert home.context["total"] == Initiative.objects.published().count()
        sources = client.get(reverse("initiatives:source-list"))
        assert sources.context["total"] == Source.objects.public().count()
        trial = Source.objects.get(slug="checkpoint-rct-police-journal-2021")
        assert client.get(trial.get_absolute_url()).status_code == 200
        checkpoint = Initiative.objects.get(slug="durham-checkpoint")
        assert client.get(checkpoint.get_absolute_url()).status_code == 200
