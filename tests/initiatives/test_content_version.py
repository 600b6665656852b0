import time

import pytest
from django.core.cache import cache
from django.db.models import F

from initiatives.models import ContentVersion
from initiatives.services.publishing import publish_initiative, withdraw_initiative
from practice_library.content_version import CACHE_KEY as CONTENT_VERSION_CACHE_KEY
from practice_library.content_version import current_version
from tests.factories import make_initiative, make_theme

pytestmark = pytest.mark.django_db


def test_publishing_withdrawing_and_editing_each_bump_the_version(
    django_capture_on_commit_callbacks,
):
    initiative = make_initiative(state="draft")
    versions = [current_version()[0]]

    for change in (
        lambda: publish_initiative(initiative),
        lambda: withdraw_initiative(initiative),
        lambda: initiative.themes.add(make_theme()),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            change()
        versions.append(current_version()[0])

    assert versions == sorted(set(versions)), versions


def test_version_is_read_from_the_shared_cache(django_assert_num_queries):
    current_version()
    with django_assert_num_queries(0):
        current_version()


def test_a_slow_reader_cannot_put_an_older_version_back(
    django_capture_on_commit_callbacks,
):
    old = current_version()
    with django_capture_on_commit_callbacks(execute=True):
        make_initiative()
    new = cache.get(CONTENT_VERSION_CACHE_KEY)

    cache.add(CONTENT_VERSION_CACHE_KEY, old, None)  # what a racing reader does

    assert new[0] > old[0]
    assert current_version() == new


def test_a_process_without_a_shared_cache_soon_sees_another_process_change(
    settings,
):
    # Without Redis each process caches the version alone, for a short while.
    settings.CONTENT_VERSION_SECONDS = 0.2
    before = current_version()

    # Another process publishes: the row changes, this process's cache not.
    ContentVersion.objects.filter(pk=1).update(number=F("number") + 1)

    assert current_version() == before
    time.sleep(0.3)
    assert current_version()[0] == before[0] + 1


def test_reading_the_version_never_writes(django_assert_num_queries):
    ContentVersion.objects.all().delete()  # as after a test that emptied tables

    with django_assert_num_queries(1):  # one SELECT, no INSERT
        assert current_version()[0] == 0
    assert not ContentVersion.objects.exists()


def test_the_first_change_after_a_missing_row_moves_the_version(
    django_capture_on_commit_callbacks,
):
    ContentVersion.objects.all().delete()
    before = current_version()

    with django_capture_on_commit_callbacks(execute=True):
        make_initiative()

    assert current_version()[0] > before[0]
