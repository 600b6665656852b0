"""The workflow through every admin path: buttons, bulk actions, forms.

The permission matrix: anonymous visitors, editors and publishers, each
action. Rights are checked on the server, so a hand-made POST is refused as
firmly as a hidden button.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Briefing, EditorialState, Initiative, StateChange
from tests.admin_forms import admin_form_data, new_initiative_data
from tests.factories import (
    make_briefing,
    make_editor,
    make_initiative,
    make_police_area,
    make_publisher,
)

pytestmark = pytest.mark.django_db

D, R, P, W = EditorialState.values


def _url(model, view: str, *args) -> str:
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


def _as(client, role):
    if role == "editor":
        client.force_login(make_editor())
    elif role == "publisher":
        client.force_login(make_publisher())
    return client


def _bulk(client, model, action: str, entries, reason: str = ""):
    return client.post(
        _url(model, "changelist"),
        {
            "action": action,
            "_selected_action": [entry.pk for entry in entries],
            "reason": reason,
            "confirm": "yes",  # withdrawing asks first (tested at the end)
        },
        follow=True,
    )


# (action, state before, state after it succeeds, roles allowed)
BULK_ACTIONS = [
    ("submit_selected", D, R, {"editor", "publisher"}),
    ("return_to_draft_selected", R, D, {"editor", "publisher"}),
    ("publish_selected", R, P, {"publisher"}),
    ("withdraw_selected", P, W, {"publisher"}),
    ("return_to_draft_selected", P, D, {"publisher"}),
    ("publish_selected", W, P, {"publisher"}),
]


@pytest.mark.parametrize("model", [Initiative, Briefing], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["anonymous", "editor", "publisher"])
@pytest.mark.parametrize(
    ("action", "before", "after", "allowed"),
    BULK_ACTIONS,
    ids=[f"{a}-{b}" for a, b, _, _ in BULK_ACTIONS],
)
def test_bulk_action_permission_matrix(
    client, model, role, action, before, after, allowed
):
    entry = (make_initiative if model is Initiative else make_briefing)(state=before)
    _as(client, role)

    response = _bulk(client, model, action, [entry], reason="Bulk reason")

    entry.refresh_from_db()
    if role in allowed:
        assert entry.state == after
        change = StateChange.objects.get()
        assert change.reason == "Bulk reason"
        assert change.actor == response.wsgi_request.user
    else:
        assert entry.state == before
        assert not StateChange.objects.exists()
        if role == "anonymous":
            assert response.redirect_chain[0][0].startswith(reverse("admin:login"))


@pytest.mark.parametrize("model", [Initiative, Briefing], ids=lambda m: m.__name__)
@pytest.mark.parametrize("role", ["anonymous", "editor", "publisher"])
@pytest.mark.parametrize(
    ("before", "to", "allowed"),
    [
        (D, R, {"editor", "publisher"}),
        (R, D, {"editor", "publisher"}),
        (D, P, {"publisher"}),
        (R, P, {"publisher"}),
        (P, W, {"publisher"}),
        (P, D, {"publisher"}),
        (W, P, {"publisher"}),
        (W, D, {"publisher"}),
        (D, W, set()),
        (R, W, set()),
        (P, R, set()),
        (W, R, set()),
    ],
)
def test_change_page_button_permission_matrix(client, model, role, before, to, allowed):
    entry = (make_initiative if model is Initiative else make_briefing)(state=before)
    _as(client, role)

    response = client.post(
        _url(model, "state", entry.pk),
        {"to_state": to, "reason": "Why", "confirm": "yes"},
        follow=True,
    )

    entry.refresh_from_db()
    if role in allowed:
        assert entry.state == to
        assert StateChange.objects.get().reason == "Why"
    else:
        assert entry.state == before
        assert not StateChange.objects.exists()
        if role != "anonymous":
            messages = [str(m) for m in response.context["messages"]]
            assert messages, "a refused move explains itself"


def test_change_page_shows_only_the_buttons_a_user_may_press(client):
    draft = make_initiative(state=D)

    editor_page = _as(client, "editor").get(_url(Initiative, "change", draft.pk))
    buttons = editor_page.context["editorial_buttons"]
    assert [state for state, _ in buttons] == [R]
    assert not editor_page.context["can_mark_reviewed"]

    publisher_page = _as(client, "publisher").get(_url(Initiative, "change", draft.pk))
    html = publisher_page.content.decode()
    assert [s for s, _ in publisher_page.context["editorial_buttons"]] == [R, P]
    assert 'value="published"' in html
    assert "Mark as reviewed today" in html


def test_state_view_refuses_get(client):
    entry = make_initiative(state=D)
    response = _as(client, "publisher").get(_url(Initiative, "state", entry.pk))
    assert response.status_code == 405


def test_editor_does_not_see_the_publishing_actions(client):
    response = _as(client, "editor").get(_url(Initiative, "changelist"))
    actions = [
        name for name, _ in response.context["action_form"].fields["action"].choices
    ]
    assert "submit_selected" in actions
    assert "publish_selected" not in actions
    assert "withdraw_selected" not in actions
    assert "mark_reviewed_selected" not in actions


def test_bulk_publish_is_all_or_nothing_and_names_each_refusal(client):
    ready = make_initiative(state=R, title="Ready")
    no_summary = make_initiative(state=R, summary="", title="Unfinished")
    no_area = make_initiative(state=R, police_areas=[], title="Nowhere")

    response = _bulk(
        _as(client, "publisher"),
        Initiative,
        "publish_selected",
        [ready, no_summary, no_area],
    )

    text = response.content.decode()
    assert "Nothing was changed: 2 of the 3 selected entries" in text
    assert "Unfinished: Write a summary before publishing." in text
    assert "Nowhere: Choose at least one police area before publishing." in text
    for entry in (ready, no_summary, no_area):
        entry.refresh_from_db()
        assert (entry.state, entry.published_at) == (R, None)
    assert not StateChange.objects.exists()


@pytest.mark.parametrize(
    ("action", "before"),
    [("publish_selected", R), ("withdraw_selected", P), ("mark_reviewed_selected", P)],
)
def test_a_bulk_action_that_fails_half_way_changes_nothing(
    client, monkeypatch, action, before
):
    from initiatives.admin import editorial, library

    entries = [make_initiative(state=before) for _ in range(3)]
    calls = []

    def failing_second_time(real):
        def change(*args, **kwargs):
            calls.append(args[0])
            if len(calls) == 2:
                raise RuntimeError("the database went away half-way")
            return real(*args, **kwargs)

        return change

    monkeypatch.setattr(
        editorial, "transition", failing_second_time(editorial.transition)
    )
    monkeypatch.setattr(
        library, "mark_reviewed", failing_second_time(library.mark_reviewed)
    )

    response = _bulk(_as(client, "publisher"), Initiative, action, entries)

    assert len(calls) == 2  # the first entry was changed before the failure
    assert (
        "Nothing was changed: the action failed part-way" in response.content.decode()
    )
    for entry in entries:
        stored = Initiative.objects.get(pk=entry.pk)
        assert (stored.state, stored.last_reviewed_at, stored.withdrawn_at) == (
            before,
            entry.last_reviewed_at,
            entry.withdrawn_at,
        )
    assert not StateChange.objects.exists()


def test_a_bulk_action_that_succeeds_changes_every_entry(client):
    entries = [make_initiative(state=R) for _ in range(3)]

    response = _bulk(_as(client, "publisher"), Initiative, "publish_selected", entries)

    assert "Published 3 entries." in response.content.decode()
    assert set(Initiative.objects.values_list("state", flat=True)) == {P}
    assert StateChange.objects.count() == 3


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_no_form_can_set_the_state(client, role):
    area = make_police_area()
    _as(client, role)

    client.post(
        _url(Initiative, "add"),
        new_initiative_data(
            client, area, state=P, published_at="2020-01-01 00:00", origin="demo"
        ),
    )

    created = Initiative.objects.get(slug="street-triage")
    assert created.state == D
    assert created.published_at is None
    assert created.origin == Initiative.Origin.CURATED


def test_editor_cannot_change_a_published_entry(client):
    published = make_initiative(title="Public text")
    _as(client, "editor")

    page = client.get(_url(Initiative, "change", published.pk))
    response = client.post(
        _url(Initiative, "change", published.pk),
        admin_form_data(page, title="Edited by an editor"),
    )

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Public text"


def test_editor_edits_a_draft_but_cannot_set_last_reviewed(client):
    draft = make_initiative(state=D, slug="street-triage")
    _as(client, "editor")

    page = client.get(_url(Initiative, "change", draft.pk))
    response = client.post(
        _url(Initiative, "change", draft.pk),
        admin_form_data(
            page,
            title="Renamed",
            last_reviewed_at_0="2024-01-01",
            last_reviewed_at_1="10:00",
        ),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Renamed"
    assert draft.last_reviewed_at is None


def test_publisher_marks_selected_entries_reviewed(client):
    entries = [make_initiative(), make_initiative()]

    _bulk(_as(client, "publisher"), Initiative, "mark_reviewed_selected", entries)

    assert all(
        Initiative.objects.filter(pk=e.pk, last_reviewed_at__isnull=False).exists()
        for e in entries
    )


def test_review_filter_lists_entries_due_for_review(client):
    old = timezone.now() - datetime.timedelta(days=400)
    due = make_initiative(published_at=old)
    make_initiative()

    response = _as(client, "publisher").get(
        _url(Initiative, "changelist"), {"review": "due"}
    )

    assert list(response.context["cl"].result_list) == [due]


@pytest.mark.parametrize(
    "params",
    [{"state__exact": P}, {"themes__id__exact": "1"}, {"police_areas__id__exact": "1"}],
)
def test_state_area_and_theme_filters_exist(client, params):
    response = _as(client, "publisher").get(_url(Initiative, "changelist"), params)
    # An unknown filter would redirect to "?e=1".
    assert response.status_code == 200


@pytest.mark.parametrize("model", [Initiative, Briefing], ids=lambda m: m.__name__)
def test_withdrawing_from_the_change_page_asks_first(client, model):
    entry = (make_initiative if model is Initiative else make_briefing)(state=P)
    _as(client, "publisher")
    state_url = _url(model, "state", entry.pk)

    asked = client.post(state_url, {"to_state": W, "reason": "Ended in 2020"})

    entry.refresh_from_db()
    assert asked.status_code == 200
    assert entry.state == P and not StateChange.objects.exists()
    html = asked.content.decode()
    assert "Withdraw this" in html and str(entry) in html
    assert '<input type="hidden" name="confirm" value="yes">' in html
    assert '<input type="hidden" name="to_state" value="withdrawn">' in html
    assert ">Ended in 2020</textarea>" in html
    assert f'href="{_url(model, "change", entry.pk)}"' in html  # "No, keep it"

    client.post(state_url, {"to_state": W, "reason": "Ended in 2020", "confirm": "yes"})

    entry.refresh_from_db()
    assert entry.state == W
    assert StateChange.objects.get().reason == "Ended in 2020"


def test_withdrawing_selected_entries_asks_first(client):
    entries = [make_initiative(state=P), make_initiative(state=P)]
    _as(client, "publisher")
    data = {
        "action": "withdraw_selected",
        "_selected_action": [entry.pk for entry in entries],
        "reason": "Duplicates",
    }

    asked = client.post(_url(Initiative, "changelist"), data)

    assert asked.status_code == 200
    assert set(Initiative.objects.values_list("state", flat=True)) == {P}
    html = asked.content.decode()
    assert "these 2 initiatives" in html
    for entry in entries:
        assert f'name="_selected_action" value="{entry.pk}"' in html

    client.post(_url(Initiative, "changelist"), {**data, "confirm": "yes"})

    assert set(Initiative.objects.values_list("state", flat=True)) == {W}


def test_an_editor_is_not_asked_to_confirm_what_they_may_not_do(client):
    entry = make_initiative(state=P)
    _as(client, "editor")

    response = client.post(_url(Initiative, "state", entry.pk), {"to_state": W})

    assert response.status_code == 302  # refused with a message, not asked
    entry.refresh_from_db()
    assert entry.state == P
