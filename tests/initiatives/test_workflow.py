"""The editorial workflow: every move between states, who may make it, what it records."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from initiatives.models import EditorialState, Initiative, StateChange
from initiatives.services.publishing import (
    TRANSITIONS,
    allowed_transitions,
    mark_reviewed,
    publish_briefing,
    publish_initiative,
    transition,
    withdraw_initiative,
)
from tests.factories import (
    STARTER_CONTENT,
    make_briefing,
    make_editor,
    make_initiative,
    make_publisher,
    make_user,
)

pytestmark = pytest.mark.django_db

STATES = EditorialState.values
ALLOWED = sorted(TRANSITIONS)
REFUSED = [
    (start, to)
    for start, to in itertools.product(STATES, STATES)
    if (start, to) not in TRANSITIONS
]


def _entry_in(state: str) -> Initiative:
    return make_initiative(state=state)


def test_the_transition_table_is_the_documented_one():
    D, R, P, W = STATES
    assert set(TRANSITIONS) == {
        (D, R),
        (R, D),
        (D, P),
        (R, P),
        (P, W),
        (P, D),
        (W, P),
        (W, D),
    }
    # Only the two moves inside the not-yet-public states are editors' moves.
    assert {move for move, publisher in TRANSITIONS.items() if not publisher} == {
        (D, R),
        (R, D),
    }


@pytest.mark.parametrize(("start", "to"), ALLOWED, ids=lambda s: s)
def test_publisher_makes_every_allowed_move_and_it_is_recorded(start, to):
    publisher = make_publisher()
    entry = _entry_in(start)

    change = transition(entry, to, actor=publisher, reason="Checked the source.")

    entry.refresh_from_db()
    assert entry.state == to
    assert (change.initiative, change.from_state, change.to_state) == (entry, start, to)
    assert change.actor == publisher
    assert change.reason == "Checked the source."
    assert change.changed_at is not None
    assert list(StateChange.objects.all()) == [change]


@pytest.mark.parametrize(("start", "to"), REFUSED, ids=lambda s: s)
def test_moves_outside_the_workflow_are_refused_with_a_message(start, to):
    entry = _entry_in(start)

    with pytest.raises(ValidationError) as refused:
        transition(entry, to, actor=make_publisher())

    entry.refresh_from_db()
    assert entry.state == start
    assert not StateChange.objects.exists()
    message = " ".join(refused.value.messages)
    if start == to:
        assert "is already" in message
    else:
        assert "cannot go from" in message


@pytest.mark.parametrize(
    ("start", "to", "editor_may"),
    [(start, to, not publisher) for (start, to), publisher in TRANSITIONS.items()],
    ids=lambda s: str(s),
)
def test_editors_make_only_the_moves_before_publication(start, to, editor_may):
    entry = _entry_in(start)

    if editor_may:
        transition(entry, to, actor=make_editor())
        entry.refresh_from_db()
        assert entry.state == to
    else:
        with pytest.raises(PermissionDenied, match="Only publishers"):
            transition(entry, to, actor=make_editor())
        entry.refresh_from_db()
        assert entry.state == start
        assert not StateChange.objects.exists()


def test_anonymous_users_and_staff_without_rights_move_nothing():
    entry = _entry_in(EditorialState.DRAFT)
    for actor in (AnonymousUser(), make_user(is_staff=True)):
        with pytest.raises(PermissionDenied):
            transition(entry, EditorialState.IN_REVIEW, actor=actor)
    assert allowed_transitions(entry, AnonymousUser()) == []


def test_allowed_transitions_follow_the_users_rights():
    draft = _entry_in(EditorialState.DRAFT)
    published = _entry_in(EditorialState.PUBLISHED)

    assert allowed_transitions(draft, make_editor()) == [EditorialState.IN_REVIEW]
    assert allowed_transitions(published, make_editor()) == []
    assert allowed_transitions(draft, make_publisher()) == [
        EditorialState.IN_REVIEW,
        EditorialState.PUBLISHED,
    ]
    assert allowed_transitions(published, make_publisher()) == [
        EditorialState.DRAFT,
        EditorialState.WITHDRAWN,
    ]


def test_published_at_is_set_on_first_publication_only():
    entry = _entry_in(EditorialState.DRAFT)
    publish_initiative(entry)
    first = entry.published_at
    withdraw_initiative(entry)
    publish_initiative(entry)

    entry.refresh_from_db()
    assert first is not None
    assert entry.published_at == first


@pytest.mark.parametrize("to", [EditorialState.WITHDRAWN, EditorialState.DRAFT])
def test_leaving_public_view_stamps_withdrawn_at_for_mirrors(to):
    before = timezone.now()
    entry = _entry_in(EditorialState.PUBLISHED)

    transition(entry, to, actor=None)

    entry.refresh_from_db()
    assert entry.withdrawn_at is not None and entry.withdrawn_at >= before
    assert list(Initiative.objects.withdrawn_since(before)) == [entry]


def test_moves_that_never_touch_public_view_leave_withdrawn_at_alone():
    entry = _entry_in(EditorialState.DRAFT)
    transition(entry, EditorialState.IN_REVIEW, actor=None)
    publish_initiative(entry)

    entry.refresh_from_db()
    assert entry.withdrawn_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"summary": "  "}, "Write a summary before publishing."),
        ({"police_areas": []}, "Choose at least one police area before publishing."),
    ],
)
def test_incomplete_initiatives_are_not_published(fields, message):
    entry = make_initiative(state=EditorialState.IN_REVIEW, **fields)

    with pytest.raises(ValidationError, match=message):
        publish_initiative(entry, actor=make_publisher())

    entry.refresh_from_db()
    assert entry.state == EditorialState.IN_REVIEW
    assert entry.published_at is None


def test_briefings_follow_the_same_workflow():
    briefing = make_briefing(state=EditorialState.DRAFT, summary="")
    with pytest.raises(ValidationError, match="Write a summary"):
        publish_briefing(briefing, actor=make_publisher())
    with pytest.raises(PermissionDenied):
        publish_briefing(briefing, actor=make_editor())

    briefing.summary = "Findings."
    briefing.save()
    change = publish_briefing(briefing, actor=make_publisher())

    assert change.briefing == briefing
    briefing.refresh_from_db()
    assert briefing.state == EditorialState.PUBLISHED


def test_a_stale_copy_cannot_replay_a_move():
    entry = _entry_in(EditorialState.PUBLISHED)
    stale = Initiative.objects.get(pk=entry.pk)
    withdraw_initiative(entry)

    with pytest.raises(ValidationError, match="already withdrawn"):
        withdraw_initiative(stale)


def test_only_publishers_mark_entries_reviewed():
    entry = make_initiative()
    with pytest.raises(PermissionDenied):
        mark_reviewed(entry, actor=make_editor())
    mark_reviewed(entry, actor=make_publisher())

    entry.refresh_from_db()
    assert entry.last_reviewed_at is not None


def test_review_due_counts_from_last_review_or_first_publication():
    now = timezone.now()
    old = now - datetime.timedelta(days=400)
    due_never_reviewed = make_initiative(published_at=old)
    due_reviewed_long_ago = make_initiative(published_at=old, last_reviewed_at=old)
    make_initiative(published_at=old, last_reviewed_at=now)
    make_initiative(published_at=now)
    make_initiative(state=EditorialState.DRAFT)

    assert set(Initiative.objects.review_due()) == {
        due_never_reviewed,
        due_reviewed_long_ago,
    }


def test_seed_content_is_published_through_the_workflow():
    call_command("load_seed_content", only=STARTER_CONTENT)

    changes = StateChange.objects.all()
    assert changes.count() == 8  # seven initiatives and the briefing
    assert not changes.exclude(to_state=EditorialState.PUBLISHED).exists()
    assert not changes.filter(actor__isnull=False).exists()
