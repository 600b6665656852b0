import pytest

from initiatives.models import PoliceArea
from themes.selectors import public_themes, themes_with_counts

pytestmark = pytest.mark.django_db


def _counts(themes) -> dict[str, int]:
    return {theme.slug: theme.initiative_count for theme in themes}


@pytest.mark.usefixtures("small_library")
def test_theme_counts_count_published_initiatives_only():
    # A draft and an entry in review sit under youth too.
    assert _counts(themes_with_counts()) == {"youth": 2, "demand": 2}


@pytest.mark.usefixtures("small_library")
def test_theme_counts_narrow_to_one_area():
    essex = PoliceArea.objects.get(slug="essex")

    assert _counts(themes_with_counts(police_area=essex)) == {
        "youth": 1,
        "demand": 2,
    }


@pytest.mark.usefixtures("small_library")
def test_public_themes_come_in_their_curated_order():
    assert [theme.slug for theme in public_themes()] == ["youth", "demand"]
