import pytest

from initiatives.models import InitiativeOrganisation
from tests.factories import (
    make_initiative,
    make_organisation,
    make_police_area,
    make_target_group,
    make_theme,
)

pytestmark = pytest.mark.django_db


def _keywords(initiative):
    initiative.refresh_from_db()
    return initiative.search_keywords


def test_keywords_hold_the_names_of_linked_rows():
    area = make_police_area(name="Kent")
    theme = make_theme(name="Strategic partnerships")
    group = make_target_group(name="Women")
    initiative = make_initiative(
        police_areas=[area],
        themes=[theme],
        target_groups=[group],
        organisations={"lead": make_organisation(name="Kent Community Trust")},
    )

    assert _keywords(initiative) == (
        "Kent Strategic partnerships Women Kent Community Trust"
    )


def test_keywords_follow_links_removed_and_added_from_either_side():
    theme = make_theme(name="Understanding demand")
    initiative = make_initiative(themes=[theme])

    theme.initiatives.remove(initiative)
    assert "Understanding demand" not in _keywords(initiative)

    theme.initiatives.add(initiative)
    assert "Understanding demand" in _keywords(initiative)

    theme.initiatives.clear()
    assert "Understanding demand" not in _keywords(initiative)


def test_keywords_follow_organisation_roles_and_renames():
    organisation = make_organisation(name="Harbour Trust")
    initiative = make_initiative()
    role = InitiativeOrganisation.objects.create(
        initiative=initiative, organisation=organisation, role="partner"
    )
    assert "Harbour Trust" in _keywords(initiative)

    organisation.name = "Coast Trust"
    organisation.save()
    assert "Coast Trust" in _keywords(initiative)

    role.delete()
    assert "Coast Trust" not in _keywords(initiative)


def test_saving_a_theme_without_renaming_it_touches_no_initiative(
    django_assert_num_queries,
):
    theme = make_theme()
    make_initiative(themes=[theme])
    theme.description = "New words."

    # 1: read the old name, 2: update the theme, 3: bump the content version,
    # 4: read it back to share it once committed (at once in tests), 5: record
    # the theme's new version in its history.
    with django_assert_num_queries(5):
        theme.save()
