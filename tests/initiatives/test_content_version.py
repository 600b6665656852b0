import pytest
from django.core.cache import cache

from initiatives.selectors import CONTENT_VERSION_CACHE_KEY, content_version
from initiatives.services import publish_initiative, withdraw_initiative
from tests.factories import make_initiative, make_theme

pytestmark = pytest.mark.django_db


def test_publishing_withdrawing_and_editing_each_bump_the_version(
    django_capture_on_commit_callbacks,
):
    initiative = make_initiative(state="draft")
    versions = [content_version()[0]]

    for change in (
        lambda: publish_initiative(initiative),
        lambda: withdraw_initiative(initiative),
        lambda: initiative.themes.add(make_theme()),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        versions.append(content_version()[0])

    assert versions == sorted(set(versions)), versions


def test_version_is_read_from_the_shared_cache(django_assert_num_queries):
    content_version()
    with django_assert_num_queries(0):
        content_version()


def test_a_slow_reader_cannot_put_an_older_version_back(
    django_capture_on_commit_callbacks,
):
    old = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        make_initiative()
    new = cache.get(CONTENT_VERSION_CACHE_KEY)

    cache.add(CONTENT_VERSION_CACHE_KEY, old, None)  # what a racing reader does

    assert new[0] > old[0]
    assert content_version() == new
