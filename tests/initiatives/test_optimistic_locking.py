"""Two editors, one entry: a save from a stale form is refused, nothing lost."""

import pytest
from django.test import Client
from django.urls import reverse

from initiatives.models import Briefing, Initiative, Organisation, Source
from initiatives.services.publishing import transition
from tests.admin_forms import admin_form_data
from tests.factories import (
    make_briefing,
    make_initiative,
    make_organisation,
    make_publisher,
    make_source,
)

pytestmark = pytest.mark.django_db


def _change_url(entry) -> str:
    meta = entry._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[entry.pk])


# (how to make one, the field editor A changes, the one editor B changes)
CASES = {
    "initiative": (
        lambda: make_initiative(title="Old title", summary="Old.", state="draft"),
        "title",
        "summary",
    ),
    "briefing": (
        lambda: make_briefing(title="Old title", summary="Old.", state="draft"),
        "title",
        "summary",
    ),
    "source": (
        lambda: make_source(title="Old title", summary="Old."),
        "title",
        "summary",
    ),
    "organisation": (
        lambda: make_organisation(name="Old title", description="Old."),
        "name",
        "description",
    ),
}


@pytest.fixture
def editors():
    first, second = Client(), Client()
    first.force_login(make_publisher(username="alex", first_name="Alex"))
    second.force_login(make_publisher(username="sam", first_name="Sam"))
    return first, second


@pytest.mark.parametrize("kind", CASES)
def test_a_stale_save_is_refused_and_nothing_is_lost(editors, kind):
    make, a_field, b_field = CASES[kind]
    entry = make()
    url = _change_url(entry)
    alex, sam = editors
    alex_page, sam_page = alex.get(url), sam.get(url)  # both open the form

    saved = alex.post(url, admin_form_data(alex_page, **{a_field: "New title"}))
    stale = sam.post(url, admin_form_data(sam_page, **{b_field: "Sam's words."}))

    assert saved.status_code == 302
    assert stale.status_code == 200  # the form again, with the reason
    entry.refresh_from_db()
    assert getattr(entry, a_field) == "New title"  # Alex's change survives
    assert getattr(entry, b_field) == "Old."  # Sam's was not saved over it
    errors = stale.context["adminform"].form.non_field_errors()
    text = " ".join(errors)
    assert "changed by someone else after you opened it" in text
    assert "Nothing was saved" in text
    assert "alex" in text  # who saved since
    assert "“Old title” is now “New title”" in text
    # Sam's own text is still in the form, to copy.
    assert "Sam&#x27;s words." in stale.content.decode()
    # Not saved even for a moment: no version of it was ever recorded.
    history = entry.history  # type: ignore[attr-defined]
    assert not history.filter(**{b_field: "Sam's words."}).exists()


@pytest.mark.parametrize("kind", CASES)
def test_a_form_opened_after_the_change_saves(editors, kind):
    make, a_field, b_field = CASES[kind]
    entry = make()
    url = _change_url(entry)
    alex, sam = editors
    alex.post(url, admin_form_data(alex.get(url), **{a_field: "New title"}))

    saved = sam.post(url, admin_form_data(sam.get(url), **{b_field: "Sam's words."}))

    assert saved.status_code == 302
    entry.refresh_from_db()
    assert (getattr(entry, a_field), getattr(entry, b_field)) == (
        "New title",
        "Sam's words.",
    )


def test_one_editor_can_save_twice_in_a_row(editors):
    entry = make_initiative(state="draft")
    url = _change_url(entry)
    alex, _ = editors

    first = alex.post(url, admin_form_data(alex.get(url), summary="One."))
    second = alex.post(url, admin_form_data(alex.get(url), summary="Two."))

    assert [first.status_code, second.status_code] == [302, 302]
    entry.refresh_from_db()
    assert entry.summary == "Two."
    assert entry.version == 3


def test_a_change_made_elsewhere_also_makes_the_form_stale(editors):
    """Not only admin saves: publishing (a service) moves the version on."""
    entry = make_initiative(state="in-review")
    url = _change_url(entry)
    alex, sam = editors
    page = sam.get(url)

    transition(entry, "published", actor=make_publisher())
    refused = sam.post(url, admin_form_data(page, summary="Too late."))

    assert refused.status_code == 200
    assert "changed by someone else" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.summary != "Too late."


def test_every_save_moves_the_version_on():
    organisation = make_organisation()
    source = make_source()
    assert (organisation.version, source.version) == (1, 1)

    organisation.save()
    source.save(update_fields=["title"])

    organisation.refresh_from_db()
    source.refresh_from_db()
    assert (organisation.version, source.version) == (2, 2)
    assert source.history.first().version == 2


def test_the_add_form_has_no_version(editors):
    alex, _ = editors

    page = alex.get(reverse("admin:initiatives_organisation_add"))

    assert "seen_version" not in page.context["adminform"].form.fields


@pytest.mark.parametrize("model", [Initiative, Briefing, Source, Organisation])
def test_the_change_form_carries_the_version_hidden(editors, model):
    entry = {
        Initiative: lambda: make_initiative(state="draft"),
        Briefing: lambda: make_briefing(state="draft"),
        Source: make_source,
        Organisation: make_organisation,
    }[model]()
    entry.save()  # version 2
    alex, _ = editors

    html = alex.get(_change_url(entry)).content.decode()

    assert '<input type="hidden" name="seen_version" value="2"' in html
