"""The data-quality page lists exactly what needs a curator, at a fixed cost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import EditorialState, Initiative, PoliceArea
from initiatives.quality import data_quality_report
from tests.factories import (
    make_briefing,
    make_editor,
    make_initiative,
    make_police_area,
    make_publisher,
    make_source,
    make_theme,
    make_user,
)

pytestmark = pytest.mark.django_db

URL = "admin:initiatives_initiative_data_quality"
LONG_AGO = timezone.now() - datetime.timedelta(days=400)


def _complete(**fields) -> Initiative:
    """A published initiative with nothing for a curator to fix."""
    fields.setdefault("themes", [make_theme()])
    if "sources" not in fields:
        fields["sources"] = [make_source()]
    fields.setdefault("evidence_stage", Initiative.EvidenceStage.UNTESTED)
    return make_initiative(**fields)


def _age(initiative: Initiative, when: datetime.datetime) -> None:
    # updated_at is auto_now: set it behind the model's back.
    Initiative.objects.filter(pk=initiative.pk).update(updated_at=when)


@pytest.fixture
def library():
    """One entry per problem, and complete entries that must not be listed."""
    complete_area = make_police_area(name="Complete area")
    empty_area = make_police_area(name="Empty area")
    demo_only_area = make_police_area(name="Demo-only area")
    _complete(title="All good", police_areas=[complete_area])
    _complete(title="Sourced by a briefing", sources=[], police_areas=[complete_area])
    make_briefing(initiatives=[Initiative.objects.get(title="Sourced by a briefing")])
    _complete(
        title="Reviewed lately",
        published_at=LONG_AGO,
        last_reviewed_at=timezone.now(),
        police_areas=[complete_area],
    )
    entries = {
        "no-themes": _complete(title="No themes", themes=[]),
        # A web address of its own is not a source a reader can check.
        "no-source": _complete(
            title="No source", sources=[], website="https://example.org/ok"
        ),
        "no-evidence": _complete(title="No evidence", evidence_stage=""),
        "review-due": _complete(title="Review due", published_at=LONG_AGO),
        # Entries that are not public share an area with public ones.
        "stale-draft": _complete(
            title="Stale draft",
            state=EditorialState.DRAFT,
            police_areas=[complete_area],
        ),
        "stale-review": _complete(
            title="Stale review",
            state=EditorialState.IN_REVIEW,
            police_areas=[complete_area],
        ),
        "fresh-draft": _complete(
            title="Fresh draft",
            state=EditorialState.DRAFT,
            police_areas=[complete_area],
        ),
        "withdrawn": _complete(
            title="Withdrawn, no themes",
            themes=[],
            state=EditorialState.WITHDRAWN,
            police_areas=[complete_area],
        ),
        "demo": make_initiative(
            title="Demo: no themes",
            origin=Initiative.Origin.DEMO,
            police_areas=[demo_only_area],
        ),
    }
    make_source(title="Nobody cites this")
    _age(entries["stale-draft"], LONG_AGO)
    _age(entries["stale-review"], LONG_AGO)
    return {"entries": entries, "empty_area": empty_area, "demo_area": demo_only_area}


def _titles(check) -> list[str]:
    return [row.label for row in check.rows]


def test_each_check_lists_exactly_the_entries_that_need_it(library):
    report = {check.key: check for check in data_quality_report()}

    assert _titles(report["no-themes"]) == ["No themes"]
    assert _titles(report["no-source"]) == ["No source"]
    assert _titles(report["no-evidence"]) == ["No evidence"]
    assert _titles(report["stale-drafts"]) == ["Stale draft", "Stale review"]
    assert _titles(report["review-due"]) == ["Review due"]
    # Each of the problem entries has an area of its own, with one published
    # initiative; the empty area and the area with only demo data are listed.
    assert _titles(report["empty-areas"]) == ["Demo-only area", "Empty area"]
    assert {key: check.total for key, check in report.items()} == {
        "no-themes": 1,
        "no-source": 1,
        "no-evidence": 1,
        "stale-drafts": 2,
        "review-due": 1,
        "empty-areas": 2,
        "uncited-sources": 1,
    }


def test_rows_link_to_the_entry_to_fix(library):
    report = {check.key: check for check in data_quality_report()}

    (row,) = report["no-themes"].rows
    no_themes = library["entries"]["no-themes"]
    assert row.admin_url == reverse(
        "admin:initiatives_initiative_change", args=[no_themes.pk]
    )
    empty = [r for r in report["empty-areas"].rows if r.label == "Empty area"][0]
    assert empty.admin_url == reverse(
        "admin:initiatives_policearea_change", args=[library["empty_area"].pk]
    )


def test_the_page_shows_every_check_with_links(client, library):
    client.force_login(make_editor())

    response = client.get(reverse(URL))

    html = response.content.decode()
    assert response.status_code == 200
    for entry in ("No themes", "No source", "No evidence", "Stale draft", "Review due"):
        assert entry in html
    assert "Demo: no themes" not in html
    no_themes = library["entries"]["no-themes"]
    assert reverse("admin:initiatives_initiative_change", args=[no_themes.pk]) in html


def test_the_admin_index_links_to_the_page(client):
    client.force_login(make_publisher())

    html = client.get(reverse("admin:index")).content.decode()

    assert reverse(URL) in html
    assert "New suggestions from the field" in html


@pytest.mark.parametrize(
    ("user", "status"),
    [(None, 302), (lambda: make_user(is_staff=True), 403), (make_editor, 200)],
    ids=["anonymous", "staff-without-rights", "editor"],
)
def test_only_curators_see_the_page(client, user, status):
    if user is not None:
        client.force_login(user())
    assert client.get(reverse(URL)).status_code == status


def test_query_count_does_not_grow_with_the_library(
    client, library, django_assert_num_queries
):
    client.force_login(make_editor())
    client.get(reverse(URL))  # warm the content types and the session
    for n in range(5):
        _complete(title=f"More without themes {n}", themes=[])
        _age(_complete(title=f"More stale {n}", state=EditorialState.DRAFT), LONG_AGO)
        make_police_area()

    # 1: session, 2: user, 3-4: the user's and group permissions, then one
    # query per check (7), each carrying its total in a window column.
    with django_assert_num_queries(11):
        response = client.get(reverse(URL))
    assert PoliceArea.objects.count() > 5
    assert len(response.context["checks"][0].rows) == 6
