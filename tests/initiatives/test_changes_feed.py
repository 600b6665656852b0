"""The changes feed: a partner's mirror stays exact under concurrent edits.

A mirror reads ``/api/v1/changes/`` from the beginning (a full sync), then
from the last ``next`` link it kept (incremental syncs). Entries are
published, edited, withdrawn, returned to draft and deleted between every
page, and the mirror must end equal to the library, entry for entry.
"""

import itertools
import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from initiatives.models import EditorialState, Initiative, PublicChange
from initiatives.services.content_version import one_content_change
from initiatives.services.public_changes import record_public_changes
from initiatives.services.publishing import (
    publish_initiative,
    return_to_draft,
    submit_for_review,
    withdraw_initiative,
)
from tests.factories import make_initiative, make_organisation, make_theme

pytestmark = pytest.mark.django_db

FEED = reverse("api:change-list")


def _read(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def _sync(client, mirror: dict, url: str, between: Callable[[], None]) -> str:
    """Follow the feed to its end, changing the library between pages;
    returns the last 'next' link, to start the next sync from."""
    while True:
        page = _read(client, url)
        for change in page["results"]:
            if change["deleted"]:
                mirror.pop(change["slug"], None)
            else:
                mirror[change["slug"]] = change["entry"]
        url = page["next"]
        if not page["has_more"]:
            return url
        between()


def _library(client) -> dict:
    """What a mirror must hold: every public entry, as its detail gives it."""
    return {
        slug: _read(client, reverse("api:initiative-detail", args=[slug]))
        for slug in Initiative.objects.published().values_list("slug", flat=True)
    }


def test_a_mirror_stays_exact_through_a_full_and_three_incremental_syncs(
    client, no_rate_limits
):
    theme = make_theme(name="Early help")
    entries = [make_initiative(themes=[theme]) for _ in range(7)]
    drafts = [make_initiative(state=EditorialState.DRAFT) for _ in range(4)]
    numbers = itertools.count(1)

    def edit(initiative: Initiative) -> None:
        initiative.refresh_from_db()
        initiative.title = f"Edited {next(numbers)}"
        initiative.save()

    # What happens between pages: every kind of change a mirror must see,
    # to entries it has read already and to entries it has not reached.
    steps = iter(
        [
            lambda: withdraw_initiative(entries[0]),  # already read
            lambda: withdraw_initiative(entries[6]),  # not reached yet
            lambda: publish_initiative(drafts[0]),
            lambda: edit(entries[1]),
            lambda: return_to_draft(entries[2]),
            lambda: make_initiative(title="Brand new"),
            lambda: edit(entries[5]),
            lambda: publish_initiative(drafts[1]),
            lambda: entries[3].themes.add(make_theme(name="Housing")),
            lambda: Initiative.objects.get(pk=entries[4].pk).delete(),
            lambda: publish_initiative(entries[2]),  # back from draft
            lambda: edit(drafts[0]),
            lambda: withdraw_initiative(drafts[1]),
            lambda: theme.__class__.objects.filter(pk=theme.pk).get().save(),
            lambda: publish_initiative(drafts[2]),
            lambda: edit(drafts[3]),  # a draft: nothing public changes
            lambda: edit(entries[1]),
            lambda: withdraw_initiative(drafts[0]),
        ]
    )
    changed = 0

    def between() -> None:
        nonlocal changed
        step = next(steps, None)
        if step is not None:
            step()
            changed += 1

    mirror: dict = {}
    url = _sync(client, mirror, f"{FEED}?page_size=1", between)
    assert mirror == _library(client)  # the full sync

    for _ in range(3):  # incremental syncs, changes before and during each
        between()
        url = _sync(client, mirror, url, between)
        assert mirror == _library(client)
    assert changed >= 12  # the syncs did meet the changes
    assert "Brand new" in {entry["title"] for entry in mirror.values()}


def test_an_entry_appears_once_at_its_latest_change(client):
    first, second = make_initiative(), make_initiative()
    first.title = "Changed later"
    first.save()

    page = _read(client, FEED)

    assert [change["slug"] for change in page["results"]] == [
        second.slug,
        first.slug,
    ]
    assert page["results"][1]["entry"]["title"] == "Changed later"
    assert page["has_more"] is False


def test_a_tombstone_for_an_entry_that_left_public_view(client):
    gone = make_initiative(slug="gone")
    withdraw_initiative(gone)

    (change,) = _read(client, FEED)["results"]

    assert change["slug"] == "gone"
    assert change["deleted"] is True
    assert "entry" not in change


def test_drafts_never_appear_in_the_feed(client):
    draft = make_initiative(state=EditorialState.DRAFT, slug="a-draft")
    draft.title = "Still a draft"
    draft.save()
    submit_for_review(draft)

    assert _read(client, FEED)["results"] == []
    assert not PublicChange.objects.exists()


def test_the_next_link_never_fails_and_waits_for_new_changes(client):
    make_initiative(slug="one")
    page = _read(client, FEED)
    assert page["has_more"] is False

    again = _read(client, page["next"])  # nothing new: empty, same place
    assert again["results"] == []
    assert again["next"] == page["next"]
    Initiative.objects.filter(slug="one").delete()
    make_initiative(slug="two")

    later = _read(client, page["next"])
    assert [(c["slug"], c["deleted"]) for c in later["results"]] == [
        ("one", True),
        ("two", False),
    ]


def test_a_renamed_organisation_reaches_the_entries_that_show_it(client):
    trust = make_organisation(name="Old Trust")
    make_initiative(slug="led", organisations={"lead": trust})
    make_initiative(slug="unrelated")
    position = PublicChange.objects.latest("id").id
    trust.name = "New Trust"
    trust.save()

    changes = _read(client, f"{FEED}?cursor=c1.{position}")["results"]

    assert [change["slug"] for change in changes] == ["led"]
    assert changes[0]["entry"]["organisations"][0]["name"] == "New Trust"


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("cursor=abc", "cursor"),
        ("cursor=c1.-1", "cursor"),
        ("cursor=c1.99999999999999999999", "cursor"),
        ("page_size=0", "page_size"),
        ("page_size=101", "page_size"),
        ("cursor=c1.1&cursor=c1.2", "cursor"),
        ("since=2025-01-01", "since"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, query, parameter):
    response = client.get(f"{FEED}?{query}")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [parameter]


def test_the_feed_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries
):
    for _ in range(6):
        make_initiative(themes=[make_theme()])

    # The positions, their rows, then the entries with their detail's
    # prefetches: the same for 6 entries as for 1.
    with django_assert_max_num_queries(20) as captured:
        client.get(FEED)
    many = len(captured)
    PublicChange.objects.all().delete()
    make_initiative(themes=[make_theme()])
    with django_assert_max_num_queries(many) as captured:
        client.get(FEED)
    assert len(captured) == many


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory lock"
)
@pytest.mark.django_db(transaction=True)
def test_a_change_committed_late_is_not_skipped(client):
    """A writer that draws its position early and commits late: the quicker
    writer waits for it, so a reader never sees a higher position first."""
    early, quick = make_initiative(slug="early"), make_initiative(slug="quick")
    start = PublicChange.objects.latest("id").id
    holding, release, quick_done = (threading.Event() for _ in range(3))

    def early_writer() -> None:
        try:
            # The content version is bumped once, at the end of the batch
            # (as an admin save does): nothing else makes the others wait.
            with transaction.atomic(), one_content_change():
                record_public_changes([early.pk])
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    def quick_writer() -> None:
        try:
            holding.wait(10)
            with transaction.atomic():
                record_public_changes([quick.pk])
            quick_done.set()
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=early_writer),
        threading.Thread(target=quick_writer),
    ]
    for thread in threads:
        thread.start()
    assert holding.wait(10)
    # The quick writer cannot commit before the early one...
    assert not quick_done.wait(0.5)
    # ...so a reader meanwhile sees neither change, and skips neither.
    url = f"{FEED}?cursor=c1.{start}"
    page = _read(client, url)
    assert page["results"] == []
    release.set()
    for thread in threads:
        thread.join(10)
    assert quick_done.is_set()

    later = _read(client, page["next"])
    assert [change["slug"] for change in later["results"]] == ["early", "quick"]
